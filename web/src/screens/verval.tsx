import { useEffect, useRef, useState } from 'preact/hooks';
import type { TahapView } from '#shared/contract/responses.ts';
import { VERVAL_RESULT_LABEL, VERVAL_RESULTS } from '#shared/domain/family/verval.ts';
import { regionLabel, tahapName } from '../family-words.ts';
import { formatDateTime, formatNumber } from '../format.ts';
import { FormProblem, PageTitle, Problem } from '../page.tsx';
import { navigate, pathTo, useQuery } from '../router.ts';
import { useSignedIn } from '../session.tsx';
import { ActionOutcome, Fact, failureMessage, ScrollTable, Show, useAction, useApi } from '../ui.tsx';
import { FINISHED, ImportBadge, ImportProgress, useFollowImport } from './import-view.tsx';
import { usePlaceNames, useTahapRegion } from './tahap.tsx';
import { BytesProgress, formatBytes, useFileSend } from './upload.tsx';
import './verval.css';

/**
 * Verval (verifikasi dan validasi lapangan) in the console:
 * - `/tahapan/{id}/verval`: the operator's (or admin's) desa of the kabupaten, and for one desa
 *   (`?desa=`) its relawan (assign, withdraw), progress, sheet, result upload and last upload;
 * - `/verval`: the relawan's own desa, on a phone: the same desa panel without the assignment;
 * - `/verval/{tahapId}/impor/{importId}`: a result file as it is imported, then the desa's progress.
 *
 * The API gives a relawan no list of tahap (`GET /tahap` is not theirs): `/verval` asks
 * `GET /verval/assignments` for the relawan's own desa in every open tahap. The last upload of a desa is remembered on the device (the API lists no
 * uploads of a desa): its id, per user, tahap and desa, in localStorage.
 */

const DESA_CODE = /^62\.\d{2}\.\d{2}\.\d{4}$/;

// ─── The last upload, remembered on this device ────────────────────────────────────────────────

const lastUploadKey = (sub: string, tahapId: string, desa: string) =>
  `khbs.verval.unggahan.${sub}.${tahapId}.${desa}`;

function rememberUpload(sub: string, tahapId: string, desa: string, importId: string): void {
  try {
    localStorage.setItem(lastUploadKey(sub, tahapId, desa), importId);
  } catch {
    // Storage refused (private mode, full): the upload's own page still shows its result.
  }
}

function rememberedUpload(sub: string, tahapId: string, desa: string): string | undefined {
  try {
    return localStorage.getItem(lastUploadKey(sub, tahapId, desa)) ?? undefined;
  } catch {
    return undefined;
  }
}

// ─── One desa: progress, sheet, upload, last upload (and, for the operator, its relawan) ───────

function DesaVerval(props: {
  tahapId: string;
  desa: string;
  desaName: string;
  /** The operator's panel: the desa's relawan, with the assignment form; and the focus moves here. */
  manage: boolean;
  /** The tahap's label in the heading (the relawan's list spans tahap). */
  tahapLabel?: string;
}) {
  const { tahapId, desa, desaName } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  const headingId = `desa-${desa.replaceAll('.', '-')}-${tahapId}`;
  useEffect(() => {
    if (props.manage) heading.current?.focus();
  }, [props.manage, desa]);
  return (
    <article class="verval-desa" aria-labelledby={headingId} data-desa={desa} data-testid="desa-verval">
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        Desa {desaName}
        <span class="verval-sub">
          {desa}
          {props.tahapLabel ? ` · ${props.tahapLabel}` : ''}
        </span>
      </h2>
      {props.manage ? <Relawan tahapId={tahapId} desa={desa} /> : null}
      <h3>Kemajuan verval</h3>
      <Progress tahapId={tahapId} desa={desa} desaName={desaName} />
      <h3>Lembar verval</h3>
      <DownloadSheet tahapId={tahapId} desa={desa} />
      <h3>Unggah hasil kunjungan</h3>
      <UploadResults tahapId={tahapId} desa={desa} />
      <h3>Unggahan terakhir</h3>
      <LastUpload tahapId={tahapId} desa={desa} />
    </article>
  );
}

