import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import type { ImportView } from '#shared/contract/responses.ts';
import type { UploadStatus } from '#shared/model.ts';
import { formatDateTime, formatNumber } from '../format.ts';
import { Problem } from '../page.tsx';
import { Fact } from '../ui.tsx';
import { ProblemsTable } from './problems-table.tsx';

/**
 * One family-programme import as it runs and as it ends (a DTSEN file, an exclusion list, a verval
 * result file): its status, rows, counts, why the whole file was refused, the first problems and
 * the report. Shared by `/data-keluarga/impor/{id}` and the verval screens, which add what is
 * theirs (the snapshot; the desa's progress) around it.
 */

export const FINISHED: ReadonlySet<UploadStatus> = new Set(['COMPLETED', 'REJECTED', 'FAILED']);

const IMPORT_STATUS_WORDS: Readonly<Record<UploadStatus, string>> = {
  AWAITING_FILE: 'Menunggu berkas tiba',
  PROCESSING: 'Sedang diperiksa dan diimpor',
  COMPLETED: 'Selesai',
  REJECTED: 'Ditolak seluruhnya',
  FAILED: 'Gagal diproses',
};

export function ImportBadge({ status }: { status: UploadStatus }) {
  const tone = status === 'COMPLETED' ? 'good' : FINISHED.has(status) ? 'bad' : 'neutral';
  return (
    <span class={`badge badge-${tone}`} data-status={status} data-testid="status-impor">
      {IMPORT_STATUS_WORDS[status]}
    </span>
  );
}

/**
 * Asks again (`reload`) after each answer while `waiting`: every second while it runs, every 3 s
 * while the file has not arrived.
 */
export function useFollowImport(
  answer: unknown,
  status: UploadStatus | undefined,
  waiting: boolean,
  reload: () => void,
): void {
  useEffect(() => {
    if (!waiting || status === undefined) return;
    const timer = setTimeout(reload, status === 'AWAITING_FILE' ? 3_000 : 1_000);
    return () => clearTimeout(timer);
  }, [waiting, answer, status, reload]);
}

export type ImportShown = Pick<
  ImportView,
  'filename' | 'status' | 'rowsProcessed' | 'finishedAt' | 'counts' | 'reasons' | 'problems' | 'reportUrl'
>;

/**
 * The import: facts (its file, `facts` the caller adds, status, rows processed, when it ended), a
 * line while it runs, counts, the file's refusal, the first problems, and the report's link.
 */
export function ImportProgress({ item, facts }: { item: ImportShown; facts?: ComponentChildren }) {
  const finished = FINISHED.has(item.status);
  return (
    <>
      <dl class="facts">
        <Fact label="Berkas">{item.filename ?? '—'}</Fact>
        {facts}
        <Fact label="Status">
          <ImportBadge status={item.status} />
        </Fact>
        <Fact label="Baris diproses">
          <span aria-live="polite" data-testid="baris-diproses">
            {formatNumber(item.rowsProcessed)}
            {finished ? '' : ' …'}
          </span>
        </Fact>
        {item.finishedAt ? <Fact label="Selesai">{formatDateTime(item.finishedAt)}</Fact> : null}
      </dl>
      {finished ? null : (
        <p class="muted" role="status">
          {item.status === 'AWAITING_FILE'
            ? 'Menunggu berkas tiba. Halaman ini diperbarui sendiri.'
            : 'Berkas sedang diperiksa baris demi baris. Halaman ini diperbarui sendiri.'}
        </p>
      )}
      {item.counts ? <ImportCounts counts={item.counts} /> : null}
      {item.reasons.length > 0 ? (
        <Problem title="Berkas ditolak">
          <ul>
            {item.reasons.map((reason) => (
              <li key={reason.code}>{reason.message}</li>
            ))}
          </ul>
        </Problem>
      ) : null}
      {item.status === 'FAILED' ? (
        <Problem title="Gagal diproses">
          <p>Terjadi kesalahan saat memproses berkas. Coba unggah lagi.</p>
        </Problem>
      ) : null}
      {item.problems && item.problems.length > 0 ? <RowProblems problems={item.problems} /> : null}
      {item.reportUrl ? (
        <p>
          <a class="button button-secondary" href={item.reportUrl} download data-testid="laporan">
            Unduh laporan kesalahan (CSV untuk Excel)
          </a>
        </p>
      ) : null}
    </>
  );
}

export function ImportCounts({ counts }: { counts: NonNullable<ImportView['counts']> }) {
  return (
    <ul class="upload-counts" aria-label="Jumlah baris">
      <li>
        <span class="count-value" data-testid="jumlah-baris">
          {formatNumber(counts.rows)}
        </span>
        <span class="count-label">Baris data</span>
      </li>
      <li>
        <span class="count-value" data-testid="jumlah-diterima">
          {formatNumber(counts.accepted)}
        </span>
        <span class="count-label">Diterima</span>
      </li>
      <li class={counts.rejected > 0 ? 'count-bad' : undefined}>
        <span class="count-value" data-testid="jumlah-ditolak">
          {formatNumber(counts.rejected)}
        </span>
        <span class="count-label">Ditolak</span>
      </li>
      <li>
        <span class="count-value">{formatNumber(counts.warnings)}</span>
        <span class="count-label">Dengan peringatan</span>
      </li>
    </ul>
  );
}

function RowProblems({ problems }: { problems: NonNullable<ImportView['problems']> }) {
  return (
    <>
      <h2 id="judul-masalah-impor">Masalah pertama dalam berkas</h2>
      <p class="muted">{problems.length} masalah pertama ditampilkan; semuanya ada di laporan kesalahan.</p>
      <ProblemsTable problems={problems} />
    </>
  );
}
