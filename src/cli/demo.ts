/**
 * `stopout demo` (what `npm start` runs until the service exists): the worked example that started
 * Stopout ("can you lose more than you invest, and end up owing your broker money?"), its two accounts
 * side by side, through the same core as `stopout report`.
 *
 * - $500 at 1:75 with negative balance protection: EURUSD 30 000 at 1.25 = 37 500 of exposure;
 * - $1,000 at 100x without it: GBPUSD 80 000 at 1.25 = 100 000 of exposure;
 * each gapped by -1.5 % and -2 %: who loses what, and who owes what.
 */
import Table from 'cli-table3';
import {
  buildReport, eventToJson, parseScenario, parseSnapshot, replay, toDecimalString, type AccountReport, type Decimal,
} from '../core/index.js';
import { runSimulation } from '../sim/run.js';
import { groupDigits, moneyText } from './money-text.js';
import { percent } from './report-table.js';

export const DEMO_GAPS = ['-0.015', '-0.02'];

export const DEMO_ACCOUNTS = [
  {
    title: '$500 at 1:75, with negative balance protection',
    snapshot: {
      venue: { extends: 'mt5-standard', negativeBalanceProtection: true },
      account: { currency: 'USD', balance: '500' },
      positions: [{ id: 'eurusd', instrument: 'EURUSD', side: 'long', quantity: '30000', entryPrice: '1.25', leverage: '75' }],
      shocks: DEMO_GAPS,
    },
  },
  {
    title: '$1,000 at 100x, without protection',
    snapshot: {
      venue: 'mt5-standard',
      account: { currency: 'USD', balance: '1000' },
      positions: [{ id: 'gbpusd', instrument: 'GBPUSD', side: 'long', quantity: '80000', entryPrice: '1.25', leverage: '100' }],
      shocks: DEMO_GAPS,
    },
  },
] as const;

/** The same two accounts moving through the engine: a call, a gap through the stop-out, and who pays. */
export const DEMO_REPLAYS = [
  {
    title: '$500 at 1:75 with protection: EURUSD 1.2490, then a gap to 1.2300',
    scenario: {
      account: { ...DEMO_ACCOUNTS[0].snapshot, shocks: [], instruments: {} },
      commands: [
        { type: 'mark', time: '2024-03-01T09:00:00Z', prices: { EURUSD: '1.2490' } },
        { type: 'mark', time: '2024-03-01T09:05:00Z', prices: { EURUSD: '1.2300' } },
      ],
    },
  },
  {
    title: '$1,000 at 100x without protection: GBPUSD 1.2450, a gap to 1.2250, then the debt',
    scenario: {
      account: { ...DEMO_ACCOUNTS[1].snapshot, shocks: [] },
      commands: [
        { type: 'mark', time: '2024-03-01T09:00:00Z', prices: { GBPUSD: '1.2450' } },
        { type: 'mark', time: '2024-03-01T09:05:00Z', prices: { GBPUSD: '1.2250' } },
        { type: 'debt', time: '2024-03-08T09:00:00Z', action: 'demand' },
        { type: 'debt', time: '2024-04-08T09:00:00Z', action: 'repay', amount: '400' },
        { type: 'debt', time: '2024-06-03T09:00:00Z', action: 'collections' },
        { type: 'debt', time: '2024-09-02T09:00:00Z', action: 'write-off' },
      ],
    },
  },
] as const;

const QUIET_FIELDS = new Set(['type', 'time', 'instrument', 'side', 'scope', 'liquidationEquity']);

function replayText(title: string, scenario: unknown): string {
  const parsed = parseScenario(scenario);
  if (!parsed.ok) throw new Error(`demo scenario rejected: ${parsed.error.map((problem) => problem.message).join('; ')}`);
  const lines = [title];
  for (const { events } of replay(parsed.value.start, parsed.value.commands)) {
    for (const event of events) {
      const json = eventToJson(event);
      const fields = Object.entries(json).filter(([key]) => !QUIET_FIELDS.has(key)).map(([key, value]) => `${key} ${value}`);
      lines.push(`  ${(json.time ?? '').slice(0, 16).replace('T', ' ')}  ${event.type.padEnd(22)} ${fields.join(', ')}`);
    }
  }
  return lines.join('\n');
}

function demoReport(snapshot: unknown): AccountReport {
  const parsed = parseSnapshot(snapshot);
  if (!parsed.ok) throw new Error(`demo snapshot rejected: ${parsed.error.map((problem) => problem.message).join('; ')}`);
  return buildReport(parsed.value);
}

const usd = (value: Decimal): string => moneyText(value, 2);

