/**
 * The distribution benchmark (issue #15, "Scale and speed"): one tahap whose kabupaten's
 * distribution is OPEN, seeded outside the clock with the product's own repositories (the tahap,
 * a READY DTSEN snapshot, the KPM decree, the distribution record, a TUNAI and a PANGAN
 * entitlement per family, an active account per penerima), then, each case in its own process
 * (`bench/distribution-case.ts`) beside a bare baseline in the same run:
 *
 * 1. the payment instruction job (`instructPayments`) for a kabupaten of `small` and of `large`
 *    families (default 6,000 and 60,000) vs a raw Query of the same TUNAI entitlements (same page
 *    size, one page at a time) and a PutObject of the same bytes;
 * 2. the KPM cash reconciliation (`reconcileKpmCash`) of the tahap against a bank report of
 *    `reportLines` lines (default 300,000: a line paying each instructed entitlement, stored with
 *    `PaymentsRepository.putNew` as the bank report import stores them; the rest BKK lines the KPM
 *    run reads and ignores, the same items by BatchWriteItem), vs a raw read of the same
 *    entitlements and payment lines;
 * 3. the BAST import (`functions/family-import/handler.ts`, kind BAST) of a line per family of the
 *    large kabupaten vs a bare read + `csv-parse` + BatchWrite of an item per line carrying what
 *    the import writes (the entitlement's key, status, line key and handover).
 *
 * Each case also has a second baseline, the same work done bare after the product's case
 * (`*-same` in `distribution-case.ts`): the same reads, then every row written conditionally, 100
 * a TransactWriteItems. The baselines only read (or, for the BAST, put without a
 * condition), which no job that must never move a row twice can match on DynamoDB Local, where a
 * conditional update costs ~2.8× a batched put; the second ratio shows what the product adds.
 *
 * Each case runs once (the real jobs move what they read: a second run would find nothing to do).
 * `BENCH_DISTRIBUTION_FAMILIES=6000,60000` (the two kabupaten) and `BENCH_DISTRIBUTION_REPORT`
 * (report lines) pick the sizes; `BENCH_DISTRIBUTION_CASES=bast` (or `instruct,reconcile`) runs only
 * those cases (the seeding is the same).
 */
