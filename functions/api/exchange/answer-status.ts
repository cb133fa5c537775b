import type { ResponseBody } from '#shared/contract/api.ts';
import { ImportParamsSchema } from '#shared/contract/requests.ts';
import { answerPartyOf, type ExchangeParty } from '#shared/domain/exchange.ts';
import { NotFoundError } from '#shared/errors.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { familyFiles } from '../deps.ts';
import { apiDeps } from '../deps-with-objects.ts';
import { importView } from '../import-view.ts';
import { routeById } from '../routes.ts';

// A module of its own: the GET routes' bundles must not carry the POST routes' Powertools Idempotency.

/**
 * `GET /exchange/<party>/imports/{importId}`: what the import made of an answer the party put
 * (status, counts, first problems, the error report presigned): the answer to an answer, on the same
 * channel. Only the party's own answers: an import of another kind, of the other party or of staff
 * is 404, exactly as an unknown id.
 */
export function importAnswerStatusHandler(routeId: string, party: ExchangeParty) {
  return apiHandler(routeById(routeId), async ({ event, scope }) => {
    const { importId } = parseInput(ImportParamsSchema, event.pathParameters ?? {});
    const record = await familyFiles().imports.get(importId);
    if (!record || answerPartyOf(record.kind) !== party || record.createdBy?.role !== scope.role) {
      throw new NotFoundError('Impor tidak ditemukan.');
    }
    const { config, objects } = apiDeps();
    const reportUrl = record.reportKey
      ? await objects.presignGet(
          config.documentsBucket,
          record.reportKey,
          config.presignTtlSeconds,
          `laporan-kesalahan-${importId}.csv`,
        )
      : undefined;
    return json(200, {
      ...importView(record),
      ...(reportUrl !== undefined ? { reportUrl } : {}),
    } satisfies ResponseBody<'GetBankImport', 200>);
  });
}
