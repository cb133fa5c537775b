import { useEffect, useState } from 'preact/hooks';
import { RECIPIENT_FILTER_CODES } from '#shared/contract/requests.ts';
import { FLAG_CODES, FLAGS, type FlagCode } from '#shared/domain/checks.ts';
import { RELATIONSHIP_LABEL } from '#shared/domain/family/hubungan.ts';
import { VERVAL_RESULT_LABEL } from '#shared/domain/family/verval.ts';
import type { WarningCode } from '#shared/domain/issues.ts';
import { kindOfProposal } from '#shared/domain/proposal.ts';
import { roleLabel } from '#shared/domain/roles.ts';
import type { StoredRecipient } from '#shared/model.ts';
import { dayMonthYear } from '../family-words.ts';
import { formatNumber } from '../format.ts';
import { Loading, PageTitle, Problem } from '../page.tsx';
import { navigate, pathTo, useQuery } from '../router.ts';
import { useSignedIn } from '../session.tsx';
import { failureMessage, Pager, ScrollTable, Show, useApi, useCursorPages } from '../ui.tsx';
import './recipients.css';

/**
 * `/usulan/{id}/penerima`: the current list, 50 at a time, filtered by a warning of the import or a
 * finding of the checks (`?tanda=CODE` in the address: a code is not personal data), or searched by
 * name. The name stays in the screen's state and travels in a POST body: never in a URL. A KPM
 * list's rows are families: the penerima, the No KK, the relationship, the members, the desil, the
 * verval result with its date and berita acara, and whether the family came from the reserve.
 */

const PAGE_SIZE = 50;

/** The import's warnings in words; a warning code added to the import fails the build until named. */
export const WARNING_LABEL: Readonly<Record<WarningCode, string>> = {
  NIK_OTHER_REGION: 'NIK terdaftar di kabupaten/kota lain',
  NIK_CLEANED: 'NIK dirapikan (spasi, titik atau tanda petik dihapus)',
  NAME_INVALID: 'Penulisan nama perlu diperiksa',
  RT_INVALID: 'Nomor RT perlu diperiksa',
  ACCOUNT_NAME_MISMATCH: 'Nama rekening berbeda dengan nama penerima',
  ACCOUNT_DUPLICATE: 'Rekening sama dengan penerima lain dalam berkas',
  PHONE_INVALID: 'Nomor HP tidak sah (tidak disimpan)',
};

/** A warning or flag code in words (a flag's label first: the checks' words are the verifiers' words). */
export function codeLabel(code: string): string {
  return FLAGS[code as FlagCode]?.label ?? WARNING_LABEL[code as WarningCode] ?? code;
}

/** Each code once (a few are both a warning of the import and a finding of the checks). */
const FILTER_CODES: readonly string[] = [...new Set(RECIPIENT_FILTER_CODES)];
const isFlag = (code: string) => (FLAG_CODES as readonly string[]).includes(code);

