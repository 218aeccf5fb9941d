// The calculator's analysis panels as pure functions (src/web/pages/calculator/: analysis.ts,
// cross-margin.ts, venue-comparison.ts, formulas.ts), checked against the core called directly: the
// debt threshold against the report's bankruptcy price, the ladder against reportFromJson's shocks,
// other venues against the core's own problems, the close order against forceClose, and the tier
// against the bracket that holds the notional at the liquidation price. No browser needed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUILT_IN_VENUES, builtInVenueIds, compare, dec, decimal, forceClose, formatProblem, fromDecimal, marginScopes, multiply, normalize,
  parseSnapshot, reportFromJson, subtract, toDecimalString, type Decimal, type MaintenanceTier, type ReportJson,
} from '../../src/core/index.js';
import { gappedMarks } from '../../src/core/shock/gap-shock.js';
import { asRate } from '../../src/core/money/units.js';
import { compareRational } from '../../src/core/money/rational.js';
import { answerFor, basisPointMove, shockLadder, type AnswerView, type Piece, type Snapshot } from '../../src/web/pages/calculator/analysis.js';
import { crossMargin } from '../../src/web/pages/calculator/cross-margin.js';
import { compareVenues } from '../../src/web/pages/calculator/venue-comparison.js';
import { explain } from '../../src/web/pages/calculator/formulas.js';
import { groupDigits } from '../../src/web/lib/format.js';
import { PUBLISHED_CASES } from '../fixtures/published-cases.js';

function caseSnapshot(id: string): Snapshot {
  const found = PUBLISHED_CASES.find((each) => each.id === id);
  assert.ok(found, `no published case ${id}`);
  return found.snapshot as Snapshot;
}

function reportOf(snapshot: Snapshot): ReportJson {
  const result = reportFromJson(snapshot);
  assert.ok(result.ok, result.ok ? '' : result.error.map(formatProblem).join('\n'));
  return result.value;
}

/** Every figure of the answer: data-field -> data-value. */
function answerFigures(answer: AnswerView): Map<string, string | number | boolean | null> {
  const figures = new Map<string, string | number | boolean | null>();
  for (const piece of answer.sentences.flat() as Piece[]) if (typeof piece !== 'string') figures.set(piece.field, piece.value);
  return figures;
}

const sentence = (answer: AnswerView): string => answer.sentences.flat().map((piece) => (typeof piece === 'string' ? piece : piece.text)).join('');

/** The first basis-point gap down at which a long's mark falls below its bankruptcy price: there equity < 0. */
function firstGridMovePast(mark: string, bankruptcy: string): string {
  for (let points = 1; points < 10000; points += 1) {
    const factor = subtract(dec('1'), decimal(BigInt(points), 4));
    if (compare(multiply(dec(mark), factor), dec(bankruptcy)) < 0) return basisPointMove('down', points);
  }
  return '';
}

/** A grid move's size in basis points: "-0.0101" -> 101. */
const pointsOf = (move: string): number => Math.abs(Number(toDecimalString(normalize(multiply(dec(move), dec('10000'))))));

const debtAt = (snapshot: Snapshot, move: string): string => String(reportOf({ ...snapshot, shocks: [move] }).shocks[0]?.debt);

const THREE_CFDS: Snapshot = {
  venue: 'mt5-standard',
  account: { currency: 'USD', balance: '20000' },
  positions: [
    { id: 'gu', instrument: 'GBPUSD', side: 'long', quantity: '50000', entryPrice: '1.25', leverage: '100' },
    { id: 'xau', instrument: 'XAUUSD', side: 'long', quantity: '20', entryPrice: '2000', leverage: '100' },
    { id: 'eu', instrument: 'EURUSD', side: 'long', quantity: '100000', entryPrice: '1.10', leverage: '100' },
  ],
};

const BINANCE_CROSS: Snapshot = {
  venue: 'binance-usdm',
  account: { currency: 'USDT', balance: '1535443.01' },
  positions: [
    { id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '109.488', entryPrice: '32481.98', leverage: '20' },
    { id: 'eth', instrument: 'ETHUSDT', side: 'short', quantity: '500', entryPrice: '2000', leverage: '20' },
  ],
  marks: { BTCUSDT: '31967.27', ETHUSDT: '2100' },
};

