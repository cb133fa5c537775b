import { z } from 'zod';
import { NotFoundError } from '#shared/errors.ts';
import { requireGroup, requireRegionAccess } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps.ts';
import { proposalSummary, proposalTotals } from './proposal-view.ts';

export const ProposalParamsSchema = z.object({
  proposalId: z.string().regex(/^62\.\d{2}-[0-9A-Za-z-]{4,20}$/),
});

/** `GET /proposals/{proposalId}`: status, counts, totals and the uploads that shaped the list. */
export const handler = apiHandler(async ({ event, caller }) => {
  requireGroup(caller, 'operator', 'verifier', 'approver', 'auditor', 'admin');
  const { proposalId } = parseInput(ProposalParamsSchema, event.pathParameters ?? {});
  const { proposals, uploads } = apiDeps();
  const proposal = await proposals.get(proposalId);
  if (!proposal) throw new NotFoundError('Usulan tidak ditemukan.');
  requireRegionAccess(caller, proposal.region);
  const history = await uploads.listForRegionPeriod(proposal.region, proposal.period);
  return json(200, {
    ...proposalSummary(proposal),
    countsByRole: proposal.countsByRole,
    totals: proposalTotals(proposal),
    uploads: history.map((upload) => ({
      uploadId: upload.uploadId,
      filename: upload.filename,
      status: upload.status,
      counts: upload.counts,
      applied: upload.uploadId === proposal.currentUploadId,
      createdAt: upload.createdAt,
      finishedAt: upload.finishedAt,
    })),
  });
});
