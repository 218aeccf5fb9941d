/**
 * The multi-account risk book: many accounts on one price stream, indexed so a tick touches only
 * what it can cross, with the naive full rescan it is tested against. Both decide on exact figures
 * and emit the engine's events (../engine/step.ts) for a mark, account by account.
 */
export type {
  BookSpec, BookVenue, BookInstrument, BookRows, BookPositionRow, BookAccountColumns, BookPositionColumns,
  BookLiquidationTrigger, BookLiquidationOrder, BookDeficitPolicy,
} from './book-spec.js';
export { NO_TRIGGER, bookSpecFromRows, rateTable } from './book-spec.js';
export type {
  BookEvent, BookEventType, BookScope, MarginCallEvent, MarginCallIssuedEvent, MarginCallClearedEvent, FillEvent, OrderFillEvent,
  LiquidationEvent, FeeChargedEvent, DeficitAbsorbedEvent, DebtRecordedEvent,
} from './book-events.js';
export { CROSS_SCOPE } from './book-events.js';
export { bookVenue, bookInstrument, positionRates } from './venue-terms.js';
export { createBookState, cloneBookState, balanceOf, type BookState } from './book-state.js';
export { createIndexedBook, applyIndexedTick, type IndexedBook, type IndexedBookCounters } from './indexed-book.js';
export { createNaiveBook, cloneNaiveBook, applyNaiveTick, type NaiveBook } from './naive-book.js';
export { seededRandom, type SeededRandom } from './seeded-random.js';
export { randomBook, randomTicks, type RandomBookOptions, type TickStream, type TickStreamOptions } from './random-book.js';
