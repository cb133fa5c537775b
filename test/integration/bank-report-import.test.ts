import { createHash, randomUUID } from 'node:crypto';
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../support/api.ts';
import { testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';
import { atLogLevel } from '../support/logs.ts';

const env = useEmulatorEnv();
// Modules that create SDK clients at import time come after the environment is set.
const { documentClient } = await import('#shared/adapters/clients.ts');
const { ObjectStore } = await import('#shared/adapters/object-store.ts');
const { BankReportsRepository, PaymentsRepository } = await import('#shared/adapters/payments-repo.ts');
const { bankReportKey, paymentKey, paymentShard } = await import('#shared/adapters/keys.ts');
const { importBankReport } = await import('../../functions/disbursement/import-bank-report.ts');
const { ImportBusyError, LEASE_MS } = await import('#shared/import/leased-import.ts');
const { handler } = await import('../../functions/disbursement/handler.ts');
const { Ledger } = await import('#shared/domain/reconciliation.ts');
const { objectCreatedEvent } = await import('#shared/adapters/lambda-invoker.ts');
const { logger } = await import('#shared/logger.ts');
type BankImportDeps = import('../../functions/disbursement/import-bank-report.ts').BankImportDeps;
type PaymentLine = import('#shared/adapters/payments-repo.ts').PaymentLine;

const TABLE = env.TABLE_NAME as string;
const UPLOADS = env.UPLOADS_BUCKET as string;
const DOCUMENTS = env.DOCUMENTS_BUCKET as string;

/**
 * Other test runs may share these emulators: nothing here resets the table or empties a bucket.
 * Every key and bank reference carries this run's id, and what the tests create is removed at the end.
 */
const RUN = randomUUID().replaceAll('-', '').slice(0, 10);
const createdKeys = new Set<string>();
const createdRefs = new Set<string>();

const HEADER = [
  'No',
  'Tanggal Transaksi',
  'No Referensi',
  'Rekening Tujuan',
  'NIK',
  'Atas Nama',
  'Jumlah (Rp)',
  'Status',
  'Nomor SK',
];
const TITLE = [['LAPORAN PENYALURAN BKK KHBS'], ['PT BANK KALTENG'], []];
/** Data line n of {@link report} is on source row n + 4 (three title rows and the header). */
const rowOf = (n: number) => n + 4;

const nik = (i: number) => `62010112038${String(50000 + i).padStart(5, '0')}`;
const account = (i: number) => String(1_000_000_000 + i);
const ref = (scope: string, i: number) => {
  const value = `T${RUN}-${scope}-${String(i).padStart(5, '0')}`;
  createdRefs.add(value);
  return value;
};

interface LineSpec {
  readonly ref: string;
  readonly i: number;
  readonly amount?: string;
  readonly status?: string;
  readonly date?: string;
  readonly account?: string;
  readonly nik?: string;
  readonly sk?: string;
}

const cells = (n: number, spec: LineSpec) => [
  String(n),
  spec.date ?? '29/11/2026',
  spec.ref,
  spec.account ?? account(spec.i),
  spec.nik ?? nik(spec.i),
  `Warga ${String.fromCharCode(65 + (spec.i % 26))}`,
  spec.amount ?? 'Rp 1.250.000,00',
  spec.status ?? 'BERHASIL',
  spec.sk ?? '188.44/3/2026',
];

/** A report as the bank's system exports it: BOM, CRLF, title rows, fields quoted where needed. */
function report(lines: readonly LineSpec[], delimiter: ';' | ',' = ';'): string {
  const field = (cell: string) =>
    cell.includes(delimiter) || cell.includes('"') ? `"${cell.replaceAll('"', '""')}"` : cell;
  const row = (values: readonly string[]) =>
    [...values, ...new Array<string>(Math.max(0, HEADER.length - values.length)).fill('')]
      .map(field)
      .join(delimiter);
  const body = [...TITLE, HEADER, ...lines.map((spec, index) => cells(index + 1, spec))].map(row);
  return `\uFEFF${body.join('\r\n')}\r\n`;
}

const specs = (scope: string, count: number, start = 1): LineSpec[] =>
  Array.from({ length: count }, (_, k) => ({ ref: ref(scope, start + k), i: start + k }));

let sequence = 0;
async function put(body: string, name = `laporan-${sequence++}.csv`, date = '2026-11-29') {
  const key = `disbursements/${date}/${RUN}-${name}`;
  createdKeys.add(key);
  const out = await testClients().s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: key, Body: body }));
  return {
    bucket: UPLOADS,
    key,
    etag: (out.ETag ?? '').replaceAll('"', ''),
    size: Buffer.byteLength(body),
    eventTime: new Date().toISOString(),
  };
}

function deps(overrides: Partial<BankImportDeps> = {}): BankImportDeps {
  return {
    reports: new BankReportsRepository(TABLE),
    payments: new PaymentsRepository(TABLE),
    objects: new ObjectStore(),
    documentsBucket: DOCUMENTS,
    maxFileBytes: 5 * 1024 * 1024,
    progressEvery: 40,
    ...overrides,
  };
}

async function readReport(key: string, delimiter = ';'): Promise<string[][]> {
  const out = await testClients().s3.send(new GetObjectCommand({ Bucket: DOCUMENTS, Key: key }));
  const bytes = Buffer.from((await out.Body?.transformToByteArray()) ?? []);
  expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  return parse(bytes.toString('utf-8'), { delimiter, bom: true, relax_column_count: true }) as string[][];
}

const record = (key: string) => new BankReportsRepository(TABLE).getByKey(key);
const stored = (refs: readonly string[]) => new PaymentsRepository(TABLE).getMany(refs);

