import { z } from 'zod';
import { InvalidCursorError } from '#shared/adapters/recipients-repo.ts';
import { maskAccount, maskNik } from '#shared/domain/mask.ts';
import { BadRequestError } from '#shared/errors.ts';
import { requireGroup, seesPersonalData } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import type { StoredRecipient } from '#shared/model.ts';
import { apiDeps } from './deps.ts';
import { loadProposal } from './proposal-view.ts';

const QuerySchema = z.strictObject({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  flag: z
    .string()
    .regex(/^[A-Z_]{3,40}$/)
    .optional(),
});

/**
 * `GET /proposals/{proposalId}/recipients?cursor&limit&flag`: one page of the current list. Auditors
 * read NIKs and account numbers masked; the people who work the list see them whole.
 */
export const handler = apiHandler(async ({ event, caller }) => {
  requireGroup(caller, 'operator', 'verifier', 'approver', 'auditor', 'admin');
  const proposal = await loadProposal(event, caller);
  const query = parseInput(QuerySchema, event.queryStringParameters ?? {});
  const { recipients } = apiDeps();
  if (!proposal.currentListId) return json(200, { items: [], nextCursor: null });

  try {
    const page = await recipients.page(proposal.currentListId, query.limit, query.cursor, query.flag);
    const show = seesPersonalData(caller) ? (recipient: StoredRecipient) => recipient : masked;
    return json(200, {
      items: page.items.map((recipient) => show(recipient)),
      nextCursor: page.nextCursor ?? null,
    });
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new BadRequestError('Parameter cursor tidak sah.');
    throw error;
  }
});

const masked = (recipient: StoredRecipient): StoredRecipient => ({
  ...recipient,
  nik: maskNik(recipient.nik),
  noRekening: maskAccount(recipient.noRekening),
  noHp: undefined,
});
