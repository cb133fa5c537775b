import { PassThrough } from 'node:stream';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DistributionRepository, type InstructedMove } from '#shared/adapters/distribution-repo.ts';
import type { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import type { TransactItem } from '#shared/adapters/transactions.ts';
import type { AccountRecord, Entitlement, InstructionRecord } from '#shared/model.ts';
import { type InstructPaymentsDeps, instructPayments } from '../../functions/families/instruct-payments.ts';

/**
 * The payment instruction's batched moves: entitlements moved 100 a TransactWriteItems call, and a
 * cancelled transaction's refused rows (CancellationReasons) handled as a refused single update was
 * (read again, decided again) while the rest of the batch moves.
 */

const TAHAP = '2026-1';
const REGION = '62.03';
const FILE_ID = 'KHBS-PI-2026-1-6203-01';
const SK = 'SK-KPM-62.03-2026-1';

const entitlement = (serial: number, over: Partial<Entitlement> = {}): Entitlement => ({
  ref: `KHBS-${TAHAP}-T-${'A'.repeat(10)}${String.fromCharCode(65 + Math.floor(serial / 26))}${String.fromCharCode(65 + (serial % 26))}`,
  tahapId: TAHAP,
  region: REGION,
  component: 'TUNAI',
  amount: 300_000,
  noKk: `62030100000${String(serial).padStart(5, '0')}`,
  familyId: `F${serial}`,
  penerimaNik: `62030101010${String(serial).padStart(5, '0')}`,
  penerimaNama: `Penerima ${serial}`,
  kecamatanCode: '62.03.01',
  desaCode: '62.03.01.2001',
  decreeId: 'D1',
  decreeNumber: SK,
  status: 'DITETAPKAN',
  attempts: 0,
  createdAt: '2026-12-01T00:00:00.000Z',
  ...over,
});

const cancelled = (codes: readonly string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** A client whose TransactWrite calls answer in turn from `answers` (an error thrown, or written). */
function fakeClient(answers: (Error | undefined)[]) {
  const calls: TransactItem[][] = [];
  const client = {
    send: async (command: TransactWriteCommand) => {
      calls.push([...(command.input.TransactItems ?? [])]);
      const answer = answers.shift();
      if (answer) throw answer;
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, calls };
}

const move = (serial: number): { entitlement: Entitlement; move: InstructedMove } => ({
  entitlement: entitlement(serial),
  move: {
    status: 'DIKIRIM',
    expectedStatus: 'DITETAPKAN',
    attempt: { attempt: 1, noRekening: '1234567890', fileId: FILE_ID },
  },
});

const noKkOf = (item: TransactItem | undefined) => String(item?.Update?.Key?.sk ?? '');

describe('DistributionRepository.markInstructedMany', () => {
  it('sends the conditional moves in one transaction and returns nothing refused', async () => {
    const { client, calls } = fakeClient([]);
    const lost = await new DistributionRepository('t', client).markInstructedMany(
      [move(1), move(2), move(3)],
      '2026-12-06T00:00:00.000Z',
    );
    expect(lost.size).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(3);
    expect(calls[0]?.[0]?.Update?.ConditionExpression).toBe('#status = :from AND attempts = :attempts');
  });

  it('returns the moves whose condition failed and commits the rest without them', async () => {
    const { client, calls } = fakeClient([cancelled(['None', 'ConditionalCheckFailed', 'None'])]);
    const lost = await new DistributionRepository('t', client).markInstructedMany(
      [move(1), move(2), move(3)],
      '2026-12-06T00:00:00.000Z',
    );
    expect([...lost]).toEqual([1]);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.map(noKkOf)).toEqual([noKkOf(calls[0]?.[0]), noKkOf(calls[0]?.[2])]);
  });

  it('retries a transaction another transaction got in the way of, all its moves', async () => {
    const { client, calls } = fakeClient([cancelled(['None', 'TransactionConflict'])]);
    const lost = await new DistributionRepository('t', client).markInstructedMany(
      [move(1), move(2)],
      '2026-12-06T00:00:00.000Z',
    );
    expect(lost.size).toBe(0);
    expect(calls.map((items) => items.length)).toEqual([2, 2]);
  });

  it('packs at most 100 moves a transaction and names a refused move by its own index', async () => {
    const codes = Array.from({ length: 50 }, (_, index) =>
      index === 10 ? 'ConditionalCheckFailed' : 'None',
    );
    // Transactions go out 4 at once: the third (moves 200-249) is the one of 50 items.
    const calls: TransactItem[][] = [];
    const client = {
      send: async (command: TransactWriteCommand) => {
        const items = [...(command.input.TransactItems ?? [])];
        calls.push(items);
        if (items.length === 50 && calls.filter((call) => call.length === 50).length === 1) {
          throw cancelled(codes);
        }
        return {};
      },
    } as unknown as DynamoDBDocumentClient;
    const moves = Array.from({ length: 250 }, (_, index) => move(index));
    const lost = await new DistributionRepository('t', client).markInstructedMany(moves, 'now');
    expect([...lost]).toEqual([210]);
    expect(calls.map((items) => items.length).sort((a, b) => a - b)).toEqual([49, 50, 100, 100]);
  });
});

describe('instructPayments with a refused move in a batch', () => {
  const record: InstructionRecord = {
    tahapId: TAHAP,
    region: REGION,
    status: 'QUEUED',
    requestedAt: '2026-12-06T01:00:00.000Z',
    requestedBy: { sub: 'admin', name: 'Admin', role: 'ADMIN' },
    fileId: FILE_ID,
    seq: 1,
    kind: 'AWAL',
  };

  /** The job against fakes; `moved` is what a re-read of the refused family 2 finds. */
  async function run(moved: Entitlement | undefined) {
    const rows = [1, 2, 3].map((serial) => entitlement(serial));
    const committed: Entitlement[] = [];
    const reads: string[] = [];
    const bytes: Buffer[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => bytes.push(chunk));
    let current = record;
    const deps: InstructPaymentsDeps = {
      // A tahap in PENYALURAN: it takes distribution work.
      tahap: {
        get: async () => ({ status: 'PENYALURAN' }) as Awaited<ReturnType<TahapRepository['get']>>,
      },
      instructions: {
        get: async () => current,
        mark: async (_from: InstructionRecord, to: Partial<InstructionRecord>) => {
          current = { ...current, ...to };
          return true;
        },
      } as unknown as InstructPaymentsDeps['instructions'],
      accounts: {
        many: async (niks) =>
          new Map<string, AccountRecord>(
            niks.map((nik) => [nik, { nik, status: 'AKTIF', noRekening: `99${nik.slice(-8)}` }]),
          ),
      },
      distribution: {
        get: async () =>
          ({ status: 'OPEN', decreeNumber: SK }) as Awaited<ReturnType<DistributionRepository['get']>>,
        entitlements: async function* () {
          yield* rows;
        },
        entitlement: async (_tahap, _region, _component, noKk) => {
          reads.push(noKk);
          return moved;
        },
        markInstructedMany: async (moves) => {
          // Family 2 moved meanwhile: its condition fails, the others are written.
          const refused = new Set<number>();
          moves.forEach(({ entitlement }, index) => {
            if (entitlement.noKk === rows[1]?.noKk && entitlement.status === 'DITETAPKAN') refused.add(index);
            else committed.push(entitlement);
          });
          return refused;
        },
      },
      directory: { logReads: async () => undefined },
      exchange: { register: async () => true } as unknown as InstructPaymentsDeps['exchange'],
      objects: {
        openWrite: () => ({
          stream,
          done: () => new Promise<void>((resolve) => stream.on('end', () => resolve())).then(() => undefined),
        }),
        put: async () => undefined,
      },
      documentsBucket: 'docs',
      now: () => new Date('2026-12-06T02:00:00.000Z'),
    };
    stream.resume();
    const outcome = await instructPayments(
      {
        type: 'payments.instruct.requested',
        tahapId: TAHAP,
        region: REGION,
        seq: 1,
        fileId: FILE_ID,
        requestedAt: record.requestedAt,
      },
      deps,
    );
    const refs = Buffer.concat(bytes)
      .toString('utf8')
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(';').find((cell) => cell.startsWith('KHBS-')));
    return { outcome, committed, reads, refs, rows };
  }

  it('reads the refused row again and skips it when another file took it; the rest are on the file', async () => {
    const other = entitlement(2, {
      status: 'DIKIRIM',
      attempts: 1,
      instructions: [{ attempt: 1, noRekening: '1111111111', fileId: 'KHBS-PI-2026-1-6203-09', at: 'x' }],
    });
    const { outcome, committed, reads, refs, rows } = await run(other);
    expect(reads).toEqual([rows[1]?.noKk]);
    expect(committed.map((row) => row.noKk)).toEqual([rows[0]?.noKk, rows[2]?.noKk]);
    expect(refs).toEqual([`${rows[0]?.ref}-1`, `${rows[2]?.ref}-1`]);
    expect(outcome).toMatchObject({ kind: 'written', record: { lines: 2, skipped: { SUDAH_DIKIRIM: 1 } } });
  });

  it('writes the refused row from what it recorded, in its place, when it was moved onto this file', async () => {
    const here = entitlement(2, {
      status: 'DIKIRIM',
      attempts: 1,
      instructions: [{ attempt: 1, noRekening: '5555555555', fileId: FILE_ID, at: 'x' }],
    });
    const { outcome, refs, rows } = await run(here);
    expect(refs).toEqual([`${rows[0]?.ref}-1`, `${rows[1]?.ref}-1`, `${rows[2]?.ref}-1`]);
    expect(outcome).toMatchObject({ kind: 'written', record: { lines: 3 } });
  });

  it('leaves out a refused row that is gone when read again', async () => {
    const { outcome, refs, rows } = await run(undefined);
    expect(refs).toEqual([`${rows[0]?.ref}-1`, `${rows[2]?.ref}-1`]);
    expect(outcome).toMatchObject({ kind: 'written', record: { lines: 2 } });
  });
});
