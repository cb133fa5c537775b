/**
 * One DTSEN import benchmark case (issue #14), in its own process so that its peak RSS is its own.
 * Prints one JSON line `{ kind, families, familiesMs, members, membersMs, maxRssMb }`. Started by
 * `bench/dtsen.ts` with the emulators' environment, once both files are in the uploads bucket at
 * `importObjectKey(kind, importId, 'csv')`.
 *
 *   tsx bench/dtsen-case.ts import <region> <versionDate> <familiesImportId> <membersImportId>
 *       the real import (`functions/family-import/handler.ts`, as Lambda runs it) of the families
 *       file, then of the members file, each after its AWAITING_FILE record (made before the clock)
 *   tsx bench/dtsen-case.ts bare <region> <versionDate> <familiesImportId> <membersImportId>
 *       the same objects read from S3 (raw client), parsed with `csv-parse` (the import's parser),
 *       each row turned into an item with the stored item's attributes, keys and sizes (no checks),
 *       sent with the raw `BatchWriteItemCommand`, 25 per call, 8 calls in flight (BatchWriter's
 *       default) over a keep-alive agent, unprocessed items sent again at once
 */
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import { familyKey, familyLookup, familyPartition, memberKey, memberLookup } from '#shared/adapters/keys.ts';
import { importObjectKey } from '#shared/adapters/storage-keys.ts';
import type { ImportKind } from '#shared/model.ts';
import { reportCase } from './child.ts';
import { timedFamilyImport } from './family-import-run.ts';

const [kind = '', region = '', versionDate = '', familiesId = '', membersId = ''] = process.argv.slice(2);
if (!kind || !region || !versionDate || !familiesId || !membersId) {
  throw new Error(
    'usage: dtsen-case.ts import|bare <region> <versionDate> <familiesImportId> <membersImportId>',
  );
}

/** BatchWriter's default calls in flight, matched by the bare writer. */
const CONCURRENCY = 8;
const bucket = process.env.UPLOADS_BUCKET as string;
const table = process.env.TABLE_NAME as string;

interface FileRun {
  readonly rows: number;
  readonly ms: number;
}

async function run(): Promise<Record<string, unknown>> {
  const files: [ImportKind, string][] = [
    ['DTSEN_KELUARGA', familiesId],
    ['DTSEN_ANGGOTA', membersId],
  ];
  const runs: FileRun[] = [];
  if (kind === 'import') {
    for (const [fileKind, importId] of files) {
      const { ms, record } = await timedFamilyImport({
        importId,
        kind: fileKind,
        region,
        versionDate,
        ...(fileKind === 'DTSEN_ANGGOTA' ? { relationshipCodes: 'DUKCAPIL' as const } : {}),
      });
      const counts = record.counts;
      if (!counts || counts.accepted !== counts.rows) {
        throw new Error(`import of ${fileKind} ${importId} kept ${counts?.accepted} of ${counts?.rows} rows`);
      }
      runs.push({ rows: counts.rows, ms });
    }
  } else if (kind === 'bare') {
    const s3 = new S3Client({ forcePathStyle: true });
    const dynamo = new DynamoDBClient({
      requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: CONCURRENCY }) },
    });
    for (const [fileKind, importId] of files) {
      const began = performance.now();
      const rows = await bareFile(s3, dynamo, fileKind, importId);
      runs.push({ rows, ms: performance.now() - began });
    }
    s3.destroy();
    dynamo.destroy();
  } else {
    throw new Error(`unknown kind ${kind}`);
  }
  const [families, members] = runs as [FileRun, FileRun];
  return {
    families: families.rows,
    familiesMs: families.ms,
    members: members.rows,
    membersMs: members.ms,
    // After the clock: the stored items' mean size, so that the two cases' items can be compared.
    familyItemBytes: await meanItemBytes(familiesId),
    memberItemBytes: await meanItemBytes(membersId),
  };
}

/** Mean DynamoDB size (names + values) of the first 200 items of an import's first shard. */
async function meanItemBytes(importId: string): Promise<number> {
  const dynamo = new DynamoDBClient({});
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: familyPartition(importId, 0) } },
      Limit: 200,
    }),
  );
  dynamo.destroy();
  const items = out.Items ?? [];
  let bytes = 0;
  for (const item of items) {
    for (const [name, value] of Object.entries(item)) {
      bytes += Buffer.byteLength(name);
      if (value.S !== undefined) bytes += Buffer.byteLength(value.S);
      else if (value.N !== undefined) bytes += Math.ceil(value.N.length / 2) + 1;
      else bytes += 1;
    }
  }
  return items.length > 0 ? Math.round(bytes / items.length) : 0;
}

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number | string): AttributeValue => ({ N: String(value) });
const TRUE: AttributeValue = { BOOL: true };

