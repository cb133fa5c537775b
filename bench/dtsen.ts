/**
 * The DTSEN import benchmark (issue #14): a clean generated extract of `sizes` families (default
 * 20,000 and 60,000, the largest kabupaten; ~3.8 members each) of one kabupaten, generated once
 * to files under `.tmp/bench/` (`writeDtsenFiles`, streamed), put into the S3 emulator's uploads
 * bucket, then imported by the real family import, the families file then the members file, each
 * case in its own process (`bench/dtsen-case.ts`), beside a bare baseline that reads the same
 * objects, parses them with the same CSV parser and writes the same items with the raw client at the
 * same concurrency. After a warm-up of both, each size runs `rounds` times, alternating which goes
 * first, the table emptied before every run; figures are medians, rows/s of each file and the ratio
 * import / bare within each round. Peak RSS is the case process's (both files).
 */

import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { importObjectKey } from '#shared/adapters/storage-keys.ts';
import type { ImportKind } from '#shared/model.ts';
import { BUCKETS } from '#shared/resources.ts';
import { writeDtsenFiles } from '../local/dtsen-data.ts';
import { runChild } from './child.ts';

const REGION = '62.03';
const VERSION = '2026-09-30';
const WARM_UP_FAMILIES = 2_000;

interface DtsenCase {
  readonly kind: string;
  readonly families: number;
  readonly familiesMs: number;
  readonly members: number;
  readonly membersMs: number;
  readonly familyItemBytes: number;
  readonly memberItemBytes: number;
  readonly maxRssMb: number;
}

export interface DtsenSizeResult {
  readonly families: number;
  members: number;
  readonly bytes: { readonly families: number; readonly members: number };
  readonly bare: DtsenCase[];
  readonly imports: DtsenCase[];
  readonly order: string[];
}

export interface DtsenBenchResult {
  readonly rounds: number;
  readonly sizes: DtsenSizeResult[];
}

export async function benchDtsen(options: {
  readonly childEnv: NodeJS.ProcessEnv;
  readonly s3: S3Client;
  readonly resetTable: () => Promise<void>;
  readonly dir: string;
  readonly sizes?: readonly number[];
  readonly rounds?: number;
}): Promise<DtsenBenchResult> {
  const sizes =
    options.sizes ?? (process.env.BENCH_DTSEN_SIZES ?? '20000,60000').split(',').map(Number).filter(Boolean);
  const rounds = options.rounds ?? Number(process.env.BENCH_DTSEN_ROUNDS ?? process.env.BENCH_ROUNDS ?? 3);
  const filesOf = async (families: number) => {
    const paths = {
      families: join(options.dir, `dtsen-${families}-keluarga.csv`),
      members: join(options.dir, `dtsen-${families}-anggota.csv`),
    };
    // Deterministic: made once, reused by later runs.
    const made = await Promise.all([stat(paths.families), stat(paths.members)]).catch(() => undefined);
    if (!made) {
      await writeDtsenFiles({ region: REGION, families, seed: 14, format: 'csv', clean: true }, paths);
    }
    return paths;
  };
  /** Both files put under fresh import ids, as `POST /imports` would have named them. */
  const upload = async (paths: { families: string; members: string }) => {
    const ids = { families: `bench-kk-${randomUUID()}`, members: `bench-art-${randomUUID()}` };
    const put = async (kind: ImportKind, importId: string, file: string) =>
      options.s3.send(
        new PutObjectCommand({
          Bucket: BUCKETS.uploads.localName,
          Key: importObjectKey(kind, importId, 'csv'),
          Body: createReadStream(file),
          ContentLength: (await stat(file)).size,
        }),
      );
    await put('DTSEN_KELUARGA', ids.families, paths.families);
    await put('DTSEN_ANGGOTA', ids.members, paths.members);
    return ids;
  };
  const runCase = async (kind: 'import' | 'bare', ids: { families: string; members: string }) => {
    await options.resetTable();
    return runChild<DtsenCase>(
      'dtsen-case.ts',
      [kind, REGION, VERSION, ids.families, ids.members],
      options.childEnv,
    );
  };

  // Warm-up of DynamoDB Local's JVM (the case processes are fresh anyway).
  const warm = await upload(await filesOf(WARM_UP_FAMILIES));
  await runCase('bare', warm);
  await runCase('import', warm);

  const results: DtsenSizeResult[] = [];
  for (const families of sizes) {
    const paths = await filesOf(families);
    const entry: DtsenSizeResult = {
      families,
      members: 0,
      bytes: { families: (await stat(paths.families)).size, members: (await stat(paths.members)).size },
      bare: [],
      imports: [],
      order: [],
    };
    for (let round = 0; round < rounds; round++) {
      // Both cases read the same objects in a round.
      const ids = await upload(paths);
      const order: ('bare' | 'import')[] = round % 2 === 0 ? ['bare', 'import'] : ['import', 'bare'];
      for (const kind of order) {
        const result = await runCase(kind, ids);
        (kind === 'bare' ? entry.bare : entry.imports).push(result);
      }
      const bare = entry.bare.at(-1);
      const imported = entry.imports.at(-1);
      if (!bare || !imported) throw new Error('a round needs both cases');
      if (bare.families !== imported.families || bare.members !== imported.members) {
        throw new Error(
          `rows differ: bare ${bare.families}/${bare.members}, import ${imported.families}/${imported.members}`,
        );
      }
      entry.members = imported.members;
      entry.order.push(order.join(', '));
      console.error(
        `  dtsen ${families} families, round ${round + 1} (${order.join(', ')}): ` +
          `families bare ${fmt(rate(bare.families, bare.familiesMs))} / import ${fmt(rate(imported.families, imported.familiesMs))} rows/s, ` +
          `members bare ${fmt(rate(bare.members, bare.membersMs))} / import ${fmt(rate(imported.members, imported.membersMs))} rows/s, ` +
          `RSS bare ${bare.maxRssMb} / import ${imported.maxRssMb} MB`,
      );
    }
    results.push(entry);
  }
  return { rounds, sizes: results };
}

