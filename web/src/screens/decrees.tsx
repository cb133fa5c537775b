import { useEffect, useState } from 'preact/hooks';
import type { DecreeDetail, DecreeSummary } from '#shared/contract/responses.ts';
import { COMPONENT_LABEL, type Component } from '#shared/domain/family/tahap.ts';
import { REGIONS } from '#shared/domain/regions.ts';
import { tahapName } from '../family-words.ts';
import { formatDate, formatDateTime, formatNumber, formatRupiah } from '../format.ts';
import { PageTitle } from '../page.tsx';
import { navigate, pathTo, useQuery } from '../router.ts';
import { useSignedIn } from '../session.tsx';
import { ActionOutcome, Confirm, Fact, RegionOptions, ScrollTable, Show, useAction, useApi } from '../ui.tsx';
import './decrees.css';
import { RoleAmounts } from './role-amounts.tsx';

/**
 * `/sk`: a year's decrees (SK Gubernur), by number; `/sk/{id}`: one decree with everything printed
 * on it, its PDF, the public verification link, and, for the approver, its revocation with a reason.
 * A revoked decree points to its replacement once there is one; a replacement to what it replaces.
 * Two kinds: a BKK decree (recipients by role) and a KPM decree (`SK-KPM-62.03-2026-1`, the families
 * of a kabupaten for a tahap, by component: tunai and pangan).
 */

/** The first year a decree can carry (the API's lower bound). */
const FIRST_YEAR = 2020;

/** This year in WIB: a decree dated 1 January WIB belongs to the new year even at 20.00 UTC. */
export function yearInWib(now: Date = new Date()): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Jakarta', year: 'numeric' }).format(now));
}

/** What a decree is, in a few words: `Penetapan KPM — Kapuas, Tahap 1 Tahun 2026`. */
export function decreeHeadline(
  decree: Pick<DecreeSummary, 'kind' | 'region' | 'regionName' | 'period' | 'periodLabel'>,
): string {
  const region = REGIONS.find((entry) => entry.code === decree.region);
  const place = region?.shortName ?? decree.regionName ?? decree.region;
  const what = decree.kind === 'KPM' ? 'Penetapan KPM' : 'Bantuan Keuangan Khusus';
  const when = decree.periodLabel ?? (decree.kind === 'KPM' ? tahapName(decree.period) : decree.period);
  return `${what} — ${place}, ${when}`;
}

/** The decree's kind in words, as a short label. */
const KIND_LABEL = { BKK: 'BKK (unsur pendukung)', KPM: 'KPM (keluarga penerima manfaat)' } as const;

