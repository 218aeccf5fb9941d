/**
 * API keys: random, shown once, stored hashed, compared in constant time (spec/service.md).
 *
 * A key reads `sk_<id>_<secret>`: the id finds the record, the secret is checked against its
 * sha256 with timingSafeEqual, so neither a lookup nor a comparison leaks how much of a guess was
 * right. The admin key is any string of at least 32 characters (STOPOUT_ADMIN_KEY), or one the
 * service makes at first start; only its hash is kept.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const ADMIN_KEY_MINIMUM = 32;
const KEY_FORMAT = /^sk_(k[0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface NewKey {
  readonly id: string;
  /** The whole key, returned once. */
  readonly text: string;
  /** What is stored. */
  readonly hash: string;
}

export function makeKey(): NewKey {
  const id = `k${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  return { id, text: `sk_${id}_${secret}`, hash: sha256Hex(secret) };
}

export function makeAdminKey(): string {
  return `sk_admin_${randomBytes(32).toString('base64url')}`;
}

/** The id and secret of a key in the service's format, or undefined. */
export function parseKey(text: string): { readonly id: string; readonly secret: string } | undefined {
  const match = KEY_FORMAT.exec(text);
  return match ? { id: match[1] as string, secret: match[2] as string } : undefined;
}

/** Whether `secret` hashes to `hash`, in time independent of where they differ. */
export function secretMatches(secret: string, hash: string): boolean {
  const given = Buffer.from(sha256Hex(secret), 'hex');
  const stored = Buffer.from(hash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** A random id with a prefix: `acct_…`, `wh_…`. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

/** A Standard Webhooks signing secret: `whsec_` and base64 of 32 random bytes. */
export function webhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
