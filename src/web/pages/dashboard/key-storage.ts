/**
 * Where the page keeps API keys (spec/web.md): sessionStorage, so a key lives as long as the tab and
 * never in the URL, a link or the history. The dashboard's key is one; an account's own key is kept
 * per account and used on that account's page instead of the dashboard's.
 */
const DASHBOARD_KEY = 'stopout.dashboard.key';
const accountSlot = (id: string): string => `stopout.account-key.${id}`;

function read(slot: string): string | null {
  try {
    return sessionStorage.getItem(slot);
  } catch {
    return null;
  }
}

function write(slot: string, value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(slot);
    else sessionStorage.setItem(slot, value);
  } catch {
    // Storage refused (a private window with storage off): the key lives in the page's memory only.
  }
}

export const dashboardKey = (): string | null => read(DASHBOARD_KEY);
export const storeDashboardKey = (key: string | null): void => write(DASHBOARD_KEY, key);
export const accountKey = (id: string): string | null => read(accountSlot(id));
export const storeAccountKey = (id: string, key: string | null): void => write(accountSlot(id), key);
