import { BankReportsRepository } from '#shared/adapters/payments-repo.ts';
import { bankReportPath, PREFIXES, parseBankReportKey } from '#shared/adapters/storage-keys.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import {
  CreateAccountAnswerBodySchema,
  CreateBankReportBodySchema,
  CreateTahapAnswerBodySchema,
} from '#shared/contract/requests.ts';
import { wibDate } from '#shared/domain/decree.ts';
import {
  EXCHANGE_ANSWER_KINDS,
  type ExchangeAnswerKind,
  type ExchangeImportKind,
  PARTY_PATHS,
} from '#shared/domain/exchange.ts';
import { isRegionCode } from '#shared/domain/regions.ts';
import { BadRequestError, ConflictError } from '#shared/errors.ts';
import { actorOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { distributionRoutes } from '../deps.ts';
import { awaitImportFile, presignedPut } from '../presigned-upload.ts';
import { routeById } from '../routes.ts';

/**
 * The answers Bank Kalteng and BULOG put through the API (issue #15): a presigned PUT to the very key
 * the answer's import is triggered by, so an answer is read, checked, reported and audited as any
 * file of its kind. The bank report is one entry of `ANSWERS`; the answers that are family imports
 * (the account-opening answer, EDC transactions, BAST) go through {@link importAnswerHandler}. A new
 * kind adds its entry, its route (naming its party's capability, with an `uploadsBucket` grant of
 * exactly its prefix) and its import.
 */
interface AnswerSpec {
  /** Where the file goes in the uploads bucket, from the file name the party gave. */
  place(filename: string, now: Date): { readonly s3Key: string; readonly reportKey: string };
  /** Refuses (409) a place already taken by an answer that stands. */
  requireFree(s3Key: string): Promise<void>;
}

let bankReports: BankReportsRepository | undefined;

const ANSWERS: Readonly<Record<'LAPORAN_PENYALURAN', AnswerSpec>> = {
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
    return json(201, {
      kind,
      reportKey,
      ...(await presignedPut(s3Key, now)),
    } satisfies ResponseBody<'CreateBankReport', 201>);
  });
}

/**
 * `POST /exchange/bank/account-answers`, `POST /exchange/bank/edc-files`, `POST
 * /exchange/bulog/bast-files`: a presigned PUT to `imports/<kind folder>/<importId>.<ext>`, where the
 * family import of that kind is triggered, and the import record that says what the file is, written
 * first and attributed to the machine client (`createdBy`: its client id and fixed label, role
 * `bank`/`bulog`; the import checks that role against the kind, `answerPartyOf`). EDC and BAST name a
 * tahap and kabupaten whose distribution is OPEN (409 otherwise), as `POST /imports` does for staff.
 * The party follows its import on its own status route (`GET /exchange/<party>/imports/{id}`).
 */
export function importAnswerHandler(routeId: string, kind: ExchangeImportKind) {
  return postHandler(routeById(routeId), async ({ event, scope }) => {
    let filename: string;
    let scoped: { tahapId: string; region: string } | undefined;
    if (kind === 'JAWABAN_REKENING') {
      ({ filename } = parseInput(CreateAccountAnswerBodySchema, jsonBody(event)));
    } else {
      const body = parseInput(CreateTahapAnswerBodySchema, jsonBody(event));
      filename = body.filename;
      scoped = { tahapId: body.tahapId, region: body.region };
    }
    if (scoped) {
      if (!isRegionCode(scoped.region)) throw new BadRequestError('Kabupaten/kota tidak dikenal.');
      const opened = await distributionRoutes().get(scoped.tahapId, scoped.region);
      if (opened?.status !== 'OPEN') {
        throw new ConflictError(
          'Penyaluran kabupaten/kota ini pada tahap ini belum dibuka; berkas penyaluran belum dapat dikirim.',
          { reason: 'DISTRIBUTION_NOT_OPEN' },
        );
      }
    }
    const { importId, upload } = await awaitImportFile({
      kind,
      filename,
      createdBy: actorOf(scope),
      ...(scoped ? { facts: scoped } : {}),
      now: new Date(),
    });
    const party = PARTY_PATHS[EXCHANGE_ANSWER_KINDS[kind]];
    return json(201, {
      kind,
      importId,
      ...(scoped ?? {}),
      ...upload,
      statusUrl: `/exchange/${party}/imports/${importId}`,
    } satisfies ResponseBody<'CreateBankAccountAnswer', 201>);
  });
}
