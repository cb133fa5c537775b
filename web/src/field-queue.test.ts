import { describe, expect, it } from 'vitest';
import {
  BATCH_SIZE,
  batchesOf,
  type CardFieldRecord,
  clearSent,
  enqueue,
  type FieldRecord,
  loadQueue,
  type NewFieldRecord,
  pending,
  type SendAnswer,
  type Senders,
  saveQueue,
  sendQueue,
  type VervalFieldRecord,
} from './field-queue.ts';

/** A `Storage` in memory, as localStorage behaves. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

const kk = (serial: number) => `620301012001${String(serial).padStart(4, '0')}`;
const visit = (serial: number, extra: Partial<VervalFieldRecord> = {}): NewFieldRecord => ({
  kind: 'VERVAL',
  tahapId: '2026-1',
  desaCode: '62.03.01.2001',
  noKk: kk(serial),
  tanggal: '2026-12-01',
  recordedAt: `2026-12-01T0${serial % 10}:00:00.000Z`,
  result: 'LAYAK',
  nomorBeritaAcara: 'BA/1/2026',
  ...extra,
});
const handover = (serial: number): NewFieldRecord => ({
  kind: 'KARTU',
  tahapId: '2026-1',
  desaCode: '62.03.01.2001',
  noKk: kk(serial),
  tanggal: '2026-12-02',
  recordedAt: '2026-12-02T08:00:00.000Z',
});

/** Senders that answer from a script and remember what they were sent. */
function scripted(answers: { verval?: SendAnswer[]; cards?: SendAnswer[] } = {}) {
  const calls: { kind: string; tahapId?: string; noKk: string[] }[] = [];
  const answerAll = (records: readonly FieldRecord[]): SendAnswer => ({
    kind: 'answered',
    results: records.map(() => ({ outcome: 'RECORDED', message: 'tercatat' })),
  });
  const senders: Senders = {
    async verval(tahapId, records: readonly VervalFieldRecord[]) {
      calls.push({ kind: 'VERVAL', tahapId, noKk: records.map((r) => r.noKk) });
      return answers.verval?.shift() ?? answerAll(records);
    },
    async cards(records: readonly CardFieldRecord[]) {
      calls.push({ kind: 'KARTU', noKk: records.map((r) => r.noKk) });
      return answers.cards?.shift() ?? answerAll(records);
    },
  };
  return { senders, calls };
}

/** The page's queue as `apply` changes it. */
function holder(initial: FieldRecord[]) {
  let queue = initial;
  return {
    get: () => queue,
    apply: (change: (current: readonly FieldRecord[]) => FieldRecord[]) => {
      queue = change(queue);
    },
  };
}

