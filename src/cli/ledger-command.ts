/**
 * `stopout ledger verify`: an audit of a service's ledger, in a process of its own. It folds every
 * entry from the first (no snapshot), and again from the last snapshot plus the tail, as start-up
 * does, and prints both state hashes, the ledger's position and money conserved per currency. Exit
 * 0 when the two folds agree and money is conserved, 1 when not. Reads --data's SQLite ledger, or
 * STOPOUT_DATABASE_URL's PostgreSQL one. (Run it on a stopped service, or accept that the log may
 * grow while it reads.)
 */
import { openStore, recoverLive } from '../service/service.js';
import { DEFAULT_OPTIONS } from '../service/context.js';
import { LiveState } from '../service/live/live-state.js';
import { serviceConservationGap, serviceStateHash } from '../service/live/service-hash.js';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK } from './exit-codes.js';
import { Progress } from './progress.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export async function runLedgerVerify(data: string): Promise<number> {
  const databaseUrl = process.env.STOPOUT_DATABASE_URL?.trim() || undefined;
  if (!databaseUrl && !existsSync(join(data, 'ledger.sqlite'))) {
    process.stderr.write(`stopout ledger verify: --data: no ledger in ${data} (ledger.sqlite is missing)\n`);
    return EXIT_BAD_INPUT;
  }
  let store;
  try {
    store = await openStore({ ...DEFAULT_OPTIONS, data, ...(databaseUrl ? { databaseUrl } : {}) });
  } catch (error) {
    process.stderr.write(`stopout ledger verify: cannot open the ledger: ${(error as Error).message}\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    const last = await store.lastSeq();
    const progress = new Progress('replaying the ledger', last);
    const replayed = new LiveState();
    const full = await recoverLive(replayed, store, false, (seq) => progress.at(seq));
    progress.done();
    const recovered = new LiveState();
    const fromSnapshot = await recoverLive(recovered, store, true);
    const gap = serviceConservationGap(replayed);
    const conserved = Object.values(gap).every((value) => /^-?0(\.0+)?$/.test(value));
    const result = {
      store: store.kind,
      seq: replayed.seq,
      events: replayed.eventId,
      accounts: replayed.slots.length,
      stateHash: serviceStateHash(replayed),
      replay: { entries: full.entries, milliseconds: Math.round(full.milliseconds) },
      recovery: {
        fromSnapshot: fromSnapshot.fromSnapshot, entries: fromSnapshot.entries, milliseconds: Math.round(fromSnapshot.milliseconds),
        stateHash: serviceStateHash(recovered),
      },
      conservationGap: gap,
    };
    const agree = result.stateHash === result.recovery.stateHash && replayed.seq === recovered.seq;
    process.stdout.write(`${JSON.stringify({ ...result, agree, conserved }, null, 2)}\n`);
    return agree && conserved ? EXIT_OK : EXIT_INTERNAL;
  } catch (error) {
    process.stderr.write(`stopout ledger verify: ${(error as Error).message}\n`);
    return EXIT_INTERNAL;
  } finally {
    await store.close();
  }
}
