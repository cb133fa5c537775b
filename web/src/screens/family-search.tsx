import { useState } from 'preact/hooks';
import type { ApiRequest, ApiSuccess } from '#shared/contract/client.ts';
import { RELATIONSHIP_LABEL } from '#shared/domain/family/hubungan.ts';
import { VERVAL_RESULT_LABEL } from '#shared/domain/family/verval.ts';
import { dayMonthYear, type ReasonDetail, reasonWords, regionLabel, tahapName } from '../family-words.ts';
import { formatDate, formatDateTime, formatNumber } from '../format.ts';
import { FormProblem, Loading, PageTitle, Problem } from '../page.tsx';
import { pathTo } from '../router.ts';
import { useSignedIn } from '../session.tsx';
import {
  Fact,
  failureMessage,
  Pager,
  RegionOptions,
  ScrollTable,
  Show,
  useApi,
  useCursorPages,
} from '../ui.tsx';
import { ROLE_LABEL } from '../who.ts';
import { usePlaceNames } from './tahap.tsx';
import './families.css';

/**
 * `/keluarga`: find a family by NIK, by No KK, or by the head's name within a desa; the terms travel
 * in the POST body and stay in the screen's state, never in the address. `/keluarga/{familyId}`: the
 * family's history by its opaque id (never the No KK): each DTSEN snapshot with its members, per tahap
 * the verdict with every reason in words and the verval, and for auditors and admins who read it.
 * Every search answer and every history read is logged by the API (UU PDP); the screen says so.
 */

type FamilyHistory = ApiSuccess<'GetFamily'>['body'];
type FamilySummary = ApiSuccess<'SearchFamilies'>['body']['items'][number];

type Way = 'nik' | 'noKk' | 'name';

const WAY_LABEL: Readonly<Record<Way, string>> = {
  nik: 'NIK anggota keluarga',
  noKk: 'Nomor KK',
  name: 'Nama kepala keluarga dan desa',
};

type Found =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'ok'; readonly items: readonly FamilySummary[]; readonly more: boolean }
  | { readonly kind: 'failed'; readonly message: string };

const digitsOnly = (text: string) => text.replace(/\D/g, '');

// ─── /keluarga ─────────────────────────────────────────────────────────────────────────────────

