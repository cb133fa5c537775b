import { RATE_TABLE } from '#shared/config/rates.ts';
import { totalsFor } from '#shared/domain/amounts.ts';
import { regionName } from '#shared/domain/wilayah.ts';
import type { ProposalRecord } from '#shared/model.ts';

/** How a proposal is shown in API responses (list and detail share the summary). */
export function proposalSummary(proposal: ProposalRecord) {
  return {
    proposalId: proposal.proposalId,
    region: proposal.region,
    regionName: regionName(proposal.region),
    period: proposal.period,
    status: proposal.status,
    version: proposal.version,
    recipientCount: proposal.recipientCount,
    warningCount: proposal.warningCount,
    currentUploadId: proposal.currentUploadId,
    createdAt: proposal.createdAt,
    updatedAt: proposal.updatedAt,
  };
}

export function proposalTotals(proposal: ProposalRecord) {
  return {
    ...totalsFor(proposal.countsByRole, RATE_TABLE.monthly, proposal.period),
    ratesArePlaceholders: RATE_TABLE.placeholder,
  };
}
