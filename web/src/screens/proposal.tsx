import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ProposalPage as ProposalBody } from '#shared/contract/responses.ts';
import { AUDIT_ACTION_LABEL } from '#shared/domain/audit.ts';
import { FLAGS, isFlagCode } from '#shared/domain/checks.ts';
import { periodLabel } from '#shared/domain/period.ts';
import {
  kindOfProposal,
  PROPOSAL_STATUSES,
  type ProposalStatus,
  STATUS_LABEL,
} from '#shared/domain/proposal.ts';
import { regionLabel, tahapName } from '../family-words.ts';
import { formatDateTime, formatNumber } from '../format.ts';
import { PageTitle } from '../page.tsx';
import { pathTo } from '../router.ts';
import { useSignedIn } from '../session.tsx';
import { Fact, ScrollTable, Show, StatusBadge, useApi } from '../ui.tsx';
import { ProposalActions } from './proposal-actions.tsx';
import { FlagGroups } from './proposal-flags.tsx';
import './proposal.css';
import { COMPONENT_LABEL, type Component } from '#shared/domain/family/tahap.ts';
import { RoleAmounts } from './role-amounts.tsx';

/**
 * `/usulan/{id}`: one proposal as everyone involved needs to see it (where it stands, who signed,
 * why it came back, what the checks found, its decree, its history) and, below the facts, the one
 * or two things the user's role may do with it now. The console shows an action only when the role
 * and the status allow it; the API decides, and its refusal is shown as it says it.
 */
export function ProposalPage({ proposalId }: { proposalId: string }) {
  const { state, reload } = useApi('GetProposal', { params: { proposalId } });
  // What the last action did, kept here: the action's own panel may be gone once it is done.
  const [said, setSaid] = useState<string | undefined>();
  // Another proposal (a link from this one): what was said here does not apply there.
  useEffect(() => setSaid(undefined), [proposalId]);
  const done = (message: string) => {
    setSaid(message);
    reload();
  };
  const title = proposalTitle(proposalId, state.kind === 'ok' ? state.body : undefined);
  return (
    <section class="card wide proposal" aria-labelledby="judul-usulan">
      <PageTitle title={title}>
        <span id="judul-usulan">{title}</span>
      </PageTitle>
      {said === undefined ? null : (
        <p class="notice notice-good" role="status" data-testid="hasil-tindakan">
          {said}
        </p>
      )}
      <Show state={state} label="Memuat usulan…">
        {/* Keyed: another proposal starts with its own panels closed and its own forms empty. */}
        {(body) => <ProposalView key={body.proposalId} proposal={body} onDone={done} />}
      </Show>
    </section>
  );
}

/**
 * A proposal's heading: `Usulan 62.03-2026-S1` for a BKK list; a KPM list says what it is, where and
 * for which tahap (`Daftar KPM Kabupaten Kapuas, Tahap 1 Tahun 2026`), its id beside it.
 */
export function proposalTitle(
  proposalId: string,
  proposal?: { readonly region: string; readonly regionName?: string | undefined; readonly period: string },
): string {
  if (kindOfProposal(proposalId) !== 'KPM') return `Usulan ${proposalId}`;
  if (proposal === undefined) return `Daftar KPM ${proposalId}`;
  return `Daftar KPM ${proposal.regionName ?? regionLabel(proposal.region)}, ${tahapName(proposal.period)}`;
}

