/**
 * /metrics in Prometheus text (prom-client): requests, commands, ticks and events counters; the
 * tick-to-event and request latency histograms; and gauges of accounts, open positions, margin
 * calls open and debt outstanding (per currency), read from the fold when scraped.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { toDecimalString } from '../core/index.js';
import type { LiveState } from './live/live-state.js';

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly requestSeconds: Histogram<'method' | 'route'>;
  readonly commands: Counter<'type' | 'outcome'>;
  readonly ticks: Counter;
  readonly events: Counter<'type'>;
  readonly tickToEventSeconds: Histogram;
  readonly commitBatches: Counter;

  constructor(live: () => LiveState) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'stopout_' });
    this.requests = new Counter({ name: 'stopout_http_requests_total', help: 'HTTP requests answered', labelNames: ['method', 'route', 'status'], registers });
    this.requestSeconds = new Histogram({
      name: 'stopout_http_request_duration_seconds', help: 'Time to answer a request (a write: until durable)', labelNames: ['method', 'route'], registers,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    this.commands = new Counter({ name: 'stopout_commands_total', help: 'Account commands, by type and outcome (applied | refused)', labelNames: ['type', 'outcome'], registers });
    this.ticks = new Counter({ name: 'stopout_ticks_total', help: 'Price ticks applied', registers });
    this.events = new Counter({ name: 'stopout_events_total', help: 'Engine events made durable, by type', labelNames: ['type'], registers });
    this.tickToEventSeconds = new Histogram({
      name: 'stopout_tick_to_event_seconds', help: 'From a tick received to the events it caused being durable and published', registers,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    });
    this.commitBatches = new Counter({ name: 'stopout_ledger_commits_total', help: 'Ledger transactions (group commits)', registers });
    new Gauge({ name: 'stopout_accounts', help: 'Accounts in the service', registers, collect() { this.set(live().slots.length); } });
    new Gauge({ name: 'stopout_open_positions', help: 'Open positions over every account', registers, collect() { this.set(live().totals.positions); } });
    new Gauge({ name: 'stopout_margin_calls_open', help: 'Margin calls open over every account', registers, collect() { this.set(live().totals.marginCalls); } });
    new Gauge({
      name: 'stopout_debt_outstanding', help: 'Client debt outstanding, by account currency', labelNames: ['currency'], registers,
      collect() {
        this.reset();
        for (const [currency, amount] of live().totals.debt) this.set({ currency }, Number(toDecimalString(amount)));
      },
    });
    new Gauge({ name: 'stopout_ledger_sequence', help: 'The last ledger entry applied', registers, collect() { this.set(live().seq); } });
  }
}
