import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { AccountHit, NikHit } from '../domain/checks.ts';
import { lazySchema } from '../lazy-schema.ts';
import type { BatchWriter } from './batch-writer.ts';
import { documentClient } from './clients/dynamodb.ts';
import { parseRecipientId } from './keys.ts';

/**
 * The cross-region registry of the automatic checks: which current lists of a period hold a NIK, and
 * which NIKs use an account. Each checks run writes its own list's entries before it looks up
 * anyone else's, so of two regions checked at the same time at least the later one sees the other
 * (and then asks the first to re-check).
 *
 * | item          | pk                         | sk              | attributes                              |
 * |---------------|----------------------------|-----------------|-----------------------------------------|
 * | NIK entry     | REG#<period>#N#<nik>       | <region>        | proposalId, listId, recipientId, peran  |
 * | account entry | REG#<period>#A#<account>   | <nik>#<region>  | region, proposalId, listId, recipientId |
 *
 * One entry per region and NIK (a list holds a NIK once), so a region's next list overwrites its
 * entry; entries of a list that is no longer current are never deleted but are ignored by the
 * reader (`isLive` in `shared/domain/checks.ts`), which keeps a list switch free of cleanup work.
 * The account entry's sort key names the region too: with the NIK alone, the same person in two
 * regions' lists would share one entry, and the region that wrote last would hide the other.
 *
 * Known trade-off: the keys hold the NIK and the account number in plain text, as the recipient
 * items themselves do (same table, same encryption and access), because DynamoDB can only look up
 * what is in a key. A keyed hash (HMAC with a secret) would hide them from anyone reading the table
 * without the key, at the cost of a secret to manage and rotate.
 */

/** Key of a NIK entry. */
export const registryNikKey = (period: string, nik: string, region: string) => ({
  pk: registryNikPartition(period, nik),
  sk: region,
});
export const registryNikPartition = (period: string, nik: string) => `REG#${period}#N#${nik}`;

/** Key of an account entry. */
export const registryAccountKey = (period: string, account: string, nik: string, region: string) => ({
  pk: registryAccountPartition(period, account),
  sk: `${nik}#${region}`,
});
export const registryAccountPartition = (period: string, account: string) => `REG#${period}#A#${account}`;

/** What one recipient of one list puts in the registry. */
export interface RegistryEntry {
  readonly period: string;
  readonly region: string;
  readonly proposalId: string;
  readonly listId: string;
  readonly recipientId: string;
  readonly nik: string;
  readonly peran: string;
  readonly noRekening: string;
}

const NikEntrySchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    sk: z.string(),
    proposalId: z.string(),
    listId: z.string(),
    recipientId: z.string(),
    peran: z.string(),
  }),
);

const AccountEntrySchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    sk: z.string().regex(/^\d+#\d{2}\.\d{2}$/),
    region: z.string(),
    proposalId: z.string(),
    listId: z.string(),
    recipientId: z.string(),
  }),
);

export class RegistryRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /** The two items an entry consists of (a Put of each replaces the region's previous entry). */
  items(entry: RegistryEntry): [Record<string, unknown>, Record<string, unknown>] {
    return [
      {
        ...registryNikKey(entry.period, entry.nik, entry.region),
        proposalId: entry.proposalId,
        listId: entry.listId,
        recipientId: entry.recipientId,
        peran: entry.peran,
      },
      {
        ...registryAccountKey(entry.period, entry.noRekening, entry.nik, entry.region),
        region: entry.region,
        proposalId: entry.proposalId,
        listId: entry.listId,
        recipientId: entry.recipientId,
      },
    ];
  }

  /** Writes an entry through `writer` (batched; the caller flushes). */
  async put(entry: RegistryEntry, writer: BatchWriter): Promise<void> {
    const [nikItem, accountItem] = this.items(entry);
    await writer.put(nikItem);
    await writer.put(accountItem);
  }

  /**
   * Every list of the period that holds this NIK, as written (live or not: the caller decides).
   * Strongly consistent, so an entry written by a run that finished before this call is seen.
   */
  async nikHits(period: string, nik: string): Promise<NikHit[]> {
    const items = await this.queryAll(registryNikPartition(period, nik));
    return items.map((item) => {
      const entry = NikEntrySchema.parse(item);
      return {
        region: entry.sk,
        proposalId: entry.proposalId,
        listId: entry.listId,
        recipientId: entry.recipientId,
        peran: entry.peran,
      };
    });
  }

  /** Every NIK of the period's lists that uses this account, as written. Strongly consistent. */
  async accountHits(period: string, account: string): Promise<AccountHit[]> {
    const items = await this.queryAll(registryAccountPartition(period, account));
    return items.map((item) => {
      const entry = AccountEntrySchema.parse(item);
      const row = parseRecipientId(entry.recipientId)?.row;
      return {
        region: entry.region,
        proposalId: entry.proposalId,
        listId: entry.listId,
        recipientId: entry.recipientId,
        nik: entry.sk.slice(0, entry.sk.indexOf('#')),
        ...(row !== undefined ? { row } : {}),
      };
    });
  }

  /** A partition is one entry per region in practice; paging is there for the pathological case. */
  private async queryAll(pk: string): Promise<Record<string, unknown>[]> {
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    };
    const items: Record<string, unknown>[] = [];
    do {
      const out = await this.client.send(new QueryCommand(input));
      items.push(...(out.Items ?? []));
      input.ExclusiveStartKey = out.LastEvaluatedKey;
    } while (input.ExclusiveStartKey);
    return items;
  }
}
