/**
 * An account's state hash: sha256 of its canonical saved state (../../core/engine/state-json.ts),
 * hex. `stopout replay --summary` prints it as `stateHash`, and the service's account summary
 * carries the same, so an exported scenario can be audited offline to the byte.
 */
import { createHash } from 'node:crypto';
import { stateToJson, type AccountSource, type EngineState } from '../../core/index.js';

export function stateHash(state: EngineState, source: AccountSource): string {
  return createHash('sha256').update(JSON.stringify(stateToJson(state, source))).digest('hex');
}
