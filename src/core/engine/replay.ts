/**
 * Replay: the engine folded over a scenario's commands, then over its price bars. A bar is walked
 * open -> the extreme against the account's position on that instrument -> the other extreme ->
 * close (spec/engine.md), so an intrabar wick is never missed and a stop or liquidation fills at the
 * first price at or past its trigger. Flat or net long: open, low, high, close; net short: open,
 * high, low, close. Equal consecutive prices are one tick.
 */
import { compare, subtract, sum, decimal, sign } from '../money/decimal.js';
import type { InstrumentId, Price } from '../money/units.js';
import type { Bar } from '../replay/price-file.js';
import type { Command, EngineEvent, EngineState } from './engine-types.js';
import { instantOf } from './instant.js';
import { step } from './step.js';

/** +1 net long (or flat), -1 net short: which way a fall hurts the account on this instrument. */
function netSide(state: EngineState, instrument: InstrumentId): 1 | -1 {
  const quantities = state.snapshot.positions
    .filter((position) => position.instrument.symbol === instrument)
    .map((position) => (position.side === 'long' ? position.quantity : subtract(decimal(0n), position.quantity)));
  return quantities.length && sign(sum(quantities)) < 0 ? -1 : 1;
}

/** The prices a bar offers, in the order the walk visits them. */
export function barWalk(bar: Bar, side: 1 | -1): Price[] {
  const path = side > 0 ? [bar.open, bar.low, bar.high, bar.close] : [bar.open, bar.high, bar.low, bar.close];
  return path.filter((price, index) => index === 0 || compare(price, path[index - 1] ?? price) !== 0);
}

export interface ReplayStep {
  readonly state: EngineState;
  readonly events: readonly EngineEvent[];
}

/** Applies the commands, then the bars, yielding after each step. */
export function* replay(start: EngineState, commands: readonly Command[], bars: readonly Bar[] = [], instrument?: InstrumentId): Generator<ReplayStep> {
  let state = start;
  for (const command of commands) {
    const result = step(state, command);
    state = result.state;
    yield result;
  }
  if (!instrument) return;
  for (const bar of bars) {
    const time = instantOf(bar.ms);
    for (const price of barWalk(bar, netSide(state, instrument))) {
      const result = step(state, { type: 'mark', time, prices: new Map([[instrument, price]]) });
      state = result.state;
      yield result;
    }
  }
}

/** An event as one JSON line's object: type, time, then its fields. */
export function eventToJson(event: EngineEvent): Record<string, string> {
  return { type: event.type, ...(event.time ? { time: event.time } : {}), ...event.fields };
}
