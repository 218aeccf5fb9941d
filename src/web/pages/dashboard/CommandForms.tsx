/**
 * The account's commands through the API (spec/engine.md's shapes, src/core/engine/parse-command.ts):
 * deposit `{"type": "deposit", "amount"}`, close `{"type": "close", "position", "quantity"?}`
 * (all of it when no quantity), stop-loss `{"type": "stop-loss", "position", "price"}`. The positions
 * offered are the account's open ones, from its summary.
 */
import type { ServiceClient } from '../../lib/service-client.js';
import { CommandForm } from './CommandForm.js';

export interface CommandFormsProps {
  readonly client: ServiceClient | null;
  readonly account: string;
  readonly positions: readonly string[];
  readonly onDone: () => void;
}

export function CommandForms({ client, account, positions, onDone }: CommandFormsProps) {
  const none = positions.length === 0 ? 'No open position.' : undefined;
  return (
    <div class="grid commands">
      <CommandForm title="Deposit" type="deposit" submitText="Deposit" client={client} account={account} onDone={onDone}
        fields={[{ name: 'amount', label: 'Amount', hint: 'In the account currency, such as 250.00' }]} />
      <CommandForm title="Close a position" type="close" submitText="Close" client={client} account={account} onDone={onDone} unavailable={none}
        fields={[
          { name: 'position', label: 'Position', options: positions },
          { name: 'quantity', label: 'Quantity (optional)', hint: 'Empty: the whole position', optional: true },
        ]} />
      <CommandForm title="Stop-loss" type="stop-loss" submitText="Set the stop-loss" client={client} account={account} onDone={onDone} unavailable={none}
        fields={[
          { name: 'position', label: 'Position', options: positions },
          { name: 'price', label: 'Price', hint: 'The position closes at the first price at or beyond it' },
        ]} />
    </div>
  );
}