export function FamilySearchPage() {
  const { call, scope } = useSignedIn();
  const names = usePlaceNames();
  const own = scope !== undefined && scope.regions !== 'all' ? scope.regions[0] : undefined;
  const [way, setWay] = useState<Way>('noKk');
  const [number, setNumber] = useState('');
  const [name, setName] = useState('');
  const [kabupaten, setKabupaten] = useState(own ?? '');
  const [kecamatan, setKecamatan] = useState('');
  const [desa, setDesa] = useState('');
  const [purpose, setPurpose] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [found, setFound] = useState<Found>({ kind: 'idle' });
  const region = own ?? kabupaten;

  const search = async (event: Event) => {
    event.preventDefault();
    setProblem(undefined);
    let body: ApiRequest<'SearchFamilies'>['body'];
    if (way === 'name') {
      if (desa === '') {
        setProblem('Pilih desa tempat keluarga itu tinggal.');
        return;
      }
      body = { name: name.trim(), desaCode: desa };
    } else {
      const digits = digitsOnly(number);
      if (digits.length !== 16) {
        setProblem(`${way === 'nik' ? 'NIK' : 'Nomor KK'} terdiri atas 16 angka.`);
        return;
      }
      body = way === 'nik' ? { nik: digits } : { noKk: digits };
    }
    if (purpose.trim() !== '') body = { ...body, purpose: purpose.trim() };
    setFound({ kind: 'loading' });
    try {
      const answer = await call('SearchFamilies', { body });
      setFound(
        answer.ok
          ? { kind: 'ok', items: answer.body.items, more: answer.body.more }
          : { kind: 'failed', message: failureMessage(answer) },
      );
    } catch {
      setFound({ kind: 'failed', message: 'Server tidak dapat dihubungi. Periksa koneksi internet.' });
    }
  };

  return (
    <section class="card wide" aria-labelledby="judul-cari-keluarga">
      <PageTitle title="Cari keluarga">
        <span id="judul-cari-keluarga">Cari keluarga</span>
      </PageTitle>
      <p class="notice notice-info">
        Setiap pencarian dan setiap pembukaan riwayat keluarga dicatat atas nama Anda (UU Pelindungan Data
        Pribadi). Cari hanya keluarga yang sedang Anda tangani.
      </p>
      <form class="family-form" aria-labelledby="judul-form-cari" onSubmit={search} data-testid="form-cari">
        <h2 id="judul-form-cari">Cara mencari</h2>
        <fieldset class="ways">
          <legend>Cari dengan</legend>
          {(Object.keys(WAY_LABEL) as Way[]).map((value) => (
            <label key={value} class="choice">
              <input
                type="radio"
                name="cara"
                value={value}
                checked={way === value}
                onChange={() => {
                  setWay(value);
                  setProblem(undefined);
                }}
              />{' '}
              {WAY_LABEL[value]}
            </label>
          ))}
        </fieldset>
        {way === 'name' ? (
          <div class="upload-fields">
            <label class="field">
              Nama kepala keluarga (awal nama, paling sedikit 3 huruf)
              <input
                name="nama"
                value={name}
                required
                minLength={3}
                maxLength={60}
                autocomplete="off"
                spellcheck={false}
                onInput={(event) => setName(event.currentTarget.value)}
              />
            </label>
            {own === undefined ? (
              <label class="field">
                Kabupaten/kota
                <select
                  name="kabupaten"
                  value={kabupaten}
                  onChange={(event) => {
                    setKabupaten(event.currentTarget.value);
                    setKecamatan('');
                    setDesa('');
                  }}
                >
                  <RegionOptions none="Pilih…" />
                </select>
              </label>
            ) : null}
            <label class="field">
              Kecamatan
              <select
                name="kecamatan"
                value={kecamatan}
                disabled={region === '' || !names.ready}
                onChange={(event) => {
                  setKecamatan(event.currentTarget.value);
                  setDesa('');
                }}
              >
                <option value="">{names.ready ? 'Pilih…' : 'Memuat…'}</option>
                {region === ''
                  ? null
                  : names.within(region).map(([code, label]) => (
                      <option key={code} value={code}>
                        {label}
                      </option>
                    ))}
              </select>
            </label>
            <label class="field">
              Desa/kelurahan
              <select
                name="desa"
                value={desa}
                disabled={kecamatan === ''}
                onChange={(event) => setDesa(event.currentTarget.value)}
              >
                <option value="">Pilih…</option>
                {kecamatan === ''
                  ? null
                  : names.within(kecamatan).map(([code, label]) => (
                      <option key={code} value={code}>
                        {label}
                      </option>
                    ))}
              </select>
            </label>
          </div>
        ) : (
          <div class="upload-fields">
            <label class="field">
              {way === 'nik' ? 'NIK (16 angka)' : 'Nomor KK (16 angka)'}
              <input
                name="nomor"
                inputMode="numeric"
                autocomplete="off"
                required
                maxLength={24}
                value={number}
                onInput={(event) => setNumber(event.currentTarget.value)}
              />
            </label>
          </div>
        )}
        <label class="field">
          Keperluan (opsional, dicatat bersama pencarian; jangan tulis data pribadi)
          <input
            name="keperluan"
            maxLength={200}
            value={purpose}
            onInput={(event) => setPurpose(event.currentTarget.value)}
          />
        </label>
        <FormProblem title="Belum dapat dicari" problem={problem} />
        <div class="actions">
          <button type="submit" class="button" disabled={found.kind === 'loading'}>
            {found.kind === 'loading' ? 'Mencari…' : 'Cari keluarga'}
          </button>
        </div>
      </form>
      <FoundFamilies found={found} names={names} />
    </section>
  );
}