function ProposalView({ proposal, onDone }: { proposal: ProposalBody; onDone: (message: string) => void }) {
  const { scope } = useSignedIn();
  const lastReturn = proposal.returns.at(-1);
  return (
    <>
      {proposal.status === 'DRAFT' && lastReturn !== undefined ? (
        <div class="notice notice-bad" role="note" data-testid="dikembalikan">
          <p class="notice-title">
            Dikembalikan oleh {lastReturn.opd} pada {formatDateTime(lastReturn.at)}
          </p>
          <p class="return-note">{lastReturn.note}</p>
          <p>
            Perbaiki daftar sesuai catatan di atas, unggah ulang, lalu ajukan kembali. Pemeriksaan otomatis
            dan persetujuan perangkat daerah akan diulang dari awal.
          </p>
        </div>
      ) : null}
      {proposal.decreePreflightFailure === undefined ? null : (
        <div class="notice notice-bad" role="note">
          <p class="notice-title">SK Gubernur belum dapat diterbitkan</p>
          <p>{proposal.decreePreflightFailure.reason}</p>
          <p class="muted">
            Diperiksa {formatDateTime(proposal.decreePreflightFailure.at)} (
            {proposal.decreePreflightFailure.codes.join(', ')}). Belum ada nomor SK yang terpakai; penerbitan
            dicoba lagi setelah masalahnya diperbaiki.
          </p>
        </div>
      )}

      <Facts proposal={proposal} />
      <ProposalActions proposal={proposal} onDone={onDone} />

      <p class="links">
        <a href={pathTo.recipients(proposal.proposalId)}>
          {proposal.kind === 'KPM'
            ? `Lihat daftar KPM lengkap (${formatNumber(proposal.recipientCount)} keluarga)`
            : `Lihat daftar penerima lengkap (${formatNumber(proposal.recipientCount)})`}
        </a>
        {scope?.capabilities.has('audit:read') ? (
          <a href={pathTo.audit(proposal.proposalId)}>Jejak audit usulan ini</a>
        ) : null}
      </p>

      <Totals proposal={proposal} />
      <Agencies proposal={proposal} />
      <Returns proposal={proposal} />
      <Checks proposal={proposal} onDone={onDone} />
      <Uploads proposal={proposal} />
      <History proposal={proposal} />
    </>
  );
}

