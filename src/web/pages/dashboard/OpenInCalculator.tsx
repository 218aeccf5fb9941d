/**
 * An account of the service in the calculator: its scenario (`GET /v1/accounts/{id}/scenario`, the
 * start and every command since, marks included) replayed in the page by the core, and the final
 * state written as a report.md snapshot (`stateToJson(...).account`), which opens `#/calculator?s=…`
 * with the account's whole report: the shock ladder, the other venues, the formulas.
 */
import { useState } from 'preact/hooks';
import { formatProblem, parseScenario, replay, stateToJson } from '../../../core/index.js';
import { navigate, routeHash } from '../../lib/router.js';
import type { ServiceClient } from '../../lib/service-client.js';
import { encodeState } from '../../lib/url-state.js';

/** The report.md snapshot of the account as the scenario leaves it, or why there is none. */
export function snapshotOfScenario(scenario: unknown): { readonly snapshot: unknown } | { readonly problem: string } {
  const parsed = parseScenario(scenario);
  if (!parsed.ok) return { problem: parsed.error.map(formatProblem).join('; ') };
  let state = parsed.value.start;
  for (const result of replay(parsed.value.start, parsed.value.commands)) state = result.state;
  return { snapshot: (stateToJson(state, parsed.value.source) as { account: unknown }).account };
}

export function OpenInCalculator({ client, account }: { readonly client: ServiceClient | null; readonly account: string }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const open = async (): Promise<void> => {
    if (!client) return;
    setBusy(true);
    setProblem(undefined);
    const answer = await client.request<unknown>('GET', `/v1/accounts/${encodeURIComponent(account)}/scenario`);
    setBusy(false);
    if (!answer.ok) {
      setProblem(answer.problem.detail);
      return;
    }
    const made = snapshotOfScenario(answer.value);
    if ('problem' in made) setProblem(`the account's scenario could not be replayed here: ${made.problem}`);
    else navigate(routeHash('/calculator', { s: encodeState(made.snapshot) }));
  };
  return (
    <div class="open-in-calculator">
      <button type="button" disabled={!client || busy} aria-busy={busy ? 'true' : undefined} onClick={() => void open()}>
        {busy ? 'Replaying the account…' : 'Open its report in the calculator'}
      </button>
      <small class="muted"> The shock ladder, the other venues and the formulas for this account as it stands now, computed in this page.</small>
      {problem ? <p class="error" role="alert">{problem}</p> : null}
    </div>
  );
}