describe('the field queue', () => {
  it('keeps one record per kind, tahap and family: recording again replaces what is not sent', () => {
    let queue = enqueue([], visit(1));
    queue = enqueue(queue, handover(1));
    queue = enqueue(queue, visit(1, { result: 'MAMPU', recordedAt: '2026-12-01T09:30:00.000Z' }));
    expect(queue.map((r) => [r.key, r.status])).toEqual([
      [`KARTU#2026-1#${kk(1)}`, 'QUEUED'],
      [`VERVAL#2026-1#${kk(1)}`, 'QUEUED'],
    ]);
    expect(queue.find((r) => r.kind === 'VERVAL')).toMatchObject({ result: 'MAMPU' });
    // Another tahap is another record.
    queue = enqueue(queue, visit(1, { tahapId: '2026-2' }));
    expect(pending(queue)).toHaveLength(3);
  });

  it('survives a reload: saved and loaded back as it was; a damaged value is set aside, not lost', () => {
    const storage = new MemoryStorage();
    const queue = enqueue(
      enqueue([], visit(1, { note: 'rumah kosong', penerimaNik: '6203011508850010' })),
      handover(2),
    );
    saveQueue(storage, 'relawan-sari', queue);
    expect(loadQueue(storage, 'relawan-sari')).toEqual(queue);
    // Another user of the same browser has a queue of their own.
    expect(loadQueue(storage, 'relawan-budi')).toEqual([]);
    storage.setItem('khbs.lapangan.relawan-budi', '{"bukan":');
    expect(loadQueue(storage, 'relawan-budi')).toEqual([]);
    expect(storage.getItem('khbs.lapangan.relawan-budi.rusak')).toBe('{"bukan":');
    storage.setItem('khbs.lapangan.relawan-budi', JSON.stringify([{ kind: 'LAIN' }]));
    expect(loadQueue(storage, 'relawan-budi')).toEqual([]);
  });

  it('sends one batch per kind (verval per tahap), at most BATCH_SIZE records each', () => {
    let queue: FieldRecord[] = [];
    for (let serial = 1; serial <= BATCH_SIZE + 2; serial++) queue = enqueue(queue, visit(serial));
    queue = enqueue(queue, visit(1, { tahapId: '2026-2' }));
    queue = enqueue(queue, handover(1));
    queue = enqueue(queue, handover(2));
    const batches = batchesOf(queue);
    expect(batches.map((b) => [b.kind, b.tahapId, b.records.length])).toEqual([
      ['VERVAL', '2026-1', BATCH_SIZE],
      ['VERVAL', '2026-1', 2],
      ['VERVAL', '2026-2', 1],
      ['KARTU', undefined, 2],
    ]);
  });

  it('marks each record by its answer: RECORDED and UNCHANGED are sent, REFUSED keeps the reason', async () => {
    const queue = holder(enqueue(enqueue(enqueue([], visit(1)), visit(2)), handover(3)));
    const { senders, calls } = scripted({
      verval: [
        {
          kind: 'answered',
          results: [
            { outcome: 'UNCHANGED', message: 'Hasil kunjungan ini sudah tercatat sebelumnya.' },
            { outcome: 'REFUSED', message: 'No KK ini tidak termasuk keluarga desa ini pada tahap ini.' },
          ],
        },
      ],
    });
    const outcome = await sendQueue(
      queue.get(),
      senders,
      queue.apply,
      () => new Date('2026-12-03T00:00:00Z'),
    );
    expect(outcome).toEqual({ kind: 'done', sent: 2, refused: 1 });
    expect(calls).toEqual([
      { kind: 'VERVAL', tahapId: '2026-1', noKk: [kk(1), kk(2)] },
      { kind: 'KARTU', noKk: [kk(3)] },
    ]);
    expect(queue.get().map((r) => [r.noKk, r.status, r.message])).toEqual([
      [kk(1), 'SENT', 'Hasil kunjungan ini sudah tercatat sebelumnya.'],
      [kk(2), 'REFUSED', 'No KK ini tidak termasuk keluarga desa ini pada tahap ini.'],
      [kk(3), 'SENT', 'tercatat'],
    ]);
    expect(queue.get()[0]?.sentAt).toBe('2026-12-03T00:00:00.000Z');
    // Nothing left to send; the sent are cleared on request, the refused stay to be read.
    expect(batchesOf(queue.get())).toEqual([]);
    expect(clearSent(queue.get()).map((r) => r.noKk)).toEqual([kk(2)]);
  });

  it('keeps everything queued when offline, and stops at an expired token without losing a record', async () => {
    const queue = holder(enqueue(enqueue([], visit(1)), handover(2)));
    const offline = scripted({ verval: [{ kind: 'offline' }] });
    expect(await sendQueue(queue.get(), offline.senders, queue.apply)).toEqual({ kind: 'offline' });
    // The first batch had no answer: the second was not tried.
    expect(offline.calls.map((c) => c.kind)).toEqual(['VERVAL']);
    expect(pending(queue.get())).toHaveLength(2);

    const expired = scripted({ cards: [{ kind: 'expired' }] });
    expect(await sendQueue(queue.get(), expired.senders, queue.apply)).toEqual({ kind: 'expired' });
    expect(queue.get().map((r) => [r.kind, r.status])).toEqual([
      ['VERVAL', 'SENT'],
      ['KARTU', 'QUEUED'],
    ]);
    // Signed in again: the rest is sent, the answered is not sent twice.
    const again = scripted();
    expect(await sendQueue(queue.get(), again.senders, queue.apply)).toEqual({
      kind: 'done',
      sent: 1,
      refused: 0,
    });
    expect(again.calls).toEqual([{ kind: 'KARTU', noKk: [kk(2)] }]);
    expect(pending(queue.get())).toEqual([]);
  });

  it('leaves a record recorded again while its batch was in flight queued, to be sent next', async () => {
    const queue = holder(enqueue([], visit(1)));
    const newer = visit(1, { result: 'PINDAH', recordedAt: '2026-12-01T10:00:00.000Z' });
    const senders: Senders = {
      async verval(_tahapId, records) {
        queue.apply((current) => enqueue(current, newer));
        return {
          kind: 'answered',
          results: records.map(() => ({ outcome: 'RECORDED', message: 'tercatat' })),
        };
      },
      cards: async () => ({ kind: 'failed', message: 'tidak dipanggil' }),
    };
    await sendQueue(queue.get(), senders, queue.apply);
    expect(queue.get()).toEqual([expect.objectContaining({ result: 'PINDAH', status: 'QUEUED' })]);
  });

  it('keeps a batch queued when the answer does not match what was sent', async () => {
    const queue = holder(enqueue(enqueue([], visit(1)), visit(2)));
    const { senders } = scripted({
      verval: [{ kind: 'answered', results: [{ outcome: 'RECORDED', message: 'tercatat' }] }],
    });
    expect(await sendQueue(queue.get(), senders, queue.apply)).toMatchObject({ kind: 'failed' });
    expect(pending(queue.get())).toHaveLength(2);
  });
});
