/** A benchmark's numeric flag, `--name value`: positive, or the run stops with a message (exit 2). */
export function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} needs a positive number`);
    process.exit(2);
  }
  return value;
}

/** The same, rounded to a whole number. */
export const whole = (name: string, fallback: number): number => Math.round(flag(name, fallback));
