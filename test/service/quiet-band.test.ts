// Quiet bands (src/service/live/quiet-band.ts) hold what they claim: a mark with every instrument
// an account holds anywhere inside its band, jointly, at the band's very edges included, makes the
// reducer emit nothing. Random accounts and histories at all eight venues; each state's bands are
// probed with marks at the edges and inside, one instrument at a time and all together.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScenario, step, toDecimalString, type Command, type EngineState, type InstrumentId, type Price } from '../../src/core/index.js';
import { parseDecimal } from '../../src/core/money/decimal.js';
import { quietBands, type PriceRange } from '../../src/service/live/quiet-band.js';
import { ENGINE_VENUES, Rng, ScenarioGenerator, parseCommandJson } from '../support/engine-arbitraries.js';

/** A decimal string whose double lies in [lo, hi], near `target`. */
function priceText(target: number, range: PriceRange): string | undefined {
  for (const digits of [12, 10, 8, 6]) {
    const text = target.toPrecision(digits);
    if (text.includes('e')) continue;
    const value = Number(text);
    if (value >= range.lo && value <= range.hi && value > 0) return text;
  }
  return undefined;
}

function probe(rng: Rng, state: EngineState, ranges: ReadonlyMap<string, PriceRange>): Command[] {
  const marks: Command[] = [];
  const pickIn = (symbol: string, range: PriceRange): string | undefined => {
    const mark = Number(toDecimalString(state.snapshot.marks.get(symbol as InstrumentId) as Price));
    const lo = Math.max(range.lo, mark / 10);
    const hi = Math.min(range.hi, mark * 10);
    const where = rng.weighted([['lo', 3], ['hi', 3], ['inside', 4]] as const);
    const target = where === 'lo' ? lo : where === 'hi' ? hi : lo * Math.exp(rng.float() * Math.log(hi / lo));
    return priceText(target, range);
  };
  const together = new Map<InstrumentId, Price>();
  for (const [symbol, range] of ranges) {
    const text = pickIn(symbol, range);
    if (!text) continue;
    const price = parseDecimal(text) as Price;
    together.set(symbol as InstrumentId, price);
    marks.push({ type: 'mark', prices: new Map([[symbol as InstrumentId, price]]), ...(state.time ? { time: state.time } : {}) });
  }
  if (together.size > 1) marks.push({ type: 'mark', prices: together, ...(state.time ? { time: state.time } : {}) });
  return marks;
}

test('a mark anywhere inside every quiet band, jointly, changes nothing but the marks', () => {
  let probes = 0;
  let joint = 0;
  let always = 0;
  for (const venue of ENGINE_VENUES) {
    for (let seed = 1; seed <= 12; seed++) {
      const rng = new Rng(seed * 7919 + venue.id.length);
      const generator = new ScenarioGenerator(rng, venue);
      const parsed = parseScenario(generator.scenario());
      assert.ok(parsed.ok);
      let state = parsed.value.start;
      for (let at = 0; at < 120; at++) {
        const bands = quietBands(state);
        if (bands.kind === 'always') always += 1;
        else {
          for (const mark of probe(rng, state, bands.ranges)) {
            const result = step(state, mark);
            if (result.events.length) {
              const prices = mark.type === 'mark' ? [...mark.prices].map(([symbol, price]) => [symbol, toDecimalString(price)]) : [];
              assert.fail(`${venue.id} seed ${seed} step ${at}: a mark inside the bands emitted ${result.events.map((event) => event.type).join(', ')}\n` +
                `bands: ${JSON.stringify([...bands.ranges])}\nmark: ${JSON.stringify(prices)}\nscenario: ${JSON.stringify(generator.scenario())}`);
            }
            probes += 1;
            if (mark.type === 'mark' && mark.prices.size > 1) joint += 1;
          }
        }
        state = step(state, parseCommandJson(state, generator.next(state))).state;
      }
    }
  }
  console.log(`probes ${probes}, joint ${joint}, always ${always}`);
  assert.ok(probes > 2000, `probes: ${probes}`);
  assert.ok(joint > 100, `joint probes: ${joint}`);
  assert.ok(always < probes, `always: ${always}`);
});
