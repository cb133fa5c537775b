import { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import type { FamiliesRepository, SnapshotData } from '#shared/adapters/families-repo.ts';
import { FoodRepository } from '#shared/adapters/food-repo.ts';
import type { SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import type { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import {
  BAST_LAYOUT,
  type BastFacts,
  type BastLine,
  judgeBastLine,
  validateBastLine,
} from '#shared/domain/family/food.ts';
import { wibParts } from '#shared/domain/family/verval-sheet.ts';
import type { RowProblem } from '#shared/domain/report.ts';
import type { RowVerdict } from '#shared/import/row-file.ts';
import { FileRejection } from '#shared/import/source.ts';
import type { Entitlement, ImportRecord } from '#shared/model.ts';
import type { FileKind } from './import-family-file.ts';

export interface BastDeps {
  readonly tableName: string;
  readonly tahap: Pick<TahapRepository, 'get'>;
  readonly snapshots: Pick<SnapshotsRepository, 'ready'>;
  readonly families: Pick<FamiliesRepository, 'family'>;
}

/** Reads and judges of one line when its family's entitlement moved in between (another import). */
const ROUNDS = 4;

/**
 * Lines judged at once (each: the entitlement read, the family's members read, one conditional
 * write): one at a time, a 60,000-line BAST waits out 180,000 round trips in turn.
 */
const LINES_IN_FLIGHT = 16;

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
 * apply in order (a failed attempt, then a re-delivery): a family's lines are judged one after the
 * other, in the file's order, while {@link LINES_IN_FLIGHT} lines of different families are judged
 * at once. Memory: the lines being judged and their families' members; nothing per file but the
 * counts.
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
    const entitlement = await distribution.entitlement(tahapId, region, 'PANGAN', line.noKk);
    if (!entitlement) return { facts: { seen: new Set() } };
    const group = await deps.families.family(data, line.noKk);
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

  /** Each family's latest line still being judged: its next line waits for it. */
  const inProgress = new Map<string, Promise<unknown>>();

  /**
   * Checks a line at once, then judges it once the family's earlier lines in the file are done, so
   * a family's lines apply in the file's order while other families' lines run beside them.
   */
  const row = (sourceRow: number, raw: Partial<Record<string, string>>): Promise<RowVerdict<string>> => {
    context ??= prepare();
    const ready = context;
    const checked = validateBastLine(raw, { today });
    const problems: RowProblem<string>[] = [...checked.errors, ...checked.warnings];
    const line = checked.errors.length === 0 ? checked.value : undefined;
    if (!line) return ready.then(() => ({ accepted: false, problems }));
    const before = inProgress.get(line.noKk);
    const verdict = (async () => {
      if (before) await before.catch(() => undefined);
      return judged(await ready, sourceRow, line, problems);
    })();
    inProgress.set(line.noKk, verdict);
    const forget = () => {
      if (inProgress.get(line.noKk) === verdict) inProgress.delete(line.noKk);
    };
    verdict.then(forget, forget);
    return verdict;
  };

  const judged = async (
    data: SnapshotData,
    sourceRow: number,
    line: BastLine,
    problems: RowProblem<string>[],
  ): Promise<RowVerdict<string>> => {
    for (let round = 1; round <= ROUNDS; round++) {
      const found = await facts(data, line);
      const judgement = judgeBastLine(line, found.facts);
      const at = new Date().toISOString();
      if (judgement.kind === 'DUPLICATE') {
        problems.push(alreadyRecorded());
        return { accepted: true, problems };
      }
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
        problems.push(
          stored
            ? {
                column: 'no_kk',
                code: judgement.finding.code,
                severity: 'warning',
                message: `Temuan: ${judgement.finding.label}. ${judgement.finding.detail} Status hak pangan tidak diubah.`,
              }
            : alreadyRecorded(),
        );
        return { accepted: true, problems };
      }
      const entitlement = found.entitlement;
      if (!entitlement) throw new Error('a recorded BAST line without an entitlement');
      const moved = await food.recordBast(entitlement, {
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
      if (moved) {
        problems.push(...judgement.warnings);
        return { accepted: true, problems };
      }
      // The entitlement moved meanwhile (another BAST of the same family): read and judge again.
    }
    throw new Error(`BAST line ${sourceRow}: the entitlement kept moving`);
  };

  return {
    layout: BAST_LAYOUT,
    inFlight: LINES_IN_FLIGHT,
    row: ({ sourceRow, raw }) => row(sourceRow, raw),
    flush: async () => undefined,
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
