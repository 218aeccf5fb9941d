/**
 * State in the URL (spec/web.md): a JSON document as UTF-8 in base64url without padding, so a
 * link or a reload shows the same account.
 */
export function encodeState(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export type Decoded = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** The JSON of a base64url text, or why it is not one: `s: not base64url` / `s: not JSON: …`. */
export function decodeState(text: string, name = 's'): Decoded {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return { ok: false, message: `${name}: not base64url (only A-Z a-z 0-9 - _ may appear)` };
  let json: string;
  try {
    const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
    const binary = atob(padded);
    const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0));
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: `${name}: not base64url-encoded UTF-8` };
  }
  try {
    return { ok: true, value: JSON.parse(json) as unknown };
  } catch (error) {
    return { ok: false, message: `${name}: not JSON: ${(error as Error).message}` };
  }
}
