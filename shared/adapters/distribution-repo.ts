import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type CardStatus, type EntitlementStatus, regionOfCard } from '../domain/family/distribution.ts';
import type { Component } from '../domain/family/tahap.ts';
import {
  type Card,
  type CardEvent,
  CardSchema,
  type DistributionRecord,
  DistributionRecordSchema,
  type Entitlement,
  EntitlementSchema,
} from '../model.ts';
import { BatchWriter } from './batch-writer.ts';
import { documentClient } from './clients/dynamodb.ts';
import {
  cardCodeKey,
  cardKey,
  cardPartition,
  cardSeqKey,
  distributionKey,
  distributionPartition,
  entitlementKey,
  entitlementPartition,
  familyCardKey,
  nikCardKey,
  nikCardPartition,
} from './keys.ts';
import { batchGetItems, queryItems } from './partitions.ts';
import { type TransactItem, transactEach, transactWrite, WriteConflict } from './transactions.ts';

/** An entitlement's move onto an instruction file (`sentStatus`). */
export interface InstructedMove {
  readonly status: EntitlementStatus;
  readonly expectedStatus: EntitlementStatus;
  readonly attempt: { readonly attempt: number; readonly noRekening: string; readonly fileId: string };
}

/** Transactions of instruction moves sent at once (each up to 100 entitlements). */
const INSTRUCTED_IN_FLIGHT = 4;

/** What reconciliation writes on a TUNAI entitlement it closes (`closeAttempt`). */
export interface CloseOutcome {
  readonly status?: EntitlementStatus | undefined;
  readonly lastAttempt?:
    | { readonly attempt: number; readonly outcome?: 'BERHASIL' | 'GAGAL' | 'RETUR' | undefined }
    | undefined;
  readonly paidAmount: number;
  readonly returnedAmount: number;
}

/** What a card's public verification code points to: its number and status, nothing about anyone. */
export interface CardCode {
  readonly code: string;
  readonly cardNumber: string;
  readonly status: CardStatus;
}

/**
 * The distribution of a decreed tahap (issue #15): each kabupaten's distribution record, the
 * entitlements it opened, and the families' cards (keys in `keys.ts`).
 */
/** What a close is keyed and conditional on. */
type ClosingEntitlement = Pick<
  Entitlement,
  'tahapId' | 'region' | 'component' | 'noKk' | 'status' | 'attempts'
>;

