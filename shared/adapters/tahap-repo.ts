import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditActor, type AuditRecord, GENESIS_HASH, sealEntry } from '../domain/audit.ts';
import { abandonedBefore, type RunStatus } from '../domain/family/eligibility-summary.ts';
import { startsDistribution, type TahapStatus, tahapLabel } from '../domain/family/tahap.ts';
import { ConflictError } from '../errors.ts';
import { type EligibilityRunState, type TahapRecord, TahapRecordSchema } from '../model.ts';
import { auditItem } from './audit-items.ts';
import { documentClient } from './clients/dynamodb.ts';
import { TAHAP_INDEX_KEY, tahapKey, tahapSortKey } from './keys.ts';
import { queryItems } from './partitions.ts';
import { type TransactItem, transactWrite, WriteConflict } from './transactions.ts';

/** A tahap of that year and number exists already (one tahap per number per year). */
export class TahapExistsError extends ConflictError {
  constructor(
    readonly tahapId: string,
    label: string,
  ) {
    super(`${label} sudah ada.`, { reason: 'TAHAP_EXISTS', tahapId });
  }
}

/** A conditional write on a tahap lost: it changed since it was read, or a run is in progress. */
export class TahapChangedError extends ConflictError {
  constructor(
    /** Index of the transaction item whose condition failed (0: the tahap itself). */
    readonly failedItem: number,
  ) {
    super(
      'Tahap baru saja diubah atau pemeriksaan kelayakannya sedang berjalan. Muat ulang lalu coba lagi.',
      {
        reason: 'CONCURRENT_CHANGE',
      },
    );
  }
}

/** What a run records about itself as it goes (its id and request time never change). */
export type RunFields = Partial<Omit<EligibilityRunState, 'runId' | 'requestedAt'>>;

/**
 * The tahap records (issue #14): `TAHAP#<tahapId>` / `TAHAP`, listed through gsi1 in year and number
 * order. The record also holds the tahap's latest eligibility run (`eligibility`), so that asking for
 * a run and checking that none is in progress is one conditional write on one item.
 */
