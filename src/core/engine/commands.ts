/**
 * What each command does to the account, and when the venue refuses it. A refusal is thrown as a
 * `Refusal` and caught by the reducer (step.ts), which then returns the state it was given.
 */
import type { Position } from '../account/position.js';
import { costBasis, notionalAt, quantityTimesContract } from '../margin/position-measures.js';
import type { Instrument } from '../instrument/instrument.js';
import { add, compare, dec, isNegative, isPositive, min, negate, normalize, sign, subtract, toDecimalString, type Decimal } from '../money/decimal.js';
import { divideRational, fromDecimal, multiplyRational, rational, RATIONAL_ZERO, toDecimal, type Rational } from '../money/rational.js';
import { asAmount, asInstrumentId, asPrice, type Amount, type PositionId, type Price, type Quantity, type Rate } from '../money/units.js';
import { capMessage } from '../snapshot/parse-positions.js';
import { applyDebtAction, repay } from './debt.js';
import type { Command, Execution, OpenOrder, RejectionCode } from './engine-types.js';
import { closeAt, exactDecimal, openAt } from './fills.js';
import { settleClosedScope } from './liquidation.js';
import type { Transaction } from './transaction.js';
import { markPriceMap, valuationOf } from './valuation-cache.js';
import { conversionNeedMessage, conversionPairs, converted, ratesAt, withConversion } from '../instrument/conversion.js';
import { reached, stopPrice } from './trigger-orders.js';
import { utcWeekday } from './instant.js';
import { WEEKDAYS } from '../venue/venue-profile.js';

export class Refusal {
  constructor(readonly code: RejectionCode, readonly message: string) {}
}

export const refuse = (code: RejectionCode, message: string): never => {
  throw new Refusal(code, message);
};


const scopeIdOf = (position: Position): string => (position.isolatedMargin ? position.id : 'cross');

function positionById(tx: Transaction, id: PositionId): Position {
  return tx.snapshot.positions.find((position) => position.id === id)
    ?? refuse('risk/unknown-position', `no open position "${id}"`);
}

function scopeEquityAndInitial(tx: Transaction, scopeId: string): { collateral: Decimal; equity: Decimal; initialMargin: Decimal } {
  const valuation = valuationOf(tx.snapshot, scopeId);
  if (!valuation) return { collateral: tx.zero, equity: tx.zero, initialMargin: tx.zero };
  return { collateral: valuation.collateral, equity: valuation.equity, initialMargin: valuation.initialMargin };
}

/** Cross money free to move: the lower of collateral and equity (profits are not withdrawable), less initial margin. */
function freeCrossMargin(tx: Transaction): Decimal {
  const { collateral, equity, initialMargin } = scopeEquityAndInitial(tx, 'cross');
  return subtract(min(collateral, equity), initialMargin);
}

function checkOpen(tx: Transaction, order: OpenOrder): Position {
  const { venue, currency, positions } = tx.snapshot;
  const { instrument } = order;
  if (positions.some((position) => position.id === order.id)) refuse('risk/duplicate-position', `a position "${order.id}" is already open`);
  const resolved = withConversion(instrument, currency, (symbol) => tx.state.instruments.has(asInstrumentId(symbol)));
  if ('need' in resolved) refuse('risk/settlement-mismatch', conversionNeedMessage(instrument, resolved.need, currency));
  for (const pair of conversionPairs(instrument)) {
    if (!tx.snapshot.marks.has(pair)) refuse('risk/no-mark', `no price for ${pair} yet, which converts ${instrument.symbol} into ${currency}: send a mark first`);
  }
  if (positions.some((position) => (position.instrument.kind === 'inverse') !== (instrument.kind === 'inverse'))) {
    refuse('risk/settlement-mismatch', 'an inverse contract settles in the coin and a linear one in the quote currency: one account cannot margin both');
  }
  if (order.isolatedMargin && !venue.isolatedMargin) refuse('risk/isolated-not-supported', `${venue.id} has no isolated margin`);
  const mark = tx.snapshot.marks.get(instrument.symbol) ?? refuse('risk/no-mark', `no price for ${instrument.symbol} yet: send a mark first`);
  const position: Position = {
    id: order.id, instrument, side: order.side, quantity: order.quantity, entryPrice: asPrice(mark),
    ...(order.leverage ? { leverage: order.leverage } : {}),
    ...(order.isolatedMargin ? { isolatedMargin: order.isolatedMargin } : {}),
  };
  requireWholeUnits(tx, costBasis(position), `${toDecimalString(position.quantity)} × ${toDecimalString(mark)}`);
  const aboveCap = capMessage(venue, position);
  if (aboveCap) refuse('risk/leverage-above-cap', aboveCap);
  if (!order.leverage && !venue.initialMarginRates[instrument.assetClass] && !venue.leverageCaps[instrument.assetClass] && !instrument.maxLeverage) {
    refuse('risk/leverage-required', `${venue.id} sets no leverage cap or margin rate for ${instrument.symbol} to default to`);
  }
  return position;
}

