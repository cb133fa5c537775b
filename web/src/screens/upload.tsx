import { useEffect, useState } from 'preact/hooks';
import { COLUMN_LABELS, type ColumnName, REQUIRED_COLUMNS } from '#shared/domain/columns.ts';
import { PERIOD_PATTERN, periodLabel } from '#shared/domain/period.ts';
import { REGIONS } from '#shared/domain/regions.ts';
import type { UploadStatus } from '#shared/model.ts';
import { formatDateTime, formatNumber } from '../format.ts';
import { FormProblem, PageTitle, Problem } from '../page.tsx';
import { navigate, pathTo, useQuery } from '../router.ts';
import { useSignedIn } from '../session.tsx';
import { ActionOutcome, RegionOptions, Show, useAction, useApi } from '../ui.tsx';
import './upload.css';
import { ProblemsTable } from './problems-table.tsx';

/**
 * `/unggah`: an operator sends its region's recipient file (CSV or XLSX) for a period. The file
 * goes straight from the browser to the presigned URL the API hands out (never through the API),
 * with its bytes' progress shown; then `/unggah/{uploadId}` follows the import as it runs.
 */
export function UploadPage() {
  const { scope } = useSignedIn();
  const query = useQuery();
  const allRegions = scope?.regions === 'all';
  const prefill = periodOf(query.get('periode') ?? query.get('usulan') ?? '');
  const [period, setPeriod] = useState(prefill);
  const [region, setRegion] = useState(regionOfProposal(query.get('usulan') ?? '') ?? '');
  const [file, setFile] = useState<File | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [sent, setSent] = useState<Sent | undefined>();
  const create = useAction('CreateUpload');
  const ownRegion = scope?.regions === 'all' ? undefined : scope?.regions[0];
  const regionName = REGIONS.find((entry) => entry.code === ownRegion)?.name ?? ownRegion;

  const choose = (chosen: File | undefined) => {
    setProblem(undefined);
    if (chosen === undefined) return;
    if (!/\.(csv|xlsx)$/i.test(chosen.name)) {
      setFile(undefined);
      setProblem(`Berkas "${chosen.name}" bukan .csv atau .xlsx. Pilih berkas daftar penerima yang benar.`);
      return;
    }
    setFile(chosen);
  };

  const send = async (event: Event) => {
    event.preventDefault();
    setProblem(undefined);
    if (!PERIOD_PATTERN.test(period)) {
      setProblem('Periode harus berbentuk YYYY-S1/S2, YYYY-T1…T4, YYYY-MM atau YYYY, misalnya 2026-S1.');
      return;
    }
    if (file === undefined) {
      setProblem('Pilih atau seret berkas daftar penerima terlebih dahulu.');
      return;
    }
    if (allRegions && region === '') {
      setProblem('Pilih kabupaten/kota yang daftarnya diunggah.');
      return;
    }
    const result = await create.run({
      body: { period, filename: file.name, ...(allRegions ? { region } : {}) },
    });
    if (result?.kind !== 'done') return;
    const { uploadId, uploadUrl } = result.answer.body;
    await sendFile(uploadUrl, file, pathTo.uploadResult(uploadId), setSent, setProblem);
  };

  const busy = create.busy || sent !== undefined;
  return (
    <section class="card wide" aria-labelledby="judul-unggah">
      <PageTitle title="Unggah daftar penerima">
        <span id="judul-unggah">Unggah daftar penerima</span>
      </PageTitle>
      <form class="upload-form" onSubmit={send} aria-describedby="kolom-berkas">
        <div class="upload-fields">
          {allRegions ? (
            <label class="field">
              Kabupaten/kota
              <select
                name="wilayah"
                value={region}
                required
                onChange={(event) => setRegion(event.currentTarget.value)}
              >
                <RegionOptions none="Pilih…" />
              </select>
            </label>
          ) : (
            <p class="upload-region">
              <span class="muted">Kabupaten/kota</span>
              <strong>
                {regionName} ({ownRegion})
              </strong>
            </p>
          )}
          <label class="field">
            Periode
            <input
              name="periode"
              value={period}
              required
              placeholder="mis. 2026-S1"
              autocomplete="off"
              size={10}
              aria-describedby="periode-bantuan"
              onInput={(event) => setPeriod(event.currentTarget.value.trim())}
            />
            <span id="periode-bantuan" class="hint">
              {periodLabel(period) ?? 'Semester (2026-S1), triwulan (2026-T1), bulan (2026-03) atau tahun.'}
            </span>
          </label>
        </div>
        <DropZone file={file} onFile={choose} disabled={busy} />
        <Columns />
        <FormProblem title="Belum dapat diunggah" problem={problem} />
        <ActionOutcome<'CreateUpload'> result={create.last} />
        {sent ? <BytesProgress loaded={sent.loaded} total={sent.total} /> : null}
        <div class="actions">
          <button type="submit" class="button" disabled={busy}>
            {busy ? 'Mengunggah…' : 'Unggah berkas'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** A zone to drop a file on, with the file picker inside it for the keyboard and for phones. */
function DropZone(props: {
  file: File | undefined;
  onFile: (file: File | undefined) => void;
  disabled: boolean;
}) {
  const [over, setOver] = useState(false);
  return (
    <fieldset
      class={`dropzone${over ? ' dropzone-over' : ''}`}
      data-testid="zona-berkas"
      onDragEnter={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragOver={(event) => {
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        if (!props.disabled) props.onFile(event.dataTransfer?.files[0]);
      }}
    >
      <legend class="sr-only">Berkas daftar penerima</legend>
      <p class="dropzone-title">Seret berkas ke sini, atau</p>
      <label class="button button-secondary dropzone-pick">
        Pilih berkas…
        <input
          type="file"
          name="berkas"
          class="sr-only"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          disabled={props.disabled}
          onChange={(event) => props.onFile(event.currentTarget.files?.[0])}
        />
      </label>
      <p class="dropzone-file" aria-live="polite" data-testid="berkas-terpilih">
        {props.file
          ? `Berkas terpilih: ${props.file.name} (${formatBytes(props.file.size)})`
          : 'Belum ada berkas dipilih. CSV atau XLSX, satu baris per penerima.'}
      </p>
    </fieldset>
  );
}

/** Which columns the import reads (it also accepts the usual variants of each header). */
function Columns() {
  const optional = (Object.keys(COLUMN_LABELS) as ColumnName[]).filter(
    (column) => !REQUIRED_COLUMNS.includes(column),
  );
  return (
    <div id="kolom-berkas" class="upload-columns">
      <p>
        <strong>Kolom wajib:</strong> {REQUIRED_COLUMNS.map((column) => COLUMN_LABELS[column]).join(', ')}.
      </p>
      <p>
        <strong>Kolom lain:</strong> {optional.map((column) => COLUMN_LABELS[column]).join(', ')}{' '}
        (Desa/Kelurahan dan RT wajib untuk peran tingkat desa dan RT).
      </p>
      <p class="muted">
        Judul kolom boleh ditulis bebas (mis. “Nama Lengkap”, “No. Rek”), boleh di bawah beberapa baris judul.
        Baris yang bermasalah ditolak dan dijelaskan dalam laporan kesalahan.
      </p>
    </div>
  );
}

export function BytesProgress({ loaded, total }: { loaded: number; total: number }) {
  const percent = total > 0 ? Math.round((loaded / total) * 100) : 100;
  return (
    <div class="upload-progress">
      <label for="kemajuan-unggah">Mengirim berkas</label>
      <progress id="kemajuan-unggah" value={loaded} max={Math.max(total, 1)}>
        {percent}%
      </progress>
      <p aria-live="polite" data-testid="byte-terkirim">
        {formatBytes(loaded)} dari {formatBytes(total)} terkirim ({percent}%)
      </p>
    </div>
  );
}

/** Bytes of a file sent so far, while it goes to S3. */
export interface Sent {
  readonly loaded: number;
  readonly total: number;
}

/** What keeps a chosen file from being sent: none chosen (`missing` says what to choose), or not CSV/TXT/XLSX. */
function fileProblem(file: File | undefined, missing: string): string | undefined {
  if (file === undefined) return missing;
  if (!/\.(csv|txt|xlsx)$/i.test(file.name)) return `Berkas "${file.name}" bukan .csv atau .xlsx.`;
  return undefined;
}

/**
 * A family-programme file form (a DTSEN extract, an exclusion list, a verval result file): the file
 * chosen, what keeps the form from being sent, and the bytes sent once its import is created.
 * `check()` gives the file when it may be sent (and otherwise says why); `send` PUTs it to the
 * presigned URL, then opens the import's page.
 */
export function useFileSend(missing: string) {
  const [file, setFile] = useState<File | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [sent, setSent] = useState<Sent | undefined>();
  return {
    file,
    problem,
    setProblem,
    sent,
    choose(chosen: File | undefined): void {
      setProblem(undefined);
      setFile(chosen);
    },
    check(): File | undefined {
      const refused = fileProblem(file, missing);
      setProblem(refused);
      return refused === undefined ? file : undefined;
    },
    send: (url: string, chosen: File, next: string): Promise<void> =>
      sendFile(url, chosen, next, setSent, setProblem),
  };
}

/**
 * Sends `file` to its presigned URL with byte progress (`onSent`), then opens `next` (the import's
 * page); a failed send clears the progress and tells the person what to do.
 */
export async function sendFile(
  url: string,
  file: File,
  next: string,
  onSent: (sent: Sent | undefined) => void,
  onProblem: (message: string) => void,
): Promise<void> {
  onSent({ loaded: 0, total: file.size });
  try {
    await putFile(url, file, (loaded, total) => onSent({ loaded, total }));
    navigate(next);
  } catch {
    onSent(undefined);
    onProblem('Berkas gagal terkirim. Periksa koneksi internet lalu unggah lagi.');
  }
}

/**
 * PUTs the file's bytes to the presigned URL, reporting progress. XMLHttpRequest, not fetch: only
 * it reports an upload's progress. The URL carries its own signature: no Authorization header.
 */
function putFile(
  url: string,
  file: File,
  onProgress: (loaded: number, total: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    request.upload.addEventListener('progress', (event) => {
      onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    });
    request.addEventListener('load', () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(file.size, file.size);
        resolve();
      } else {
        reject(new Error(`PUT ${request.status}`));
      }
    });
    request.addEventListener('error', () => reject(new Error('PUT failed')));
    request.addEventListener('abort', () => reject(new Error('PUT aborted')));
    request.send(file);
  });
}

// ─── The result ────────────────────────────────────────────────────────────────────────────────

const FINISHED: ReadonlySet<UploadStatus> = new Set(['COMPLETED', 'REJECTED', 'FAILED']);

/** How long a file may take to arrive after its upload was asked for, before the screen stops asking. */
const AWAIT_FILE_MS = 30 * 60_000;

const isAbandoned = (status: UploadStatus, createdAt: string): boolean =>
  status === 'AWAITING_FILE' && Date.now() - new Date(createdAt).getTime() > AWAIT_FILE_MS;

const STATUS_WORDS: Readonly<Record<UploadStatus, string>> = {
  AWAITING_FILE: 'Menunggu berkas tiba',
  PROCESSING: 'Sedang diperiksa dan diimpor',
  COMPLETED: 'Selesai',
  REJECTED: 'Ditolak seluruhnya',
  FAILED: 'Gagal diproses',
};

/**
 * `/unggah/{uploadId}`: the import as it runs (asked again every second until it is finished),
 * then its result: counts, the first problems, the report to download, and where the list went.
 */
export function UploadResultPage({ uploadId }: { uploadId: string }) {
  const { state, reload } = useApi('GetUpload', { params: { uploadId } });
  const status = state.kind === 'ok' ? state.body.status : undefined;
  const abandoned = state.kind === 'ok' && isAbandoned(state.body.status, state.body.createdAt);
  useEffect(() => {
    // Asked again after each answer until the import is finished or the screen closes: every second
    // while it runs, every 5 s while the file has not arrived, and no more once the wait is
    // hopeless (the browser that sent it is gone; the upload URL has long expired).
    if (state.kind !== 'ok' || status === undefined || FINISHED.has(status) || abandoned) return;
    const timer = setTimeout(reload, status === 'AWAITING_FILE' ? 5_000 : 1_000);
    return () => clearTimeout(timer);
  }, [state, status, abandoned, reload]);

  return (
    <section class="card wide" aria-labelledby="judul-hasil">
      <PageTitle title="Hasil unggahan">
        <span id="judul-hasil">Hasil unggahan</span>
      </PageTitle>
      <Show state={state} label="Memuat unggahan…">
        {(upload) => {
          const finished = FINISHED.has(upload.status);
          return (
            <>
              <dl class="facts">
                <div>
                  <dt>Berkas</dt>
                  <dd>{upload.filename ?? '—'}</dd>
                </div>
                <div>
                  <dt>Kabupaten/kota · periode</dt>
                  <dd>
                    {REGIONS.find((entry) => entry.code === upload.region)?.name ?? upload.region} ·{' '}
                    {periodLabel(upload.period) ?? upload.period}
                  </dd>
                </div>
                <div>
                  <dt>Status</dt>
                  <dd>
                    <span
                      class={`badge badge-${upload.status === 'COMPLETED' ? 'good' : finished ? 'bad' : 'neutral'}`}
                      data-testid="status-unggahan"
                      data-status={upload.status}
                    >
                      {STATUS_WORDS[upload.status]}
                    </span>
                  </dd>
                </div>
                <div>
                  <dt>Baris diproses</dt>
                  <dd aria-live="polite" data-testid="baris-diproses">
                    {formatNumber(upload.rowsProcessed)}
                    {finished ? '' : ' …'}
                  </dd>
                </div>
                {upload.finishedAt ? (
                  <div>
                    <dt>Selesai</dt>
                    <dd>{formatDateTime(upload.finishedAt)}</dd>
                  </div>
                ) : null}
              </dl>
              {finished ? null : isAbandoned(upload.status, upload.createdAt) ? (
                <Problem title="Berkas tidak pernah tiba">
                  <p>
                    Permintaan unggah ini dibuat lebih dari 30 menit lalu, tetapi berkasnya belum diterima.
                    Unggah ulang berkas dari halaman Unggah berkas.
                  </p>
                </Problem>
              ) : (
                <p class="muted" role="status">
                  {upload.status === 'AWAITING_FILE'
                    ? 'Menunggu berkas tiba. Halaman ini diperbarui sendiri.'
                    : 'Berkas sedang diperiksa baris demi baris. Halaman ini diperbarui sendiri.'}
                </p>
              )}
              {upload.counts ? <Counts counts={upload.counts} /> : null}
              <Outcome upload={upload} />
              {upload.reasons.length > 0 ? (
                <Problem title="Berkas ditolak">
                  <ul>
                    {upload.reasons.map((reason) => (
                      <li key={reason.code}>{reason.message}</li>
                    ))}
                  </ul>
                </Problem>
              ) : null}
              {upload.problems && upload.problems.length > 0 ? (
                <Problems problems={upload.problems} total={upload.counts} />
              ) : null}
              {upload.reportUrl ? (
                <p>
                  <a class="button button-secondary" href={upload.reportUrl} download data-testid="laporan">
                    Unduh laporan kesalahan (CSV untuk Excel)
                  </a>
                </p>
              ) : null}
              {finished ? (
                <div class="actions">
                  {upload.proposalId ? (
                    <>
                      <a class="button" href={pathTo.proposal(upload.proposalId)}>
                        Buka usulan {upload.proposalId}
                      </a>
                      <a class="button button-secondary" href={pathTo.recipients(upload.proposalId)}>
                        Lihat daftar penerima
                      </a>
                    </>
                  ) : null}
                  <a class="button button-secondary" href={pathTo.upload({ periode: upload.period })}>
                    Unggah berkas lain
                  </a>
                </div>
              ) : null}
            </>
          );
        }}
      </Show>
    </section>
  );
}

function Counts({
  counts,
}: {
  counts: { rows: number; accepted: number; rejected: number; warnings: number };
}) {
  const items = [
    ['Baris data', counts.rows, 'baris'],
    ['Diterima', counts.accepted, 'diterima'],
    ['Ditolak', counts.rejected, 'ditolak'],
    ['Diterima dengan peringatan', counts.warnings, 'peringatan'],
  ] as const;
  return (
    <ul class="upload-counts" aria-label="Jumlah baris">
      {items.map(([label, value, id]) => (
        <li key={id} class={id === 'ditolak' && value > 0 ? 'count-bad' : undefined}>
          <span class="count-value" data-testid={`jumlah-${id}`}>
            {formatNumber(value)}
          </span>
          <span class="count-label">{label}</span>
        </li>
      ))}
    </ul>
  );
}

/** What became of the list, in words: applied, the same file again, or overtaken by a newer one. */
function Outcome({
  upload,
}: {
  upload: {
    status: UploadStatus;
    duplicateOf?: string | undefined;
    supersededBy?: string | undefined;
    proposalId?: string | undefined;
  };
}) {
  if (upload.duplicateOf) {
    return (
      <p class="notice notice-info" role="status">
        Berkas ini sama persis dengan berkas yang sudah berlaku (unggahan{' '}
        <a href={pathTo.uploadResult(upload.duplicateOf)}>{upload.duplicateOf}</a>), sehingga daftar penerima
        tidak berubah.
      </p>
    );
  }
  if (upload.supersededBy) {
    return (
      <p class="notice notice-info" role="status">
        Sebelum berkas ini selesai, unggahan yang lebih baru (
        <a href={pathTo.uploadResult(upload.supersededBy)}>{upload.supersededBy}</a>) sudah berlaku. Daftar
        penerima mengikuti unggahan yang lebih baru itu.
      </p>
    );
  }
  if (upload.status === 'COMPLETED') {
    return (
      <p class="notice notice-good" role="status">
        Daftar penerima usulan {upload.proposalId} telah diganti dengan isi berkas ini (baris yang ditolak
        tidak termasuk). Periksa kembali lalu ajukan usulan bila sudah benar.
      </p>
    );
  }
  if (upload.status === 'FAILED') {
    return (
      <Problem title="Gagal diproses">
        <p>Terjadi kesalahan saat memproses berkas. Daftar tidak berubah. Coba unggah lagi.</p>
      </Problem>
    );
  }
  return null;
}

function Problems({
  problems,
  total,
}: {
  problems: readonly { row: number; column: string | null; severity: 'error' | 'warning'; message: string }[];
  total: { rejected: number; warnings: number } | undefined;
}) {
  return (
    <>
      <h2 id="judul-masalah">Masalah pertama dalam berkas</h2>
      <p class="muted">
        {problems.length} masalah pertama ditampilkan
        {total
          ? ` (${formatNumber(total.rejected)} baris ditolak, ${formatNumber(total.warnings)} dengan peringatan)`
          : ''}
        ; semuanya ada di laporan kesalahan.
      </p>
      <ProblemsTable
        problems={problems}
        labelledBy="judul-masalah"
        columnLabel={(column) => COLUMN_LABELS[column as ColumnName] ?? column}
      />
    </>
  );
}

// ─── Helpers ───────────────────────────────────────────────────────────────────────────────────

/** `62.03-2026-S1` or `62.03-2026-S1-r2` → `2026-S1`; a period as it is. */
function periodOf(value: string): string {
  const match = /^(?:62\.\d{2}-)?(\d{4}(?:-(?:0[1-9]|1[0-2]|S[12]|T[1-4]))?)(?:-r\d+)?$/.exec(value);
  return match?.[1] ?? '';
}

function regionOfProposal(proposalId: string): string | undefined {
  return /^(62\.\d{2})-/.exec(proposalId)?.[1];
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round(bytes / 102.4) / 10)} KB`;
  return `${formatNumber(Math.round(bytes / 104_857.6) / 10)} MB`;
}