/** `620301` → `62.03.01`, `6203011006` → `62.03.01.1006`: the stored codes' form. */
const dotted = (code: string) =>
  code.length > 6
    ? `${code.slice(0, 2)}.${code.slice(2, 4)}.${code.slice(4, 6)}.${code.slice(6)}`
    : `${code.slice(0, 2)}.${code.slice(2, 4)}.${code.slice(4)}`;

/** `17-10-1957` → `1957-10-17`. */
const isoDate = (date: string) => `${date.slice(6, 10)}-${date.slice(3, 5)}-${date.slice(0, 2)}`;

/**
 * One file read, parsed and written bare; resolves with its data rows. The items are what the
 * import stores for a clean row (`familyKey`/`memberKey` and the `StoredFamily`/`StoredMember`
 * attributes), built straight from the cells by position.
 */
async function bareFile(
  s3: S3Client,
  dynamo: DynamoDBClient,
  fileKind: ImportKind,
  importId: string,
): Promise<number> {
  const out = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: importObjectKey(fileKind, importId, 'csv') }),
  );
  const parser = (out.Body as Readable).pipe(
    parse({ delimiter: '|', bom: true, relax_column_count: true, relax_quotes: true }),
  );
  const inFlight = new Set<Promise<void>>();
  const send = async (requests: { PutRequest: { Item: Record<string, AttributeValue> } }[]) => {
    let remaining = requests;
    while (remaining.length > 0) {
      const result = await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [table]: remaining } }));
      remaining = (result.UnprocessedItems?.[table] ?? []) as typeof remaining;
    }
  };
  let batch: { PutRequest: { Item: Record<string, AttributeValue> } }[] = [];
  let rows = 0;
  let header = true;
  for await (const cells of parser as AsyncIterable<string[]>) {
    if (header) {
      header = false;
      continue;
    }
    rows++;
    const sourceRow = rows + 1;
    let item: Record<string, AttributeValue>;
    if (fileKind === 'DTSEN_KELUARGA') {
      // No KK|Kode Kabupaten|Kabupaten|Kode Kecamatan|Kecamatan|Kode Desa|Desa|Alamat|Nama Kepala Keluarga|Jumlah Anggota|Desil Nasional
      const noKk = cells[0] ?? '';
      const key = familyKey(importId, noKk);
      const desaCode = dotted(cells[5] ?? '');
      // The lookup attributes the import writes too (gsi1 by No KK, gsi2 by desa and head's name).
      const lookup = familyLookup(importId, { noKk, desaCode, namaKepalaKeluarga: cells[8] ?? '' });
      item = {
        pk: S(key.pk),
        sk: S(key.sk),
        ...Object.fromEntries(Object.entries(lookup).map(([name, value]) => [name, S(value)])),
        noKk: S(noKk),
        kkValid: TRUE,
        kecamatanCode: S(dotted(cells[3] ?? '')),
        desaCode: S(desaCode),
        alamat: S(cells[7] ?? ''),
        namaKepalaKeluarga: S(cells[8] ?? ''),
        jumlahAnggota: N(cells[9] ?? '0'),
        desil: N(cells[10] ?? '0'),
        sourceRow: N(sourceRow),
      };
    } else {
      // No KK|NIK|Nama|Tanggal Lahir|Jenis Kelamin|Hubungan Keluarga
      const noKk = cells[0] ?? '';
      const nik = cells[1] ?? '';
      const key = memberKey(importId, noKk, nik);
      const lookup = memberLookup(importId, { noKk, nik });
      item = {
        pk: S(key.pk),
        sk: S(key.sk),
        gsi1pk: S(lookup.gsi1pk),
        gsi1sk: S(lookup.gsi1sk),
        noKk: S(noKk),
        nik: S(nik),
        nikValid: TRUE,
        nama: S(cells[2] ?? ''),
        tanggalLahir: S(isoDate(cells[3] ?? '')),
        jenisKelamin: S(cells[4] ?? ''),
        hubungan: S((cells[5] ?? '').toUpperCase().replaceAll(' ', '_')),
        sourceRow: N(sourceRow),
      };
    }
    batch.push({ PutRequest: { Item: item } });
    if (batch.length === 25) {
      const call: Promise<void> = send(batch).finally(() => inFlight.delete(call));
      inFlight.add(call);
      batch = [];
      while (inFlight.size >= CONCURRENCY) await Promise.race(inFlight);
    }
  }
  if (batch.length > 0) await send(batch);
  await Promise.all(inFlight);
  return rows;
}

reportCase(kind, run);
