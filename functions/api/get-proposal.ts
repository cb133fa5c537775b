import type { ResponseBody } from '#shared/contract/api.ts';
import type { AuditRecord } from '#shared/domain/audit.ts';
import { apiHandler, json } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps.ts';
import { loadProposal, proposalDetailFor } from './proposal-view.ts';
import { routeById } from './routes.ts';

/**
 * `GET /proposals/{proposalId}`: status, counts, totals, the workflow so far (sign-offs, returns,
 * checks), the uploads that shaped the list and the history of who did what.
 */
export const handler = apiHandler(routeById('GetProposal'), async ({ event, scope }) => {
  const proposal = await loadProposal(event, scope);
  const { uploads, proposals } = apiDeps();
  const [history, audit] = await Promise.all([
    // A KPM list is composed, not uploaded (and its tahap `2026-10` is not the BKK period October 2026).
    proposal.kind === 'KPM' ? [] : uploads.listForRegionPeriod(proposal.region, proposal.period),
    proposals.audit(proposal.proposalId),
  ]);
  return json(200, {
    ...(await proposalDetailFor(proposal)),
    uploads: history.map((upload) => ({
      uploadId: upload.uploadId,
      filename: upload.filename,
      status: upload.status,
      counts: upload.counts,
      applied: upload.uploadId === proposal.currentUploadId,
      createdAt: upload.createdAt,
      finishedAt: upload.finishedAt,
    })),
    history: audit.map((record) => ({
      seq: record.seq,
      at: record.at,
      action: record.action,
      by: { name: record.actor.name, role: record.actor.role, opd: record.actor.opd },
      fromStatus: record.fromStatus,
      toStatus: record.toStatus,
      reason: record.reason,
      waived: waivedIn(record),
    })),
  } satisfies ResponseBody<'GetProposal', 200>);
});

/** The recipient and flag a FLAG_WAIVED record names, so a verifier's screen can mark them. */
function waivedIn(record: AuditRecord): { recipientId: string; flag: string } | undefined {
  if (record.action !== 'FLAG_WAIVED') return undefined;
  const { recipientId, flag } = record.details ?? {};
  return typeof recipientId === 'string' && typeof flag === 'string' ? { recipientId, flag } : undefined;
}