describe('the answer: can I end up owing money?', () => {
  for (const id of ['seed-1000-at-100-debt', 'mt5-stop-out-40']) {
    test(`${id}: the first debt is the first 0.01 % gap past the bankruptcy price`, () => {
      const snapshot = caseSnapshot(id);
      const report = reportOf(snapshot);
      const [position] = report.positions;
      assert.ok(position?.markPrice && position.bankruptcyPrice);
      const expected = firstGridMovePast(position.markPrice, position.bankruptcyPrice);
      const answer = answerFor(snapshot, report);
      const figures = answerFigures(answer);
      assert.equal(figures.get('answer.debtFromMove'), expected);
      assert.ok(Number(debtAt(snapshot, expected)) > 0, 'a debt at the threshold');
      const before = basisPointMove('down', pointsOf(expected) - 1);
      assert.equal(debtAt(snapshot, before), '0.00', 'no debt one grid step before');
      assert.equal(answer.tone, 'danger');
      assert.match(sentence(answer), /or worse leaves you owing the broker/);
    });
  }

  test('the seed article: $1,000 at 100x owes from −1.01 % (equity 0 at 1.2375 = 1.25 × 0.99), $1,000 at −2 %', () => {
    const snapshot = caseSnapshot('seed-1000-at-100-debt');
    const figures = answerFigures(answerFor(snapshot, reportOf(snapshot)));
    assert.equal(figures.get('answer.debtFromMove'), '-0.0101');
    assert.equal(figures.get('answer.exampleMove'), '-0.02');
    assert.equal(figures.get('answer.debtAtExample'), '1000.00');
    assert.equal(figures.get('answer.debtAtExample'), debtAt(snapshot, '-0.02'));
  });

  test('with negative balance protection the loss stops at the balance', () => {
    const snapshot = caseSnapshot('seed-500-at-75-nbp');
    const report = reportOf(snapshot);
    const answer = answerFor(snapshot, report);
    assert.equal(answerFigures(answer).get('answer.lossCap'), report.account.balance);
    assert.match(sentence(answer), /^With negative balance protection your loss stops at \$500\.00 \(your balance\)/);
    assert.equal(answer.tone, 'safe');
    assert.equal(answerFigures(answer).has('answer.debtFromMove'), false);
  });

  test('an insurance-fund venue caps an isolated position at its margin', () => {
    const snapshot = caseSnapshot('binance-usdm-isolated-long');
    const answer = answerFor(snapshot, reportOf(snapshot));
    assert.equal(answerFigures(answer).get('answer.lossCap'), '5000.00000000');
    assert.match(sentence(answer), /insurance fund absorbs .* your loss stops at 5,000\.00000000 USDT \(your isolated margin\)/);
  });

  test('a short account at a debt venue is searched upward', () => {
    const snapshot: Snapshot = { ...caseSnapshot('seed-1000-at-100-debt'), positions: [{ id: 'gu', instrument: 'GBPUSD', side: 'short', quantity: '80000', entryPrice: '1.25', leverage: '100' }] };
    const figures = answerFigures(answerFor(snapshot, reportOf(snapshot)));
    assert.equal(figures.get('answer.debtFromMove'), '0.0101');
    assert.ok(Number(debtAt(snapshot, '0.0101')) > 0);
    assert.equal(debtAt(snapshot, '0.01'), '0.00');
  });
});

