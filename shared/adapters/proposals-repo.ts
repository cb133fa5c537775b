import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type AuditActor, type AuditRecord, GENESIS_HASH, sealEntry } from '../domain/audit.ts';
import {
  isClosed,
  listScope,
  type ProposalKind,
  type ProposalStatus,
  proposalIdFor,
} from '../domain/proposal.ts';
import { listAuthors, type Plan } from '../domain/workflow.ts';
import { ConflictError } from '../errors.ts';
import type { Handoff } from '../messages.ts';
import { AuditRecordSchema, type ProposalRecord, ProposalRecordSchema } from '../model.ts';
import { auditItem } from './audit-items.ts';
import { documentClient } from './clients/dynamodb.ts';
import {
  auditPartition,
  currentProposalKey,
  proposalKey,
  proposalsByRegion,
  recipientKey,
  waiverKey,
} from './keys.ts';
import { handoffItem } from './outbox.ts';
import { type TransactItem, transactWrite, WriteConflict } from './transactions.ts';

export type { TransactItem };

/** What an import hands over when its list becomes the proposal's current list. */
export interface ListSwitch {
  /** BKK when absent: an uploaded list. KPM lists are composed from a tahap (its id is the period). */
  readonly kind?: ProposalKind;
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
  /** Who the change is attributed to: the operator who asked for the upload URL, or the system. */
  readonly actor: AuditActor;
  /** The file was put under `uploads/` by other means (IAM), not through `POST /uploads`. */
  readonly withoutUploadRequest?: boolean;
}

/** A conditional write lost: the proposal changed since it was read, or an `extra` item's condition failed. */
export class ConcurrentChangeError extends ConflictError {
  constructor(
    /** Index of the transaction item whose condition failed (0: the proposal itself). */
    readonly failedItem: number,
  ) {
    super('Usulan baru saja diubah oleh orang lain. Muat ulang lalu coba lagi.', {
      reason: 'CONCURRENT_CHANGE',
    });
  }
}

export interface ProposalFilter {
  /** BKK when absent. */
  readonly kind?: ProposalKind;
  readonly regions: readonly string[];
  readonly period?: string;
  readonly status?: ProposalStatus;
}

/**
 * The proposal a new list of the region and period goes into: the current one while it is open,
 * else (none yet, or the current one closed) the next revision (`switchListItems`).
 */
