import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ReasonDetail } from '../domain/family/eligibility.ts';
import type { RegionSummary } from '../domain/family/eligibility-summary.ts';
import { BadRequestError } from '../errors.ts';
import {
  type EligibilityResult,
  EligibilityResultSchema,
  type EligibilitySummary,
  EligibilitySummarySchema,
} from '../model.ts';
import { BatchWriter } from './batch-writer.ts';
import { documentClient } from './clients/dynamodb.ts';
import {
  eligibilityKey,
  eligibilityPartition,
  eligibilitySortKey,
  eligibilitySummaryKey,
  eligibilitySummaryPartition,
} from './keys.ts';
import { queryItems } from './partitions.ts';

/** A verdict as the run writes it: the stored shape, with the reasons as `judgeFamily` gives them. */
export type EligibilityVerdictItem = Omit<EligibilityResult, 'reasons'> & {
  readonly reasons: readonly ReasonDetail[];
};

/** Where a run's verdicts go: `put` each, then `flush` before relying on them. */
export interface VerdictWriter {
  put(result: EligibilityVerdictItem): Promise<void>;
  flush(): Promise<void>;
}

export interface DesaPageRequest {
  readonly status?: EligibilityResult['status'];
  /** From the previous page; absent for the first. */
  readonly cursor?: string;
  readonly limit: number;
}

export interface DesaPage {
  readonly items: EligibilityResult[];
  /** Present when more families follow: pass it back for the next page. */
  readonly cursor?: string;
}

/** The most families a page holds, whatever is asked (a desa has a few hundred). */
export const MAX_PAGE = 500;

/**
 * A page's cursor: the No KK of the last family it holds, encoded so that clients treat it as
 * opaque (and never see a No KK in a URL: interfaces.md §3).
 */
export function encodeCursor(noKk: string): string {
  return Buffer.from(JSON.stringify({ k: noKk })).toString('base64url');
}

/** The No KK a cursor names; {@link BadRequestError} for anything not made by {@link encodeCursor}. */
export function decodeCursor(cursor: string): string {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      'k' in value &&
      typeof value.k === 'string' &&
      /^\d{16}$/.test(value.k)
    ) {
      return value.k;
    }
  } catch {
    // Falls through to the refusal.
  }
  throw new BadRequestError('Penanda halaman (cursor) tidak sah. Muat ulang daftar dari awal.', {
    reason: 'INVALID_CURSOR',
  });
}

/**
 * The verdicts of eligibility runs (issue #14): one item per family, partitioned by desa
 * (`ELIG#<tahapId>#<runId>#<desaCode>` / `KK#<noKk>`), and one count item per kabupaten
 * (`ELIGSUM#<tahapId>#<runId>` / `REGION#<region>`). Everything is under the run's id, so a new run
 * never mixes with an older one, and a run done again overwrites its own items.
 *
 * The reasons are `judgeFamily`'s `ReasonDetail`s, which name a member by position in the family and
 * a list by its id, never by NIK; the other No KKs of a shared member are kept whole, as the verval
 * needs them to settle which family the person belongs to (No KKs are already this item's key).
 */
export class EligibilityRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /** A writer of verdicts (BatchWriteItem, in calls of 25, 8 in flight); `flush` before relying on them. */
  writer(): VerdictWriter {
    return new EligibilityWriter(new BatchWriter(this.tableName, { client: this.client }));
  }

  /**
   * One page of a desa's families in No KK order, optionally only those of one status. A filtered
   * Query reads the desa's other families too (a few hundred items at most), which is cheaper than
   * an index for a listing people page through by hand.
   */
  async listDesa(
    tahapId: string,
    runId: string,
    desaCode: string,
    request: DesaPageRequest,
  ): Promise<DesaPage> {
    const limit = Math.min(Math.max(1, Math.floor(request.limit)), MAX_PAGE);
    const pk = eligibilityPartition(tahapId, runId, desaCode);
    let after: Record<string, unknown> | undefined = request.cursor
      ? { pk, sk: eligibilitySortKey(decodeCursor(request.cursor)) }
      : undefined;
    // One more than the page, to know whether a next page exists (no cursor to an empty page).
    const items: EligibilityResult[] = [];
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk, ...(request.status ? { ':status': request.status } : {}) },
          ...(request.status
            ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
            : { Limit: limit + 1 - items.length }),
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        if (items.length > limit) break;
        items.push(EligibilityResultSchema.parse(item));
      }
      after = out.LastEvaluatedKey;
    } while (after && items.length <= limit);
    if (items.length <= limit) return { items };
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return last ? { items: page, cursor: encodeCursor(last.noKk) } : { items: page };
  }

  /** One family's verdict in a run (a point read), or undefined when the run did not judge it there. */
  async one(
    tahapId: string,
    runId: string,
    desaCode: string,
    noKk: string,
  ): Promise<EligibilityResult | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: eligibilityKey(tahapId, runId, desaCode, noKk) }),
    );
    return out.Item ? EligibilityResultSchema.parse(out.Item) : undefined;
  }

  /** Every family of one desa in a run (a few hundred), in No KK order: what the verval works from. */
  async allOfDesa(tahapId: string, runId: string, desaCode: string): Promise<EligibilityResult[]> {
    const families: EligibilityResult[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': eligibilityPartition(tahapId, runId, desaCode) },
    })) {
      families.push(EligibilityResultSchema.parse(item));
    }
    return families;
  }

  /** Stores one kabupaten's counts of a run (a run done again replaces them). */
  async putSummary(tahapId: string, runId: string, summary: RegionSummary): Promise<void> {
    const item = EligibilitySummarySchema.parse({ tahapId, runId, ...summary });
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...eligibilitySummaryKey(tahapId, runId, summary.region), ...item },
      }),
    );
  }

  /** The counts of a run: of one kabupaten (zero or one item), or of all of them in code order. */
  async summary(tahapId: string, runId: string, region?: string): Promise<EligibilitySummary[]> {
    const summaries: EligibilitySummary[] = [];
    let after: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: region ? 'pk = :pk AND sk = :sk' : 'pk = :pk',
          ExpressionAttributeValues: {
            ':pk': eligibilitySummaryPartition(tahapId, runId),
            ...(region ? { ':sk': eligibilitySummaryKey(tahapId, runId, region).sk } : {}),
          },
          ConsistentRead: true,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      for (const item of out.Items ?? []) summaries.push(EligibilitySummarySchema.parse(item));
      after = out.LastEvaluatedKey;
    } while (after);
    return summaries;
  }
}

/** Puts verdicts; a family written twice in a run (a re-run) keeps the last verdict. */
class EligibilityWriter implements VerdictWriter {
  constructor(private readonly batch: BatchWriter) {}

  put(result: EligibilityVerdictItem): Promise<void> {
    return this.batch.put({
      ...eligibilityKey(result.tahapId, result.runId, result.desaCode, result.noKk),
      ...result,
    });
  }

  flush(): Promise<void> {
    return this.batch.flush();
  }
}