/** Visited of the families to visit, and the results by kind. */
function Progress({ tahapId, desa, desaName }: { tahapId: string; desa: string; desaName: string }) {
  const { state } = useApi('GetVervalProgress', { params: { tahapId }, query: { desa } });
  return (
    <Show state={state} label="Memuat kemajuan verval…">
      {(progress) => {
        const left = Math.max(progress.toVisit - progress.visited, 0);
        const results = VERVAL_RESULTS.filter((result) => (progress.byResult[result] ?? 0) > 0);
        return (
          <div class="verval-progress" data-testid="kemajuan-verval">
            <p class="verval-progress-line">
              <strong data-testid="verval-dikunjungi">{formatNumber(progress.visited)}</strong> dari{' '}
              <strong data-testid="verval-sasaran">{formatNumber(progress.toVisit)}</strong> keluarga sudah
              dikunjungi
            </p>
            <progress
              value={progress.visited}
              max={Math.max(progress.toVisit, 1)}
              aria-label={`Kemajuan verval Desa ${desaName}`}
            />
            <ul class="verval-tally" aria-label="Hasil kunjungan">
              <li>
                <span class="count-label">Belum dikunjungi</span>
                <span class="count-value" data-testid="verval-belum">
                  {formatNumber(left)}
                </span>
              </li>
              {results.map((result) => (
                <li key={result} data-result={result}>
                  <span class="count-label">{VERVAL_RESULT_LABEL[result]}</span>
                  <span class="count-value">{formatNumber(progress.byResult[result] ?? 0)}</span>
                </li>
              ))}
            </ul>
            {results.length === 0 ? <p class="empty">Belum ada hasil kunjungan yang tercatat.</p> : null}
          </div>
        );
      }}
    </Show>
  );
}

type SheetState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'busy' }
  | {
      readonly kind: 'ready';
      readonly url: string;
      readonly filename: string;
      readonly families: number;
      readonly expiresAt: string;
    }
  | { readonly kind: 'failed'; readonly message: string };

/** Opens a presigned link: the file downloads, the console stays where it is. */
function startDownload(url: string): void {
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.rel = 'noopener';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
}

/** The desa's sheet, made on request (a few hundred families: under a second) and downloaded. */
function DownloadSheet({ tahapId, desa }: { tahapId: string; desa: string }) {
  const { call } = useSignedIn();
  const [sheet, setSheet] = useState<SheetState>({ kind: 'idle' });
  const fetchSheet = async () => {
    setSheet({ kind: 'busy' });
    try {
      const answer = await call('GetTahapFile', { params: { tahapId, kind: 'verval' }, query: { desa } });
      if (!answer.ok) {
        setSheet({ kind: 'failed', message: failureMessage(answer) });
        return;
      }
      setSheet({ kind: 'ready', ...answer.body });
      startDownload(answer.body.url);
    } catch {
      setSheet({
        kind: 'failed',
        message: 'Server tidak dapat dihubungi. Periksa koneksi internet lalu coba lagi.',
      });
    }
  };
  return (
    <>
      <p class="muted">
        Daftar keluarga yang dikunjungi (Excel), dengan kolom hasil untuk diisi: LAYAK, MAMPU, MENINGGAL,
        PINDAH, TIDAK_DITEMUKAN, GANDA atau MENOLAK.
      </p>
      <button
        type="button"
        class="button verval-big"
        disabled={sheet.kind === 'busy'}
        onClick={() => void fetchSheet()}
      >
        {sheet.kind === 'busy' ? 'Menyiapkan lembar…' : 'Unduh lembar verval (Excel)'}
      </button>
      {sheet.kind === 'ready' ? (
        <p class="notice notice-good" role="status" data-testid="lembar-siap">
          Lembar {sheet.filename} berisi {formatNumber(sheet.families)} keluarga.{' '}
          <a href={sheet.url} rel="noopener">
            Unduh lagi
          </a>{' '}
          (tautan berlaku sampai {formatDateTime(sheet.expiresAt)}).
        </p>
      ) : null}
      {sheet.kind === 'failed' ? (
        <Problem title="Lembar tidak dapat dibuat">
          <p>{sheet.message}</p>
        </Problem>
      ) : null}
    </>
  );
}