export class TahapRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /** Stores a new tahap; {@link TahapExistsError} when its year and number are taken. */
  async create(record: TahapRecord): Promise<void> {
    const item = TahapRecordSchema.parse(record);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...tahapKey(item.tahapId),
            gsi1pk: TAHAP_INDEX_KEY,
            gsi1sk: tahapSortKey(item.year, item.number),
            ...item,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new TahapExistsError(item.tahapId, tahapLabel(item));
      }
      throw error;
    }
  }

  async get(tahapId: string): Promise<TahapRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: tahapKey(tahapId), ConsistentRead: true }),
    );
    return out.Item ? TahapRecordSchema.parse(out.Item) : undefined;
  }

  /** Every tahap, newest first (a handful a year: read whole). */
  async list(): Promise<TahapRecord[]> {
    const records: TahapRecord[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': TAHAP_INDEX_KEY },
      ScanIndexForward: false,
    })) {
      records.push(TahapRecordSchema.parse(item));
    }
    return records;
  }

  /**
   * The transaction item that records a new run, QUEUED: conditional on the version the caller read,
   * on the tahap still being DRAFT or VERVAL, and on no run QUEUED or RUNNING (the same rules as
   * `mayRequestEligibility`, which says why to a person). Returned, not written, so the caller puts
   * the run's queue message (`handoffItem`) in the same transaction: a run is never QUEUED with no
   * message to start it. Write them with {@link transact}.
   */
  requestEligibility(
    tahapId: string,
    runId: string,
    now: string,
    expectedVersion: number,
    /** The request's audit record (seq = the new version), appended to the tahap's chain. */
    audit?: AuditRecord,
  ): TransactItem[] {
    const run: EligibilityRunState = { runId, status: 'QUEUED', requestedAt: now };
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: tahapKey(tahapId),
          UpdateExpression: `SET eligibility = :run, version = :next${audit ? ', lastAuditHash = :hash' : ''}`,
          ConditionExpression:
            'version = :version AND #status IN (:draft, :verval) AND ' +
            '(attribute_not_exists(eligibility) OR NOT (eligibility.#status IN (:queued, :running)) OR eligibility.requestedAt < :abandoned)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':run': run,
            ':version': expectedVersion,
            ':next': expectedVersion + 1,
            ':draft': 'DRAFT',
            ':verval': 'VERVAL',
            ':queued': 'QUEUED',
            ':running': 'RUNNING',
            ':abandoned': abandonedBefore(new Date(now)),
            ...(audit ? { ':hash': audit.hash } : {}),
          },
        },
      },
      ...(audit ? [auditItem(this.tableName, audit)] : []),
    ];
  }

  /**
   * A new tahap and its first audit record, as transaction items: conditional on no tahap of that
   * year and number. The caller adds the snapshots' claims (`SnapshotsRepository.useItem`).
   */
  createItems(record: TahapRecord, audit: AuditRecord): TransactItem[] {
    const item = TahapRecordSchema.parse({ ...record, lastAuditHash: audit.hash });
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...tahapKey(item.tahapId),
            gsi1pk: TAHAP_INDEX_KEY,
            gsi1sk: tahapSortKey(item.year, item.number),
            ...item,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      auditItem(this.tableName, audit),
    ];
  }

  /**
   * Records a run's progress, only if the tahap's run is still this one (a stale run never
   * overwrites a newer one) and, when `from` is given, only from those statuses. False when either
   * condition failed.
   */
  async markRun(
    tahapId: string,
    runId: string,
    fields: RunFields,
    from?: readonly RunStatus[],
  ): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':runId': runId };
    const sets = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([field, value], index) => {
        names[`#f${index}`] = field;
        values[`:f${index}`] = value;
        return `eligibility.#f${index} = :f${index}`;
      });
    if (sets.length === 0) return true;
    const statuses = (from ?? []).map((status, index) => {
      values[`:from${index}`] = status;
      return `:from${index}`;
    });
    if (statuses.length > 0) names['#status'] = 'status';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: tahapKey(tahapId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `eligibility.runId = :runId${
            statuses.length > 0 ? ` AND eligibility.#status IN (${statuses.join(', ')})` : ''
          }`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Moves the tahap to PENYALURAN when a kabupaten's distribution has opened (the first one does;
   * every later one finds it there): one transaction of the status, the version and the audit
   * record, conditional on the version read. Idempotent: a tahap already in PENYALURAN or past it is
   * left as it is (`false`); a lost race reads again.
   */
  async startDistribution(
    tahapId: string,
    at: string,
    actor: AuditActor,
    details: Record<string, string | number>,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const tahap = await this.get(tahapId);
      if (!tahap || !startsDistribution(tahap.status)) return false;
      const audit = sealEntry({
        entityId: `TAHAP-${tahapId}`,
        seq: tahap.version + 1,
        at,
        actor,
        action: 'TAHAP_DISTRIBUTION_STARTED',
        fromStatus: tahap.status,
        toStatus: 'PENYALURAN',
        details,
        prevHash: tahap.lastAuditHash ?? GENESIS_HASH,
      });
      try {
        await this.transact(this.statusItems(tahapId, tahap.status, 'PENYALURAN', tahap.version, audit));
        return true;
      } catch (error) {
        if (!(error instanceof TahapChangedError)) throw error;
      }
    }
    throw new Error(`tahap ${tahapId} kept changing while its distribution started`);
  }

  /**
   * A status change and its audit record (seq = the new version), as transaction items:
   * conditional on the status and version read.
   */
  statusItems(
    tahapId: string,
    from: TahapStatus,
    to: TahapStatus,
    expectedVersion: number,
    audit: AuditRecord,
    extra: Record<string, unknown> = {},
  ): TransactItem[] {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':to': to,
      ':from': from,
      ':version': expectedVersion,
      ':next': expectedVersion + 1,
      ':hash': audit.hash,
    };
    const sets = Object.entries(extra).map(([field, value], index) => {
      names[`#x${index}`] = field;
      values[`:x${index}`] = value;
      return `, #x${index} = :x${index}`;
    });
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: tahapKey(tahapId),
          UpdateExpression: `SET #status = :to, version = :next, lastAuditHash = :hash${sets.join('')}`,
          ConditionExpression: 'version = :version AND #status = :from',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      auditItem(this.tableName, audit),
    ];
  }

  /**
   * Writes `items` in one transaction (a requested run and its hand-off). A failed condition comes
   * back as {@link TahapChangedError} naming the item.
   */
  async transact(items: TransactItem[]): Promise<void> {
    try {
      await transactWrite(items, { client: this.client });
    } catch (error) {
      if (error instanceof WriteConflict) throw new TahapChangedError(error.failedItem);
      throw error;
    }
  }
}
