/**
 * Tick classes: how many ticks an account has been given without being stepped, in O(1).
 *
 * Every tick of an instrument an account holds is one `mark` command for it (spec/service.md), so
 * its sequence and time move on every such tick even when nothing else happens. Accounts that hold
 * the same instruments at the same built-in venue form a class; a tick counts once for each class
 * holding any of its instruments (a tick of two instruments is still one mark), and remembers its
 * time. An account left alone by the risk index is then brought up to date when it is next read:
 * its sequence moves by the ticks its class counted since, its time is the class's last tick's, and
 * its marks are the feed's latest prices (live-state.ts, `materialize`).
 */
import type { Instant } from '../../core/engine/instant.js';

export interface TickClass {
  readonly key: string;
  readonly venue: string;
  readonly symbols: readonly string[];
  /** Ticks that reached this class. */
  count: number;
  /** The last such tick's time. */
  lastTime: Instant | null;
  /** The number of the last tick counted, so a tick of several instruments counts once. */
  lastTick: number;
}

export function classKey(venue: string, symbols: readonly string[]): string {
  return `${venue}\u0000${[...symbols].sort().join('\u0001')}`;
}

export class TickClasses {
  private readonly byKey = new Map<string, TickClass>();
  /** venue\0symbol -> the classes holding that instrument at that venue. */
  private readonly byInstrument = new Map<string, TickClass[]>();

  /** The class of accounts holding exactly `symbols` at `venue`, made when first needed. */
  get(venue: string, symbols: readonly string[]): TickClass {
    const key = classKey(venue, symbols);
    let found = this.byKey.get(key);
    if (!found) {
      found = { key, venue, symbols: [...symbols].sort(), count: 0, lastTime: null, lastTick: 0 };
      this.byKey.set(key, found);
      for (const symbol of found.symbols) {
        const at = `${venue}\u0000${symbol}`;
        const list = this.byInstrument.get(at);
        if (list) list.push(found);
        else this.byInstrument.set(at, [found]);
      }
    }
    return found;
  }

  /** Counts tick number `tick` at `time` for every class at `venue` holding one of `symbols`. */
  tick(venue: string, symbols: Iterable<string>, time: Instant, tick: number): void {
    for (const symbol of symbols) {
      const list = this.byInstrument.get(`${venue}\u0000${symbol}`);
      if (!list) continue;
      for (const each of list) {
        if (each.lastTick === tick) continue;
        each.lastTick = tick;
        each.count += 1;
        each.lastTime = time;
      }
    }
  }

  all(): IterableIterator<TickClass> {
    return this.byKey.values();
  }

  /** Restores a class as a snapshot saved it. */
  restore(saved: { venue: string; symbols: readonly string[]; count: number; lastTime: Instant | null; lastTick: number }): void {
    const made = this.get(saved.venue, saved.symbols);
    made.count = saved.count;
    made.lastTime = saved.lastTime;
    made.lastTick = saved.lastTick;
  }
}