afterAll(async () => {
  const keys = [...[...createdRefs].map(paymentKey), ...[...createdKeys].map((key) => bankReportKey(key))];
  for (let i = 0; i < keys.length; i += 25) {
    let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
    while (requests.length > 0) {
      const out = await documentClient.send(new BatchWriteCommand({ RequestItems: { [TABLE]: requests } }));
      requests = (out.UnprocessedItems?.[TABLE] ?? []) as typeof requests;
    }
  }
  const objects = [...createdKeys];
  const { s3 } = testClients();
  for (const [bucket, list] of [
    [UPLOADS, objects],
    [DOCUMENTS, objects.map((key) => key.replace(/^disbursements\//, 'reports/disbursements/'))],
  ] as const) {
    for (let i = 0; i < list.length; i += 1000) {
      await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: list.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }
});

describe('import of a bank disbursement report', () => {
  it('stores a clean report line by line under each bank reference', async () => {
    const lines = specs('clean', 150);
    const body = report(lines);
    const object = await put(body);
    const outcome = await importBankReport(object, deps());
    expect(outcome.kind).toBe('completed');

    const saved = await record(object.key);
    expect(saved).toMatchObject({
      key: object.key,
      reportDate: '2026-11-29',
      status: 'COMPLETED',
      attempts: 1,
      counts: { lines: 150, stored: 150, duplicates: 0, rejected: 0 },
      totals: {
        berhasil: 150 * 1_250_000,
        gagal: 0,
        retur: 0,
        lines: { berhasil: 150, gagal: 0, retur: 0 },
      },
      sha256: createHash('sha256').update(body).digest('hex'),
      linesProcessed: 150,
      reasons: [],
      duplicateEvents: 0,
    });
    expect(saved?.reportKey).toBeUndefined();
    expect(saved?.leaseUntil).toBeUndefined();

    const payments = await stored(lines.map((spec) => spec.ref));
    expect(payments.size).toBe(150);
    for (const [index, spec] of lines.entries()) {
      expect(payments.get(spec.ref)).toEqual({
        bankRef: spec.ref,
        noRekening: account(spec.i),
        nik: nik(spec.i),
        nama: `Warga ${String.fromCharCode(65 + (spec.i % 26))}`,
        amount: 1_250_000,
        status: 'BERHASIL',
        transactionDate: '2026-11-29',
        nomorSk: '188.44/3/2026',
        reportKey: object.key,
        sourceRow: rowOf(index + 1),
      } satisfies PaymentLine);
    }
    const first = lines[0]?.ref ?? '';
    const item = await documentClient.send(new GetCommand({ TableName: TABLE, Key: paymentKey(first) }));
    expect(item.Item).toMatchObject({
      pk: `PAYMENT#${String(paymentShard(first)).padStart(2, '0')}`,
      sk: first,
    });
  });

  it('reports each invalid line once, in Indonesian, in the report delimiter, formula-safe, and stores the rest', async () => {
    const base = specs('bad', 12);
    const at = (k: number) => base[k] as LineSpec;
    const lines: LineSpec[] = [
      at(0),
      { ...at(1), amount: 'Rp 1.250.000,50' },
      { ...at(2), amount: '-500.000' },
      { ...at(3), status: 'PENDING' },
      { ...at(4), date: '31/02/2026' },
      { ...at(5), ref: '' },
      { ...at(6), account: '6.20101E+15' },
      { ...at(7), amount: 'satu juta', status: 'x', date: 'besok' },
      { ...at(8), nik: '6.20101E+15' },
      { ...at(9), ref: '=HYPERLINK("http://x")' },
      { ...at(10), amount: '1,250,000.00', status: 'failed', date: '2026-11-30' },
      { ...at(11), amount: '750000', status: 'RETUR', date: '30-11-2026', sk: '' },
    ];
    const body = report(lines, ',');
    const object = await put(body);
    const outcome = await importBankReport(object, deps());
    expect(outcome.kind).toBe('completed');

    const saved = await record(object.key);
    expect(saved).toMatchObject({
      status: 'COMPLETED',
      counts: { lines: 12, stored: 4, duplicates: 0, rejected: 8 },
      // RETUR is not GAGAL: each has its own total, in Rupiah and in lines.
      totals: {
        berhasil: 2 * 1_250_000,
        gagal: 1_250_000,
        retur: 750_000,
        lines: { berhasil: 2, gagal: 1, retur: 1 },
      },
      reportKey: object.key.replace('disbursements/', 'reports/disbursements/'),
    });
    const [header, ...rows] = await readReport(saved?.reportKey ?? '', ',');
    expect(header).toEqual(['baris', 'kolom', 'kode', 'tingkat', 'pesan']);
    expect(rows.map((row) => row.slice(0, 4))).toEqual([
      [String(rowOf(2)), 'Jumlah', 'AMOUNT_FRACTION', 'galat'],
      [String(rowOf(3)), 'Jumlah', 'AMOUNT_INVALID', 'galat'],
      [String(rowOf(4)), 'Status', 'STATUS_UNKNOWN', 'galat'],
      [String(rowOf(5)), 'Tanggal Transaksi', 'DATE_INVALID', 'galat'],
      [String(rowOf(6)), 'No Referensi', 'REF_REQUIRED', 'galat'],
      [String(rowOf(7)), 'No Rekening', 'ACCOUNT_INVALID', 'galat'],
      [String(rowOf(8)), 'Jumlah', 'AMOUNT_INVALID', 'galat'],
      [String(rowOf(9)), 'NIK', 'NIK_INVALID', 'peringatan'],
      [String(rowOf(10)), 'No Referensi', 'REF_INVALID', 'galat'],
    ]);
    const byRow = new Map(rows.map((row) => [Number(row[0]), row[4] ?? '']));
    expect(byRow.get(rowOf(2))).toMatch(/memuat sen \(50 sen\)\. BKK dibayarkan dalam Rupiah utuh/);
    expect(byRow.get(rowOf(5))).toMatch(/tidak ada di kalender/);
    expect(byRow.get(rowOf(8))).toMatch(/Baris ini juga bermasalah pada kolom: Status, Tanggal Transaksi\./);
    expect(byRow.get(rowOf(9))).toMatch(/NIK tidak disimpan/);
    for (const row of rows) {
      expect(row[4]?.length).toBeGreaterThan(20);
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      expect(row.join(' ')).not.toMatch(/\d{16}|10000000\d\d/);
    }

    const payments = await stored(base.map((spec) => spec.ref));
    expect([...payments.keys()].sort()).toEqual([at(0).ref, at(8).ref, at(10).ref, at(11).ref].sort());
    expect(payments.get(at(8).ref)).not.toHaveProperty('nik');
    expect(payments.get(at(10).ref)).toMatchObject({
      amount: 1_250_000,
      status: 'GAGAL',
      transactionDate: '2026-11-30',
    });
    // A return of a reference never seen: stored as RETUR (the ledger takes the money back).
    expect(payments.get(at(11).ref)).toMatchObject({
      amount: 750_000,
      status: 'RETUR',
      transactionDate: '2026-11-30',
    });
    expect(payments.get(at(11).ref)).not.toHaveProperty('nomorSk');
  });

  it('changes nothing when it sees the same report again, and says so on the record', async () => {
    const lines = specs('twice', 30);
    const object = await put(report(lines));
    await importBankReport(object, deps());
    const before = await record(object.key);
    const paymentsBefore = await stored(lines.map((spec) => spec.ref));

    // A redelivered event.
    const again = await importBankReport(object, deps());
    expect(again).toEqual({ kind: 'duplicate-event', key: object.key, status: 'COMPLETED' });
    const after = await record(object.key);
    expect(after).toEqual({
      ...before,
      duplicateEvents: 1,
      lastDuplicateEventAt: expect.any(String),
    });
    expect(await stored(lines.map((spec) => spec.ref))).toEqual(paymentsBefore);

    // The same bytes put again (a new ETag, as a multipart upload of the same file gets): a
    // quiet duplicate, recognised by SHA-256.
    const sameBytes = await importBankReport({ ...object, etag: 'e0f1e0f1e0f1e0f1-2' }, deps());
    expect(sameBytes).toEqual({ kind: 'duplicate-event', key: object.key, status: 'COMPLETED' });
    expect(await record(object.key)).toEqual({
      ...before,
      duplicateEvents: 2,
      lastDuplicateEventAt: expect.any(String),
    });
    expect(await stored(lines.map((spec) => spec.ref))).toEqual(paymentsBefore);
  });

  it('notes another version put at a completed key on the record, once, and never reads it', async () => {
    const lines = specs('version', 20);
    const object = await put(report(lines));
    await importBankReport(object, deps());
    const before = await record(object.key);
    const paymentsBefore = await stored(lines.map((spec) => spec.ref));
    const warn = vi.spyOn(logger, 'warn');
    try {
      // The bank sends a "corrected" report under the same name: one amount differs, five lines are new.
      const corrected = [
        { ...(lines[0] as LineSpec), amount: '2.500.000' },
        ...lines.slice(1),
        ...specs('version', 5, 21),
      ];
      const body = report(corrected);
      const changed = await put(body, object.key.split(`${RUN}-`)[1]);
      expect(changed.etag).not.toBe(object.etag);
      expect(await importBankReport(changed, deps())).toEqual({
        kind: 'different-version',
        key: object.key,
        status: 'COMPLETED',
        etag: changed.etag,
        noted: true,
      });

      // The record keeps the first import and says that another version came, and what to do.
      const after = await record(object.key);
      const redelivery = {
        etag: changed.etag,
        sizeBytes: Buffer.byteLength(body),
        sha256: createHash('sha256').update(body).digest('hex'),
        eventTime: changed.eventTime,
        seenAt: expect.any(String),
        message: expect.stringMatching(
          /^Versi lain laporan ini diterima dengan nama berkas yang sama .* tidak dibaca .* nama berkas lain\.$/,
        ),
      };
      expect(after).toEqual({
        ...before,
        redeliveries: [redelivery],
        redeliveryCount: 1,
        lastRedeliveryAt: after?.redeliveries[0]?.seenAt,
      });
      expect(after).toMatchObject({ status: 'COMPLETED', etag: object.etag, sha256: before?.sha256 });
      // Never silently overwritten: the first recording of every line stays, the new ones are not read.
      expect(await stored(lines.map((spec) => spec.ref))).toEqual(paymentsBefore);
      expect((await stored(specs('version', 5, 21).map((spec) => spec.ref))).size).toBe(0);

      // Said in the logs too, with ids and sizes only.
      const warning = warn.mock.calls.find(([message]) => String(message).includes('different version'));
      expect(warning?.[1]).toMatchObject({ key: object.key, importedEtag: object.etag, etag: changed.etag });
      // A NIK is 16 digits on their own; the ETags (hex MD5s) may hold a run of digits that long.
      expect(JSON.stringify(warning)).not.toMatch(/(?<![0-9a-f])\d{16}(?![0-9a-f])|Warga/);

      // The same event again: listed once; counted as a duplicate event.
      expect(await importBankReport(changed, deps())).toMatchObject({
        kind: 'different-version',
        noted: false,
      });
      expect(await record(object.key)).toMatchObject({
        redeliveries: [redelivery],
        redeliveryCount: 1,
        duplicateEvents: 1,
      });
    } finally {
      warn.mockRestore();
    }
  });

  it('keeps every version when two arrive at once', async () => {
    const lines = specs('versions', 5);
    const object = await put(report(lines));
    await importBankReport(object, deps());
    const name = object.key.split(`${RUN}-`)[1];
    // Two versions announced at once (the bytes at the key are the last one's).
    const v2 = await put(report(specs('versions', 6)), name);
    const v3 = await put(report(specs('versions', 7)), name);
    const outcomes = await Promise.all([
      importBankReport(v2, deps()),
      importBankReport(v3, deps()),
      importBankReport(v3, deps()),
    ]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual([
      'different-version',
      'different-version',
      'different-version',
    ]);
    const after = await record(object.key);
    expect(after?.redeliveries.map((listed) => listed.etag).sort()).toEqual([v2.etag, v3.etag].sort());
    expect(after).toMatchObject({ redeliveryCount: 2, duplicateEvents: 1, counts: { lines: 5, stored: 5 } });
    expect((await stored(specs('versions', 7).map((spec) => spec.ref))).size).toBe(5);
  });

  it('counts a reference in a second report once, and reports a conflicting one without replacing it', async () => {
    const first = specs('overlap', 10);
    const a = await put(report(first), 'harian.csv');
    await importBankReport(a, deps());

    const at = (k: number) => first[k] as LineSpec;
    const [r11, r12] = specs('overlap', 2, 11) as [LineSpec, LineSpec];
    const second: LineSpec[] = [
      ...first.slice(0, 5), // rows 1–5: the same payments again
      { ...at(5), amount: '1.500.000' }, // row 6: another amount
      { ...at(6), status: 'GAGAL' }, // row 7: another status
      { ...at(7), date: '30/11/2026', sk: '' }, // row 8: same payment, written differently
      r11, // row 9: new
      r11, // row 10: new, twice in this report
      r12, // row 11: new
      { ...r12, amount: '2.000.000' }, // row 12: twice in this report, with another amount
    ];
    const b = await put(report(second), 'mingguan.csv', '2026-11-30');
    const outcome = await importBankReport(b, deps());
    expect(outcome.kind).toBe('completed');

    const saved = await record(b.key);
    expect(saved).toMatchObject({
      status: 'COMPLETED',
      counts: { lines: 12, stored: 2, duplicates: 7, rejected: 3 },
      totals: { berhasil: 2 * 1_250_000, gagal: 0, retur: 0, lines: { berhasil: 2, gagal: 0, retur: 0 } },
    });
    const rows = (await readReport(saved?.reportKey ?? '')).slice(1);
    const codes = rows.map((row) => [Number(row[0]), row[2], row[3]]);
    expect(codes).toEqual([
      ...[1, 2, 3, 4, 5].map((n) => [rowOf(n), 'REFERENSI_GANDA', 'peringatan']),
      [rowOf(6), 'REFERENSI_BERBEDA', 'galat'],
      [rowOf(7), 'REFERENSI_BERBEDA', 'galat'],
      [rowOf(8), 'REFERENSI_GANDA', 'peringatan'],
      [rowOf(10), 'REFERENSI_GANDA', 'peringatan'],
      [rowOf(12), 'REFERENSI_BERBEDA', 'galat'],
    ]);
    const message = (n: number) => rows.find((row) => Number(row[0]) === rowOf(n))?.[4] ?? '';
    const label = a.key.replace('disbursements/', '');
    expect(message(1)).toContain(`sudah tercatat pada laporan ${label} (baris ${rowOf(1)})`);
    expect(message(6)).toMatch(/jumlah Rp1\.250\.000 tercatat, Rp1\.500\.000 di baris ini/);
    expect(message(7)).toMatch(/status BERHASIL tercatat, GAGAL di baris ini/);
    expect(message(10)).toContain(`sudah tercatat pada baris ${rowOf(9)} laporan ini`);
    expect(message(12)).toContain(`pada baris ${rowOf(11)} laporan ini`);

    const payments = await stored([...first, r11, r12].map((spec) => spec.ref));
    expect(payments.size).toBe(12);
    for (const spec of first)
      expect(payments.get(spec.ref)).toMatchObject({
        reportKey: a.key,
        amount: 1_250_000,
        status: 'BERHASIL',
      });
    expect(payments.get(r11.ref)).toMatchObject({ reportKey: b.key, sourceRow: rowOf(9) });
    expect(payments.get(r12.ref)).toMatchObject({
      reportKey: b.key,
      sourceRow: rowOf(11),
      amount: 1_250_000,
    });
    expect(await record(a.key)).toMatchObject({
      counts: { lines: 10, stored: 10, duplicates: 0, rejected: 0 },
    });
  });

  it('moves a recorded status only BERHASIL → RETUR or GAGAL → BERHASIL, keeping the earlier one as history', async () => {
    const [x, y, z] = specs('moves', 3) as [LineSpec, LineSpec, LineSpec];
    const r1 = await put(report([x, { ...y, status: 'GAGAL' }]), 'r1.csv');
    await importBankReport(r1, deps());

    // Report 2: X came back, Y went through after all, Z is a return of a reference never seen.
    const r2Lines: LineSpec[] = [
      { ...x, status: 'RETUR', date: '02/12/2026' },
      { ...y, status: 'BERHASIL', date: '02/12/2026' },
      { ...z, status: 'Dikembalikan', date: '02/12/2026' },
    ];
    const r2 = await put(report(r2Lines), 'r2.csv', '2026-12-02');
    expect((await importBankReport(r2, deps())).kind).toBe('completed');
    const saved2 = await record(r2.key);
    expect(saved2).toMatchObject({
      status: 'COMPLETED',
      // A move counts as stored, in the total of the status it moved to: RETUR has its own (X moved,
      // Z a return of its own), GAGAL none (Y moved GAGAL → BERHASIL).
      counts: { lines: 3, stored: 3, duplicates: 0, rejected: 0 },
      totals: {
        berhasil: 1_250_000,
        gagal: 0,
        retur: 2 * 1_250_000,
        lines: { berhasil: 1, gagal: 0, retur: 2 },
      },
    });
    expect(saved2?.reportKey).toBeUndefined();

    const moved = await stored([x.ref, y.ref, z.ref]);
    const change = (status: string, n: number) => ({
      status,
      reportKey: r2.key,
      sourceRow: rowOf(n),
      transactionDate: '2026-12-02',
      at: expect.any(String),
    });
    expect(moved.get(x.ref)).toMatchObject({
      status: 'RETUR',
      history: ['BERHASIL'],
      moves: [change('BERHASIL', 1)],
      // The first recording stays the line's origin, with its date.
      reportKey: r1.key,
      sourceRow: rowOf(1),
      transactionDate: '2026-11-29',
    });
    expect(moved.get(y.ref)).toMatchObject({
      status: 'BERHASIL',
      history: ['GAGAL'],
      moves: [change('GAGAL', 2)],
      reportKey: r1.key,
      sourceRow: rowOf(2),
    });
    expect(moved.get(z.ref)).toMatchObject({ status: 'RETUR', reportKey: r2.key, sourceRow: rowOf(3) });
    expect(moved.get(z.ref)).not.toHaveProperty('history');
    // As stored: one `history` list of maps, oldest first.
    const item = await documentClient.send(new GetCommand({ TableName: TABLE, Key: paymentKey(x.ref) }));
    expect(item.Item?.history).toEqual([change('BERHASIL', 1)]);

    // Report 3: GAGAL after RETUR is no allowed move; nothing changes. Y again is a duplicate.
    const r3 = await put(report([{ ...x, status: 'GAGAL' }, y]), 'r3.csv', '2026-12-03');
    expect((await importBankReport(r3, deps())).kind).toBe('completed');
    const saved3 = await record(r3.key);
    expect(saved3).toMatchObject({ counts: { lines: 2, stored: 0, duplicates: 1, rejected: 1 } });
    const rows3 = (await readReport(saved3?.reportKey ?? '')).slice(1);
    expect(rows3.map((row) => [Number(row[0]), row[2], row[3]])).toEqual([
      [rowOf(1), 'REFERENSI_BERBEDA', 'galat'],
      [rowOf(2), 'REFERENSI_GANDA', 'peringatan'],
    ]);
    expect(rows3[0]?.[4]).toMatch(
      /sudah tercatat pada laporan 2026-12-02\/\w+-r2\.csv \(baris 5\).*status RETUR tercatat, GAGAL di baris ini\)\. Status yang tercatat hanya dapat berubah dari BERHASIL menjadi RETUR/,
    );
    expect(await stored([x.ref, y.ref, z.ref])).toEqual(moved);

    // Report 2 processed again (the same bytes under another name): duplicates, no second move.
    const again = await put(report(r2Lines), 'r2-kirim-ulang.csv', '2026-12-04');
    expect((await importBankReport(again, deps())).kind).toBe('completed');
    expect(await record(again.key)).toMatchObject({
      counts: { lines: 3, stored: 0, duplicates: 3, rejected: 0 },
    });
    expect(await stored([x.ref, y.ref, z.ref])).toEqual(moved);
    // The move itself, made again: its condition on the current status refuses it.
    const payments = new PaymentsRepository(TABLE);
    const retry = await payments.moveStatus(
      { ...(moved.get(x.ref) as PaymentLine), reportKey: r2.key, sourceRow: rowOf(1) },
      'BERHASIL',
      new Date().toISOString(),
    );
    expect(retry).toEqual({ kind: 'changed', current: moved.get(x.ref) });

    // What the reconciliation ledger reads: X returned (nothing net), Y paid.
    const decree = {
      decreeId: `SK-${RUN}`,
      number: '188.44/3/2026',
      year: 2026,
      seq: 3,
      proposalId: `P-${RUN}`,
      region: '62.01',
      period: '2026-S2',
      status: 'ISSUED' as const,
    };
    const ledger = new Ledger([decree]);
    for (const spec of [x, y]) {
      ledger.addExpected(decree.decreeId, {
        recipientId: `R-${spec.i}`,
        noRekening: account(spec.i),
        nik: nik(spec.i),
        nama: `Warga ${String.fromCharCode(65 + (spec.i % 26))}`,
        amount: 1_250_000,
      });
    }
    for await (const line of payments.stream()) {
      if (line.bankRef === x.ref || line.bankRef === y.ref) expect(ledger.addPayment(line)).toBeUndefined();
    }
    expect(
      [...ledger.findings()].map((finding) => [finding.kind, finding.recipientId, finding.paidAmount]),
    ).toEqual([['RETURNED', `R-${x.i}`, 0]]);
    expect(ledger.summaries()).toEqual([
      expect.objectContaining({
        recipients: 2,
        paid: 1,
        returned: 1,
        paidAmount: 1_250_000,
        fullyPaid: false,
      }),
    ]);
  });

  it('moves a status once when a crashed attempt is retried after the move was written', async () => {
    const [w] = specs('movecrash', 1) as [LineSpec];
    await importBankReport(await put(report([w]), 'w1.csv'), deps());
    const object = await put(report([{ ...w, status: 'RETUR' }]), 'w2.csv', '2026-12-02');
    // Fault injection: the move is written, then the connection drops before the answer.
    class CrashingPayments extends PaymentsRepository {
      override async moveStatus(line: PaymentLine, from: PaymentLine['status'], at: string): Promise<never> {
        await super.moveStatus(line, from, at);
        throw new Error('connection reset');
      }
    }
    await expect(importBankReport(object, deps({ payments: new CrashingPayments(TABLE) }))).rejects.toThrow(
      'connection reset',
    );
    expect((await stored([w.ref])).get(w.ref)).toMatchObject({ status: 'RETUR', history: ['BERHASIL'] });

    expect((await importBankReport(object, deps())).kind).toBe('completed');
    expect(await record(object.key)).toMatchObject({
      status: 'COMPLETED',
      attempts: 2,
      counts: { lines: 1, stored: 1, duplicates: 0, rejected: 0 },
    });
    expect((await record(object.key))?.reportKey).toBeUndefined();
    expect((await stored([w.ref])).get(w.ref)).toMatchObject({
      status: 'RETUR',
      history: ['BERHASIL'],
      moves: [{ status: 'BERHASIL', reportKey: object.key, sourceRow: rowOf(1) }],
    });
  });

  it('moves each status once when two reports with the same returns are imported at the same time', async () => {
    const paidLines = specs('moverace', 40);
    await importBankReport(await put(report(paidLines), 'bayar.csv'), deps());
    const returns = paidLines.map((spec) => ({ ...spec, status: 'RETUR' }));
    const left = await put(report(returns), 'retur-kiri.csv', '2026-12-02');
    const right = await put(report(returns), 'retur-kanan.csv', '2026-12-02');
    const small = { pipeline: { chunkSize: 5, concurrency: 4 } };
    await Promise.all([importBankReport(left, deps(small)), importBankReport(right, deps(small))]);
    const [l, r] = [await record(left.key), await record(right.key)];
    // Each move made by exactly one of them; the other found it made: a duplicate.
    expect((l?.counts.stored ?? 0) + (r?.counts.stored ?? 0)).toBe(40);
    expect((l?.counts.duplicates ?? 0) + (r?.counts.duplicates ?? 0)).toBe(40);
    const payments = await stored(paidLines.map((spec) => spec.ref));
    let byLeft = 0;
    for (const payment of payments.values()) {
      expect(payment).toMatchObject({ status: 'RETUR', history: ['BERHASIL'] });
      expect(payment.moves).toHaveLength(1);
      if (payment.moves?.[0]?.reportKey === left.key) byLeft++;
    }
    expect(byLeft).toBe(l?.counts.stored);
  });

  it('records each reference once when two overlapping reports are imported at the same time', async () => {
    const shared = specs('race', 120);
    const left = await put(report(shared), 'kiri.csv');
    // The same references, a third of them with another amount.
    const right = await put(
      report(shared.map((spec, k) => (k % 3 === 0 ? { ...spec, amount: '2.000.000' } : spec))),
      'kanan.csv',
    );
    const small = { pipeline: { chunkSize: 10, concurrency: 4 } };
    await Promise.all([importBankReport(left, deps(small)), importBankReport(right, deps(small))]);
    const [l, r] = [await record(left.key), await record(right.key)];
    expect(l?.status).toBe('COMPLETED');
    expect(r?.status).toBe('COMPLETED');
    // Every reference stored by exactly one of them; the other saw a duplicate or a conflict.
    expect((l?.counts.stored ?? 0) + (r?.counts.stored ?? 0)).toBe(120);
    expect((l?.counts.duplicates ?? 0) + (r?.counts.duplicates ?? 0)).toBe(80);
    expect((l?.counts.rejected ?? 0) + (r?.counts.rejected ?? 0)).toBe(40);
    const payments = await stored(shared.map((spec) => spec.ref));
    expect(payments.size).toBe(120);
    let fromLeft = 0;
    for (const payment of payments.values()) if (payment.reportKey === left.key) fromLeft++;
    expect(fromLeft).toBe(l?.counts.stored);
  });

  it('retries a crashed attempt to completion, recognising the lines it had already stored', async () => {
    const lines = specs('crash', 250);
    const object = await put(report(lines));
    // Fault injection: from its third write on, the first attempt's writes fail (two chunks stored).
    class CrashingPayments extends PaymentsRepository {
      private calls = 0;
      override async putNew(batch: readonly PaymentLine[], storedAt: string) {
        if (++this.calls >= 3) throw new Error('connection reset');
        return super.putNew(batch, storedAt);
      }
    }
    const small = { pipeline: { chunkSize: 25, concurrency: 1 } };
    await expect(
      importBankReport(object, deps({ ...small, payments: new CrashingPayments(TABLE) })),
    ).rejects.toThrow('connection reset');
    const crashed = await record(object.key);
    expect(crashed).toMatchObject({ status: 'PROCESSING', attempts: 1, leaseUntil: 0 });
    expect((await stored(lines.map((spec) => spec.ref))).size).toBe(50);

    const retried = await importBankReport(object, deps(small));
    expect(retried.kind).toBe('completed');
    expect(await record(object.key)).toMatchObject({
      status: 'COMPLETED',
      attempts: 2,
      counts: { lines: 250, stored: 250, duplicates: 0, rejected: 0 },
      totals: { berhasil: 250 * 1_250_000, gagal: 0, retur: 0, lines: { berhasil: 250, gagal: 0, retur: 0 } },
    });
    expect((await record(object.key))?.reportKey).toBeUndefined();
    const payments = await stored(lines.map((spec) => spec.ref));
    expect(payments.size).toBe(250);
    for (const payment of payments.values()) expect(payment.reportKey).toBe(object.key);
  });

  it('ends FAILED with its reason after the last allowed attempt fails, and reads only a new object after that', async () => {
    const object = await put(report(specs('capped', 5)));
    class Failing extends PaymentsRepository {
      override async putNew(): Promise<never> {
        throw new Error('boom');
      }
    }
    for (let tries = 1; tries <= 3; tries++) {
      await expect(importBankReport(object, deps({ payments: new Failing(TABLE) }))).rejects.toThrow('boom');
    }
    const failed = await record(object.key);
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 3 });
    expect(failed?.reasons).toEqual([
      {
        code: 'INTERNAL',
        message: expect.stringMatching(/^Impor berhenti setelah 3 percobaan: terjadi gangguan sistem/),
      },
    ]);
    // A re-drive of the same object changes nothing; a different object at the key is read.
    expect(await importBankReport(object, deps())).toMatchObject({
      kind: 'duplicate-event',
      status: 'FAILED',
    });
    expect((await stored(specs('capped', 5).map((spec) => spec.ref))).size).toBe(0);
    const replaced = await put(report(specs('capped', 6)), object.key.split(`${RUN}-`)[1]);
    expect(await importBankReport(replaced, deps())).toMatchObject({ kind: 'completed' });
    expect(await record(object.key)).toMatchObject({ status: 'COMPLETED', attempts: 4, reasons: [] });
  });

  it('waits for a live attempt, and takes over one whose lease ran out (a hard crash)', async () => {
    const lines = specs('lease', 20);
    const object = await put(report(lines));
    const reports = new BankReportsRepository(TABLE);
    const start = new Date();
    const claim = await reports.claims.claim({
      id: object.key,
      s3Key: object.key,
      etag: object.etag,
      now: start,
      leaseMs: LEASE_MS,
      maxAttempts: 3,
      set: { key: object.key, reportDate: '2026-11-29', startedAt: start.toISOString() },
      setIfAbsent: { createdAt: start.toISOString() },
      exhausted: () => ({ code: 'INTERNAL', message: 'habis' }),
    });
    expect(claim.kind).toBe('claimed');
    await expect(importBankReport(object, deps())).rejects.toBeInstanceOf(ImportBusyError);

    const later = new Date(start.getTime() + LEASE_MS + 1_000);
    const outcome = await importBankReport(object, deps({ now: () => later }));
    expect(outcome.kind).toBe('completed');
    expect(await record(object.key)).toMatchObject({
      status: 'COMPLETED',
      attempts: 2,
      counts: { stored: 20 },
    });
  });

  it('refuses a report without a header, of another format, too large, or without one valid line', async () => {
    const noHeader = await put('LAPORAN;;\r\na;b;c\r\n');
    expect(await importBankReport(noHeader, deps())).toMatchObject({
      kind: 'rejected',
      reasons: [{ code: 'HEADER_NOT_FOUND' }],
    });
    const rejected = await record(noHeader.key);
    expect(rejected).toMatchObject({ status: 'REJECTED', reasons: [{ code: 'HEADER_NOT_FOUND' }] });
    expect((await readReport(rejected?.reportKey ?? '')).slice(1)).toEqual([
      ['', '', 'HEADER_NOT_FOUND', 'galat', expect.stringMatching(/Baris judul kolom tidak ditemukan/)],
    ]);

    const xlsx = await put('PK not really', 'laporan.xlsx');
    expect(await importBankReport(xlsx, deps())).toMatchObject({ reasons: [{ code: 'FORMAT_UNSUPPORTED' }] });
    expect((await record(xlsx.key))?.reportKey).toBeUndefined();

    const big = await put(report(specs('big', 3)));
    expect(await importBankReport({ ...big, size: 6 * 1024 * 1024 }, deps())).toMatchObject({
      reasons: [{ code: 'FILE_TOO_LARGE' }],
    });

    const bad = specs('allbad', 2).map((spec) => ({ ...spec, status: '?' }));
    const allBad = await put(report(bad));
    expect(await importBankReport(allBad, deps())).toMatchObject({ reasons: [{ code: 'NO_VALID_ROWS' }] });
    const none = await record(allBad.key);
    expect(none).toMatchObject({
      status: 'REJECTED',
      counts: { lines: 2, stored: 0, duplicates: 0, rejected: 2 },
    });
    expect((await readReport(none?.reportKey ?? '')).map((row) => row[2])).toEqual([
      'kode',
      'STATUS_UNKNOWN',
      'STATUS_UNKNOWN',
      'NO_VALID_ROWS',
    ]);

    // The same rejected object again changes nothing; a corrected object at the key is read.
    expect(await importBankReport(allBad, deps())).toMatchObject({
      kind: 'duplicate-event',
      status: 'REJECTED',
    });
    const fixed = await put(report(specs('allbad', 2)), allBad.key.split(`${RUN}-`)[1]);
    expect(await importBankReport(fixed, deps())).toMatchObject({ kind: 'completed' });
    expect(await record(allBad.key)).toMatchObject({
      status: 'COMPLETED',
      attempts: 2,
      counts: { stored: 2 },
    });
    expect((await record(allBad.key))?.reportKey).toBeUndefined();
  });

  it('is wired to S3 notifications by its handler (URL-encoded keys)', async () => {
    const object = await put(report(specs('handler', 3)), 'laporan harian+1.csv');
    // The key as S3 encodes it in the notification (`laporan+harian%2B1.csv`), decoded by the handler.
    const event = objectCreatedEvent(UPLOADS, object, new Date(object.eventTime));
    expect(event.Records[0]?.s3.object.key).toMatch(/laporan\+harian%2B1\.csv$/);
    const outcomes = await handler(event, lambdaContext('ImportBankReport'));
    expect(outcomes).toMatchObject([{ kind: 'completed', key: object.key }]);
    expect(await record(object.key)).toMatchObject({ status: 'COMPLETED', counts: { stored: 3 } });
  });
});

describe('PaymentsRepository.putNew', () => {
  it('never overwrites a recorded reference, even when the caller did not look first', async () => {
    const repo = new PaymentsRepository(TABLE);
    const payment = (spec: LineSpec, amount: number): PaymentLine => ({
      bankRef: spec.ref,
      noRekening: account(spec.i),
      nama: 'Warga',
      amount,
      status: 'BERHASIL',
      transactionDate: '2026-11-29',
      reportKey: `disbursements/2026-11-29/${RUN}-direct.csv`,
      sourceRow: spec.i,
    });
    const all = specs('direct', 150);
    const first = all.filter((_, k) => k % 5 === 0).map((spec) => payment(spec, 1_000));
    expect((await repo.putNew(first, new Date().toISOString())).written).toHaveLength(30);

    // 150 lines, 30 of them recorded already with another amount: 2 transactions, each cancelled once.
    const { written, taken } = await repo.putNew(
      all.map((spec) => payment(spec, 2_000)),
      new Date().toISOString(),
    );
    expect(written).toHaveLength(120);
    expect(taken.size).toBe(30);
    for (const line of first) expect(taken.get(line.bankRef)).toEqual(line);
    const now = await repo.getMany(all.map((spec) => spec.ref));
    for (const line of first) expect(now.get(line.bankRef)?.amount).toBe(1_000);
    expect([...now.values()].filter((line) => line.amount === 2_000)).toHaveLength(120);

    // Two writers racing on the same new references: each reference is written by exactly one.
    const racing = specs('direct', 100, 1_000);
    const [x, y] = await Promise.all([
      repo.putNew(
        racing.map((spec) => payment(spec, 3_000)),
        new Date().toISOString(),
      ),
      new PaymentsRepository(TABLE).putNew(
        racing.map((spec) => payment(spec, 4_000)),
        new Date().toISOString(),
      ),
    ]);
    expect(x.written.length + y.written.length).toBe(100);
    expect(x.taken.size + y.taken.size).toBe(100);
  });
});

describe('PaymentsRepository.stream', () => {
  it('returns every stored line exactly once, shard by shard in reference order, with Queries only', async () => {
    const lines = specs('stream', 300);
    const object = await put(report(lines));
    await importBankReport(object, deps());

    const commands: string[] = [];
    const spy = Object.create(documentClient) as DynamoDBDocumentClient;
    spy.send = ((command: { constructor: { name: string } }) => {
      commands.push(command.constructor.name);
      return documentClient.send(command as never);
    }) as DynamoDBDocumentClient['send'];

    const seen = new Map<string, number>();
    let previous: [number, string] | undefined;
    let count = 0;
    for await (const payment of new PaymentsRepository(TABLE, spy, { pageSize: 7 }).stream()) {
      count++;
      const position: [number, string] = [paymentShard(payment.bankRef), payment.bankRef];
      if (previous) {
        const ordered =
          position[0] > previous[0] ||
          (position[0] === previous[0] &&
            Buffer.compare(Buffer.from(position[1]), Buffer.from(previous[1])) > 0);
        expect(ordered).toBe(true);
      }
      previous = position;
      if (payment.reportKey === object.key) seen.set(payment.bankRef, (seen.get(payment.bankRef) ?? 0) + 1);
    }
    expect(seen.size).toBe(300);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(commands)).toEqual(new Set(['QueryCommand']));
    expect(commands.length).toBeGreaterThanOrEqual(Math.max(32, Math.ceil(count / 7)));
  });
});

describe('logs', () => {
  it('never carry a NIK or an account number in full', async () => {
    const captured: string[] = [];
    const streams = [process.stdout, process.stderr] as const;
    const writes = streams.map((stream) => stream.write.bind(stream));
    for (const stream of streams) {
      stream.write = ((chunk: string | Uint8Array) => {
        captured.push(String(chunk));
        return true;
      }) as typeof stream.write;
    }
    try {
      // The INFO lines are checked too; tests run at WARN unless VERBOSE=1.
      await atLogLevel('INFO', async () => {
        const lines = specs('logs', 20);
        const first = await put(report(lines));
        await importBankReport(first, deps());
        await importBankReport(first, deps());
        const second = await put(
          report([
            ...lines.map((spec) => ({ ...spec, amount: '9.000.000' })),
            { ...(lines[0] as LineSpec), ref: '', account: '6.20101E+15' },
          ]),
        );
        await importBankReport(second, deps());
        const failing = await put(report(specs('logs', 5, 100)));
        class Failing extends PaymentsRepository {
          override async putNew(): Promise<never> {
            throw new Error('boom');
          }
        }
        await expect(importBankReport(failing, deps({ payments: new Failing(TABLE) }))).rejects.toThrow(
          'boom',
        );
      });
    } finally {
      streams.forEach((stream, index) => {
        stream.write = writes[index] as typeof stream.write;
      });
    }
    const logged = captured.join('');
    expect(logged).toContain('Bank report imported');
    expect(logged).toContain('Duplicate bank report event ignored');
    expect(logged).toContain('Bank report import failed');
    expect(logged).not.toMatch(/62010112038\d{5}/);
    expect(logged).not.toMatch(/10000000\d\d/);
    expect(logged).not.toMatch(/Warga [A-Z]\b/);
  });
});
