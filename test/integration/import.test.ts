import { PassThrough } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyBucket, resetTable, testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';
import { atLogLevel } from '../support/logs.ts';

const env = useEmulatorEnv();
// Modules that create SDK clients at import time come after the environment is set.
const { documentClient } = await import('#shared/adapters/clients.ts');
const { ObjectStore } = await import('#shared/adapters/object-store.ts');
const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
const { RecipientsRepository } = await import('#shared/adapters/recipients-repo.ts');
const { UploadsRepository } = await import('#shared/adapters/uploads-repo.ts');
const { LIST_SHARDS, listPartition } = await import('#shared/adapters/keys.ts');
const { importUpload } = await import('../../functions/import/import-upload.ts');
const { LEASE_MS, MAX_ATTEMPTS } = await import('#shared/import/leased-import.ts');
type ImportDeps = import('../../functions/import/import-upload.ts').ImportDeps;

const TABLE = env.TABLE_NAME as string;
const UPLOADS = env.UPLOADS_BUCKET as string;
const DOCUMENTS = env.DOCUMENTS_BUCKET as string;
const REGION = '62.01';
const PERIOD = '2026-S1';

const limits = {
  maxFileBytes: 5 * 1024 * 1024,
  maxRows: 2_000,
  xlsxMaxUncompressedBytes: 50 * 1024 * 1024,
  xlsxMaxRatio: 100,
};

function deps(overrides: Partial<ImportDeps> = {}): ImportDeps {
  return {
    uploads: new UploadsRepository(TABLE),
    proposals: new ProposalsRepository(TABLE),
    recipients: new RecipientsRepository(TABLE),
    objects: new ObjectStore(),
    tableName: TABLE,
    documentsBucket: DOCUMENTS,
    limits,
    progressEvery: 50,
    ...overrides,
  };
}

/** NIK of a man born 12-03-1985 in Kumai (62.01.01), serial n. */
const nik = (serial: number, region = '6201') => `${region}01120385${String(serial).padStart(4, '0')}`;

const HEADER = 'No;NIK;Nama Lengkap;Jabatan;Kecamatan;Desa/Kelurahan;RT;No Rekening;Atas Nama';

/** Names carry no digits: `Warga Ba`, `Warga Bb`… */
const nameOf = (i: number) =>
  `Warga ${[...i.toString(26)]
    .map((d) => String.fromCharCode(97 + Number.parseInt(d, 26)))
    .join('')
    .replace(/^./, (c) => c.toUpperCase())}`;

function cleanRows(count: number, start = 1): string[] {
  const rows: string[] = [];
  for (let i = start; i < start + count; i++) {
    rows.push(
      `${i};${nik(i)};${nameOf(i)};Ketua RT;Kec. Kumai;Desa Candi;${(i % 20) + 1};${1000000000 + i};${nameOf(i)}`,
    );
  }
  return rows;
}

const csv = (lines: string[]) =>
  `\uFEFF${['DAFTAR PENERIMA BKK KHBS', 'KABUPATEN KOTAWARINGIN BARAT', '', HEADER, ...lines].join('\r\n')}\r\n`;

let sequence = 0;
async function put(body: string | Buffer, extension = 'csv', uploadId = `u${Date.now()}${sequence++}`) {
  const key = `uploads/${REGION}/${PERIOD}/${uploadId}.${extension}`;
  const out = await testClients().s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: key, Body: body }));
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  return {
    uploadId,
    object: {
      bucket: UPLOADS,
      key,
      etag: (out.ETag ?? '').replaceAll('"', ''),
      size,
      eventTime: new Date(Date.now() + sequence).toISOString(),
    },
  };
}

async function readReport(key: string): Promise<string[][]> {
  const out = await testClients().s3.send(new GetObjectCommand({ Bucket: DOCUMENTS, Key: key }));
  const text = await out.Body?.transformToString('utf-8');
  return parse(text ?? '', { delimiter: ';', bom: true, relax_column_count: true }) as string[][];
}

