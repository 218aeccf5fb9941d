/**
 * Branded units (lightweight-charts' Nominal<number, 'Coordinate'>): a Price, a Quantity and an
 * Amount are all decimals underneath, but the type checker will not let one stand for another.
 * Arithmetic works on the plain Decimal; a result is branded again where it is stored.
 */
import type { Decimal } from './decimal.js';

declare const unit: unique symbol;
export type Branded<T, Name extends string> = T & { readonly [unit]: Name };

/** A price in the instrument's quote currency (per base unit, or per contract's underlying). */
export type Price = Branded<Decimal, 'Price'>;
/** Base units, or contracts for inverse instruments. Always positive; the side says the direction. */
export type Quantity = Branded<Decimal, 'Quantity'>;
/** Money in the account's settlement currency. */
export type Amount = Branded<Decimal, 'Amount'>;
/** A fraction: "0.004" is 0.4 %. */
export type Rate = Branded<Decimal, 'Rate'>;
/** A leverage multiple: "75" is 75:1. */
export type Leverage = Branded<Decimal, 'Leverage'>;

export type InstrumentId = Branded<string, 'InstrumentId'>;
export type PositionId = Branded<string, 'PositionId'>;

export const asPrice = (value: Decimal): Price => value as Price;
export const asQuantity = (value: Decimal): Quantity => value as Quantity;
export const asAmount = (value: Decimal): Amount => value as Amount;
export const asRate = (value: Decimal): Rate => value as Rate;
export const asLeverage = (value: Decimal): Leverage => value as Leverage;
export const asInstrumentId = (value: string): InstrumentId => value as InstrumentId;
export const asPositionId = (value: string): PositionId => value as PositionId;
