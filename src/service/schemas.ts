/**
 * One schema per body (TypeBox): Fastify validates requests with them, and the OpenAPI document at
 * /openapi.json is generated from the same objects. They describe the JSON shapes of spec/report.md,
 * spec/engine.md and spec/service.md: every decimal a string, unknown fields refused. What a shape
 * cannot say (a leverage above the venue's cap, an unknown instrument) the core's own parsers then
 * check, naming the field the same way.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { EVENT_TYPES } from '../core/index.js';
import { KEY_SCOPES } from './live/entries.js';

export const DECIMAL_PATTERN = '^-?[0-9]+(\\.[0-9]+)?$';
const decimal = (description: string): TSchema => Type.String({ pattern: DECIMAL_PATTERN, description: `${description} (a decimal written as a string)` });
const time = Type.String({ minLength: 10, maxLength: 40, description: 'an ISO 8601 time; the service stamps its clock when absent' });
const symbol = Type.String({ minLength: 1, maxLength: 64 });

export const AccountId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$', description: 'letters, digits and . _ : -, at most 64' });

export const Venue = Type.Union([
  Type.String({ minLength: 1, maxLength: 64, description: 'a built-in venue id' }),
  Type.Object({ extends: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: true, description: 'a custom venue: {"extends": id, ...overrides}' }),
]);

export const Position = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  instrument: symbol,
  side: Type.Union([Type.Literal('long'), Type.Literal('short')]),
  quantity: decimal('base units; contracts for inverse'),
  entryPrice: decimal('entry price'),
  leverage: Type.Optional(decimal('leverage')),
  isolatedMargin: Type.Optional(decimal('present = isolated with this margin')),
}, { additionalProperties: false });

export const Snapshot = Type.Object({
  venue: Venue,
  account: Type.Object({ currency: Type.String({ minLength: 1, maxLength: 16 }), balance: decimal('cash or wallet balance') }, { additionalProperties: false }),
  instruments: Type.Optional(Type.Record(Type.String(), Type.Object({}, { additionalProperties: true }))),
  positions: Type.Optional(Type.Array(Position, { maxItems: 10_000 })),
  marks: Type.Optional(Type.Record(Type.String(), decimal('mark price'))),
  shocks: Type.Optional(Type.Array(decimal('a relative move of every mark'), { maxItems: 100 })),
  funding: Type.Optional(Type.Record(Type.String(), decimal('the current funding rate per interval; longs pay a positive one'),
    { description: 'by instrument: the report gives the days to liquidation at these rates' })),
  financing: Type.Optional(Type.Record(Type.String(), Type.Object({
    longRate: Type.Optional(decimal('yearly, on notional; positive credits the holder')), shortRate: Type.Optional(decimal('yearly, on notional')),
    longPoints: Type.Optional(decimal('MT5 swap points a night')), shortPoints: Type.Optional(decimal('MT5 swap points a night')),
  }, { additionalProperties: false }), { description: 'overnight financing by instrument: the report gives the days to liquidation at these rates' })),
}, { additionalProperties: false, description: 'an account at one venue (spec/report.md)' });

export const Market = Type.Object({
  insuranceFund: Type.Optional(decimal('the insurance fund, in the account currency')),
  counterparties: Type.Optional(Type.Array(Type.Object({
    id: Type.String(), instrument: symbol, side: Type.Union([Type.Literal('long'), Type.Literal('short')]),
    quantity: decimal('quantity'), entryPrice: decimal('entry price'), leverage: decimal('leverage'),
  }, { additionalProperties: false }), { maxItems: 1000 })),
}, { additionalProperties: false });

/** spec/import.md through the service: the venue's own API responses, as saved, in any order. */
export const ImportRequest = Type.Object({
  venue: Type.String({ minLength: 1, maxLength: 64, description: 'an import venue: binance-usdm, binance-coinm, bybit-linear, hyperliquid, dydx-v4, mt5-standard, esma-retail-cfd, or ccxt' }),
  ccxtVenue: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'ccxt: the venue whose raw `info` the unified objects carry' })),
  payloads: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 64, description: "each a JSON response of the venue's API, as it came" }),
}, { additionalProperties: false });
export type ImportRequest = Static<typeof ImportRequest>;

export const CreateAccount = Type.Object({
  id: Type.Optional(AccountId),
  snapshot: Type.Optional(Snapshot),
  import: Type.Optional(ImportRequest),
  market: Type.Optional(Market),
}, { additionalProperties: false, description: 'exactly one of "snapshot" and "import"' });
export type CreateAccount = Static<typeof CreateAccount>;