/** Cash moves in whole units of the account currency: a fractional share costing 61.725 USD cannot be paid. */
function requireWholeUnits(tx: Transaction, amount: Rational, what: string): void {
  const exact = exactDecimal(amount);
  if (normalize(exact).scale > tx.decimals) {
    refuse('risk/sub-unit-amount', `${what} = ${toDecimalString(normalize(exact))} ${tx.snapshot.currency} is not a whole number of units of the currency; trade a quantity that is`);
  }
}

/**
 * The trading fee on a fill: rate × the filled notional at the fill price, in the account currency
 * (Binance FAQ 360033544231, "Commission Fee = Notional Value × Fee Rate": 1 BTC of BTCUSDT bought
 * at 10,104 as a taker at 0.05 % pays 10,104 × 0.0005 = 5.052 USDT; coin-margined, notional =
 * contracts × contract size / price). The rate is the command's `feeRate`, else the venue's taker
 * fee, or its maker fee for `"liquidity": "maker"`. Rounded against the account: a charge up, a
 * maker rebate (a negative rate) down. Paid from the cross wallet; on a close, a charge never takes
 * more than that wallet holds (what a closed-out account cannot pay is not collected).
 */
function chargeTradeFee(tx: Transaction, position: Position, quantity: Quantity, price: Price, execution: Execution, upToBalance: boolean): ChargedFee {
  const liquidity = execution.liquidity ?? 'taker';
  const rate = execution.feeRate ? fromDecimal(execution.feeRate) : tx.snapshot.venue.fees[liquidity];
  const none: ChargedFee = { amount: tx.zero, emit: () => undefined };
  if (rate.numerator === 0n) return none;
  const at = fromDecimal(price);
  const filled: Position = { ...position, quantity };
  const notional = notionalAt(filled, at, ratesAt(position.instrument, markPriceMap(tx.snapshot), at));
  const due = toDecimal(multiplyRational(notional, rate), tx.decimals, 'ceiling');
  // The cross wallet: the balance less what isolated positions hold as their margin.
  const held = tx.snapshot.positions.reduce<Decimal>((cash, each) => (each.isolatedMargin ? subtract(cash, each.isolatedMargin) : cash), tx.snapshot.balance);
  const fee = upToBalance && isPositive(due) ? min(due, isPositive(held) ? held : tx.zero) : due;
  if (sign(fee) === 0) return none;
  tx.debit(fee);
  tx.count('fees', fee);
  return {
    amount: fee,
    emit: () => tx.emit('fee-charged', {
      position: position.id, instrument: position.instrument.symbol, liquidity,
      rate: toDecimalString(execution.feeRate ?? exactDecimal(rate)), amount: tx.amount(fee),
    }),
  };
}

/** A fee booked, and its event, emitted once the fill's own event is out. */
interface ChargedFee {
  readonly amount: Decimal;
  readonly emit: () => void;
}

