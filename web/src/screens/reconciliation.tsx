import { useEffect } from 'preact/hooks';
import type { ReconciliationDetail, ReconciliationSummary } from '#shared/contract/responses.ts';
import { periodLabel } from '#shared/domain/period.ts';
import { FINDING_KINDS, FINDING_LABEL } from '#shared/domain/reconciliation.ts';
import { REGIONS } from '#shared/domain/regions.ts';
import { formatDateTime, formatNumber, formatRupiah } from '../format.ts';
import { PageTitle } from '../page.tsx';
import { navigate, pathTo } from '../router.ts';
import { useSignedIn } from '../session.tsx';
import { ActionOutcome, ScrollTable, Show, useAction, useApi } from '../ui.tsx';
import { type Bar, BarChart } from './bar-chart.tsx';
import './reconciliation.css';

/**
 * Reconciliation: what the decrees in force say should be paid against what Bank Kalteng reports
 * as paid. `/rekonsiliasi`: the runs, newest first, and (for who may) a button that starts one now;
 * `/rekonsiliasi/{runId}`: one run, followed until it finishes, with its findings per kind and per
 * decree, paid against expected as a chart, and its report to download.
 */

type RunStatus = ReconciliationSummary['status'];

const RUN_STATUS_LABEL: Readonly<Record<RunStatus, string>> = {
  QUEUED: 'menunggu antrean',
  RUNNING: 'sedang berjalan',
  COMPLETED: 'selesai',
  FAILED: 'gagal',
};

const TRIGGER_LABEL: Readonly<Record<ReconciliationSummary['trigger'], string>> = {
  schedule: 'Terjadwal (harian)',
  api: 'Dimulai manual',
};

const finished = (status: RunStatus) => status === 'COMPLETED' || status === 'FAILED';

/** How often an unfinished run is asked again. */
const POLL_MS = 1000;

export function ReconciliationsPage() {
  const { scope } = useSignedIn();
  const { state, reload } = useApi('ListReconciliations', { query: { limit: '50' } });
  const start = useAction('StartReconciliation');
  const mayStart = scope?.capabilities.has('reconciliations:start') === true;

  return (
    <section class="card wide" aria-labelledby="judul-rekonsiliasi">
      <PageTitle title="Rekonsiliasi">
        <span id="judul-rekonsiliasi">Rekonsiliasi penyaluran</span>
      </PageTitle>
      <p>
        Setiap rekonsiliasi mencocokkan SK Gubernur yang berlaku dengan laporan penyaluran Bank Kalteng.
        Rekonsiliasi berjalan otomatis setiap hari.
      </p>
      {mayStart ? (
        <div class="actions">
          <button
            type="button"
            class="button"
            disabled={start.busy}
            onClick={async () => {
              const result = await start.run({});
              if (result?.kind === 'done') navigate(pathTo.reconciliation(result.answer.body.runId));
            }}
          >
            {start.busy ? 'Memulai…' : 'Mulai rekonsiliasi sekarang'}
          </button>
          <button type="button" class="button button-secondary" onClick={reload}>
            Muat ulang daftar
          </button>
        </div>
      ) : null}
      <ActionOutcome<'StartReconciliation'> result={start.last} />
      <Show state={state} label="Memuat rekonsiliasi…">
        {(body) => <RunTable items={body.items} />}
      </Show>
    </section>
  );
}

