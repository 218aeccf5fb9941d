// The service benchmark's baseline (bench/service.ts): a bare Fastify server, the same Fastify as
// the service, in a process of its own. It answers every GET and POST with {"hello":"world"}, after
// Fastify's own JSON body parsing, so the load generator sends it exactly what it sends the service.
// Prints `hello-world listening on <url>` once it accepts requests; SIGTERM closes it.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
const hello = async (): Promise<{ hello: string }> => ({ hello: 'world' });
app.get('/*', hello);
app.post('/*', hello);
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`hello-world listening on ${url}\n`);
process.once('SIGTERM', () => { void app.close(); });
