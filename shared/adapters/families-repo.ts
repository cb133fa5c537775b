import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FamilyGroup } from '../domain/family/snapshot-check.ts';
import { type StoredFamily, StoredFamilySchema, type StoredMember, StoredMemberSchema } from '../model.ts';
import { BatchWriter } from './batch-writer.ts';
import { documentClient } from './clients/dynamodb.ts';
import {
  FAMILY_SHARDS,
  familyKey,
  familyLookup,
  familyPartition,
  familyShard,
  memberKey,
  memberLookup,
  parseFamilySortKey,
} from './keys.ts';
import { deletePartitions, shardsOf } from './partitions.ts';

/**
 * Where a DTSEN snapshot's rows are: each of its two files' import writes under its own id, so a
 * file imported again (a fixed members file) replaces only its own half, and the snapshot record
 * names the pair that was cross-checked.
 */
export interface SnapshotData {
  /** The import id of the families file. */
  readonly families: string;
  /** The import id of the members file. */
  readonly members: string;
}

type Item = Record<string, unknown>;

/**
 * The families and members of DTSEN snapshots (issue #14), stored by No KK (`keys.ts`) under the
 * import that wrote them, and read back family by family: a shard of the families import merged
 * with the same shard of the members import, both in No KK order.
 */
export class FamiliesRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /** A writer of one import's items (BatchWriteItem, in calls of 25, 8 in flight). */
  writer(importId: string): FamilyWriter {
    return new FamilyWriter(importId, new BatchWriter(this.tableName, { client: this.client }));
  }

  /**
   * Who is in which family: the No KK and NIK named by the sort key of every item of a snapshot
   * (`KK#<noKk>`, `KK#<noKk>#M#<nik>`), read with the sort key alone, at a fraction of the transfer
   * of the items.
   */
  async *keys(data: SnapshotData): AsyncGenerator<{ readonly noKk: string; readonly nik?: string }> {
    for (const importId of [data.families, data.members]) {
      for (let shard = 0; shard < FAMILY_SHARDS; shard++) {
        for await (const item of this.partition(familyPartition(importId, shard), 'sk', false)) {
          const key = parseFamilySortKey(String(item.sk));
          if (key) yield key;
        }
      }
    }
  }

  /**
   * Every family of a snapshot with its members, shard by shard, each group complete before it is
   * yielded; a group without a family is members whose family never came, one without members a
   * family whose members never came. Memory: a Query page of each file and one group, whatever the
   * snapshot's size. Strongly consistent (a cross-check right after the import sees every write).
   */
  async *groups(data: SnapshotData): AsyncGenerator<FamilyGroup> {
    for (let shard = 0; shard < FAMILY_SHARDS; shard++) {
      const families = new Cursor(this.partition(familyPartition(data.families, shard), undefined, true));
      const members = new Cursor(this.partition(familyPartition(data.members, shard), undefined, true));
      await Promise.all([families.advance(), members.advance()]);
      for (;;) {
        const noKk = lowest(families.key?.noKk, members.key?.noKk);
        if (noKk === undefined) break;
        let family: StoredFamily | undefined;
        // A family item in the members' half (or the reverse) is not this import's: skipped.
        while (families.key?.noKk === noKk) {
          if (families.key.nik === undefined) family = StoredFamilySchema.parse(families.item);
          await families.advance();
        }
        const people: StoredMember[] = [];
        while (members.key?.noKk === noKk) {
          if (members.key.nik !== undefined) people.push(StoredMemberSchema.parse(members.item));
          await members.advance();
        }
        yield { noKk, family, members: people };
      }
    }
  }

  /**
   * Removes the rows an import wrote (a refused file, or a half its snapshot replaced): nothing
   * points to them any more. Housekeeping: a failure leaves invisible rows, never wrong data.
   */
  deleteImport(importId: string): Promise<number> {
    return deletePartitions(
      this.tableName,
      this.client,
      shardsOf(FAMILY_SHARDS, (shard) => familyPartition(importId, shard)),
    );
  }

  /**
   * Writes the lookup attributes (`keys.ts` familyLookup, memberLookup) onto every item of one import
   * that lacks them: the items of imports made before the family search existed. The items are put
   * again whole (an import's rows never change after it); returns how many were rewritten.
   */
  async addLookup(importId: string): Promise<number> {
    const batch = new BatchWriter(this.tableName, { client: this.client });
    let rewritten = 0;
    for (let shard = 0; shard < FAMILY_SHARDS; shard++) {
      for await (const item of this.partition(familyPartition(importId, shard), undefined, true)) {
        if (item.gsi1pk !== undefined) continue;
        const key = parseFamilySortKey(String(item.sk));
        if (!key) continue;
        const lookup =
          key.nik === undefined
            ? familyLookup(importId, StoredFamilySchema.parse(item))
            : memberLookup(importId, { noKk: key.noKk, nik: key.nik });
        await batch.put({ ...item, ...lookup });
        rewritten++;
      }
    }
    await batch.flush();
    return rewritten;
  }

  /** One family of a snapshot with its members (two Queries), or undefined when the families file lacks it. */
  async family(data: SnapshotData, noKk: string): Promise<FamilyGroup | undefined> {
    const shard = familyShard(noKk);
    const read = async (importId: string, prefix: string) => {
      const items: Item[] = [];
      for await (const item of this.partition(familyPartition(importId, shard), undefined, true, prefix)) {
        items.push(item);
      }
      return items;
    };
    const [families, members] = await Promise.all([
      read(data.families, `KK#${noKk}`),
      read(data.members, `KK#${noKk}#M#`),
    ]);
    const family = families.find((item) => item.sk === `KK#${noKk}`);
    if (!family) return undefined;
    return {
      noKk,
      family: StoredFamilySchema.parse(family),
      members: members.map((item) => StoredMemberSchema.parse(item)),
    };
  }

  /**
   * Every item of one partition whose sort key starts with `prefix` (every family item: `KK#`), in
   * sort key order, a Query page at a time, the next page asked for while this one is consumed.
   */
  private async *partition(
    pk: string,
    projection: string | undefined,
    consistent: boolean,
    prefix = 'KK#',
  ): AsyncGenerator<Item> {
    const page = (start: Item | undefined) =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kk)',
          ExpressionAttributeValues: { ':pk': pk, ':kk': prefix },
          ...(projection ? { ProjectionExpression: projection } : {}),
          ConsistentRead: consistent,
          ExclusiveStartKey: start,
        }),
      );
    let next = page(undefined);
    for (;;) {
      const out = await next;
      const start = out.LastEvaluatedKey;
      if (start) {
        next = page(start);
        // Awaited on the next turn; a consumer that stops early must not leave it unhandled.
        next.catch(() => undefined);
      }
      yield* out.Items ?? [];
      if (!start) return;
    }
  }
}

