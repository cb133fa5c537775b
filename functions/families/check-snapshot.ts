import type { FamiliesRepository } from '#shared/adapters/families-repo.ts';
import type { ObjectStore } from '#shared/adapters/object-store.ts';
import { pairOf, type SnapshotCheck, type SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import { snapshotReportKey } from '#shared/adapters/storage-keys.ts';
import { checkGroup } from '#shared/domain/family/snapshot-check.ts';
import { ReportWriter } from '#shared/import/report-writer.ts';
import { logger } from '#shared/logger.ts';
import type { SnapshotCheckRequested } from '#shared/messages.ts';

export interface CheckSnapshotDeps {
  readonly snapshots: Pick<SnapshotsRepository, 'get' | 'markReady'>;
  readonly families: Pick<FamiliesRepository, 'groups'>;
  readonly objects: Pick<ObjectStore, 'openWrite'>;
  readonly documentsBucket: string;
  readonly now?: () => Date;
}

export type CheckSnapshotOutcome =
  | { readonly kind: 'ready'; readonly check: SnapshotCheck }
  /** The snapshot names another pair, or is READY already: a stale or repeated message, nothing done. */
  | { readonly kind: 'stale'; readonly reason: string };

/** How the report names the file a problem is in. */
const FILE_LABEL = { keluarga: 'Berkas keluarga', anggota: 'Berkas anggota' } as const;

/**
 * The cross-check of a DTSEN snapshot's pair of imports: every family read with its members
 * (`FamiliesRepository.groups`, one family in memory), each judged by `checkGroup`; the findings
 * go to a report for the operator (row and file of each), their counts to the snapshot, which
 * becomes READY in one conditional write that holds only if it still names this pair.
 *
 * A snapshot with findings is still READY: a family without a head stays in it and eligibility
 * excludes it with that reason, members without a family are never read by eligibility. The
 * operator sees the counts and the report, and can import a corrected file before a tahap uses it.
 *
 * Idempotent: a repeated message finds the snapshot READY (or naming another pair) and stops; a
 * crash before the switch leaves it INCOMPLETE, and the redelivery checks again, writing the same
 * report key.
 */
export async function checkSnapshot(
  message: SnapshotCheckRequested,
  deps: CheckSnapshotDeps,
): Promise<CheckSnapshotOutcome> {
  const { region, versionDate } = message;
  const snapshot = await deps.snapshots.get(region, versionDate);
  const pair = snapshot && pairOf(snapshot);
  if (!snapshot || !pair || pair.families !== message.families || pair.members !== message.members) {
    logger.info('Snapshot check for a pair the snapshot no longer names; nothing done', {
      region,
      versionDate,
    });
    return { kind: 'stale', reason: 'pair replaced' };
  }
  if (snapshot.status === 'READY') return { kind: 'stale', reason: 'already ready' };

  const reportKey = snapshotReportKey(region, versionDate, pair);
  const report = new ReportWriter(() =>
    deps.objects.openWrite(deps.documentsBucket, reportKey, 'text/csv; charset=utf-8'),
  );
  let families = 0;
  let members = 0;
  let complete = 0;
  const byCode: Record<string, number> = {};
  for await (const group of deps.families.groups(pair)) {
    if (group.family) families++;
    members += group.members.length;
    const problems = checkGroup(group);
    if (group.family && problems.length === 0) complete++;
    for (const problem of problems) {
      byCode[problem.code] = (byCode[problem.code] ?? 0) + 1;
      for (const row of problem.rows) {
        await report.addCells([
          String(row),
          FILE_LABEL[problem.file],
          problem.code,
          'galat',
          problem.message,
        ]);
      }
    }
  }
  const written = await report.close();
  const checkedAt = (deps.now?.() ?? new Date()).toISOString();
  const check: SnapshotCheck = {
    families,
    members,
    complete,
    byCode,
    ...(written ? { reportKey } : {}),
    checkedAt,
  };
  if (!(await deps.snapshots.markReady(region, versionDate, pair, check, checkedAt))) {
    return { kind: 'stale', reason: 'changed during the check' };
  }
  logger.info('Snapshot ready', { region, versionDate, families, members, complete, byCode });
  return { kind: 'ready', check };
}
