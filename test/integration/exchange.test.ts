import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ExchangeFile, PARTY_PATHS } from '#shared/domain/exchange.ts';
import {
  type ApiResponse,
  admin,
  auditor,
  callRoute,
  type ErrorBody,
  machine,
  operator,
} from '../support/api.ts';
import { emptyBucket, resetTable, testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The exchange with Bank Kalteng and BULOG (issue #15), through the real route handlers with the
 * claims API Gateway would pass for their machine clients' access tokens: files registered by a
 * generator, listed per party, fetched through the presigned URL from the S3 emulator, every fetch
 * recorded; a bank disbursement report's presigned PUT where its import is triggered.
 */

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
useEmulatorEnv();
const { ExchangeRepository } = await import('#shared/adapters/exchange-repo.ts');
const { bankReportKey } = await import('#shared/adapters/keys.ts');
const { documentClient } = await import('#shared/adapters/clients.ts');
const { env } = await import('#shared/config/env.ts');
const { wibDate } = await import('#shared/domain/decree.ts');

const repo = () => new ExchangeRepository(env().tableName);
const GENERATOR = { sub: 'system:exchange', name: 'Pembuat berkas', role: 'system' };

type FileView = { fileId: string; kind: string; region: string; party: string; filename: string };
type ListBody = { items: FileView[]; nextCursor?: string };
type Download = FileView & { url: string; expiresAt: string; sha256: string; rows: number };

/** Stores the bytes in the documents bucket and registers the file, as a generator will. */
async function makeFile(
  file: Pick<ExchangeFile, 'fileId' | 'party' | 'kind' | 'tahapId' | 'region' | 'rows'> &
    Partial<ExchangeFile>,
  body: string,
  createdAt: string,
): Promise<ExchangeFile> {
  const s3Key = `files/${file.party.toLowerCase()}/${file.tahapId}/${file.fileId}.csv`;
  await testClients().s3.send(
    new PutObjectCommand({ Bucket: env().documentsBucket, Key: s3Key, Body: body }),
  );
  const registered: ExchangeFile = {
    ...file,
    s3Key,
    sha256: createHash('sha256').update(body).digest('hex'),
    createdAt,
    createdBy: GENERATOR,
  };
  expect(await repo().register(registered)).toBe(true);
  return registered;
}

const OPENING = 'nik;nama;tanggal_lahir\n6203011203850001;Budi;1985-03-12\n';
const INSTRUCTION = 'rekening;nik;jumlah\n1234567890;6201011203850001;250000\n';
const DISTRIBUTION = 'no_kk;penerima;paket\n6203010101200001;Sari;PANGAN\n';

let opening: ExchangeFile;
let instruction: ExchangeFile;
let distribution: ExchangeFile;

beforeAll(async () => {
  await resetTable();
  await emptyBucket(env().documentsBucket, 'files/bank/');
  await emptyBucket(env().documentsBucket, 'files/bulog/');
  opening = await makeFile(
    {
      fileId: 'rek-2026-1-6203',
      party: 'BANK',
      kind: 'PEMBUKAAN_REKENING',
      tahapId: '2026-1',
      region: '62.03',
      rows: 1,
    },
    OPENING,
    '2026-12-01T01:00:00.000Z',
  );
  instruction = await makeFile(
    {
      fileId: 'bayar-2026-1-6201',
      party: 'BANK',
      kind: 'INSTRUKSI_BAYAR',
      tahapId: '2026-1',
      region: '62.01',
      rows: 1,
      controlTotal: 250_000,
    },
    INSTRUCTION,
    '2026-12-02T01:00:00.000Z',
  );
  distribution = await makeFile(
    {
      fileId: 'salur-2026-1-6203010001',
      party: 'BULOG',
      kind: 'DAFTAR_SALUR',
      tahapId: '2026-1',
      region: '62.03',
      desaCode: '62.03.01.2001',
      rows: 1,
    },
    DISTRIBUTION,
    '2026-12-03T01:00:00.000Z',
  );
});

describe('the exchange repository', () => {
  it('registers a file id once, and refuses a file made for the other party', async () => {
    expect(await repo().register({ ...opening, rows: 99 })).toBe(false);
    expect((await repo().get(opening.fileId))?.rows).toBe(1);
    await expect(repo().register({ ...opening, fileId: 'salah-pihak', party: 'BULOG' })).rejects.toThrow(
      /another party/,
    );
  });
});

describe('GET /exchange/<party>/files', () => {
  it("lists the bank's files only, newest first", async () => {
    const listed = await callRoute<ListBody>('ListBankFiles', { claims: machine('bank') });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.items.map((item) => item.fileId)).toEqual([instruction.fileId, opening.fileId]);
    expect(listed.body.nextCursor).toBeUndefined();
    expect(listed.body.items[0]).toMatchObject({
      party: 'BANK',
      kind: 'INSTRUKSI_BAYAR',
      filename: 'bayar-2026-1-6201.csv',
      controlTotal: 250_000,
    });
    // Where the file is stored is not the client's business.
    expect(JSON.stringify(listed.body)).not.toContain('files/bank/');
    const bulog = await callRoute<ListBody>('ListBulogFiles', { claims: machine('bulog') });
    expect(bulog.body.items.map((item) => item.fileId)).toEqual([distribution.fileId]);
  });

  it('narrows by kind, region and tahap, and pages with a cursor', async () => {
    const byKind = await callRoute<ListBody>('ListBankFiles', {
      claims: machine('bank'),
      query: { kind: 'PEMBUKAAN_REKENING' },
    });
    expect(byKind.body.items.map((item) => item.fileId)).toEqual([opening.fileId]);
    const byRegion = await callRoute<ListBody>('ListBankFiles', {
      claims: machine('bank'),
      query: { region: '62.01', tahapId: '2026-1' },
    });
    expect(byRegion.body.items.map((item) => item.fileId)).toEqual([instruction.fileId]);
    const none = await callRoute<ListBody>('ListBankFiles', {
      claims: machine('bank'),
      query: { tahapId: '2027-1' },
    });
    expect(none.body.items).toEqual([]);

    const first = await callRoute<ListBody>('ListBankFiles', {
      claims: machine('bank'),
      query: { limit: '1' },
    });
    expect(first.body.items.map((item) => item.fileId)).toEqual([instruction.fileId]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await callRoute<ListBody>('ListBankFiles', {
      claims: machine('bank'),
      query: { limit: '1', cursor: first.body.nextCursor ?? '' },
    });
    expect(second.body.items.map((item) => item.fileId)).toEqual([opening.fileId]);
  });

  it('refuses a forged cursor, a kind of file nobody makes, and unknown filters (400)', async () => {
    const queries: Record<string, string>[] = [
      { cursor: 'AAAA' },
      { cursor: Buffer.from(JSON.stringify({ s: 'EXCHFILE#x' })).toString('base64url') },
      { kind: 'LAPORAN_PENYALURAN' },
      { party: 'BULOG' },
      { region: '6203' },
    ];
    for (const query of queries) {
      const refused = await callRoute<ErrorBody>('ListBankFiles', { claims: machine('bank'), query });
      expect(refused.status, JSON.stringify(query)).toBe(400);
    }
  });
});

describe('GET /exchange/<party>/files/{fileId}', () => {
  it('hands out a presigned URL of the file (the bytes and their SHA-256 as registered) and records the fetch', async () => {
    const got = await callRoute<Download>('GetBankFile', {
      claims: machine('bank'),
      pathParameters: { fileId: opening.fileId },
    });
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    expect(got.body).toMatchObject({ fileId: opening.fileId, rows: 1, sha256: opening.sha256 });
    const download = await fetch(got.body.url);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.toString('utf8')).toBe(OPENING);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(got.body.sha256);
    // The name it is saved under (S3 answers with it; the emulator ignores the parameter).
    expect(decodeURIComponent(got.body.url)).toContain('filename="rek-2026-1-6203.csv"');

    const fetches = await repo().fetches(opening.fileId);
    expect(fetches).toHaveLength(1);
    expect(fetches[0]?.by).toEqual({ sub: machine('bank').sub, name: 'Bank Kalteng (sistem)', role: 'bank' });
    await callRoute('GetBankFile', { claims: machine('bank'), pathParameters: { fileId: opening.fileId } });
    expect(await repo().fetches(opening.fileId)).toHaveLength(2);
  });

  it("answers another party's file as unknown (404), records nothing, and refuses staff and the other client (403)", async () => {
    const before = (await repo().fetches(distribution.fileId)).length;
    const probe = await callRoute<ErrorBody>('GetBankFile', {
      claims: machine('bank'),
      pathParameters: { fileId: distribution.fileId },
    });
    expect(probe.status).toBe(404);
    const unknown = await callRoute<ErrorBody>('GetBankFile', {
      claims: machine('bank'),
      pathParameters: { fileId: 'tidak-ada' },
    });
    expect(unknown.status).toBe(404);
    expect(probe.body).toEqual(unknown.body);
    expect(await repo().fetches(distribution.fileId)).toHaveLength(before);

    for (const claims of [machine('bulog'), admin(), auditor(), operator('62.03')]) {
      const refused = await callRoute<ErrorBody>('GetBankFile', {
        claims,
        pathParameters: { fileId: opening.fileId },
      });
      expect(refused.status, claims.sub).toBe(403);
    }
    const ok = await callRoute<Download>('GetBulogFile', {
      claims: machine('bulog'),
      pathParameters: { fileId: distribution.fileId },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.filename).toBe('salur-2026-1-6203010001.csv');
    expect(PARTY_PATHS[ok.body.party as 'BULOG']).toBe('bulog');
  });
});

describe('POST /exchange/bank/reports', () => {
  it('hands out a PUT to disbursements/<today in WIB>/<file>, where the bank report import reads', async () => {
    const created: ApiResponse = await callRoute('CreateBankReport', {
      claims: machine('bank'),
      body: { filename: 'laporan-harian.csv' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const today = wibDate(new Date()).iso;
    expect(created.body).toMatchObject({
      kind: 'LAPORAN_PENYALURAN',
      reportKey: `${today}/laporan-harian.csv`,
      method: 'PUT',
    });
    const url = String(created.body.uploadUrl);
    expect(url).toContain(`disbursements/${today}/laporan-harian.csv`);
    const put = await fetch(url, { method: 'PUT', body: 'referensi;jumlah\n' });
    expect(put.status).toBe(200);
  });

  it('refuses a name already taken by a report that stands (409), an XLSX, a path in the name (400), and everyone but the bank', async () => {
    const today = wibDate(new Date()).iso;
    const s3Key = `disbursements/${today}/sudah-diterima.csv`;
    const now = new Date().toISOString();
    await documentClient.send(
      new PutCommand({
        TableName: env().tableName,
        Item: {
          ...bankReportKey(s3Key),
          key: s3Key,
          reportDate: today,
          status: 'COMPLETED',
          createdAt: now,
          startedAt: now,
        },
      }),
    );
    const taken = await callRoute<ErrorBody>('CreateBankReport', {
      claims: machine('bank'),
      body: { filename: 'sudah-diterima.csv' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.details).toMatchObject({ reason: 'REPORT_EXISTS' });
    for (const filename of ['laporan.xlsx', '../uploads/62.03/x.csv', 'a/b.csv']) {
      const refused = await callRoute('CreateBankReport', { claims: machine('bank'), body: { filename } });
      expect(refused.status, filename).toBe(400);
    }
    for (const claims of [machine('bulog'), admin(), operator('62.03')]) {
      const refused = await callRoute('CreateBankReport', { claims, body: { filename: 'laporan.csv' } });
      expect(refused.status, claims.sub).toBe(403);
    }
  });

  it('GET /exchange/bank/reports/{date}/{file}: the import’s record, 404 before it, the bank’s only', async () => {
    const today = wibDate(new Date()).iso;
    const read = await callRoute('GetBankReport', {
      claims: machine('bank'),
      pathParameters: { reportDate: today, filename: 'sudah-diterima.csv' },
    });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({
      reportKey: `${today}/sudah-diterima.csv`,
      status: 'COMPLETED',
      counts: { lines: 0, stored: 0, duplicates: 0, rejected: 0 },
      reasons: [],
      redeliveryCount: 0,
    });
    const missing = await callRoute('GetBankReport', {
      claims: machine('bank'),
      pathParameters: { reportDate: today, filename: 'belum-ada.csv' },
    });
    expect(missing.status).toBe(404);
    for (const pathParameters of [
      { reportDate: '2026-02-30', filename: 'x.csv' },
      { reportDate: today, filename: '..csv' },
    ]) {
      const refused = await callRoute('GetBankReport', { claims: machine('bank'), pathParameters });
      expect([400, 404], JSON.stringify(pathParameters)).toContain(refused.status);
    }
    for (const claims of [machine('bulog'), auditor()]) {
      const refused = await callRoute('GetBankReport', {
        claims,
        pathParameters: { reportDate: today, filename: 'sudah-diterima.csv' },
      });
      expect(refused.status).toBe(403);
    }
  });
});
