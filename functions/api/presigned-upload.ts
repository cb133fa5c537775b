import { randomUUID } from 'node:crypto';
import { importObjectKey } from '#shared/adapters/storage-keys.ts';
import type { Actor, ImportKind, ImportRecord } from '#shared/model.ts';
import { familyFiles } from './deps.ts';
import { apiDeps } from './deps-with-objects.ts';

/** How long a record that never gets its file is kept (its TTL): a week, for every kind of upload. */
export const AWAITING_FILE_DAYS = 7;

/** The end of a record's wait for its file, from when it was created. */
export const awaitingFileExpiry = (now: Date): Date =>
  new Date(now.getTime() + AWAITING_FILE_DAYS * 24 * 3600 * 1000);

/** The part of a 201 that tells the client where to PUT its file, and until when. */
export interface PresignedPut {
  readonly method: 'PUT';
  readonly uploadUrl: string;
  readonly expiresAt: string;
}

/**
 * A presigned PUT to `s3Key` of the uploads bucket, good for `PRESIGN_TTL_SECONDS` from `now`. The
 * route's `uploadsBucket` grant is what the URL may write (a URL carries its signer's rights).
 */
export async function presignedPut(s3Key: string, now: Date): Promise<PresignedPut> {
  const { config, objects } = apiDeps();
  const uploadUrl = await objects.presignPut(config.uploadsBucket, s3Key, config.presignTtlSeconds);
  return {
    method: 'PUT',
    uploadUrl,
    expiresAt: new Date(now.getTime() + config.presignTtlSeconds * 1000).toISOString(),
  };
}

/** What a route knows of a family import file besides its kind and name (region, tahap, desa, list…). */
export type ImportFileFacts = Pick<
  ImportRecord,
  'region' | 'versionDate' | 'relationshipCodes' | 'list' | 'tahapId' | 'desaCode'
>;

/**
 * The one way a route lets a family import file in (`POST /imports`, the verval results, the machine
 * clients' answers): a new import id, the key under its kind's folder of `imports/` (`.xlsx` or
 * `.csv` from the name given), the AWAITING_FILE record that says what the file is, written first
 * (the import reads nothing else from the caller; kept {@link AWAITING_FILE_DAYS} days if no file
 * comes), then the presigned PUT to that key.
 */
export async function awaitImportFile(input: {
  readonly kind: ImportKind;
  readonly filename: string;
  readonly createdBy: Actor;
  readonly facts?: ImportFileFacts;
  readonly now: Date;
}): Promise<{ readonly importId: string; readonly upload: PresignedPut }> {
  const importId = randomUUID();
  const extension = input.filename.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
  const s3Key = importObjectKey(input.kind, importId, extension);
  const record: ImportRecord = {
    importId,
    kind: input.kind,
    // Only the facts given: an attribute set to undefined is not written.
    ...(Object.fromEntries(
      Object.entries(input.facts ?? {}).filter(([, value]) => value !== undefined),
    ) as ImportFileFacts),
    filename: input.filename,
    format: extension,
    status: 'AWAITING_FILE',
    createdAt: input.now.toISOString(),
    createdBy: input.createdBy,
    s3Key,
    attempts: 0,
    rowsProcessed: 0,
    reasons: [],
  };
  await familyFiles().imports.createAwaiting(record, awaitingFileExpiry(input.now));
  return { importId, upload: await presignedPut(s3Key, input.now) };
}
