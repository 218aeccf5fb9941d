/** The CLI's exit codes, in one place (exchange-core result codes mapped once, at the edge). */
export const EXIT_OK = 0;
/** A failure of the program itself: a bug. */
export const EXIT_INTERNAL = 1;
/** Bad input or bad usage: the message says what to change. */
export const EXIT_BAD_INPUT = 2;
