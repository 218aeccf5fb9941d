/**
 * GET / when the web app is not built (web-app.ts): what the service is, its live figures from the
 * same fold the API reads, and where to go.
 */
import { toDecimalString } from '../../core/index.js';
import type { ServiceContext } from '../context.js';

const escape = (text: string): string => text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? char);

export function landingPage(context: ServiceContext): string {
  const { live } = context;
  const debts = [...live.totals.debt].map(([currency, amount]) => `${toDecimalString(amount)} ${currency}`);
  const rows = [
    ['Status', context.status],
    ['Accounts', String(live.slots.length)],
    ['Open positions', String(live.totals.positions)],
    ['Margin calls open', String(live.totals.marginCalls)],
    ['Debt outstanding', debts.length ? debts.join(', ') : 'none'],
    ['Ledger entries', String(live.seq)],
    ['Events', String(live.eventId)],
    ['Store', context.store.kind],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stopout service</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
table{border-collapse:collapse}td{padding:.2rem 1rem .2rem 0}code{background:#f1f3f5;padding:0 .25rem;border-radius:3px}</style></head>
<body><h1>Stopout</h1>
<p>Many accounts live: a price feed in; margin calls, stop-outs, deficits and debts out, as they happen.</p>
<table>${rows.map(([label, value]) => `<tr><td>${escape(label ?? '')}</td><td><strong>${escape(value ?? '')}</strong></td></tr>`).join('')}</table>
<p>The web app is not built: run <code>npm run build:web</code> (part of <code>npm run build</code>) and reload.</p>
<h2>Use it</h2>
<ul>
<li><a href="/docs">API reference</a> (<a href="/openapi.json">OpenAPI 3.1</a>)</li>
<li><code>curl -N -H "Authorization: Bearer $KEY" ${escape(`http://${context.options.host}:${context.options.port}`)}/v1/events/stream</code>: margin calls and liquidations, live</li>
<li><a href="/health">/health</a>, <a href="/metrics">/metrics</a></li>
</ul></body></html>
`;
}
