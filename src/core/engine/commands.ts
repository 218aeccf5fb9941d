/**
 * What each command does to the account, and when the venue refuses it. A refusal is thrown as a
 * `Refusal` and caught by the reducer (step.ts), which then returns the state it was given.
 */
import type { Position } from '../account/position.js';
import { costBasis, notionalAt } from '../margin/position-measures.js';
import type { Instrument } from '../instrument/instrument.js';
import { add, compare, isNegative, isPositive, min, negate, normalize, sign, subtract, toDecimalString, type Decimal } from '../money/decimal.js';
import { fromDecimal, multiplyRational, rational, toDecimal, type Rational } from '../money/rational.js';
import { asAmount, asInstrumentId, asPrice, type Amount, type PositionId, type Rate } from '../money/units.js';
import { capMessage } from '../snapshot/parse-positions.js';
import { applyDebtAction, repay } from './debt.js';
import type { Command, OpenOrder, RejectionCode } from './engine-types.js';
import { closeAt, exactDecimal, openAt } from './fills.js';
import { settleClosedScope } from './liquidation.js';
import type { Transaction } from './transaction.js';
import { markPriceMap, valuationOf } from './valuation-cache.js';
import { conversionNeedMessage, conversionPairs, ratesAt, withConversion } from '../instrument/conversion.js';
import { reached, stopPrice } from './trigger-orders.js';

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

function open(tx: Transaction, order: OpenOrder): void {
  const position = checkOpen(tx, order);
  const freeBefore = freeCrossMargin(tx);
  if (position.isolatedMargin && compare(position.isolatedMargin, freeBefore) > 0) {
    refuse('risk/insufficient-margin', `isolated margin ${tx.amount(position.isolatedMargin)} is more than the ${tx.amount(freeBefore)} free`);
  }
  openAt(tx, position);
  const scopeId = scopeIdOf(position);
  const { equity, initialMargin } = scopeEquityAndInitial(tx, scopeId);
  if (compare(equity, initialMargin) < 0) {
    refuse('risk/insufficient-margin', `needs initial margin ${tx.amount(initialMargin)} but the ${scopeId === 'cross' ? 'account' : 'isolated margin'} has equity ${tx.amount(equity)}`);
  }
  if (position.isolatedMargin && isNegative(freeCrossMargin(tx))) {
    refuse('risk/insufficient-margin', 'moving that margin out would leave the cross account short of its initial margin');
  }
  tx.emit('position-opened', {
    position: position.id, instrument: position.instrument.symbol, side: position.side,
    quantity: toDecimalString(position.quantity), price: toDecimalString(position.entryPrice),
    margin: scopeId === 'cross' ? 'cross' : 'isolated', initialMargin: tx.amount(initialMargin),
    ...(position.leverage ? { leverage: toDecimalString(position.leverage) } : {}),
  });
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
  }
}

/** Applies one command to the transaction, or throws a Refusal the reducer turns into `rejected`. */
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
    const due = toDecimal(received, tx.decimals, 'floor');
    const amount = position.isolatedMargin && compare(negate(due), position.isolatedMargin) > 0 ? negate(position.isolatedMargin) : due;
    if (sign(amount) === 0) continue;
    tx.credit(amount);
    tx.count('funding', amount);
    if (position.isolatedMargin) {
      const kept: Position = { ...position, isolatedMargin: asAmount(add(position.isolatedMargin, amount)) };
      tx.replacePositions(tx.snapshot.positions.map((each) => (each.id === position.id ? kept : each)));
    }
    tx.emit(isNegative(amount) ? 'funding-paid' : 'funding-received', {
      position: position.id, instrument: instrument.symbol, rate: toDecimalString(rate), amount: tx.amount(isNegative(amount) ? negate(amount) : amount),
    });
  }
}

export function applyCommand(tx: Transaction, command: Command): void {
  switch (command.type) {
    case 'mark':
      tx.updateSnapshot({ marks: new Map([...tx.snapshot.marks, ...command.prices]) });
      fireOrders(tx);
      return;
    case 'deposit': return deposit(tx, command.amount);
    case 'withdraw': return withdraw(tx, command.amount);
    case 'open': return open(tx, command.position);
    case 'close': return close(tx, command.position, command);
    case 'stop-loss':
    case 'take-profit': return setOrder(tx, command);
    case 'add-margin': return addMargin(tx, command.position, command.amount);
    case 'funding': return payFunding(tx, command.instrument, command.rate);
    case 'debt': {
      const refusal = applyDebtAction(tx, command.action, command.action === 'repay' ? command.amount : undefined);
      if (refusal) refuse(refusal.code, refusal.message);
    }
  }
}
