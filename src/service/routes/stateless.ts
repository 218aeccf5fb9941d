/**
 * The calculators, over HTTP and stateless: POST /v1/report (spec/report.md: a snapshot in, the
 * report out) and POST /v1/simulate (spec/simulate.md: an input in, the results out, on the
 * service's pool of worker threads). Any valid key may use them; nothing is written.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { reportFromJson } from '../../core/index.js';
import { runSimulation } from '../../sim/run.js';
import { SimulationPool } from '../../sim/pool.js';
import { principalOf } from '../app.js';
import type { ServiceContext } from '../context.js';
import { ServiceError, invalidInput } from '../problem.js';
import { Snapshot } from '../schemas.js';

const pool = new SimulationPool();

export async function closeSimulationPool(): Promise<void> {
  await pool.close();
}

export function statelessRoutes(context: ServiceContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.post('/report', { schema: { summary: 'The risk report of one snapshot (spec/report.md)', tags: ['calculators'], body: Snapshot } }, async (request, reply) => {
      principalOf(request);
      const report = reportFromJson(request.body);
      if (!report.ok) throw invalidInput(report.error, '');
      return reply.send(report.value);
    });

    app.post('/simulate', {
      schema: {
        summary: 'Many price paths through the engine (spec/simulate.md); paths × steps capped by --max-path-steps', tags: ['calculators'],
        body: { type: 'object', description: 'a simulate.md input: account, model, horizonDays, steps, paths, seed, policy, variants' },
      },
      bodyLimit: 4 * 1024 * 1024,
    }, async (request, reply) => {
      principalOf(request);
      const input = request.body as Record<string, unknown>;
      const model = input.model as Record<string, unknown> | undefined;
      if (model && typeof model === 'object' && model.file !== undefined) {
        throw new ServiceError(400, 'request/invalid', 'model.file: the service does not read files; bootstrap and replay models run with `stopout simulate`',
          [{ field: 'model.file', message: 'files are not read over HTTP' }]);
      }
      // The cap applies to a well-formed size; anything else is the simulator's parser's to name.
      const size = (value: unknown): number => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0);
      const paths = size(input.paths);
      const steps = size(input.steps);
      if (paths * steps > context.options.maxPathSteps) {
        throw new ServiceError(413, 'simulate/too-large', `paths × steps = ${paths * steps} is more than this service runs in one request (${context.options.maxPathSteps})`,
          [{ field: 'paths', message: `paths × steps at most ${context.options.maxPathSteps}` }]);
      }
      const result = await runSimulation(input, undefined, { pool });
      if (!result.ok) throw invalidInput(result.error, '');
      return reply.send(result.value);
    });
  };
}
