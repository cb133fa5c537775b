import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FamilyGroup } from '../domain/family/snapshot-check.ts';
import { type StoredFamily, StoredFamilySchema, type StoredMember, StoredMemberSchema } from '../model.ts';
import { BatchWriter } from './batch-writer.ts';
import { documentClient } from './clients/dynamodb.ts';
import { FAMILY_SHARDS, familyKey, familyPartition, memberKey, parseFamilySortKey } from './keys.ts';

/**
 * The families and members of DTSEN snapshots (issue #14), stored together by No KK (`keys.ts`):
 * written by the imports of the two files, in any order, and read back family by family.
 */
export class FamiliesRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /** A writer of one snapshot's items (BatchWriteItem, in calls of 25, 8 in flight). */
  writer(snapshotId: string): FamilyWriter {
    return new FamilyWriter(snapshotId, new BatchWriter(this.tableName, { client: this.client }));
  }

  /**
   * Who is in which family: the No KK and NIK named by the sort key of every item of a snapshot
   * (`KK#<noKk>`, `KK#<noKk>#M#<nik>`), read with the sort key alone, at a fraction of the transfer
   * of the items.
   */
  async *keys(snapshotId: string): AsyncGenerator<{ readonly noKk: string; readonly nik?: string }> {
    for await (const item of this.items(snapshotId, { projection: 'sk', consistent: false })) {
      const key = parseFamilySortKey(String(item.sk));
      if (key) yield key;
    }
  }

  /**
   * Every family of a snapshot with its members, shard by shard, each group complete before it is
   * yielded; a group without a family is members whose family never came. Memory: one Query page
   * and one group, whatever the snapshot's size. Strongly consistent (a cross-check right after the
   * import sees every write).
   */
  async *groups(snapshotId: string): AsyncGenerator<FamilyGroup> {
    let current: { noKk: string; family: StoredFamily | undefined; members: StoredMember[] } | undefined;
    // A shard holds whole families, so a group ends where the next No KK starts, in a shard or the next.
    for await (const item of this.items(snapshotId, { consistent: true })) {
      const key = parseFamilySortKey(String(item.sk));
      if (!key) continue;
      if (current && current.noKk !== key.noKk) {
        yield current;
        current = undefined;
      }
      current ??= { noKk: key.noKk, family: undefined, members: [] };
      if (key.nik === undefined) current.family = StoredFamilySchema.parse(item);
      else current.members.push(StoredMemberSchema.parse(item));
    }
    if (current) yield current;
  }

  /** Every item of a snapshot, shard by shard, in sort key order within a shard, a Query page at a time. */
  private async *items(
    snapshotId: string,
    options: { readonly projection?: string; readonly consistent: boolean },
  ): AsyncGenerator<Record<string, unknown>> {
    for (let shard = 0; shard < FAMILY_SHARDS; shard++) {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kk)',
            ExpressionAttributeValues: { ':pk': familyPartition(snapshotId, shard), ':kk': 'KK#' },
            ...(options.projection ? { ProjectionExpression: options.projection } : {}),
            ConsistentRead: options.consistent,
            ExclusiveStartKey: start,
          }),
        );
        yield* out.Items ?? [];
        start = out.LastEvaluatedKey;
      } while (start);
    }
  }
}

/**
 * Puts one snapshot's families and members; `flush` before the import says it is done. A member is
 * keyed by No KK and NIK, so the same NIK twice in one KK would overwrite itself: the members
 * import must refuse the second row before it gets here.
 */
export class FamilyWriter {
  constructor(
    private readonly snapshotId: string,
    private readonly batch: BatchWriter,
  ) {}

  putFamily(family: StoredFamily): Promise<void> {
    return this.batch.put({ ...familyKey(this.snapshotId, family.noKk), ...family });
  }

  putMember(member: StoredMember): Promise<void> {
    return this.batch.put({ ...memberKey(this.snapshotId, member.noKk, member.nik), ...member });
  }

  flush(): Promise<void> {
    return this.batch.flush();
  }
}
