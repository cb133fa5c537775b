import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriter } from '#shared/adapters/batch-writer.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { recipientItems } from '#shared/adapters/recipients-repo.ts';
import { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { desaList, kecamatanList } from '#shared/domain/wilayah.ts';
import type { KpmFamily } from '#shared/model.ts';
import { seedList, unusedPeriod } from './checks.ts';
import { runChild, seedingTable, submitForBench } from './child.ts';

interface DecreeCase {
  readonly kind: string;
  readonly rows: number;
  readonly ms: number;
  readonly renderMs: number;
  readonly pages: number;
  readonly bytes: number;
  readonly maxRssMb: number;
}

export interface DecreeBenchResult {
  readonly sizes: readonly { readonly rows: number; readonly issue: DecreeCase; readonly bare: DecreeCase }[];
  /** The KPM decree (issue #14): a kabupaten's families of a tahap, against the same bare baseline. */
  readonly kpm?: {
    readonly families: number;
    readonly members: number;
    readonly issue: DecreeCase;
    readonly bare: DecreeCase;
  };
}

const ACTOR = { sub: 'bench', name: 'Benchmark', role: 'approver' } as const;

export async function benchDecree(
  childEnv: NodeJS.ProcessEnv,
  sizes: readonly number[] = (process.env.BENCH_DECREE_SIZES ?? '3000,30000')
    .split(',')
    .filter(Boolean)
    .map(Number),
  kpmFamilies: number = Number(process.env.BENCH_DECREE_KPM ?? 60_000),
): Promise<DecreeBenchResult> {
  const { tableName, client, destroy } = seedingTable(childEnv);
  const proposals = new ProposalsRepository(tableName, client);
  const results: DecreeBenchResult['sizes'][number][] = [];
  let kpm: DecreeBenchResult['kpm'];
  try {
    if (kpmFamilies > 0) {
      const seeded = await seedKpmList(tableName, client, kpmFamilies);
      const bare = await runChild<DecreeCase>('decree-case.ts', ['bare', seeded.listId], childEnv);
      const issue = await runChild<DecreeCase>('decree-case.ts', ['issue', seeded.proposalId], childEnv);
      kpm = { families: kpmFamilies, members: seeded.members, issue, bare };
      console.error(`  KPM decree of ${kpmFamilies} families done`);
    }
    for (const rows of sizes) {
      const period = await unusedPeriod(proposals);
      const { proposal } = await seedList(tableName, client, '62.03', period, rows, 3);
      // A fixture straight to APPROVED: the workflow's own steps are measured elsewhere.
      const { submitted, listId, now } = await submitForBench(proposals, proposal, ACTOR);
      await proposals.apply(
        submitted,
        { action: 'APPROVED', to: 'APPROVED', set: { approvedListId: listId, decidedAt: now } },
        ACTOR,
        now,
      );
      const bare = await runChild<DecreeCase>('decree-case.ts', ['bare', listId], childEnv);
      const issue = await runChild<DecreeCase>('decree-case.ts', ['issue', submitted.proposalId], childEnv);
      results.push({ rows: issue.rows, issue, bare });
      console.error(`  decree of ${rows} recipients done`);
    }
  } finally {
    destroy();
  }
  return { sizes: results, ...(kpm ? { kpm } : {}) };
}

/** Bench tahap: its id is the KPM proposal's period; far enough ahead to be nobody else's. */
const KPM_TAHAP = { year: 2099, number: 1 };
const KPM_REGION = '62.06';
const MEMBER_SHAPES = [2, 3, 3, 4, 4, 4, 5, 6] as const;

/**
 * An approved KPM list of `families` families of Katingan (real kecamatan and desa), 2 to 6 members
 * each (≈ 3.7 on average, as DTSEN families are), as `compose-kpm` writes its rows, and a tahap
 * paying `TUNAI` 250,000 and `PANGAN` 150,000 per family. The proposal is moved straight to APPROVED.
 */
async function seedKpmList(tableName: string, client: DynamoDBDocumentClient, families: number) {
  const tahapId = `${KPM_TAHAP.year}-${KPM_TAHAP.number}`;
  const at = new Date().toISOString();
  const tahap = new TahapRepository(tableName, client);
  if (!(await tahap.get(tahapId))) {
    await tahap.create({
      ...KPM_TAHAP,
      tahapId,
      components: { TUNAI: 250_000, PANGAN: 150_000 },
      desil: { min: 1, max: 5 },
      snapshots: { [KPM_REGION]: '2099-01-01' },
      status: 'PENGAJUAN',
      version: 1,
      createdAt: at,
      createdBy: { sub: ACTOR.sub, name: ACTOR.name },
    });
  }
  const places = kecamatanList(KPM_REGION).flatMap((kecamatan) =>
    desaList(kecamatan.code).map((desa) => ({ kecamatan, desa })),
  );
  const listId = `bench-kpm-${KPM_REGION.replace('.', '')}-${tahapId}-${families}`;
  const writer = new BatchWriter(tableName, { client, concurrency: 8 });
  let members = 0;
  for (let index = 0; index < families; index++) {
    const place = places[index % places.length];
    if (!place) throw new Error(`no desa in ${KPM_REGION}`);
    const serial = String(index + 1).padStart(6, '0');
    const size = MEMBER_SHAPES[index % MEMBER_SHAPES.length] ?? 3;
    members += size;
    const noKk = `620601${String(10_000 + (index % 89_999)).slice(0, 4)}${serial}`;
    const family: KpmFamily = {
      noKk,
      tahapId,
      runId: 'bench',
      desil: 1 + (index % 5),
      members: Array.from({ length: size }, (_, member) => ({
        nik: `6206015${String(member).padStart(2, '0')}${String(index + 1).padStart(7, '0')}`,
        hubungan: member === 0 ? 'KEPALA_KELUARGA' : member === 1 ? 'ISTRI' : 'ANAK',
        tanggalLahir: '1985-08-15',
      })),
      hubunganPenerima: 'KEPALA_KELUARGA',
      verval: { result: 'LAYAK', tanggal: '2099-02-01', nomorBeritaAcara: `BA/${serial}` },
    };
    const recipient = {
      nik: family.members[0]?.nik ?? '',
      nama: `Penerima Keluarga ${serial}`,
      peran: 'KPM' as const,
      kecamatanCode: place.kecamatan.code,
      kecamatan: place.kecamatan.name,
      desaCode: place.desa.code,
      desa: place.desa.name,
      noRekening: '',
      family,
      warnings: [],
    };
    for (const item of recipientItems(listId, index + 1, recipient)) await writer.put(item);
  }
  await writer.flush();

  const proposals = new ProposalsRepository(tableName, client);
  const now = new Date();
  const { proposalId, items } = proposals.switchListItems(undefined, {
    kind: 'KPM',
    region: KPM_REGION,
    period: tahapId,
    listId,
    uploadId: listId,
    uploadAt: now.toISOString(),
    sha256: listId,
    etag: listId,
    recipientCount: families,
    countsByRole: { KPM: families },
    warningCount: 0,
    now,
    actor: ACTOR,
    withoutUploadRequest: true,
  });
  await proposals.transact(items);
  const proposal = await proposals.get(proposalId);
  if (!proposal) throw new Error(`seeded KPM proposal ${proposalId} not found`);
  const { submitted, now: submittedAt } = await submitForBench(proposals, proposal, ACTOR);
  await proposals.apply(
    submitted,
    { action: 'APPROVED', to: 'APPROVED', set: { approvedListId: listId, decidedAt: submittedAt } },
    ACTOR,
    submittedAt,
  );
  return { proposalId, listId, members };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The figures as Markdown, for the README. */
export function formatDecreeBench(result: DecreeBenchResult): string {
  const lines = [
    'Decree (SK Gubernur), each case in its own process:',
    '| recipients | case | total | rendering | pages | pages/s | PDF | peak RSS |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { rows, issue, bare } of result.sizes) {
    for (const [name, run] of [
      ['decree: read, lampiran, render, store, record', issue],
      ['bare table: read, render', bare],
    ] as const) {
      lines.push(
        `| ${rows.toLocaleString('en-US')} | ${name} | ${s(run.ms)} | ${s(run.renderMs)} | ${run.pages} | ` +
          `${Math.round(run.pages / (run.renderMs / 1000))} | ${(run.bytes / 1_048_576).toFixed(1)} MB | ${run.maxRssMb} MB |`,
      );
    }
  }
  const { kpm } = result;
  if (kpm) {
    for (const [name, run] of [
      ['KPM decree: read, lampiran, render, store, record', kpm.issue],
      ['bare table: read, render', kpm.bare],
    ] as const) {
      lines.push(
        `| ${kpm.families.toLocaleString('en-US')} families | ${name} | ${s(run.ms)} | ${s(run.renderMs)} | ${run.pages} | ` +
          `${Math.round(run.pages / (run.renderMs / 1000))} | ${(run.bytes / 1_048_576).toFixed(1)} MB | ${run.maxRssMb} MB |`,
      );
    }
  }
  const last = result.sizes.at(-1);
  const first = result.sizes[0];
  if (last) {
    lines.push(
      '',
      `At ${last.rows.toLocaleString('en-US')} recipients: decree rendering / bare rendering ${(last.issue.renderMs / last.bare.renderMs).toFixed(2)}× the time; ` +
        `whole decree ${s(last.issue.ms)} (target < 15 s), peak RSS ${last.issue.maxRssMb} MB (target < 512 MB), ` +
        `${(last.issue.maxRssMb / last.bare.maxRssMb).toFixed(2)}× the bare case's.`,
    );
  }
  if (first && last && first !== last) {
    lines.push(
      `Peak RSS ${first.rows.toLocaleString('en-US')} → ${last.rows.toLocaleString('en-US')} recipients: ` +
        `${first.issue.maxRssMb} → ${last.issue.maxRssMb} MB (PDF ${(first.issue.bytes / 1_048_576).toFixed(1)} → ${(last.issue.bytes / 1_048_576).toFixed(1)} MB).`,
    );
  }
  if (kpm) {
    lines.push(
      `KPM decree of ${kpm.families.toLocaleString('en-US')} families (${kpm.members.toLocaleString('en-US')} members): ` +
        `whole decree ${s(kpm.issue.ms)} (target < 30 s), peak RSS ${kpm.issue.maxRssMb} MB (target < 1024 MB); ` +
        `rendering ${(kpm.issue.renderMs / kpm.bare.renderMs).toFixed(2)}× the bare table's time, ` +
        `peak RSS ${(kpm.issue.maxRssMb / kpm.bare.maxRssMb).toFixed(2)}× the bare case's.`,
    );
  }
  return lines.join('\n');
}