function Section(props: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="part" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

function Facts({ proposal }: { proposal: ProposalBody }) {
  return (
    <dl class="facts" data-testid="fakta-usulan">
      <Fact label="Kabupaten/kota">
        {proposal.regionName ?? proposal.region} ({proposal.region})
      </Fact>
      {proposal.kind === 'KPM' ? (
        <>
          <Fact label="Jenis">Daftar KPM (keluarga penerima manfaat)</Fact>
          <Fact label="Tahap">
            <a href={pathTo.tahap(proposal.period)}>{tahapName(proposal.period)}</a>
          </Fact>
          <Fact label="Nomor usulan">{proposal.proposalId}</Fact>
        </>
      ) : (
        <Fact label="Periode">{periodLabel(proposal.period) ?? proposal.period}</Fact>
      )}
      <Fact label="Status">
        <StatusBadge status={proposal.status} />
      </Fact>
      <Fact label="Versi">{proposal.version}</Fact>
      <Fact label="Penerima">{formatNumber(proposal.recipientCount)}</Fact>
      <Fact label="Peringatan impor">{formatNumber(proposal.warningCount)}</Fact>
      <Fact label="Temuan menghalangi yang terbuka">
        <span data-testid="temuan-terbuka">{formatNumber(proposal.openBlocking)}</span>
      </Fact>
      {proposal.submittedAt ? <Fact label="Diajukan">{formatDateTime(proposal.submittedAt)}</Fact> : null}
      {proposal.verifiedAt ? <Fact label="Terverifikasi">{formatDateTime(proposal.verifiedAt)}</Fact> : null}
      {proposal.decidedAt ? (
        <Fact label="Diputuskan">
          {formatDateTime(proposal.decidedAt)}
          {proposal.decidedBy ? ` oleh ${proposal.decidedBy}` : ''}
        </Fact>
      ) : null}
      {proposal.decreeId ? (
        <Fact label="SK Gubernur">
          <a href={pathTo.decree(proposal.decreeId)} data-testid="tautan-sk">
            Buka SK {proposal.decreeId}
          </a>
          {proposal.decreedAt ? ` (ditetapkan ${formatDateTime(proposal.decreedAt)})` : ''}
        </Fact>
      ) : null}
    </dl>
  );
}

function Totals({ proposal }: { proposal: ProposalBody }) {
  const { totals } = proposal;
  // A KPM list's families are counted per component of the tahap (each family gets every one).
  const byComponent = proposal.kind === 'KPM' ? totals.byComponent : undefined;
  const roles = Object.entries(byComponent ?? totals.byRole);
  return (
    <Section
      id="judul-jumlah"
      title={byComponent ? 'Jumlah bantuan menurut komponen' : 'Jumlah bantuan menurut peran'}
    >
      {totals.ratesArePlaceholders ? (
        <p class="notice notice-info" data-testid="tarif-sementara">
          Tarif yang dipakai masih tarif sementara (belum ditetapkan). Jumlah Rupiah di bawah ini hanya
          perkiraan dan akan berubah setelah tarif resmi dimasukkan.
        </p>
      ) : null}
      {roles.length === 0 ? (
        <p class="empty">Belum ada penerima.</p>
      ) : (
        <RoleAmounts
          label={
            byComponent
              ? 'Jumlah keluarga dan bantuan menurut komponen'
              : 'Jumlah penerima dan bantuan menurut peran'
          }
          amountHeading={byComponent ? 'Jumlah' : `Jumlah (${totals.months} bulan)`}
          rows={roles.map(([peran, role]) => ({ peran, ...role }))}
          {...(byComponent
            ? {
                keyHeading: 'Komponen',
                countHeading: 'Keluarga',
                labelOf: (key: string) => COMPONENT_LABEL[key as Component] ?? key,
              }
            : {})}
          total={{ count: proposal.recipientCount, amount: totals.total }}
        />
      )}
    </Section>
  );
}

function Agencies({ proposal }: { proposal: ProposalBody }) {
  if (proposal.requiredAgencies.length === 0) {
    return (
      <Section id="judul-opd" title="Persetujuan perangkat daerah">
        <p class="empty">Perangkat daerah yang memverifikasi ditentukan saat usulan diajukan.</p>
      </Section>
    );
  }
  return (
    <Section id="judul-opd" title="Persetujuan perangkat daerah">
      <ScrollTable label="Perangkat daerah yang wajib menyetujui">
        <table class="table" data-testid="persetujuan-opd">
          <caption class="sr-only">Perangkat daerah yang wajib menyetujui</caption>
          <thead>
            <tr>
              <th scope="col">Perangkat daerah</th>
              <th scope="col">Status</th>
              <th scope="col">Oleh</th>
              <th scope="col">Waktu</th>
              <th scope="col">Catatan</th>
            </tr>
          </thead>
          <tbody>
            {proposal.requiredAgencies.map((agency) => {
              const signoff = proposal.signoffs.find((entry) => entry.opd === agency);
              return (
                <tr key={agency}>
                  <th scope="row">{agency}</th>
                  <td>{signoff ? 'Disetujui' : 'Menunggu'}</td>
                  <td>{signoff?.by.name ?? '—'}</td>
                  <td>{signoff ? formatDateTime(signoff.at) : '—'}</td>
                  <td>{signoff?.note ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollTable>
    </Section>
  );
}

function Returns({ proposal }: { proposal: ProposalBody }) {
  if (proposal.returns.length === 0) return null;
  return (
    <Section id="judul-pengembalian" title="Pengembalian dan alasannya">
      <ol class="returns" data-testid="pengembalian">
        {[...proposal.returns].reverse().map((entry) => (
          <li key={`${entry.opd}-${entry.at}`}>
            <p class="return-head">
              {entry.opd} · {entry.by.name} · {formatDateTime(entry.at)}
            </p>
            <p class="return-note">{entry.note}</p>
          </li>
        ))}
      </ol>
    </Section>
  );
}

function Checks({ proposal, onDone }: { proposal: ProposalBody; onDone: (message: string) => void }) {
  const { checks } = proposal;
  return (
    <Section id="judul-pemeriksaan" title="Pemeriksaan otomatis">
      {checks === undefined ? (
        <p class="empty">
          {proposal.status === 'SUBMITTED'
            ? 'Pemeriksaan otomatis sedang berjalan. Muat ulang halaman ini sebentar lagi.'
            : 'Belum ada hasil pemeriksaan untuk daftar ini (pemeriksaan berjalan setelah usulan diajukan).'}
        </p>
      ) : (
        <>
          <p data-testid="ringkasan-pemeriksaan">
            Selesai {formatDateTime(checks.at)}: {formatNumber(checks.blocking)} temuan menghalangi (
            {formatNumber(proposal.openBlocking)} masih terbuka), {formatNumber(checks.warnings)} peringatan.
          </p>
          <FlagGroups proposal={proposal} checks={checks} onDone={onDone} />
        </>
      )}
    </Section>
  );
}

function Uploads({ proposal }: { proposal: ProposalBody }) {
  if (proposal.uploads.length === 0) return null;
  return (
    <Section id="judul-unggahan" title="Unggahan">
      <ScrollTable label="Berkas yang diunggah untuk usulan ini">
        <table class="table table-wide">
          <caption class="sr-only">Berkas yang diunggah untuk usulan ini</caption>
          <thead>
            <tr>
              <th scope="col">Berkas</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Baris diterima
              </th>
              <th scope="col">Dipakai</th>
              <th scope="col">Diunggah</th>
            </tr>
          </thead>
          <tbody>
            {proposal.uploads.map((upload) => (
              <tr key={upload.uploadId}>
                <td>
                  <a href={pathTo.uploadResult(upload.uploadId)}>{upload.filename ?? upload.uploadId}</a>
                </td>
                <td>{UPLOAD_STATUS_LABEL[upload.status]}</td>
                <td class="num">{upload.counts ? formatNumber(upload.counts.accepted) : '—'}</td>
                <td>{upload.applied ? 'Ya' : 'Tidak'}</td>
                <td>{formatDateTime(upload.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>
    </Section>
  );
}

/** An upload's import status in words (the upload screen says more). */
const UPLOAD_STATUS_LABEL: Readonly<Record<ProposalBody['uploads'][number]['status'], string>> = {
  AWAITING_FILE: 'menunggu berkas',
  PROCESSING: 'sedang diimpor',
  COMPLETED: 'selesai',
  REJECTED: 'ditolak',
  FAILED: 'gagal',
};

/** Which flag of which row a waiver set aside (`recipientId` is `<listId>.<row>`). */
function WaivedWhat({ waived }: { waived: { recipientId: string; flag: string } }) {
  const row = waived.recipientId.split('.').at(-1);
  const label = isFlagCode(waived.flag) ? FLAGS[waived.flag].label : waived.flag;
  return (
    <span class="muted waived-what">
      {label}
      {row ? `, baris ${row}` : ''}
    </span>
  );
}

const statusName = (value: string | undefined) =>
  value !== undefined && (PROPOSAL_STATUSES as readonly string[]).includes(value)
    ? STATUS_LABEL[value as ProposalStatus]
    : value;

function History({ proposal }: { proposal: ProposalBody }) {
  return (
    <Section id="judul-riwayat" title="Riwayat">
      <ScrollTable label="Riwayat usulan, terbaru di atas">
        <table class="table table-wide" data-testid="riwayat">
          <caption class="sr-only">Riwayat usulan, terbaru di atas</caption>
          <thead>
            <tr>
              <th scope="col">Waktu</th>
              <th scope="col">Tindakan</th>
              <th scope="col">Oleh</th>
              <th scope="col">Status</th>
              <th scope="col">Alasan</th>
            </tr>
          </thead>
          <tbody>
            {[...proposal.history].reverse().map((entry) => (
              <tr key={entry.seq}>
                <td>{formatDateTime(entry.at)}</td>
                <td>
                  {AUDIT_ACTION_LABEL[entry.action]}
                  {entry.waived ? <WaivedWhat waived={entry.waived} /> : null}
                </td>
                <td>
                  {entry.by.name}
                  {entry.by.opd ? ` (${entry.by.opd})` : ''}
                </td>
                <td>
                  {entry.fromStatus !== undefined &&
                  entry.toStatus !== undefined &&
                  entry.fromStatus !== entry.toStatus
                    ? `${statusName(entry.fromStatus)} → ${statusName(entry.toStatus)}`
                    : (statusName(entry.toStatus) ?? '—')}
                </td>
                <td>{entry.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>
    </Section>
  );
}
