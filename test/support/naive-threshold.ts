// The naive reference for the threshold solvers: bisection over the tick grid, evaluating the same
// exact equity - requirement function, until two adjacent ticks straddle the venue's trigger.
// Correct only for a linear instrument where that function changes sign once between the bounds
// (one position, a healthy mark), which is what the benchmark and the differential test give it.
import { add, compare, dec, decimal, divide, fromDecimal, type AccountSnapshot, type Decimal } from '../../src/core/index.js';
import { coordinateOfPrice } from '../../src/core/instrument/coordinate.js';
import { markPrices, thresholdGap } from '../../src/core/liquidation/threshold-price.js';
import { marginScopes } from '../../src/core/margin/margin-scope.js';
import { signRational } from '../../src/core/money/rational.js';

/** The first tick at which the venue liquidates a single long or short, by bisection. */
export function bisectLiquidationPrice(snapshot: AccountSnapshot): Decimal | null {
  const position = snapshot.positions[0];
  if (!position) return null;
  const scope = marginScopes(snapshot).find((each) => each.positions.includes(position));
  if (!scope) return null;
  const gap = thresholdGap(snapshot, scope, position, 'liquidation', markPrices(snapshot));
  const tick = position.instrument.tickSize ?? decimal(1n, 8);
  const acts = (price: Decimal): boolean => {
    const order = signRational(gap.evaluate(coordinateOfPrice(position.instrument.kind, fromDecimal(price))));
    return order < 0 || (order === 0 && snapshot.venue.liquidationTrigger === 'at-or-below');
  };
  const mark = snapshot.marks.get(position.instrument.symbol);
  if (!mark) return null;
  const ticks = (price: Decimal): bigint => divide(price, tick, 0, 'floor').units;
  const at = (count: bigint): Decimal => decimal(count * tick.units, tick.scale);
  // Long: acting ticks lie below the mark; short: above it, within a hundred times the mark.
  let safe = ticks(mark);
  let acting = position.side === 'long' ? 0n : ticks(add(mark, decimal(mark.units * 100n, mark.scale)));
  if (position.side === 'long' && !acts(at(1n))) return null;
  if (position.side === 'short' && !acts(at(acting))) return null;
  while ((safe > acting ? safe - acting : acting - safe) > 1n) {
    const middle = (safe + acting) / 2n;
    if (acts(at(middle))) acting = middle;
    else safe = middle;
  }
  const found = at(acting);
  return compare(found, dec('0')) > 0 ? found : null;
}