function FoundFamilies({ found, names }: { found: Found; names: ReturnType<typeof usePlaceNames> }) {
  if (found.kind === 'idle') return null;
  if (found.kind === 'loading') return <Loading label="Mencari keluarga…" />;
  if (found.kind === 'failed') {
    return (
      <Problem title="Pencarian gagal">
        <p>{found.message}</p>
      </Problem>
    );
  }
  return (
    <section class="part" aria-labelledby="judul-hasil-cari">
      <h2 id="judul-hasil-cari">Hasil pencarian</h2>
      <p class="muted" role="status" data-testid="ringkasan-cari">
        {found.items.length === 0
          ? 'Tidak ada keluarga yang cocok di wilayah yang dapat Anda lihat.'
          : `${formatNumber(found.items.length)} keluarga ditemukan.`}
        {found.more ? ' Masih ada keluarga lain dengan awal nama itu: tulis nama lebih lengkap.' : ''}
      </p>
      {found.items.length > 0 ? (
        <ScrollTable label="Keluarga yang ditemukan">
          <table class="table" data-testid="hasil-cari-keluarga">
            <caption class="sr-only">Keluarga yang ditemukan</caption>
            <thead>
              <tr>
                <th scope="col">Kepala keluarga</th>
                <th scope="col">No KK</th>
                <th scope="col">Kabupaten/kota</th>
                <th scope="col">Kecamatan / desa</th>
                <th scope="col" class="num">
                  Anggota
                </th>
                <th scope="col" class="num">
                  Desil
                </th>
                <th scope="col">Snapshot terbaru</th>
                <th scope="col">Riwayat</th>
              </tr>
            </thead>
            <tbody>
              {found.items.map((family) => (
                <tr key={family.familyId} data-family={family.familyId}>
                  <td>{family.namaKepalaKeluarga ?? '—'}</td>
                  <td class="code">{family.noKk}</td>
                  <td>{family.regionName ?? regionLabel(family.region)}</td>
                  <td>
                    {family.kecamatanName ?? names.kecamatan(family.kecamatanCode)} /{' '}
                    {family.desaName ?? names.desa(family.desaCode)}
                  </td>
                  <td class="num">{formatNumber(family.memberCount)}</td>
                  <td class="num">{family.desil}</td>
                  <td>{family.snapshots[0] ? formatDate(family.snapshots[0].versionDate) : '—'}</td>
                  <td>
                    <a href={pathTo.family(family.familyId)}>
                      Lihat riwayat
                      <span class="sr-only"> keluarga {family.namaKepalaKeluarga ?? family.noKk}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      ) : null}
    </section>
  );
}

// ─── /keluarga/{familyId} ──────────────────────────────────────────────────────────────────────

export function FamilyPage({ familyId }: { familyId: string }) {
  const { scope } = useSignedIn();
  const { state } = useApi('GetFamily', { params: { familyId }, query: {} });
  const mayAudit = scope?.capabilities.has('families:audit') ?? false;
  const head = state.kind === 'ok' ? state.body.family.namaKepalaKeluarga : undefined;
  const title = head ? `Riwayat keluarga ${head}` : 'Riwayat keluarga';
  return (
    <section class="card wide" aria-labelledby="judul-keluarga">
      <PageTitle title="Riwayat keluarga">
        <span id="judul-keluarga">{title}</span>
      </PageTitle>
      <p>
        <a href={pathTo.familySearch()}>← Cari keluarga lain</a>
      </p>
      <Show state={state} label="Memuat riwayat keluarga…">
        {(history) => (
          <>
            <FamilyFacts history={history} />
            <TahapVerdicts history={history} />
            <ProposalsAndDecrees history={history} />
            <Snapshots history={history} />
            {/* After the history: the read just made is in the log. */}
            {mayAudit ? <ReadLog familyId={familyId} /> : null}
          </>
        )}
      </Show>
    </section>
  );
}

function FamilyFacts({ history }: { history: FamilyHistory }) {
  const names = usePlaceNames();
  const { family } = history;
  return (
    <dl class="facts" data-testid="fakta-keluarga">
      <Fact label="No KK">
        <span class="code" data-testid="no-kk">
          {family.noKk}
        </span>
      </Fact>
      <Fact label="Kepala keluarga">{family.namaKepalaKeluarga ?? '—'}</Fact>
      <Fact label="Kabupaten/kota">{family.regionName ?? regionLabel(family.region)}</Fact>
      <Fact label="Kecamatan">{family.kecamatanName ?? names.kecamatan(family.kecamatanCode)}</Fact>
      <Fact label="Desa/kelurahan">{family.desaName ?? names.desa(family.desaCode)}</Fact>
      <Fact label="Anggota">{formatNumber(family.memberCount)}</Fact>
      <Fact label="Desil">{family.desil}</Fact>
    </dl>
  );
}

function TahapVerdicts({ history }: { history: FamilyHistory }) {
  return (
    <section class="part" aria-labelledby="judul-keputusan">
      <h2 id="judul-keputusan">Hasil per tahap</h2>
      {history.tahap.length === 0 ? (
        <p class="empty">Keluarga ini belum tercakup tahap mana pun.</p>
      ) : (
        <ScrollTable label="Hasil pemeriksaan kelayakan dan verval per tahap">
          <table class="table" data-testid="keputusan-tahap">
            <caption class="sr-only">Hasil pemeriksaan kelayakan dan verval per tahap</caption>
            <thead>
              <tr>
                <th scope="col">Tahap</th>
                <th scope="col">Kelayakan</th>
                <th scope="col" class="reason-col">
                  Alasan
                </th>
                <th scope="col">Verval</th>
              </tr>
            </thead>
            <tbody>
              {history.tahap.map((entry) => (
                <tr key={`${entry.tahapId}-${entry.region}`} data-tahap={entry.tahapId}>
                  <td>
                    <a href={pathTo.tahap(entry.tahapId)}>{entry.label || tahapName(entry.tahapId)}</a>
                  </td>
                  <td data-status={entry.eligibility?.status}>
                    {entry.eligibility === null
                      ? 'Belum ada hasil pemeriksaan'
                      : entry.eligibility.status === 'ELIGIBLE'
                        ? entry.eligibility.reserve
                          ? `Layak, cadangan${entry.eligibility.rank !== undefined ? ` (peringkat ${entry.eligibility.rank})` : ''}`
                          : `Layak${entry.eligibility.rank !== undefined ? ` (peringkat ${entry.eligibility.rank})` : ''}`
                        : 'Dikecualikan'}
                  </td>
                  <td class="reason-col">
                    {entry.eligibility === null || entry.eligibility.reasons.length === 0 ? (
                      <span class="muted">—</span>
                    ) : (
                      <ul class="plain">
                        {entry.eligibility.reasons.map((reason) => (
                          <li key={JSON.stringify(reason)} data-reason={reason.reason}>
                            {reasonWords(reason as ReasonDetail)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td data-result={entry.verval?.result}>
                    {entry.verval === null ? (
                      <span class="muted">Belum dikunjungi</span>
                    ) : (
                      <>
                        {VERVAL_RESULT_LABEL[entry.verval.result]}
                        {entry.verval.inTahap ? '' : ' (keluar dari tahap)'}
                        <span class="verval-detail">
                          {dayMonthYear(entry.verval.tanggal)} · BA {entry.verval.nomorBeritaAcara} · relawan{' '}
                          {entry.verval.relawan}
                        </span>
                        {entry.verval.penerimaChanged ? (
                          <span class="verval-detail">
                            Penerima diganti
                            {entry.verval.penerimaNik ? ` (NIK ${entry.verval.penerimaNik})` : ''}
                          </span>
                        ) : null}
                        {entry.verval.keterangan ? (
                          <span class="verval-detail">{entry.verval.keterangan}</span>
                        ) : null}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
    </section>
  );
}

function ProposalsAndDecrees({ history }: { history: FamilyHistory }) {
  if (history.proposals.length === 0 && history.decrees.length === 0) return null;
  return (
    <section class="part" aria-labelledby="judul-usulan-keluarga">
      <h2 id="judul-usulan-keluarga">Daftar KPM dan SK yang memuat keluarga ini</h2>
      <ul class="plain">
        {history.proposals.map((proposal) => (
          <li key={proposal.proposalId}>
            <a href={pathTo.proposal(proposal.proposalId)}>Usulan {proposal.proposalId}</a>
          </li>
        ))}
        {history.decrees.map((decree) => (
          <li key={decree.decreeId}>
            <a href={pathTo.decree(decree.decreeId)}>SK {decree.number ?? decree.decreeId}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Snapshots({ history }: { history: FamilyHistory }) {
  const names = usePlaceNames();
  return (
    <section class="part" aria-labelledby="judul-snapshot-keluarga">
      <h2 id="judul-snapshot-keluarga">Data DTSEN per snapshot</h2>
      {history.snapshots.map((snapshot) => {
        const label = `${regionLabel(snapshot.region)}, versi ${formatDate(snapshot.versionDate)}`;
        return (
          <article
            key={`${snapshot.region}-${snapshot.versionDate}`}
            class="family-snapshot"
            data-snapshot={snapshot.versionDate}
          >
            <h3>
              <a href={pathTo.snapshot(snapshot.region, snapshot.versionDate)}>Snapshot {label}</a>
            </h3>
            <p>
              {snapshot.namaKepalaKeluarga ? `Kepala keluarga ${snapshot.namaKepalaKeluarga} · ` : ''}
              Desa {names.desa(snapshot.desaCode)}, Kecamatan {names.kecamatan(snapshot.kecamatanCode)}
              {snapshot.alamat ? ` · ${snapshot.alamat}` : ''} · desil {snapshot.desil}
            </p>
            <ScrollTable label={`Anggota keluarga, snapshot ${label}`}>
              <table class="table" data-testid="anggota-keluarga">
                <caption class="sr-only">Anggota keluarga, snapshot {label}</caption>
                <thead>
                  <tr>
                    <th scope="col">Nama</th>
                    <th scope="col">NIK</th>
                    <th scope="col">Hubungan</th>
                    <th scope="col">Jenis kelamin</th>
                    <th scope="col" class="num">
                      Umur
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {snapshot.members.map((member) => (
                    <tr key={`${member.nik}-${member.nama}`}>
                      <td>{member.nama}</td>
                      <td class="code">{member.nik}</td>
                      <td>{RELATIONSHIP_LABEL[member.hubungan]}</td>
                      <td>
                        {member.jenisKelamin === 'L'
                          ? 'Laki-laki'
                          : member.jenisKelamin === 'P'
                            ? 'Perempuan'
                            : '—'}
                      </td>
                      <td class="num">{member.umur === undefined ? '—' : `${member.umur} tahun`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollTable>
          </article>
        );
      })}
    </section>
  );
}

const READ_ROUTE_LABEL: Readonly<Record<string, string>> = {
  SearchFamilies: 'Pencarian keluarga',
  GetFamily: 'Membuka riwayat keluarga',
  GetTahapFile: 'Mengunduh lembar verval desa',
  SearchTahapFamilies: 'Melihat keluarga desa dan hasil kelayakan',
  GetVervalProgress: 'Melihat kemajuan verval desa',
  ListRecipients: 'Melihat daftar KPM',
  SearchRecipients: 'Mencari dalam daftar KPM',
};

type Read = {
  readonly at: string;
  readonly who: {
    sub: string;
    name: string;
    role: string;
    region?: string | undefined;
    opd?: string | undefined;
  };
  readonly route: string;
  readonly purpose?: string | undefined;
};

/** Who, when, their role and where they work, how they read: one row of a read log table. */
function ReadCells({ read }: { read: Read }) {
  return (
    <>
      <td>{formatDateTime(read.at)}</td>
      <td>{read.who.name}</td>
      <td>{ROLE_LABEL[read.who.role as keyof typeof ROLE_LABEL] ?? read.who.role}</td>
      <td>{read.who.region ? regionLabel(read.who.region) : (read.who.opd ?? '—')}</td>
      <td data-route={read.route}>{READ_ROUTE_LABEL[read.route] ?? read.route}</td>
    </>
  );
}

/** Who read the family (auditor, admin): newest first, paged by the API's cursor. */
function ReadLog({ familyId }: { familyId: string }) {
  const pages = useCursorPages();
  const { state } = useApi('ListFamilyReads', {
    params: { familyId },
    query: { limit: '50', ...(pages.cursor ? { cursor: pages.cursor } : {}) },
  });
  return (
    <section class="part" aria-labelledby="judul-riwayat-akses">
      <h2 id="judul-riwayat-akses">Riwayat akses</h2>
      <p class="muted">Siapa saja yang mencari atau membuka data keluarga ini, terbaru di atas.</p>
      <Show state={state} label="Memuat riwayat akses…">
        {(body) => (
          <>
            {body.items.length === 0 ? (
              <p class="empty">Belum ada yang membaca data keluarga ini.</p>
            ) : (
              <ScrollTable label="Riwayat akses data keluarga">
                <table class="table" data-testid="riwayat-akses">
                  <caption class="sr-only">Riwayat akses data keluarga</caption>
                  <thead>
                    <tr>
                      <th scope="col">Waktu</th>
                      <th scope="col">Oleh</th>
                      <th scope="col">Peran</th>
                      <th scope="col">Wilayah atau OPD</th>
                      <th scope="col">Cara</th>
                      <th scope="col">Keperluan</th>
                    </tr>
                  </thead>
                  <tbody>
                    {body.items.map((read) => (
                      <tr key={`${read.at}-${read.who.sub}-${read.route}`} data-reader={read.who.sub}>
                        <ReadCells read={read} />
                        <td>{read.purpose ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollTable>
            )}
            <Pager
              page={pages.page}
              hasNext={body.nextCursor !== undefined}
              onPrevious={pages.previous}
              onNext={() => body.nextCursor && pages.next(body.nextCursor)}
              label="Halaman riwayat akses"
            />
            <h3 id="judul-akses-daftar">Akses lewat daftar dan lembar desa</h3>
            <p class="muted">
              Pembacaan banyak keluarga sekaligus yang mencakup keluarga ini: lembar verval dan daftar
              keluarga desanya, dan daftar KPM yang memuatnya (100 terbaru).
            </p>
            {body.covering.length === 0 ? (
              <p class="empty">Belum ada.</p>
            ) : (
              <ScrollTable label="Akses lewat daftar dan lembar desa">
                <table class="table" data-testid="akses-daftar">
                  <caption class="sr-only">Akses lewat daftar dan lembar desa</caption>
                  <thead>
                    <tr>
                      <th scope="col">Waktu</th>
                      <th scope="col">Oleh</th>
                      <th scope="col">Peran</th>
                      <th scope="col">Wilayah atau OPD</th>
                      <th scope="col">Cara</th>
                      <th scope="col">Yang dibaca</th>
                    </tr>
                  </thead>
                  <tbody>
                    {body.covering.map((read) => (
                      <tr key={`${read.at}-${read.who.sub}-${read.route}`} data-reader={read.who.sub}>
                        <ReadCells read={read} />
                        <td>
                          {read.read.kind === 'DESA'
                            ? `Desa ${read.read.desaCode}, tahap ${read.read.tahapId}`
                            : read.read.kind === 'FILE'
                              ? `${FILE_WORDS[read.read.file] ?? `Berkas ${read.read.file}`} ${regionLabel(read.read.region)}`
                              : `Daftar KPM ${read.read.proposalId}`}
                          {` (${formatNumber(read.read.families)} keluarga)`}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollTable>
            )}
          </>
        )}
      </Show>
    </section>
  );
}

/** The distribution's generated files, as a family's read log names them (others by their code). */
const FILE_WORDS: Readonly<Record<string, string>> = {
  KARTU_CETAK: 'Berkas cetak kartu',
};