async function allRecipients(proposalId: string) {
  const proposal = await new ProposalsRepository(TABLE).get(proposalId);
  if (!proposal?.currentListId) return [];
  const repo = new RecipientsRepository(TABLE);
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await repo.page(proposal.currentListId, 500, cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

beforeAll(async () => {
  await resetTable();
  await emptyBucket(UPLOADS);
  await emptyBucket(DOCUMENTS);
});

describe('import of a recipient file', () => {
  beforeEach(async () => {
    await resetTable();
  });

  it('accepts a clean CSV with title rows, BOM, ; and CRLF, and makes it the region draft', async () => {
    const { uploadId, object } = await put(csv(cleanRows(120)));
    const outcome = await importUpload(object, deps());
    expect(outcome.kind).toBe('completed');

    const upload = await new UploadsRepository(TABLE).get(uploadId);
    expect(upload?.status).toBe('COMPLETED');
    expect(upload?.counts).toEqual({ rows: 120, accepted: 120, rejected: 0, warnings: 0 });
    expect(upload?.reportKey).toBeUndefined();
    expect(upload?.proposalId).toBe(`${REGION}-${PERIOD}`);

    const proposal = await new ProposalsRepository(TABLE).getCurrent(REGION, PERIOD);
    expect(proposal).toMatchObject({
      status: 'DRAFT',
      recipientCount: 120,
      version: 1,
      countsByRole: { KETUA_RT: 120 },
    });
    const recipients = await allRecipients(`${REGION}-${PERIOD}`);
    expect(recipients).toHaveLength(120);
    const first = recipients.find((recipient) => recipient.row === 5);
    expect(first).toMatchObject({
      nik: nik(1),
      peran: 'KETUA_RT',
      kecamatan: 'Kumai',
      desa: 'Candi',
      rt: '002',
    });
  });

  it('spreads a list over every shard so no partition takes the whole import', async () => {
    const { object } = await put(csv(cleanRows(320)));
    await importUpload(object, deps());
    const proposal = await new ProposalsRepository(TABLE).getCurrent(REGION, PERIOD);
    const perShard: number[] = [];
    for (let shard = 0; shard < LIST_SHARDS; shard++) {
      const out = await documentClient.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': listPartition(proposal?.currentListId ?? '', shard) },
          Select: 'COUNT',
        }),
      );
      perShard.push(out.Count ?? 0);
    }
    expect(perShard.reduce((a, b) => a + b, 0)).toBe(320);
    expect(Math.max(...perShard)).toBe(10);
  });

  it('reports each bad row with row, column, code and an Indonesian message, formula-safe', async () => {
    const lines = cleanRows(10);
    lines.push(`11;6.20101E+15;Ahmad;Ketua RT;Kumai;Candi;3;2000000011;Ahmad`);
    lines.push(`12;${nik(1)};Orang Ganda;Babinsa;Kumai;Candi;;2000000012;Orang Ganda`);
    lines.push(`13;${nik(13)};=HYPERLINK("http://x");Babinsa;Kumai;Candi;;2000000013;x`);
    lines.push(`14;${nik(14)};Budi;Kepala Suku;Kumai;Candi;;2000000014;Budi`);
    lines.push(`15;${nik(15)};Sari;Pemuka Agama;Kecamatan Entah;Candi;;2000000015;Sari`);
    lines.push(`16;${nik(16)};Rina;Ketua RT;Kumai;Candi;;2000000016;Rina`);
    lines.push(`17;${nik(17)};Yohanes;Babinsa;Kumai;Candi;;2000000017;Yohanes Berbeda`);
    const { uploadId, object } = await put(csv(lines));
    await importUpload(object, deps());

    const upload = await new UploadsRepository(TABLE).get(uploadId);
    expect(upload?.counts).toEqual({ rows: 17, accepted: 11, rejected: 6, warnings: 1 });
    const report = await readReport(upload?.reportKey ?? '');
    const [header, ...lines2] = report;
    expect(header).toEqual(['baris', 'kolom', 'kode', 'tingkat', 'pesan']);
    const byRow = new Map(lines2.map((line) => [Number(line[0]), line]));
    // Source rows count the three title lines and the header: data row n is line n + 4.
    expect(byRow.get(15)?.[2]).toBe('NIK_SCIENTIFIC');
    expect(byRow.get(16)?.[2]).toBe('NIK_DUPLICATE');
    expect(byRow.get(16)?.[4]).toMatch(/baris 5/);
    expect(byRow.get(17)?.[2]).toBe('NAME_INVALID');
    expect(byRow.get(18)?.[2]).toBe('ROLE_UNKNOWN');
    expect(byRow.get(19)?.[2]).toBe('KECAMATAN_UNKNOWN');
    expect(byRow.get(20)?.[2]).toBe('RT_REQUIRED');
    expect(byRow.get(21)?.[2]).toBe('ACCOUNT_NAME_MISMATCH');
    expect(byRow.get(21)?.[3]).toBe('peringatan');
    for (const line of lines2) {
      expect(line[4]?.length).toBeGreaterThan(10);
      for (const cell of line) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      // No full NIK in a report message.
      expect(line.join(' ')).not.toMatch(/\d{16}/);
    }
  });

  it('does nothing the second time it sees the same event', async () => {
    const { uploadId, object } = await put(csv(cleanRows(30)));
    await importUpload(object, deps());
    const before = await new ProposalsRepository(TABLE).getCurrent(REGION, PERIOD);
    const again = await importUpload(object, deps());
    expect(again).toMatchObject({ kind: 'duplicate-event', uploadId, status: 'COMPLETED' });
    const after = await new ProposalsRepository(TABLE).getCurrent(REGION, PERIOD);
    expect(after).toEqual(before);
  });

  it('recognises the same file uploaded twice and leaves the list alone', async () => {
    const body = csv(cleanRows(30));
    const first = await put(body);
    await importUpload(first.object, deps());
    const before = await new ProposalsRepository(TABLE).getCurrent(REGION, PERIOD);
    const second = await put(body);
    await importUpload(second.object, deps());
    const upload = await new UploadsRepository(TABLE).get(second.uploadId);
    expect(upload).toMatchObject({ status: 'COMPLETED', duplicateOf: first.uploadId });
    expect(await new ProposalsRepository(TABLE).getCurrent(REGION, PERIOD)).toEqual(before);
  });

  it('replaces the draft list with a newer file and removes the old list', async () => {
    const first = await put(csv(cleanRows(40)));
    await importUpload(first.object, deps());
    const old = await new ProposalsRepository(TABLE).getCurrent(REGION, PERIOD);
    const second = await put(csv(cleanRows(25, 100)));
    await importUpload(second.object, deps());
    const now = await new ProposalsRepository(TABLE).getCurrent(REGION, PERIOD);
    expect(now).toMatchObject({ recipientCount: 25, version: 2, currentUploadId: second.uploadId });
    expect(await new RecipientsRepository(TABLE).page(old?.currentListId ?? '', 10)).toMatchObject({
      items: [],
    });
  });

  it('leaves no visible half list when an attempt dies mid-file, and a retry completes it', async () => {
    const body = csv(cleanRows(400));
    const { uploadId, object } = await put(body);
    // Fault injection: the object stream breaks after 8 KB on the first attempt.
    const store = new ObjectStore();
    const breaking = Object.create(store) as InstanceType<typeof ObjectStore>;
    breaking.read = async () => {
      const out = new PassThrough();
      const bytes = Buffer.from(body);
      out.write(bytes.subarray(0, 8 * 1024));
      setTimeout(() => out.destroy(new Error('connection reset')), 20);
      return out;
    };
    await expect(importUpload(object, deps({ objects: breaking }))).rejects.toThrow('connection reset');
    expect(await new ProposalsRepository(TABLE).getCurrent(REGION, PERIOD)).toBeUndefined();
    const failed = await new UploadsRepository(TABLE).get(uploadId);
    expect(failed).toMatchObject({ status: 'PROCESSING', leaseUntil: 0 });

    const retried = await importUpload(object, deps());
    expect(retried.kind).toBe('completed');
    expect(await new UploadsRepository(TABLE).get(uploadId)).toMatchObject({
      status: 'COMPLETED',
      attempts: 2,
      counts: { rows: 400, accepted: 400, rejected: 0, warnings: 0 },
    });
    expect(await allRecipients(`${REGION}-${PERIOD}`)).toHaveLength(400);
  });

  it('ends FAILED with its reason after the last allowed attempt times out, and is not taken again', async () => {
    const body = csv(cleanRows(50));
    const { uploadId, object } = await put(body);
    const breaking = Object.create(new ObjectStore()) as InstanceType<typeof ObjectStore>;
    breaking.read = async () => {
      const out = new PassThrough();
      setTimeout(() => out.destroy(new Error('connection reset')), 5);
      return out;
    };
    // Attempt 1 fails and gives its lease up; attempts 2 and 3 die without a word (a Lambda timeout):
    // claimed, never closed, their leases left to run out.
    await expect(importUpload(object, deps({ objects: breaking }))).rejects.toThrow('connection reset');
    const claims = new UploadsRepository(TABLE).claims;
    let at = Date.now();
    for (const tries of [2, 3]) {
      const claim = await claims.claim({
        id: uploadId,
        s3Key: object.key,
        etag: object.etag,
        now: new Date(at),
        leaseMs: LEASE_MS,
        maxAttempts: MAX_ATTEMPTS,
        set: {},
        exhausted: () => ({ code: 'INTERNAL', message: 'not expected' }),
      });
      expect(claim).toMatchObject({ kind: 'claimed', attempt: tries, tries });
      at += LEASE_MS + 1_000;
    }
    // The next event (Lambda's retry, or the daily re-drive) closes it instead of trying a fourth time.
    const outcome = await importUpload(object, deps({ now: () => new Date(at) }));
    expect(outcome).toEqual({ kind: 'duplicate-event', uploadId, status: 'FAILED' });
    const failed = await new UploadsRepository(TABLE).get(uploadId);
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 3 });
    expect(failed?.leaseUntil).toBeUndefined();
    expect(failed?.reasons).toEqual([
      {
        code: 'INTERNAL',
        message: expect.stringMatching(/^Impor berhenti setelah 3 percobaan: setiap percobaan terhenti/),
      },
    ]);
    // FAILED is final for this object: a later event reads nothing and changes nothing.
    const later = await importUpload(object, deps({ now: () => new Date(at + 86_400_000) }));
    expect(later).toEqual({ kind: 'duplicate-event', uploadId, status: 'FAILED' });
    expect(await new UploadsRepository(TABLE).get(uploadId)).toEqual(failed);
    expect(await new ProposalsRepository(TABLE).getCurrent(REGION, PERIOD)).toBeUndefined();
  });

  it('refuses an object whose key disagrees with its upload record, and leaves the record as it was', async () => {
    const uploadId = `u${Date.now()}mismatch`;
    const uploads = new UploadsRepository(TABLE);
    await uploads.createAwaiting(
      {
        uploadId,
        region: REGION,
        period: PERIOD,
        status: 'AWAITING_FILE',
        createdAt: new Date().toISOString(),
        createdBy: { sub: 'operator-62.01', name: 'Operator', role: 'operator', region: REGION },
        s3Key: `uploads/${REGION}/${PERIOD}/${uploadId}.csv`,
        attempts: 0,
        rowsProcessed: 0,
        reasons: [],
      },
      new Date(Date.now() + 86_400_000),
    );
    const before = await uploads.get(uploadId);
    // The same upload id under another period's key (put there with IAM rights, not through the URL).
    const key = `uploads/${REGION}/2026-S2/${uploadId}.csv`;
    const out = await testClients().s3.send(
      new PutObjectCommand({ Bucket: UPLOADS, Key: key, Body: csv(cleanRows(5)) }),
    );
    const object = {
      bucket: UPLOADS,
      key,
      etag: (out.ETag ?? '').replaceAll('"', ''),
      size: 100,
      eventTime: new Date().toISOString(),
    };
    expect(await importUpload(object, deps())).toEqual({
      kind: 'ignored',
      reason: 'key disagrees with its upload record',
    });
    expect(await uploads.get(uploadId)).toEqual(before);
    expect(await new ProposalsRepository(TABLE).getCurrent(REGION, '2026-S2')).toBeUndefined();
  });

  it('refuses a new list once the proposal is no longer a draft', async () => {
    const first = await put(csv(cleanRows(10)));
    await importUpload(first.object, deps());
    const proposal = await new ProposalsRepository(TABLE).getCurrent(REGION, PERIOD);
    await documentClient.send(
      new (await import('@aws-sdk/lib-dynamodb')).UpdateCommand({
        TableName: TABLE,
        Key: { pk: `PROPOSAL#${proposal?.proposalId}`, sk: 'PROPOSAL' },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'SUBMITTED' },
      }),
    );
    const late = await put(csv(cleanRows(12, 50)));
    const outcome = await importUpload(late.object, deps());
    expect(outcome).toMatchObject({ kind: 'rejected', reasons: [{ code: 'PROPOSAL_LOCKED' }] });
    const upload = await new UploadsRepository(TABLE).get(late.uploadId);
    expect(upload?.reasons[0]?.message).toMatch(/diajukan/);
    const report = await readReport(upload?.reportKey ?? '');
    expect(report[1]?.[2]).toBe('PROPOSAL_LOCKED');
    expect((await new ProposalsRepository(TABLE).get(proposal?.proposalId ?? ''))?.recipientCount).toBe(10);
  });

  it('refuses oversized input with a reason and writes nothing', async () => {
    const big = await put(csv(cleanRows(10)));
    const tooBig = await importUpload({ ...big.object, size: limits.maxFileBytes + 1 }, deps());
    expect(tooBig).toMatchObject({ kind: 'rejected', reasons: [{ code: 'FILE_TOO_LARGE' }] });

    const many = await put(csv(cleanRows(60)));
    const tooMany = await importUpload(many.object, deps({ limits: { ...limits, maxRows: 50 } }));
    expect(tooMany).toMatchObject({ kind: 'rejected', reasons: [{ code: 'TOO_MANY_ROWS' }] });
    expect(await new ProposalsRepository(TABLE).getCurrent(REGION, PERIOD)).toBeUndefined();
    const items = await documentClient.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': listPartition(`${many.uploadId}-${many.object.etag.slice(0, 12)}`, 0),
        },
      }),
    );
    expect(items.Count).toBe(0);
  });

  it('refuses a file with no recognisable header or missing columns', async () => {
    const noHeader = await put('a;b;c\r\n1;2;3\r\n');
    expect(await importUpload(noHeader.object, deps())).toMatchObject({
      reasons: [{ code: 'HEADER_NOT_FOUND' }],
    });
    const missing = await put('NIK;Nama;Peran;Kecamatan\r\n6201011203850001;Ahmad;Babinsa;Kumai\r\n');
    expect(await importUpload(missing.object, deps())).toMatchObject({
      reasons: [{ code: 'COLUMNS_MISSING' }],
    });
  });

  it('reads XLSX with title rows, text and number cells: keeps exact 16-digit numbers, refuses ones Excel may have damaged', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Daftar');
    sheet.addRow(['DAFTAR PENERIMA BKK']);
    sheet.addRow([]);
    sheet.addRow(['No', 'NIK', 'Nama', 'Peran', 'Kec.', 'Desa', 'No RT', 'Nomor Rekening']);
    sheet.addRow([1, nik(1), 'Ahmad', 'Ketua RT', 'KUMAI', 'candi', 3, 1000000001]);
    // Written by a program: 16 digits below 2^53, last one not 0, so exact (NIK and account).
    sheet.addRow([2, Number(nik(2)), 'Budi', 'Babinsa', 'Kumai', 'Candi', null, 1234567890123457]);
    // Typed into a Number cell in Excel: the 16th digit became 0, so the NIK may be damaged.
    sheet.addRow([3, Number(nik(30)), 'Candra', 'Babinsa', 'Kumai', 'Candi', null, '1000000003']);
    sheet.addRow([4, nik(4), 'Dedi', 'Babinsa', 'Kumai', 'Candi', null, 1234567890123450]);
    const body = Buffer.from(await workbook.xlsx.writeBuffer());
    const { uploadId, object } = await put(body, 'xlsx');
    await importUpload(object, deps());
    const upload = await new UploadsRepository(TABLE).get(uploadId);
    expect(upload?.counts).toEqual({ rows: 4, accepted: 2, rejected: 2, warnings: 0 });
    const report = await readReport(upload?.reportKey ?? '');
    expect(report.slice(1).map((line) => line.slice(0, 3))).toEqual([
      ['6', 'NIK', 'NIK_SCIENTIFIC'],
      ['7', 'No Rekening', 'ACCOUNT_INVALID'],
    ]);
    const recipients = await allRecipients(`${REGION}-${PERIOD}`);
    expect(recipients.map((recipient) => recipient.nik).sort()).toEqual([nik(1), nik(2)]);
    expect(recipients.find((recipient) => recipient.nik === nik(1))).toMatchObject({
      rt: '003',
      noRekening: '1000000001',
    });
    expect(recipients.find((recipient) => recipient.nik === nik(2))).toMatchObject({
      noRekening: '1234567890123457',
    });
  });

  it('refuses an XLSX decompression bomb before inflating it', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Daftar').addRow(['NIK', 'Nama', 'Peran', 'Kecamatan', 'Desa', 'No Rekening']);
    // A real workbook with one extra part: 16 MB of zeros that deflate to ~16 KB (ratio ~1000:1).
    const zip = await JSZip.loadAsync(Buffer.from(await workbook.xlsx.writeBuffer()));
    zip.file('xl/media/image1.bin', Buffer.alloc(16 * 1024 * 1024));
    const body = await zip.generateAsync({
      type: 'nodebuffer',
      compression: 'DEFLATE',
      compressionOptions: { level: 9 },
    });
    expect(body.length).toBeLessThan(1024 * 1024);
    const { object } = await put(body, 'xlsx');
    const outcome = await importUpload(object, deps());
    expect(outcome).toMatchObject({ kind: 'rejected', reasons: [{ code: 'XLSX_UNSAFE' }] });
    expect(outcome.kind === 'rejected' && outcome.reasons[0]?.message).toMatch(/rasio kompresi/);
    // Over the total uncompressed size, even at a tame ratio.
    const big = await put(body, 'xlsx');
    const tooBig = await importUpload(
      big.object,
      deps({ limits: { ...limits, xlsxMaxRatio: 10_000, xlsxMaxUncompressedBytes: 8 * 1024 * 1024 } }),
    );
    expect(tooBig).toMatchObject({ kind: 'rejected', reasons: [{ code: 'XLSX_UNSAFE' }] });
  });

  it('refuses an unsupported extension and a file that is not really XLSX', async () => {
    const xls = await put('not a workbook', 'xls');
    expect(await importUpload(xls.object, deps())).toMatchObject({
      reasons: [{ code: 'FORMAT_UNSUPPORTED' }],
    });
    const fake = await put('NIK;Nama\r\n', 'xlsx');
    expect(await importUpload(fake.object, deps())).toMatchObject({
      reasons: [{ code: 'FORMAT_UNSUPPORTED' }],
    });
  });

  it('reads a Windows-1252 CSV with , delimiters and quoted fields', async () => {
    const text = [
      'NIK,Nama,Peran,Kecamatan,Desa,RT,No Rekening',
      `${nik(1)},"José, S.Pd",Pemuka Agama,Kumai,Candi,,1000000001`,
      `'${nik(2)},"Ani Lestari, A.Md",Mantir Adat Desa,Kumai,"Candi",,1000000002`,
    ].join('\n');
    const { uploadId, object } = await put(Buffer.from(text, 'latin1'));
    await importUpload(object, deps());
    const upload = await new UploadsRepository(TABLE).get(uploadId);
    expect(upload?.counts?.accepted).toBe(2);
    const names = (await allRecipients(`${REGION}-${PERIOD}`)).map((recipient) => recipient.nama).sort();
    expect(names).toEqual(['Ani Lestari, A.Md', 'José, S.Pd']);
  });

  it('never logs a NIK or account number in full', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      const body = csv([...cleanRows(20), `21;6.20101E+15;Ahmad;Ketua RT;Kumai;Candi;3;2000000011;Ahmad`]);
      const { object } = await put(body);
      await atLogLevel('INFO', async () => {
        await importUpload(object, deps());
        await importUpload(object, deps());
      });
    } finally {
      process.stdout.write = write;
    }
    const logged = lines.join('');
    expect(logged).toContain('Upload imported');
    expect(logged).not.toMatch(/62010112038500\d\d/);
    expect(logged).not.toMatch(/10000000\d\d/);
  });
});