const rate = (rows: number, ms: number) => rows / (ms / 1000);
const fmt = (value: number) => Math.round(value).toLocaleString('en-US');
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const range = (values: readonly number[]) =>
  `${median(values).toFixed(2)}× (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;

export function formatDtsenBench(result: DtsenBenchResult): string {
  const lines = [
    `DTSEN import (families file, then members file) vs a bare read + parse + BatchWrite of the same objects and items, each case in its own process; medians of ${result.rounds} alternating rounds:`,
    '| families | file | rows | bare rows/s | import rows/s | import / bare (median; range) |',
    '|---:|---|---:|---:|---:|---:|',
  ];
  for (const entry of result.sizes) {
    for (const file of ['families', 'members'] as const) {
      const ms = file === 'families' ? 'familiesMs' : 'membersMs';
      const ratios = entry.imports.map((run, round) => {
        const bare = entry.bare[round];
        return bare ? rate(run[file], run[ms]) / rate(bare[file], bare[ms]) : 0;
      });
      lines.push(
        `| ${fmt(entry.families)} | ${file} (${(entry.bytes[file] / 1e6).toFixed(1)} MB) | ${fmt(file === 'families' ? entry.families : entry.members)} | ` +
          `${fmt(median(entry.bare.map((run) => rate(run[file], run[ms]))))} | ${fmt(median(entry.imports.map((run) => rate(run[file], run[ms]))))} | ${range(ratios)} |`,
      );
    }
    const both = entry.imports.map((run, round) => {
      const bare = entry.bare[round];
      return bare ? (bare.familiesMs + bare.membersMs) / (run.familiesMs + run.membersMs) : 0;
    });
    lines.push(
      `| ${fmt(entry.families)} | both | ${fmt(entry.families + entry.members)} | ` +
        `${fmt(median(entry.bare.map((run) => rate(run.families + run.members, run.familiesMs + run.membersMs))))} | ` +
        `${fmt(median(entry.imports.map((run) => rate(run.families + run.members, run.familiesMs + run.membersMs))))} | ${range(both)} |`,
    );
  }
  lines.push(
    '',
    'Peak RSS of each case process (both files; medians), and the mean stored item (names + values):',
  );
  lines.push(
    '| families | bare peak RSS | import peak RSS | family item, bare / import | member item, bare / import |',
    '|---:|---:|---:|---:|---:|',
  );
  for (const entry of result.sizes) {
    const bytes = (runs: DtsenCase[], key: 'familyItemBytes' | 'memberItemBytes') =>
      median(runs.map((run) => run[key]));
    lines.push(
      `| ${fmt(entry.families)} | ${median(entry.bare.map((run) => run.maxRssMb))} MB | ${median(entry.imports.map((run) => run.maxRssMb))} MB | ` +
        `${bytes(entry.bare, 'familyItemBytes')} / ${bytes(entry.imports, 'familyItemBytes')} B | ${bytes(entry.bare, 'memberItemBytes')} / ${bytes(entry.imports, 'memberItemBytes')} B |`,
    );
  }
  const first = result.sizes[0];
  const last = result.sizes.at(-1);
  if (first && last && first !== last) {
    const rss = (entry: DtsenSizeResult) => median(entry.imports.map((run) => run.maxRssMb));
    lines.push(
      '',
      `Import peak RSS ${fmt(last.families)} / ${fmt(first.families)} families: ${(rss(last) / rss(first)).toFixed(2)}× for ${(last.families / first.families).toFixed(1)}× the rows.`,
    );
  }
  return lines.join('\n');
}
