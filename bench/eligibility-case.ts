/**
 * One eligibility benchmark case (issue #14), in its own process so that its peak RSS is its own.
 * Prints one JSON line `{ kind, ms, families, members, maxRssMb, ... }`. Started by
 * `bench/eligibility.ts` with the emulators' environment.
 *
 *   tsx bench/eligibility-case.ts eligibility <region:kk:art,…>  the run: keys pass, then families judged
 *   tsx bench/eligibility-case.ts baseline <region:kk:art,…>     read every item of the same snapshots from
 *                                                             the same emulator, the same way (strongly
 *                                                             consistent Queries by shard), nothing else
 */
import { performance } from 'node:perf_hooks';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { FamiliesRepository } from '#shared/adapters/families-repo.ts';
import { FAMILY_SHARDS, familyPartition } from '#shared/adapters/keys.ts';
import { env } from '#shared/config/env.ts';
import { runEligibility } from '#shared/domain/family/eligibility-run.ts';
import { reportCase } from './child.ts';
import { EXCLUSION_LISTS, exclusionEntries } from './eligibility-data.ts';

const [kind = '', arg = ''] = process.argv.slice(2);
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
    let families = 0;
    let members = 0;
    const importIds = snapshots.flatMap((snapshot) => [snapshot.families, snapshot.members]);
    for (const importId of importIds) {
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
            if (String(item.sk).length === 19) families++;
            else members++;
          }
          start = out.LastEvaluatedKey;
        } while (start);
      }
    }
    return { ms: performance.now() - started, families, members };
  }
  throw new Error('usage: eligibility-case.ts eligibility|baseline <region:familiesImport:membersImport,…>');
}

reportCase(kind, run);
