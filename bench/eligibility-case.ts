/**
 * One eligibility benchmark case (issue #14), in its own process so that its peak RSS is its own.
 * Prints one JSON line `{ kind, ms, families, members, maxRssMb, ... }`. Started by
 * `bench/eligibility.ts` with the emulators' environment.
 *
 *   tsx bench/eligibility-case.ts eligibility <region:kk:art,…>  the run: keys pass, then families judged
 *   tsx bench/eligibility-case.ts baseline <region:kk:art,…>     read every item of the same snapshots from
 *                                                             the same emulator, the same way (strongly
 *                                                             consistent Queries by shard), nothing else
 *   tsx bench/eligibility-case.ts job <region:kk:art,…> <seq>    the real job (`runEligibilityJob`) of a tahap
 *                                                             over the same snapshots (tahap record and
 *                                                             its QUEUED run made before the clock): the
 *                                                             run, a verdict item per family, the tallies
 *   tsx bench/eligibility-case.ts read-write <region:kk:art,…> <seq>  the baseline's read, plus one
 *                                                             verdict-sized item per family read, sent
 *                                                             bare (raw BatchWriteItem, 25 per call, 8 in
 *                                                             flight, as the job's BatchWriter)
 */
import { performance } from 'node:perf_hooks';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { FamiliesRepository } from '#shared/adapters/families-repo.ts';
import { eligibilityKey, FAMILY_SHARDS, familyPartition } from '#shared/adapters/keys.ts';
import { env } from '#shared/config/env.ts';
import { runEligibility } from '#shared/domain/family/eligibility-run.ts';
import { reportCase } from './child.ts';
import { EXCLUSION_LISTS, exclusionEntries } from './eligibility-data.ts';

const [kind = '', arg = '', seqArg = '1'] = process.argv.slice(2);
/** Sets this run's tahap apart from the other runs' (the table keeps the snapshots between runs). */
const seq = Number(seqArg);
const VERSION = '2026-09-30';
/** BatchWriter's default calls in flight, matched by the bare writer. */
const CONCURRENCY = 8;
/** `<region>:<families import>:<members import>`, comma-separated. */
const snapshots = arg
  .split(',')
  .filter(Boolean)
  .map((entry) => {
    const [region = '', families = '', members = ''] = entry.split(':');
    return { region, families, members };
  });

