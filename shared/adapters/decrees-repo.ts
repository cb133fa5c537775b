import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type DecreeRecord, DecreeRecordSchema } from '../model.ts';
import { documentClient } from './clients/dynamodb.ts';
import { decreeKey, decreeSeqKey, decreeSeqSortKey, decreesByYear, verifyCodeKey } from './keys.ts';
import { handoffItem } from './outbox.ts';
import type { TransactItem } from './transactions.ts';

/** What the stored PDF turned out to be: recorded when the decree becomes ISSUED. */
export interface StoredPdf {
  readonly pdfKey: string;
  readonly sha256: string;
  /** The S3 version of the stored PDF (absent where the store has no versioning). */
  readonly versionId: string | undefined;
  readonly pages: number;
  readonly bytes: number;
  readonly total: number;
  /** A BKK decree's recipients and Rupiah per role. */
  readonly byRole: DecreeRecord['byRole'];
  /** A KPM decree's families and Rupiah per component, and their members (recorded instead of `byRole`). */
  readonly byComponent?: DecreeRecord['byComponent'];
  readonly memberCount?: number | undefined;
  readonly issuedAt: string;
}

/**
 * Decrees, their per-year number sequence and their verification codes. The writes are transaction
 * items, applied together with the proposal's own change (`ProposalsRepository.apply`), so a
 * number is given, and a decree recorded, in one atomic step or not at all.
 */
export class DecreesRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  async get(decreeId: string): Promise<DecreeRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: decreeKey(decreeId), ConsistentRead: true }),
    );
    return out.Item ? DecreeRecordSchema.parse(out.Item) : undefined;
  }

  /** The decree a printed verification code belongs to. */
  async getByCode(code: string): Promise<DecreeRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: verifyCodeKey(code), ConsistentRead: true }),
    );
    const decreeId = out.Item?.decreeId;
    return typeof decreeId === 'string' ? this.get(decreeId) : undefined;
  }

  /** The last number given in `year` (0 before the first decree of the year). */
  async lastSeq(year: number): Promise<number> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: decreeSeqKey(year), ConsistentRead: true }),
    );
    const last = out.Item?.last;
    return typeof last === 'number' ? last : 0;
  }

  /** Decrees of a year in number order, optionally of one region only. */
  async listByYear(year: number, region?: string): Promise<DecreeRecord[]> {
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': decreesByYear(year), ...(region ? { ':region': region } : {}) },
      ...(region
        ? { FilterExpression: '#region = :region', ExpressionAttributeNames: { '#region': 'region' } }
        : {}),
    };
    const decrees: DecreeRecord[] = [];
    do {
      const out = await this.client.send(new QueryCommand(input));
      for (const item of out.Items ?? []) decrees.push(DecreeRecordSchema.parse(item));
      input.ExclusiveStartKey = out.LastEvaluatedKey;
    } while (input.ExclusiveStartKey);
    return decrees;
  }

  /**
   * The items that give `decree.seq` and record the decree: the year's counter moves from
   * `seq - 1` to `seq` (so two decrees can never take the same number, and none is skipped), the
   * decree and its verification code are new, and the revoked decree it replaces gets its
   * `replacedBy` (once). Item order matters to callers reading which condition failed.
   */
  numberingItems(decree: DecreeRecord): TransactItem[] {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...decreeSeqKey(decree.year), last: decree.seq, lastDecreeId: decree.decreeId },
          ...(decree.seq === 1
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: '#last = :previous', ExpressionAttributeNames: { '#last': 'last' } }),
          ...(decree.seq === 1 ? {} : { ExpressionAttributeValues: { ':previous': decree.seq - 1 } }),
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...decreeKey(decree.decreeId),
            gsi1pk: decreesByYear(decree.year),
            gsi1sk: decreeSeqSortKey(decree.seq),
            ...decree,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...verifyCodeKey(decree.verifyCode), decreeId: decree.decreeId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    if (decree.replaces) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: decreeKey(decree.replaces.decreeId),
          UpdateExpression: 'SET replacedBy = :by',
          ConditionExpression: '#status = :revoked AND attribute_not_exists(replacedBy)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':by': { decreeId: decree.decreeId, number: decree.number },
            ':revoked': 'REVOKED',
          },
        },
      });
    }
    return items;
  }

  /**
   * The hand-off that opens a KPM decree's distribution (issue #15), for the transaction that marks
   * it ISSUED: a decree is issued and its cards and entitlements are due in one step, never one
   * without the other.
   */
  distributionItem(decree: DecreeRecord, issuedAt: string): TransactItem {
    if (decree.kind !== 'KPM' || !decree.tahapId)
      throw new Error(`decree ${decree.decreeId} is not a KPM decree`);
    return handoffItem(
      this.tableName,
      {
        queue: 'families',
        message: {
          type: 'distribution.open.requested',
          decreeId: decree.decreeId,
          tahapId: decree.tahapId,
          region: decree.region,
          requestedAt: issuedAt,
        },
      },
      issuedAt,
    );
  }

  /** The item that marks a numbered decree ISSUED with what its stored PDF is. */
  issuedItem(decreeId: string, pdf: StoredPdf): TransactItem {
    const kpm = pdf.byComponent !== undefined;
    return {
      Update: {
        TableName: this.tableName,
        Key: decreeKey(decreeId),
        UpdateExpression:
          'SET #status = :issued, pdfKey = :key, sha256 = :sha, pages = :pages, #bytes = :bytes, #total = :total, ' +
          (kpm ? 'byComponent = :byComponent, memberCount = :members' : 'byRole = :byRole') +
          ', issuedAt = :at' +
          (pdf.versionId ? ', pdfVersionId = :version' : ''),
        ConditionExpression: '#status = :issuing',
        ExpressionAttributeNames: { '#status': 'status', '#bytes': 'bytes', '#total': 'total' },
        ExpressionAttributeValues: {
          ':issued': 'ISSUED',
          ':issuing': 'ISSUING',
          ':key': pdf.pdfKey,
          ':sha': pdf.sha256,
          ':pages': pdf.pages,
          ':bytes': pdf.bytes,
          ':total': pdf.total,
          ...(kpm
            ? { ':byComponent': pdf.byComponent ?? [], ':members': pdf.memberCount ?? 0 }
            : { ':byRole': pdf.byRole ?? [] }),
          ...(pdf.versionId ? { ':version': pdf.versionId } : {}),
          ':at': pdf.issuedAt,
        },
      },
    };
  }

  /** The item that revokes an ISSUED decree (conditional: a decree is revoked once). */
  revokedItem(decreeId: string, by: { sub: string; name: string }, reason: string, at: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: decreeKey(decreeId),
        UpdateExpression:
          'SET #status = :revoked, revokedAt = :at, revokedBy = :by, revocationReason = :reason',
        ConditionExpression: '#status = :issued',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':revoked': 'REVOKED',
          ':issued': 'ISSUED',
          ':at': at,
          ':by': by,
          ':reason': reason,
        },
      },
    };
  }
}
