import type { ProposalSummary } from '#shared/contract/responses.ts';
import { periodLabel } from '#shared/domain/period.ts';
import {
  PROPOSAL_STATUSES,
  type ProposalKind,
  type ProposalStatus,
  STATUS_LABEL,
} from '#shared/domain/proposal.ts';
import type { Scope } from '#shared/http/caller.ts';
import { tahapName } from '../family-words.ts';
import { formatDateTime, formatNumber } from '../format.ts';
import { PageTitle } from '../page.tsx';
import { navigate, pathTo, useQuery } from '../router.ts';
import { useSignedIn } from '../session.tsx';
import { RegionOptions, ScrollTable, Show, StatusBadge, useApi } from '../ui.tsx';

/**
 * `/usulan`: proposals by region, period and status. It opens where each role starts its day: a
 * verifier on the lists in verification that still wait for its agency's sign-off, the approver on
 * the verified lists, an operator on its own region's lists. Filters live in the query string, so a
 * filtered view can be bookmarked or sent. Two kinds of list: BKK (the default) and the families'
 * KPM lists of a tahap (`?jenis=KPM`), whose period is the tahap (`2026-1`).
 */
export function ProposalsPage() {
  const { scope } = useSignedIn();
  const query = useQuery();
  const status = statusOf(query.get('status')) ?? (query.has('status') ? undefined : defaultStatus(scope));
  const region = scope?.regions === 'all' ? (query.get('wilayah') ?? undefined) : scope?.regions[0];
  const period = query.get('periode') ?? undefined;
  const kind: ProposalKind = query.get('jenis') === 'KPM' ? 'KPM' : 'BKK';
  const waitingOnMe = scope?.role === 'verifier' && query.get('semua') !== '1';
  const { state } = useApi('ListProposals', {
    query: {
      ...(kind === 'KPM' ? { kind } : {}),
      ...(region ? { region } : {}),
      ...(period ? { period } : {}),
      ...(status ? { status } : {}),
    },
  });

  // Switching between BKK and KPM keeps the region, status and queue filters (a period is one kind's).
  const kept = {
    wilayah: query.get('wilayah') ?? undefined,
    status: query.get('status') ?? undefined,
    semua: query.get('semua') ?? undefined,
  };

  const go = (changes: Record<string, string | undefined>) => {
    const next: Record<string, string | undefined> = {
      wilayah: region,
      periode: period,
      status: status ?? '',
      semua: waitingOnMe ? undefined : '1',
      jenis: kind === 'KPM' ? 'KPM' : undefined,
      ...changes,
    };
    navigate(pathTo.proposals(next), { replace: true });
  };

  return (
    <section class="card wide" aria-labelledby="judul-usulan">
      <PageTitle title="Usulan">
        <span id="judul-usulan">{title(scope)}</span>
      </PageTitle>
      <nav class="tabs" aria-label="Jenis daftar">
        <a href={pathTo.proposals(kept)} aria-current={kind === 'BKK' ? 'page' : undefined}>
          Bantuan Keuangan Khusus (BKK)
        </a>
        <a
          href={pathTo.proposals({ ...kept, jenis: 'KPM' })}
          aria-current={kind === 'KPM' ? 'page' : undefined}
        >
          Daftar KPM (keluarga)
        </a>
      </nav>
      <form
        class="filters"
        aria-label="Saring usulan"
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          go({
            periode: String(data.get('periode') ?? '').trim() || undefined,
            status: String(data.get('status') ?? ''),
            wilayah: String(data.get('wilayah') ?? '') || undefined,
          });
        }}
      >
        {scope?.regions === 'all' ? (
          <label>
            Kabupaten/kota
            <select name="wilayah" value={region ?? ''}>
              <RegionOptions none="Semua" />
            </select>
          </label>
        ) : null}
        <label>
          {kind === 'KPM' ? 'Tahap' : 'Periode'}
          <input
            name="periode"
            value={period ?? ''}
            placeholder={kind === 'KPM' ? 'mis. 2026-1' : 'mis. 2026-S1'}
            size={10}
          />
        </label>
        <label>
          Status
          <select name="status" value={status ?? ''}>
            <option value="">Semua</option>
            {PROPOSAL_STATUSES.map((value) => (
              <option key={value} value={value}>
                {STATUS_LABEL[value]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="button button-secondary">
          Tampilkan
        </button>
      </form>
      {scope?.role === 'verifier' ? (
        <p>
          {waitingOnMe ? (
            <>
              Hanya daftar yang menunggu persetujuan {scope.agency}.{' '}
              <button type="button" class="link" onClick={() => go({ semua: '1' })}>
                Tampilkan semua
              </button>
            </>
          ) : (
            <button type="button" class="link" onClick={() => go({ semua: undefined })}>
              Hanya yang menunggu persetujuan {scope.agency}
            </button>
          )}
        </p>
      ) : null}
      <Show state={state} label="Memuat usulan…">
        {(body) => {
          const items = waitingOnMe && scope?.agency ? body.items.filter(waitsFor(scope.agency)) : body.items;
          return <ProposalTable items={items} kind={kind} />;
        }}
      </Show>
    </section>
  );
}

/**
 * Proposals as a table; each id links to `linkTo` (the proposal, or its audit trail on the
 * auditor's screen).
 */
export function ProposalTable({
  items,
  linkTo = pathTo.proposal,
  label = 'Daftar usulan',
  testId = 'daftar-usulan',
  kind = 'BKK',
}: {
  items: readonly ProposalSummary[];
  /** KPM lists name their tahap where BKK lists name a period. */
  kind?: ProposalKind;
  linkTo?: (proposalId: string) => string;
  label?: string;
  testId?: string;
}) {
  if (items.length === 0) {
    return (
      <p class="empty" data-testid="kosong">
        Tidak ada usulan dengan saringan ini.
      </p>
    );
  }
  return (
    <ScrollTable label={label}>
      <table class="table" data-testid={testId}>
        <caption class="sr-only">{label}</caption>
        <thead>
          <tr>
            <th scope="col">Usulan</th>
            <th scope="col">Kabupaten/kota</th>
            <th scope="col">{kind === 'KPM' ? 'Tahap' : 'Periode'}</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              {kind === 'KPM' ? 'Keluarga' : 'Penerima'}
            </th>
            <th scope="col" class="num">
              Temuan terbuka
            </th>
            <th scope="col">Persetujuan OPD</th>
            <th scope="col">Diperbarui</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.proposalId} data-proposal={item.proposalId}>
              <td>
                <a href={linkTo(item.proposalId)}>{item.proposalId}</a>
              </td>
              <td>{item.regionName ?? item.region}</td>
              <td>{periodWords(item)}</td>
              <td>
                <StatusBadge status={item.status} />
              </td>
              <td class="num">{formatNumber(item.recipientCount)}</td>
              <td class="num">{formatNumber(item.openBlocking)}</td>
              <td>
                {item.requiredAgencies.length === 0
                  ? '—'
                  : item.requiredAgencies
                      .map((agency) => `${agency} ${item.signedBy.includes(agency) ? '✓' : '…'}`)
                      .join(', ')}
              </td>
              <td>{formatDateTime(item.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

/** A BKK period (`Semester 1 2026`) or a KPM list's tahap (`Tahap 1 Tahun 2026`). */
export const periodWords = (item: { kind?: ProposalKind | undefined; period: string }): string =>
  item.kind === 'KPM' ? tahapName(item.period) : (periodLabel(item.period) ?? item.period);

const waitsFor = (agency: string) => (item: ProposalSummary) =>
  item.status === 'IN_REVIEW' && item.requiredAgencies.includes(agency) && !item.signedBy.includes(agency);

function statusOf(value: string | null): ProposalStatus | undefined {
  return (PROPOSAL_STATUSES as readonly string[]).includes(value ?? '')
    ? (value as ProposalStatus)
    : undefined;
}

/** Where each role starts: the lists that wait for it. */
function defaultStatus(scope: Scope | undefined): ProposalStatus | undefined {
  if (scope?.role === 'verifier') return 'IN_REVIEW';
  if (scope?.role === 'approver') return 'VERIFIED';
  return undefined;
}

function title(scope: Scope | undefined): string {
  if (scope?.role === 'verifier') return 'Antrean verifikasi';
  if (scope?.role === 'approver') return 'Usulan untuk diputuskan';
  return 'Usulan';
}