export const draftProposalId = (
  current: ProposalRecord | undefined,
  kind: ProposalKind,
  region: string,
  period: string,
): string =>
  current && !isClosed(current.status)
    ? current.proposalId
    : proposalIdFor(region, period, (current?.revision ?? 0) + 1, kind);

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
  async getCurrent(
    region: string,
    period: string,
    kind: ProposalKind = 'BKK',
  ): Promise<ProposalRecord | undefined> {
    const pointer = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: currentProposalKey(region, listScope(kind, period)),
        ConsistentRead: true,
      }),
    );
    const proposalId = pointer.Item?.proposalId;
    return typeof proposalId === 'string' ? this.get(proposalId) : undefined;
  }

  /**
   * Proposals of one kind of the given regions, newest period first, each region read through the
   * index. KPM proposals sort under `KPM#…`, after every BKK period: a BKK listing stops before them.
   */
  async list(filter: ProposalFilter): Promise<ProposalRecord[]> {
    const kind = filter.kind ?? 'BKK';
    const pages = await Promise.all(
      filter.regions.map(async (region) => {
        const input: QueryCommandInput = {
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: filter.period
            ? 'gsi1pk = :pk AND begins_with(gsi1sk, :period)'
            : kind === 'BKK'
              ? 'gsi1pk = :pk AND gsi1sk < :kpm'
              : 'gsi1pk = :pk AND begins_with(gsi1sk, :kpm)',
          ExpressionAttributeValues: {
            ':pk': proposalsByRegion(region),
            ...(filter.period
              ? { ':period': `${listScope(kind, filter.period)}#` }
              : { ':kpm': listScope('KPM', '') }),
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
   * current one is closed (rejected, or its decree revoked). Conditions: the proposal is still DRAFT, unchanged since it was read
   * (version), and no newer upload has been applied. If any fails, nothing is written. Either way
   * the change is the next record of the proposal's audit chain.
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
    };
    const details = {
      uploadId: change.uploadId,
      listId: change.listId,
      recipientCount: change.recipientCount,
      ...(change.withoutUploadRequest ? { withoutUploadRequest: true } : {}),
    };
    if (current && !isClosed(current.status)) {
      return {
        proposalId: current.proposalId,
        items: this.changeItems(
          current,
          {
            action: 'LIST_REPLACED',
            to: 'DRAFT',
            set: { ...listFields, authors: listAuthors(current, change.actor) },
            details,
          },
          change.actor,
          now,
          {
            condition: 'attribute_not_exists(#currentUploadAt) OR #currentUploadAt < :uploadAt',
            names: { '#currentUploadAt': 'currentUploadAt' },
            values: { ':uploadAt': change.uploadAt },
          },
        ),
      };
    }
    const kind = change.kind ?? 'BKK';
    const revision = (current?.revision ?? 0) + 1;
    const proposalId = draftProposalId(current, kind, change.region, change.period);
    const audit = sealEntry({
      entityId: proposalId,
      seq: 1,
      at: now,
      actor: change.actor,
      action: 'CREATED',
      toStatus: 'DRAFT',
      details: { ...details, ...(current ? { replaces: current.proposalId } : {}) },
      prevHash: GENESIS_HASH,
    });
    const record: ProposalRecord = {
      proposalId,
      kind,
      region: change.region,
      period: change.period,
      revision,
      status: 'DRAFT',
      version: 1,
      createdAt: now,
      updatedAt: now,
      ...listFields,
      authors: listAuthors(undefined, change.actor),
      lastAuditHash: audit.hash,
      requiredAgencies: [],
      signoffs: {},
      returns: [],
      openBlocking: 0,
    };
    const scope = listScope(kind, change.period);
    const pointer = currentProposalKey(change.region, scope);
    return {
      proposalId,
      items: [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...proposalKey(proposalId),
              gsi1pk: proposalsByRegion(change.region),
              gsi1sk: `${scope}#${proposalId}`,
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
        this.auditPut(audit),
      ],
    };
  }

  /**
   * Applies a workflow plan: in one transaction, the proposal moves to `plan.to` (conditional on the
   * version and status that were read, plus `guard`), and the next audit record is appended with the
   * hash of the one before. `extra` items (a waiver, a condition on a recipient) succeed or fail with
   * it. Throws {@link ConcurrentChangeError} naming which item's condition failed.
   */
  async apply(
    proposal: ProposalRecord,
    plan: Plan,
    actor: AuditActor,
    now: string,
    extra: TransactItem[] = [],
  ): Promise<ProposalRecord> {
    await this.transact([...this.changeItems(proposal, plan, actor, now), ...extra]);
    const fresh = await this.get(proposal.proposalId);
    if (!fresh) throw new Error(`proposal ${proposal.proposalId} vanished after an update`);
    return fresh;
  }

  /**
   * {@link apply}, and in the same transaction the hand-offs the change causes (outbox items, sent by
   * the relay): `handoffs` gets the proposal as it will be once the plan is applied. The change and
   * its messages exist together or not at all, so a proposal can never wait for a message that was
   * lost between a commit and a send.
   */
  async applyAndHandOff(
    proposal: ProposalRecord,
    plan: Plan,
    actor: AuditActor,
    now: string,
    handoffs: (next: ProposalRecord) => readonly Handoff[],
  ): Promise<ProposalRecord> {
    const next = planned(proposal, plan, now);
    const items = handoffs(next).map((handoff) => handoffItem(this.tableName, handoff, now));
    return this.apply(proposal, plan, actor, now, items);
  }

  /**
   * A waiver (a plan from `planWaiver`) lands with its record, in one transaction: conditional on the
   * proposal as read, on the flag still being on the recipient (the checks may have re-run), and on
   * no earlier waiver of that flag. Refuses with the reason a verifier can act on.
   */
  async waive(
    proposal: ProposalRecord,
    plan: Plan,
    actor: AuditActor,
    now: string,
    waiver: { listId: string; row: number; recipientId: string; flag: string; reason: string },
  ): Promise<ProposalRecord> {
    const flagStillThere: TransactItem = {
      ConditionCheck: {
        TableName: this.tableName,
        Key: recipientKey(waiver.listId, waiver.row),
        ConditionExpression: 'contains(flagCodes, :flag)',
        ExpressionAttributeValues: { ':flag': waiver.flag },
      },
    };
    const record: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: {
          ...waiverKey(proposal.proposalId, waiver.recipientId, waiver.flag),
          proposalId: proposal.proposalId,
          recipientId: waiver.recipientId,
          flag: waiver.flag,
          reason: waiver.reason,
          by: actor,
          at: now,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    try {
      return await this.apply(proposal, plan, actor, now, [flagStillThere, record]);
    } catch (error) {
      // Items 0 and 1 are the proposal and its audit record (changeItems), then the two above.
      if (error instanceof ConcurrentChangeError && error.failedItem === 3) {
        throw new ConflictError('Temuan ini sudah dikesampingkan sebelumnya.', { reason: 'ALREADY_WAIVED' });
      }
      if (error instanceof ConcurrentChangeError && error.failedItem === 2) {
        throw new ConflictError(
          'Temuan ini sudah tidak ada (pemeriksaan baru saja dijalankan ulang). Muat ulang.',
          {
            reason: 'FLAG_GONE',
          },
        );
      }
      throw error;
    }
  }

  /** The conditional update of the proposal and the audit record that a plan writes. */
  private changeItems(
    proposal: ProposalRecord,
    plan: Plan,
    actor: AuditActor,
    now: string,
    guard?: { condition: string; names: Record<string, string>; values: Record<string, unknown> },
  ): TransactItem[] {
    const seq = proposal.version + 1;
    const audit = sealEntry({
      entityId: proposal.proposalId,
      seq,
      at: now,
      actor,
      action: plan.action,
      fromStatus: proposal.status,
      toStatus: plan.to,
      ...(plan.reason ? { reason: plan.reason } : {}),
      ...(plan.details ? { details: plan.details } : {}),
      prevHash: proposal.lastAuditHash ?? GENESIS_HASH,
    });
    const names: Record<string, string> = { '#status': 'status', ...guard?.names };
    const values: Record<string, unknown> = {
      ':from': proposal.status,
      ':to': plan.to,
      ':version': proposal.version,
      ':next': seq,
      ':hash': audit.hash,
      ':now': now,
      ...guard?.values,
    };
    const sets = ['#status = :to', 'version = :next', 'lastAuditHash = :hash', 'updatedAt = :now'];
    for (const [index, [field, value]] of Object.entries(plan.set).entries()) {
      names[`#f${index}`] = field;
      values[`:f${index}`] = value;
      sets.push(`#f${index} = :f${index}`);
    }
    const removes = (plan.remove ?? []).map((field, index) => {
      names[`#r${index}`] = field;
      return `#r${index}`;
    });
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: proposalKey(proposal.proposalId),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: `#status = :from AND version = :version${guard ? ` AND (${guard.condition})` : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      this.auditPut(audit),
    ];
  }

  private auditPut(record: AuditRecord): TransactItem {
    return auditItem(this.tableName, record);
  }

  /** The audit chain of one entity, in order (at most `limit` records). */
  async audit(entityId: string, limit = 1_000): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    let after: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': auditPartition(entityId) },
          ConsistentRead: true,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      for (const item of out.Items ?? []) records.push(AuditRecordSchema.parse(item));
      after = out.LastEvaluatedKey;
    } while (after && records.length < limit);
    return records;
  }

  /**
   * Writes `items` in one transaction. A condition that fails comes back as
   * {@link ConcurrentChangeError} naming the item (callers never decode the SDK's cancellation).
   */
  async transact(items: TransactItem[], clientRequestToken?: string): Promise<void> {
    try {
      await transactWrite(items, {
        client: this.client,
        ...(clientRequestToken ? { clientRequestToken } : {}),
      });
    } catch (error) {
      if (error instanceof WriteConflict) throw new ConcurrentChangeError(error.failedItem);
      throw error;
    }
  }
}

/** The proposal as `plan` leaves it (what {@link ProposalsRepository.applyAndHandOff} builds messages from). */
function planned(proposal: ProposalRecord, plan: Plan, now: string): ProposalRecord {
  const next: Record<string, unknown> = {
    ...proposal,
    ...plan.set,
    status: plan.to,
    version: proposal.version + 1,
    updatedAt: now,
  };
  for (const field of plan.remove ?? []) delete next[field];
  return ProposalRecordSchema.parse(next);
}
