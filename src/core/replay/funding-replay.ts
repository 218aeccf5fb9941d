/**
 * Replay with timed payments beside the price file: the scenario's commands first (as replay()),
 * then the price bars and the timed commands (funding payments, each perhaps after its row's mark)
 * merged by time. A bar's whole walk (open -> extremes -> close) happens at its bar time, and at
 * equal times the bar comes first: a payment at 00:00 beside a daily bar stamped 00:00 is charged
 * at that bar's close. Daily bars thus charge the whole day's payments at the day's close, the last
 * price the walk reached; finer bars charge each payment closer to the price of its moment.
 */
import type { InstrumentId } from '../money/units.js';
import type { Bar } from './price-file.js';
import type { Command, EngineState } from '../engine/engine-types.js';
import { replay, type ReplayStep } from '../engine/replay.js';
import { step } from '../engine/step.js';

const timeOf = (command: Command): number => command.time?.ms ?? Number.NEGATIVE_INFINITY;

/** The commands, then bars and timed commands in time order (a bar before a command at its own time), yielding after each step. */
export function* replayWithPayments(
  start: EngineState, commands: readonly Command[], bars: readonly Bar[], instrument: InstrumentId | undefined, timed: readonly Command[],
): Generator<ReplayStep> {
  let state = start;
  const advance = function* (steps: Iterable<ReplayStep>): Generator<ReplayStep> {
    for (const result of steps) {
      state = result.state;
      yield result;
    }
  };
  yield* advance(replay(state, commands));
  let next = 0;
  const pending = (beforeMs: number): Command[] => {
    const due: Command[] = [];
    while (next < timed.length && timeOf(timed[next] as Command) < beforeMs) due.push(timed[next++] as Command);
    return due;
  };
  for (const bar of instrument ? bars : []) {
    for (const command of pending(bar.ms)) yield* advance([step(state, command)]);
    // One bar at a time through replay(), so the walk's direction follows the positions as they are now.
    yield* advance(replay(state, [], [bar], instrument));
  }
  for (const command of pending(Number.POSITIVE_INFINITY)) yield* advance([step(state, command)]);
}
