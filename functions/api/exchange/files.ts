import { ExchangeRepository } from '#shared/adapters/exchange-repo.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { ExchangeFileParamsSchema, ExchangeFilesQuerySchema } from '#shared/contract/requests.ts';
import { type ExchangeFile, type ExchangeParty, exchangeFilename } from '#shared/domain/exchange.ts';
import { NotFoundError } from '#shared/errors.ts';
import { actorOf } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from '../deps-with-objects.ts';
import { routeById } from '../routes.ts';

/**
 * The files made for Bank Kalteng and BULOG (issue #15), as their machine clients fetch them: one
 * listing and one download route per party, each naming that party's capability (`exchange:bank`,
 * `exchange:bulog`), so a party only ever reaches its own files. The party comes from the route,
 * never from the caller: a file of the other party is unknown (404), as an id never given.
 */

let repository: ExchangeRepository | undefined;

export function exchangeFiles(): ExchangeRepository {
  repository ??= new ExchangeRepository(env().tableName);
  return repository;
}

type FileView = ResponseBody<'ListBankFiles', 200>['items'][number];

/** What a party sees of a file: what it is and how many rows, never where it is stored. */
export function fileView(file: ExchangeFile): FileView {
  return {
    fileId: file.fileId,
    party: file.party,
    kind: file.kind,
    tahapId: file.tahapId,
    region: file.region,
    ...(file.desaCode !== undefined ? { desaCode: file.desaCode } : {}),
    filename: exchangeFilename(file),
    rows: file.rows,
    ...(file.controlTotal !== undefined ? { controlTotal: file.controlTotal } : {}),
    sha256: file.sha256,
    createdAt: file.createdAt,
  };
}

/** `GET /exchange/<party>/files?tahapId&kind&region&cursor&limit`: the party's files, newest first. */
export function listFilesHandler(routeId: 'ListBankFiles' | 'ListBulogFiles', party: ExchangeParty) {
  return apiHandler(routeById(routeId), async ({ event }) => {
    const query = parseInput(ExchangeFilesQuerySchema, event.queryStringParameters ?? {});
    const page = await exchangeFiles().list(party, query);
    return json(200, {
      items: page.items.map(fileView),
      ...(page.cursor !== undefined ? { nextCursor: page.cursor } : {}),
    } satisfies ResponseBody<'ListBankFiles', 200>);
  });
}

/**
 * `GET /exchange/<party>/files/{fileId}`: the file with a short-lived download link. The fetch is
 * recorded (who, when) before the link is handed out: a fetch that cannot be recorded is not served.
 */
export function getFileHandler(routeId: 'GetBankFile' | 'GetBulogFile', party: ExchangeParty) {
  return apiHandler(routeById(routeId), async ({ event, scope }) => {
    const { fileId } = parseInput(ExchangeFileParamsSchema, event.pathParameters ?? {});
    const file = await exchangeFiles().get(fileId);
    if (!file || file.party !== party) throw new NotFoundError('Berkas tidak ditemukan.');
    const now = new Date();
    await exchangeFiles().recordFetch({ fileId, at: now.toISOString(), by: actorOf(scope) });
    const { config, objects } = apiDeps();
    const url = await objects.presignGet(
      config.documentsBucket,
      file.s3Key,
      config.presignTtlSeconds,
      exchangeFilename(file),
    );
    return json(200, {
      ...fileView(file),
      url,
      expiresAt: new Date(now.getTime() + config.presignTtlSeconds * 1000).toISOString(),
    } satisfies ResponseBody<'GetBankFile', 200>);
  });
}
