import type { ImportView, SnapshotView } from '#shared/contract/responses.ts';
import { regionName } from '#shared/domain/wilayah.ts';
import type { ImportRecord, SnapshotRecord } from '#shared/model.ts';

/** The province's files (an exclusion list without a region) are not any one region's. */
export const PROVINCE = 'PROVINSI';

/** An import as the API shows it: no S3 key, lease or actor's id; the requester by name. */
export function importView(record: ImportRecord): Omit<ImportView, 'snapshot' | 'reportUrl'> {
  return {
    importId: record.importId,
    kind: record.kind,
    region: record.region,
    filename: record.filename,
    status: record.status,
    rowsProcessed: record.rowsProcessed,
    counts: record.counts,
    reasons: record.reasons,
    problems: record.problems,
    versionDate: record.versionDate,
    relationshipCodes: record.relationshipCodes,
    list: record.list,
    createdAt: record.createdAt,
    createdBy: record.createdBy ? { name: record.createdBy.name } : undefined,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    durationMs: record.durationMs,
  };
}

/** A snapshot as the API shows it (its report link is the route's to add). */
export function snapshotView(snapshot: SnapshotRecord): Omit<SnapshotView, 'reportUrl'> {
  const { reportKey: _key, ...check } = snapshot.check ?? { reportKey: undefined };
  return {
    region: snapshot.region,
    regionName: regionName(snapshot.region),
    versionDate: snapshot.versionDate,
    status: snapshot.status,
    families: snapshot.families,
    members: snapshot.members,
    check: snapshot.check ? (check as NonNullable<SnapshotView['check']>) : undefined,
    usedBy: snapshot.usedBy,
    createdAt: snapshot.createdAt,
    updatedAt: snapshot.updatedAt,
  };
}
