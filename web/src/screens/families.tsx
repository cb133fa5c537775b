import { useEffect, useState } from 'preact/hooks';
import type { ImportView, SnapshotView } from '#shared/contract/responses.ts';
import { REGIONS } from '#shared/domain/regions.ts';
import {
  dayMonthYear,
  findingLabel,
  IMPORT_KIND_LABEL,
  regionLabel,
  snapshotState,
  tahapName,
} from '../family-words.ts';
import { formatDate, formatDateTime, formatNumber } from '../format.ts';
import { FormProblem, PageTitle } from '../page.tsx';
import { navigate, pathTo, useQuery } from '../router.ts';
import { useSignedIn } from '../session.tsx';
import { ActionOutcome, Fact, RegionOptions, ScrollTable, Show, useAction, useApi } from '../ui.tsx';
import { FINISHED, ImportBadge, ImportProgress, useFollowImport } from './import-view.tsx';
import { BytesProgress, formatBytes, useFileSend } from './upload.tsx';
import './families.css';

/**
 * The family programme's files: `/data-keluarga` (a kabupaten's DTSEN snapshots, its recent
 * imports, and for an operator or admin the upload form), `/data-keluarga/impor/{id}` (one import as
 * it runs, and the snapshot it completes), `/data-keluarga/snapshot/{region}/{versionDate}` (one
 * snapshot with its cross-check), and `/pengecualian` (the exclusion lists).
 */

function SnapshotBadge({
  snapshot,
}: {
  snapshot: Pick<SnapshotView, 'status' | 'families' | 'members' | 'usedBy'>;
}) {
  const state = snapshotState(snapshot);
  return (
    <span class={`badge badge-${state.tone}`} data-status={snapshot.status} data-testid="status-snapshot">
      {state.words}
    </span>
  );
}

/** The region the page is about: an operator's own; for a province-wide role, `?kabupaten=`. */
function useRegion(): { region: string | undefined; own: boolean } {
  const { scope } = useSignedIn();
  const query = useQuery();
  if (scope !== undefined && scope.regions !== 'all') return { region: scope.regions[0], own: true };
  const asked = query.get('kabupaten') ?? '';
  return { region: REGIONS.some((entry) => entry.code === asked) ? asked : undefined, own: false };
}

function RegionPicker({
  region,
  onChange,
}: {
  region: string | undefined;
  onChange: (code: string) => void;
}) {
  return (
    <form class="filters" aria-label="Pilih kabupaten/kota" onSubmit={(event) => event.preventDefault()}>
      <label>
        Kabupaten/kota
        <select
          name="kabupaten"
          value={region ?? ''}
          onChange={(event) => onChange(event.currentTarget.value)}
        >
          <RegionOptions none="Pilih…" />
        </select>
      </label>
    </form>
  );
}

/** The section's two lists, as tabs (links: each is a page of its own, with its own address). */
function SectionTabs({ current }: { current: 'family-data' | 'exclusion-lists' }) {
  return (
    <nav class="tabs" aria-label="Bagian data keluarga">
      <a href={pathTo.familyData()} aria-current={current === 'family-data' ? 'page' : undefined}>
        Snapshot DTSEN dan impor
      </a>
      <a href={pathTo.exclusionLists()} aria-current={current === 'exclusion-lists' ? 'page' : undefined}>
        Daftar pengecualian
      </a>
    </nav>
  );
}

// ─── /data-keluarga ────────────────────────────────────────────────────────────────────────────

export function FamilyDataPage() {
  const { scope } = useSignedIn();
  const { region, own } = useRegion();
  const mayUpload = scope?.capabilities.has('imports:create') ?? false;
  return (
    <section class="card wide" aria-labelledby="judul-data-keluarga">
      <PageTitle title="Data keluarga">
        <span id="judul-data-keluarga">Data keluarga</span>
      </PageTitle>
      <SectionTabs current="family-data" />
      <p>
        Setiap snapshot DTSEN terdiri atas dua berkas dengan tanggal versi yang sama: ekstrak keluarga dan
        ekstrak anggota. Setelah keduanya masuk, sistem memeriksa silang keduanya; snapshot yang siap dapat
        dipakai tahap.
      </p>
      {own ? (
        <p class="upload-region">
          <span class="muted">Kabupaten/kota</span>
          <strong>
            {regionLabel(region)} ({region})
          </strong>
        </p>
      ) : (
        <RegionPicker
          region={region}
          onChange={(code) => navigate(pathTo.familyData({ kabupaten: code }), { replace: true })}
        />
      )}
      {region === undefined ? (
        <p class="empty">Pilih kabupaten/kota untuk melihat snapshot dan impornya.</p>
      ) : (
        <>
          <Snapshots region={region} />
          <RecentImports region={region} />
        </>
      )}
      {mayUpload ? <FamilyUploadForm ownRegion={own ? region : undefined} region={region} /> : null}
    </section>
  );
}

