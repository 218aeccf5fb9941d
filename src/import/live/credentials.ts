/**
 * A venue's read-only API key and secret, from `STOPOUT_<VENUE>_KEY` and `STOPOUT_<VENUE>_SECRET`:
 * the venue id upper-cased with `-` as `_` (binance-usdm -> STOPOUT_BINANCE_USDM_KEY), spec/import.md
 * "Live". The secret is only ever given to the HMAC; no message names its value.
 */
import type { ImportProblem } from '../import-types.js';

export interface Credentials {
  readonly key: string;
  readonly secret: string;
}

export interface CredentialNames {
  readonly key: string;
  readonly secret: string;
}

export function credentialNames(venue: string): CredentialNames {
  const stem = `STOPOUT_${venue.toUpperCase().replace(/-/g, '_')}`;
  return { key: `${stem}_KEY`, secret: `${stem}_SECRET` };
}

export type CredentialsRead =
  | { readonly ok: true; readonly value: Credentials }
  | { readonly ok: false; readonly problems: ImportProblem[] };

/** Both variables set (surrounding white space, a pasted newline, is dropped), or a problem per missing one. */
export function readCredentials(venue: string, env: Readonly<Record<string, string | undefined>>): CredentialsRead {
  const names = credentialNames(venue);
  const key = env[names.key]?.trim() ?? '';
  const secret = env[names.secret]?.trim() ?? '';
  const problems: ImportProblem[] = [];
  const why = `${venue} --live signs its requests with a read-only API key: set ${names.key} to the key and ${names.secret} to its secret`;
  if (key === '') problems.push({ file: '', field: names.key, message: `not set; ${why}` });
  if (secret === '') problems.push({ file: '', field: names.secret, message: `not set; ${why}` });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { key, secret } };
}

/** A venue's message that quotes the secret back (none should) is shown with the secret hidden. */
export function withoutSecret(problems: readonly ImportProblem[], secret: string): ImportProblem[] {
  const hide = (text: string): string => (secret === '' ? text : text.split(secret).join('[secret]'));
  return problems.map((problem) => ({ file: hide(problem.file), field: hide(problem.field), message: hide(problem.message) }));
}