import { performance } from 'node:perf_hooks';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriter } from '#shared/adapters/batch-writer.ts';
import { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import { FamiliesRepository } from '#shared/adapters/families-repo.ts';
import { InstructionsRepository } from '#shared/adapters/instructions-repo.ts';
import { accountKey, paymentKey } from '#shared/adapters/keys.ts';
import { type PaymentLine, PaymentsRepository } from '#shared/adapters/payments-repo.ts';
import { SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import { importObjectKey } from '#shared/adapters/storage-keys.ts';
import { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { transactWrite } from '#shared/adapters/transactions.ts';
import { entitlementRef } from '#shared/domain/family/distribution.ts';
import { instructionFileId } from '#shared/domain/family/payments.ts';
import type { DecreeRecord, InstructionRecord } from '#shared/model.ts';
import { BUCKETS } from '#shared/resources.ts';
import { runChild, seedingTable } from './child.ts';

export const TAHAP = '2026-1';
const VERSION = '2026-09-30';
const LARGE_REGION = '62.03';
const SMALL_REGION = '62.04';
const AMOUNTS = { TUNAI: 250_000, PANGAN: 150_000 } as const;
const ACTOR = { sub: 'bench', name: 'Benchmark', role: 'admin' } as const;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A region's family `serial` (0-based): No KK, NIK of its head (the penerima), family id, account. */
export function familyOf(region: string, serial: number) {
  const digits = region.replace('.', '');
  const kec = String(1 + Math.floor(serial / 9_999)).padStart(2, '0');
  const tail = String(1 + (serial % 9_999)).padStart(4, '0');
  let code = '';
  for (let rest = serial + Number(digits) * 1_000_000, i = 0; i < 12; i++, rest = Math.floor(rest / 32)) {
    code = BASE32[rest % 32] + code;
  }
  return {
    noKk: `${digits}${kec}010120${tail}`,
    nik: `${digits}${kec}150885${tail}`,
    familyId: `KEL-${code}`,
    noRekening: `${digits}${String(serial).padStart(6, '0')}`,
    // Names hold letters only (the BAST's name check refuses digits).
    nama: `Warga ${[...String(serial)].map((digit) => 'abcdefghij'[Number(digit)]).join('')}`,
    kecamatanCode: `${region}.${kec}`,
    desaCode: `${region}.${kec}.2001`,
  };
}

interface Timed {
  readonly kind: string;
  readonly ms: number;
  readonly maxRssMb: number;
  readonly [key: string]: unknown;
}

export interface DistributionBenchResult {
  readonly seedMs: number;
  /** Each case: `bare` the baseline (a bare read; for the BAST, parse + BatchWrite), `same` the same work bare. */
  readonly instruct: { families: number; bare: Timed; job: Timed; same: Timed }[];
  readonly reconcile?: { lines: number; seedMs: number; bare: Timed; job: Timed; same: Timed };
  readonly bast?: { lines: number; bare: Timed; job: Timed; same: Timed };
}

/** The cases `BENCH_DISTRIBUTION_CASES` names (all three by default). */
const CASES = new Set(
  (process.env.BENCH_DISTRIBUTION_CASES ?? 'instruct,reconcile,bast').split(',').map((name) => name.trim()),
);

export async function benchDistribution(options: {
  readonly childEnv: NodeJS.ProcessEnv;
  readonly s3: S3Client;
  readonly resetTable: () => Promise<void>;
  readonly small?: number;
  readonly large?: number;
  readonly reportLines?: number;
}): Promise<DistributionBenchResult> {
  const [small, large] = (process.env.BENCH_DISTRIBUTION_FAMILIES ?? '6000,60000').split(',').map(Number);
  const sizes = { small: options.small ?? small ?? 6_000, large: options.large ?? large ?? 60_000 };
  const reportLines = options.reportLines ?? Number(process.env.BENCH_DISTRIBUTION_REPORT ?? 300_000);
  const { childEnv } = options;
  await options.resetTable();

  const seedStarted = performance.now();
  const regions = [
    { region: SMALL_REGION, families: sizes.small },
    { region: LARGE_REGION, families: sizes.large },
  ];
  await seedProgramme(childEnv, regions);
  const seedMs = performance.now() - seedStarted;
  console.error(
    `  distribution: seeded ${sizes.small + sizes.large} families in ${(seedMs / 1000).toFixed(1)} s`,
  );

  // 1. Instruction files, the small kabupaten first.
  const instruct: DistributionBenchResult['instruct'] = [];
  for (const { region, families } of CASES.has('instruct') ? regions : []) {
    const bare = await runChild<Timed>('distribution-case.ts', ['instruct-bare', TAHAP, region], childEnv);
    const job = await runChild<Timed>('distribution-case.ts', ['instruct', TAHAP, region], childEnv);
    const same = await runChild<Timed>('distribution-case.ts', ['instruct-same', TAHAP, region], childEnv);
    if (job.lines !== families || bare.rows !== families || same.rows !== families) {
      throw new Error(
        `instruction of ${region}: ${job.lines} lines, ${bare.rows} rows read, ${families} families`,
      );
    }
    console.error(
      `  instruct ${families}: bare ${(bare.ms / 1000).toFixed(1)} s, job ${(job.ms / 1000).toFixed(1)} s, same work bare ${(same.ms / 1000).toFixed(1)} s`,
    );
    instruct.push({ families, bare, job, same });
  }

  const reconcile = CASES.has('reconcile') ? await benchReconcile(childEnv, regions, reportLines) : undefined;
  const bast = CASES.has('bast') ? await benchBast(childEnv, options.s3, sizes.large) : undefined;
  return { seedMs, instruct, ...(reconcile ? { reconcile } : {}), ...(bast ? { bast } : {}) };
}

/** 2. The bank's report (a line per instructed entitlement, the rest BKK lines) and the KPM run. */
async function benchReconcile(
  childEnv: NodeJS.ProcessEnv,
  regions: readonly { region: string; families: number }[],
  reportLines: number,
): Promise<NonNullable<DistributionBenchResult['reconcile']>> {
  const paymentStarted = performance.now();
  await seedPayments(childEnv, regions, reportLines);
  const paymentSeedMs = performance.now() - paymentStarted;
  console.error(
    `  distribution: ${reportLines} payment lines stored in ${(paymentSeedMs / 1000).toFixed(1)} s`,
  );
  const reconcileBare = await runChild<Timed>(
    'distribution-case.ts',
    ['reconcile-bare', TAHAP, regions.map(({ region }) => region).join(',')],
    childEnv,
  );
  const reconcileJob = await runChild<Timed>('distribution-case.ts', ['reconcile', TAHAP, 'bench'], childEnv);
  const reconcileSame = await runChild<Timed>(
    'distribution-case.ts',
    ['reconcile-same', TAHAP, regions.map(({ region }) => region).join(',')],
    childEnv,
  );
  console.error(
    `  reconcile: bare ${(reconcileBare.ms / 1000).toFixed(1)} s, job ${(reconcileJob.ms / 1000).toFixed(1)} s, same work bare ${(reconcileSame.ms / 1000).toFixed(1)} s`,
  );
  return {
    lines: reportLines,
    seedMs: paymentSeedMs,
    bare: reconcileBare,
    job: reconcileJob,
    same: reconcileSame,
  };
}

/** 3. BULOG's BAST for every family of the large kabupaten. */
async function benchBast(
  childEnv: NodeJS.ProcessEnv,
  s3: S3Client,
  families: number,
): Promise<NonNullable<DistributionBenchResult['bast']>> {
  const bastIds = { job: `bench-bast-${Date.now()}`, bare: `bench-bast-bare-${Date.now()}` };
  const csv = bastCsv(LARGE_REGION, families);
  for (const importId of Object.values(bastIds)) {
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKETS.uploads.localName,
        Key: importObjectKey('BAST', importId, 'csv'),
        Body: csv,
      }),
    );
  }
  const bastBare = await runChild<Timed>(
    'distribution-case.ts',
    ['bast-bare', TAHAP, LARGE_REGION, bastIds.bare],
    childEnv,
  );
  const bastJob = await runChild<Timed>(
    'distribution-case.ts',
    ['bast', TAHAP, LARGE_REGION, bastIds.job],
    childEnv,
  );
  const bastSame = await runChild<Timed>(
    'distribution-case.ts',
    ['bast-same', TAHAP, LARGE_REGION, bastIds.job],
    childEnv,
  );
  console.error(
    `  bast: bare ${(bastBare.ms / 1000).toFixed(1)} s, import ${(bastJob.ms / 1000).toFixed(1)} s, same work bare ${(bastSame.ms / 1000).toFixed(1)} s`,
  );
  return { lines: families, bare: bastBare, job: bastJob, same: bastSame };
}