function Snapshots({ region }: { region: string }) {
  const { state } = useApi('ListSnapshots', { query: { region } });
  return (
    <>
      <h2 id="judul-snapshot">Snapshot DTSEN</h2>
      <Show state={state} label="Memuat snapshot…">
        {(body) =>
          body.items.length === 0 ? (
            <p class="empty">Belum ada snapshot DTSEN untuk {regionLabel(region)}.</p>
          ) : (
            <ScrollTable label="Snapshot DTSEN">
              <table class="table" data-testid="daftar-snapshot">
                <caption class="sr-only">Snapshot DTSEN {regionLabel(region)}</caption>
                <thead>
                  <tr>
                    <th scope="col">Tanggal versi</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">
                      Keluarga
                    </th>
                    <th scope="col" class="num">
                      Anggota
                    </th>
                    <th scope="col" class="num">
                      Keluarga lengkap
                    </th>
                    <th scope="col">Temuan pemeriksaan silang</th>
                  </tr>
                </thead>
                <tbody>
                  {body.items.map((snapshot) => (
                    <tr key={snapshot.versionDate} data-version={snapshot.versionDate}>
                      <td>
                        <a href={pathTo.snapshot(snapshot.region, snapshot.versionDate)}>
                          {formatDate(snapshot.versionDate)}
                        </a>
                      </td>
                      <td>
                        <SnapshotBadge snapshot={snapshot} />
                      </td>
                      <td class="num">{countOr(snapshot.check?.families ?? snapshot.families?.accepted)}</td>
                      <td class="num">{countOr(snapshot.check?.members ?? snapshot.members?.accepted)}</td>
                      <td class="num">{countOr(snapshot.check?.complete)}</td>
                      <td>
                        <Findings byCode={snapshot.check?.byCode} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollTable>
          )
        }
      </Show>
    </>
  );
}

const countOr = (value: number | undefined): string => (value === undefined ? '—' : formatNumber(value));

function Findings({ byCode }: { byCode: Readonly<Record<string, number>> | undefined }) {
  if (byCode === undefined) return <span class="muted">belum diperiksa</span>;
  const entries = Object.entries(byCode).filter(([, count]) => count > 0);
  if (entries.length === 0) return <span>tidak ada</span>;
  return (
    <ul class="plain">
      {entries.map(([code, count]) => (
        <li key={code}>
          {findingLabel(code)}: {formatNumber(count)}
        </li>
      ))}
    </ul>
  );
}

function RecentImports({ region }: { region: string }) {
  const { state } = useApi('ListImports', { query: { region } });
  return (
    <>
      <h2 id="judul-impor">Impor terakhir</h2>
      <Show state={state} label="Memuat impor…">
        {(body) =>
          body.items.length === 0 ? (
            <p class="empty">Belum ada berkas yang diimpor.</p>
          ) : (
            <ImportTable items={body.items.slice(0, 20)} caption={`Impor terakhir ${regionLabel(region)}`} />
          )
        }
      </Show>
    </>
  );
}

function ImportTable({
  items,
  caption,
}: {
  items: readonly Omit<ImportView, 'snapshot'>[];
  caption: string;
}) {
  return (
    <ScrollTable label={caption}>
      <table class="table" data-testid="daftar-impor">
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Berkas</th>
            <th scope="col">Jenis</th>
            <th scope="col">Keterangan</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Diterima
            </th>
            <th scope="col" class="num">
              Ditolak
            </th>
            <th scope="col">Diminta</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.importId} data-import={item.importId}>
              <td>
                <a href={pathTo.familyImport(item.importId)}>{item.filename ?? item.importId}</a>
              </td>
              <td>{IMPORT_KIND_LABEL[item.kind]}</td>
              <td>{importNote(item)}</td>
              <td>
                <ImportBadge status={item.status} />
              </td>
              <td class="num">{countOr(item.counts?.accepted)}</td>
              <td class="num">{countOr(item.counts?.rejected)}</td>
              <td>
                {formatDateTime(item.createdAt)}
                {item.createdBy ? <span class="muted-line">{item.createdBy.name}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

function importNote(item: Pick<ImportView, 'versionDate' | 'list'>): string {
  if (item.list) return `${item.list.programme} · ${item.list.source} · per ${formatDate(item.list.asOf)}`;
  if (item.versionDate) return `Versi ${formatDate(item.versionDate)}`;
  return '—';
}

// ─── The upload form ───────────────────────────────────────────────────────────────────────────

/** What this form uploads (verval results come back through their own screen). */
type Kind = 'DTSEN_KELUARGA' | 'DTSEN_ANGGOTA' | 'PENGECUALIAN';

/** Today in WIB, `YYYY-MM-DD` (a version date may not be later). */
const todayInWib = (): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date());

function FamilyUploadForm({
  ownRegion,
  region,
}: {
  ownRegion: string | undefined;
  region: string | undefined;
}) {
  const [kind, setKind] = useState<Kind>('DTSEN_KELUARGA');
  const [chosenRegion, setChosenRegion] = useState(region ?? '');
  const [versionDate, setVersionDate] = useState('');
  const [relationshipCodes, setRelationshipCodes] = useState<'DUKCAPIL' | 'KATA'>('DUKCAPIL');
  const [programme, setProgramme] = useState('');
  const [source, setSource] = useState('');
  const [asOf, setAsOf] = useState('');
  const chosen = useFileSend('Pilih berkas (CSV atau XLSX) terlebih dahulu.');
  const { file, sent, setProblem } = chosen;
  const create = useAction('CreateImport');
  const dtsen = kind !== 'PENGECUALIAN';
  useEffect(() => {
    if (region !== undefined) setChosenRegion(region);
  }, [region]);

  const send = async (event: Event) => {
    event.preventDefault();
    const file = chosen.check();
    if (file === undefined) return;
    const targetRegion = ownRegion ?? (chosenRegion === '' ? undefined : chosenRegion);
    if (dtsen && targetRegion === undefined) {
      setProblem('Pilih kabupaten/kota ekstrak DTSEN ini.');
      return;
    }
    const day = dtsen ? versionDate : asOf;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      setProblem(dtsen ? 'Isi tanggal versi ekstrak.' : 'Isi tanggal data daftar.');
      return;
    }
    const where = ownRegion === undefined && targetRegion !== undefined ? { region: targetRegion } : {};
    const body =
      kind === 'DTSEN_KELUARGA'
        ? { kind, filename: file.name, versionDate, ...where }
        : kind === 'DTSEN_ANGGOTA'
          ? { kind, filename: file.name, versionDate, relationshipCodes, ...where }
          : { kind, filename: file.name, programme, source, asOf, ...where };
    const result = await create.run({ body });
    if (result?.kind !== 'done') return;
    const { importId, uploadUrl } = result.answer.body;
    await chosen.send(uploadUrl, file, pathTo.familyImport(importId));
  };

  const busy = create.busy || sent !== undefined;
  return (
    <>
      <h2 id="judul-unggah-keluarga">Unggah berkas</h2>
      <form class="family-form" aria-labelledby="judul-unggah-keluarga" onSubmit={send}>
        <div class="upload-fields">
          <label class="field">
            Jenis berkas
            <select
              name="jenis"
              value={kind}
              onChange={(event) => setKind(event.currentTarget.value as Kind)}
            >
              <option value="DTSEN_KELUARGA">Ekstrak keluarga (DTSEN)</option>
              <option value="DTSEN_ANGGOTA">Ekstrak anggota (DTSEN)</option>
              <option value="PENGECUALIAN">Daftar pengecualian (program lain)</option>
            </select>
          </label>
          {ownRegion === undefined ? (
            <label class="field">
              Kabupaten/kota berkas
              <select
                name="wilayah-berkas"
                value={chosenRegion}
                onChange={(event) => setChosenRegion(event.currentTarget.value)}
              >
                <RegionOptions none={dtsen ? 'Pilih…' : 'Seluruh provinsi'} />
              </select>
            </label>
          ) : null}
          {dtsen ? (
            <label class="field">
              Tanggal versi ekstrak
              <input
                type="date"
                name="tanggal-versi"
                value={versionDate}
                max={todayInWib()}
                required
                onInput={(event) => setVersionDate(event.currentTarget.value)}
              />
            </label>
          ) : (
            <>
              <label class="field">
                Program
                <input
                  name="program"
                  value={programme}
                  required
                  list="program-dikenal"
                  placeholder="mis. PKH"
                  onInput={(event) => setProgramme(event.currentTarget.value)}
                />
                <datalist id="program-dikenal">
                  <option value="PKH" />
                  <option value="BPNT" />
                  <option value="BLT Dana Desa" />
                </datalist>
              </label>
              <label class="field">
                Sumber daftar
                <input
                  name="sumber"
                  value={source}
                  required
                  placeholder="mis. Kemensos"
                  onInput={(event) => setSource(event.currentTarget.value)}
                />
              </label>
              <label class="field">
                Tanggal data
                <input
                  type="date"
                  name="tanggal-data"
                  value={asOf}
                  max={todayInWib()}
                  required
                  onInput={(event) => setAsOf(event.currentTarget.value)}
                />
              </label>
            </>
          )}
          {kind === 'DTSEN_ANGGOTA' ? (
            <label class="field">
              Kode hubungan keluarga
              <select
                name="kode-hubungan"
                value={relationshipCodes}
                onChange={(event) => setRelationshipCodes(event.currentTarget.value as 'DUKCAPIL' | 'KATA')}
              >
                <option value="DUKCAPIL">
                  Angka SHDK Dukcapil (1 kepala keluarga, 2 suami, 3 istri, 4 anak…)
                </option>
                <option value="KATA">Hanya kata (angka ditolak)</option>
              </select>
            </label>
          ) : null}
        </div>
        <label class="field family-file">
          Berkas (CSV atau XLSX)
          <input
            type="file"
            name="berkas-keluarga"
            accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            disabled={busy}
            onChange={(event) => chosen.choose(event.currentTarget.files?.[0])}
          />
        </label>
        <p class="muted" aria-live="polite" data-testid="berkas-keluarga-terpilih">
          {file ? `Berkas terpilih: ${file.name} (${formatBytes(file.size)})` : 'Belum ada berkas dipilih.'}
        </p>
        <p class="muted">
          {dtsen
            ? 'Ekstrak keluarga dan ekstrak anggota dengan tanggal versi yang sama membentuk satu snapshot. Kode wilayah BPS dicocokkan lewat namanya.'
            : 'Kolom: program, nik dan/atau no_kk, nama, kode_desa, periode. Daftar baru dari program dan sumber yang sama menggantikan yang lama.'}
        </p>
        <FormProblem title="Belum dapat diunggah" problem={chosen.problem} />
        <ActionOutcome<'CreateImport'> result={create.last} />
        {sent ? <BytesProgress loaded={sent.loaded} total={sent.total} /> : null}
        <div class="actions">
          <button type="submit" class="button" disabled={busy}>
            {busy ? 'Mengunggah…' : 'Unggah berkas'}
          </button>
        </div>
      </form>
    </>
  );
}

// ─── /data-keluarga/impor/{importId} ───────────────────────────────────────────────────────────

/** A snapshot whose two files are in but which is not READY yet: its cross-check is running. */
const crossChecking = (snapshot: ImportView['snapshot']): boolean =>
  snapshot !== undefined &&
  snapshot.status === 'INCOMPLETE' &&
  snapshot.families !== undefined &&
  snapshot.members !== undefined;

export function FamilyImportPage({ importId }: { importId: string }) {
  const { state, reload } = useApi('GetImport', { params: { importId } });
  const body = state.kind === 'ok' ? state.body : undefined;
  const waiting = body !== undefined && (!FINISHED.has(body.status) || crossChecking(body.snapshot));
  useFollowImport(body, body?.status, waiting, reload);
  return (
    <section class="card wide" aria-labelledby="judul-impor-keluarga">
      <PageTitle title="Hasil impor">
        <span id="judul-impor-keluarga">Hasil impor</span>
      </PageTitle>
      <Show state={state} label="Memuat impor…">
        {(item) => (
          <>
            <ImportProgress
              item={item}
              facts={
                <>
                  <Fact label="Jenis">{IMPORT_KIND_LABEL[item.kind]}</Fact>
                  <Fact label="Kabupaten/kota">{regionLabel(item.region)}</Fact>
                  <Fact label="Keterangan">{importNote(item)}</Fact>
                </>
              }
            />
            {item.snapshot ? <ImportSnapshot snapshot={item.snapshot} /> : null}
            {FINISHED.has(item.status) ? (
              <div class="actions">
                <a class="button button-secondary" href={pathTo.familyData({ kabupaten: item.region })}>
                  Kembali ke data keluarga
                </a>
              </div>
            ) : null}
          </>
        )}
      </Show>
    </section>
  );
}

function ImportSnapshot({ snapshot }: { snapshot: NonNullable<ImportView['snapshot']> }) {
  return (
    <>
      <h2 id="judul-snapshot-impor">Snapshot {formatDate(snapshot.versionDate)}</h2>
      <dl class="facts">
        <Fact label="Keadaan">
          <SnapshotBadge snapshot={snapshot} />
        </Fact>
        <Fact label="Berkas keluarga">{halfWords(snapshot.families)}</Fact>
        <Fact label="Berkas anggota">{halfWords(snapshot.members)}</Fact>
        {snapshot.check ? (
          <Fact label="Keluarga lengkap">
            {formatNumber(snapshot.check.complete)} dari {formatNumber(snapshot.check.families)} keluarga (
            {formatNumber(snapshot.check.members)} anggota)
          </Fact>
        ) : null}
      </dl>
      <p>
        <a href={pathTo.snapshot(snapshot.region, snapshot.versionDate)}>Lihat snapshot dan temuannya</a>
      </p>
    </>
  );
}

function halfWords(half: SnapshotView['families']): string {
  if (half === undefined) return 'belum diunggah';
  return `${half.filename ?? 'berkas'}: ${formatNumber(half.accepted)} dari ${formatNumber(half.rows)} baris diterima`;
}

// ─── /data-keluarga/snapshot/{region}/{versionDate} ────────────────────────────────────────────

export function SnapshotPage({ region, versionDate }: { region: string; versionDate: string }) {
  const { state, reload } = useApi('GetSnapshot', { params: { region, versionDate } });
  const checking = state.kind === 'ok' && crossChecking(state.body);
  useEffect(() => {
    if (!checking) return;
    const timer = setTimeout(reload, 2_000);
    return () => clearTimeout(timer);
  }, [checking, state, reload]);
  return (
    <section class="card wide" aria-labelledby="judul-snapshot-satu">
      <PageTitle title="Snapshot DTSEN">
        <span id="judul-snapshot-satu">
          Snapshot DTSEN {regionLabel(region)} versi {formatDate(versionDate)}
        </span>
      </PageTitle>
      <Show state={state} label="Memuat snapshot…">
        {(snapshot) => (
          <>
            <dl class="facts">
              <Fact label="Keadaan">
                <SnapshotBadge snapshot={snapshot} />
              </Fact>
              <Fact label="Berkas keluarga">
                {snapshot.families ? (
                  <a href={pathTo.familyImport(snapshot.families.importId)}>{halfWords(snapshot.families)}</a>
                ) : (
                  'belum diunggah'
                )}
              </Fact>
              <Fact label="Berkas anggota">
                {snapshot.members ? (
                  <a href={pathTo.familyImport(snapshot.members.importId)}>{halfWords(snapshot.members)}</a>
                ) : (
                  'belum diunggah'
                )}
              </Fact>
              {snapshot.check ? (
                <>
                  <Fact label="Keluarga">{formatNumber(snapshot.check.families)}</Fact>
                  <Fact label="Anggota">{formatNumber(snapshot.check.members)}</Fact>
                  <Fact label="Keluarga lengkap (satu kepala, minimal satu anggota)">
                    {formatNumber(snapshot.check.complete)}
                  </Fact>
                  <Fact label="Diperiksa silang">{formatDateTime(snapshot.check.checkedAt)}</Fact>
                </>
              ) : null}
              {snapshot.usedBy && snapshot.usedBy.length > 0 ? (
                <Fact label="Dipakai oleh">
                  {snapshot.usedBy.map((tahapId, index) => (
                    <span key={tahapId}>
                      {index > 0 ? ', ' : ''}
                      <a href={pathTo.tahap(tahapId)}>{tahapName(tahapId)}</a>
                    </span>
                  ))}
                </Fact>
              ) : null}
            </dl>
            {snapshot.usedBy && snapshot.usedBy.length > 0 ? (
              <p class="notice notice-info">
                Snapshot ini dipakai tahap, sehingga isinya tetap: impor berkas baru dengan tanggal versi yang
                sama ditolak. Unggah ekstrak yang lebih baru dengan tanggal versinya sendiri.
              </p>
            ) : null}
            <h2 id="judul-temuan">Temuan pemeriksaan silang</h2>
            {snapshot.check === undefined ? (
              <p class="empty">
                {snapshot.families && snapshot.members
                  ? 'Pemeriksaan silang sedang berjalan. Halaman ini diperbarui sendiri.'
                  : 'Pemeriksaan silang berjalan setelah kedua berkas diunggah.'}
              </p>
            ) : (
              <FindingsTable byCode={snapshot.check.byCode} />
            )}
            {snapshot.reportUrl ? (
              <p>
                <a
                  class="button button-secondary"
                  href={snapshot.reportUrl}
                  download
                  data-testid="laporan-snapshot"
                >
                  Unduh temuan (CSV untuk Excel)
                </a>
              </p>
            ) : null}
          </>
        )}
      </Show>
    </section>
  );
}

function FindingsTable({ byCode }: { byCode: Readonly<Record<string, number>> }) {
  const entries = Object.entries(byCode).filter(([, count]) => count > 0);
  if (entries.length === 0) {
    return (
      <p class="notice notice-good">Tidak ada temuan: setiap keluarga memiliki satu kepala dan anggota.</p>
    );
  }
  return (
    <ScrollTable label="Temuan pemeriksaan silang">
      <table class="table" data-testid="temuan">
        <caption class="sr-only">Temuan pemeriksaan silang per jenis</caption>
        <thead>
          <tr>
            <th scope="col">Jenis temuan</th>
            <th scope="col" class="num">
              Jumlah
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([code, count]) => (
            <tr key={code} data-code={code}>
              <th scope="row">{findingLabel(code)}</th>
              <td class="num">{formatNumber(count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

// ─── /pengecualian ─────────────────────────────────────────────────────────────────────────────

export function ExclusionListsPage() {
  const { state } = useApi('ListExclusionLists', {});
  const { scope } = useSignedIn();
  return (
    <section class="card wide" aria-labelledby="judul-pengecualian">
      <PageTitle title="Daftar pengecualian">
        <span id="judul-pengecualian">Daftar pengecualian</span>
      </PageTitle>
      <SectionTabs current="exclusion-lists" />
      <p>
        Keluarga yang tercantum dalam daftar penerima program lain (PKH, BPNT, BLT Dana Desa) tidak ikut KHBS.
        Pemeriksaan kelayakan memakai daftar terbaru dari setiap program dan sumber; daftar yang lebih lama
        tercatat sebagai diganti.
        {scope?.capabilities.has('imports:create') ? (
          <>
            {' '}
            Unggah daftar baru dari halaman <a href={pathTo.familyData()}>Snapshot DTSEN dan impor</a>.
          </>
        ) : null}
      </p>
      <Show state={state} label="Memuat daftar pengecualian…">
        {(body) =>
          body.items.length === 0 ? (
            <p class="empty">Belum ada daftar pengecualian.</p>
          ) : (
            <ScrollTable label="Daftar pengecualian">
              <table class="table" data-testid="daftar-pengecualian">
                <caption class="sr-only">Daftar pengecualian</caption>
                <thead>
                  <tr>
                    <th scope="col">Program</th>
                    <th scope="col">Sumber</th>
                    <th scope="col">Keadaan per</th>
                    <th scope="col">Wilayah</th>
                    <th scope="col" class="num">
                      Entri
                    </th>
                    <th scope="col">Berlaku</th>
                    <th scope="col">Diunggah</th>
                  </tr>
                </thead>
                <tbody>
                  {body.items.map((list) => (
                    <tr key={list.listId} data-list={list.listId}>
                      <td>{list.programme}</td>
                      <td>{list.source}</td>
                      <td>{dayMonthYear(list.asOf)}</td>
                      <td>{regionLabel(list.region)}</td>
                      <td class="num">{formatNumber(list.entries)}</td>
                      <td>
                        <span class={`badge badge-${list.inForce ? 'good' : 'neutral'}`}>
                          {list.inForce ? 'berlaku' : 'diganti daftar lebih baru'}
                        </span>
                      </td>
                      <td>
                        {formatDateTime(list.uploadedAt)}
                        {list.uploadedBy ? <span class="muted-line">{list.uploadedBy.name}</span> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollTable>
          )
        }
      </Show>
    </section>
  );
}
