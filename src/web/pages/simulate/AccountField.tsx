/**
 * The account the paths run through: a report.md snapshot as JSON, checked by the core (its
 * problems come back as `account.positions[0].quantity: ...`), with a link that opens the same
 * snapshot in the calculator (`#/calculator?s=<base64url>`, spec/web.md).
 */
import { TextAreaField } from '../../components/Field.js';
import { routeHash } from '../../lib/router.js';
import { encodeState } from '../../lib/url-state.js';

export interface AccountFieldProps {
  readonly text: string;
  /** Why the text is not JSON, or the core's problems with the account. */
  readonly error: string | undefined;
  /** The account as parsed from the text, when it is JSON. */
  readonly account: unknown;
  readonly onText: (text: string) => void;
}

export function AccountField({ text, error, account, onText }: AccountFieldProps) {
  return (
    <section class="card" aria-labelledby="sim-account-heading">
      <h2 id="sim-account-heading">Account</h2>
      <TextAreaField label="Account snapshot (JSON, as the calculator and stopout report read it)" rows={12} value={text} error={error} onValue={onText} />
      {account !== undefined ? (
        <p><a href={routeHash('/calculator', { s: encodeState(account) })}>Open this account in the calculator</a></p>
      ) : null}
    </section>
  );
}
