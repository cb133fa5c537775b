/**
 * The proposal (usulan) of one region for one period, and its lifecycle (interfaces.md §4).
 * Only a DRAFT list can be replaced by a new upload.
 */
export const PROPOSAL_STATUSES = [
  'DRAFT',
  'SUBMITTED',
  'IN_REVIEW',
  'VERIFIED',
  'APPROVED',
  'DECREED',
  'DISBURSED',
  'REJECTED',
  'REVOKED',
] as const;

export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** A new upload may replace the list only while the region is still drafting it. */
export const isEditable = (status: ProposalStatus): boolean => status === 'DRAFT';

/** Indonesian labels for API messages and reports. */
export const STATUS_LABEL: Record<ProposalStatus, string> = {
  DRAFT: 'draf',
  SUBMITTED: 'diajukan',
  IN_REVIEW: 'dalam verifikasi',
  VERIFIED: 'terverifikasi',
  APPROVED: 'disetujui',
  DECREED: 'ditetapkan dengan SK',
  DISBURSED: 'telah dicairkan',
  REJECTED: 'ditolak',
  REVOKED: 'SK dicabut',
};

/**
 * A proposal that is over for good: rejected by the approver, or its decree revoked. The next upload
 * for the region and period starts a new proposal (the next revision), whose decree names the
 * revoked one it replaces.
 */
export const isClosed = (status: ProposalStatus): boolean => status === 'REJECTED' || status === 'REVOKED';

/**
 * What a proposal lists: BKK, the community figures and officers paid by special transfer (a list a
 * kabupaten uploads for a period); KPM, the families of a tahap (a list the system composes from
 * eligibility and verval, issue #14; its period is the tahap's id, `2026-1`).
 */
export const PROPOSAL_KINDS = ['BKK', 'KPM'] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

/**
 * The scope a region's proposals of one kind and period share: the period itself for BKK (keys
 * written before KPM lists existed stay valid), `KPM#<tahapId>` for KPM. Every key that names a
 * region and a period (the current-proposal pointer, the checks' registry, the proposal index)
 * names this scope, so a KPM list and a BKK list can never collide.
 */
export const listScope = (kind: ProposalKind, period: string): string =>
  kind === 'BKK' ? period : `${kind}#${period}`;

/**
 * Readable, stable ids: the first proposal of a region and period is `62.03-2026-S1`; if it is
 * rejected, the next one is `62.03-2026-S1-r2`. A KPM proposal names its kind first:
 * `KPM-62.03-2026-1` (tahap 1 of 2026), then `KPM-62.03-2026-1-r2`.
 */
export const proposalIdFor = (
  region: string,
  period: string,
  revision: number,
  kind: ProposalKind = 'BKK',
): string => {
  const base = kind === 'BKK' ? `${region}-${period}` : `${kind}-${region}-${period}`;
  return revision <= 1 ? base : `${base}-r${revision}`;
};

/** The region a proposal id names, if it is one of {@link proposalIdFor}'s. */
export const regionOfProposal = (proposalId: string): string | undefined =>
  /^(?:KPM-)?(62\.\d{2})-/.exec(proposalId)?.[1];

/** The kind a proposal id names (see {@link proposalIdFor}). */
export const kindOfProposal = (proposalId: string): ProposalKind =>
  proposalId.startsWith('KPM-') ? 'KPM' : 'BKK';
