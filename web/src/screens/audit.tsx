import type { AuditAnswer, ProposalSummary } from '#shared/contract/responses.ts';
import { AUDIT_ACTION_LABEL } from '#shared/domain/audit.ts';
import { STATUS_LABEL } from '#shared/domain/proposal.ts';
import { GROUPS, type Group } from '#shared/http/caller.ts';
import { formatDateTime, formatNumber } from '../format.ts';
import { PageTitle } from '../page.tsx';
import { navigate, pathTo } from '../router.ts';
import { ScrollTable, Show, useApi } from '../ui.tsx';
import { ROLE_LABEL } from '../who.ts';
import './audit.css';
import { ProposalTable } from './proposals.tsx';

/**
 * The auditor's screens. `/jejak-audit`: pick a proposal (by its id, or from the latest ones);
 * `/jejak-audit/{proposalId}`: its trail, record by record, under the verdict on the hash chain, which
 * comes first and in plain words, because it is what the auditor came for.
 *
 * Action names come from `AUDIT_ACTION_LABEL` (a `Record<AuditAction, string>` in the shared
 * domain): an action added to the API fails the build until it is named there.
 */
export function AuditPage() {
  const { state } = useApi('ListProposals', { query: {} });
  return (
    <section class="card wide" aria-labelledby="judul-audit">
      <PageTitle title="Jejak audit">
        <span id="judul-audit">Jejak audit</span>
      </PageTitle>
      <p>Pilih usulan yang jejaknya ingin diperiksa: tulis nomornya, atau pilih dari usulan terbaru.</p>
      <form
        class="filters"
        aria-label="Buka jejak audit usulan"
        onSubmit={(event) => {
          event.preventDefault();
          const id = String(new FormData(event.currentTarget).get('usulan') ?? '').trim();
          if (id !== '') navigate(pathTo.audit(id));
        }}
      >
        <label>
          Nomor usulan
          <input name="usulan" required placeholder="mis. 62.03-2026-S1" size={22} autoComplete="off" />
        </label>
        <button type="submit" class="button">
          Buka jejak
        </button>
      </form>
      <h2>Usulan terbaru</h2>
      <Show state={state} label="Memuat usulan…">
        {(body) =>
          body.items.length === 0 ? (
            <p class="empty">Belum ada usulan.</p>
          ) : (
            <ProposalTable
              items={latest(body.items, 20)}
              linkTo={pathTo.audit}
              label="Usulan terbaru"
              testId="usulan-terbaru"
            />
          )
        }
      </Show>
    </section>
  );
}

const latest = (items: readonly ProposalSummary[], count: number) =>
  [...items]
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0))
    .slice(0, count);

export function AuditTrailPage({ proposalId }: { proposalId: string }) {
  const { state } = useApi('GetAudit', { query: { entityId: proposalId } });
  return (
    <section class="card wide" aria-labelledby="judul-jejak">
      <PageTitle title={`Jejak audit ${proposalId}`}>
        <span id="judul-jejak">Jejak audit usulan {proposalId}</span>
      </PageTitle>
      <p>
        <a href={pathTo.proposal(proposalId)}>Lihat usulan</a> · <a href={pathTo.audit()}>Usulan lain</a>
      </p>
      <Show state={state} label="Memuat jejak audit…">
        {(body) => (
          <>
            <ChainVerdict chain={body.chain} />
            <AuditTable
              records={body.records}
              brokenAt={body.chain.valid ? undefined : body.chain.brokenAt}
            />
          </>
        )}
      </Show>
    </section>
  );
}

/** The API's words for a broken chain (`verifyChain`), said for an auditor. */
const PROBLEM_LABEL: Readonly<Record<string, string>> = {
  'seq gap': 'nomor urut terputus: ada catatan yang hilang atau disisipkan',
  'prevHash mismatch':
    'tidak tersambung dengan catatan sebelumnya: ada catatan yang dihapus, ditukar, atau diubah',
  'content altered': 'isi catatan telah diubah setelah dicatat',
  'head mismatch':
    'catatan terakhir tidak sesuai dengan ujung rantai yang tersimpan: ada catatan yang dipotong dari akhir',
};

