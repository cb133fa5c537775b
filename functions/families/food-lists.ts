import { type FileTarget, writeCsvFile } from '#shared/adapters/csv-file.ts';
import type { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import type { ExchangeRepository } from '#shared/adapters/exchange-repo.ts';
import type { FamilyDirectoryRepository } from '#shared/adapters/family-directory-repo.ts';
import type { FoodRepository } from '#shared/adapters/food-repo.ts';
import { foodListFileKey } from '#shared/adapters/storage-keys.ts';
import type { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import type { EntitlementStatus } from '#shared/domain/family/distribution.ts';
import {
  DISTRIBUTION_COLUMN_LABELS,
  DISTRIBUTION_COLUMNS,
  type DistributionRow,
  distributionCells,
  distributionRow,
  type FoodPackage,
} from '#shared/domain/family/food.ts';
import { foodPackageOf } from '#shared/domain/family/food-package.ts';
import { acceptsDistributionWork } from '#shared/domain/family/tahap.ts';
import { desaName, kecamatanName, regionName } from '#shared/domain/wilayah.ts';
import { logger } from '#shared/logger.ts';
import type { FoodListsRequested } from '#shared/messages.ts';
import type { FoodListFile, FoodListJob } from '#shared/model.ts';
import { handToParty } from './exchange-handoff.ts';

/** The route id the bulk reads of these files are logged under (the request that made them). */
export const FOOD_LISTS_ROUTE = 'CreateFoodLists';

export interface FoodListsDeps {
  readonly tahap: Pick<TahapRepository, 'get'>;
  readonly distribution: Pick<DistributionRepository, 'get' | 'entitlements' | 'currentCards'>;
  readonly food: FoodRepository;
  readonly directory: Pick<FamilyDirectoryRepository, 'logReads'>;
  readonly exchange: Pick<ExchangeRepository, 'register'>;
  readonly objects: { openWrite(bucket: string, key: string, contentType: string): FileTarget };
  readonly documentsBucket: string;
  readonly now?: () => Date;
}

export type FoodListsOutcome =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly error: string }
  | {
      readonly kind: 'written';
      readonly files: readonly FoodListFile[];
      readonly counts: FoodListJob['counts'];
    };

/**
 * What the job keeps of a PANGAN entitlement until its desa's file is written: ~200 bytes, so the
 * largest kabupaten (~60,000 families) holds ~12 MB.
 */
interface Slim {
  readonly tahapId: string;
  readonly region: string;
  readonly ref: string;
  readonly noKk: string;
  readonly amount: number;
  readonly status: EntitlementStatus;
  readonly penerimaNik: string;
  readonly penerimaNama: string;
  readonly kecamatanCode: string;
  readonly decreeNumber: string;
}

/** Entitlements moved to DIKIRIM at once (one conditional UpdateItem each). */
const MOVES_IN_FLIGHT = 16;

/**
 * Writes a kabupaten's distribution lists for BULOG (`food.lists.requested`): one CSV per desa (the
 * titik bagi), each line a PANGAN entitlement that may be listed (`distributionRow`: DITETAPKAN,
 * DIKIRIM, DIULANG) with the family's active card and the penerima's masked NIK; then every listed
 * DITETAPKAN entitlement moves to DIKIRIM, conditionally, so a re-run after a crash lists the same
 * families again and never touches one DITERIMA meanwhile. Each file is logged as a bulk read of
 * the requester (UU PDP) and handed to BULOG ({@link handToParty}).
 *
 * Memory: the entitlement partition is sorted by No KK, not by desa, so the job holds a slim line
 * per family grouped by desa (~12 MB at 60,000 families) rather than querying per desa (the
 * partition has no desa index; a per-desa Query would need one, or a filter reading the whole
 * partition once per desa: 250 desa × 60,000 items).
 */
export async function writeFoodLists(
  message: FoodListsRequested,
  deps: FoodListsDeps,
): Promise<FoodListsOutcome> {
  const { tahapId, region, jobId } = message;
  const now = deps.now ?? (() => new Date());
  const job = await deps.food.listJob(tahapId, region);
  if (!job || job.jobId !== jobId) return { kind: 'skipped', reason: 'superseded' };
  if (job.status === 'COMPLETED' || job.status === 'FAILED') return { kind: 'skipped', reason: 'done' };
  await deps.food.markList(tahapId, region, jobId, { status: 'RUNNING', startedAt: now().toISOString() });

  const fail = async (error: string): Promise<FoodListsOutcome> => {
    await deps.food.markList(tahapId, region, jobId, {
      status: 'FAILED',
      error,
      finishedAt: now().toISOString(),
    });
    logger.warn('Food lists not written', { tahapId, region, jobId, error });
    return { kind: 'failed', error };
  };
  const opened = await deps.distribution.get(tahapId, region);
  if (opened?.status !== 'OPEN') return fail('Penyaluran kabupaten/kota ini pada tahap ini belum dibuka.');
  const tahap = await deps.tahap.get(tahapId);
  // A job queued before the tahap was closed moves nothing after it.
  const accepting = tahap ? acceptsDistributionWork(tahap.status) : undefined;
  if (accepting && !accepting.ok) return fail(accepting.message);
  const pkg = tahap ? foodPackageOf(tahap) : undefined;
  if (!pkg) return fail('Tahap ini tidak memuat bantuan pangan.');

  const byDesa = new Map<string, Slim[]>();
  for await (const entitlement of deps.distribution.entitlements(tahapId, region, 'PANGAN')) {
    const slim: Slim = {
      tahapId,
      region,
      ref: entitlement.ref,
      noKk: entitlement.noKk,
      amount: entitlement.amount,
      status: entitlement.status,
      penerimaNik: entitlement.penerimaNik,
      penerimaNama: entitlement.penerimaNama,
      kecamatanCode: entitlement.kecamatanCode,
      decreeNumber: entitlement.decreeNumber,
    };
    const list = byDesa.get(entitlement.desaCode);
    if (list) list.push(slim);
    else byDesa.set(entitlement.desaCode, [slim]);
  }

  const files: FoodListFile[] = [];
  const counts = { listed: 0, sent: 0, notListed: 0 };
  for (const desaCode of [...byDesa.keys()].sort()) {
    const written = await writeDesa(deps, job, desaCode, byDesa.get(desaCode) ?? [], pkg, counts, now);
    if (written) files.push(written);
    byDesa.delete(desaCode);
  }
  await deps.food.markList(tahapId, region, jobId, {
    status: 'COMPLETED',
    files,
    counts,
    finishedAt: now().toISOString(),
  });
  logger.info('Food lists written', { tahapId, region, jobId, desa: files.length, ...counts });
  return { kind: 'written', files, counts };
}

async function writeDesa(
  deps: FoodListsDeps,
  job: FoodListJob,
  desaCode: string,
  families: readonly Slim[],
  pkg: FoodPackage,
  counts: { listed: number; sent: number; notListed: number },
  now: () => Date,
): Promise<FoodListFile | undefined> {
  const cards = await deps.distribution.currentCards(families.map((family) => family.noKk));
  const place = {
    kabupaten: regionName(job.region) ?? job.region,
    kecamatan: '',
    desa: desaName(desaCode) ?? desaCode,
  };
  const rows: DistributionRow[] = [];
  const listed: Slim[] = [];
  for (const family of families) {
    const card = cards.get(family.noKk);
    const result = distributionRow({
      no: rows.length + 1,
      entitlement: { ref: family.ref, component: 'PANGAN', amount: family.amount, status: family.status },
      card: card ? { number: card.cardNumber, status: card.status } : undefined,
      family: { noKk: family.noKk, penerimaNik: family.penerimaNik, penerimaNama: family.penerimaNama },
      place: { ...place, kecamatan: kecamatanName(family.kecamatanCode) ?? family.kecamatanCode },
      nomorSk: family.decreeNumber,
      pkg,
    });
    if (!result.ok) {
      counts.notListed++;
      continue;
    }
    rows.push(result.row);
    listed.push(family);
  }
  if (rows.length === 0) return undefined;
  const key = foodListFileKey(job.tahapId, job.region, desaCode, job.jobId);
  const header = DISTRIBUTION_COLUMNS.map((column) => DISTRIBUTION_COLUMN_LABELS[column]);
  const written = await writeCsvFile(
    deps.objects.openWrite(deps.documentsBucket, key, 'text/csv; charset=utf-8'),
    key,
    header,
    rows.map(distributionCells),
  );
  counts.listed += written.rows;
  // The file is stored before anything moves: a crash in between lists the same families again.
  const at = now().toISOString();
  const waiting = listed.filter((family) => family.status === 'DITETAPKAN');
  for (let start = 0; start < waiting.length; start += MOVES_IN_FLIGHT) {
    const moved = await Promise.all(
      waiting.slice(start, start + MOVES_IN_FLIGHT).map((family) => deps.food.markSent(family, at)),
    );
    counts.sent += moved.filter(Boolean).length;
  }
  await deps.directory.logReads([
    {
      read: {
        kind: 'FILE',
        file: 'DAFTAR_SALUR',
        region: job.region,
        tahapId: job.tahapId,
        desaCode,
        fileKey: key,
        families: written.rows,
      },
      at,
      who: job.requestedBy,
      route: FOOD_LISTS_ROUTE,
    },
  ]);
  const file: FoodListFile = {
    desaCode,
    fileKey: key,
    rows: written.rows,
    bytes: written.bytes,
    sha256: written.sha256,
  };
  await handToParty(deps.exchange, {
    fileId: `salur-${job.tahapId}-${desaCode.replaceAll('.', '')}-${job.jobId}`,
    kind: 'DAFTAR_SALUR',
    tahapId: job.tahapId,
    region: job.region,
    desaCode,
    file: written,
    createdAt: job.requestedAt,
    createdBy: job.requestedBy,
  });
  return file;
}
