import type { ResponseBody } from '#shared/contract/api.ts';
import { CreateImportBodySchema } from '#shared/contract/requests.ts';
import { parseProgramme } from '#shared/domain/family/exclusions.ts';
import { resolveRegion } from '#shared/domain/wilayah.ts';
import { BadRequestError, ConflictError } from '#shared/errors.ts';
import { actorOf, ownRegion, requireRegion } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { distributionRoutes, familyFiles } from './deps.ts';
import { awaitImportFile } from './presigned-upload.ts';
import { routeById } from './routes.ts';

/**
 * `POST /imports`: a presigned PUT URL for one family programme file, and the record that says what
 * the file is (the import reads nothing else from the caller). An operator's files are for their
 * own region; an admin names the region, and may leave it out only for a province-wide exclusion
 * list. A DTSEN file for a snapshot that a tahap already uses is refused at once (409), so nobody
 * uploads 60,000 families for nothing; the import checks again when it commits.
 */
export const handler = postHandler(routeById('CreateImport'), async ({ event, scope }) => {
  const body = parseInput(CreateImportBodySchema, jsonBody(event));
  const named = body.region === undefined ? undefined : resolveRegion(body.region);
  if (body.region !== undefined && !named)
    throw new BadRequestError('Kabupaten/kota tujuan unggahan tidak dikenal.');
  const region = named ?? ownRegion(scope);
  if (region) requireRegion(scope, region);
  else if (body.kind !== 'PENGECUALIAN' && body.kind !== 'JAWABAN_REKENING') {
    throw new BadRequestError(
      body.kind === 'STATUS_KARTU'
        ? 'Sebutkan kabupaten/kota kartu-kartu ini (region).'
        : 'Sebutkan kabupaten/kota ekstrak DTSEN ini (region).',
    );
  }

  const { snapshots } = familyFiles();
  if (body.kind === 'BAST' || body.kind === 'EDC') {
    // A BAST or EDC file records what a distribution that is open handed out: refused otherwise (409).
    const opened = region ? await distributionRoutes().get(body.tahapId, region) : undefined;
    if (opened?.status !== 'OPEN') {
      throw new ConflictError(
        'Penyaluran kabupaten/kota ini pada tahap ini belum dibuka; berkas penyaluran belum dapat diunggah.',
        { reason: 'DISTRIBUTION_NOT_OPEN' },
      );
    }
  } else if ((body.kind === 'DTSEN_KELUARGA' || body.kind === 'DTSEN_ANGGOTA') && region) {
    const snapshot = await snapshots.get(region, body.versionDate);
    if (snapshot?.usedBy && snapshot.usedBy.length > 0) {
      throw new ConflictError(
        `Snapshot DTSEN ${body.versionDate} kabupaten/kota ini sudah dipakai oleh tahap ${snapshot.usedBy.join(', ')}; isinya tidak dapat diganti. Unggah ekstrak baru dengan tanggal versi lain.`,
        { reason: 'SNAPSHOT_IN_USE' },
      );
    }
  }

  const { importId, upload } = await awaitImportFile({
    kind: body.kind,
    filename: body.filename,
    createdBy: actorOf(scope),
    facts: {
      ...(region ? { region } : {}),
      ...(body.kind === 'PENGECUALIAN'
        ? { list: { programme: programmeOf(body.programme), source: body.source, asOf: body.asOf } }
        : body.kind === 'STATUS_KARTU' || body.kind === 'JAWABAN_REKENING'
          ? {}
          : body.kind === 'BAST' || body.kind === 'EDC'
            ? { tahapId: body.tahapId }
            : { versionDate: body.versionDate }),
      ...(body.kind === 'DTSEN_ANGGOTA' ? { relationshipCodes: body.relationshipCodes ?? 'DUKCAPIL' } : {}),
    },
    now: new Date(),
  });
  return json(201, {
    importId,
    kind: body.kind,
    ...(region ? { region } : {}),
    ...upload,
    statusUrl: `/imports/${importId}`,
  } satisfies ResponseBody<'CreateImport', 201>);
});

/** The programme as the lists will be grouped: a known one by its code, another in upper case. */
function programmeOf(text: string): string {
  const programme = parseProgramme(text);
  if (!programme)
    throw new BadRequestError('Nama program tidak dikenali: tulis mis. PKH, BPNT, BLT Dana Desa.');
  return programme;
}