export function RecipientsPage({ proposalId }: { proposalId: string }) {
  const query = useQuery();
  const tanda = query.get('tanda') ?? '';
  const flag = FILTER_CODES.includes(tanda) ? tanda : undefined;
  /** The name searched for: screen state only. */
  const [term, setTerm] = useState('');
  const [draft, setDraft] = useState('');
  const proposal = useApi('GetProposal', { params: { proposalId } });
  const kpm = kindOfProposal(proposalId) === 'KPM';

  const setFlag = (code: string) =>
    navigate(pathTo.recipients(proposalId, { tanda: code || undefined }), { replace: true });

  return (
    <section class="card wide" aria-labelledby="judul-penerima">
      <PageTitle title={kpm ? 'Daftar KPM' : 'Daftar penerima'}>
        <span id="judul-penerima">{kpm ? 'Daftar KPM' : 'Daftar penerima'}</span>
      </PageTitle>
      <p>
        <a href={pathTo.proposal(proposalId)}>
          ← {kpm ? 'Daftar KPM' : 'Usulan'} {proposalId}
        </a>
        {proposal.state.kind === 'ok' ? (
          <span class="muted">
            {' '}
            · {formatNumber(proposal.state.body.recipientCount)} {kpm ? 'keluarga' : 'penerima'} dalam daftar
            yang berlaku
          </span>
        ) : null}
      </p>
      <div class="filters recipients-filters">
        <label>
          Peringatan atau temuan
          <select
            name="tanda"
            value={flag ?? ''}
            onChange={(event) => setFlag(event.currentTarget.value)}
            data-testid="saring-tanda"
          >
            <option value="">Semua penerima</option>
            {kpm ? null : (
              <optgroup label="Peringatan impor">
                {FILTER_CODES.filter((code) => !isFlag(code)).map((code) => (
                  <option key={code} value={code}>
                    {codeLabel(code)}
                  </option>
                ))}
              </optgroup>
            )}
            <optgroup label="Temuan pemeriksaan">
              {FILTER_CODES.filter(isFlag).map((code) => (
                <option key={code} value={code}>
                  {codeLabel(code)}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <form
          class="recipients-search"
          aria-label="Cari nama penerima"
          onSubmit={(event) => {
            event.preventDefault();
            setTerm(draft.trim());
          }}
        >
          <label>
            Cari nama
            <input
              type="search"
              value={draft}
              minLength={2}
              maxLength={60}
              autocomplete="off"
              spellcheck={false}
              placeholder="mis. Siti"
              onInput={(event) => setDraft(event.currentTarget.value)}
            />
          </label>
          <button type="submit" class="button button-secondary">
            Cari
          </button>
          {term ? (
            <button
              type="button"
              class="link"
              onClick={() => {
                setDraft('');
                setTerm('');
              }}
            >
              Hapus pencarian
            </button>
          ) : null}
        </form>
      </div>
      {term.length >= 2 ? (
        // Keyed: another name or filter starts from the first page, with paging of its own.
        <SearchResults key={`${flag}|${term}`} proposalId={proposalId} term={term} flag={flag} />
      ) : (
        <>
          {term.length === 1 ? <p class="notice notice-info">Tulis paling sedikit 2 huruf nama.</p> : null}
          <ListPage key={flag ?? ''} proposalId={proposalId} flag={flag} />
        </>
      )}
    </section>
  );
}

function ListPage(props: { proposalId: string; flag: string | undefined }) {
  const pages = useCursorPages();
  // Keyed by the cursor: a new page shows "loading" rather than the previous page's rows.
  return <ListSlice key={pages.cursor ?? ''} {...props} pages={pages} />;
}

function ListSlice(props: {
  proposalId: string;
  flag: string | undefined;
  pages: ReturnType<typeof useCursorPages>;
}) {
  const { pages } = props;
  const { state } = useApi('ListRecipients', {
    params: { proposalId: props.proposalId },
    query: {
      limit: String(PAGE_SIZE),
      ...(pages.cursor ? { cursor: pages.cursor } : {}),
      ...(props.flag ? { flag: props.flag } : {}),
    },
  });
  return (
    <Show state={state} label="Memuat penerima…">
      {(body) => (
        <>
          <p class="muted" aria-live="polite" data-testid="ringkasan-halaman">
            {props.flag ? `Hanya yang bertanda “${codeLabel(props.flag)}”. ` : ''}
            Halaman {pages.page}: {formatNumber(body.items.length)} penerima.
          </p>
          <RecipientTable items={body.items} kpm={kindOfProposal(props.proposalId) === 'KPM'} />
          <Pager
            page={pages.page}
            hasNext={body.nextCursor !== null}
            onPrevious={pages.previous}
            onNext={() => body.nextCursor && pages.next(body.nextCursor)}
            label="Halaman daftar penerima"
          />
        </>
      )}
    </Show>
  );
}

type Search =
  | { readonly kind: 'loading'; readonly examined: number }
  | {
      readonly kind: 'ok';
      readonly items: StoredRecipient[];
      readonly nextCursor: string | null;
      readonly examined: number;
    }
  | { readonly kind: 'failed'; readonly message: string };

/** How many calls one page of results may take: each reads a bounded part of the list. */
const SEARCH_ROUNDS = 12;

/**
 * A page of a name search. The API reads a bounded part of the list per call and may answer a short
 * page with a cursor, so this asks again from that cursor until the page is full, the list has been
 * read to its end, or {@link SEARCH_ROUNDS} calls were made (then "Berikutnya" goes on).
 */
function SearchResults(props: { proposalId: string; term: string; flag: string | undefined }) {
  const { call } = useSignedIn();
  const pages = useCursorPages();
  const [search, setSearch] = useState<Search>({ kind: 'loading', examined: 0 });
  const { proposalId, term, flag } = props;
  const { cursor } = pages;
  useEffect(() => {
    let live = true;
    setSearch({ kind: 'loading', examined: 0 });
    (async () => {
      const items: StoredRecipient[] = [];
      let next: string | undefined = cursor;
      let examined = 0;
      for (let round = 0; round < SEARCH_ROUNDS; round++) {
        const answer = await call('SearchRecipients', {
          params: { proposalId },
          body: {
            q: term,
            limit: PAGE_SIZE - items.length,
            ...(next ? { cursor: next } : {}),
            ...(flag ? { flag } : {}),
          },
        });
        if (!live) return;
        if (!answer.ok) {
          setSearch({ kind: 'failed', message: failureMessage(answer) });
          return;
        }
        items.push(...answer.body.items);
        examined += answer.body.examined;
        next = answer.body.nextCursor ?? undefined;
        if (next === undefined || items.length >= PAGE_SIZE) break;
        setSearch({ kind: 'loading', examined });
      }
      setSearch({ kind: 'ok', items, nextCursor: next ?? null, examined });
    })().catch(() => live && setSearch({ kind: 'failed', message: 'Server tidak dapat dihubungi.' }));
    return () => {
      live = false;
    };
  }, [call, proposalId, term, flag, cursor]);

  if (search.kind === 'loading') {
    return (
      <Loading
        label={
          search.examined > 0
            ? `Mencari… ${formatNumber(search.examined)} penerima telah diperiksa.`
            : 'Mencari…'
        }
      />
    );
  }
  if (search.kind === 'failed') {
    return (
      <Problem title="Pencarian gagal">
        <p>{search.message}</p>
      </Problem>
    );
  }
  return (
    <>
      <p class="muted" aria-live="polite" data-testid="ringkasan-pencarian">
        {flag ? `Hanya yang bertanda “${codeLabel(flag)}”. ` : ''}
        {search.items.length === 0 && search.nextCursor === null
          ? 'Tidak ada penerima dengan nama itu.'
          : `Halaman ${pages.page}: ${formatNumber(search.items.length)} penerima dengan nama yang cocok.`}
        {search.nextCursor !== null && search.items.length < PAGE_SIZE
          ? ' Sebagian daftar belum diperiksa: tekan Berikutnya untuk mencari lebih jauh.'
          : ''}
      </p>
      {search.items.length > 0 ? (
        <RecipientTable items={search.items} kpm={kindOfProposal(proposalId) === 'KPM'} />
      ) : null}
      <Pager
        page={pages.page}
        hasNext={search.nextCursor !== null}
        onPrevious={pages.previous}
        onNext={() => search.nextCursor && pages.next(search.nextCursor)}
        label="Halaman hasil pencarian"
      />
    </>
  );
}

function RecipientTable({ items, kpm }: { items: readonly StoredRecipient[]; kpm: boolean }) {
  if (items.length === 0) {
    return (
      <p class="empty" data-testid="kosong">
        Tidak ada penerima dengan saringan ini.
      </p>
    );
  }
  if (kpm) return <KpmTable items={items} />;
  return (
    <ScrollTable label="Daftar penerima">
      <table class="table recipients-table" data-testid="daftar-penerima">
        <caption class="sr-only">Daftar penerima</caption>
        <thead>
          <tr>
            <th scope="col" class="num">
              Baris
            </th>
            <th scope="col">Nama</th>
            <th scope="col">NIK</th>
            <th scope="col">Peran</th>
            <th scope="col">Kecamatan / desa</th>
            <th scope="col">Rekening</th>
            <th scope="col">Peringatan dan temuan</th>
          </tr>
        </thead>
        <tbody>
          {items.map((recipient) => (
            <tr key={recipient.recipientId} data-row={recipient.row}>
              <td class="num">{recipient.row}</td>
              <td>{recipient.nama}</td>
              <td class="code">{recipient.nik}</td>
              <td>{roleLabel(recipient.peran)}</td>
              <td>
                {recipient.kecamatan}
                {recipient.desa ? ` / ${recipient.desa}` : ''}
                {recipient.rt ? ` / RT ${recipient.rt}` : ''}
              </td>
              <td class="code">{recipient.noRekening}</td>
              <td>
                <Marks recipient={recipient} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

/**
 * A KPM list's rows: the penerima and the family behind them. No account column: a KPM has none
 * until the bank opens it after the decree.
 */
function KpmTable({ items }: { items: readonly StoredRecipient[] }) {
  return (
    <ScrollTable label="Daftar KPM">
      <table class="table recipients-table" data-testid="daftar-kpm">
        <caption class="sr-only">Daftar KPM: penerima dan keluarganya</caption>
        <thead>
          <tr>
            <th scope="col" class="num">
              Baris
            </th>
            <th scope="col">Penerima</th>
            <th scope="col">NIK</th>
            <th scope="col">No KK</th>
            <th scope="col">Hubungan dengan kepala keluarga</th>
            <th scope="col" class="num">
              Jumlah anggota
            </th>
            <th scope="col" class="num">
              Desil
            </th>
            <th scope="col">Kecamatan / desa</th>
            <th scope="col">Hasil verval</th>
            <th scope="col">Cadangan</th>
            <th scope="col">Temuan</th>
          </tr>
        </thead>
        <tbody>
          {items.map((recipient) => {
            const family = recipient.family;
            return (
              <tr key={recipient.recipientId} data-row={recipient.row}>
                <td class="num">{recipient.row}</td>
                <td>{recipient.nama}</td>
                <td class="code">{recipient.nik}</td>
                <td class="code">{family?.noKk ?? '—'}</td>
                <td>{family?.hubunganPenerima ? RELATIONSHIP_LABEL[family.hubunganPenerima] : '—'}</td>
                <td class="num">{family ? formatNumber(family.members.length) : '—'}</td>
                <td class="num">{family ? family.desil : '—'}</td>
                <td>
                  {recipient.kecamatan}
                  {recipient.desa ? ` / ${recipient.desa}` : ''}
                </td>
                <td data-result={family?.verval.result}>
                  {family ? (
                    <>
                      {VERVAL_RESULT_LABEL[family.verval.result]}
                      <span class="verval-detail">
                        {dayMonthYear(family.verval.tanggal)} · BA {family.verval.nomorBeritaAcara}
                      </span>
                      {family.verval.penerimaChanged ? (
                        <span class="verval-detail">Penerima diganti saat verval</span>
                      ) : null}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  {family?.replacement ? (
                    <span class="badge badge-neutral" data-testid="tanda-cadangan">
                      Dari cadangan
                    </span>
                  ) : (
                    <span class="muted">—</span>
                  )}
                </td>
                <td>
                  <Marks recipient={recipient} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollTable>
  );
}

/** A recipient's warnings and findings in words; a blocking finding stands out. */
function Marks({ recipient }: { recipient: StoredRecipient }) {
  const flags = recipient.flags ?? [];
  const flagged = new Set(flags.map((entry) => entry.code));
  const warnings = recipient.warnings.filter((code) => !flagged.has(code));
  if (flags.length === 0 && warnings.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="marks">
      {flags.map((entry) => (
        <li key={entry.code} data-code={entry.code}>
          <span class={`badge badge-${entry.severity === 'blocking' ? 'bad' : 'neutral'}`}>
            {entry.severity === 'blocking' ? 'Temuan' : 'Catatan'}
          </span>{' '}
          {codeLabel(entry.code)}
        </li>
      ))}
      {warnings.map((code) => (
        <li key={code} data-code={code}>
          {codeLabel(code)}
        </li>
      ))}
    </ul>
  );
}
