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
 * Readable, stable ids: the first proposal of a region and period is `62.03-2026-S1`; if it is
 * rejected, the next one is `62.03-2026-S1-r2`.
 */
export const proposalIdFor = (region: string, period: string, revision: number): string =>
  revision <= 1 ? `${region}-${period}` : `${region}-${period}-r${revision}`;

/** The region a proposal id names (its first part), if it is one of {@link proposalIdFor}'s. */
export const regionOfProposal = (proposalId: string): string | undefined =>
  /^(62\.\d{2})-/.exec(proposalId)?.[1];