async function run(): Promise<Record<string, unknown>> {
  const { tableName } = env();
  const started = performance.now();
  if (kind === 'eligibility') {
    const repo = new FamiliesRepository(tableName);
    let eligible = 0;
    const outcome = await runEligibility({
      desil: { min: 1, max: 5 },
      snapshots: snapshots.map((snapshot) => ({
        region: snapshot.region,
        keys: () => repo.keys(snapshot),
        groups: () => repo.groups(snapshot),
      })),
      lists: EXCLUSION_LISTS,
      exclusions: exclusionEntries(),
      record: async (result) => {
        if (result.verdict.status === 'ELIGIBLE') eligible++;
      },
    });
    const byReason: Record<string, number> = {};
    for (const snapshot of snapshots) {
      for (const [reason, count] of Object.entries(outcome.tally.of(snapshot.region).byReason)) {
        byReason[reason] = (byReason[reason] ?? 0) + count;
      }
    }
    return {
      ms: performance.now() - started,
      families: outcome.families,
      eligible,
      byReason,
      indexMb: Math.round(outcome.indexBytes / 1024 / 1024),
    };
  }
  if (kind === 'baseline') {
    const { families, members } = await bareRead(tableName);
    return { ms: performance.now() - started, families, members };
  }
  if (kind === 'read-write') {
    const { Agent } = await import('node:http');
    const { BatchWriteItemCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const raw = new DynamoDBClient({
      requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: CONCURRENCY }) },
    });
    // The job's ids' lengths: `<year>-1` and `bench-run-<seq>`.
    const tahapId = `${2026 + seq}-1`;
    const runId = `bench-bar-${seq}`;
    type Put = { PutRequest: { Item: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> } };
    const inFlight = new Set<Promise<void>>();
    let batch: Put[] = [];
    const send = async (requests: Put[]) => {
      let remaining = requests;
      while (remaining.length > 0) {
        const out = await raw.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: remaining } }));
        remaining = (out.UnprocessedItems?.[tableName] ?? []) as Put[];
      }
    };
    const clock = performance.now();
    let written = 0;
    const { families, members } = await bareRead(tableName, async (item, region) => {
      // A verdict's attributes (`EligibilityVerdictItem` under its key): the family's codes and
      // desil, a member count, and the status with the most common reason of an excluded family.
      const desil = Number(item.desil);
      const key = eligibilityKey(tahapId, runId, String(item.desaCode), String(item.noKk));
      batch.push({
        PutRequest: {
          Item: {
            pk: { S: key.pk },
            sk: { S: key.sk },
            tahapId: { S: tahapId },
            runId: { S: runId },
            noKk: { S: String(item.noKk) },
            region: { S: region },
            kecamatanCode: { S: String(item.kecamatanCode) },
            desaCode: { S: String(item.desaCode) },
            desil: { N: String(desil) },
            memberCount: { N: '4' },
            status: { S: desil > 5 ? 'EXCLUDED' : 'ELIGIBLE' },
            reasons: {
              L:
                desil > 5
                  ? [{ M: { reason: { S: 'DESIL_DI_LUAR_RENTANG' }, desil: { N: String(desil) } } }]
                  : [],
            },
          },
        },
      });
      written++;
      if (batch.length === 25) {
        const call: Promise<void> = send(batch).finally(() => inFlight.delete(call));
        inFlight.add(call);
        batch = [];
        while (inFlight.size >= CONCURRENCY) await Promise.race(inFlight);
      }
    });
    if (batch.length > 0) await send(batch);
    await Promise.all(inFlight);
    raw.destroy();
    return { ms: performance.now() - clock, families, members, written };
  }
  if (kind === 'job') {
    const { TahapRepository } = await import('#shared/adapters/tahap-repo.ts');
    const { EligibilityRepository } = await import('#shared/adapters/eligibility-repo.ts');
    const { runEligibilityJob } = await import('#functions/families/run-eligibility.ts');
    const tahaps = new TahapRepository(tableName);
    const year = 2026 + seq;
    const tahapId = `${year}-1`;
    const runId = `bench-run-${seq}`;
    // The tahap and its QUEUED run, as POST /tahap and POST /tahap/{id}/eligibility leave them.
    const createdAt = new Date().toISOString();
    await tahaps.create({
      tahapId,
      year,
      number: 1,
      components: { TUNAI: 250_000, PANGAN: 150_000 },
      desil: { min: 1, max: 5 },
      snapshots: Object.fromEntries(snapshots.map((snapshot) => [snapshot.region, VERSION])),
      status: 'DRAFT',
      version: 1,
      createdAt,
      createdBy: { sub: 'bench', name: 'Bench' },
    });
    await tahaps.transact(tahaps.requestEligibility(tahapId, runId, createdAt, 1));
    const clock = performance.now();
    const outcome = await runEligibilityJob(
      { tahapId, runId },
      {
        tahap: tahaps,
        results: new EligibilityRepository(tableName),
        families: new FamiliesRepository(tableName),
        snapshots: {
          async ready(region, versionDate) {
            const snapshot = snapshots.find((entry) => entry.region === region);
            return snapshot && versionDate === VERSION ? { data: snapshot } : undefined;
          },
        },
        exclusions: {
          lists: async () =>
            EXCLUSION_LISTS.map((list) => ({ ...list, uploadedAt: '2026-10-01T00:00:00.000Z' })),
          async *entries(listId) {
            const list = EXCLUSION_LISTS.findIndex((entry) => entry.listId === listId);
            for await (const entry of exclusionEntries()) {
              if (entry.list === list) yield { nik: entry.nik, noKk: entry.noKk };
            }
          },
        },
      },
    );
    if (outcome.outcome !== 'COMPLETED') throw new Error(`job: ${JSON.stringify(outcome)}`);
    return {
      ms: performance.now() - clock,
      families: outcome.families,
      eligible: outcome.eligible,
      excluded: outcome.excluded,
    };
  }
  throw new Error(
    'usage: eligibility-case.ts eligibility|baseline|job|read-write <region:familiesImport:membersImport,…> [seq]',
  );
}

/**
 * Every item of the snapshots, read the way the run reads them (strongly consistent Queries by
 * shard), families counted apart from members; `onFamily` sees each family item as it comes.
 */
async function bareRead(
  tableName: string,
  onFamily?: (item: Record<string, unknown>, region: string) => Promise<void>,
): Promise<{ families: number; members: number }> {
  let families = 0;
  let members = 0;
  for (const snapshot of snapshots) {
    for (const importId of [snapshot.families, snapshot.members]) {
      for (let shard = 0; shard < FAMILY_SHARDS; shard++) {
        let start: Record<string, unknown> | undefined;
        do {
          const out = await documentClient.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kk)',
              ExpressionAttributeValues: { ':pk': familyPartition(importId, shard), ':kk': 'KK#' },
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          for (const item of out.Items ?? []) {
            if (String(item.sk).length === 19) {
              families++;
              if (onFamily) await onFamily(item, snapshot.region);
            } else members++;
          }
          start = out.LastEvaluatedKey;
        } while (start);
      }
    }
  }
  return { families, members };
}

reportCase(kind, run);
