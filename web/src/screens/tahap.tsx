import { useEffect, useState } from 'preact/hooks';
import type { TahapView } from '#shared/contract/responses.ts';
import WILAYAH_URL from '#shared/data/wilayah-62.json?url';
import type { RunStatus } from '#shared/domain/family/eligibility-summary.ts';
import { COMPONENT_LABEL, COMPONENTS, TAHAP_STATUS_LABEL } from '#shared/domain/family/tahap.ts';
import { REGIONS } from '#shared/domain/regions.ts';
import {
  addCounts,
  kpmCountsWords,
  type PlaceCounts,
  reasonLabel,
  reasonsIn,
  reasonWords,
  regionLabel,
  tahapName,
} from '../family-words.ts';
import { formatDate, formatDateTime, formatNumber, formatRupiah } from '../format.ts';
import { FormProblem, PageTitle, Problem } from '../page.tsx';
import { navigate, pathTo, useQuery } from '../router.ts';
import { useSignedIn } from '../session.tsx';
import {
  ActionOutcome,
  Confirm,
  Fact,
  Pager,
  ScrollTable,
  Show,
  StatusBadge,
  useAction,
  useApi,
  useCursorPages,
} from '../ui.tsx';
import { BarChart } from './bar-chart.tsx';
import { DistributionSection } from './distribution.tsx';
import './families.css';

/**
 * `/tahapan`: every tahap (and, for an admin, a new one over each kabupaten's READY snapshot);
 * `/tahapan/{id}`: one tahap, its eligibility run (an admin starts it; the page follows it), and the
 * run's counts from the province down to a desa, where each family's verdict is given in words.
 * Not `/tahap`: that path is the API's.
 */

const RUN_WORDS: Readonly<Record<RunStatus, string>> = {
  QUEUED: 'Menunggu giliran',
  RUNNING: 'Sedang berjalan',
  COMPLETED: 'Selesai',
  FAILED: 'Gagal',
};

function RunBadge({ status }: { status: RunStatus | undefined }) {
  if (status === undefined) return <span class="badge badge-neutral">belum dijalankan</span>;
  const tone = status === 'COMPLETED' ? 'good' : status === 'FAILED' ? 'bad' : 'neutral';
  return (
    <span class={`badge badge-${tone}`} data-status={status} data-testid="status-kelayakan">
      {RUN_WORDS[status]}
    </span>
  );
}

function componentsWords(components: TahapView['components']): string {
  return COMPONENTS.flatMap((component) => {
    const amount = components[component];
    return amount === undefined
      ? []
      : [`${component === 'TUNAI' ? 'Tunai' : 'Pangan'} ${formatRupiah(amount)}`];
  }).join(' + ');
}

// ─── /tahapan ──────────────────────────────────────────────────────────────────────────────────