/** One partition's items, one at a time, with the family key of the current one. */
class Cursor {
  item: Item | undefined;
  key: { readonly noKk: string; readonly nik?: string } | undefined;
  constructor(private readonly items: AsyncGenerator<Item>) {}

  /** Moves to the next item with a family sort key (others are skipped); `key` undefined at the end. */
  async advance(): Promise<void> {
    for (;;) {
      const next = await this.items.next();
      if (next.done) {
        this.item = undefined;
        this.key = undefined;
        return;
      }
      const key = parseFamilySortKey(String(next.value.sk));
      if (key) {
        this.item = next.value;
        this.key = key;
        return;
      }
    }
  }
}

/** The lower of two No KKs (16 digits each, so string order is number order). */
const lowest = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b : b === undefined ? a : a <= b ? a : b;

/**
 * Puts one import's families or members; `flush` before the import says it is done. A member is
 * keyed by No KK and NIK, so the same NIK twice in one KK would overwrite itself: the members
 * import must refuse the second row before it gets here.
 */
export class FamilyWriter {
  constructor(
    private readonly importId: string,
    private readonly batch: BatchWriter,
  ) {}

  putFamily(family: StoredFamily): Promise<void> {
    return this.batch.put({
      ...familyKey(this.importId, family.noKk),
      ...familyLookup(this.importId, family),
      ...family,
    });
  }

  putMember(member: StoredMember): Promise<void> {
    return this.batch.put({
      ...memberKey(this.importId, member.noKk, member.nik),
      ...memberLookup(this.importId, member),
      ...member,
    });
  }

  flush(): Promise<void> {
    return this.batch.flush();
  }
}