function RunTable({ items }: { items: readonly ReconciliationSummary[] }) {
  if (items.length === 0) {
    return (
      <p class="empty" data-testid="kosong">
        Belum ada rekonsiliasi.
      </p>
    );
  }
  return (
    <ScrollTable label="Daftar rekonsiliasi">
      <table class="table" data-testid="daftar-rekonsiliasi">
        <caption class="sr-only">Rekonsiliasi, yang terbaru lebih dulu</caption>
        <thead>
          <tr>
            <th scope="col">Rekonsiliasi</th>
            <th scope="col">Pemicu</th>
            <th scope="col">Status</th>
            <th scope="col">Waktu (WIB)</th>
            <th scope="col" class="num">
              Lama
            </th>
            <th scope="col">Masukan</th>
            <th scope="col" class="num">
              Temuan
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((run) => (
            <tr key={run.runId} data-run={run.runId}>
              <td>
                <a href={pathTo.reconciliation(run.runId)}>{run.runId}</a>
              </td>
              <td>
                {TRIGGER_LABEL[run.trigger]}
                {run.requestedBy ? <span class="muted-line">oleh {run.requestedBy}</span> : null}
              </td>
              <td>
                <RunStatusBadge status={run.status} />
              </td>
              <td>
                <dl class="run-times">
                  <dt>Diminta</dt>
                  <dd>{shortDateTime(run.requestedAt)}</dd>
                  {run.startedAt ? (
                    <>
                      <dt>Mulai</dt>
                      <dd>{shortDateTime(run.startedAt)}</dd>
                    </>
                  ) : null}
                  {run.finishedAt ? (
                    <>
                      <dt>Selesai</dt>
                      <dd>{shortDateTime(run.finishedAt)}</dd>
                    </>
                  ) : null}
                </dl>
              </td>
              <td class="num">{duration(run.durationMs)}</td>
              <td>
                {run.inputs
                  ? `${formatNumber(run.inputs.decrees)} SK · ${formatNumber(run.inputs.expected)} penerima · ${formatNumber(run.inputs.paymentLines)} baris bank`
                  : '—'}
              </td>
              <td class="num">{run.counts ? formatNumber(totalFindings(run.counts)) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

function RunStatusBadge({ status }: { status: RunStatus }) {
  const tone = status === 'COMPLETED' ? 'good' : status === 'FAILED' ? 'bad' : 'neutral';
  return (
    <span class={`badge badge-${tone}`} data-status={status}>
      {RUN_STATUS_LABEL[status]}
    </span>
  );
}

export function ReconciliationPage({ runId }: { runId: string }) {
  const { state, reload } = useApi('GetReconciliation', { params: { runId } });
  const status = state.kind === 'ok' ? state.body.status : undefined;
  // A run that has not finished is asked again until it has (the answer stays on screen meanwhile).
  useEffect(() => {
    if (status === undefined || finished(status)) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [status, state, reload]);

  return (
    <section class="card wide" aria-labelledby="judul-run">
      <PageTitle title={`Rekonsiliasi ${runId}`}>
        <span id="judul-run">Rekonsiliasi {runId}</span>
      </PageTitle>
      <p>
        <a href={pathTo.reconciliations()}>Semua rekonsiliasi</a>
      </p>
      <Show state={state} label="Memuat rekonsiliasi…">
        {(run) => <RunDetail run={run} />}
      </Show>
    </section>
  );
}

function RunDetail({ run }: { run: ReconciliationDetail }) {
  const decrees = run.decrees ?? [];
  return (
    <>
      <dl class="facts" data-testid="ringkasan-rekonsiliasi">
        <div>
          <dt>Status</dt>
          <dd aria-live="polite">
            <RunStatusBadge status={run.status} />
            {finished(run.status) ? null : <span class="muted-line">Halaman ini diperbarui otomatis.</span>}
          </dd>
        </div>
        <div>
          <dt>Pemicu</dt>
          <dd>
            {TRIGGER_LABEL[run.trigger]}
            {run.requestedBy ? ` oleh ${run.requestedBy}` : ''}
          </dd>
        </div>
        <div>
          <dt>Diminta</dt>
          <dd>{formatDateTime(run.requestedAt)}</dd>
        </div>
        {run.startedAt ? (
          <div>
            <dt>Mulai</dt>
            <dd>{formatDateTime(run.startedAt)}</dd>
          </div>
        ) : null}
        {run.finishedAt ? (
          <div>
            <dt>Selesai</dt>
            <dd>
              {formatDateTime(run.finishedAt)} ({duration(run.durationMs)})
            </dd>
          </div>
        ) : null}
        {run.inputs ? (
          <div>
            <dt>Masukan</dt>
            <dd data-testid="masukan">
              {formatNumber(run.inputs.decrees)} SK, {formatNumber(run.inputs.expected)} penerima menurut SK,{' '}
              {formatNumber(run.inputs.paymentLines)} baris laporan bank
            </dd>
          </div>
        ) : null}
      </dl>
      {run.status === 'FAILED' ? (
        <div class="notice notice-bad" role="alert">
          <p class="notice-title">Rekonsiliasi gagal</p>
          <p>{run.error ?? 'Sebabnya tidak tercatat.'} Rekonsiliasi dapat dimulai lagi.</p>
        </div>
      ) : null}
      <Downloads run={run} />
      {run.counts ? <FindingCounts counts={run.counts} /> : null}
      {run.disbursed && run.disbursed.length > 0 ? (
        <>
          <h2>Usulan yang dinyatakan telah dicairkan</h2>
          <ul data-testid="dicairkan">
            {run.disbursed.map((proposalId) => (
              <li key={proposalId}>
                <a href={pathTo.proposal(proposalId)}>{proposalId}</a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {decrees.length > 0 ? (
        <>
          <DecreeTable decrees={decrees} />
          <PaidCharts decrees={decrees} />
        </>
      ) : finished(run.status) ? (
        <p class="empty">Tidak ada SK yang berlaku dalam rekonsiliasi ini.</p>
      ) : null}
    </>
  );
}

function Downloads({ run }: { run: ReconciliationDetail }) {
  if (!run.reportUrl && !run.jsonUrl) return null;
  return (
    <div class="actions" data-testid="unduhan">
      {run.reportUrl ? (
        <a class="button" href={run.reportUrl} rel="noopener">
          Unduh laporan (CSV untuk Excel)
        </a>
      ) : null}
      {run.jsonUrl ? (
        <a class="button button-secondary" href={run.jsonUrl} rel="noopener">
          Unduh data (JSON)
        </a>
      ) : null}
    </div>
  );
}

function FindingCounts({ counts }: { counts: Readonly<Record<string, number>> }) {
  return (
    <>
      <h2>Temuan per jenis</h2>
      <ScrollTable label="Temuan per jenis">
        <table class="table" data-testid="temuan-per-jenis">
          <caption class="sr-only">Jumlah temuan per jenis</caption>
          <thead>
            <tr>
              <th scope="col">Jenis temuan</th>
              <th scope="col" class="num">
                Jumlah
              </th>
            </tr>
          </thead>
          <tbody>
            {FINDING_KINDS.map((kind) => {
              const count = counts[kind] ?? 0;
              return (
                <tr key={kind} data-kind={kind} class={count > 0 ? 'finding-some' : undefined}>
                  <th scope="row">{FINDING_LABEL[kind]}</th>
                  <td class="num">{formatNumber(count)}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Jumlah temuan</th>
              <td class="num" data-testid="jumlah-temuan">
                {formatNumber(totalFindings(counts))}
              </td>
            </tr>
          </tfoot>
        </table>
      </ScrollTable>
    </>
  );
}

type DecreeRow = NonNullable<ReconciliationDetail['decrees']>[number];

/** The columns of the per-decree table after the decree itself: header, and the count shown. */
const DECREE_COLUMNS: readonly (readonly [string, (decree: DecreeRow) => string])[] = [
  ['Penerima', (decree) => formatNumber(decree.recipients)],
  ['Seharusnya dibayar', (decree) => formatRupiah(decree.expectedAmount)],
  ['Dibayar (orang)', (decree) => formatNumber(decree.paid)],
  ['Jumlah dibayar', (decree) => formatRupiah(decree.paidAmount)],
  ['Belum dibayar', (decree) => formatNumber(decree.notPaid)],
  ['Gagal', (decree) => formatNumber(decree.failed)],
  ['Jumlah berbeda', (decree) => formatNumber(decree.amountDiffers)],
  ['Dibayar lebih dari sekali', (decree) => formatNumber(decree.paidTwice)],
  ['Dibayar susulan', (decree) => formatNumber(decree.toppedUp)],
  ['Retur', (decree) => formatNumber(decree.returned)],
];

function DecreeTable({ decrees }: { decrees: readonly DecreeRow[] }) {
  return (
    <>
      <h2>Hasil per SK</h2>
      <ScrollTable label="Hasil per SK">
        <table class="table" data-testid="hasil-per-sk">
          <caption class="sr-only">Hasil rekonsiliasi per SK Gubernur</caption>
          <thead>
            <tr>
              <th scope="col">SK</th>
              <th scope="col">Kabupaten/kota</th>
              <th scope="col">Periode</th>
              {DECREE_COLUMNS.map(([header]) => (
                <th key={header} scope="col" class="num">
                  {header}
                </th>
              ))}
              <th scope="col">Lunas</th>
            </tr>
          </thead>
          <tbody>
            {decrees.map((decree) => (
              <tr key={decree.decreeId} data-decree={decree.decreeId}>
                <th scope="row">
                  <a href={pathTo.decree(decree.decreeId)}>{decree.number}</a>
                </th>
                <td>{regionName(decree.region)}</td>
                <td>{periodLabel(decree.period) ?? decree.period}</td>
                {DECREE_COLUMNS.map(([header, value]) => (
                  <td key={header} class="num">
                    {value(decree)}
                  </td>
                ))}
                <td>
                  <span class={`badge badge-${decree.fullyPaid ? 'good' : 'bad'}`}>
                    {decree.fullyPaid ? 'lunas' : 'belum lunas'}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>
    </>
  );
}

/** Paid against expected, per decree and per region (the decrees of a region added up). */
function PaidCharts({ decrees }: { decrees: readonly DecreeRow[] }) {
  const perDecree: Bar[] = decrees.map((decree) => ({
    key: decree.decreeId,
    label: `${decree.number} · ${regionName(decree.region)}`,
    expected: decree.expectedAmount,
    paid: decree.paidAmount,
  }));
  const byRegion = new Map<string, Bar>();
  for (const decree of decrees) {
    const sum = byRegion.get(decree.region);
    byRegion.set(decree.region, {
      key: decree.region,
      label: regionName(decree.region),
      expected: (sum?.expected ?? 0) + decree.expectedAmount,
      paid: (sum?.paid ?? 0) + decree.paidAmount,
    });
  }
  return (
    <>
      <h2>Dibayar dibanding seharusnya</h2>
      <div class="chart-legend" aria-hidden="true">
        <span class="chart-key chart-key-expected" /> Seharusnya dibayar menurut SK
        <span class="chart-key chart-key-paid" /> Dibayar menurut laporan bank
      </div>
      <BarChart title="Per SK" testId="grafik-per-sk" bars={perDecree} />
      <BarChart
        title="Per kabupaten/kota"
        testId="grafik-per-wilayah"
        bars={[...byRegion.values()].sort((a, b) => a.label.localeCompare(b.label, 'id'))}
      />
    </>
  );
}

/** A compact date and time in WIB for a table cell (`6 Des 2026 16.30`): the column says WIB. */
const shortFormat = new Intl.DateTimeFormat('id-ID', {
  timeZone: 'Asia/Jakarta',
  dateStyle: 'medium',
  timeStyle: 'short',
});
const shortDateTime = (value: string) => shortFormat.format(new Date(value)).replace(',', '');

function regionName(code: string): string {
  return REGIONS.find((region) => region.code === code)?.name ?? code;
}

function totalFindings(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

function duration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toLocaleString('id-ID', { maximumFractionDigits: 1 })} dtk`;
  return `${Math.floor(seconds / 60)} mnt ${Math.round(seconds % 60)} dtk`;
}
