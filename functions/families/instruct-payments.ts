import { once } from 'node:events';
import type { AccountsRepository } from '#shared/adapters/accounts-repo.ts';
import type { FileTarget } from '#shared/adapters/csv-file.ts';
import type { DistributionRepository, InstructedMove } from '#shared/adapters/distribution-repo.ts';
import type { ExchangeRepository } from '#shared/adapters/exchange-repo.ts';
import type { FamilyDirectoryRepository } from '#shared/adapters/family-directory-repo.ts';
import type { InstructionsRepository } from '#shared/adapters/instructions-repo.ts';
import { instructionFileKeys } from '#shared/adapters/storage-keys.ts';
import type { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { instructionRef } from '#shared/domain/family/distribution.ts';
import {
  controlFileText,
  type EntitlementForInstruction,
  type InstructionFileMeta,
  InstructionFileWriter,
  type InstructionLine,
  type InstructionPlan,
  planFirstInstruction,
  planFollowUp,
  sentStatus,
} from '#shared/domain/family/payments.ts';
import { acceptsDistributionWork } from '#shared/domain/family/tahap.ts';
import { regionName } from '#shared/domain/wilayah.ts';
import { mapInOrder } from '#shared/in-order.ts';
import { logger } from '#shared/logger.ts';
import type { PaymentsInstructRequested } from '#shared/messages.ts';
import type { AccountRecord, Entitlement, InstructionRecord } from '#shared/model.ts';
import { handToParty } from './exchange-handoff.ts';

export interface InstructPaymentsDeps {
  readonly instructions: InstructionsRepository;
  readonly accounts: Pick<AccountsRepository, 'many'>;
  readonly distribution: Pick<
    DistributionRepository,
    'get' | 'entitlements' | 'entitlement' | 'markInstructedMany'
  >;
  readonly directory: Pick<FamilyDirectoryRepository, 'logReads'>;
  readonly exchange: Pick<ExchangeRepository, 'register'>;
  readonly objects: {
    openWrite(bucket: string, key: string, contentType: string): FileTarget;
    put(bucket: string, key: string, body: string, contentType: string): Promise<void>;
  };
  readonly documentsBucket: string;
  readonly tahap: Pick<TahapRepository, 'get'>;
  readonly now?: () => Date;
}

export type InstructOutcome =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'written'; readonly record: InstructionRecord };

/**
 * Entitlements planned and moved together: their moves go out as conditional updates packed 100 a
 * TransactWriteItems call (`markInstructedMany`), so 60,000 entitlements are ~600 calls, not 60,000.
 */
const CHUNK = 400;
/** Entitlements whose move was refused read again at once (rare: another file, a redelivery). */
const REREADS_IN_FLIGHT = 16;

class InstructRefusal extends Error {}

/**
 * Writes one payment instruction file for Bank Kalteng (`payments.instruct.requested`, handed off
 * by `POST /tahap/{tahapId}/payments/instructions`): the kabupaten's TUNAI entitlements streamed
 * in key order, each planned (`planFirstInstruction` for a first file, `planFollowUp` for a
 * follow-up) against its penerima's active account; each planned line's entitlement is moved
 * first (`sentStatus`: conditional on the status and attempts planned from; a chunk's moves go
 * 100 a TransactWriteItems call), and only then is its line written. An entitlement already moved onto **this** file id (a crash, a redelivered
 * message) is written again from what it recorded, never planned again: the same file id always
 * has the same references. The control file follows, and the record is closed COMPLETED: only then
 * does the GET hand the files out, so the bank never sees a line whose attempt is not recorded.
 */