export function demoText(): string {
  const reports = DEMO_ACCOUNTS.map((account) => ({ title: account.title, report: demoReport(account.snapshot) }));
  const table = new Table({
    head: ['', ...reports.map((each) => each.title)],
    style: { head: [], border: [] },
    colAligns: ['left', 'right', 'right'],
  });
  table.push(
    ['Exposure (notional)', ...reports.map(({ report }) => usd(report.positions[0]?.notional ?? report.account.equity))],
    ['Margin used', ...reports.map(({ report }) => usd(report.account.initialMargin))],
    ['Stop-out at equity', ...reports.map(({ report }) => usd(report.account.liquidationEquity))],
    ['Liquidation price', ...reports.map(({ report }) => (report.positions[0]?.liquidationPrice ? toDecimalString(report.positions[0].liquidationPrice) : '-'))],
  );
  DEMO_GAPS.forEach((gap, index) => {
    const outcome = (report: AccountReport) => report.shocks[index];
    table.push(
      [{ colSpan: 3, content: `Gap of ${percent(gap)}: the broker closes at the gapped price` }],
      ['  Loss on the position', ...reports.map(({ report }) => usd(outcome(report)?.pnl ?? report.account.equity))],
      ['  Equity after the gap', ...reports.map(({ report }) => usd(outcome(report)?.equity ?? report.account.equity))],
      ['  Client loses', ...reports.map(({ report }) => usd(outcome(report)?.clientLoss ?? report.account.equity))],
      ['  Client owes the broker', ...reports.map(({ report }) => usd(outcome(report)?.debt ?? report.account.equity))],
      ['  Broker absorbs', ...reports.map(({ report }) => usd(outcome(report)?.venueLoss ?? report.account.equity))],
    );
  });
  return [
    'Stopout: who pays when the market gaps past the stop-out?',
    'The worked example that started Stopout: can you lose more than you invest, and end up owing your broker money?',
    '',
    table.toString(),
    '',
    'With negative balance protection the loss stops at the deposit and the broker takes the rest;',
    'without it the client owes the difference.',
    '',
    'The same accounts moving through the engine (stopout replay):',
    '',
    ...DEMO_REPLAYS.flatMap((demo) => [replayText(demo.title, demo.scenario), '']),
    'Try your own account: npx stopout report my-account.json --format table',
    'and make it move: npx stopout replay scenario.json --format table',
  ].join('\n');
}

/** A month of simulated prices for both accounts (stopout simulate), each with and without protection. */
export const DEMO_SIMULATIONS = [
  { title: '$500 at 1:75 (EURUSD)', account: DEMO_ACCOUNTS[0].snapshot, volatility: '0.08', protected: true },
  { title: '$1,000 at 100x (GBPUSD)', account: DEMO_ACCOUNTS[1].snapshot, volatility: '0.09', protected: false },
] as const;

const DEMO_PATHS = 20_000;

function demoSimulation(account: (typeof DEMO_SIMULATIONS)[number]): unknown {
  const snapshot = Object.fromEntries(Object.entries(account.account).filter(([key]) => key !== 'shocks'));
  const other = account.protected
    ? { name: 'without protection', venue: 'mt5-standard' }
    : { name: 'with protection', venue: { extends: 'mt5-standard', negativeBalanceProtection: true } };
  return {
    account: snapshot,
    model: {
      type: 'gbm', volatility: account.volatility, drift: '0', daysPerYear: '260',
      jumps: { intensity: '6', mean: '0', stdev: '0.01' }, gaps: { every: 'weekend', stdev: '0.005' },
    },
    horizonDays: '30', steps: 720, paths: DEMO_PATHS, seed: 1,
    variants: [other],
  };
}

/** The odds: how often each account is called, stopped out, and left owing money over a month. */
export async function demoSimulationText(): Promise<string> {
  const lines = [
    `What are the odds? ${groupDigits(String(DEMO_PATHS))} simulated months of each account (stopout simulate: hourly prices,`,
    'volatility 8-9 % a year, news jumps and weekend gaps), with and without negative balance protection:',
    '',
  ];
  const table = new Table({ head: ['', 'margin call', 'stopped out', 'below zero', 'client owes', 'largest debt'], style: { head: [], border: [] } });
  for (const account of DEMO_SIMULATIONS) {
    const run = await runSimulation(demoSimulation(account), undefined, { workers: 1 });
    if (!run.ok) throw new Error(`demo simulation rejected: ${run.error.map((problem) => problem.message).join('; ')}`);
    for (const variant of run.value.variants) {
      const p = (value: string): string => `${(100 * Number(value)).toFixed(1)} %`;
      const name = variant.name === 'base' ? (account.protected ? 'with protection' : 'without protection') : variant.name;
      table.push([`${account.title}, ${name}`, p(variant.probabilities.marginCall), p(variant.probabilities.liquidation),
        p(variant.probabilities.negativeBalance), p(variant.probabilities.debt), groupDigits(Number(variant.debt.max).toFixed(2))]);
    }
  }
  lines.push(table.toString(), '', 'Your own odds: npx stopout simulate examples/sim/eurusd-100x.json (and the other files in examples/sim)');
  return lines.join('\n');
}
