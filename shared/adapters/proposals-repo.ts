import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type ProposalStatus, proposalIdFor } from '../domain/proposal.ts';
import { type ProposalRecord, ProposalRecordSchema } from '../model.ts';
import { documentClient } from './clients.ts';
import { currentProposalKey, proposalKey, proposalsByRegion } from './keys.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What an import hands over when its list becomes the proposal's current list. */
export interface ListSwitch {
  readonly region: string;
  readonly period: string;
  readonly listId: string;
  readonly uploadId: string;
  readonly uploadAt: string;
  readonly sha256: string;
  readonly etag: string;
  readonly recipientCount: number;
  readonly countsByRole: Record<string, number>;
  readonly warningCount: number;
  readonly now: Date;
}

export interface ProposalFilter {
  readonly regions: readonly string[];
  readonly period?: string;
  readonly status?: ProposalStatus;
}

/** Proposals and the per-region-and-period pointer to the current one. */
export class ProposalsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  async get(proposalId: string): Promise<ProposalRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: proposalKey(proposalId), ConsistentRead: true }),
    );
    return out.Item ? ProposalRecordSchema.parse(out.Item) : undefined;
  }

  /** The proposal a new upload for this region and period would go into, if there is one. */
  async getCurrent(region: string, period: string): Promise<ProposalRecord | undefined> {
    const pointer = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: currentProposalKey(region, period),
        ConsistentRead: true,
      }),
    );
    const proposalId = pointer.Item?.proposalId;
    return typeof proposalId === 'string' ? this.get(proposalId) : undefined;
  }

  /** Proposals of the given regions, newest period first, each region read through the index. */
  async list(filter: ProposalFilter): Promise<ProposalRecord[]> {
    const pages = await Promise.all(
      filter.regions.map(async (region) => {
        const input: QueryCommandInput = {
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: filter.period
            ? 'gsi1pk = :pk AND begins_with(gsi1sk, :period)'
            : 'gsi1pk = :pk',
          ExpressionAttributeValues: {
            ':pk': proposalsByRegion(region),
            ...(filter.period ? { ':period': `${filter.period}#` } : {}),
            ...(filter.status ? { ':status': filter.status } : {}),
          },
          ...(filter.status
            ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
            : {}),
          ScanIndexForward: false,
        };
        const items: ProposalRecord[] = [];
        do {
          const out = await this.client.send(new QueryCommand(input));
          for (const item of out.Items ?? []) items.push(ProposalRecordSchema.parse(item));
          input.ExclusiveStartKey = out.LastEvaluatedKey;
        } while (input.ExclusiveStartKey);
        return items;
      }),
    );
    return pages.flat();
  }

  /**
   * Transaction items that make `change.listId` the current list of the region's editable proposal,
   * creating the proposal (and its pointer) when the region has none for the period, or when the
   * current one was rejected. Conditions: the proposal is still DRAFT, unchanged since it was read
   * (version), and no newer upload has been applied. If any fails, nothing is written.
   */
  switchListItems(
    current: ProposalRecord | undefined,
    change: ListSwitch,
  ): { proposalId: string; items: TransactItem[] } {
    const now = change.now.toISOString();
    const listFields = {
      currentListId: change.listId,
      currentUploadId: change.uploadId,
      currentUploadAt: change.uploadAt,
      currentSha256: change.sha256,
      currentEtag: change.etag,
      recipientCount: change.recipientCount,
      countsByRole: change.countsByRole,
      warningCount: change.warningCount,
      updatedAt: now,
    };
    if (current && current.status !== 'REJECTED') {
      const names: Record<string, string> = { '#status': 'status' };
      const values: Record<string, unknown> = { ':draft': 'DRAFT', ':version': current.version, ':one': 1 };
      const sets = ['version = version + :one'];
      for (const [field, value] of Object.entries(listFields)) {
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
      return {
        proposalId: current.proposalId,
        items: [
          {
            Update: {
              TableName: this.tableName,
              Key: proposalKey(current.proposalId),
              UpdateExpression: `SET ${sets.join(', ')}`,
              ConditionExpression:
                '#status = :draft AND version = :version AND (attribute_not_exists(#currentUploadAt) OR #currentUploadAt < :currentUploadAt)',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            },
          },
        ],
      };
    }
    const revision = (current?.revision ?? 0) + 1;
    const proposalId = proposalIdFor(change.region, change.period, revision);
    const record: ProposalRecord = {
      proposalId,
      region: change.region,
      period: change.period,
      revision,
      status: 'DRAFT',
      version: 1,
      createdAt: now,
      ...listFields,
    };
    const pointer = currentProposalKey(change.region, change.period);
    return {
      proposalId,
      items: [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...proposalKey(proposalId),
              gsi1pk: proposalsByRegion(change.region),
              gsi1sk: `${change.period}#${proposalId}`,
              ...record,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: { ...pointer, proposalId, revision },
            ConditionExpression: current ? 'proposalId = :previous' : 'attribute_not_exists(pk)',
            ...(current ? { ExpressionAttributeValues: { ':previous': current.proposalId } } : {}),
          },
        },
      ],
    };
  }

  async transact(items: TransactItem[], clientRequestToken?: string): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: items,
        ...(clientRequestToken ? { ClientRequestToken: clientRequestToken } : {}),
      }),
    );
  }
}