function open(tx: Transaction, order: OpenOrder, execution: Execution): void {
  const position = checkOpen(tx, order);
  const freeBefore = freeCrossMargin(tx);
  if (position.isolatedMargin && compare(position.isolatedMargin, freeBefore) > 0) {
    refuse('risk/insufficient-margin', `isolated margin ${tx.amount(position.isolatedMargin)} is more than the ${tx.amount(freeBefore)} free`);
  }
  openAt(tx, position);
  const fee = chargeTradeFee(tx, position, position.quantity, position.entryPrice, execution, false);
  const scopeId = scopeIdOf(position);
  // The fee comes from the cross wallet: it lowers the cross account's equity, not an isolated margin.
  const afterFee = scopeId === 'cross' && isPositive(fee.amount) ? ` after its ${tx.amount(fee.amount)} fee` : '';
  const { equity, initialMargin } = scopeEquityAndInitial(tx, scopeId);
  if (compare(equity, initialMargin) < 0) {
    refuse('risk/insufficient-margin', `needs initial margin ${tx.amount(initialMargin)} but the ${scopeId === 'cross' ? 'account' : 'isolated margin'} has equity ${tx.amount(equity)}${afterFee}`);
  }
  if (position.isolatedMargin && isNegative(freeCrossMargin(tx))) {
    refuse('risk/insufficient-margin', isPositive(fee.amount)
      ? `the cross wallet cannot pay the ${tx.amount(fee.amount)} fee after moving ${tx.amount(position.isolatedMargin)} into the isolated margin`
      : 'moving that margin out would leave the cross account short of its initial margin');
  }
  tx.emit('position-opened', {
    position: position.id, instrument: position.instrument.symbol, side: position.side,
    quantity: toDecimalString(position.quantity), price: toDecimalString(position.entryPrice),
    margin: scopeId === 'cross' ? 'cross' : 'isolated', initialMargin: tx.amount(initialMargin),
    ...(position.leverage ? { leverage: toDecimalString(position.leverage) } : {}),
  });
  fee.emit();
}

function close(tx: Transaction, id: PositionId, quantity: Command & { type: 'close' }): void {
  const position = positionById(tx, id);
  const amount = quantity.quantity ?? position.quantity;
  if (compare(amount, position.quantity) > 0) {
    refuse('risk/quantity-above-position', `closes ${toDecimalString(amount)} but the position holds ${toDecimalString(position.quantity)}`);
  }
  const mark = tx.snapshot.marks.get(position.instrument.symbol) ?? position.entryPrice;
  if (position.instrument.kind === 'stock') {
    requireWholeUnits(tx, multiplyRational(fromDecimal(amount), fromDecimal(position.entryPrice)), `the cost of ${toDecimalString(amount)} shares`);
  }
  const part = closeAt(tx, position, amount, mark);
  tx.emit('position-closed', {
    position: id, instrument: position.instrument.symbol, side: position.side,
    price: toDecimalString(mark), quantity: toDecimalString(part.quantity), pnl: tx.amount(part.pnl),
  });
  settleClosedScope(tx, scopeIdOf(position), position.isolatedMargin, [part], tx.zero);
  chargeTradeFee(tx, position, part.quantity, mark, quantity, true).emit();
}

function deposit(tx: Transaction, amount: Amount): void {
  tx.credit(amount);
  tx.count('deposits', amount);
  tx.emit('deposited', { amount: tx.amount(amount), balance: tx.amount(tx.snapshot.balance) });
  repay(tx, amount);
}

function withdraw(tx: Transaction, amount: Amount): void {
  const free = freeCrossMargin(tx);
  if (compare(amount, free) > 0) {
    const hasPositions = tx.snapshot.positions.length > 0;
    refuse(hasPositions ? 'risk/withdrawal-breaches-margin' : 'risk/insufficient-funds',
      hasPositions
        ? `withdrawing ${tx.amount(amount)} would breach initial margin: at most ${tx.amount(isPositive(free) ? free : tx.zero)} is free`
        : `withdrawing ${tx.amount(amount)} but the balance is ${tx.amount(tx.snapshot.balance)}`);
  }
  tx.debit(amount);
  tx.count('withdrawals', amount);
  tx.emit('withdrawn', { amount: tx.amount(amount), balance: tx.amount(tx.snapshot.balance) });
}

function setOrder(tx: Transaction, command: Command & { type: 'stop-loss' | 'take-profit' }): void {
  const position = positionById(tx, command.position);
  const price = command.type === 'take-profit'
    ? command.price
    : stopPrice(position, command.trigger, tx.snapshot.balance, markPriceMap(tx.snapshot))
      ?? refuse('risk/no-loss-trigger', 'no price loses that much on this position: the loss is larger than it can reach');
  const mark = tx.snapshot.marks.get(position.instrument.symbol) ?? position.entryPrice;
  if (reached(position, command.type, price, mark)) {
    refuse('risk/order-would-trigger', `a ${command.type} at ${toDecimalString(price)} on a ${position.side} would trigger at once: the mark is ${toDecimalString(mark)}`);
  }
  const orders = new Map(tx.state.orders);
  const current = orders.get(position.id) ?? {};
  orders.set(position.id, command.type === 'stop-loss' ? { ...current, stopLoss: price } : { ...current, takeProfit: price });
  tx.update({ orders });
  tx.emit(command.type === 'stop-loss' ? 'stop-loss-set' : 'take-profit-set', { position: position.id, price: toDecimalString(price) });
}