export function DecreesPage() {
  const query = useQuery();
  const thisYear = yearInWib();
  const asked = Number(query.get('tahun'));
  const year = Number.isInteger(asked) && asked >= FIRST_YEAR && asked <= thisYear + 1 ? asked : thisYear;
  // The kind and the kabupaten filter the year's list here (the API lists a year; an operator's own region).
  const kind = query.get('jenis') === 'KPM' || query.get('jenis') === 'BKK' ? query.get('jenis') : '';
  const region = REGIONS.some((entry) => entry.code === query.get('wilayah'))
    ? (query.get('wilayah') ?? '')
    : '';
  const { state } = useApi('ListDecrees', { query: { year: String(year) } });
  const years: number[] = [];
  for (let value = thisYear + 1; value >= FIRST_YEAR; value--) years.push(value);
  const filters = { tahun: String(year), jenis: kind || undefined, wilayah: region || undefined };
  const change = (name: 'tahun' | 'jenis' | 'wilayah', value: string) =>
    navigate(pathTo.decrees({ ...filters, [name]: value || undefined }), { replace: true });
  return (
    <section class="card wide" aria-labelledby="judul-sk">
      <PageTitle title="SK Gubernur">
        <span id="judul-sk">SK Gubernur</span>
      </PageTitle>
      <form class="filters" aria-label="Saring SK" onSubmit={(event) => event.preventDefault()}>
        <label>
          Tahun
          <select
            name="tahun"
            value={String(year)}
            onChange={(event) => change('tahun', event.currentTarget.value)}
          >
            {years.map((value) => (
              <option key={value} value={String(value)}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label>
          Jenis SK
          <select
            name="jenis"
            value={kind ?? ''}
            onChange={(event) => change('jenis', event.currentTarget.value)}
          >
            <option value="">Semua jenis</option>
            <option value="BKK">{KIND_LABEL.BKK}</option>
            <option value="KPM">{KIND_LABEL.KPM}</option>
          </select>
        </label>
        <label>
          Kabupaten/kota
          <select
            name="wilayah"
            value={region}
            onChange={(event) => change('wilayah', event.currentTarget.value)}
          >
            <RegionOptions none="Semua kabupaten/kota" />
          </select>
        </label>
      </form>
      <Show state={state} label="Memuat SK…">
        {(body) => (
          <DecreeTable
            year={body.year}
            filtered={kind !== '' || region !== ''}
            items={body.items.filter(
              (item) => (kind === '' || item.kind === kind) && (region === '' || item.region === region),
            )}
          />
        )}
      </Show>
    </section>
  );
}

function DecreeTable({
  year,
  items,
  filtered,
}: {
  year: number;
  items: readonly DecreeSummary[];
  filtered: boolean;
}) {
  if (items.length === 0) {
    return (
      <p class="empty" data-testid="kosong">
        {filtered
          ? `Tidak ada SK Gubernur tahun ${year} yang sesuai dengan pilihan ini.`
          : `Belum ada SK Gubernur pada tahun ${year}.`}
      </p>
    );
  }
  return (
    <ScrollTable label={`SK Gubernur tahun ${year}`}>
      <table class="table decrees-table" data-testid="daftar-sk">
        <caption class="sr-only">SK Gubernur tahun {year}</caption>
        <thead>
          <tr>
            <th scope="col">Nomor</th>
            <th scope="col">Tanggal</th>
            <th scope="col">Perihal</th>
            <th scope="col">Kabupaten/kota</th>
            <th scope="col">Periode/tahap</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Penerima/KPM
            </th>
            <th scope="col" class="num">
              Total
            </th>
            <th scope="col">Keterangan</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.decreeId} data-decree={item.decreeId} data-kind={item.kind}>
              <td>
                <a href={pathTo.decree(item.decreeId)}>{item.number}</a>
              </td>
              <td>{formatDate(item.decreeDate)}</td>
              <td data-testid="perihal-sk" title={item.title}>
                {decreeHeadline(item)}
              </td>
              <td>{item.regionName ?? item.region}</td>
              <td>{item.periodLabel ?? item.period}</td>
              <td>
                <DecreeBadge decree={item} />
              </td>
              <td class="num">
                {formatNumber(item.recipientCount)}
                {item.kind === 'KPM' ? ' keluarga' : ''}
              </td>
              <td class="num">{item.total === undefined ? '—' : formatRupiah(item.total)}</td>
              <td>
                <Lineage decree={item} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

function DecreeBadge({ decree }: { decree: Pick<DecreeSummary, 'status' | 'statusLabel'> }) {
  const tone = decree.status === 'ISSUED' ? 'good' : decree.status === 'REVOKED' ? 'bad' : 'neutral';
  return (
    <span class={`badge badge-${tone}`} data-status={decree.status} data-testid="status-sk">
      {decree.statusLabel}
    </span>
  );
}

/** What a decree replaces and what replaced it, as links. */
function Lineage({ decree }: { decree: Pick<DecreeSummary, 'replaces' | 'replacedBy'> }) {
  if (decree.replaces === undefined && decree.replacedBy === undefined) return <>—</>;
  return (
    <>
      {decree.replaces ? (
        <span class="lineage">
          Menggantikan <a href={pathTo.decree(decree.replaces.decreeId)}>{decree.replaces.number}</a> (dicabut{' '}
          {formatDate(decree.replaces.revokedOn)})
        </span>
      ) : null}
      {decree.replacedBy ? (
        <span class="lineage" data-testid="pengganti">
          Diganti oleh <a href={pathTo.decree(decree.replacedBy.decreeId)}>{decree.replacedBy.number}</a>
        </span>
      ) : null}
    </>
  );
}

export function DecreePage({ decreeId }: { decreeId: string }) {
  const { state, reload } = useApi('GetDecree', { params: { decreeId } });
  const [said, setSaid] = useState<string | undefined>();
  // The replacement's link leads here too: what was said of the revoked decree is not said of it.
  useEffect(() => setSaid(undefined), [decreeId]);
  return (
    <section class="card wide decree" aria-labelledby="judul-sk">
      <PageTitle title={`SK ${decreeId}`}>
        <span id="judul-sk">SK Gubernur</span>
      </PageTitle>
      {said === undefined ? null : (
        <p class="notice notice-good" role="status">
          {said}
        </p>
      )}
      <Show state={state} label="Memuat SK…">
        {(decree) => (
          <DecreeView
            key={decree.decreeId}
            decree={decree}
            onRevoked={() => {
              setSaid(
                'SK telah dicabut. Kabupaten/kota dapat mengajukan daftar perbaikan sebagai penggantinya.',
              );
              reload();
            }}
          />
        )}
      </Show>
    </section>
  );
}

function DecreeView({ decree, onRevoked }: { decree: DecreeDetail; onRevoked: () => void }) {
  const { scope } = useSignedIn();
  const verifyPath = `/verify/${encodeURIComponent(decree.verifyCode)}`;
  return (
    <>
      <p class="decree-number" data-testid="nomor-sk">
        Nomor {decree.number}
      </p>
      <p class="decree-title" data-testid="judul-isi-sk">
        {decreeHeadline(decree)}
      </p>
      {decree.status === 'REVOKED' ? (
        <div class="notice notice-bad" role="note" data-testid="pencabutan">
          <p class="notice-title">SK ini telah dicabut</p>
          <p>
            {decree.revokedAt ? `Dicabut ${formatDateTime(decree.revokedAt)}` : 'Dicabut'}
            {decree.revokedBy ? ` oleh ${decree.revokedBy}` : ''}.
          </p>
          {decree.revocationReason ? <p class="reason">Alasan: {decree.revocationReason}</p> : null}
          {decree.replacedBy ? (
            <p>
              Penggantinya:{' '}
              <a href={pathTo.decree(decree.replacedBy.decreeId)} data-testid="tautan-pengganti">
                SK {decree.replacedBy.number}
              </a>
            </p>
          ) : (
            <p>Belum ada SK pengganti.</p>
          )}
        </div>
      ) : null}
      {decree.replaces ? (
        <p class="notice notice-info">
          SK ini menggantikan{' '}
          <a href={pathTo.decree(decree.replaces.decreeId)}>SK {decree.replaces.number}</a>, yang dicabut{' '}
          {formatDate(decree.replaces.revokedOn)}.
        </p>
      ) : null}
      <dl class="facts" data-testid="fakta-sk">
        <Fact label="Status">
          <DecreeBadge decree={decree} />
        </Fact>
        <Fact label="Jenis">{KIND_LABEL[decree.kind]}</Fact>
        <Fact label="Tentang">{decree.title}</Fact>
        <Fact label="Tanggal SK">{formatDate(decree.decreeDate)}</Fact>
        <Fact label="Kabupaten/kota">{decree.regionName ?? decree.region}</Fact>
        {decree.kind === 'KPM' ? (
          <Fact label="Tahap">
            <a href={pathTo.tahap(decree.tahapId ?? decree.period)} data-testid="tautan-tahap">
              {decree.periodLabel ?? tahapName(decree.tahapId ?? decree.period)}
            </a>
          </Fact>
        ) : (
          <Fact label="Periode">{decree.periodLabel ?? decree.period}</Fact>
        )}
        <Fact label="Usulan">
          <a href={pathTo.proposal(decree.proposalId)}>{decree.proposalId}</a>
        </Fact>
        {decree.kind === 'KPM' ? (
          <>
            <Fact label="Keluarga penerima manfaat">{formatNumber(decree.recipientCount)} keluarga</Fact>
            {decree.memberCount !== undefined ? (
              <Fact label="Anggota keluarga">{formatNumber(decree.memberCount)} jiwa</Fact>
            ) : null}
          </>
        ) : (
          <Fact label="Penerima">{formatNumber(decree.recipientCount)}</Fact>
        )}
        <Fact label="Total">{decree.total === undefined ? '—' : formatRupiah(decree.total)}</Fact>
        <Fact label="Penandatangan">
          {decree.signer.title}, {decree.signer.name}
        </Fact>
        <Fact label="Disetujui oleh">{decree.approvedBy}</Fact>
        {decree.issuedAt ? <Fact label="Diterbitkan">{formatDateTime(decree.issuedAt)}</Fact> : null}
        <Fact label="Kode verifikasi">
          <span class="code">{decree.verifyCode}</span> ·{' '}
          <a href={verifyPath} data-testid="tautan-verifikasi">
            Halaman verifikasi publik
          </a>
        </Fact>
        <Fact label="SHA-256 PDF">
          <span class="code hash">{decree.sha256 ?? '—'}</span>
        </Fact>
        {decree.pages !== undefined ? (
          <Fact label="Berkas">
            {decree.pages} halaman
            {decree.bytes !== undefined ? `, ${formatNumber(Math.ceil(decree.bytes / 1024))} KB` : ''}
          </Fact>
        ) : null}
      </dl>
      {decree.ratesArePlaceholders ? (
        <p class="notice notice-info">
          Jumlah Rupiah pada SK ini dihitung dengan tarif sementara (belum ditetapkan).
        </p>
      ) : null}
      <div class="actions">
        {decree.pdfUrl ? (
          <a class="button" href={decree.pdfUrl} target="_blank" rel="noopener" data-testid="buka-pdf">
            Buka PDF<span class="sr-only"> (tab baru)</span>
          </a>
        ) : (
          <p class="muted">PDF belum tersedia (SK sedang diterbitkan).</p>
        )}
      </div>
      {decree.byRole && decree.byRole.length > 0 ? (
        <section class="part" aria-labelledby="judul-per-peran">
          <h2 id="judul-per-peran">Rincian menurut peran</h2>
          <RoleAmounts
            label="Penerima dan jumlah menurut peran"
            amountHeading="Jumlah"
            rows={decree.byRole}
          />
        </section>
      ) : null}
      {decree.byComponent && decree.byComponent.length > 0 ? (
        <section class="part" aria-labelledby="judul-per-komponen">
          <h2 id="judul-per-komponen">Rincian menurut komponen</h2>
          <ComponentAmounts rows={decree.byComponent} total={decree.total} />
        </section>
      ) : null}
      {scope?.capabilities.has('decrees:revoke') && decree.status === 'ISSUED' ? (
        <RevokeForm decree={decree} onRevoked={onRevoked} />
      ) : null}
    </>
  );
}

/** A KPM decree's families and Rupiah per component (tunai, pangan), with what one family receives. */
function ComponentAmounts({
  rows,
  total,
}: {
  rows: NonNullable<DecreeDetail['byComponent']>;
  total: number | undefined;
}) {
  const label = 'Keluarga penerima manfaat dan jumlah bantuan menurut komponen';
  return (
    <ScrollTable label={label}>
      <table class="table" data-testid="rincian-komponen">
        <caption class="sr-only">{label}</caption>
        <thead>
          <tr>
            <th scope="col">Komponen</th>
            <th scope="col" class="num">
              Jumlah KPM
            </th>
            <th scope="col" class="num">
              Per KPM
            </th>
            <th scope="col" class="num">
              Jumlah
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.component} data-component={row.component}>
              <th scope="row">{COMPONENT_LABEL[row.component as Component] ?? row.component}</th>
              <td class="num">{formatNumber(row.count)}</td>
              <td class="num">{row.count > 0 ? formatRupiah(Math.round(row.amount / row.count)) : '—'}</td>
              <td class="num">{formatRupiah(row.amount)}</td>
            </tr>
          ))}
        </tbody>
        {total !== undefined ? (
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                Total
              </th>
              <td class="num" data-testid="total-rupiah">
                {formatRupiah(total)}
              </td>
            </tr>
          </tfoot>
        ) : null}
      </table>
    </ScrollTable>
  );
}