describe('the shock ladder', () => {
  for (const [name, snapshot, count] of [
    ['a long account', caseSnapshot('seed-1000-at-100-debt'), 8],
    ['a short account', caseSnapshot('hyperliquid-eth-short-2x'), 8],
    ['a mixed account', BINANCE_CROSS, 16],
  ] as const) {
    test(`${name}: every row is reportFromJson's shock`, () => {
      const report = reportOf(snapshot);
      const rows = shockLadder(snapshot, report);
      assert.equal(rows.length, count);
      const moves = rows.map((row) => row.move);
      const shocks = reportOf({ ...snapshot, shocks: moves }).shocks;
      rows.forEach((row, index) => {
        const shock = shocks[index] ?? {};
        assert.deepEqual(
          [row.move, row.equity, row.liquidated, row.clientLoss, row.debt, row.venueLoss],
          [shock.move, shock.equity, shock.liquidated, shock.clientLoss, shock.debt, shock.venueLoss],
        );
      });
      for (const direction of ['down', 'up'] as const) {
        const mine = rows.filter((row) => row.direction === direction);
        const first = mine.findIndex((row) => Number(row.debt) > 0);
        assert.deepEqual(mine.map((row) => row.firstDebt), mine.map((_, index) => index === first));
      }
    });
  }

  test('the seed account first owes at −2 %', () => {
    const snapshot = caseSnapshot('seed-1000-at-100-debt');
    const marked = shockLadder(snapshot, reportOf(snapshot)).filter((row) => row.firstDebt);
    assert.deepEqual(marked.map((row) => [row.move, row.debt]), [['-0.02', '1000.00']]);
  });
});

describe('other venues', () => {
  for (const snapshot of [caseSnapshot('seed-1000-at-100-debt'), caseSnapshot('seed-500-at-75-nbp'), BINANCE_CROSS]) {
    test(`every built-in venue, each as the core reports it (${JSON.stringify(snapshot.venue)})`, () => {
      const rows = compareVenues(snapshot, reportOf(snapshot));
      const custom = typeof snapshot.venue !== 'string';
      assert.deepEqual(rows.map((row) => row.id), [...(custom ? [null] : []), ...builtInVenueIds()]);
      for (const row of rows) {
        const venue = row.id ?? snapshot.venue;
        const direct = reportFromJson({ ...snapshot, venue, shocks: [] });
        if (!direct.ok) {
          assert.deepEqual(row.result, { ok: false, problems: direct.error.map(formatProblem) });
          continue;
        }
        assert.ok(row.result.ok, `${row.name} holds the positions`);
        assert.equal(row.result.status, direct.value.account.status);
        assert.equal(row.result.deficitPolicy, direct.value.venue.deficitPolicy);
        assert.deepEqual(row.result.liquidationPrices, direct.value.positions.map((position) => position.liquidationPrice));
      }
    });
  }

  test('a leverage above a venue\'s cap is named in the core\'s words', () => {
    const snapshot = caseSnapshot('seed-1000-at-100-debt');
    const esma = compareVenues(snapshot, reportOf(snapshot)).find((row) => row.id === 'esma-retail-cfd');
    assert.ok(esma && !esma.result.ok);
    assert.match(esma.result.problems.join(' '), /100:1 is above the 30:1 cap for fx-major/);
    const mt5 = compareVenues(snapshot, reportOf(snapshot)).find((row) => row.id === 'mt5-standard');
    assert.ok(mt5?.current && mt5.result.ok && mt5.result.deficitWords === 'you (a debt)');
  });
});