function addMargin(tx: Transaction, id: PositionId, amount: Amount): void {
  const position = positionById(tx, id);
  if (!position.isolatedMargin) refuse('risk/not-isolated', `position "${id}" is cross-margined: it already shares the whole account`);
  const free = freeCrossMargin(tx);
  if (compare(amount, free) > 0) refuse('risk/insufficient-margin', `adds ${tx.amount(amount)} but only ${tx.amount(isPositive(free) ? free : tx.zero)} is free`);
  const margin = asAmount(add(position.isolatedMargin ?? tx.zero, amount));
  tx.replacePositions(tx.snapshot.positions.map((each) => (each.id === id ? { ...each, isolatedMargin: margin } : each)));
  tx.emit('margin-added', { position: id, amount: tx.amount(amount), isolatedMargin: tx.amount(margin) });
}

/** Stop-losses and take-profits the current marks reached, in position order, at those marks. */
function fireOrders(tx: Transaction): void {
  for (const position of [...tx.snapshot.positions]) {
    const orders = tx.state.orders.get(position.id);
    const mark = tx.snapshot.marks.get(position.instrument.symbol);
    if (!orders || !mark) continue;
    const kind = orders.stopLoss && reached(position, 'stop-loss', orders.stopLoss, mark) ? 'stop-loss'
      : orders.takeProfit && reached(position, 'take-profit', orders.takeProfit, mark) ? 'take-profit' : undefined;
    if (!kind) continue;
    const part = closeAt(tx, position, position.quantity, mark);
    tx.emit(kind === 'stop-loss' ? 'stop-loss-filled' : 'take-profit-filled', {
      position: position.id, instrument: position.instrument.symbol, side: position.side,
      trigger: toDecimalString((kind === 'stop-loss' ? orders.stopLoss : orders.takeProfit) ?? mark),
      price: toDecimalString(mark), quantity: toDecimalString(part.quantity), pnl: tx.amount(part.pnl),
    });
    settleClosedScope(tx, scopeIdOf(position), position.isolatedMargin, [part], tx.zero);
    // Stop-loss and take-profit orders trigger market orders: taker fills.
    chargeTradeFee(tx, position, part.quantity, mark, {}, true).emit();
  }
}

/**
 * Overnight financing, as CFD brokers publish it: notional × yearly rate × nights / days in the
 * year (Saxo: "CFD Finance = position amount × price × (interest rate + markup) × days / day
 * convention": 1 500 × 18.44 = 27 660 EUR at 3.5 % for one night over 360 days = 2.69 EUR), the
 * long or the short rate by the position's side, positive credited and negative charged (MT5's
 * sign for swaps). Or MT5 swap points (SYMBOL_SWAP_MODE_POINTS): points × the point (the tick) ×
 * units a night, in the profit currency, converted as P&L is (conversion.ts). Charged rounded up,
 * credited rounded down. An isolated position pays at most its margin, as with funding.
 * Without `days`, one night, or three when the command's time falls on the venue's triple day
 * (MT5 SYMBOL_SWAP_ROLLOVER3DAYS; Wednesday's rollover carries the weekend).
 */
function chargeFinancing(tx: Transaction, command: Extract<Command, { type: 'financing' }>): void {
  const { instrument } = command;
  const mark = tx.snapshot.marks.get(instrument.symbol) ?? refuse('risk/no-mark', `no price for ${instrument.symbol} yet: send a mark first`);
  const prices = markPriceMap(tx.snapshot);
  const price = fromDecimal(mark);
  const terms = tx.snapshot.venue.financing;
  const tripled = command.time !== undefined && terms !== undefined && utcWeekday(command.time) === WEEKDAYS.indexOf(terms.tripleDay);
  const days = command.days ?? dec(tripled ? '3' : '1');
  const nights = fromDecimal(days);
  const dayCount = command.dayCount ?? dec(String(terms?.dayCount ?? 365));
  const point = instrument.tickSize ? fromDecimal(instrument.tickSize) : RATIONAL_ZERO;
  for (const position of tx.snapshot.positions.filter((each) => each.instrument.symbol === instrument.symbol)) {
    const rates = ratesAt(position.instrument, prices, price);
    const given = fromDecimal(position.side === 'long' ? command.long : command.short);
    const exact = command.unit === 'rate'
      ? multiplyRational(multiplyRational(notionalAt(position, price, rates), given), divideRational(nights, fromDecimal(dayCount)))
      : multiplyRational(multiplyRational(converted(multiplyRational(quantityTimesContract(position), point), rates.profit), given), nights);
    bookOnPosition(tx, position, toDecimal(exact, tx.decimals, 'floor'), 'financing', (amount) => tx.emit('financing-charged', {
      position: position.id, instrument: instrument.symbol, nights: toDecimalString(days),
      amount: tx.amount(negate(amount)),
    }));
  }
}

