/**
 * The accounts' rows, kept live: every page of `GET /v1/accounts`, read again when events arrive
 * for accounts (throttled: events within THROTTLE_MS share one read). Up to one page of accounts
 * (PAGE_LIMIT), that read is the list itself, one request that refreshes every row (a tick that
 * made events moved the others' equity too); above it, each touched account's row from
 * `GET /v1/accounts/{id}` (status, equity and margin level from its summary's `account`, the debt
 * outstanding from its `totals`: the strings the list has), or the whole list again when more than
 * MAX_SINGLE_READS were touched. Reads run one after another, so an older answer never lands over a
 * newer one.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { PAGE_LIMIT, type AccountDetail, type AccountRow, type ServiceClient, type ServiceProblem } from '../../lib/service-client.js';

export const THROTTLE_MS = 400;
const MAX_SINGLE_READS = 10;

export interface AccountRows {
  readonly rows: ReadonlyMap<string, AccountRow>;
  /** While the list is read: rows so far, of how many (null when the key may not read the ledger). */
  readonly loading: { readonly done: number; readonly total: number | null } | null;
  readonly loaded: boolean;
  readonly problem: ServiceProblem | null;
  /** Reads every page again. */
  readonly reload: () => void;
  /** Events arrived for these accounts: read their rows again soon. */
  readonly touch: (ids: Iterable<string>) => void;
}

function rowFromDetail(row: AccountRow, detail: AccountDetail): AccountRow {
  const account = detail.summary.account as Readonly<Record<string, string | null>> | undefined;
  const totals = detail.summary.totals as Readonly<Record<string, string>> | undefined;
  return {
    ...row,
    status: account?.status ?? row.status,
    equity: account?.equity ?? row.equity,
    marginLevel: account ? account.marginLevel ?? null : row.marginLevel,
    debtOutstanding: totals?.debtOutstanding ?? row.debtOutstanding,
  };
}

export function useAccountRows(client: ServiceClient | null): AccountRows {
  const [rows, setRows] = useState<ReadonlyMap<string, AccountRow>>(new Map());
  const [loading, setLoading] = useState<AccountRows['loading']>(null);
  const [loaded, setLoaded] = useState(false);
  const [problem, setProblem] = useState<ServiceProblem | null>(null);
  const known = useRef<ReadonlyMap<string, AccountRow>>(rows);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const dirty = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const generation = useRef(0);
  known.current = rows;

  useEffect(() => {
    generation.current += 1;
    dirty.current.clear();
    clearTimeout(timer.current);
    timer.current = undefined;
    setRows(new Map());
    setLoaded(false);
    setProblem(null);
    setLoading(null);
    return () => {
      generation.current += 1;
      clearTimeout(timer.current);
    };
  }, [client]);

  const run = (task: (isCurrent: () => boolean) => Promise<void>): void => {
    const mine = generation.current;
    const isCurrent = (): boolean => mine === generation.current;
    queue.current = queue.current.then(() => (isCurrent() ? task(isCurrent) : undefined)).catch(() => undefined);
  };

  /** The whole list; `shown` puts its progress on the page (a first read, or one asked for). */
  const readAll = async (isCurrent: () => boolean, shown: boolean): Promise<void> => {
    if (!client) return;
    const ledger = shown ? await client.ledger() : undefined;
    const total = ledger?.ok ? ledger.value.accounts : null;
    let done = 0;
    if (shown) setLoading({ done, total });
    const answer = await client.accounts((page) => {
      done += page.length;
      if (shown && isCurrent()) setLoading({ done, total });
    });
    if (!isCurrent()) return;
    setLoading(null);
    if (!answer.ok) {
      setProblem(answer.problem);
      return;
    }
    setProblem(null);
    setRows(new Map(answer.value.map((row) => [row.id, row])));
    setLoaded(true);
  };

  const flush = (): void => {
    timer.current = undefined;
    const ids = [...dirty.current];
    dirty.current.clear();
    run(async (isCurrent) => {
      if (!client) return;
      if (known.current.size <= PAGE_LIMIT || ids.length > MAX_SINGLE_READS || ids.some((id) => !known.current.has(id))) {
        await readAll(isCurrent, false);
        return;
      }
      const details = await Promise.all(ids.map((id) => client.account(id)));
      if (!isCurrent()) return;
      setRows((previous) => {
        const next = new Map(previous);
        details.forEach((answer, index) => {
          const id = ids[index] as string;
          const row = next.get(id);
          if (answer.ok && row) next.set(id, rowFromDetail(row, answer.value));
        });
        return next;
      });
    });
  };

  return {
    rows,
    loading,
    loaded,
    problem,
    reload: () => run((isCurrent) => readAll(isCurrent, true)),
    touch: (ids) => {
      for (const id of ids) dirty.current.add(id);
      if (dirty.current.size > 0 && timer.current === undefined) timer.current = setTimeout(flush, THROTTLE_MS);
    },
  };
}