const timed = { time: Type.Optional(time) };
/** How an open or a close trades, for its fee (spec/engine.md): a taker unless it says otherwise, at the venue's rate unless it names one. */
const execution = {
  liquidity: Type.Optional(Type.Union([Type.Literal('maker'), Type.Literal('taker')], { description: 'the fee side: "taker" (the default) or "maker"' })),
  feeRate: Type.Optional(decimal('the fee as a fraction of the filled notional, |rate| < 1 (negative: a rebate); the venue\'s maker or taker rate when absent')),
};
const commandBranches = [
  Type.Object({ type: Type.Literal('deposit'), amount: decimal('amount'), ...timed }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('withdraw'), amount: decimal('amount'), ...timed }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('funding'), instrument: symbol, rate: decimal('a funding rate: a fraction of notional, longs pay a positive one'), ...timed }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('financing'), instrument: symbol, ...timed,
    longRate: Type.Optional(decimal('yearly, on notional; positive credits the holder')), shortRate: Type.Optional(decimal('yearly, on notional')),
    longPoints: Type.Optional(decimal('MT5 swap points a night')), shortPoints: Type.Optional(decimal('MT5 swap points a night')),
    days: Type.Optional(decimal('nights')), dayCount: Type.Optional(decimal('days in the year: 360 or 365')),
  }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('open'), ...timed, ...execution,
    position: Type.Object({
      id: Type.String({ minLength: 1, maxLength: 64 }), instrument: symbol, side: Type.Union([Type.Literal('long'), Type.Literal('short')]),
      quantity: decimal('quantity'), leverage: Type.Optional(decimal('leverage')), isolatedMargin: Type.Optional(decimal('isolated margin')),
    }, { additionalProperties: false }),
  }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('close'), position: Type.String({ maxLength: 64 }), quantity: Type.Optional(decimal('quantity')), ...timed, ...execution }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('stop-loss'), position: Type.String({ maxLength: 64 }), ...timed,
    price: Type.Optional(decimal('trigger price')), loss: Type.Optional(decimal('a loss in money')), lossPercent: Type.Optional(decimal('a fraction of the balance')),
  }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('take-profit'), position: Type.String({ maxLength: 64 }), price: decimal('trigger price'), ...timed }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('add-margin'), position: Type.String({ maxLength: 64 }), amount: decimal('amount'), ...timed }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('debt'), ...timed,
    action: Type.Union(['demand', 'collections', 'legal', 'repay', 'write-off'].map((action) => Type.Literal(action))),
    amount: Type.Optional(decimal('amount repaid')),
  }, { additionalProperties: false }),
];
/** Discriminated by "type" (Ajv's discriminator keyword), so a bad command is told about its own fields only. */
export const Command = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: commandBranches,
  description: 'one engine command (spec/engine.md) other than "mark": prices come from POST /v1/prices',
});

const bySymbol = { minProperties: 1, maxProperties: 1000, propertyNames: { minLength: 1, maxLength: 64 } };
const Prices = Type.Record(Type.String(), decimal('price'), { ...bySymbol, description: 'instrument -> price' });
const Funding = Type.Record(Type.String(), decimal('a funding rate: a fraction of notional, longs pay a positive one, |rate| < 1'), {
  ...bySymbol,
  description: 'instrument -> funding rate: a "funding" command, at the tick\'s time and after its prices, for every account holding the instrument',
});
const FinancingTerms = Type.Object({
  longRate: Type.Optional(decimal('yearly, on notional; positive credits the holder')), shortRate: Type.Optional(decimal('yearly, on notional')),
  longPoints: Type.Optional(decimal('MT5 swap points a night')), shortPoints: Type.Optional(decimal('MT5 swap points a night')),
  days: Type.Optional(decimal('nights; one, or three on the venue\'s triple day, when absent')), dayCount: Type.Optional(decimal('days in the year: 360 or 365')),
}, { additionalProperties: false, description: 'a "financing" command\'s terms: longRate and shortRate, or longPoints and shortPoints' });
const Financing = Type.Record(Type.String(), FinancingTerms, {
  ...bySymbol,
  description: 'instrument -> overnight financing terms: a "financing" command, at the tick\'s time and after its prices and funding, for every account holding the instrument',
});
const tickFields = {
  ...timed,
  prices: Type.Optional(Prices),
  funding: Type.Optional(Funding),
  financing: Type.Optional(Financing),
};
const Tick = Type.Object({ venue: Type.Optional(Type.String({ maxLength: 64 })), ...tickFields }, {
  additionalProperties: false, description: 'prices, funding or financing (at least one), at the tick\'s venue and time',
});
export const PriceBody = Type.Object({
  venue: Type.Optional(Type.String({ maxLength: 64, description: 'the built-in venue whose accounts the tick reaches; all when absent' })),
  ...tickFields,
  ticks: Type.Optional(Type.Array(Tick, { minItems: 1, maxItems: 100_000, description: 'several ticks, applied in order' })),
}, { additionalProperties: false, description: 'one tick ({"venue"?, "time"?, "prices"?, "funding"?, "financing"?}) or several ({"ticks": [...]})' });
export type PriceBody = Static<typeof PriceBody>;
/** The command types the commands endpoint takes, for its messages. */
export const COMMAND_TYPES_TAKEN: readonly string[] = commandBranches.map((branch) => String((branch.properties as { type: { const: unknown } }).type.const));
export type TickBody = Static<typeof Tick>;

export const CreateKey = Type.Object({
  scopes: Type.Array(Type.Union(KEY_SCOPES.map((scope) => Type.Literal(scope))), { minItems: 1, uniqueItems: true }),
  name: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });

export const CreateWebhook = Type.Object({
  url: Type.String({ minLength: 8, maxLength: 2048, description: 'http:// or https://' }),
  types: Type.Optional(Type.Array(Type.Union(EVENT_TYPES.map((type) => Type.Literal(type))), { minItems: 1, uniqueItems: true })),
  account: Type.Optional(AccountId),
}, { additionalProperties: false });

export const Page = Type.Object({
  after: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'a cursor from "next"' })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'at most 1000' })),
}, { additionalProperties: false });

export const EventFilter = Type.Object({
  after: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
  account: Type.Optional(AccountId),
  type: Type.Optional(Type.Union(EVENT_TYPES.map((type) => Type.Literal(type)))),
}, { additionalProperties: false });

export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
export const VenueParam = Type.Object({ venue: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
