import { BankReportsRepository } from '#shared/adapters/payments-repo.ts';
import { bankReportPath, PREFIXES, parseBankReportKey } from '#shared/adapters/storage-keys.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { CreateBankReportBodySchema } from '#shared/contract/requests.ts';
import { wibDate } from '#shared/domain/decree.ts';
import type { ExchangeAnswerKind } from '#shared/domain/exchange.ts';
import { BadRequestError, ConflictError } from '#shared/errors.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { apiDeps } from '../deps-with-objects.ts';
import { routeById } from '../routes.ts';

/**
 * The answers Bank Kalteng and BULOG put through the API (issue #15): a presigned PUT to the very key
 * the answer's import is triggered by, so an answer is read, checked, reported and audited as any
 * file of its kind. One entry per answer kind; a new kind (the account-opening answer, EDC
 * transactions, BAST) adds its entry, its route (naming its party's capability, with an
 * `uploadsBucket` grant of exactly its prefix) and its import.
 */
interface AnswerSpec {
  /** Where the file goes in the uploads bucket, from the file name the party gave. */
  place(filename: string, now: Date): { readonly s3Key: string; readonly reportKey: string };
  /** Refuses (409) a place already taken by an answer that stands. */
  requireFree(s3Key: string): Promise<void>;
}

let bankReports: BankReportsRepository | undefined;

const ANSWERS: Readonly<Record<ExchangeAnswerKind, AnswerSpec>> = {
  LAPORAN_PENYALURAN: {
    // `disbursements/<today in WIB>/<file>`: where the bank report import reads (interfaces.md §2).
    place(filename, now) {
      const s3Key = `${PREFIXES.disbursements}${wibDate(now).iso}/${filename}`;
      const key = parseBankReportKey(s3Key);
      if (!key) throw new BadRequestError('Nama berkas laporan tidak dapat dipakai.');
      return { s3Key, reportKey: bankReportPath(s3Key) };
    },
    // Another version at the key of a report the import has taken is noted, never read: a
    // correction must come under another name, so it is refused here before any byte is sent.
    async requireFree(s3Key) {
      bankReports ??= new BankReportsRepository(env().tableName);
      const record = await bankReports.getByKey(s3Key);
      if (record && (record.status === 'COMPLETED' || record.status === 'PROCESSING')) {
        throw new ConflictError(
          `Laporan bernama ${bankReportPath(s3Key)} sudah diterima hari ini. Kirim koreksi dengan nama berkas lain.`,
          { reason: 'REPORT_EXISTS' },
        );
      }
    },
  },
};

/** `POST /exchange/bank/reports {filename}`: a presigned PUT for a bank disbursement report. */
export function bankReportUploadHandler() {
  const kind: ExchangeAnswerKind = 'LAPORAN_PENYALURAN';
  return postHandler(routeById('CreateBankReport'), async ({ event }) => {
    const { filename } = parseInput(CreateBankReportBodySchema, jsonBody(event));
    const answer = ANSWERS[kind];
    const now = new Date();
    const { s3Key, reportKey } = answer.place(filename, now);
    await answer.requireFree(s3Key);
    const { config, objects } = apiDeps();
    const uploadUrl = await objects.presignPut(config.uploadsBucket, s3Key, config.presignTtlSeconds);
    return json(201, {
      kind,
      reportKey,
      method: 'PUT',
      uploadUrl,
      expiresAt: new Date(now.getTime() + config.presignTtlSeconds * 1000).toISOString(),
    } satisfies ResponseBody<'CreateBankReport', 201>);
  });
}
