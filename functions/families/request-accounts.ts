import type { AccountsRepository } from '#shared/adapters/accounts-repo.ts';
import { type FileTarget, type WrittenFile, writeCsvFile } from '#shared/adapters/csv-file.ts';
import type { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import type { ExchangeRepository } from '#shared/adapters/exchange-repo.ts';
import type { FamiliesRepository, SnapshotData } from '#shared/adapters/families-repo.ts';
import type { FamilyDirectoryRepository } from '#shared/adapters/family-directory-repo.ts';
import type { SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import { accountRequestFileKey } from '#shared/adapters/storage-keys.ts';
import type { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import type { VervalRepository } from '#shared/adapters/verval-repo.ts';
import {
  ACCOUNT_REQUEST_COLUMNS,
  ACCOUNT_REQUEST_HEADERS,
  accountRequestRow,
  needsAccountRequest,
} from '#shared/domain/family/accounts.ts';
import { acceptsDistributionWork } from '#shared/domain/family/tahap.ts';
import { maskNik } from '#shared/domain/mask.ts';
import { desaName, kecamatanName, regionName } from '#shared/domain/wilayah.ts';
import { logger } from '#shared/logger.ts';
import type { AccountsRequestRequested } from '#shared/messages.ts';
import type { AccountRecord, Entitlement } from '#shared/model.ts';
import { handToParty } from './exchange-handoff.ts';

export interface RequestAccountsDeps {
  readonly accounts: AccountsRepository;
  readonly distribution: Pick<DistributionRepository, 'get' | 'entitlements'>;
  readonly tahap: Pick<TahapRepository, 'get'>;
  readonly snapshots: Pick<SnapshotsRepository, 'ready'>;
  readonly families: Pick<FamiliesRepository, 'family'>;
  readonly verval: Pick<VervalRepository, 'resultOf'>;
  readonly directory: Pick<FamilyDirectoryRepository, 'logReads'>;
  readonly exchange: Pick<ExchangeRepository, 'register'>;
  readonly objects: { openWrite(bucket: string, key: string, contentType: string): FileTarget };
  readonly documentsBucket: string;
  readonly now?: () => Date;
}

export type RequestAccountsOutcome =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly error: string }
  | {
      readonly kind: 'written';
      readonly file: WrittenFile;
      readonly refused: number;
      readonly notNeeded: number;
    };

/** Entitlements read before their penerima's accounts are fetched (one BatchGet). */
const CHUNK = 100;

class RequestRefusal extends Error {}

/**
 * Writes a kabupaten's account-opening request for Bank Kalteng (`accounts.request.requested`,
 * handed off by `POST /tahap/{tahapId}/accounts/requests`): every TUNAI entitlement of the OPEN
 * distribution whose penerima has no active account and needs a request (`needsAccountRequest`:
 * none yet, a failure, or a request unanswered for 14 days) becomes a row (`accountRequestRow`):
 * the penerima from the entitlement, the birth date and sex from the tahap's DTSEN snapshot, the
 * birth place and mother's maiden name from the verval record. Streamed into
 * `files/bank/<tahapId>/<region>/rekening-<requestId>.csv` (memory: one chunk of entitlements and
 * the upload's parts). Then each penerima on the file is marked DIAJUKAN (conditional on their
 * record as read: an answer recorded meanwhile wins), the file is logged as a bulk read, handed to
 * the bank's exchange ({@link handToParty}), and the request closed COMPLETED.
 *
 * A redelivered message of a finished request does nothing; one of a request still RUNNING (the
 * worker died) writes the same file again: the same penerima, unless answers came meanwhile.
 */
export async function requestAccounts(
  message: AccountsRequestRequested,
  deps: RequestAccountsDeps,
): Promise<RequestAccountsOutcome> {
  const { tahapId, region, requestId } = message;
  const now = deps.now ?? (() => new Date());
  const record = await deps.accounts.request(tahapId, region);
  if (record?.requestId !== requestId) return { kind: 'skipped', reason: 'superseded' };
  if (record.status === 'COMPLETED' || record.status === 'FAILED') return { kind: 'skipped', reason: 'done' };
  if (record.status === 'QUEUED') {
    await deps.accounts.markRequest(tahapId, region, requestId, {
      status: 'RUNNING',
      startedAt: now().toISOString(),
    });
  }
  try {
    const data = await snapshotOf(deps, tahapId, region);
    const key = accountRequestFileKey(tahapId, region, requestId);
    const named: { nik: string; read: AccountRecord | undefined; desaCode: string }[] = [];
    const counts = { refused: 0, notNeeded: 0 };
    const at = now().toISOString();
    const file = await writeCsvFile(
      deps.objects.openWrite(deps.documentsBucket, key, 'text/csv; charset=utf-8'),
      key,
      ACCOUNT_REQUEST_COLUMNS.map((column) => ACCOUNT_REQUEST_HEADERS[column]),
      rows(deps, message, data, at, named, counts),
    );
    for (const { nik, read, desaCode } of named) {
      if (
        (await deps.accounts.markRequested(nik, read, at, requestId, { tahapId, desaCode })) === 'changed'
      ) {
        // Answered (or asked again) while the file was written: the newer record stands.
        logger.info('Account record moved while the request was written', { nik: maskNik(nik) });
      }
    }
    await deps.directory.logReads([
      {
        read: {
          kind: 'FILE',
          file: 'PEMBUKAAN_REKENING',
          region,
          tahapId,
          fileKey: key,
          families: file.rows,
        },
        at: now().toISOString(),
        who: record.requestedBy,
        route: 'RequestAccounts',
      },
    ]);
    await handToParty(deps.exchange, {
      fileId: `rekening-${tahapId}-${region.replace('.', '')}-${requestId}`,
      kind: 'PEMBUKAAN_REKENING',
      tahapId,
      region,
      file,
      createdAt: record.requestedAt,
      createdBy: record.requestedBy,
    });
    await deps.accounts.markRequest(tahapId, region, requestId, {
      status: 'COMPLETED',
      finishedAt: now().toISOString(),
      fileKey: key,
      sha256: file.sha256,
      rows: file.rows,
      refused: counts.refused,
      notNeeded: counts.notNeeded,
    });
    logger.info('Account-opening request written', {
      tahapId,
      region,
      requestId,
      rows: file.rows,
      ...counts,
    });
    return { kind: 'written', file, ...counts };
  } catch (error) {
    if (!(error instanceof RequestRefusal)) throw error;
    await deps.accounts.markRequest(tahapId, region, requestId, {
      status: 'FAILED',
      error: error.message,
      finishedAt: now().toISOString(),
    });
    return { kind: 'failed', error: error.message };
  }
}

/** The tahap's snapshot of the kabupaten, once its distribution is OPEN. */
async function snapshotOf(deps: RequestAccountsDeps, tahapId: string, region: string): Promise<SnapshotData> {
  const distribution = await deps.distribution.get(tahapId, region);
  if (distribution?.status !== 'OPEN') {
    throw new RequestRefusal('Penyaluran kabupaten/kota ini belum dibuka (SK KPM belum terbit).');
  }
  const tahap = await deps.tahap.get(tahapId);
  // A request queued before the tahap was closed asks for nothing after it.
  const accepting = tahap ? acceptsDistributionWork(tahap.status) : undefined;
  if (accepting && !accepting.ok) throw new RequestRefusal(accepting.message);
  const versionDate = tahap?.snapshots[region];
  const snapshot = versionDate ? await deps.snapshots.ready(region, versionDate) : undefined;
  if (!snapshot)
    throw new RequestRefusal('Snapshot DTSEN kabupaten/kota ini untuk tahap ini tidak ditemukan.');
  return snapshot.data;
}

/** The file's rows, chunk by chunk of entitlements; `named` collects who went on the file. */
async function* rows(
  deps: RequestAccountsDeps,
  message: AccountsRequestRequested,
  data: SnapshotData,
  at: string,
  named: { nik: string; read: AccountRecord | undefined; desaCode: string }[],
  counts: { refused: number; notNeeded: number },
): AsyncGenerator<readonly string[]> {
  const kabupaten = regionName(message.region) ?? message.region;
  const seen = new Set<string>();
  let chunk: Entitlement[] = [];
  async function* flush(): AsyncGenerator<readonly string[]> {
    const accounts = await deps.accounts.many(chunk.map((entitlement) => entitlement.penerimaNik));
    for (const entitlement of chunk) {
      const nik = entitlement.penerimaNik;
      const read = accounts.get(nik);
      if (seen.has(nik) || !needsAccountRequest(read, at)) {
        counts.notNeeded++;
        continue;
      }
      seen.add(nik);
      const [group, visit] = await Promise.all([
        deps.families.family(data, entitlement.noKk),
        deps.verval.resultOf(message.tahapId, entitlement.desaCode, entitlement.noKk),
      ]);
      const member = group?.members.find((candidate) => candidate.nik === nik);
      const row = accountRequestRow(named.length + 1, {
        nik,
        nama: entitlement.penerimaNama,
        tanggalLahir: member?.tanggalLahir ?? '',
        jenisKelamin: member?.jenisKelamin,
        tempatLahir: visit?.tempatLahirPenerima,
        namaIbuKandung: visit?.namaIbuKandungPenerima,
        noKk: entitlement.noKk,
        alamat: group?.family?.alamat,
        desaCode: entitlement.desaCode,
        desaName: desaName(entitlement.desaCode) ?? entitlement.desaCode,
        kecamatanName: kecamatanName(entitlement.kecamatanCode) ?? entitlement.kecamatanCode,
        kabupatenName: kabupaten,
      });
      if (!row.ok) {
        counts.refused++;
        logger.warn('Penerima left off the account-opening request', {
          code: row.code,
          // The rule's words name the missing fields and mask the NIK.
          reason: row.message,
          ref: entitlement.ref,
        });
        continue;
      }
      named.push({ nik, read, desaCode: entitlement.desaCode });
      yield row.cells;
    }
    chunk = [];
  }
  for await (const entitlement of deps.distribution.entitlements(message.tahapId, message.region, 'TUNAI')) {
    chunk.push(entitlement);
    if (chunk.length >= CHUNK) yield* flush();
  }
  if (chunk.length > 0) yield* flush();
}
