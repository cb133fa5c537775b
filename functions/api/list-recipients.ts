import * as z from 'zod';
import { InvalidCursorError } from '#shared/adapters/recipients-repo.ts';
import { FLAG_CODES } from '#shared/domain/checks.ts';
import { WARNING_CODES } from '#shared/domain/issues.ts';
import { maskAccount, maskNik } from '#shared/domain/mask.ts';
import { BadRequestError } from '#shared/errors.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { queryInt } from '#shared/http/params.ts';
import type { StoredRecipient } from '#shared/model.ts';
import { apiDeps } from './deps.ts';
import { loadProposal } from './proposal-view.ts';
import { routeById } from './routes.ts';

/** What a list can be filtered by: the import's warnings and the checks' flags (each indexed). */
const FILTER_CODES: ReadonlySet<string> = new Set([...WARNING_CODES, ...FLAG_CODES]);

const QuerySchema = z.strictObject({
  cursor: z.string().max(512).optional(),
  limit: queryInt(1, 500).default(100),
  flag: z
    .string()
    .regex(/^[A-Z_]{3,40}$/)
    .refine(
      (code) => FILTER_CODES.has(code),
      'Kode tidak dikenal: pakai kode peringatan impor (mis. NIK_CLEANED) atau kode temuan pemeriksaan (mis. NIK_IN_OTHER_LIST).',
    )
    .optional(),
});

/**
 * `GET /proposals/{proposalId}/recipients?cursor&limit&flag`: one page of the current list. Auditors
 * read NIKs and account numbers masked; the people who work the list see them whole.
 */
export const handler = apiHandler(routeById('ListRecipients'), async ({ event, scope }) => {
  const proposal = await loadProposal(event, scope);
  const query = parseInput(QuerySchema, event.queryStringParameters ?? {});
  const { recipients } = apiDeps();
  if (!proposal.currentListId) return json(200, { items: [], nextCursor: null });

  try {
    const page = await recipients.page(proposal.currentListId, query.limit, query.cursor, query.flag);
    const show = scope.personalData === 'full' ? (recipient: StoredRecipient) => recipient : masked;
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
