import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CallOptions,
  type Claims,
  callRoute,
  type ErrorBody,
  operator,
  type RouteId,
} from '../support/api.ts';
import { resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The verval of a tahap through its routes (issue #14): the operator assigns a relawan to a desa,
 * the relawan downloads the desa's sheet (who to visit, NIK and No KK as text), fills it, uploads it
 * through the presigned URL, and the import (called as the S3 trigger would) records each family's
 * result, refusing what the rules refuse with a reason per row. A relawan works only the desa
 * assigned to them; the same file twice changes nothing; the later visit stands.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const env = useEmulatorEnv();
const { VervalRepository } = await import('#shared/adapters/verval-repo.ts');
const { ImportsRepository } = await import('#shared/adapters/imports-repo.ts');
const { DESA, KAPUAS, TAHAP, importUploaded, kk, nik, seedProgramme, tahapWithRun } = await import(
  '../support/families.ts'
);

const TABLE = env.TABLE_NAME as string;
const tahapParams = { pathParameters: { tahapId: TAHAP } };
const call = <T = Record<string, unknown>>(route: RouteId, claims: Claims, options: CallOptions = {}) =>
  callRoute<T>(route, { claims, ...options });

const relawan = (sub: string): Claims => ({
  ...operator(KAPUAS),
  sub,
  name: `Relawan ${sub}`,
  groups: '[relawan]',
});
const ASSIGNED = relawan('relawan-sari');
const OTHER = relawan('relawan-budi');

/** Today in WIB, as the import reads dates. */
const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
const daysAgo = (days: number) =>
  new Date(Date.now() + 7 * 3600_000 - days * 86_400_000).toISOString().slice(0, 10);

interface ImportAnswer {
  status: string;
  counts?: { rows: number; accepted: number; rejected: number; warnings: number };
  problems?: { row: number; code: string }[];
  reasons: { code: string }[];
}

/** Asks for the upload URL as `who`, PUTs the file through it, and runs the import as the S3 trigger would. */
async function uploadResults(who: Claims, csv: string): Promise<{ importId: string; view: ImportAnswer }> {
  const asked = await call<{ importId: string; uploadUrl: string }>('CreateVervalUpload', who, {
    ...tahapParams,
    body: { desa: DESA, filename: 'hasil-verval.csv' },
  });
  expect(asked.status).toBe(201);
  const put = await fetch(asked.body.uploadUrl, { method: 'PUT', body: csv });
  expect(put.ok).toBe(true);
  await importUploaded(asked.body.importId);
  const view = await call<ImportAnswer>('GetVervalUpload', who, {
    pathParameters: { tahapId: TAHAP, importId: asked.body.importId },
  });
  expect(view.status).toBe(200);
  return { importId: asked.body.importId, view: view.body };
}

const HEADER = 'No KK;Hasil Verval;Tanggal Verval;Nama Relawan;Nomor Berita Acara;NIK Penerima';
const line = (...cells: string[]) => cells.join(';');

beforeAll(async () => {
  await resetTable();
  await seedProgramme();
  await tahapWithRun();
}, 60_000);

describe('verval of one desa', () => {
  it('is worked by the relawan the operator assigned, and no one else', async () => {
    expect(
      (
        await call('GetTahapFile', ASSIGNED, {
          pathParameters: { tahapId: TAHAP, kind: 'verval' },
          query: { desa: DESA },
        })
      ).status,
    ).toBe(403);
    const assigned = await call<{ items: { relawan: { sub: string } }[] }>(
      'AssignRelawan',
      operator(KAPUAS),
      {
        ...tahapParams,
        body: { desa: DESA, relawan: { sub: 'relawan-sari', name: 'Sari' } },
      },
    );
    expect(assigned.status).toBe(200);
    expect(assigned.body.items.map((item) => item.relawan.sub)).toEqual(['relawan-sari']);
    // Another kabupaten's operator cannot assign in Kapuas; a relawan cannot assign at all.
    expect(
      (
        await call('AssignRelawan', operator('62.02'), {
          ...tahapParams,
          body: { desa: DESA, relawan: { sub: 'x', name: 'X Y' } },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('AssignRelawan', ASSIGNED, {
          ...tahapParams,
          body: { desa: DESA, relawan: { sub: 'x', name: 'X Y' } },
        })
      ).status,
    ).toBe(403);

    const mine = await call<{ items: { desaCode: string }[] }>('ListAssignments', ASSIGNED, tahapParams);
    expect(mine.body.items.map((item) => item.desaCode)).toEqual([DESA]);
    // Where their work is, without reading any tahap they may not: every open tahap's desa of theirs.
    const everywhere = await call<{ items: { tahapId: string; desaCode: string; tahapLabel: string }[] }>(
      'ListMyAssignments',
      ASSIGNED,
    );
    expect(everywhere.body.items).toEqual([
      expect.objectContaining({ tahapId: TAHAP, desaCode: DESA, tahapLabel: 'Tahap 1 Tahun 2026' }),
    ]);
    expect((await call<{ items: unknown[] }>('ListMyAssignments', OTHER)).body.items).toEqual([]);
    const other = await call<ErrorBody>('GetVervalProgress', OTHER, {
      ...tahapParams,
      query: { desa: DESA },
    });
    expect(other.status).toBe(403);
  });

  it('hands the relawan a sheet of exactly the families to visit, numbers kept as text', async () => {
    const file = await call<{ url: string; families: number; filename: string }>('GetTahapFile', ASSIGNED, {
      pathParameters: { tahapId: TAHAP, kind: 'verval' },
      query: { desa: DESA },
    });
    expect(file.status).toBe(200);
    // The eligible (1, 9) and those a visit settles (5 and 6 share a child, 7 is in two kabupaten).
    expect(file.body.families).toBe(5);
    const bytes = Buffer.from(await (await fetch(file.body.url)).arrayBuffer());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.read(Readable.from([bytes]));
    const sheet = workbook.getWorksheet('Verval');
    const kks: string[] = [];
    sheet?.eachRow((row) => {
      row.eachCell((cell) => {
        if (typeof cell.value === 'string' && /^\d{16}$/.test(cell.value)) kks.push(cell.value);
      });
    });
    for (const serial of [1, 5, 6, 7, 9]) expect(kks).toContain(kk(KAPUAS, serial));
    for (const serial of [2, 3, 4, 8]) expect(kks).not.toContain(kk(KAPUAS, serial));
  });

  it('records each visit, refusing with a reason what the rules refuse', async () => {
    const csv = [
      HEADER,
      line(kk(KAPUAS, 1), 'Layak', daysAgo(2), 'Sari', 'BA/01/2026', ''),
      line(kk(KAPUAS, 5), 'layak', daysAgo(2), 'Sari', 'BA/01/2026', ''),
      line(kk(KAPUAS, 6), 'Data Ganda', daysAgo(2), 'Sari', 'BA/01/2026', ''),
      line(kk(KAPUAS, 7), 'Meninggal', daysAgo(2), 'Sari', 'BA/01/2026', ''), // no new penerima
      line(kk(KAPUAS, 9), 'MENINGGAL', daysAgo(2), 'Sari', 'BA/01/2026', nik(KAPUAS, 10)), // not a member
      line(kk(KAPUAS, 2), 'Layak', daysAgo(2), 'Sari', 'BA/01/2026', ''), // excluded by desil
      line(kk(KAPUAS, 99), 'Layak', daysAgo(2), 'Sari', 'BA/01/2026', ''), // not in the desa
      line(kk(KAPUAS, 1), 'Layak', '', 'Sari', 'BA/01/2026', ''), // no date
    ].join('\n');
    const { view } = await uploadResults(ASSIGNED, csv);
    expect(view.status).toBe('COMPLETED');
    expect(view.counts).toMatchObject({ rows: 8, accepted: 3, rejected: 5 });
    expect(view.problems?.map((problem) => [problem.row, problem.code])).toEqual([
      [5, 'PENERIMA_WAJIB'],
      [6, 'PENERIMA_BUKAN_ANGGOTA'],
      [7, 'KK_TIDAK_DIVERVAL'],
      [8, 'KK_TIDAK_DI_DESA'],
      [9, 'DATE_REQUIRED'],
    ]);
    const progress = await call<{ toVisit: number; visited: number; byResult: Record<string, number> }>(
      'GetVervalProgress',
      operator(KAPUAS),
      { ...tahapParams, query: { desa: DESA } },
    );
    expect(progress.body).toMatchObject({ toVisit: 5, visited: 3, byResult: { LAYAK: 2, GANDA: 1 } });
  });

  it('changes nothing when the same file comes twice, and keeps the later visit', async () => {
    const again = [HEADER, line(kk(KAPUAS, 1), 'Layak', daysAgo(2), 'Sari', 'BA/01/2026', '')].join('\n');
    expect((await uploadResults(ASSIGNED, again)).view.counts).toMatchObject({ accepted: 1, warnings: 0 });
    const older = [HEADER, line(kk(KAPUAS, 1), 'Mampu', daysAgo(5), 'Sari', 'BA/00/2026', '')].join('\n');
    const stale = await uploadResults(ASSIGNED, older);
    expect(stale.view.problems?.map((problem) => problem.code)).toEqual(['HASIL_LEBIH_BARU_ADA']);
    const results = await new VervalRepository(TABLE).ofDesaResults(TAHAP, DESA);
    expect(results.find((result) => result.noKk === kk(KAPUAS, 1))).toMatchObject({
      result: 'LAYAK',
      inTahap: true,
      penerimaNik: nik(KAPUAS, 10),
      tanggal: daysAgo(2),
    });
    expect(results).toHaveLength(3);
    // A visit dated in the future is a typo, not a fact.
    const future = [HEADER, line(kk(KAPUAS, 9), 'Layak', '31-12-2099', 'Sari', 'BA/02/2026', '')].join('\n');
    expect((await uploadResults(ASSIGNED, future)).view.counts).toMatchObject({ accepted: 0 });
    expect(today() > '2026-01-01').toBe(true);
  });

  it('refuses a relawan’s file once the assignment is withdrawn, and their uploads stay theirs', async () => {
    const asked = await call<{ importId: string; uploadUrl: string }>('CreateVervalUpload', ASSIGNED, {
      ...tahapParams,
      body: { desa: DESA, filename: 'hasil.csv' },
    });
    await fetch(asked.body.uploadUrl, {
      method: 'PUT',
      body: [HEADER, line(kk(KAPUAS, 9), 'Layak', daysAgo(1), 'Sari', 'BA/03/2026', '')].join('\n'),
    });
    const removed = await call('AssignRelawan', operator(KAPUAS), {
      ...tahapParams,
      body: { desa: DESA, relawan: { sub: 'relawan-sari', name: 'Sari' }, remove: true },
    });
    expect(removed.status).toBe(200);
    await importUploaded(asked.body.importId);
    const record = await new ImportsRepository(TABLE).get(asked.body.importId);
    expect(record?.status).toBe('REJECTED');
    expect(record?.reasons.map((reason) => reason.code)).toEqual(['DESA_TIDAK_DITUGASKAN']);
    // Not assigned any more: the sheet, the progress and the upload's status are closed to them.
    expect(
      (await call('GetVervalProgress', ASSIGNED, { ...tahapParams, query: { desa: DESA } })).status,
    ).toBe(403);
    // Another relawan of the region never sees Sari's upload (not even that it exists).
    await call('AssignRelawan', operator(KAPUAS), {
      ...tahapParams,
      body: { desa: DESA, relawan: { sub: 'relawan-budi', name: 'Budi' } },
    });
    const peek = await call('GetVervalUpload', OTHER, {
      pathParameters: { tahapId: TAHAP, importId: asked.body.importId },
    });
    expect(peek.status).toBe(404);
  });
});
