import type { WrittenFile } from '#shared/adapters/csv-file.ts';
import type { ExchangeRepository } from '#shared/adapters/exchange-repo.ts';
import { EXCHANGE_FILE_KINDS, type ExchangeFileKind } from '#shared/domain/exchange.ts';
import { logger } from '#shared/logger.ts';
import type { Actor } from '#shared/model.ts';

/** What a generator says of a file it made for Bank Kalteng or BULOG. */
export interface MadeFile {
  /** Stable per file: a job re-run registers the same id (a second registration changes nothing). */
  readonly fileId: string;
  readonly kind: ExchangeFileKind;
  readonly tahapId: string;
  readonly region: string;
  readonly desaCode?: string | undefined;
  readonly file: Pick<WrittenFile, 'key' | 'rows' | 'sha256'>;
  readonly controlTotal?: number | undefined;
  readonly createdAt: string;
  readonly createdBy: Actor;
}

/**
 * The one place a file made for Bank Kalteng or BULOG is handed to its party: registered in the
 * exchange (`exchange-repo.ts`), where that party's machine client lists and fetches it, and no other
 * party can. Idempotent by file id, so a job that dies after the registration and runs again
 * registers nothing twice.
 */
export async function handToParty(
  exchange: Pick<ExchangeRepository, 'register'>,
  made: MadeFile,
): Promise<void> {
  const party = EXCHANGE_FILE_KINDS[made.kind];
  const registered = await exchange.register({
    fileId: made.fileId,
    party,
    kind: made.kind,
    tahapId: made.tahapId,
    region: made.region,
    ...(made.desaCode ? { desaCode: made.desaCode } : {}),
    s3Key: made.file.key,
    rows: made.file.rows,
    ...(made.controlTotal !== undefined ? { controlTotal: made.controlTotal } : {}),
    sha256: made.file.sha256,
    createdAt: made.createdAt,
    createdBy: made.createdBy,
  });
  logger.info('File handed to its party', {
    party,
    kind: made.kind,
    fileId: made.fileId,
    rows: made.file.rows,
    registered,
  });
}
