import DataLoader from 'dataloader';
import { CountedBatch, type CountedMove, DashboardRepository } from '#shared/adapters/dashboard-repo.ts';
import { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import type { FamiliesRepository, SnapshotData } from '#shared/adapters/families-repo.ts';
import { FoodRepository } from '#shared/adapters/food-repo.ts';
import type { SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import type { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { foodDelta } from '#shared/domain/family/dashboard.ts';
import {
  BAST_LAYOUT,
  type BastFacts,
  type BastLine,
  bastNeedsMembers,
  judgeBastLine,
  validateBastLine,
} from '#shared/domain/family/food.ts';
import { wibParts } from '#shared/domain/family/verval-sheet.ts';
import type { RowProblem } from '#shared/domain/report.ts';
import type { RowVerdict } from '#shared/import/row-file.ts';
import { FileRejection } from '#shared/import/source.ts';
import { logger } from '#shared/logger.ts';
import type { Entitlement, ImportRecord } from '#shared/model.ts';
import type { FileKind } from './import-family-file.ts';

export interface BastDeps {
  readonly tableName: string;
  readonly tahap: Pick<TahapRepository, 'get'>;
  readonly snapshots: Pick<SnapshotsRepository, 'ready'>;
  readonly families: Pick<FamiliesRepository, 'family'>;
}

/** Lines per batch: one action each, and one counter update per desa, in ≤ 100 actions a transaction. */
const BAST_BATCH = 100;
/**
 * Lines judged at once: their entitlements are read together (one BatchGetItem) and their reads
 * overlap the batch being committed, while the lines of one family still apply in the file's order.
 */
const BAST_IN_FLIGHT = 100;

/**
 * A kabupaten's BAST from BULOG (import kind `BAST`, issue #15): each line checked on its own
 * (`validateBastLine`), then judged (`judgeBastLine`) against what is looked up for its No KK at that
 * moment — the family's PANGAN entitlement in the tahap (with the keys of the lines recorded on it
 * and the recorded handover), and its members from the tahap's DTSEN snapshot — and written at once:
 * - RECORDED: the entitlement moves (DIKIRIM/DIULANG → DITERIMA or GAGAL, GAGAL → DIULANG →
 *   DITERIMA), conditional on the status read and on the line's key not being on it, with the
 *   receiver (as the KK bears it out), date, photo reference, coordinates or the reason;
 * - FINDING: nothing moves; the finding is stored under the family and the line's key (written
 *   once) and the line is reported with the finding's label;
 * - DUPLICATE (or a finding stored before): a warning, nothing changes.
 * So importing the same file again changes nothing and finds nothing new, and the lines of one file
 * apply in order (a failed attempt, then a re-delivery). Memory: the line being judged and one
 * family's members; nothing per file but the counts and one batch of moves (written a batch at a
 * time, each transaction with the dashboards' counters of its desa).
 */
export function bastFile(
  record: ImportRecord,
  importId: string,
  now: Date,
  deps: BastDeps,
): FileKind<string> {
  const { tahapId, region } = record;
  if (!tahapId || !region) throw new Error(`import ${importId}: a BAST without tahap or region`);
  const today = wibParts(now).date;
  const distribution = new DistributionRepository(deps.tableName);
  const food = new FoodRepository(deps.tableName);
  // The lines being judged at once ask for their entitlements together: one BatchGetItem for the
  // lines that asked in the same turn of the event loop (up to 100), never a cached answer.
  const pangan = new DataLoader<string, Entitlement | undefined>(
    async (noKks) => {
      const found = await distribution.entitlementsOf(tahapId, region, 'PANGAN', noKks);
      return noKks.map((noKk) => found.get(noKk));
    },
    { cache: false, maxBatchSize: 100, batchScheduleFn: (send) => setImmediate(send) },
  );
  let context: Promise<SnapshotData> | undefined;
  const prepare = async (): Promise<SnapshotData> => {
    const opened = await distribution.get(tahapId, region);
    if (opened?.status !== 'OPEN') {
      throw new FileRejection(
        'PENYALURAN_BELUM_DIBUKA',
        'Penyaluran kabupaten/kota ini pada tahap ini belum dibuka, sehingga belum ada hak pangan yang dapat dicatat serah terimanya.',
      );
    }
    const tahap = await deps.tahap.get(tahapId);
    const versionDate = tahap?.snapshots[region];
    const snapshot = versionDate ? await deps.snapshots.ready(region, versionDate) : undefined;
    if (!snapshot) throw new Error(`tahap ${tahapId}: no READY snapshot for ${region}`);
    return snapshot.data;
  };

  const facts = async (
    data: SnapshotData,
    line: BastLine,
  ): Promise<{ facts: BastFacts; entitlement?: Entitlement }> => {
    const entitlement = await pangan.load(line.noKk);
    if (!entitlement) return { facts: { seen: new Set() } };
    // The KK's members only when the receiver is someone other than the penerima (most lines are not).
    const group = bastNeedsMembers(line, entitlement.penerimaNik)
      ? await deps.families.family(data, line.noKk)
      : undefined;
    const handover = entitlement.handover;
    return {
      entitlement,
      facts: {
        entitlement: {
          ref: entitlement.ref,
          status: entitlement.status,
          penerimaNik: entitlement.penerimaNik,
          members: (group?.members ?? []).map((member) => ({
            nik: member.nik,
            hubungan: member.hubungan,
            tanggalLahir: member.tanggalLahir,
          })),
          ...(handover ? { received: { tanggal: handover.tanggal, receiverNik: handover.receiverNik } } : {}),
        },
        seen: new Set(entitlement.bastKeys ?? []),
      },
    };
  };

  /** The line judged against its family as read now: what to report, and the move to commit. */
  const judge = async (data: SnapshotData, line: BastLine, sourceRow: number) => {
    const found = await facts(data, line);
    const judgement = judgeBastLine(line, found.facts);
    const at = new Date().toISOString();
    if (judgement.kind === 'DUPLICATE') return { problems: [alreadyRecorded()] };
    if (judgement.kind === 'FINDING') {
      const stored = await food.putFinding(line.noKk, {
        tahapId,
        region,
        lineKey: judgement.lineKey,
        code: judgement.finding.code,
        label: judgement.finding.label,
        detail: judgement.finding.detail,
        ...(found.entitlement ? { desaCode: found.entitlement.desaCode } : {}),
        importId,
        sourceRow,
        foundAt: at,
      });
      return {
        problems: [
          stored
            ? {
                column: 'no_kk',
                code: judgement.finding.code,
                severity: 'warning' as const,
                message: `Temuan: ${judgement.finding.label}. ${judgement.finding.detail} Status hak pangan tidak diubah.`,
              }
            : alreadyRecorded(),
        ],
      };
    }
    const entitlement = found.entitlement;
    if (!entitlement) throw new Error('a recorded BAST line without an entitlement');
    const item = food.bastItem(entitlement, {
      from: judgement.from,
      to: judgement.to,
      lineKey: judgement.lineKey,
      at,
      handover:
        line.status === 'DITERIMA' && judgement.to === 'DITERIMA' && judgement.receiver
          ? {
              tanggal: line.tanggal,
              receiver: judgement.receiver,
              receiverNik: line.receiverNik ?? '',
              ...(line.nomorSuratKuasa ? { nomorSuratKuasa: line.nomorSuratKuasa } : {}),
              ...(line.foto ? { foto: line.foto } : {}),
              ...(line.latitude !== undefined ? { latitude: line.latitude } : {}),
              ...(line.longitude !== undefined ? { longitude: line.longitude } : {}),
              redelivery: judgement.redelivery,
              importId,
              sourceRow,
            }
          : undefined,
      notReceived:
        judgement.to === 'GAGAL' && judgement.reason
          ? { tanggal: line.tanggal, reason: judgement.reason, importId, sourceRow }
          : undefined,
    });
    const move: CountedMove<{ line: BastLine; sourceRow: number }> = {
      key: line.noKk,
      items: [item],
      tahapId,
      desaCode: entitlement.desaCode,
      delta: foodDelta(judgement.from, judgement.to),
      payload: { line, sourceRow },
    };
    return { problems: judgement.warnings, move };
  };

  // Moves go a batch at a time, each transaction with its desa's dashboard counters (food
  // delivered): a re-imported file judges every line DUPLICATE and counts nothing twice.
  const batch = new CountedBatch<{ line: BastLine; sourceRow: number }>(
    new DashboardRepository(deps.tableName),
    {
      size: BAST_BATCH,
      redo: async (move) => {
        // The entitlement moved meanwhile (another BAST of the same family): read and judge again.
        context ??= prepare();
        const again = await judge(await context, move.payload.line, move.payload.sourceRow);
        if (!again.move)
          logger.info('A BAST line was judged again after its entitlement moved', {
            sourceRow: move.payload.sourceRow,
          });
        return again.move;
      },
    },
  );

  /** The line being judged of each family: a family's next line waits for it (lines apply in order). */
  const families = new Map<string, Promise<unknown>>();
  const row = async (
    sourceRow: number,
    raw: Partial<Record<string, string>>,
  ): Promise<RowVerdict<string>> => {
    context ??= prepare();
    const data = await context;
    const checked = validateBastLine(raw, { today });
    const problems: RowProblem<string>[] = [...checked.errors, ...checked.warnings];
    const line = checked.errors.length === 0 ? checked.value : undefined;
    if (!line) return { accepted: false, problems };
    const earlier = families.get(line.noKk);
    const judged = (async () => {
      await earlier?.catch(() => undefined);
      // An earlier line of the family waiting in the batch (or being committed) is written first.
      if (batch.holds(line.noKk)) await batch.flush();
      const verdict = await judge(data, line, sourceRow);
      if (verdict.move) await batch.add(verdict.move);
      return verdict;
    })();
    families.set(line.noKk, judged);
    try {
      problems.push(...(await judged).problems);
    } finally {
      if (families.get(line.noKk) === judged) families.delete(line.noKk);
    }
    return { accepted: true, problems };
  };

  return {
    layout: BAST_LAYOUT,
    inFlight: BAST_IN_FLIGHT,
    row: ({ sourceRow, raw }) => row(sourceRow, raw),
    flush: () => batch.flush(),
    closing: async () => [],
  };
}

const alreadyRecorded = (): RowProblem<string> => ({
  column: null,
  code: 'BAST_SUDAH_TERCATAT',
  severity: 'warning',
  message:
    'Baris BAST ini sudah tercatat sebelumnya (tanggal dan penerima/alasan yang sama); tidak ada yang diubah.',
});