function ChainVerdict({ chain }: { chain: AuditAnswer['chain'] }) {
  if (chain.valid) {
    return (
      <div class="verdict verdict-good" data-testid="putusan-rantai" data-valid="true">
        <p class="verdict-title">Rantai jejak audit utuh: {formatNumber(chain.length)} catatan</p>
        <p>
          Setiap catatan tersambung dengan catatan sebelumnya; tidak ada yang diubah, dihapus, atau ditukar.
        </p>
      </div>
    );
  }
  return (
    <div class="verdict verdict-bad" role="alert" data-testid="putusan-rantai" data-valid="false">
      <p class="verdict-title">Rantai jejak audit rusak pada catatan #{chain.brokenAt}</p>
      <p>
        Masalah: {PROBLEM_LABEL[chain.problem] ?? chain.problem}. Catatan sejak nomor ini tidak dapat
        dipercaya; laporkan kepada admin sistem dan Inspektorat.
      </p>
    </div>
  );
}

function AuditTable({
  records,
  brokenAt,
}: {
  records: AuditAnswer['records'];
  brokenAt: number | undefined;
}) {
  return (
    <ScrollTable label="Catatan jejak audit">
      <table class="table audit-table" data-testid="jejak-audit">
        <caption class="sr-only">Catatan jejak audit, dari yang pertama</caption>
        <thead>
          <tr>
            <th scope="col" class="num">
              No.
            </th>
            <th scope="col">Waktu</th>
            <th scope="col">Tindakan</th>
            <th scope="col">Oleh</th>
            <th scope="col">Status</th>
            <th scope="col">Alasan / catatan</th>
            <th scope="col">Hash</th>
          </tr>
        </thead>
        <tbody>
          {records.map((record) => (
            <tr
              key={record.seq}
              data-seq={record.seq}
              class={brokenAt !== undefined && record.seq >= brokenAt ? 'audit-broken' : undefined}
            >
              <td class="num">{record.seq}</td>
              <td>{formatDateTime(record.at)}</td>
              <td>{AUDIT_ACTION_LABEL[record.action]}</td>
              <td>
                {record.actor.name}
                <span class="audit-who">
                  {roleLabel(record.actor.role)}
                  {record.actor.opd ? ` · ${record.actor.opd}` : ''}
                </span>
              </td>
              <td>{statusChange(record.fromStatus, record.toStatus)}</td>
              <td>
                {record.reason ?? (record.details ? null : '—')}
                {record.details ? <Details details={record.details} /> : null}
              </td>
              <td>
                <code class="code hash" title={record.hash}>
                  {record.hash.slice(0, 12)}…
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

/** The names of the details the workflow records, in words; any other shows as the API names it. */
const DETAIL_LABEL: Readonly<Record<string, string>> = {
  uploadId: 'unggahan',
  listId: 'daftar',
  recipientCount: 'penerima',
  recipientId: 'penerima',
  flag: 'temuan',
  runId: 'pemeriksaan',
  blocking: 'temuan menghambat',
  openBlocking: 'temuan menghambat terbuka',
  warnings: 'peringatan',
  signed: 'OPD sudah menyetujui',
  required: 'OPD harus menyetujui',
  opd: 'OPD',
  number: 'nomor SK',
  decreeId: 'SK',
  sha256: 'SHA-256 PDF',
};

/** The record's ids and counts (the API keeps no personal data there), as `name: value`. */
function Details({ details }: { details: Readonly<Record<string, string | number | boolean>> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return null;
  const shown = (value: string | number | boolean) =>
    typeof value === 'number'
      ? formatNumber(value)
      : typeof value === 'boolean'
        ? value
          ? 'ya'
          : 'tidak'
        : value;
  return (
    <span class="audit-details">
      {entries.map(([name, value]) => `${DETAIL_LABEL[name] ?? name}: ${shown(value)}`).join(' · ')}
    </span>
  );
}

function roleLabel(role: string): string {
  if (role === 'system') return 'Sistem (otomatis)';
  return (GROUPS as readonly string[]).includes(role) ? ROLE_LABEL[role as Group] : role;
}

function statusLabel(status: string): string {
  return status in STATUS_LABEL ? STATUS_LABEL[status as keyof typeof STATUS_LABEL] : status;
}

function statusChange(from: string | undefined, to: string | undefined): string {
  if (from === undefined && to === undefined) return '—';
  if (from === undefined) return `→ ${statusLabel(to ?? '')}`;
  if (to === undefined || to === from) return statusLabel(from);
  return `${statusLabel(from)} → ${statusLabel(to)}`;
}
