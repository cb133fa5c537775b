import { BankReportsRepository } from '#shared/adapters/payments-repo.ts';
import { bankReportPath, PREFIXES, parseBankReportKey } from '#shared/adapters/storage-keys.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { BankReportParamsSchema } from '#shared/contract/requests.ts';
import { NotFoundError } from '#shared/errors.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps-with-objects.ts';
import { routeById } from './routes.ts';

let bankReports: BankReportsRepository | undefined;

/**
 * `GET /exchange/bank/reports/{reportDate}/{filename}`: what the import made of a report the bank put
 * (the bank report import's record, `functions/disbursement/`), with its error report presigned: the
 * answer to an answer, on the same channel. 404 until the import has claimed the file.
 */
export const handler = apiHandler(routeById('GetBankReport'), async ({ event }) => {
  const { reportDate, filename } = parseInput(BankReportParamsSchema, event.pathParameters ?? {});
  const s3Key = `${PREFIXES.disbursements}${reportDate}/${filename}`;
  if (!parseBankReportKey(s3Key)) throw new NotFoundError('Laporan tidak ditemukan.');
  bankReports ??= new BankReportsRepository(env().tableName);
  const record = await bankReports.getByKey(s3Key);
  if (!record) throw new NotFoundError('Laporan belum diterima atau impornya belum dimulai.');
  const { config, objects } = apiDeps();
  const reportUrl = record.reportKey
    ? await objects.presignGet(
        config.documentsBucket,
        record.reportKey,
        config.presignTtlSeconds,
        `laporan-kesalahan-${filename}`,
      )
    : undefined;
  return json(200, {
    reportKey: bankReportPath(s3Key),
    status: record.status,
    counts: record.counts,
    totals: record.totals,
    reasons: record.reasons,
    ...(reportUrl !== undefined ? { reportUrl } : {}),
    redeliveryCount: record.redeliveryCount,
    ...(record.finishedAt !== undefined ? { finishedAt: record.finishedAt } : {}),
  } satisfies ResponseBody<'GetBankReport', 200>);
});
