import * as z from 'zod';

/**
 * The relawan's field queue (`/lapangan`): what they record on a phone — a family's verval result,
 * a card handed over — kept in this browser (localStorage, per user) until the API has answered
 * it, so a page closed or reloaded without signal loses nothing. Each record is keyed by what it is
 * (kind, tahap, No KK): recording the same family again replaces the record not yet sent, and the
 * API answers a record sent twice UNCHANGED, so sending again is always safe. Pure logic over a
 * `Storage` and two send functions: no DOM, no fetch (unit-tested in `field-queue.test.ts`).
 */

export const FIELD_KINDS = ['VERVAL', 'KARTU'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

/** QUEUED until the API answers; SENT (recorded, or already recorded); REFUSED with the API's reason. */
export type FieldStatus = 'QUEUED' | 'SENT' | 'REFUSED';

const Common = {
  /** `<kind>#<tahapId>#<noKk>`: one record per family, tahap and kind. */
  key: z.string(),
  tahapId: z.string(),
  desaCode: z.string(),
  noKk: z.string(),
  /** The day of the visit or the handover (`YYYY-MM-DD`). */
  tanggal: z.string(),
  /** When it was recorded on this phone (ISO 8601): sent with it, so a resend says the same. */
  recordedAt: z.string(),
  status: z.enum(['QUEUED', 'SENT', 'REFUSED']),
  /** The API's words for a refused record, or for a sent one (e.g. a later visit already recorded). */
  message: z.string().optional(),
  sentAt: z.string().optional(),
};

const FieldRecordSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('VERVAL'),
    ...Common,
    result: z.string(),
    nomorBeritaAcara: z.string(),
    penerimaNik: z.string().optional(),
    note: z.string().optional(),
  }),
  z.object({ kind: z.literal('KARTU'), ...Common, cardNumber: z.string().optional() }),
]);
export type FieldRecord = z.infer<typeof FieldRecordSchema>;
export type VervalFieldRecord = Extract<FieldRecord, { kind: 'VERVAL' }>;
export type CardFieldRecord = Extract<FieldRecord, { kind: 'KARTU' }>;

/** What the page records: the rest (key, status) is the queue's. */
export type NewFieldRecord =
  | Omit<VervalFieldRecord, 'key' | 'status' | 'message' | 'sentAt'>
  | Omit<CardFieldRecord, 'key' | 'status' | 'message' | 'sentAt'>;

export const recordKey = (record: { kind: FieldKind; tahapId: string; noKk: string }): string =>
  `${record.kind}#${record.tahapId}#${record.noKk}`;

const storageKey = (sub: string) => `khbs.lapangan.${sub}`;

/**
 * The user's queue as this browser keeps it. A stored value that cannot be read (another version,
 * damage) is set aside under `<key>.rusak`, never silently dropped, and the queue starts empty.
 */
export function loadQueue(storage: Storage, sub: string): FieldRecord[] {
  const raw = storage.getItem(storageKey(sub));
  if (raw === null) return [];
  try {
    const parsed = z.array(FieldRecordSchema).safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: set aside below
  }
  storage.setItem(`${storageKey(sub)}.rusak`, raw);
  storage.removeItem(storageKey(sub));
  return [];
}

export function saveQueue(storage: Storage, sub: string, queue: readonly FieldRecord[]): void {
  storage.setItem(storageKey(sub), JSON.stringify(queue));
}

/**
 * Adds a record, QUEUED. A record of the same kind, tahap and family replaces the one there (not
 * yet sent: the newer is what the relawan means; already sent: this is a new fact to send).
 */
export function enqueue(queue: readonly FieldRecord[], record: NewFieldRecord): FieldRecord[] {
  const queued = { ...record, key: recordKey(record), status: 'QUEUED' } as FieldRecord;
  return [...queue.filter((item) => item.key !== queued.key), queued];
}

/** Forgets the records sent (kept on screen until the relawan clears them). */
export const clearSent = (queue: readonly FieldRecord[]): FieldRecord[] =>
  queue.filter((item) => item.status !== 'SENT');

export const pending = (queue: readonly FieldRecord[]): FieldRecord[] =>
  queue.filter((item) => item.status === 'QUEUED');

/** At most this many records in one request: the API takes a body of 16 KB, a record is < 500 bytes. */
export const BATCH_SIZE = 25;

/**
 * The requests that send what is queued: one per kind (verval results go per tahap, as the route
 * is the tahap's), split into {@link BATCH_SIZE} records at most.
 */
