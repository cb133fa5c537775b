import { TahapChangedError, TahapExistsError } from '#shared/adapters/tahap-repo.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { CreateTahapBodySchema } from '#shared/contract/requests.ts';
import { GENESIS_HASH, sealEntry } from '#shared/domain/audit.ts';
import { tahapId as idOf, tahapLabel } from '#shared/domain/family/tahap.ts';
import { regionName } from '#shared/domain/wilayah.ts';
import { ConflictError } from '#shared/errors.ts';
import { actorOf, whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import type { TahapRecord } from '#shared/model.ts';
import { tahapRoutes } from './deps.ts';
import { routeById } from './routes.ts';
import { tahapView } from './tahap-view.ts';

/**
 * `POST /tahap`: a new tahap (DRAFT), in one transaction with its first audit record and the claim
 * of each kabupaten's snapshot: every snapshot must be READY, and from then on no import replaces
 * its files, so a tahap's families never change under it. 409 when the year and number are taken
 * or a snapshot is not READY (named).
 */
export const handler = postHandler(routeById('CreateTahap'), async ({ event, scope }) => {
  const input = parseInput(CreateTahapBodySchema, jsonBody(event));
  const { tahap, snapshots } = tahapRoutes();
  const tahapId = idOf(input);
  const now = new Date().toISOString();

  const regions = Object.entries(input.snapshots).sort(([a], [b]) => a.localeCompare(b));
  // Said before writing, for the person: which kabupaten's snapshot is missing or not checked yet.
  for (const [region, versionDate] of regions) {
    const snapshot = await snapshots.get(region, versionDate);
    if (snapshot?.status !== 'READY') {
      throw new ConflictError(
        `Snapshot DTSEN ${versionDate} ${regionName(region) ?? region} ${snapshot ? 'belum selesai diperiksa (kedua berkasnya harus sudah diimpor)' : 'tidak ditemukan'}; tahap belum dapat dibuat.`,
        { reason: 'SNAPSHOT_NOT_READY', region, versionDate },
      );
    }
  }

  const record: TahapRecord = {
    ...input,
    tahapId,
    status: 'DRAFT',
    version: 1,
    createdAt: now,
    createdBy: whoOf(scope),
  };
  const audit = sealEntry({
    entityId: `TAHAP-${tahapId}`,
    seq: 1,
    at: now,
    actor: actorOf(scope),
    action: 'TAHAP_CREATED',
    toStatus: 'DRAFT',
    details: { regions: regions.length, desilMin: input.desil.min, desilMax: input.desil.max },
    prevHash: GENESIS_HASH,
  });
  const items = [
    ...tahap.createItems(record, audit),
    ...regions.map(([region, versionDate]) => snapshots.useItem(region, versionDate, tahapId)),
  ];
  try {
    await tahap.transact(items);
  } catch (error) {
    if (!(error instanceof TahapChangedError)) throw error;
    if (error.failedItem <= 1) throw new TahapExistsError(tahapId, tahapLabel(input));
    const [region, versionDate] = regions[error.failedItem - 2] ?? [];
    throw new ConflictError(
      `Snapshot DTSEN ${versionDate ?? ''} ${region ? (regionName(region) ?? region) : ''} baru saja berubah; muat ulang lalu coba lagi.`,
      { reason: 'SNAPSHOT_NOT_READY', ...(region ? { region } : {}) },
    );
  }
  return json(201, tahapView(record, scope) satisfies ResponseBody<'CreateTahap', 201>);
});
