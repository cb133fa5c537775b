import { decreeFilename } from '#shared/adapters/storage-keys.ts';
import { DecreeParamsSchema } from '#shared/contract/requests.ts';
import type { DecreeDetail, DecreeSummary } from '#shared/contract/responses.ts';
import { DECREE_STATUS_LABEL, decreePeriodLabel, decreeSubject } from '#shared/domain/decree.ts';
import { regionOfProposal } from '#shared/domain/proposal.ts';
import { regionName } from '#shared/domain/wilayah.ts';
import { NotFoundError } from '#shared/errors.ts';
import { requireRegion, type Scope } from '#shared/http/caller.ts';
import { type ApiEvent, parseInput } from '#shared/http/http-handler.ts';
import type { DecreeRecord } from '#shared/model.ts';
import { apiDeps } from './deps-with-objects.ts';

/** The decree named in the path, after the object-level check (a regional role: own region only). */
export async function loadDecree(event: ApiEvent, scope: Scope): Promise<DecreeRecord> {
  const { decreeId } = parseInput(DecreeParamsSchema, event.pathParameters ?? {});
  // `SK-62.03-2026-S1`, `SK-KPM-62.03-2026-1`: the region is checked before the read, so ids cannot be probed.
  requireRegion(scope, regionOfProposal(decreeId.slice(3)) ?? decreeId.slice(3, 8));
  const decree = await apiDeps().decrees.get(decreeId);
  if (!decree) throw new NotFoundError('SK tidak ditemukan.');
  requireRegion(scope, decree.region);
  return decree;
}

/** How a decree is shown to signed-in readers: ids, number, dates, totals, hash; no recipient data. */
export function decreeSummary(decree: DecreeRecord): DecreeSummary {
  return {
    decreeId: decree.decreeId,
    kind: decree.kind,
    tahapId: decree.tahapId,
    number: decree.number,
    status: decree.status,
    statusLabel: DECREE_STATUS_LABEL[decree.status],
    proposalId: decree.proposalId,
    region: decree.region,
    regionName: regionName(decree.region),
    period: decree.period,
    periodLabel: decreePeriodLabel(decree.kind, decree.period),
    title: decreeSubject(decree.kind, decree.region, decree.period),
    decreeDate: decree.decreeDate,
    recipientCount: decree.recipientCount,
    total: decree.total,
    ratesArePlaceholders: decree.ratesArePlaceholders,
    sha256: decree.sha256,
    replaces: decree.replaces,
    replacedBy: decree.replacedBy,
    issuedAt: decree.issuedAt,
    revokedAt: decree.revokedAt,
  };
}

/** The detail adds the role (BKK) or component (KPM) breakdown, who approved and revoked, and a short-lived PDF link. */
export async function decreeDetail(decree: DecreeRecord): Promise<DecreeDetail> {
  const { config, objects } = apiDeps();
  const pdfUrl = decree.pdfKey
    ? await objects.presignGet(
        config.documentsBucket,
        decree.pdfKey,
        config.presignTtlSeconds,
        decreeFilename(decree.number),
        decree.pdfVersionId,
      )
    : undefined;
  return {
    ...decreeSummary(decree),
    verifyCode: decree.verifyCode,
    byRole: decree.byRole,
    byComponent: decree.byComponent,
    memberCount: decree.memberCount,
    pages: decree.pages,
    bytes: decree.bytes,
    signer: decree.signer,
    approvedBy: decree.approvedBy.name,
    revokedBy: decree.revokedBy?.name,
    revocationReason: decree.revocationReason,
    pdfUrl,
  };
}
