import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ExclusionListRecord, ExclusionListRecordSchema } from '../model.ts';
import { BatchWriter } from './batch-writer.ts';
import { documentClient } from './clients/dynamodb.ts';
import {
  EXCLUSION_LISTS_INDEX_KEY,
  EXCLUSION_SHARDS,
  exclusionEntryKey,
  exclusionListKey,
  exclusionPartition,
} from './keys.ts';
import { deletePartitions, queryItems, shardsOf } from './partitions.ts';
import type { TransactItem } from './transactions.ts';

/** One entry as stored: the numbers only (the name on the list is not needed to match). */
export interface StoredExclusionEntry {
  readonly nik?: string;
  readonly noKk?: string;
}

/**
 * Exclusion lists (PKH, BPNT, BLT-DD and other programmes): a list's entries are written by its
 * import under the import's id and become a list only when the import's closing transaction puts
 * the list record. Every list stays; which are in force is the eligibility run's choice
 * (`listsInForce`: the newest of each programme, source and region).
 */
export class ExclusionsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /** A writer of one list's entries. */
  entryWriter(listId: string): { put(entry: StoredExclusionEntry): Promise<void>; flush(): Promise<void> } {
    const batch = new BatchWriter(this.tableName, { client: this.client });
    return {
      put: (entry) => batch.put({ ...exclusionEntryKey(listId, entry), ...entry }),
      flush: () => batch.flush(),
    };
  }

  /** Removes the entries a refused list's import wrote (no list record points to them). */
  deleteEntries(listId: string): Promise<number> {
    return deletePartitions(
      this.tableName,
      this.client,
      shardsOf(EXCLUSION_SHARDS, (shard) => exclusionPartition(listId, shard)),
    );
  }

  /** The list record, as one action of the import's closing transaction. */
  listItem(record: ExclusionListRecord): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...exclusionListKey(record.listId),
          gsi1pk: EXCLUSION_LISTS_INDEX_KEY,
          gsi1sk: `${record.programme}#${record.asOf}#${record.listId}`,
          ...record,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** Every list (a few hundred at most: one per programme, source and date), by programme and date. */
  async lists(): Promise<ExclusionListRecord[]> {
    const lists: ExclusionListRecord[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': EXCLUSION_LISTS_INDEX_KEY },
    })) {
      lists.push(ExclusionListRecordSchema.parse(item));
    }
    return lists;
  }

  /** The entries of one list, shard by shard. */
  async *entries(listId: string): AsyncGenerator<StoredExclusionEntry> {
    for (let shard = 0; shard < EXCLUSION_SHARDS; shard++) {
      for await (const item of queryItems(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': exclusionPartition(listId, shard) },
        ProjectionExpression: 'nik, noKk',
      })) {
        const nik = typeof item.nik === 'string' ? item.nik : undefined;
        const noKk = typeof item.noKk === 'string' ? item.noKk : undefined;
        yield { ...(nik ? { nik } : {}), ...(noKk ? { noKk } : {}) };
      }
    }
  }
}
