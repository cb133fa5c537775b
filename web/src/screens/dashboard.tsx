import { useState } from 'preact/hooks';
import type { ResponseBody } from '#shared/contract/api.ts';
import { DASHBOARD_COLUMN_LABELS, type DashboardLevel } from '#shared/domain/family/dashboard.ts';
import { regionLabel, tahapName } from '../family-words.ts';
import { formatDateTime, formatNumber } from '../format.ts';
import { PageTitle } from '../page.tsx';
import { pathTo, useQuery } from '../router.ts';
import { useSignedIn } from '../session.tsx';
import { failureMessage, ScrollTable, Show, useApi } from '../ui.tsx';
import { BarChart } from './bar-chart.tsx';
import { usePlaceNames } from './tahap.tsx';

type View = ResponseBody<'GetDashboard', 200>;
type Counter = keyof View['totals'];
const COUNTERS = Object.keys(DASHBOARD_COLUMN_LABELS) as Counter[];

const LEVEL_WORDS: Readonly<Record<DashboardLevel, string>> = {
  kabupaten: 'Kabupaten/kota',
  kecamatan: 'Kecamatan',
  desa: 'Desa/kelurahan',
};

const CARD_WORDS = {
  comparison: 'kartu dibagikan dibanding KPM ditetapkan',
  expected: 'KPM ditetapkan',
  paid: 'Kartu dibagikan',
  format: formatNumber,
} as const;

/**
 * `/tahapan/{id}/dasbor?kabupaten=&kecamatan=`: the tahap's dashboard (`GET /tahap/{id}/dashboard`),
 * drilled down kabupaten → kecamatan → desa: per row the families decreed, cards handed out, accounts
 * opened, cash paid and failed, food delivered, complaints open and overdue, with the totals; a bar
 * chart of cards handed out against families decreed; the same table as CSV or Excel. A kabupaten's
 * staff open on their own kabupaten (the API answers nothing else). Loaded on demand.
 */
export function TahapDashboardPage({ tahapId }: { tahapId: string }) {
  const { scope } = useSignedIn();
  const query = useQuery();
  const own = scope !== undefined && scope.regions !== 'all' ? scope.regions[0] : undefined;
  const asked = query.get('kabupaten') ?? '';
  const region = own ?? (/^62\.\d{2}$/.test(asked) ? asked : undefined);
  const wanted = query.get('kecamatan') ?? '';
  const kecamatan = region !== undefined && wanted.startsWith(`${region}.`) ? wanted : undefined;
  const level: DashboardLevel =
    region === undefined ? 'kabupaten' : kecamatan === undefined ? 'kecamatan' : 'desa';
  const apiQuery = { ...(region ? { region } : {}), level };
  const { state } = useApi('GetDashboard', { params: { tahapId }, query: apiQuery });
  const title = `Dasbor penyaluran ${tahapName(tahapId)}`;
  return (
    <section class="card wide" aria-labelledby="judul-dasbor">
      <PageTitle title={title}>
        <span id="judul-dasbor">{title}</span>
      </PageTitle>
      <nav aria-label="Letak di dasbor">
        <p>
          <a href={pathTo.tahap(tahapId)}>Kembali ke halaman tahap</a>
          {own === undefined && region !== undefined ? (
            <>
              {' · '}
              <a href={pathTo.tahapDashboard(tahapId)}>Seluruh provinsi</a>
            </>
          ) : null}
          {region !== undefined && kecamatan !== undefined ? (
            <>
              {' · '}
              <a href={pathTo.tahapDashboard(tahapId, { kabupaten: region })}>{regionLabel(region)}</a>
            </>
          ) : null}
        </p>
      </nav>
      <Show state={state} label="Memuat dasbor…">
        {(view) => <DashboardTable tahapId={tahapId} view={view} kecamatan={kecamatan} />}
      </Show>
    </section>
  );
}