/** The filled sheet (or a list with its columns), PUT to the presigned URL; then its import's page. */
function UploadResults({ tahapId, desa }: { tahapId: string; desa: string }) {
  const { scope } = useSignedIn();
  const create = useAction('CreateVervalUpload');
  const chosen = useFileSend('Pilih berkas hasil verval (lembar yang sudah diisi) terlebih dahulu.');
  const { file, sent } = chosen;
  const inputId = `hasil-${desa.replaceAll('.', '-')}-${tahapId}`;
  const send = async (event: Event) => {
    event.preventDefault();
    const file = chosen.check();
    if (file === undefined) return;
    const result = await create.run({ params: { tahapId }, body: { desa, filename: file.name } });
    if (result?.kind !== 'done') return;
    const { importId, uploadUrl } = result.answer.body;
    if (scope) rememberUpload(scope.sub, tahapId, desa, importId);
    await chosen.send(uploadUrl, file, pathTo.vervalImport(tahapId, importId, { desa }));
  };
  const busy = create.busy || sent !== undefined;
  return (
    <form class="verval-upload" onSubmit={send} aria-label={`Unggah hasil verval Desa ${desa}`}>
      <label class="field" for={inputId}>
        Berkas hasil verval (Excel atau CSV)
      </label>
      <input
        id={inputId}
        type="file"
        name="hasil-verval"
        class="verval-file"
        accept=".xlsx,.csv,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        disabled={busy}
        aria-describedby={`${inputId}-bantuan`}
        onChange={(event) => chosen.choose(event.currentTarget.files?.[0])}
      />
      <p id={`${inputId}-bantuan`} class="muted" aria-live="polite" data-testid="hasil-terpilih">
        {file
          ? `Berkas terpilih: ${file.name} (${formatBytes(file.size)})`
          : 'Lembar verval yang sudah diisi, atau daftar dengan kolom No KK, Hasil Verval, Tanggal Verval, Nama Relawan, Nomor Berita Acara (dan NIK Penerima bila penerima berganti).'}
      </p>
      <FormProblem title="Belum dapat diunggah" problem={chosen.problem} />
      <ActionOutcome<'CreateVervalUpload'> result={create.last} />
      {sent ? <BytesProgress loaded={sent.loaded} total={sent.total} /> : null}
      <button type="submit" class="button verval-big" disabled={busy}>
        {busy ? 'Mengunggah…' : 'Unggah hasil verval'}
      </button>
    </form>
  );
}

/** The last result file sent from this device for the desa: where it stands, and a link to it. */
function LastUpload({ tahapId, desa }: { tahapId: string; desa: string }) {
  const { scope } = useSignedIn();
  const importId = scope ? rememberedUpload(scope.sub, tahapId, desa) : undefined;
  const { state, reload } = useApi(
    'GetVervalUpload',
    importId === undefined ? undefined : { params: { tahapId, importId } },
  );
  const body = state.kind === 'ok' ? state.body : undefined;
  useFollowImport(body, body?.status, body !== undefined && !FINISHED.has(body.status), reload);
  if (importId === undefined || (state.kind === 'failed' && state.status === 404)) {
    return <p class="empty">Belum ada hasil yang diunggah dari perangkat ini.</p>;
  }
  return (
    <Show state={state} label="Memuat unggahan terakhir…">
      {(upload) => (
        <div class="verval-last" data-testid="unggahan-terakhir">
          <p>
            <ImportBadge status={upload.status} /> {upload.filename ?? 'berkas'},{' '}
            {formatDateTime(upload.createdAt)}
          </p>
          {upload.counts ? (
            <p>
              {formatNumber(upload.counts.accepted)} baris diterima, {formatNumber(upload.counts.rejected)}{' '}
              ditolak dari {formatNumber(upload.counts.rows)} baris.
            </p>
          ) : null}
          <a
            class="button button-secondary verval-big"
            href={pathTo.vervalImport(tahapId, upload.importId, { desa })}
          >
            Lihat hasil unggahan
          </a>
        </div>
      )}
    </Show>
  );
}