/**
 * Books a periodic payment on one position: the wallet moves, and an isolated position's margin
 * with it, never below zero (an isolated position cannot reach into the wallet: what it cannot pay
 * is not collected, and the review that follows liquidates it).
 */
function bookOnPosition(tx: Transaction, position: Position, due: Decimal, total: 'funding' | 'financing', emit: (amount: Decimal) => void): void {
  const amount = position.isolatedMargin && compare(negate(due), position.isolatedMargin) > 0 ? negate(position.isolatedMargin) : due;
  if (sign(amount) === 0) return;
  tx.credit(amount);
  tx.count(total, amount);
  if (position.isolatedMargin) {
    const kept: Position = { ...position, isolatedMargin: asAmount(add(position.isolatedMargin, amount)) };
    tx.replacePositions(tx.snapshot.positions.map((each) => (each.id === position.id ? kept : each)));
  }
  emit(amount);
}

/**
 * Perpetual funding: each position on the instrument pays or receives rate × notional at the mark,
 * longs paying a positive rate and shorts receiving it (Binance "Introduction to Binance Futures
 * Funding Rates": funding amount = nominal value of positions × funding rate, nominal value = mark ×
 * size). Notional is in the account currency (an inverse contract's in the coin; conversion.ts for
 * another currency). Booked rounded down: a payment up, a receipt down, against the account. An
 * isolated position's funding moves its isolated margin, and it pays at most that margin: an
 * isolated position cannot reach into the wallet, so what it cannot pay is not collected (its
 * margin at zero, the review that follows liquidates it).
 */
function payFunding(tx: Transaction, instrument: Instrument, rate: Rate): void {
  const mark = tx.snapshot.marks.get(instrument.symbol) ?? refuse('risk/no-mark', `no price for ${instrument.symbol} yet: send a mark first`);
  const prices = markPriceMap(tx.snapshot);
  const price = fromDecimal(mark);
  for (const position of tx.snapshot.positions.filter((each) => each.instrument.symbol === instrument.symbol)) {
    const notional = notionalAt(position, price, ratesAt(position.instrument, prices, price));
    const received = multiplyRational(notional, multiplyRational(fromDecimal(rate), rational(position.side === 'long' ? -1n : 1n)));
    bookOnPosition(tx, position, toDecimal(received, tx.decimals, 'floor'), 'funding', (amount) => tx.emit(isNegative(amount) ? 'funding-paid' : 'funding-received', {
      position: position.id, instrument: instrument.symbol, rate: toDecimalString(rate), amount: tx.amount(isNegative(amount) ? negate(amount) : amount),
    }));
  }
}

/** Applies one command to the transaction, or throws a Refusal the reducer turns into `rejected`. */
export function applyCommand(tx: Transaction, command: Command): void {
  switch (command.type) {
    case 'mark':
      tx.updateSnapshot({ marks: new Map([...tx.snapshot.marks, ...command.prices]) });
      fireOrders(tx);
      return;
    case 'deposit': return deposit(tx, command.amount);
    case 'withdraw': return withdraw(tx, command.amount);
    case 'open': return open(tx, command.position, command);
    case 'close': return close(tx, command.position, command);
    case 'stop-loss':
    case 'take-profit': return setOrder(tx, command);
    case 'add-margin': return addMargin(tx, command.position, command.amount);
    case 'funding': return payFunding(tx, command.instrument, command.rate);
    case 'financing': return chargeFinancing(tx, command);
    case 'debt': {
      const refusal = applyDebtAction(tx, command.action, command.action === 'repay' ? command.amount : undefined);
      if (refusal) refuse(refusal.code, refusal.message);
    }
  }
}
