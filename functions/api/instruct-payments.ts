import { handoffItem } from '#shared/adapters/outbox.ts';
import { transactWrite, WriteConflict } from '#shared/adapters/transactions.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { InstructionBodySchema } from '#shared/contract/distribution.ts';
import { instructionFileId } from '#shared/domain/family/payments.ts';
import { ConflictError } from '#shared/errors.ts';
import { actorOf, requireRegion } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import type { InstructionRecord } from '#shared/model.ts';
import { instructionView } from './cash-view.ts';
import { cashRoutes, distributionRoutes } from './deps.ts';
import { loadTahap, requireOpenTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

/**
 * `POST /tahap/{tahapId}/payments/instructions {region, followUp?}`: queues the kabupaten's next
 * payment instruction file (202): a first instruction (`AWAL`: entitlements never sent whose
 * penerima has an active account), or with `followUp` a follow-up (`SUSULAN`: payments the bank
 * reported failed or returned, as their next attempt). The file's record (its id,
 * `KHBS-PI-<tahap>-<kab>-<seq>`) and its job's message are one transaction; one file of a
 * kabupaten's tahap is written at a time. Refused (409) before the distribution is OPEN.
 */
export const handler = postHandler(routeById('InstructPayments'), async ({ event, scope }) => {
  const { region, followUp } = parseInput(InstructionBodySchema, jsonBody(event));
  requireRegion(scope, region);
  const tahap = await loadTahap(event);
  requireOpenTahap(tahap);
  const distribution = await distributionRoutes().get(tahap.tahapId, region);
  if (distribution?.status !== 'OPEN') {
    throw new ConflictError(
      'Penyaluran kabupaten/kota ini belum dibuka: instruksi pembayaran dibuat setelah SK KPM terbit.',
      { reason: 'DISTRIBUTION_NOT_OPEN' },
    );
  }
  const { instructions } = cashRoutes();
  const latest = await instructions.latest(tahap.tahapId, region);
  if (latest?.status === 'QUEUED' || latest?.status === 'RUNNING') {
    throw new ConflictError('Instruksi pembayaran kabupaten/kota ini sedang dibuat; tunggu hingga selesai.', {
      reason: 'INSTRUCTION_IN_PROGRESS',
      fileId: latest.fileId,
    });
  }
  if (followUp && !latest) {
    throw new ConflictError('Belum ada instruksi pembayaran awal; instruksi susulan dibuat setelahnya.', {
      reason: 'NO_FIRST_INSTRUCTION',
    });
  }
  const seq = (latest?.seq ?? 0) + 1;
  if (seq > 99) {
    throw new ConflictError('Batas 99 berkas instruksi untuk tahap dan kabupaten/kota ini tercapai.', {
      reason: 'TOO_MANY_FILES',
    });
  }
  const at = new Date().toISOString();
  const record: InstructionRecord = {
    tahapId: tahap.tahapId,
    region,
    seq,
    fileId: instructionFileId(tahap.tahapId, region, seq),
    kind: followUp ? 'SUSULAN' : 'AWAL',
    status: 'QUEUED',
    requestedAt: at,
    requestedBy: actorOf(scope),
  };
  try {
    await transactWrite([
      instructions.createItem(record),
      handoffItem(
        env().tableName,
        {
          queue: 'families',
          message: {
            type: 'payments.instruct.requested',
            tahapId: record.tahapId,
            region,
            seq,
            fileId: record.fileId,
            requestedAt: at,
          },
        },
        at,
      ),
    ]);
  } catch (error) {
    if (!(error instanceof WriteConflict)) throw error;
    throw new ConflictError('Instruksi pembayaran kabupaten/kota ini sedang dibuat; tunggu hingga selesai.', {
      reason: 'INSTRUCTION_IN_PROGRESS',
    });
  }
  return json(
    202,
    instructionView(tahap.tahapId, region, record) satisfies ResponseBody<'InstructPayments', 202>,
  );
});