function RevokeForm({ decree, onRevoked }: { decree: DecreeDetail; onRevoked: () => void }) {
  const revoke = useAction('RevokeDecree');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [asking, setAsking] = useState(false);
  return (
    <section class="part revoke" aria-labelledby="judul-cabut">
      <h2 id="judul-cabut">Cabut SK</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (reason.trim().length < 10) {
            setProblem('Tulis alasan pencabutan, minimal 10 karakter.');
            return;
          }
          setProblem(undefined);
          setAsking(true);
        }}
      >
        <div class="field">
          <label for="alasan-pencabutan">Alasan pencabutan</label>
          <span id="alasan-pencabutan-petunjuk" class="muted hint">
            Alasan dicatat di jejak audit (minimal 10 karakter). Halaman verifikasi publik akan menyatakan SK
            ini dicabut.
          </span>
          <textarea
            id="alasan-pencabutan"
            value={reason}
            maxLength={2000}
            aria-invalid={problem !== undefined}
            aria-describedby={`alasan-pencabutan-petunjuk${problem ? ' alasan-pencabutan-masalah' : ''}`}
            onInput={(event) => setReason(event.currentTarget.value)}
          />
          {problem ? (
            <span id="alasan-pencabutan-masalah" class="field-problem" role="alert">
              {problem}
            </span>
          ) : null}
        </div>
        <div class="actions">
          <button type="submit" class="button button-danger" disabled={revoke.busy}>
            Cabut SK
          </button>
        </div>
      </form>
      <ActionOutcome<'RevokeDecree'> result={revoke.last} />
      <Confirm
        open={asking}
        title={`Cabut SK ${decree.number}?`}
        confirmLabel="Ya, cabut SK"
        busy={revoke.busy}
        onCancel={() => setAsking(false)}
        onConfirm={async () => {
          const result = await revoke.run({
            params: { decreeId: decree.decreeId },
            body: { reason: reason.trim() },
          });
          setAsking(false);
          if (result?.kind === 'done') onRevoked();
        }}
      >
        <p>
          SK yang dicabut tidak berlaku lagi dan tidak dapat diberlakukan kembali. Halaman verifikasi publik
          akan menyatakan SK ini dicabut. Kabupaten/kota kemudian dapat mengajukan daftar perbaikan, yang
          SK-nya menjadi pengganti SK ini.
        </p>
      </Confirm>
    </section>
  );
}