/** The BAST file of `families` families: each penerima took the package, a photo and coordinates. */
function bastCsv(region: string, families: number): string {
  const lines = [
    'No KK;NIK Penerima;Nama Penerima;Hubungan;Tanggal Serah Terima;Status;Alasan;Nomor Surat Kuasa;Foto;Latitude;Longitude',
  ];
  for (let serial = 0; serial < families; serial++) {
    const family = familyOf(region, serial);
    lines.push(
      `${family.noKk};${family.nik};${family.nama};KPM;02-11-2026;DITERIMA;;;IMG_${String(serial).padStart(6, '0')}.jpg;-2,21;113,92`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The tahap, and for each kabupaten: its READY snapshot (a family and its head), its issued KPM
 * decree, its OPEN distribution, a TUNAI (DITETAPKAN) and a PANGAN (DIKIRIM: listed for BULOG)
 * entitlement per family, an active account per penerima and a QUEUED first instruction file.
 */
async function seedProgramme(
  childEnv: NodeJS.ProcessEnv,
  regions: readonly { region: string; families: number }[],
): Promise<void> {
  const { tableName, client, destroy } = seedingTable(childEnv);
  try {
    const now = new Date().toISOString();
    await new TahapRepository(tableName, client).create({
      tahapId: TAHAP,
      year: 2026,
      number: 1,
      components: { ...AMOUNTS },
      desil: { min: 1, max: 5 },
      snapshots: { [LARGE_REGION]: VERSION },
      status: 'PENYALURAN',
      version: 1,
      createdAt: now,
      createdBy: { sub: 'bench', name: 'Benchmark' },
    });
    const families = new FamiliesRepository(tableName, client);
    const snapshots = new SnapshotsRepository(tableName, client);
    const decrees = new DecreesRepository(tableName, client);
    const distribution = new DistributionRepository(tableName, client);
    const instructions = new InstructionsRepository(tableName, client);
    for (const [index, { region, families: count }] of regions.entries()) {
      const pair = { families: `bench-kk-${region}`, members: `bench-art-${region}` };
      const familyWriter = families.writer(pair.families);
      const memberWriter = families.writer(pair.members);
      const entitlements = distribution.entitlementWriter();
      const accounts = new BatchWriter(tableName, { client });
      const decree: DecreeRecord = {
        decreeId: `SK-KPM-${region}-${TAHAP}`,
        kind: 'KPM',
        proposalId: `KPM-${region}-${TAHAP}`,
        region,
        period: TAHAP,
        tahapId: TAHAP,
        listId: `bench-list-${region}`,
        year: 2026,
        seq: index + 1,
        number: `188.44/${index + 1}/KPM/2026`,
        status: 'ISSUED',
        verifyCode: `BNCH-KPM0-${String(index).padStart(4, '0')}`,
        decreeDate: now.slice(0, 10),
        numberedAt: now,
        recipientCount: count,
        amountByComponent: { ...AMOUNTS },
        signer: { title: 'GUBERNUR', name: 'Benchmark' },
        approvedBy: { sub: 'bench', name: 'Benchmark' },
      };
      const decreePut = decrees.numberingItems(decree)[1];
      if (!decreePut) throw new Error('no decree item');
      await transactWrite([decreePut], { client });
      for (let serial = 0; serial < count; serial++) {
        const family = familyOf(region, serial);
        // The DTSEN snapshot only where the BAST is imported (it reads each line's family).
        if (region === LARGE_REGION)
          await familyWriter.putFamily({
            noKk: family.noKk,
            kkValid: true,
            kecamatanCode: family.kecamatanCode,
            desaCode: family.desaCode,
            namaKepalaKeluarga: family.nama,
            desil: 1 + (serial % 5),
            sourceRow: serial + 2,
          });
        if (region === LARGE_REGION)
          await memberWriter.putMember({
            noKk: family.noKk,
            nik: family.nik,
            nikValid: true,
            nama: family.nama,
            tanggalLahir: '1985-08-15',
            hubungan: 'KEPALA_KELUARGA',
            sourceRow: serial + 2,
          });
        for (const component of ['TUNAI', 'PANGAN'] as const) {
          await entitlements.put({
            ref: entitlementRef(TAHAP, component, family.familyId),
            tahapId: TAHAP,
            region,
            component,
            amount: AMOUNTS[component],
            noKk: family.noKk,
            familyId: family.familyId,
            penerimaNik: family.nik,
            penerimaNama: family.nama,
            kecamatanCode: family.kecamatanCode,
            desaCode: family.desaCode,
            decreeId: decree.decreeId,
            decreeNumber: decree.number,
            // PANGAN as the distribution lists job leaves it: listed for BULOG.
            status: component === 'TUNAI' ? 'DITETAPKAN' : 'DIKIRIM',
            attempts: component === 'TUNAI' ? 0 : 1,
            createdAt: now,
          });
        }
        await accounts.put({
          ...accountKey(family.nik),
          nik: family.nik,
          status: 'AKTIF',
          noRekening: family.noRekening,
          answeredAt: now,
        });
      }
      await Promise.all([familyWriter.flush(), memberWriter.flush(), entitlements.flush(), accounts.flush()]);
      if (region === LARGE_REGION) await readySnapshot(snapshots, client, region, pair, count, now);
      await distribution.startOpening({
        tahapId: TAHAP,
        region,
        decreeId: decree.decreeId,
        decreeNumber: decree.number,
        status: 'OPENING',
        requestedAt: now,
      });
      const opened = await distribution.markOpen(TAHAP, region, decree.decreeId, {
        openedAt: now,
        families: count,
        byComponent: (['TUNAI', 'PANGAN'] as const).map((component) => ({
          component,
          count,
          amount: AMOUNTS[component] * count,
        })),
        cards: { issued: count, kept: 0, blocked: 0 },
      });
      if (!opened) throw new Error(`distribution of ${region} not opened`);
      const record: InstructionRecord = {
        tahapId: TAHAP,
        region,
        seq: 1,
        fileId: instructionFileId(TAHAP, region, 1),
        kind: 'AWAL',
        status: 'QUEUED',
        requestedAt: now,
        requestedBy: ACTOR,
      };
      await transactWrite([instructions.createItem(record)], { client });
      console.error(`  seeded ${region}: ${count} families, entitlements and accounts`);
    }
  } finally {
    destroy();
  }
}

async function readySnapshot(
  snapshots: SnapshotsRepository,
  client: DynamoDBDocumentClient,
  region: string,
  pair: { families: string; members: string },
  count: number,
  now: string,
): Promise<void> {
  const half = (importId: string) => ({ importId, rows: count, accepted: count, importedAt: now });
  const key = { region, versionDate: VERSION };
  const first = snapshots.halfChange(undefined, key, 'families', half(pair.families), now);
  await transactWrite([first.item], { client });
  const second = snapshots.halfChange(first.next, key, 'members', half(pair.members), now);
  await transactWrite([second.item], { client });
  const ready = await snapshots.markReady(
    region,
    VERSION,
    pair,
    { families: count, members: count, complete: count, byCode: {}, checkedAt: now },
    now,
  );
  if (!ready) throw new Error(`snapshot of ${region} not READY`);
}

/**
 * The bank's report as its import stores it: a successful line per instructed entitlement under
 * its instruction reference (one in a thousand failed), by `PaymentsRepository.putNew` (100 a
 * transaction, 8 transactions at once), then BKK lines (the report's other programme) up to `lines`.
 */
async function seedPayments(
  childEnv: NodeJS.ProcessEnv,
  regions: readonly { region: string; families: number }[],
  lines: number,
): Promise<void> {
  const { tableName, client, destroy } = seedingTable(childEnv);
  const payments = new PaymentsRepository(tableName, client);
  const reportKey = 'disbursements/2026-12-01/bench.csv';
  const storedAt = new Date().toISOString();
  let sourceRow = 1;
  function* all(): Generator<PaymentLine> {
    for (const { region, families } of regions) {
      for (let serial = 0; serial < families; serial++) {
        const family = familyOf(region, serial);
        sourceRow++;
        yield {
          bankRef: `${entitlementRef(TAHAP, 'TUNAI', family.familyId)}-1`,
          noRekening: family.noRekening,
          nik: family.nik,
          nama: family.nama,
          amount: AMOUNTS.TUNAI,
          status: sourceRow % 1000 === 0 ? 'GAGAL' : 'BERHASIL',
          transactionDate: '2026-12-01',
          reportKey,
          sourceRow,
        };
      }
    }
    while (sourceRow <= lines) {
      sourceRow++;
      yield {
        bankRef: `BKK${String(sourceRow).padStart(9, '0')}`,
        noRekening: `9${String(sourceRow).padStart(9, '0')}`,
        nik: `6201011508850${String(sourceRow % 1000).padStart(3, '0')}`,
        nama: `Penerima BKK ${sourceRow}`,
        amount: 1_500_000,
        status: 'BERHASIL',
        transactionDate: '2026-12-01',
        nomorSk: '188.44/1/2026',
        reportKey,
        sourceRow,
      };
    }
  }
  try {
    const inFlight = new Set<Promise<unknown>>();
    const filler = new BatchWriter(tableName, { client });
    let chunk: PaymentLine[] = [];
    const send = (batch: PaymentLine[]) => {
      const call: Promise<unknown> = payments.putNew(batch, storedAt).finally(() => inFlight.delete(call));
      inFlight.add(call);
    };
    for (const line of all()) {
      if (!line.bankRef.startsWith('KHBS-')) {
        // The other programme's lines only make the report long (the KPM run reads and ignores
        // them): stored as the same items, by BatchWriteItem, to keep the seeding short.
        await filler.put({ ...paymentKey(line.bankRef), ...line, storedAt });
        continue;
      }
      chunk.push(line);
      if (chunk.length === 100) {
        send(chunk);
        chunk = [];
        while (inFlight.size >= 8) await Promise.race(inFlight);
      }
    }
    if (chunk.length > 0) send(chunk);
    await Promise.all([...inFlight, filler.flush()]);
  } finally {
    destroy();
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const n = (value: number) => value.toLocaleString('en-US');
const x = (value: number) => `${value.toFixed(2)}×`;

export function formatDistributionBench(result: DistributionBenchResult): string {
  const lines = [
    'Distribution (issue #15), each case in its own process, beside its bare baseline in the same run:',
    '| case | rows | bare | product | product / bare | same work bare | product / same work | bare peak RSS | product peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { families, bare, job, same } of result.instruct) {
    lines.push(
      `| payment instruction file, ${n(families)} entitlements (bare: Query + PutObject) | ${n(families)} | ${s(bare.ms)} | ${s(job.ms)} | **${x(job.ms / bare.ms)}** | ${s(same.ms)} | **${x(job.ms / same.ms)}** | ${bare.maxRssMb} MB | ${job.maxRssMb} MB |`,
    );
  }
  const { reconcile, bast } = result;
  if (reconcile) {
    const recRows = Number(reconcile.bare.entitlements) + Number(reconcile.bare.paymentLines);
    lines.push(
      `| KPM cash reconciliation, ${n(Number(reconcile.bare.entitlements))} entitlements vs ${n(reconcile.lines)} report lines (bare: the same reads) | ${n(recRows)} | ${s(reconcile.bare.ms)} | ${s(reconcile.job.ms)} | **${x(reconcile.job.ms / reconcile.bare.ms)}** | ${s(reconcile.same.ms)} | **${x(reconcile.job.ms / reconcile.same.ms)}** | ${reconcile.bare.maxRssMb} MB | ${reconcile.job.maxRssMb} MB |`,
    );
  }
  if (bast) {
    const rate = (timed: Timed) => bast.lines / (timed.ms / 1000);
    lines.push(
      `| BAST import, ${n(bast.lines)} lines (bare: GetObject + csv-parse + BatchWrite); rows/s | ${n(bast.lines)} | ${n(Math.round(rate(bast.bare)))}/s | ${n(Math.round(rate(bast.job)))}/s | **${x(rate(bast.job) / rate(bast.bare))}** of bare rows/s | ${n(Math.round(rate(bast.same)))}/s | **${x(rate(bast.job) / rate(bast.same))}** of its rows/s | ${bast.bare.maxRssMb} MB | ${bast.job.maxRssMb} MB |`,
    );
  }
  const [first, last] = [result.instruct[0], result.instruct.at(-1)];
  const notes = [`Seeding (outside the clock): ${s(result.seedMs)} for the families`];
  if (reconcile) notes.push(`${s(reconcile.seedMs)} for the report`);
  lines.push('');
  if (first && last && first !== last) {
    lines.push(
      `Instruction job peak RSS ${n(last.families)} / ${n(first.families)} entitlements: ${x(last.job.maxRssMb / first.job.maxRssMb)} for ${(last.families / first.families).toFixed(0)}× the rows.`,
    );
  }
  if (reconcile) lines.push(`Reconciliation findings: ${JSON.stringify(reconcile.job.counts ?? {})}.`);
  lines.push(`${notes.join(', ')}.`);
  return lines.join('\n');
}
