/**
 * Hash routes (spec/web.md), so the static build works from any folder: `#/calculator?s=…`.
 * The route is the path; the query holds the page's state.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** `/calculator`, `/accounts/acc_1`, … */
  readonly path: string;
  readonly query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const body = hash.replace(/^#/, '') || '/calculator';
  const at = body.indexOf('?');
  const path = at < 0 ? body : body.slice(0, at);
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(at < 0 ? '' : body.slice(at + 1)) };
}

export function routeHash(path: string, query: Readonly<Record<string, string | undefined>> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, value);
  const text = params.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

/** Moves to a route; `replace` edits the current history entry (typing in a field). */
export function navigate(hash: string, replace = false): void {
  if (location.hash === hash) return;
  if (replace) {
    history.replaceState(history.state, '', hash);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = hash;
  }
}

export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = (): void => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parseHash(hash);
}
