import type { RowProblem } from '#shared/model.ts';
import { ScrollTable } from '../ui.tsx';

/**
 * The first problems of an imported file, one row each (row, column, rejected or warning, what is
 * wrong): the same table on a BKK upload's result (`/unggah/{id}`) and on a family-programme import
 * (`/data-keluarga/impor/{id}`, a verval result file). The table is named by the heading above it
 * (`labelledBy`) or, without one, by a caption for screen readers.
 */
export function ProblemsTable({
  problems,
  labelledBy,
  columnLabel = (column) => column,
}: {
  problems: readonly Pick<RowProblem, 'row' | 'column' | 'severity' | 'message'>[];
  /** The id of the heading that names the table; without it the table carries its own caption. */
  labelledBy?: string;
  /** A column's name in words (the BKK list's headers); as the import names it by default. */
  columnLabel?: (column: string) => string;
}) {
  return (
    <ScrollTable label="Masalah pertama">
      <table class="table" aria-labelledby={labelledBy} data-testid="masalah">
        {labelledBy === undefined ? <caption class="sr-only">Masalah pertama dalam berkas</caption> : null}
        <thead>
          <tr>
            <th scope="col" class="num">
              Baris
            </th>
            <th scope="col">Kolom</th>
            <th scope="col">Jenis</th>
            <th scope="col">Keterangan</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((problem, index) => (
            <tr key={`${problem.row}-${index}`}>
              <td class="num">{problem.row}</td>
              <td>{problem.column ? columnLabel(problem.column) : '—'}</td>
              <td>
                <span class={`badge badge-${problem.severity === 'error' ? 'bad' : 'neutral'}`}>
                  {problem.severity === 'error' ? 'Ditolak' : 'Peringatan'}
                </span>
              </td>
              <td>{problem.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}