function DashboardTable({
  tahapId,
  view,
  kecamatan,
}: {
  tahapId: string;
  view: View;
  kecamatan: string | undefined;
}) {
  // A kecamatan's desa: the kabupaten's desa row, narrowed here (one Query either way).
  const rows =
    kecamatan === undefined ? view.rows : view.rows.filter((row) => row.code.startsWith(`${kecamatan}.`));
  const totals =
    kecamatan === undefined
      ? view.totals
      : (Object.fromEntries(
          COUNTERS.map((counter) => [counter, rows.reduce((sum, row) => sum + row.counts[counter], 0)]),
        ) as View['totals']);
  const drill = (code: string) =>
    view.level === 'kabupaten'
      ? pathTo.tahapDashboard(tahapId, { kabupaten: code })
      : view.level === 'kecamatan'
        ? pathTo.tahapDashboard(tahapId, { kabupaten: view.region, kecamatan: code })
        : undefined;
  const place = kecamatan ?? view.region;
  const names = usePlaceNames();
  return (
    <>
      <p class="lead" data-testid="dasbor-wilayah">
        {place === undefined
          ? 'Provinsi Kalimantan Tengah'
          : kecamatan !== undefined
            ? `Kecamatan ${names.kecamatan(kecamatan)}, ${regionLabel(view.region ?? '')}`
            : regionLabel(place)}{' '}
        — per {LEVEL_WORDS[view.level].toLowerCase()}
      </p>
      <p class="muted">
        Angka per {formatDateTime(view.asOf)}. Kartu, rekening, tunai dan pangan dihitung saat datanya
        tercatat; pengaduan lewat waktu adalah yang belum dijawab melewati batas waktunya.
      </p>
      {rows.length === 0 ? (
        <p class="empty" data-testid="dasbor-kosong">
          Belum ada angka: penyaluran dihitung setelah SK Gubernur penetapan KPM terbit.
        </p>
      ) : (
        <>
          <ScrollTable label={`Dasbor per ${LEVEL_WORDS[view.level].toLowerCase()}`}>
            <table class="table" data-testid="tabel-dasbor">
              <thead>
                <tr>
                  <th scope="col">{LEVEL_WORDS[view.level]}</th>
                  {COUNTERS.map((counter) => (
                    <th key={counter} scope="col" class="num">
                      {DASHBOARD_COLUMN_LABELS[counter]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => {
                  const link = drill(row.code);
                  return (
                    <tr key={row.code} data-code={row.code}>
                      <th scope="row">{link === undefined ? row.name : <a href={link}>{row.name}</a>}</th>
                      {COUNTERS.map((counter) => (
                        <td key={counter} class="num" data-counter={counter}>
                          {formatNumber(row.counts[counter])}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
              <tfoot>
                <tr data-testid="dasbor-jumlah">
                  <th scope="row">Jumlah</th>
                  {COUNTERS.map((counter) => (
                    <td key={counter} class="num" data-counter={counter}>
                      {formatNumber(totals[counter])}
                    </td>
                  ))}
                </tr>
              </tfoot>
            </table>
          </ScrollTable>
          <BarChart
            title={`Kartu dibagikan per ${LEVEL_WORDS[view.level].toLowerCase()}`}
            testId="grafik-dasbor"
            words={CARD_WORDS}
            bars={rows.map((row) => ({
              key: row.code,
              label: row.name,
              expected: row.counts.decreed,
              paid: row.counts.cardsDistributed,
            }))}
          />
        </>
      )}
      <ExportButtons tahapId={tahapId} region={view.region} level={view.level} />
    </>
  );
}

type ExportState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'busy'; readonly format: 'csv' | 'xlsx' }
  | { readonly kind: 'ready'; readonly filename: string; readonly url: string }
  | { readonly kind: 'failed'; readonly message: string };

/** The same table as a file, made on request and downloaded through its short-lived link. */
function ExportButtons({
  tahapId,
  region,
  level,
}: {
  tahapId: string;
  region: string | undefined;
  level: DashboardLevel;
}) {
  const { call } = useSignedIn();
  const [state, setState] = useState<ExportState>({ kind: 'idle' });
  const fetchFile = async (format: 'csv' | 'xlsx') => {
    setState({ kind: 'busy', format });
    try {
      const answer = await call('ExportDashboard', {
        params: { tahapId },
        query: { ...(region ? { region } : {}), level, format },
      });
      if (!answer.ok) {
        setState({ kind: 'failed', message: failureMessage(answer) });
        return;
      }
      setState({ kind: 'ready', filename: answer.body.filename, url: answer.body.url });
      const anchor = document.createElement('a');
      anchor.href = answer.body.url;
      anchor.rel = 'noopener';
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
    } catch {
      setState({
        kind: 'failed',
        message: 'Server tidak dapat dihubungi. Periksa koneksi internet lalu coba lagi.',
      });
    }
  };
  return (
    <div class="actions" data-testid="ekspor-dasbor">
      <button
        type="button"
        class="button"
        disabled={state.kind === 'busy'}
        onClick={() => void fetchFile('xlsx')}
      >
        {state.kind === 'busy' && state.format === 'xlsx' ? 'Menyiapkan berkas…' : 'Unduh Excel'}
      </button>{' '}
      <button
        type="button"
        class="button secondary"
        disabled={state.kind === 'busy'}
        onClick={() => void fetchFile('csv')}
      >
        {state.kind === 'busy' && state.format === 'csv' ? 'Menyiapkan berkas…' : 'Unduh CSV'}
      </button>
      {state.kind === 'ready' ? (
        <p class="notice notice-good" role="status" data-testid="ekspor-siap">
          Berkas {state.filename} siap. <a href={state.url}>Unduh lagi</a>
        </p>
      ) : null}
      {state.kind === 'failed' ? (
        <p class="notice notice-bad" role="alert">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}
