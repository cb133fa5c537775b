import { z } from 'zod';
import { parseRecipientId, recipientKey, waiverKey } from '#shared/adapters/keys.ts';
import { ConcurrentChangeError, type TransactItem } from '#shared/adapters/proposals-repo.ts';
import { planWaiver } from '#shared/domain/workflow.ts';
import { BadRequestError, ConflictError, NotFoundError } from '#shared/errors.ts';
import { actorOf, whoOf } from '#shared/http/caller.ts';
import { apiHandler, json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { freeText } from '#shared/http/params.ts';
import { apiDeps } from './deps.ts';
import { loadProposal, proposalDetail } from './proposal-view.ts';
import { routeById } from './routes.ts';

const BodySchema = z.strictObject({
  recipientId: z.string().min(3).max(100),
  flag: z.string().regex(/^[A-Z_]{3,40}$/),
  reason: freeText(2_000, { min: 10, message: 'Alasan wajib ditulis (minimal 10 karakter).' }),
});

/**
 * `POST /proposals/{proposalId}/waivers`: a verifier sets one blocking flag of one recipient aside,
 * with a written reason. At most once per flag; audited like every other step.
 */
export const handler = apiHandler(routeById('WaiveFlag'), async ({ event, scope }) => {
  const body = parseInput(BodySchema, jsonBody(event));
  const proposal = await loadProposal(event, scope);
  // The rules first (state, agency, duties): a refused verifier learns nothing about the recipient.
  const now = new Date().toISOString();
  const plan = planWaiver(
    proposal,
    scope.agency ?? '',
    whoOf(scope),
    body.recipientId,
    body.flag,
    body.reason,
  );
  const target = parseRecipientId(body.recipientId);
  if (!target || target.listId !== proposal.currentListId) {
    throw new NotFoundError('Penerima tidak ditemukan dalam daftar usulan ini.');
  }
  const { config, recipients, proposals } = apiDeps();
  const recipient = await recipients.get(target.listId, target.row);
  const flag = recipient?.flags?.find((candidate) => candidate.code === body.flag);
  if (!recipient || !flag) throw new NotFoundError(`Penerima ini tidak memiliki temuan ${body.flag}.`);
  if (flag.severity !== 'blocking') {
    throw new BadRequestError(
      'Hanya temuan yang menghalangi (blocking) yang perlu dikesampingkan; peringatan tidak.',
    );
  }

  const actor = actorOf(scope);
  const extra: TransactItem[] = [
    {
      // The flag must still be on the recipient when the waiver lands (checks may have re-run).
      ConditionCheck: {
        TableName: config.tableName,
        Key: recipientKey(target.listId, target.row),
        ConditionExpression: 'contains(flagCodes, :flag)',
        ExpressionAttributeValues: { ':flag': body.flag },
      },
    },
    {
      Put: {
        TableName: config.tableName,
        Item: {
          ...waiverKey(proposal.proposalId, body.recipientId, body.flag),
          proposalId: proposal.proposalId,
          recipientId: body.recipientId,
          flag: body.flag,
          reason: body.reason,
          by: actor,
          at: now,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
  try {
    const updated = await proposals.apply(proposal, plan, actor, now, extra);
    return json(201, {
      ...proposalDetail(updated),
      waived: { recipientId: body.recipientId, flag: body.flag },
    });
  } catch (error) {
    if (error instanceof ConcurrentChangeError && error.failedItem === 3) {
      throw new ConflictError('Temuan ini sudah dikesampingkan sebelumnya.', { reason: 'ALREADY_WAIVED' });
    }
    if (error instanceof ConcurrentChangeError && error.failedItem === 2) {
      throw new ConflictError(
        'Temuan ini sudah tidak ada (pemeriksaan baru saja dijalankan ulang). Muat ulang.',
        {
          reason: 'FLAG_GONE',
        },
      );
    }
    throw error;
  }
});