export async function instructPayments(
  message: PaymentsInstructRequested,
  deps: InstructPaymentsDeps,
): Promise<InstructOutcome> {
  const { tahapId, region, seq, fileId } = message;
  const now = deps.now ?? (() => new Date());
  let record = await deps.instructions.get(tahapId, region, seq);
  if (record?.fileId !== fileId) return { kind: 'skipped', reason: 'no such file' };
  if (record.status === 'COMPLETED' || record.status === 'FAILED') return { kind: 'skipped', reason: 'done' };
  if (record.status === 'QUEUED') {
    const running: InstructionRecord = { ...record, status: 'RUNNING', startedAt: now().toISOString() };
    if (!(await deps.instructions.mark(record, running))) return { kind: 'skipped', reason: 'moved' };
    record = running;
  }
  try {
    const distribution = await deps.distribution.get(tahapId, region);
    if (distribution?.status !== 'OPEN') {
      throw new InstructRefusal('Penyaluran kabupaten/kota ini belum dibuka (SK KPM belum terbit).');
    }
    // A file queued before the tahap was closed instructs nothing after it.
    const tahap = await deps.tahap.get(tahapId);
    const accepting = tahap ? acceptsDistributionWork(tahap.status) : undefined;
    if (accepting && !accepting.ok) throw new InstructRefusal(accepting.message);
    const meta: InstructionFileMeta = {
      fileId,
      kind: record.kind,
      tahapId,
      region,
      regionName: regionName(region) ?? region,
      skNumbers: [distribution.decreeNumber],
      // The request's time, not the job's: a file written again is the same file, byte for byte.
      createdAt: record.requestedAt,
    };
    const keys = instructionFileKeys(tahapId, region, fileId);
    const writer = new InstructionFileWriter(meta);
    const target = deps.objects.openWrite(deps.documentsBucket, keys.file, 'text/csv; charset=utf-8');
    const counts = { waitingAccount: 0, skipped: {} as Record<string, number> };
    const write = async (text: string) => {
      if (!target.stream.write(text)) await once(target.stream, 'drain');
    };
    try {
      await write(writer.header());
      let chunk: Entitlement[] = [];
      const flush = async () => {
        const accounts = await deps.accounts.many(chunk.map((entitlement) => entitlement.penerimaNik));
        // The chunk's moves are committed together; the lines are then written in the order read,
        // so the file is the same whatever order the moves end in.
        const lines = await linesOf(deps, record as InstructionRecord, chunk, accounts, counts, now);
        for (const line of lines) if (line) await write(writer.line(line));
        chunk = [];
      };
      for await (const entitlement of deps.distribution.entitlements(tahapId, region, 'TUNAI')) {
        chunk.push(entitlement);
        if (chunk.length >= CHUNK) await flush();
      }
      if (chunk.length > 0) await flush();
    } catch (error) {
      target.stream.destroy(error instanceof Error ? error : new Error(String(error)));
      await target.done().catch(() => undefined);
      throw error;
    }
    target.stream.end();
    await target.done();
    const control = writer.control();
    await deps.objects.put(
      deps.documentsBucket,
      keys.control,
      controlFileText(meta, control),
      'text/csv; charset=utf-8',
    );
    await deps.directory.logReads([
      {
        read: {
          kind: 'FILE',
          file: 'INSTRUKSI_PEMBAYARAN',
          region,
          tahapId,
          fileKey: keys.file,
          families: control.lines,
        },
        at: now().toISOString(),
        who: record.requestedBy,
        route: 'InstructPayments',
      },
    ]);
    // The bank checks the file against the control total and SHA-256 the listing shows it; the
    // control file itself stays beside it for the office.
    await handToParty(deps.exchange, {
      fileId,
      kind: 'INSTRUKSI_BAYAR',
      tahapId,
      region,
      file: { key: keys.file, rows: control.lines, sha256: control.sha256 },
      controlTotal: control.total,
      createdAt: record.requestedAt,
      createdBy: record.requestedBy,
    });
    const done: InstructionRecord = {
      ...record,
      status: 'COMPLETED',
      finishedAt: now().toISOString(),
      fileKey: keys.file,
      controlKey: keys.control,
      sha256: control.sha256,
      lines: control.lines,
      total: control.total,
      waitingAccount: counts.waitingAccount,
      skipped: counts.skipped,
    };
    if (!(await deps.instructions.mark(record, done))) return { kind: 'skipped', reason: 'moved' };
    logger.info('Payment instruction written', {
      tahapId,
      region,
      fileId,
      lines: control.lines,
      total: control.total,
      waitingAccount: counts.waitingAccount,
    });
    return { kind: 'written', record: done };
  } catch (error) {
    if (!(error instanceof InstructRefusal)) throw error;
    await deps.instructions.mark(record, {
      status: 'FAILED',
      error: error.message,
      finishedAt: now().toISOString(),
    });
    return { kind: 'failed', error: error.message };
  }
}