/** The desa's relawan: who is assigned (withdraw one), and the form to assign another. */
function Relawan({ tahapId, desa }: { tahapId: string; desa: string }) {
  const { state, reload } = useApi('ListAssignments', { params: { tahapId }, query: { desa } });
  const assign = useAction('AssignRelawan');
  const withdraw = useAction('AssignRelawan');
  const [sub, setSub] = useState('');
  const [name, setName] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const result = await assign.run({
      params: { tahapId },
      body: { desa, relawan: { sub: sub.trim(), name: name.trim() } },
    });
    if (result?.kind !== 'done') return;
    setSub('');
    setName('');
    reload();
  };
  const subId = `relawan-id-${desa.replaceAll('.', '-')}`;
  const nameId = `relawan-nama-${desa.replaceAll('.', '-')}`;
  return (
    <>
      <h3>Relawan</h3>
      <Show state={state} label="Memuat relawan…">
        {(body) =>
          body.items.length === 0 ? (
            <p class="empty">Belum ada relawan yang ditugaskan di desa ini.</p>
          ) : (
            <ul class="verval-relawan" data-testid="relawan-desa">
              {body.items.map((item) => (
                <li key={item.relawan.sub} data-relawan={item.relawan.sub}>
                  <span>
                    <strong>{item.relawan.name}</strong> <span class="muted">({item.relawan.sub})</span>
                    <span class="muted-line">
                      Ditugaskan {formatDateTime(item.assignedAt)} oleh {item.assignedBy.name}
                    </span>
                  </span>
                  <button
                    type="button"
                    class="button button-secondary"
                    disabled={withdraw.busy}
                    aria-label={`Cabut tugas ${item.relawan.name}`}
                    onClick={async () => {
                      const result = await withdraw.run({
                        params: { tahapId },
                        body: { desa, relawan: item.relawan, remove: true },
                      });
                      if (result?.kind === 'done') reload();
                    }}
                  >
                    Cabut tugas
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
      <ActionOutcome<'AssignRelawan'> result={withdraw.last} done="Tugas relawan dicabut." />
      <form class="verval-assign" onSubmit={submit} aria-label="Tugaskan relawan">
        <div class="upload-fields">
          <div class="field">
            <label for={subId}>Id pengguna relawan</label>
            <input
              id={subId}
              name="relawan-id"
              value={sub}
              required
              autocomplete="off"
              pattern="[A-Za-z0-9_.:@\-]{1,128}"
              aria-describedby={`${subId}-bantuan`}
              onInput={(event) => setSub(event.currentTarget.value)}
            />
            <span id={`${subId}-bantuan`} class="hint">
              Seperti tertulis di daftar pengguna (mis. relawan-sari).
            </span>
          </div>
          <div class="field">
            <label for={nameId}>Nama relawan</label>
            <input
              id={nameId}
              name="relawan-nama"
              value={name}
              required
              minLength={2}
              maxLength={100}
              autocomplete="off"
              onInput={(event) => setName(event.currentTarget.value)}
            />
          </div>
        </div>
        <ActionOutcome<'AssignRelawan'> result={assign.last} done="Relawan ditugaskan di desa ini." />
        <div class="actions">
          <button type="submit" class="button" disabled={assign.busy}>
            {assign.busy ? 'Menugaskan…' : 'Tugaskan relawan'}
          </button>
        </div>
      </form>
    </>
  );
}

// ─── /tahapan/{id}/verval ──────────────────────────────────────────────────────────────────────

export function TahapVervalPage({ tahapId }: { tahapId: string }) {
  const { state } = useApi('GetTahap', { params: { tahapId } });
  const title = `Verval ${state.kind === 'ok' ? state.body.label : tahapName(tahapId)}`;
  return (
    <section class="card wide verval" aria-labelledby="judul-verval-tahap">
      <PageTitle title={title}>
        <span id="judul-verval-tahap">{title}</span>
      </PageTitle>
      <p>
        <a href={pathTo.tahap(tahapId)}>Kembali ke {tahapName(tahapId)}</a>
      </p>
      <Show state={state} label="Memuat tahap…">
        {(tahap) => <TahapVerval tahap={tahap} />}
      </Show>
    </section>
  );
}

function TahapVerval({ tahap }: { tahap: TahapView }) {
  const query = useQuery();
  const names = usePlaceNames();
  const { own, region } = useTahapRegion(tahap);
  const askedDesa = query.get('desa') ?? '';
  const desa =
    region && DESA_CODE.test(askedDesa) && askedDesa.startsWith(`${region}.`) ? askedDesa : undefined;
  const kecamatan = query.get('kecamatan') ?? '';
  const link = (place: { kecamatan?: string; desa?: string }) =>
    pathTo.tahapVerval(tahap.tahapId, { ...(own ? {} : { kabupaten: region }), ...place });

  if (tahap.eligibility?.status !== 'COMPLETED') {
    return (
      <p class="notice notice-info">
        Verval dimulai setelah pemeriksaan kelayakan tahap ini selesai: lembar verval memuat keluarga dari
        hasil pemeriksaan itu.
      </p>
    );
  }
  return (
    <>
      <p>
        Tugaskan relawan ke setiap desa, unduh lembar verval desa, dan unggah hasil kunjungan yang sudah
        diisi. Relawan hanya melihat desa yang ditugaskan kepadanya.
      </p>
      {own === undefined ? (
        <form class="filters" aria-label="Pilih kabupaten/kota" onSubmit={(event) => event.preventDefault()}>
          <label>
            Kabupaten/kota
            <select
              name="kabupaten"
              value={region ?? ''}
              onChange={(event) =>
                navigate(pathTo.tahapVerval(tahap.tahapId, { kabupaten: event.currentTarget.value }), {
                  replace: true,
                })
              }
            >
              <option value="">Pilih…</option>
              {Object.keys(tahap.snapshots)
                .sort()
                .map((code) => (
                  <option key={code} value={code}>
                    {regionLabel(code)}
                  </option>
                ))}
            </select>
          </label>
        </form>
      ) : (
        <p class="upload-region">
          <span class="muted">Kabupaten/kota</span>
          <strong>
            {regionLabel(own)} ({own})
          </strong>
        </p>
      )}
      {desa ? (
        <DesaVerval key={desa} tahapId={tahap.tahapId} desa={desa} desaName={names.desa(desa)} manage />
      ) : null}
      {region ? (
        <DesaList
          tahapId={tahap.tahapId}
          region={region}
          kecamatan={kecamatan}
          selected={desa}
          names={names}
          link={link}
        />
      ) : (
        <p class="empty">Pilih kabupaten/kota untuk melihat desanya.</p>
      )}
    </>
  );
}

function DesaList(props: {
  tahapId: string;
  region: string;
  kecamatan: string;
  selected: string | undefined;
  names: ReturnType<typeof usePlaceNames>;
  link: (place: { kecamatan?: string; desa?: string }) => string;
}) {
  const { names, link } = props;
  const { state } = useApi('GetTahapSummary', {
    params: { tahapId: props.tahapId },
    query: { region: props.region },
  });
  return (
    <>
      <h2 id="judul-daftar-desa">Desa/kelurahan {regionLabel(props.region)}</h2>
      <Show state={state} label="Memuat desa…">
        {(body) => {
          const item = body.items.find((entry) => entry.region === props.region);
          if (item === undefined) return <p class="empty">Belum ada hasil pemeriksaan untuk wilayah ini.</p>;
          const kecamatanCodes = Object.keys(item.kecamatan).sort();
          const kecamatan = kecamatanCodes.includes(props.kecamatan) ? props.kecamatan : '';
          const rows = Object.entries(item.desa)
            .filter(([code]) => kecamatan === '' || code.startsWith(`${kecamatan}.`))
            .sort(([a], [b]) => a.localeCompare(b));
          return (
            <>
              <form class="filters" aria-label="Saring desa" onSubmit={(event) => event.preventDefault()}>
                <label>
                  Kecamatan
                  <select
                    name="kecamatan"
                    value={kecamatan}
                    onChange={(event) =>
                      navigate(
                        link({
                          kecamatan: event.currentTarget.value || undefined,
                          desa: props.selected,
                        }),
                        { replace: true },
                      )
                    }
                  >
                    <option value="">Semua kecamatan</option>
                    {kecamatanCodes.map((code) => (
                      <option key={code} value={code}>
                        {names.kecamatan(code)}
                      </option>
                    ))}
                  </select>
                </label>
              </form>
              <ScrollTable label="Desa/kelurahan">
                <table class="table" data-testid="daftar-desa-verval">
                  <caption class="sr-only">Desa/kelurahan dan jumlah keluarganya</caption>
                  <thead>
                    <tr>
                      <th scope="col">Desa/kelurahan</th>
                      <th scope="col">Kecamatan</th>
                      <th scope="col" class="num">
                        Keluarga
                      </th>
                      <th scope="col" class="num">
                        Layak
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map(([code, counts]) => (
                      <tr key={code} data-place={code}>
                        <td>
                          <a
                            href={link({ kecamatan: kecamatan || undefined, desa: code })}
                            aria-current={code === props.selected ? 'true' : undefined}
                          >
                            {names.desa(code)}
                          </a>
                          <span class="muted-line">{code}</span>
                        </td>
                        <td>{names.kecamatan(code.slice(0, 8))}</td>
                        <td class="num">{formatNumber(counts.families)}</td>
                        <td class="num">{formatNumber(counts.eligible)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollTable>
            </>
          );
        }}
      </Show>
    </>
  );
}

// ─── /verval ───────────────────────────────────────────────────────────────────────────────────

export function RelawanVervalPage() {
  const { scope } = useSignedIn();
  const names = usePlaceNames();
  // The caller's own desa in every open tahap (`GET /verval/assignments`), newest tahap first.
  const { state } = useApi('ListMyAssignments', {});
  return (
    <section class="card verval verval-phone" aria-labelledby="judul-verval">
      <PageTitle title="Verval lapangan">
        <span id="judul-verval">Verval lapangan</span>
      </PageTitle>
      <p>
        Desa yang ditugaskan kepada Anda
        {scope && scope.regions !== 'all' ? ` di ${regionLabel(scope.regions[0])}` : ''}. Unduh lembar verval,
        kunjungi setiap keluarga, isi kolom hasil, lalu unggah lembar itu di sini.
      </p>
      <Show state={state} label="Mencari desa yang ditugaskan…">
        {(body) =>
          body.items.length === 0 ? (
            <p class="empty" data-testid="tanpa-tugas">
              Belum ada desa yang ditugaskan kepada Anda. Hubungi operator Dinas Sosial kabupaten/kota Anda.
            </p>
          ) : (
            [...body.items]
              .sort((a, b) => b.tahapId.localeCompare(a.tahapId, 'en', { numeric: true }))
              .map((item) => (
                <DesaVerval
                  key={`${item.tahapId}-${item.desaCode}`}
                  tahapId={item.tahapId}
                  desa={item.desaCode}
                  desaName={names.desa(item.desaCode)}
                  tahapLabel={item.tahapLabel || tahapName(item.tahapId)}
                  manage={false}
                />
              ))
          )
        }
      </Show>
    </section>
  );
}

// ─── /verval/{tahapId}/impor/{importId} ────────────────────────────────────────────────────────

export function VervalImportPage({ tahapId, importId }: { tahapId: string; importId: string }) {
  const { scope } = useSignedIn();
  const query = useQuery();
  const names = usePlaceNames();
  const askedDesa = query.get('desa') ?? '';
  const desa = DESA_CODE.test(askedDesa) ? askedDesa : undefined;
  const { state, reload } = useApi('GetVervalUpload', { params: { tahapId, importId } });
  const body = state.kind === 'ok' ? state.body : undefined;
  useFollowImport(body, body?.status, body !== undefined && !FINISHED.has(body.status), reload);
  const relawan = scope?.role === 'relawan';
  // An admin's page names the kabupaten too (an operator's is their own).
  const back = relawan
    ? pathTo.verval()
    : pathTo.tahapVerval(tahapId, desa ? { kabupaten: desa.slice(0, 5), desa } : undefined);
  return (
    <section class="card wide verval verval-phone" aria-labelledby="judul-hasil-verval">
      <PageTitle title="Hasil unggahan verval">
        <span id="judul-hasil-verval">Hasil unggahan verval</span>
      </PageTitle>
      <Show state={state} label="Memuat unggahan…">
        {(item) => (
          <>
            <ImportProgress
              item={item}
              facts={
                <>
                  <Fact label="Tahap">{tahapName(tahapId)}</Fact>
                  {desa ? (
                    <Fact label="Desa">
                      {names.desa(desa)} ({desa})
                    </Fact>
                  ) : null}
                </>
              }
            />
            {FINISHED.has(item.status) && desa ? (
              <>
                <h2>Kemajuan verval desa</h2>
                <Progress tahapId={tahapId} desa={desa} desaName={names.desa(desa)} />
              </>
            ) : null}
            <div class="actions">
              <a class="button button-secondary verval-big" href={back}>
                {relawan ? 'Kembali ke desa saya' : 'Kembali ke verval desa'}
              </a>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}
