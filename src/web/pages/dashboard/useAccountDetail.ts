/**
 * One account of the service, live: `GET /v1/accounts/{id}` (its sequence and its summary, what
 * `stopout replay --summary` prints for its scenario), read again when its events arrive (throttled:
 * events within THROTTLE_MS share one read) or after a command. An answer older than the one shown
 * is dropped, so the page never steps back.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AccountDetail, ServiceClient, ServiceProblem } from '../../lib/service-client.js';
import { THROTTLE_MS } from './useAccountRows.js';

export interface AccountDetailState {
  readonly detail: AccountDetail | null;
  readonly loading: boolean;
  readonly problem: ServiceProblem | null;
  readonly refresh: () => void;
  readonly touch: () => void;
}

export function useAccountDetail(client: ServiceClient | null, id: string): AccountDetailState {
  const [detail, setDetail] = useState<AccountDetail | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<ServiceProblem | null>(null);
  const asked = useRef(0);
  const shown = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const read = (): void => {
    if (!client) return;
    asked.current += 1;
    const mine = asked.current;
    void client.account(id).then((answer) => {
      if (mine <= shown.current) return;
      shown.current = mine;
      if (mine === asked.current) setLoading(false);
      if (answer.ok) {
        setDetail(answer.value);
        setProblem(null);
      } else {
        setProblem(answer.problem);
      }
    });
  };

  useEffect(() => {
    setDetail(null);
    setProblem(null);
    clearTimeout(timer.current);
    timer.current = undefined;
    setLoading(client !== null);
    read();
    return () => {
      clearTimeout(timer.current);
      timer.current = undefined;
      // Answers still on their way are for a former key or account: mark them as older than shown.
      asked.current += 1;
      shown.current = asked.current;
    };
  }, [client, id]);

  return {
    detail,
    loading,
    problem,
    refresh: read,
    touch: () => {
      if (timer.current !== undefined) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        read();
      }, THROTTLE_MS);
    },
  };
}
