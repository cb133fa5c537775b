import { roleLabel } from '#shared/domain/roles.ts';
import { formatNumber, formatRupiah } from '../format.ts';
import { ScrollTable } from '../ui.tsx';

/**
 * Recipients and Rupiah by role, as a proposal's totals and a decree's breakdown show them: one row
 * per role (its code or label in words), and the total underneath when given.
 */
export function RoleAmounts(props: {
  label: string;
  /** The first columns' headings and how a row's key reads (a role, unless told: a KPM list's components). */
  keyHeading?: string;
  countHeading?: string;
  labelOf?: (key: string) => string;
  /** The amount column's heading (`Jumlah`, `Jumlah (6 bulan)`). */
  amountHeading: string;
  rows: readonly { readonly peran: string; readonly count: number; readonly amount: number }[];
  total?: { readonly count: number; readonly amount: number };
}) {
  return (
    <ScrollTable label={props.label}>
      <table class="table">
        <caption class="sr-only">{props.label}</caption>
        <thead>
          <tr>
            <th scope="col">{props.keyHeading ?? 'Peran'}</th>
            <th scope="col" class="num">
              {props.countHeading ?? 'Penerima'}
            </th>
            <th scope="col" class="num">
              {props.amountHeading}
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={row.peran}>
              <th scope="row">{(props.labelOf ?? roleLabel)(row.peran)}</th>
              <td class="num">{formatNumber(row.count)}</td>
              <td class="num">{formatRupiah(row.amount)}</td>
            </tr>
          ))}
        </tbody>
        {props.total ? (
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td class="num">{formatNumber(props.total.count)}</td>
              <td class="num" data-testid="total-rupiah">
                {formatRupiah(props.total.amount)}
              </td>
            </tr>
          </tfoot>
        ) : null}
      </table>
    </ScrollTable>
  );
}