describe('cross margin', () => {
  test('the close order of a three-position MT5 account is the core\'s forced close', () => {
    const report = reportOf(THREE_CFDS);
    const view = crossMargin(THREE_CFDS, report);
    assert.ok(view.show);
    assert.equal(view.order, BUILT_IN_VENUES['mt5-standard']?.liquidationOrder);
    const parsed = parseSnapshot(THREE_CFDS);
    assert.ok(parsed.ok);
    const [cross] = marginScopes(parsed.value);
    assert.ok(cross);
    const fillsAt = (move: string): string[] => {
      const prices = new Map([...gappedMarks(parsed.value, asRate(dec(move)))].map(([symbol, price]) => [symbol, fromDecimal(price)]));
      return forceClose(parsed.value.venue, cross, prices, parsed.value.currencyDecimals).fills.map((fill) => fill.position.id);
    };
    // A gap deep enough to close everything: the largest loser first, re-checking after each close.
    const byRank = [...view.rows].sort((a, b) => (a.closeOrder ?? 99) - (b.closeOrder ?? 99)).map((row) => row.id);
    assert.deepEqual(byRank, fillsAt('-0.5'));
    assert.deepEqual(byRank, ['eu', 'gu', 'xau']);
    // Each position is first closed at the first whole-percent gap whose forced close takes it.
    for (const row of view.rows) {
      assert.ok(row.closedAt);
      const points = pointsOf(row.closedAt);
      assert.ok(fillsAt(row.closedAt).includes(row.id), `${row.id} closed at ${row.closedAt}`);
      assert.ok(!fillsAt(basisPointMove('down', points - 100)).includes(row.id), `${row.id} not yet closed a step before`);
    }
    assert.deepEqual(view.rows.map((row) => [row.id, row.closedAt]), [['gu', '-0.1'], ['xau', '-0.1'], ['eu', '-0.09']]);
  });

  test('the tier named is the one whose range holds the notional at the liquidation price', () => {
    for (const snapshot of [BINANCE_CROSS, caseSnapshot('binance-usdm-isolated-long'), caseSnapshot('binance-usdm-tier-deduction')]) {
      const report = reportOf(snapshot);
      const view = crossMargin(snapshot, report);
      const parsed = parseSnapshot(snapshot);
      assert.ok(parsed.ok);
      for (const row of view.rows) {
        const position = report.positions[row.index];
        const tier = row.tierAtLiquidation;
        assert.ok(position?.liquidationPrice && position.quantity && tier);
        const notional: Decimal = multiply(dec(position.quantity), dec(position.liquidationPrice));
        assert.ok(compare(dec(tier.floor), notional) <= 0, `${row.id}: floor ${tier.floor} <= ${toDecimalString(notional)}`);
        if (tier.ceiling) assert.ok(compare(notional, dec(tier.ceiling)) < 0, `${row.id}: ${toDecimalString(notional)} < ${tier.ceiling}`);
        const tiers: readonly MaintenanceTier[] = parsed.value.positions[row.index]?.instrument.maintenanceTiers ?? [];
        assert.equal(compareRational(tiers[tier.number - 1]?.floor ?? fromDecimal(dec('-1')), fromDecimal(dec(tier.floor))), 0);
      }
    }
    const btc = crossMargin(BINANCE_CROSS, reportOf(BINANCE_CROSS)).rows[0];
    assert.deepEqual([btc?.tierNow?.number, btc?.tierAtLiquidation?.number], [4, 3], 'the tier at the mark is not the tier at the liquidation price');
  });

  test('a single cross position without tiers shows no panel', () => {
    const snapshot = caseSnapshot('seed-500-at-75-nbp');
    assert.equal(crossMargin(snapshot, reportOf(snapshot)).show, false);
  });
});

describe('why: the formulas with the report\'s figures', () => {
  test('Binance isolated long: the published formula, the report\'s maintenance and liquidation price, the FAQ named', () => {
    const snapshot = caseSnapshot('binance-usdm-isolated-long');
    const report = reportOf(snapshot);
    const view = explain(snapshot, report);
    const position = report.positions[0];
    const lines = view.positions[0]?.lines ?? [];
    const textOf = (label: string): string => lines.filter((line) => line.label === label)
      .map((line) => line.pieces.map((piece) => (typeof piece === 'string' ? piece : piece.text)).join('')).join(' ');
    assert.match(textOf('Maintenance margin'), new RegExp(`= ${groupDigits(position?.maintenanceMargin ?? 'x').replace(/[.]/g, '\\.')} USDT$`));
    assert.match(textOf('Liquidation price'), /P = \(WB − TMM₁ \+ UPNL₁ \+ cum − side × q × EP\) ÷ \(q × MMR − side × q\)/);
    assert.match(textOf('Liquidation price'), /tier 1: notional 0–50,000 USDT, rate 0\.4 %/);
    assert.ok(textOf('With your numbers').includes(`= ${groupDigits(position?.liquidationPrice ?? 'x')}:`));
    assert.ok(view.sources.some((source) => source.url?.startsWith('https://www.binance.com/')));
  });

  test('every built-in venue gets formulas for every position', () => {
    for (const fixture of PUBLISHED_CASES) {
      const snapshot = fixture.snapshot as Snapshot;
      const view = explain(snapshot, reportOf(snapshot));
      assert.ok(view.account.length >= 2, fixture.id);
      for (const position of view.positions) assert.ok(position.lines.length >= 2, `${fixture.id}: ${position.title}`);
    }
  });
});
