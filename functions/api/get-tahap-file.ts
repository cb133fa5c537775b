import { PassThrough } from 'node:stream';
import { FamiliesRepository } from '#shared/adapters/families-repo.ts';
import { vervalSheetKey } from '#shared/adapters/storage-keys.ts';
import { writeVervalSheetXlsx } from '#shared/adapters/verval-sheet-xlsx.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { DesaQuerySchema, TahapFileParamsSchema } from '#shared/contract/requests.ts';
import type { FamilyGroup } from '#shared/domain/family/snapshot-check.ts';
import { tahapLabel } from '#shared/domain/family/tahap.ts';
import { vervalSheet } from '#shared/domain/family/verval-sheet.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { tahapRoutes } from './deps.ts';
import { apiDeps } from './deps-with-objects.ts';
import { loadTahap } from './get-tahap.ts';
import { logBulkRead } from './read-log.ts';
import { routeById } from './routes.ts';
import { requireDesa } from './verval-access.ts';
import { completedRun, familiesToVisit } from './verval-families.ts';

let families: FamiliesRepository | undefined;

/** Families read at once from the snapshot while the sheet is made. */
const READ_AHEAD = 8;

/**
 * `GET /tahap/{tahapId}/files/verval?desa`: a desa's verval sheet, made now from the tahap's latest
 * eligibility run and the snapshot (the families a relawan visits, their adult members), stored
 * under `files/` and handed out as a short-lived link. A desa has a few hundred families: the sheet
 * takes well under a second, so it is made on request rather than ahead for 1,500 desa. Each download
 * is one bulk read log item (`READLOG#DESA#<tahapId>#<desa>`).
 */
const ROUTE = routeById('GetTahapFile');

export const handler = apiHandler(ROUTE, async ({ event, scope }) => {
  parseInput(TahapFileParamsSchema, event.pathParameters ?? {});
  const tahap = await loadTahap(event);
  const { desa } = parseInput(DesaQuerySchema, event.queryStringParameters ?? {});
  await requireDesa(scope, tahap.tahapId, desa);
  const run = completedRun(tahap);
  const region = desa.slice(0, 5);
  const versionDate = tahap.snapshots[region];
  const snapshot = versionDate ? await tahapRoutes().snapshots.ready(region, versionDate) : undefined;
  if (!snapshot) throw new Error(`tahap ${tahap.tahapId}: no READY snapshot for ${region}`);

  const visit = await familiesToVisit(tahap, desa);
  const config = env();
  families ??= new FamiliesRepository(config.tableName);
  const groups: FamilyGroup[] = [];
  for (let start = 0; start < visit.length; start += READ_AHEAD) {
    const read = await Promise.all(
      visit.slice(start, start + READ_AHEAD).map((family) => families?.family(snapshot.data, family.noKk)),
    );
    for (const group of read) if (group?.family) groups.push(group);
  }
  const now = new Date();
  const sheet = vervalSheet({
    desaCode: desa,
    tahapLabel: tahapLabel(tahap),
    families: groups.map((group) => ({
      family: group.family as NonNullable<FamilyGroup['family']>,
      members: group.members,
    })),
    generatedAt: now,
  });
  // The sheet names the desa's families (names, NIK, No KK): logged before it is stored or handed
  // out (UU PDP); a read that cannot be logged fails and nothing is served.
  await logBulkRead(scope, ROUTE.id, {
    kind: 'DESA',
    tahapId: tahap.tahapId,
    desaCode: desa,
    families: sheet.rows.length,
  });
  const { objects } = apiDeps();
  const key = vervalSheetKey(tahap.tahapId, desa, run.runId);
  // A desa's sheet is tens of KB: made in memory, stored with one PutObject.
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeVervalSheetXlsx(sheet, sink, { createdAt: now });
  await objects.putFile(
    config.documentsBucket,
    key,
    Buffer.concat(chunks),
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  const filename = `verval-${desa}-tahap-${tahap.number}-${tahap.year}.xlsx`;
  const url = await objects.presignGet(config.documentsBucket, key, config.presignTtlSeconds, filename);
  return json(200, {
    url,
    filename,
    expiresAt: new Date(now.getTime() + config.presignTtlSeconds * 1000).toISOString(),
    families: sheet.rows.length,
  } satisfies ResponseBody<'GetTahapFile', 200>);
});