export function TahapListPage() {
  const { scope } = useSignedIn();
  const { state, reload } = useApi('ListTahap', {});
  const mayManage = scope?.capabilities.has('tahap:manage') ?? false;
  const [creating, setCreating] = useState(false);
  return (
    <section class="card wide" aria-labelledby="judul-tahap">
      <PageTitle title="Tahap">
        <span id="judul-tahap">Tahap penyaluran</span>
      </PageTitle>
      <Show state={state} label="Memuat tahap…">
        {(body) =>
          body.items.length === 0 ? (
            <p class="empty">Belum ada tahap.</p>
          ) : (
            <ScrollTable label="Daftar tahap">
              <table class="table" data-testid="daftar-tahap">
                <caption class="sr-only">Daftar tahap</caption>
                <thead>
                  <tr>
                    <th scope="col">Tahap</th>
                    <th scope="col">Status</th>
                    <th scope="col">Bantuan per keluarga</th>
                    <th scope="col">Desil</th>
                    <th scope="col" class="num">
                      Kabupaten/kota
                    </th>
                    <th scope="col">Pemeriksaan kelayakan</th>
                  </tr>
                </thead>
                <tbody>
                  {body.items.map((tahap) => (
                    <tr key={tahap.tahapId} data-tahap={tahap.tahapId}>
                      <td>
                        <a href={pathTo.tahap(tahap.tahapId)}>{tahap.label}</a>
                      </td>
                      <td>{TAHAP_STATUS_LABEL[tahap.status]}</td>
                      <td>{componentsWords(tahap.components)}</td>
                      <td>
                        {tahap.desil.min}–{tahap.desil.max}
                      </td>
                      <td class="num">{formatNumber(Object.keys(tahap.snapshots).length)}</td>
                      <td>
                        <RunBadge status={tahap.eligibility?.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollTable>
          )
        }
      </Show>
      {mayManage ? (
        creating ? (
          <CreateTahapForm onCancel={() => setCreating(false)} onCreated={reload} />
        ) : (
          <div class="actions">
            <button type="button" class="button" onClick={() => setCreating(true)}>
              Buat tahap
            </button>
          </div>
        )
      ) : null}
    </section>
  );
}

const yearInWib = (): number =>
  Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Jakarta', year: 'numeric' }).format(new Date()));

function CreateTahapForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: () => void }) {
  const [year, setYear] = useState(String(Math.max(2026, yearInWib())));
  const [number, setNumber] = useState('1');
  const [tunai, setTunai] = useState('250000');
  const [pangan, setPangan] = useState('150000');
  const [desilMin, setDesilMin] = useState('1');
  const [desilMax, setDesilMax] = useState('5');
  const [snapshots, setSnapshots] = useState<Readonly<Record<string, string>>>({});
  const [quotas, setQuotas] = useState<Readonly<Record<string, string>>>({});
  const [problem, setProblem] = useState<string | undefined>();
  const create = useAction('CreateTahap');

  const send = async (event: Event) => {
    event.preventDefault();
    setProblem(undefined);
    const components: { TUNAI?: number; PANGAN?: number } = {};
    if (tunai.trim() !== '') components.TUNAI = Number(tunai.replace(/\D/g, ''));
    if (pangan.trim() !== '') components.PANGAN = Number(pangan.replace(/\D/g, ''));
    const chosen = Object.fromEntries(Object.entries(snapshots).filter(([, version]) => version !== ''));
    if (Object.keys(chosen).length === 0) {
      setProblem('Pilih snapshot DTSEN minimal satu kabupaten/kota.');
      return;
    }
    const quotaEntries = Object.entries(quotas)
      .filter(([region, value]) => value.trim() !== '' && region in chosen)
      .map(([region, value]) => [region, Number(value.replace(/\D/g, ''))] as const);
    const result = await create.run({
      body: {
        year: Number(year),
        number: Number(number),
        components,
        desil: { min: Number(desilMin), max: Number(desilMax) },
        snapshots: chosen,
        ...(quotaEntries.length > 0 ? { quotas: Object.fromEntries(quotaEntries) } : {}),
      },
    });
    if (result?.kind === 'done') {
      onCreated();
      navigate(pathTo.tahap(result.answer.body.tahapId));
    }
  };

  return (
    <>
      <h2 id="judul-buat-tahap">Buat tahap</h2>
      <form class="family-form" aria-labelledby="judul-buat-tahap" onSubmit={send}>
        <div class="upload-fields">
          <label class="field">
            Tahun
            <input
              type="number"
              name="tahun"
              min={2026}
              max={2100}
              value={year}
              required
              onInput={(event) => setYear(event.currentTarget.value)}
            />
          </label>
          <label class="field">
            Nomor tahap
            <input
              type="number"
              name="nomor"
              min={1}
              max={12}
              value={number}
              required
              onInput={(event) => setNumber(event.currentTarget.value)}
            />
          </label>
          <label class="field">
            {COMPONENT_LABEL.TUNAI} (Rp)
            <input
              inputMode="numeric"
              name="tunai"
              value={tunai}
              aria-describedby="komponen-bantuan"
              onInput={(event) => setTunai(event.currentTarget.value)}
            />
          </label>
          <label class="field">
            {COMPONENT_LABEL.PANGAN} (Rp)
            <input
              inputMode="numeric"
              name="pangan"
              value={pangan}
              aria-describedby="komponen-bantuan"
              onInput={(event) => setPangan(event.currentTarget.value)}
            />
          </label>
          <label class="field">
            Desil terendah
            <input
              type="number"
              name="desil-min"
              min={1}
              max={10}
              value={desilMin}
              required
              onInput={(event) => setDesilMin(event.currentTarget.value)}
            />
          </label>
          <label class="field">
            Desil tertinggi
            <input
              type="number"
              name="desil-max"
              min={1}
              max={10}
              value={desilMax}
              required
              onInput={(event) => setDesilMax(event.currentTarget.value)}
            />
          </label>
        </div>
        <p id="komponen-bantuan" class="hint">
          Rupiah per keluarga per tahap; kosongkan komponen yang tidak disalurkan pada tahap ini.
        </p>
        <ScrollTable label="Snapshot dan kuota per kabupaten/kota">
          <table class="table" data-testid="pilih-snapshot">
            <caption>Snapshot DTSEN dan kuota per kabupaten/kota</caption>
            <thead>
              <tr>
                <th scope="col">Kabupaten/kota</th>
                <th scope="col">Snapshot (hanya yang siap)</th>
                <th scope="col">Kuota keluarga (opsional)</th>
              </tr>
            </thead>
            <tbody>
              {REGIONS.map((region) => (
                <tr key={region.code} data-region={region.code}>
                  <th scope="row" id={`kab-${region.code}`}>
                    {region.name}
                  </th>
                  <td>
                    <SnapshotChoice
                      region={region.code}
                      value={snapshots[region.code] ?? ''}
                      onChange={(version) => setSnapshots((all) => ({ ...all, [region.code]: version }))}
                    />
                  </td>
                  <td>
                    <input
                      inputMode="numeric"
                      name={`kuota-${region.code}`}
                      aria-label={`Kuota ${region.name}`}
                      value={quotas[region.code] ?? ''}
                      size={8}
                      disabled={(snapshots[region.code] ?? '') === ''}
                      onInput={(event) => {
                        const value = event.currentTarget.value;
                        setQuotas((all) => ({ ...all, [region.code]: value }));
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
        <FormProblem title="Belum dapat dibuat" problem={problem} />
        <ActionOutcome<'CreateTahap'> result={create.last} />
        <div class="actions">
          <button type="submit" class="button" disabled={create.busy}>
            {create.busy ? 'Membuat…' : 'Buat tahap'}
          </button>
          <button type="button" class="button button-secondary" onClick={onCancel}>
            Batal
          </button>
        </div>
      </form>
    </>
  );
}

/** A kabupaten's READY snapshots to choose from (`GET /snapshots?region=`). */
function SnapshotChoice(props: { region: string; value: string; onChange: (version: string) => void }) {
  const { state } = useApi('ListSnapshots', { query: { region: props.region } });
  const ready = state.kind === 'ok' ? state.body.items.filter((item) => item.status === 'READY') : [];
  const name = regionLabel(props.region);
  return (
    <select
      name={`snapshot-${props.region}`}
      aria-label={`Snapshot ${name}`}
      value={props.value}
      disabled={state.kind !== 'ok' || ready.length === 0}
      onChange={(event) => props.onChange(event.currentTarget.value)}
    >
      <option value="">
        {state.kind === 'loading'
          ? 'Memuat…'
          : state.kind !== 'ok'
            ? 'Tidak dapat dimuat'
            : ready.length === 0
              ? 'Belum ada snapshot siap'
              : 'Tidak ikut'}
      </option>
      {ready.map((item) => (
        <option key={item.versionDate} value={item.versionDate}>
          Versi {formatDate(item.versionDate)} ({formatNumber(item.check?.families ?? 0)} keluarga)
        </option>
      ))}
    </select>
  );
}

// ─── /tahapan/{id} ─────────────────────────────────────────────────────────────────────────────

const RUNNING: ReadonlySet<RunStatus> = new Set(['QUEUED', 'RUNNING']);

export function TahapPage({ tahapId }: { tahapId: string }) {
  const { scope } = useSignedIn();
  const { state, reload } = useApi('GetTahap', { params: { tahapId } });
  const run = state.kind === 'ok' ? state.body.eligibility : undefined;
  const running = run !== undefined && RUNNING.has(run.status);
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(reload, 1_500);
    return () => clearTimeout(timer);
  }, [running, state, reload]);
  const mayManage = scope?.capabilities.has('tahap:manage') ?? false;
  const mayVerval = scope?.capabilities.has('verval:manage') ?? false;
  const mayReadDistribution = scope?.capabilities.has('distribution:read') ?? false;
  const title = state.kind === 'ok' ? state.body.label : tahapName(tahapId);
  return (
    <section class="card wide" aria-labelledby="judul-satu-tahap">
      <PageTitle title={title}>
        <span id="judul-satu-tahap">{title}</span>
      </PageTitle>
      <Show state={state} label="Memuat tahap…">
        {(tahap) => (
          <>
            <TahapFacts tahap={tahap} />
            <Eligibility tahap={tahap} mayManage={mayManage} onRequested={reload} />
            {mayVerval && tahap.eligibility?.status === 'COMPLETED' ? (
              <p>
                <a class="button" href={pathTo.tahapVerval(tahap.tahapId)}>
                  Verval per desa: relawan, lembar, dan hasil
                </a>
              </p>
            ) : null}
            {tahap.eligibility?.status === 'COMPLETED' ? <KpmLists tahap={tahap} /> : null}
            {mayReadDistribution ? <DistributionSection tahapId={tahap.tahapId} /> : null}
            {tahap.eligibility?.status === 'COMPLETED' ? (
              <Summary key={tahap.eligibility.runId} tahap={tahap} />
            ) : null}
          </>
        )}
      </Show>
    </section>
  );
}

function TahapFacts({ tahap }: { tahap: TahapView }) {
  return (
    <dl class="facts">
      <Fact label="Status">{TAHAP_STATUS_LABEL[tahap.status]}</Fact>
      {COMPONENTS.map((component) =>
        tahap.components[component] === undefined ? null : (
          <Fact key={component} label={COMPONENT_LABEL[component]}>
            {formatRupiah(tahap.components[component] ?? 0)} per keluarga
          </Fact>
        ),
      )}
      <Fact label="Rentang desil">
        {tahap.desil.min}–{tahap.desil.max}
      </Fact>
      <Fact label="Snapshot DTSEN">
        <ul class="plain">
          {Object.entries(tahap.snapshots).map(([region, version]) => (
            <li key={region}>
              <a href={pathTo.snapshot(region, version)}>
                {regionLabel(region)}: versi {formatDate(version)}
              </a>
              {tahap.quotas?.[region] !== undefined
                ? ` · kuota ${formatNumber(tahap.quotas[region] ?? 0)} keluarga`
                : ''}
            </li>
          ))}
        </ul>
      </Fact>
      <Fact label="Dibuat">
        {formatDateTime(tahap.createdAt)} oleh {tahap.createdBy.name}
      </Fact>
    </dl>
  );
}

function Eligibility(props: { tahap: TahapView; mayManage: boolean; onRequested: () => void }) {
  const { tahap } = props;
  const run = tahap.eligibility;
  const request = useAction('RequestEligibility');
  const [asking, setAsking] = useState(false);
  const running = run !== undefined && RUNNING.has(run.status);
  return (
    <>
      <h2 id="judul-kelayakan">Pemeriksaan kelayakan</h2>
      <dl class="facts">
        <Fact label="Keadaan">
          <RunBadge status={run?.status} />
        </Fact>
        {run ? <Fact label="Diminta">{formatDateTime(run.requestedAt)}</Fact> : null}
        {run?.finishedAt ? <Fact label="Selesai">{formatDateTime(run.finishedAt)}</Fact> : null}
        {run?.families !== undefined ? (
          <Fact label="Keluarga diperiksa">
            <span data-testid="keluarga-diperiksa">{formatNumber(run.families)}</span>
          </Fact>
        ) : null}
        {run?.eligible !== undefined ? (
          <Fact label="Layak">
            <span data-testid="keluarga-layak">{formatNumber(run.eligible)}</span>
          </Fact>
        ) : null}
        {run?.excluded !== undefined ? (
          <Fact label="Dikecualikan">
            <span data-testid="keluarga-dikecualikan">{formatNumber(run.excluded)}</span>
          </Fact>
        ) : null}
      </dl>
      {running ? (
        <p class="muted" role="status">
          Pemeriksaan sedang berjalan atas seluruh keluarga snapshot tahap ini. Halaman ini diperbarui
          sendiri.
        </p>
      ) : null}
      {run?.status === 'FAILED' ? (
        <Problem title="Pemeriksaan gagal">
          <p>{run.error ?? 'Terjadi kesalahan saat pemeriksaan. Jalankan lagi.'}</p>
        </Problem>
      ) : null}
      {run === undefined && !props.mayManage ? (
        <p class="empty">Pemeriksaan kelayakan belum dijalankan oleh admin provinsi.</p>
      ) : null}
      {props.mayManage ? (
        <>
          {/* "Requested" says nothing more once the run's own state shows it ran. */}
          <ActionOutcome<'RequestEligibility'>
            result={request.last?.kind === 'done' && !running ? undefined : request.last}
            done="Pemeriksaan kelayakan diminta."
          />
          <div class="actions">
            <button
              type="button"
              class="button"
              disabled={running || request.busy}
              onClick={() => setAsking(true)}
            >
              {run === undefined ? 'Jalankan pemeriksaan kelayakan' : 'Jalankan pemeriksaan kelayakan lagi'}
            </button>
          </div>
          <Confirm
            open={asking}
            title="Jalankan pemeriksaan kelayakan?"
            confirmLabel="Jalankan"
            busy={request.busy}
            onCancel={() => setAsking(false)}
            onConfirm={async () => {
              const result = await request.run({ params: { tahapId: tahap.tahapId }, body: {} });
              setAsking(false);
              if (result?.kind === 'done') props.onRequested();
            }}
          >
            <p>
              Setiap keluarga dalam snapshot {Object.keys(tahap.snapshots).length} kabupaten/kota diperiksa
              terhadap rentang desil {tahap.desil.min}–{tahap.desil.max} dan daftar pengecualian yang berlaku
              sekarang. Hasil pemeriksaan sebelumnya diganti oleh hasil yang baru.
            </p>
          </Confirm>
        </>
      ) : null}
    </>
  );
}

// ─── Daftar KPM: each kabupaten's list, composed from the run and the verval ─────────────────

const KPM_WORDS: Readonly<Record<'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED', string>> = {
  QUEUED: 'Menunggu giliran',
  RUNNING: 'Sedang disusun',
  COMPLETED: 'Selesai disusun',
  FAILED: 'Gagal',
};

/**
 * The KPM lists of the tahap: an operator's own kabupaten, every kabupaten of the tahap for the
 * province's roles. Each shows its latest composition in words and the KPM proposal it made.
 */
function KpmLists({ tahap }: { tahap: TahapView }) {
  const { scope } = useSignedIn();
  const inTahap = Object.keys(tahap.snapshots).sort();
  const regions =
    scope === undefined || scope.regions === 'all'
      ? inTahap
      : inTahap.filter((region) => scope.regions.includes(region));
  if (regions.length === 0) return null;
  return (
    <section class="part" aria-labelledby="judul-kpm" data-testid="daftar-kpm-tahap">
      <h2 id="judul-kpm">Daftar KPM</h2>
      <p class="muted">
        Daftar keluarga penerima manfaat (KPM) disusun dari hasil pemeriksaan kelayakan dan verval: keluarga
        terpilih yang dinyatakan layak saat dikunjungi, lalu cadangan untuk tempat yang ditinggalkan. Keluarga
        yang belum dikunjungi tidak masuk daftar.
      </p>
      {regions.map((region) => (
        <KpmRegion key={region} tahapId={tahap.tahapId} region={region} />
      ))}
    </section>
  );
}

function KpmRegion({ tahapId, region }: { tahapId: string; region: string }) {
  const { scope } = useSignedIn();
  const { state, reload } = useApi('GetKpm', { params: { tahapId }, query: { region } });
  const compose = useAction('ComposeKpm');
  const status = state.kind === 'ok' ? state.body.compose?.status : undefined;
  const busy = status === 'QUEUED' || status === 'RUNNING';
  useEffect(() => {
    if (!busy) return;
    const timer = setTimeout(reload, 1_500);
    return () => clearTimeout(timer);
  }, [busy, state, reload]);
  const mayCompose =
    (scope?.capabilities.has('kpm:compose') ?? false) &&
    (scope?.regions === 'all' || (scope?.regions.includes(region) ?? false));
  const headingId = `kpm-${region.replace('.', '-')}`;
  return (
    <article class="kpm-region" aria-labelledby={headingId} data-region={region} data-testid="kpm-kabupaten">
      <h3 id={headingId}>{regionLabel(region)}</h3>
      <Show state={state} label="Memuat daftar KPM…">
        {(body) => {
          const run = body.compose;
          const proposal = body.proposal;
          return (
            <>
              {run === undefined ? (
                <p class="empty">Daftar KPM kabupaten/kota ini belum disusun.</p>
              ) : (
                <dl class="facts">
                  <Fact label="Keadaan">
                    <span
                      class={`badge badge-${run.status === 'COMPLETED' ? 'good' : run.status === 'FAILED' ? 'bad' : 'neutral'}`}
                      data-status={run.status}
                      data-testid="status-kpm"
                    >
                      {KPM_WORDS[run.status]}
                    </span>
                  </Fact>
                  <Fact label="Diminta">
                    {formatDateTime(run.requestedAt)} oleh {run.requestedBy.name}
                  </Fact>
                  {run.finishedAt ? <Fact label="Selesai">{formatDateTime(run.finishedAt)}</Fact> : null}
                  {run.counts
                    ? kpmCountsWords(run.counts).map((line) => (
                        <Fact key={line.key} label={line.label}>
                          <span data-testid={`kpm-${line.key}`}>{line.value}</span>
                        </Fact>
                      ))
                    : null}
                </dl>
              )}
              {busy ? (
                <p class="muted" role="status">
                  Daftar sedang disusun. Bagian ini diperbarui sendiri.
                </p>
              ) : null}
              {run?.status === 'FAILED' ? (
                <Problem title="Penyusunan gagal">
                  <p>{run.error ?? 'Terjadi kesalahan saat menyusun daftar. Susun lagi.'}</p>
                </Problem>
              ) : null}
              {proposal ? (
                <p>
                  <a href={pathTo.proposal(proposal.proposalId)} data-testid="tautan-usulan-kpm">
                    Buka usulan {proposal.proposalId}
                  </a>{' '}
                  <StatusBadge status={proposal.status} />{' '}
                  <span class="muted">{formatNumber(proposal.recipientCount)} keluarga</span>
                </p>
              ) : null}
              {proposal && mayCompose ? (
                <p>
                  <a href={pathTo.tahapDistribution(tahapId, { kabupaten: region })}>
                    Umumkan daftar KPM per desa untuk sanggahan
                  </a>
                </p>
              ) : null}
              {mayCompose ? (
                <>
                  <ActionOutcome<'ComposeKpm'>
                    result={compose.last?.kind === 'done' ? undefined : compose.last}
                  />
                  <div class="actions">
                    <button
                      type="button"
                      class="button"
                      disabled={busy || compose.busy}
                      onClick={async () => {
                        const result = await compose.run({ params: { tahapId }, body: { region } });
                        if (result?.kind === 'done') reload();
                      }}
                    >
                      {compose.busy
                        ? 'Meminta…'
                        : run === undefined
                          ? 'Susun daftar KPM'
                          : 'Susun daftar KPM lagi'}
                    </button>
                  </div>
                </>
              ) : null}
            </>
          );
        }}
      </Show>
    </article>
  );
}

// ─── The summary, from the province down to a desa ─────────────────────────────────────────────

export interface PlaceNames {
  kecamatan(code: string): string;
  desa(code: string): string;
  /** The places one level below `parent` (a kabupaten's kecamatan, a kecamatan's desa), by code. */
  within(parent: string): readonly (readonly [code: string, name: string])[];
  /** Whether the names have arrived (until then: codes, and nothing `within`). */
  readonly ready: boolean;
}

const CODES_ONLY: PlaceNames = {
  kecamatan: (code) => code,
  desa: (code) => code,
  within: () => [],
  ready: false,
};

/**
 * Kecamatan and desa names, from the official list (`shared/data/wilayah-62.json`, ~55 KB) fetched
 * on demand as a static file of the build: kept out of the console's JavaScript (a dynamic import
 * would not split it off: `shared/domain/wilayah.ts` imports it statically). Codes until it arrives.
 */
export function usePlaceNames(): PlaceNames {
  const [names, setNames] = useState<PlaceNames>(CODES_ONLY);
  useEffect(() => {
    let live = true;
    fetch(WILAYAH_URL)
      .then((response) => (response.ok ? (response.json() as Promise<[string, string][]>) : []))
      .then(
        (entries) => {
          if (!live || entries.length === 0) return;
          const byCode = new Map<string, string>(entries);
          const name = (code: string) => byCode.get(code) ?? code;
          const within = (parent: string) =>
            entries.filter(
              ([code]) => code.startsWith(`${parent}.`) && !code.slice(parent.length + 1).includes('.'),
            );
          setNames({ kecamatan: name, desa: name, within, ready: true });
        },
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, []);
  return names;
}

const FAMILY_STATUSES = ['EXCLUDED', 'ELIGIBLE'] as const;
type FamilyStatus = (typeof FAMILY_STATUSES)[number];

/**
 * The kabupaten a tahap's screen is about: an operator's own (`own`), or for the province's roles the
 * one asked in `?kabupaten=` when the tahap has it (`region`, none otherwise). The summary and the
 * verval screen both read it so.
 */
export function useTahapRegion(tahap: TahapView): {
  readonly own: string | undefined;
  readonly region: string | undefined;
} {
  const { scope } = useSignedIn();
  const query = useQuery();
  const own = scope !== undefined && scope.regions !== 'all' ? scope.regions[0] : undefined;
  const asked = query.get('kabupaten') ?? '';
  return { own, region: own ?? (asked in tahap.snapshots ? asked : undefined) };
}

function Summary({ tahap }: { tahap: TahapView }) {
  const query = useQuery();
  const names = usePlaceNames();
  const { own, region } = useTahapRegion(tahap);
  const kecamatan =
    region && query.get('kecamatan')?.startsWith(`${region}.`)
      ? (query.get('kecamatan') ?? undefined)
      : undefined;
  const desa =
    kecamatan && query.get('desa')?.startsWith(`${kecamatan}.`)
      ? (query.get('desa') ?? undefined)
      : undefined;
  const statusAsked = query.get('status');
  const status: FamilyStatus | undefined = FAMILY_STATUSES.find((value) => value === statusAsked);
  const { state } = useApi('GetTahapSummary', {
    params: { tahapId: tahap.tahapId },
    query: { ...(region ? { region } : {}), ...(kecamatan ? { kecamatan } : {}) },
  });
  const link = (place: { kabupaten?: string; kecamatan?: string; desa?: string; status?: string }) =>
    pathTo.tahap(tahap.tahapId, place);

  return (
    <>
      <h2 id="judul-ringkasan">Hasil pemeriksaan</h2>
      <nav aria-label="Tingkat wilayah" class="crumbs">
        <ol>
          {own === undefined ? (
            <li>
              <a href={link({})} aria-current={region === undefined ? 'page' : undefined}>
                Seluruh provinsi
              </a>
            </li>
          ) : null}
          {region ? (
            <li>
              <a
                href={link({ kabupaten: region })}
                aria-current={kecamatan === undefined ? 'page' : undefined}
              >
                {regionLabel(region)}
              </a>
            </li>
          ) : null}
          {region && kecamatan ? (
            <li>
              <a
                href={link({ kabupaten: region, kecamatan })}
                aria-current={desa === undefined ? 'page' : undefined}
              >
                Kecamatan {names.kecamatan(kecamatan)}
              </a>
            </li>
          ) : null}
          {desa ? (
            <li>
              <a href={link({ kabupaten: region, kecamatan, desa })} aria-current="page">
                {names.desa(desa)}
              </a>
            </li>
          ) : null}
        </ol>
      </nav>
      <Show state={state} label="Memuat ringkasan…">
        {(body) => {
          if (body.items.length === 0) return <p class="empty">Belum ada hasil untuk wilayah ini.</p>;
          if (region === undefined) {
            const rows = body.items.map((item) => ({
              key: item.region,
              label: regionLabel(item.region),
              href: link({ kabupaten: item.region }),
              counts: item.counts,
              quota: item.quota,
            }));
            const total = addCounts(rows.map((row) => row.counts));
            return (
              <>
                <CountsTable
                  caption="Hasil per kabupaten/kota"
                  place="Kabupaten/kota"
                  rows={rows}
                  testId="ringkasan-kabupaten"
                />
                <ReasonChart title="Alasan pengecualian, seluruh provinsi" counts={total} />
              </>
            );
          }
          const item = body.items.find((entry) => entry.region === region) ?? body.items[0];
          if (item === undefined) return null;
          if (kecamatan === undefined) {
            return (
              <>
                <RegionFacts counts={item.counts} quota={item.quota} />
                <ReasonChart title={`Alasan pengecualian, ${regionLabel(region)}`} counts={item.counts} />
                <CountsTable
                  caption={`Hasil per kecamatan, ${regionLabel(region)}`}
                  place="Kecamatan"
                  testId="ringkasan-kecamatan"
                  rows={Object.entries(item.kecamatan)
                    .sort(([a], [b]) => a.localeCompare(b))
                    .map(([code, counts]) => ({
                      key: code,
                      label: names.kecamatan(code),
                      href: link({ kabupaten: region, kecamatan: code }),
                      counts,
                    }))}
                />
              </>
            );
          }
          const desaRows = Object.entries(item.desa).sort(([a], [b]) => a.localeCompare(b));
          if (desa === undefined) {
            const counts = item.kecamatan[kecamatan];
            return (
              <>
                {counts ? (
                  <ReasonChart
                    title={`Alasan pengecualian, Kecamatan ${names.kecamatan(kecamatan)}`}
                    counts={counts}
                  />
                ) : null}
                <CountsTable
                  caption={`Hasil per desa/kelurahan, Kecamatan ${names.kecamatan(kecamatan)}`}
                  place="Desa/kelurahan"
                  testId="ringkasan-desa"
                  rows={desaRows.map(([code, counts]) => ({
                    key: code,
                    label: names.desa(code),
                    href: link({ kabupaten: region, kecamatan, desa: code, status: 'EXCLUDED' }),
                    counts,
                  }))}
                />
              </>
            );
          }
          const counts = item.desa[desa];
          return (
            <>
              {counts ? <RegionFacts counts={counts} /> : null}
              <form class="filters" aria-label="Saring keluarga" onSubmit={(event) => event.preventDefault()}>
                <div class="field">
                  <label for="saring-keluarga">Tampilkan keluarga</label>
                  <select
                    id="saring-keluarga"
                    name="status"
                    value={status ?? ''}
                    onChange={(event) =>
                      navigate(
                        link({ kabupaten: region, kecamatan, desa, status: event.currentTarget.value }),
                        { replace: true },
                      )
                    }
                  >
                    <option value="">Semua</option>
                    <option value="EXCLUDED">Dikecualikan</option>
                    <option value="ELIGIBLE">Layak</option>
                  </select>
                </div>
              </form>
              <DesaFamilies
                key={`${desa}-${status ?? ''}`}
                tahap={tahap}
                desa={desa}
                desaName={names.desa(desa)}
                status={status}
              />
            </>
          );
        }}
      </Show>
    </>
  );
}

function RegionFacts({
  counts,
  quota,
}: {
  counts: PlaceCounts;
  quota?: { quota: number; selected: number; reserve: number } | undefined;
}) {
  return (
    <dl class="facts">
      <Fact label="Keluarga">{formatNumber(counts.families)}</Fact>
      <Fact label="Layak">{formatNumber(counts.eligible)}</Fact>
      <Fact label="Dikecualikan">{formatNumber(counts.excluded)}</Fact>
      {quota ? (
        <Fact label="Kuota">
          {formatNumber(quota.quota)} keluarga: {formatNumber(quota.selected)} terpilih,{' '}
          {formatNumber(quota.reserve)} cadangan
        </Fact>
      ) : null}
    </dl>
  );
}

function CountsTable(props: {
  caption: string;
  place: string;
  testId: string;
  rows: readonly {
    key: string;
    label: string;
    href: string;
    counts: PlaceCounts;
    quota?: { quota: number; selected: number; reserve: number } | undefined;
  }[];
}) {
  const reasons = reasonsIn(props.rows.map((row) => row.counts));
  const withQuota = props.rows.some((row) => row.quota !== undefined);
  if (props.rows.length === 0) return <p class="empty">Tidak ada keluarga di wilayah ini.</p>;
  return (
    <>
      <h3 id={`judul-${props.testId}`}>{props.caption}</h3>
      <ScrollTable label={props.caption}>
        <table class="table" data-testid={props.testId}>
          <caption class="sr-only">{props.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{props.place}</th>
              <th scope="col" class="num">
                Keluarga
              </th>
              <th scope="col" class="num">
                Layak
              </th>
              <th scope="col" class="num">
                Dikecualikan
              </th>
              {reasons.map((reason) => (
                <th key={reason} scope="col" class="num reason-col">
                  {reasonLabel(reason)}
                </th>
              ))}
              {withQuota ? (
                <th scope="col" class="num">
                  Kuota (terpilih / cadangan)
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr key={row.key} data-place={row.key}>
                <th scope="row">
                  <a href={row.href}>{row.label}</a>
                </th>
                <td class="num">{formatNumber(row.counts.families)}</td>
                <td class="num">{formatNumber(row.counts.eligible)}</td>
                <td class="num">{formatNumber(row.counts.excluded)}</td>
                {reasons.map((reason) => (
                  <td key={reason} class="num" data-reason={reason}>
                    {formatNumber(row.counts.byReason[reason] ?? 0)}
                  </td>
                ))}
                {withQuota ? (
                  <td class="num">
                    {row.quota
                      ? `${formatNumber(row.quota.quota)} (${formatNumber(row.quota.selected)} / ${formatNumber(row.quota.reserve)})`
                      : '—'}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>
    </>
  );
}

const COUNT_WORDS = {
  comparison: 'keluarga dengan alasan itu dibanding seluruh keluarga',
  expected: 'Seluruh keluarga',
  paid: 'Keluarga dengan alasan ini',
  format: formatNumber,
} as const;

/** The reasons as bars: families excluded for each reason (a family may have several) of all. */
function ReasonChart({ title, counts }: { title: string; counts: PlaceCounts }) {
  const reasons = reasonsIn([counts]);
  if (reasons.length === 0) {
    return <p class="notice notice-good">Tidak ada keluarga yang dikecualikan di wilayah ini.</p>;
  }
  return (
    <BarChart
      title={title}
      testId="grafik-alasan"
      words={COUNT_WORDS}
      bars={reasons.map((reason) => ({
        key: reason,
        label: reasonLabel(reason),
        expected: counts.families,
        paid: counts.byReason[reason] ?? 0,
      }))}
    />
  );
}

const PAGE_SIZE = 50;

function DesaFamilies(props: {
  tahap: TahapView;
  desa: string;
  desaName: string;
  status: FamilyStatus | undefined;
}) {
  const pages = useCursorPages();
  const { state } = useApi('SearchTahapFamilies', {
    params: { tahapId: props.tahap.tahapId },
    body: {
      desa: props.desa,
      limit: PAGE_SIZE,
      ...(props.status ? { status: props.status } : {}),
      ...(pages.cursor ? { cursor: pages.cursor } : {}),
    },
  });
  const caption = `Keluarga di ${props.desaName}${
    props.status === 'EXCLUDED' ? ' yang dikecualikan' : props.status === 'ELIGIBLE' ? ' yang layak' : ''
  }`;
  return (
    <>
      <h3 id="judul-keluarga-desa">{caption}</h3>
      <Show state={state} label="Memuat keluarga…">
        {(body) => (
          <>
            {body.items.length === 0 ? (
              <p class="empty">Tidak ada keluarga.</p>
            ) : (
              <ScrollTable label={caption}>
                <table class="table" data-testid="keluarga-desa">
                  <caption class="sr-only">{caption}</caption>
                  <thead>
                    <tr>
                      <th scope="col">No KK</th>
                      <th scope="col" class="num">
                        Desil
                      </th>
                      <th scope="col" class="num">
                        Anggota
                      </th>
                      <th scope="col">Hasil</th>
                      <th scope="col">Alasan</th>
                    </tr>
                  </thead>
                  <tbody>
                    {body.items.map((family) => (
                      <tr key={family.noKk} data-status={family.status}>
                        <td class="code">{family.noKk}</td>
                        <td class="num">{family.desil}</td>
                        <td class="num">{family.memberCount}</td>
                        <td>
                          <span class={`badge badge-${family.status === 'ELIGIBLE' ? 'good' : 'bad'}`}>
                            {family.status === 'ELIGIBLE' ? 'Layak' : 'Dikecualikan'}
                          </span>
                          {family.rank !== undefined ? (
                            <span class="muted-line">
                              Peringkat {formatNumber(family.rank)}
                              {family.reserve ? ' · cadangan' : ''}
                            </span>
                          ) : null}
                        </td>
                        <td>
                          {family.reasons.length === 0 ? (
                            '—'
                          ) : (
                            <ul class="plain" data-testid="alasan">
                              {family.reasons.map((reason, index) => (
                                <li key={`${reason.reason}-${index}`}>
                                  {reasonWords(reason, props.tahap.desil)}
                                </li>
                              ))}
                            </ul>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollTable>
            )}
            <Pager
              label="Halaman keluarga"
              page={pages.page}
              hasNext={body.nextCursor !== undefined}
              onPrevious={pages.previous}
              onNext={() => body.nextCursor && pages.next(body.nextCursor)}
            />
          </>
        )}
      </Show>
    </>
  );
}
