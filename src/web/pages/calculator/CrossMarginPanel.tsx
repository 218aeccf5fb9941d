/**
 * Cross margin, for accounts of two or more positions or a cross position with tiers: each
 * position's liquidation price with the others held (the report's), the order in which the core's
 * force-close takes the positions as every mark gaps further against the account (the venue's
 * liquidation order: force-close.ts), and the maintenance tier that holds at the liquidation price,
 * by the exposure's notional there (maintenance-tiers.ts `tierAt`). Logic: cross-margin.ts `crossMargin`.
 */
import { useId, useMemo } from 'preact/hooks';
import { Figure } from '../../components/Figure.js';
import { groupDigits, money, price } from '../../lib/format.js';
import type { AnalysisProps } from './analysis-props.js';
import { basisPointMove, LAST_POINT, moveText, type Direction } from './analysis.js';
import { crossMargin, ORDER_WORDS, tierText, type CrossRow } from './cross-margin.js';
import './analysis.css';

function closeText(row: CrossRow, quantity: string | null | undefined, together: boolean): string {
  if (row.closeOrder === null) return '';
  const part = row.closedQuantity && quantity && row.closedQuantity !== quantity ? ` (sells ${groupDigits(row.closedQuantity)} of ${groupDigits(quantity)})` : '';
  return `${row.closeOrder}${together ? ' (with its whole scope)' : ''}${part}`;
}

function limitText(direction: Direction): string {
  return moveText(basisPointMove(direction, LAST_POINT[direction]));
}

export function CrossMarginPanel({ snapshot, report }: AnalysisProps) {
  const key = JSON.stringify(snapshot);
  const view = useMemo(() => crossMargin(snapshot, report), [key]);
  const heading = useId();
  if (!view.show) return null;
  const { currency } = report;
  const together = view.order === 'whole-scope';
  return (
    <section class="card analysis" aria-labelledby={heading} data-cross>
      <h2 id={heading}>Cross margin: what the venue closes, and when</h2>
      <p>
        {report.venue.name} closes {ORDER_WORDS[view.order]}.
        {view.direction ? ` As every mark gaps ${view.direction} together in steps of 1 %, its force-close takes the positions in this order.` : ''}
      </p>
      <ul class="cross-list">
        {view.rows.map((row) => {
          const field = (name: string): string => `cross.positions.${row.index}.${name}`;
          const quantity = report.positions[row.index]?.quantity;
          return (
            <li key={row.id}>
              <h3>{row.id} <span class="muted">{row.side} {row.instrument}, {row.margin}</span></h3>
              <dl class="pairs">
                <dt>Liquidation price, the others held</dt>
                <dd><Figure field={field('liquidationPrice')} value={row.liquidationPrice}>{price(row.liquidationPrice)}</Figure></dd>
                <dt>Close order</dt>
                <dd>
                  {row.closeOrder === null
                    ? <span class="muted">not closed by any gap up to {view.direction ? limitText(view.direction) : '–'}</span>
                    : <Figure field={field('closeOrder')} value={row.closeOrder}>{closeText(row, quantity, together)}</Figure>}
                </dd>
                {row.closedAt === null ? null : (
                  <>
                    <dt>First closed at a gap of</dt>
                    <dd><Figure field={field('closedAt')} value={row.closedAt}>{moveText(row.closedAt)}</Figure></dd>
                  </>
                )}
                {row.tierNow ? (
                  <>
                    <dt>Maintenance tier at the mark</dt>
                    <dd><Figure field={field('tierNow')} value={row.tierNow.number}>{tierText(row.tierNow, currency)}</Figure></dd>
                    <dt>Maintenance tier at the liquidation price</dt>
                    <dd>
                      {row.tierAtLiquidation
                        ? (
                          <>
                            <Figure field={field('tierAtLiquidation')} value={row.tierAtLiquidation.number}>{tierText(row.tierAtLiquidation, currency)}</Figure>
                            {row.notionalAtLiquidation
                              ? <>, at a notional of <Figure field={field('notionalAtLiquidation')} value={row.notionalAtLiquidation}>{money(row.notionalAtLiquidation, currency)}</Figure></>
                              : null}
                          </>
                        )
                        : <span class="muted">no liquidation price</span>}
                    </dd>
                  </>
                ) : null}
              </dl>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
