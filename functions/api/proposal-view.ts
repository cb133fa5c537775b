import { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { RATE_TABLE } from '#shared/config/rates.ts';
import { ProposalParamsSchema } from '#shared/contract/requests.ts';
import type { ProposalDetail, ProposalSummary } from '#shared/contract/responses.ts';
import { totalsFor, totalsForKpm } from '#shared/domain/amounts.ts';
import { regionOfProposal } from '#shared/domain/proposal.ts';
import { regionName } from '#shared/domain/wilayah.ts';
import { NotFoundError } from '#shared/errors.ts';
import { requireRegion, type Scope } from '#shared/http/caller.ts';
import { type ApiEvent, parseInput } from '#shared/http/http-handler.ts';
import type { ProposalRecord } from '#shared/model.ts';
import { apiDeps } from './deps.ts';

/** `62.03-2026-S1` → `62.03`; `KPM-62.03-2026-1` → `62.03`; anything else: its first five characters. */
export const proposalRegion = (proposalId: string) => regionOfProposal(proposalId) ?? proposalId.slice(0, 5);

/** The proposal named in the path, after the object-level check (a regional role: own region only). */
export async function loadProposal(event: ApiEvent, scope: Scope): Promise<ProposalRecord> {
  const { proposalId } = parseInput(ProposalParamsSchema, event.pathParameters ?? {});
  // The id starts with its region: checked before the read, so another region's ids cannot be probed.
  requireRegion(scope, proposalRegion(proposalId));
  const proposal = await apiDeps().proposals.get(proposalId);
  if (!proposal) throw new NotFoundError('Usulan tidak ditemukan.');
  requireRegion(scope, proposal.region);
  return proposal;
}

/** How a proposal is shown in API responses (list and detail share the summary). */
export function proposalSummary(proposal: ProposalRecord): ProposalSummary {
  return {
    proposalId: proposal.proposalId,
    kind: proposal.kind,
    region: proposal.region,
    regionName: regionName(proposal.region),
    period: proposal.period,
    status: proposal.status,
    version: proposal.version,
    recipientCount: proposal.recipientCount,
    warningCount: proposal.warningCount,
    openBlocking: proposal.openBlocking,
    currentUploadId: proposal.currentUploadId,
    decreeId: proposal.decreeId,
    requiredAgencies: proposal.requiredAgencies,
    signedBy: Object.keys(proposal.signoffs).sort(),
    createdAt: proposal.createdAt,
    updatedAt: proposal.updatedAt,
  };
}

/** What every family of a KPM list receives per component: its tahap's (undefined for BKK). */
export type TahapComponents = Readonly<Record<string, number>> | undefined;

let tahap: TahapRepository | undefined;

/** The tahap's components a KPM proposal's totals are made of (nothing to read for a BKK one). */
export async function componentsOf(proposal: ProposalRecord): Promise<TahapComponents> {
  if (proposal.kind !== 'KPM') return undefined;
  tahap ??= new TahapRepository(apiDeps().config.tableName);
  return (await tahap.get(proposal.period))?.components;
}

/** {@link proposalDetail} with a KPM proposal's tahap read for its totals: what the routes answer. */
export async function proposalDetailFor(proposal: ProposalRecord): Promise<ProposalDetail> {
  return proposalDetail(proposal, await componentsOf(proposal));
}

/**
 * The detail view adds the workflow: required agencies, sign-offs, returns and the checks' result.
 * A KPM proposal's totals need its tahap's `components` ({@link proposalDetailFor} reads them).
 */
export function proposalDetail(proposal: ProposalRecord, components?: TahapComponents): ProposalDetail {
  return {
    ...proposalSummary(proposal),
    countsByRole: proposal.countsByRole,
    totals: proposalTotals(proposal, components),
    signoffs: Object.values(proposal.signoffs),
    returns: proposal.returns,
    checks: proposal.checks,
    submittedAt: proposal.submittedAt,
    verifiedAt: proposal.verifiedAt,
    decidedAt: proposal.decidedAt,
    decidedBy: proposal.decidedBy?.name,
    decreedAt: proposal.decreedAt,
    // Shown while the approved list still waits for its decree, not once it has one.
    decreePreflightFailure:
      proposal.status === 'APPROVED' && proposal.decreePreflightFailure
        ? {
            codes: proposal.decreePreflightFailure.codes,
            reason: proposal.decreePreflightFailure.reason,
            at: proposal.decreePreflightFailure.at,
          }
        : undefined,
  };
}

/**
 * What the list costs: BKK, recipients per role × the rate table's monthly rate × months; KPM,
 * families × what each receives of every component of the tahap (no rate table, no placeholder).
 */
export function proposalTotals(proposal: ProposalRecord, components?: TahapComponents) {
  if (proposal.kind === 'KPM') {
    return { ...totalsForKpm(proposal.recipientCount, components ?? {}), ratesArePlaceholders: false };
  }
  return {
    ...totalsFor(proposal.countsByRole, RATE_TABLE.monthly, proposal.period),
    ratesArePlaceholders: RATE_TABLE.placeholder,
  };
}