export class DistributionRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  // --- Distribution records ----------------------------------------------------------------------

  async get(tahapId: string, region: string): Promise<DistributionRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: distributionKey(tahapId, region),
        ConsistentRead: true,
      }),
    );
    return out.Item ? DistributionRecordSchema.parse(out.Item) : undefined;
  }

  /** Every kabupaten's distribution in a tahap (at most 14 items). */
  async list(tahapId: string): Promise<DistributionRecord[]> {
    const records: DistributionRecord[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': distributionPartition(tahapId) },
    })) {
      records.push(DistributionRecordSchema.parse(item));
    }
    return records;
  }

  /**
   * Records that the decree opens the kabupaten's distribution (OPENING), unless one is recorded
   * already: then the recorded one is returned, and the caller decides (the same decree resumes;
   * another decree is refused).
   */
  async startOpening(record: DistributionRecord): Promise<DistributionRecord> {
    const item = DistributionRecordSchema.parse(record);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: distributionKey(item.tahapId, item.region),
          UpdateExpression:
            'SET tahapId = :tahapId, #region = :region, decreeId = :decreeId, decreeNumber = :decreeNumber, #status = :opening, requestedAt = :requestedAt',
          ConditionExpression: 'attribute_not_exists(pk)',
          ExpressionAttributeNames: { '#region': 'region', '#status': 'status' },
          ExpressionAttributeValues: {
            ':tahapId': item.tahapId,
            ':region': item.region,
            ':decreeId': item.decreeId,
            ':decreeNumber': item.decreeNumber,
            ':opening': 'OPENING',
            ':requestedAt': item.requestedAt,
          },
        }),
      );
      return item;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.get(item.tahapId, item.region);
      if (!current) throw new Error(`distribution ${item.tahapId} ${item.region} vanished`);
      return current;
    }
  }

  /** Marks an OPENING distribution of this decree OPEN with its counts; false when it is not (any more). */
  async markOpen(
    tahapId: string,
    region: string,
    decreeId: string,
    fields: Pick<DistributionRecord, 'openedAt' | 'families' | 'byComponent' | 'cards'>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: distributionKey(tahapId, region),
          UpdateExpression:
            'SET #status = :open, openedAt = :openedAt, families = :families, byComponent = :byComponent, cards = :cards',
          ConditionExpression: '#status = :opening AND decreeId = :decreeId',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':open': 'OPEN',
            ':opening': 'OPENING',
            ':decreeId': decreeId,
            ':openedAt': fields.openedAt,
            ':families': fields.families,
            ':byComponent': fields.byComponent,
            ':cards': fields.cards,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  // --- Entitlements ------------------------------------------------------------------------------

  /**
   * A writer of new entitlements (BatchWriteItem, 25 a call). Only while the distribution is
   * OPENING: nothing moves an entitlement before it is OPEN, so a resumed opening rewrites the same
   * items harmlessly.
   */
  entitlementWriter(): { put(entitlement: Entitlement): Promise<void>; flush(): Promise<void> } {
    const writer = new BatchWriter(this.tableName, { client: this.client });
    return {
      put: (entitlement) => {
        const item = EntitlementSchema.parse(entitlement);
        return writer.put({
          ...entitlementKey(item.tahapId, item.region, item.component, item.noKk),
          ...item,
        });
      },
      flush: () => writer.flush(),
    };
  }

  async entitlement(
    tahapId: string,
    region: string,
    component: Component,
    noKk: string,
  ): Promise<Entitlement | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: entitlementKey(tahapId, region, component, noKk),
        ConsistentRead: true,
      }),
    );
    return out.Item ? EntitlementSchema.parse(out.Item) : undefined;
  }

  /**
   * The entitlements of one component of these families (by No KK; BatchGet, strongly consistent):
   * what `entitlement` reads for one, for many lines at once. Families without one are absent.
   */
  async entitlementsOf(
    tahapId: string,
    region: string,
    component: Component,
    noKks: readonly string[],
  ): Promise<Map<string, Entitlement>> {
    const keys = [...new Set(noKks)].map((noKk) => entitlementKey(tahapId, region, component, noKk));
    const found = new Map<string, Entitlement>();
    for (const item of await batchGetItems(this.client, this.tableName, keys)) {
      const entitlement = EntitlementSchema.parse(item);
      found.set(entitlement.noKk, entitlement);
    }
    return found;
  }

  /** A kabupaten's entitlements in a tahap, of one component or all, page by page (memory: one page). */
  async *entitlements(tahapId: string, region: string, component?: Component): AsyncGenerator<Entitlement> {
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: component ? 'pk = :pk AND begins_with(sk, :component)' : 'pk = :pk',
      ExpressionAttributeValues: {
        ':pk': entitlementPartition(tahapId, region),
        ...(component ? { ':component': `${component}#` } : {}),
      },
    })) {
      yield EntitlementSchema.parse(item);
    }
  }

  /**
   * How many of a kabupaten's entitlements of one component are in flight (DIKIRIM or DIULANG: on a
   * file the bank or BULOG has not answered yet). A counting Query (`Select: COUNT` with a filter):
   * it reads the component's items (~1 KB each, ~60 pages for the largest kabupaten) but returns
   * only counts, so the caller holds nothing.
   */
  async countInFlight(tahapId: string, region: string, component: Component): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :component)',
          FilterExpression: '#status IN (:sent, :resent)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pk': entitlementPartition(tahapId, region),
            ':component': `${component}#`,
            ':sent': 'DIKIRIM',
            ':resent': 'DIULANG',
          },
          Select: 'COUNT',
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      count += out.Count ?? 0;
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  /**
   * Moves a TUNAI entitlement onto an instruction file (`sentStatus`): its new status, the attempt
   * and the account the line pays, conditional on the status and attempts it had when planned, so
   * two jobs never both send it. `false` when it moved meanwhile (the caller reads it again).
   */
  async markInstructed(entitlement: Entitlement, move: InstructedMove, at: string): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand(this.instructedUpdate(entitlement, move, at)));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Moves many entitlements onto an instruction file, each exactly as {@link markInstructed} does
   * (the same condition on the status and attempts read), packed 100 a TransactWriteItems call
   * instead of one UpdateItem each. Returns the indexes (into `moves`) whose condition failed: those
   * moved meanwhile and were not written; every other one is. No two moves may name one entitlement.
   */
  async markInstructedMany(
    moves: readonly { readonly entitlement: Entitlement; readonly move: InstructedMove }[],
    at: string,
  ): Promise<Set<number>> {
    return transactEach(
      moves.map(({ entitlement, move }) => ({ Update: this.instructedUpdate(entitlement, move, at) })),
      { client: this.client, inFlight: INSTRUCTED_IN_FLIGHT },
    );
  }

  private instructedUpdate(entitlement: Entitlement, move: InstructedMove, at: string) {
    return {
      TableName: this.tableName,
      Key: entitlementKey(entitlement.tahapId, entitlement.region, entitlement.component, entitlement.noKk),
      UpdateExpression:
        'SET #status = :to, attempts = :attempt, instructions = list_append(if_not_exists(instructions, :none), :line), lastAttempt = :last, updatedAt = :at',
      ConditionExpression: '#status = :from AND attempts = :attempts',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':to': move.status,
        ':from': move.expectedStatus,
        ':attempts': entitlement.attempts,
        ':attempt': move.attempt.attempt,
        ':none': [],
        ':line': [{ ...move.attempt, at }],
        ':last': { attempt: move.attempt.attempt },
        ':at': at,
      },
    };
  }

  /**
   * Writes what the reconciliation found for an entitlement: the new status, if any (`closedStatus`),
   * the last attempt with the bank's outcome, and the amounts received net and returned,
   * conditional on the status and attempts read (a line instructed meanwhile is not overwritten).
   * `false` when it moved meanwhile.
   */
  async closeAttempt(entitlement: ClosingEntitlement, outcome: CloseOutcome, at: string): Promise<boolean> {
    const { Update } = this.closeAttemptItem(entitlement, outcome, at);
    if (!Update) throw new Error('a close without its update');
    try {
      await this.client.send(new UpdateCommand(Update));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** {@link closeAttempt}'s conditional update, for a transaction of a batch (the dashboards count it). */
  closeAttemptItem(entitlement: ClosingEntitlement, outcome: CloseOutcome, at: string): TransactItem {
    const last = outcome.lastAttempt
      ? {
          attempt: outcome.lastAttempt.attempt,
          ...(outcome.lastAttempt.outcome ? { outcome: outcome.lastAttempt.outcome } : {}),
        }
      : undefined;
    return {
      Update: {
        TableName: this.tableName,
        Key: entitlementKey(entitlement.tahapId, entitlement.region, entitlement.component, entitlement.noKk),
        UpdateExpression: `SET paidAmount = :paid, returnedAmount = :returned, updatedAt = :at${last ? ', lastAttempt = :last' : ''}${outcome.status ? ', #status = :to' : ''}`,
        ConditionExpression: '#status = :from AND attempts = :attempts',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':from': entitlement.status,
          ':attempts': entitlement.attempts,
          ':paid': outcome.paidAmount,
          ':returned': outcome.returnedAmount,
          ':at': at,
          ...(last ? { ':last': last } : {}),
          ...(outcome.status ? { ':to': outcome.status } : {}),
        },
      },
    };
  }

  // --- Cards -------------------------------------------------------------------------------------

  /** The card each of these families holds now (by No KK); families without one are absent. */
  async currentCards(noKks: readonly string[]): Promise<Map<string, Card>> {
    const numbers = new Map<string, string>();
    for (const item of await batchGetItems(
      this.client,
      this.tableName,
      [...new Set(noKks)].map((noKk) => familyCardKey(noKk)),
    )) {
      numbers.set(String(item.noKk), String(item.cardNumber));
    }
    const cards = new Map<string, Card>();
    const keys = [...numbers.values()].map((number) => cardKey(regionOfCard(number), number));
    for (const item of await batchGetItems(this.client, this.tableName, keys)) {
      const card = CardSchema.parse(item);
      cards.set(card.noKk, card);
    }
    return cards;
  }

  async card(cardNumber: string): Promise<Card | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: cardKey(regionOfCard(cardNumber), cardNumber),
        ConsistentRead: true,
      }),
    );
    return out.Item ? CardSchema.parse(out.Item) : undefined;
  }

  async cardByCode(code: string): Promise<CardCode | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: cardCodeKey(code) }));
    if (!out.Item) return undefined;
    return { code, cardNumber: String(out.Item.cardNumber), status: out.Item.status as CardStatus };
  }

  /** A kabupaten's cards, page by page. */
  async *cardsOf(region: string): AsyncGenerator<Card> {
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :card)',
      ExpressionAttributeValues: { ':pk': cardPartition(region), ':card': 'CARD#' },
    })) {
      yield CardSchema.parse(item);
    }
  }

  /**
   * Takes `count` serials of a kabupaten's cards with one atomic ADD; returns the first. Serials
   * taken by an attempt that then dies stay unused: card numbers may have gaps (unlike decrees).
   */
  async takeSerials(region: string, count: number): Promise<number> {
    const out = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: cardSeqKey(region),
        UpdateExpression: 'ADD #last :count',
        ExpressionAttributeNames: { '#last': 'last' },
        ExpressionAttributeValues: { ':count': count },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const last = Number(out.Attributes?.last);
    if (!Number.isInteger(last)) throw new Error(`card serials of ${region}: no counter value`);
    return last - count + 1;
  }

  /**
   * Gives a family its first card: the family's card pointer (conditional: the family has none),
   * the card and its verification code, in one transaction. `false` when the family got a card
   * meanwhile (another opening): the caller reads it.
   */
  async createCard(card: Card): Promise<boolean> {
    const item = CardSchema.parse(card);
    try {
      await transactWrite(
        [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...familyCardKey(item.noKk), noKk: item.noKk, cardNumber: item.cardNumber },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...this.newCardItems(item),
        ],
        { client: this.client },
      );
      return true;
    } catch (error) {
      if (error instanceof WriteConflict && error.failedItem === 0) return false;
      throw error;
    }
  }

  /**
   * Moves a card's status (and its verification code's), conditional on the status it had when
   * read; `false` when it moved meanwhile.
   */
  async moveCard(card: Card, event: CardEvent): Promise<boolean> {
    try {
      await transactWrite(this.moveItems(card, event), { client: this.client });
      return true;
    } catch (error) {
      if (error instanceof WriteConflict) return false;
      throw error;
    }
  }

  /**
   * Replaces a family's card: the old one becomes DIGANTI (no longer active), the new one is
   * numbered TERDAFTAR, and the family's pointer moves from the old number to the new, all in one
   * transaction conditional on the old card's status and on the pointer still naming it:
   * `changed` when either moved meanwhile, `number-taken` when the new number exists already (a
   * counter behind its cards, e.g. after a restore: the caller takes another serial).
   */
  async replaceCard(
    old: Card,
    replacement: Card,
    event: CardEvent,
  ): Promise<'replaced' | 'changed' | 'number-taken'> {
    const fresh = CardSchema.parse({ ...replacement, replaces: old.cardNumber });
    try {
      await transactWrite(
        [
          ...this.moveItems(old, event, fresh.cardNumber),
          ...this.newCardItems(fresh),
          {
            Update: {
              TableName: this.tableName,
              Key: familyCardKey(old.noKk),
              UpdateExpression: 'SET cardNumber = :new',
              ConditionExpression: 'cardNumber = :old',
              ExpressionAttributeValues: { ':new': fresh.cardNumber, ':old': old.cardNumber },
            },
          },
        ],
        { client: this.client },
      );
      return 'replaced';
    } catch (error) {
      if (!(error instanceof WriteConflict)) throw error;
      // Items 0–1 move the old card, 2–3 put the new one (its number, its code), 4 moves the pointer.
      return error.failedItem === 2 ? 'number-taken' : 'changed';
    }
  }

  private newCardItems(card: Card): TransactItem[] {
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...cardKey(card.region, card.cardNumber), ...card },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...cardCodeKey(card.verifyCode), cardNumber: card.cardNumber, status: card.status },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      // The penerima's NIK → this card (rewritten identically by a retry).
      {
        Put: {
          TableName: this.tableName,
          Item: { ...nikCardKey(card.penerimaNik, card.cardNumber), cardNumber: card.cardNumber },
        },
      },
    ];
  }

  /**
   * Every card the penerima with this NIK was given, whatever its status (the NIK → card lookup:
   * one Query, then one BatchGet of the cards).
   */
  async cardsOfNik(nik: string): Promise<Card[]> {
    const numbers: string[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': nikCardPartition(nik) },
    })) {
      numbers.push(String(item.cardNumber));
    }
    if (numbers.length === 0) return [];
    const items = await batchGetItems(
      this.client,
      this.tableName,
      numbers.map((number) => cardKey(regionOfCard(number), number)),
    );
    return items.map((item) => CardSchema.parse(item));
  }

  /**
   * Writes the NIK → card lookup item of each of a kabupaten's cards that lacks one: the cards
   * numbered before the lookup existed (`scripts/backfill-nik-card-lookup.ts`). Reads the cards page
   * by page, looks their lookup items up 100 a BatchGet and puts only the missing ones (the same
   * item {@link newCardItems} writes, so a card numbered meanwhile is overwritten identically).
   * A second run writes nothing. Returns how many were written and how many were there already.
   */
  async addNikCardLookup(region: string): Promise<{ written: number; present: number }> {
    const writer = new BatchWriter(this.tableName, { client: this.client });
    let written = 0;
    let present = 0;
    let page: Card[] = [];
    const settle = async () => {
      const keys = page.map((card) => nikCardKey(card.penerimaNik, card.cardNumber));
      const found = new Set(
        (await batchGetItems(this.client, this.tableName, keys)).map(
          (item) => `${String(item.pk)}\n${String(item.sk)}`,
        ),
      );
      for (const [index, card] of page.entries()) {
        const key = keys[index];
        if (!key) continue;
        if (found.has(`${key.pk}\n${key.sk}`)) {
          present++;
          continue;
        }
        await writer.put({ ...key, cardNumber: card.cardNumber });
        written++;
      }
      page = [];
    };
    for await (const card of this.cardsOf(region)) {
      page.push(card);
      if (page.length === 100) await settle();
    }
    if (page.length > 0) await settle();
    await writer.flush();
    return { written, present };
  }

  /** A card's conditional move (the card and its code), for a transaction of a batch. */
  moveItems(card: Card, event: CardEvent, replacedBy?: string): TransactItem[] {
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: cardKey(card.region, card.cardNumber),
          UpdateExpression: `SET #status = :to, updatedAt = :at, history = list_append(history, :event)${replacedBy ? ', replacedBy = :replacedBy' : ''}`,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': event.status,
            ':from': card.status,
            ':at': event.at,
            ':event': [event],
            ...(replacedBy ? { ':replacedBy': replacedBy } : {}),
          },
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: cardCodeKey(card.verifyCode),
          UpdateExpression: 'SET #status = :to',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':to': event.status },
        },
      },
    ];
  }
}