/**
 * The lines these entitlements have on the file, in their order (undefined for one that has none),
 * each planned one moved first: the moves committed together (`markInstructedMany`, conditional
 * on the status and attempts planned from, as one move alone would be). One whose condition failed
 * moved meanwhile (another file, a redelivery): it is read again and decided again, as often as three
 * times, and only the moves that were written give lines.
 */
async function linesOf(
  deps: InstructPaymentsDeps,
  record: InstructionRecord,
  read: readonly Entitlement[],
  accounts: Map<string, AccountRecord>,
  counts: { waitingAccount: number; skipped: Record<string, number> },
  now: () => Date,
): Promise<(InstructionLine | undefined)[]> {
  const lines = new Array<InstructionLine | undefined>(read.length);
  let pending = read.map((entitlement, index) => ({ index, entitlement }));
  for (let round = 1; pending.length > 0; round++) {
    if (round > 3) {
      throw new Error(`entitlement ${read[pending[0]?.index ?? 0]?.ref} kept moving while instructed`);
    }
    const moves: { index: number; entitlement: Entitlement; line: InstructionLine; move: InstructedMove }[] =
      [];
    for (const { index, entitlement } of pending) {
      const again = onThisFile(entitlement, record.fileId);
      if (again) {
        lines[index] = again;
        continue;
      }
      const plan: InstructionPlan = (record.kind === 'AWAL' ? planFirstInstruction : planFollowUp)(
        forInstruction(entitlement),
        accounts.get(entitlement.penerimaNik),
        record,
      );
      if (plan.kind === 'WAITING_ACCOUNT') {
        counts.waitingAccount++;
      } else if (plan.kind === 'SKIPPED') {
        counts.skipped[plan.reason] = (counts.skipped[plan.reason] ?? 0) + 1;
      } else {
        moves.push({
          index,
          entitlement,
          line: plan.line,
          move: sentStatus(record.kind, plan, record.fileId),
        });
      }
    }
    const lost = await deps.distribution.markInstructedMany(moves, now().toISOString());
    moves.forEach((move, position) => {
      if (!lost.has(position)) lines[move.index] = move.line;
    });
    const refused = moves.filter((_, position) => lost.has(position));
    const fresh = await mapInOrder(refused, REREADS_IN_FLIGHT, ({ entitlement }) =>
      deps.distribution.entitlement(entitlement.tahapId, entitlement.region, 'TUNAI', entitlement.noKk),
    );
    pending = refused.flatMap(({ index }, position) => {
      const entitlement = fresh[position];
      return entitlement ? [{ index, entitlement }] : [];
    });
  }
  return lines;
}

/** The line an entitlement already moved onto this file has (written again identically). */
function onThisFile(entitlement: Entitlement, fileId: string): InstructionLine | undefined {
  if (entitlement.status !== 'DIKIRIM' && entitlement.status !== 'DIULANG') return undefined;
  const last = entitlement.instructions?.at(-1);
  if (last?.fileId !== fileId || last.attempt !== entitlement.attempts) return undefined;
  return {
    noRekening: last.noRekening,
    nik: entitlement.penerimaNik,
    nama: entitlement.penerimaNama,
    amount: entitlement.amount,
    ref: instructionRef(entitlement.ref, last.attempt),
    nomorSk: entitlement.decreeNumber,
  };
}

/** An entitlement as the planning reads it. */
export function forInstruction(entitlement: Entitlement): EntitlementForInstruction {
  return {
    ref: entitlement.ref,
    tahapId: entitlement.tahapId,
    component: entitlement.component,
    region: entitlement.region,
    amount: entitlement.amount,
    status: entitlement.status,
    nomorSk: entitlement.decreeNumber,
    penerimaNik: entitlement.penerimaNik,
    penerimaNama: entitlement.penerimaNama,
    ...(entitlement.lastAttempt ? { lastAttempt: entitlement.lastAttempt } : {}),
  };
}