export function batchesOf(
  queue: readonly FieldRecord[],
): { kind: FieldKind; tahapId?: string; records: FieldRecord[] }[] {
  const groups = new Map<string, { kind: FieldKind; tahapId?: string; records: FieldRecord[] }>();
  for (const record of pending(queue)) {
    const group = record.kind === 'VERVAL' ? `VERVAL#${record.tahapId}` : 'KARTU';
    let found = groups.get(group);
    if (!found) {
      found =
        record.kind === 'VERVAL'
          ? { kind: 'VERVAL', tahapId: record.tahapId, records: [] }
          : { kind: 'KARTU', records: [] };
      groups.set(group, found);
    }
    found.records.push(record);
  }
  return [...groups.values()].flatMap((group) => {
    const chunks = [];
    for (let start = 0; start < group.records.length; start += BATCH_SIZE) {
      chunks.push({ ...group, records: group.records.slice(start, start + BATCH_SIZE) });
    }
    return chunks;
  });
}

/** One record's answer, in the order sent. */
export interface RecordAnswer {
  readonly outcome: 'RECORDED' | 'UNCHANGED' | 'REFUSED';
  readonly message: string;
}

/** How one request ended. */
export type SendAnswer =
  | { readonly kind: 'answered'; readonly results: readonly RecordAnswer[] }
  /** 401: the token expired or was revoked; the queue waits for the next sign-in. */
  | { readonly kind: 'expired' }
  /** No answer (no signal, server unreachable): the records stay queued. */
  | { readonly kind: 'offline' }
  /** Any other refusal of the whole request (its words): the records stay queued. */
  | { readonly kind: 'failed'; readonly message: string };

export interface Senders {
  verval(tahapId: string, records: readonly VervalFieldRecord[]): Promise<SendAnswer>;
  cards(records: readonly CardFieldRecord[]): Promise<SendAnswer>;
}

export type SendOutcome =
  | { readonly kind: 'done'; readonly sent: number; readonly refused: number }
  | { readonly kind: 'expired' | 'offline' }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * Marks the records of one answered batch: SENT (recorded, or already recorded) or REFUSED with the
 * API's words. Only the very record sent: one recorded again meanwhile (same key, another moment)
 * stays QUEUED, to be sent next.
 */
export function markAnswered(
  queue: readonly FieldRecord[],
  sentRecords: readonly FieldRecord[],
  results: readonly RecordAnswer[],
  at: string,
): FieldRecord[] {
  const answers = new Map(
    sentRecords.map((record, index) => [record.key, { record, result: results[index] }]),
  );
  return queue.map((record) => {
    const answer = answers.get(record.key);
    if (!answer?.result || answer.record.recordedAt !== record.recordedAt || record.status !== 'QUEUED') {
      return record;
    }
    const status = answer.result.outcome === 'REFUSED' ? 'REFUSED' : 'SENT';
    return { ...record, status, message: answer.result.message, sentAt: at };
  });
}

/**
 * Sends every record queued in `snapshot`, a batch at a time, and marks each by its answer through
 * `apply` (the page's queue as it is then, with what was recorded meanwhile, saved at once: a page
 * closed mid-way keeps what was answered). Stops at the first batch without answers (expired,
 * offline, failed): what was not answered stays QUEUED, to be sent again, safely (the API answers
 * a resend UNCHANGED).
 */
export async function sendQueue(
  snapshot: readonly FieldRecord[],
  senders: Senders,
  apply: (change: (queue: readonly FieldRecord[]) => FieldRecord[]) => void,
  now: () => Date = () => new Date(),
): Promise<SendOutcome> {
  let sent = 0;
  let refused = 0;
  for (const batch of batchesOf(snapshot)) {
    const answer =
      batch.kind === 'VERVAL'
        ? await senders.verval(batch.tahapId ?? '', batch.records as VervalFieldRecord[])
        : await senders.cards(batch.records as CardFieldRecord[]);
    if (answer.kind !== 'answered') return answer;
    if (answer.results.length !== batch.records.length) {
      return { kind: 'failed', message: 'Jawaban server tidak lengkap; coba kirim lagi.' };
    }
    for (const result of answer.results) {
      if (result.outcome === 'REFUSED') refused++;
      else sent++;
    }
    const at = now().toISOString();
    apply((queue) => markAnswered(queue, batch.records, answer.results, at));
  }
  return { kind: 'done', sent, refused };
}
