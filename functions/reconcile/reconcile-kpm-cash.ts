import { type FileTarget, writeCsvFile } from '#shared/adapters/csv-file.ts';
import type { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import type { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import { PREFIXES } from '#shared/adapters/storage-keys.ts';
import { closedStatus } from '#shared/domain/family/payments.ts';
import { maskNik } from '#shared/domain/mask.ts';
import {
  type EntitlementOutcome,
  FINDING_LABEL,
  type Finding,
  Ledger,
  type LedgerDecree,
  type ObservedPayment,
} from '#shared/domain/reconciliation.ts';
import { mapInOrder } from '#shared/in-order.ts';
import { logger } from '#shared/logger.ts';
import type { Entitlement } from '#shared/model.ts';

export interface ReconcileKpmCashDeps {
  readonly decrees: Pick<DecreesRepository, 'get'>;
  readonly distribution: Pick<DistributionRepository, 'list' | 'entitlements' | 'closeAttempt'>;
  readonly payments: { stream(): AsyncIterable<ObservedPayment> };
  readonly objects: { openWrite(bucket: string, key: string, contentType: string): FileTarget };
  readonly documentsBucket: string;
  readonly now?: () => Date;
}

export interface KpmCashResult {
  /** Absent when the tahap has no open distribution (nothing to reconcile, no file written). */
  readonly reportKey?: string | undefined;
  readonly findings: number;
  readonly entitlements: number;
  readonly closed: {
    readonly DITERIMA: number;
    readonly GAGAL: number;
    readonly unchanged: number;
    readonly moved: number;
  };
  readonly ignoredLines: number;
}

/** The findings file's columns (masked NIK; the entitlement's reference names no person). */
const FINDING_COLUMNS = [
  'Temuan',
  'Keterangan',
  'Kabupaten/Kota',
  'Nomor SK',
  'Referensi Hak',
  'NIK',
  'Jumlah Hak',
  'Jumlah Dibayar',
  'Referensi Bank',
  'Rincian',
] as const;

/** An instructed entitlement as the run read it (~150 bytes with its map entry). */
interface ReadEntitlement
  extends Pick<Entitlement, 'tahapId' | 'region' | 'component' | 'noKk' | 'status' | 'attempts'> {
  readonly paidAmount?: number | undefined;
  readonly returnedAmount?: number | undefined;
  readonly lastOutcome?: 'BERHASIL' | 'GAGAL' | 'RETUR' | undefined;
}

/** Outcomes handled together, and entitlements read and closed at once among them. */
const CLOSE_CHUNK = 100;
const CLOSES_IN_FLIGHT = 16;

/** Where a run's findings go: beside the BKK reconciliation reports. */
export const kpmCashReportKey = (tahapId: string, runId: string) =>
  `${PREFIXES.reconciliationReports}kpm-${tahapId}-${runId}.csv`;

/**
 * The KPM cash reconciliation of one tahap (issue #15): every kabupaten's KPM decree (from its
 * distribution record) and every TUNAI entitlement instructed at least once, with each attempt's
 * account, go into the `Ledger` with the KPM scope; every stored bank line streams through it
 * (lines matched by their KHBS reference only); the findings are written as CSV; then each
 * entitlement is closed (`entitlementOutcomes()` → `closedStatus`): DITERIMA, GAGAL with the last
 * attempt's outcome (ready for a follow-up), or unchanged; and its received and returned amounts
 * are recorded for the BKAD money view. Each write is conditional on the status and attempts read
 * when the run began (not read again: one write each, 16 at once): an entitlement instructed again
 * meanwhile is left for the next run, and one the run finds as it was costs no write at all.
 *
 * Memory: the ledger's small entry per instructed entitlement and a reference → what was read of
 * it (~150 bytes each: ~45 MB at 300,000). Run by the reconciliation worker after each BKK run, for every
 * tahap past its decree (`reconcileKpmTahap` in `handler.ts`).
 */
export async function reconcileKpmCash(
  tahapId: string,
  runId: string,
  deps: ReconcileKpmCashDeps,
): Promise<KpmCashResult> {
  const now = deps.now ?? (() => new Date());
  const decrees: LedgerDecree[] = [];
  const regions: { region: string; decreeId: string }[] = [];
  for (const record of await deps.distribution.list(tahapId)) {
    if (record.status !== 'OPEN') continue;
    const decree = await deps.decrees.get(record.decreeId);
    if (!decree || (decree.status !== 'ISSUED' && decree.status !== 'REVOKED')) continue;
    decrees.push({
      decreeId: decree.decreeId,
      number: decree.number,
      year: decree.year,
      seq: decree.seq,
      proposalId: decree.proposalId,
      region: decree.region,
      period: decree.period,
      status: decree.status,
    });
    regions.push({ region: record.region, decreeId: decree.decreeId });
  }
  if (regions.length === 0) {
    return {
      findings: 0,
      entitlements: 0,
      closed: { DITERIMA: 0, GAGAL: 0, unchanged: 0, moved: 0 },
      ignoredLines: 0,
    };
  }
  const ledger = new Ledger(decrees, { kind: 'KPM', tahapIds: [tahapId] });
  /** Each instructed entitlement as read here: where it is, and what the closing compares and is conditional on. */
  const keys = new Map<string, ReadEntitlement>();
  for (const { region, decreeId } of regions) {
    for await (const entitlement of deps.distribution.entitlements(tahapId, region, 'TUNAI')) {
      const instructions = entitlement.instructions ?? [];
      const last = instructions.at(-1);
      if (!last) continue;
      ledger.addExpected(decreeId, {
        recipientId: entitlement.ref,
        noRekening: last.noRekening,
        nik: entitlement.penerimaNik,
        nama: entitlement.penerimaNama,
        amount: entitlement.amount,
        entitlementRef: entitlement.ref,
        instructions: instructions.map(({ attempt, noRekening }) => ({ attempt, noRekening })),
      });
      keys.set(entitlement.ref, {
        tahapId,
        region,
        component: 'TUNAI',
        noKk: entitlement.noKk,
        status: entitlement.status,
        attempts: entitlement.attempts,
        paidAmount: entitlement.paidAmount,
        returnedAmount: entitlement.returnedAmount,
        lastOutcome: entitlement.lastAttempt?.outcome,
      });
    }
  }

  const reportKey = kpmCashReportKey(tahapId, runId);
  const findings: Finding[] = [];
  for await (const line of deps.payments.stream()) {
    const finding = ledger.addPayment(line);
    if (finding) findings.push(finding);
  }
  async function* rows(): AsyncGenerator<readonly (string | number)[]> {
    for (const finding of [...findings, ...ledger.findings()]) {
      yield [
        finding.kind,
        FINDING_LABEL[finding.kind],
        finding.region ?? '',
        finding.decreeNumber ?? '',
        finding.recipientId ?? '',
        finding.nik ? maskNik(finding.nik) : '',
        finding.expectedAmount ?? '',
        finding.paidAmount ?? '',
        (finding.bankRefs ?? []).join(' '),
        finding.detail ?? '',
      ];
    }
  }
  const written = await writeCsvFile(
    deps.objects.openWrite(deps.documentsBucket, reportKey, 'text/csv; charset=utf-8'),
    reportKey,
    FINDING_COLUMNS,
    rows(),
  );

  const closed = { DITERIMA: 0, GAGAL: 0, unchanged: 0, moved: 0 };
  const at = now().toISOString();
  /**
   * How one outcome closed its entitlement. Not read again: the write is conditional on the status
   * and attempts read at the start, so one moved since (instructed again, closed by another run)
   * fails it and is the next run's, as a fresh read would have found.
   */
  const close = async (outcome: EntitlementOutcome): Promise<keyof typeof closed | undefined> => {
    const current = keys.get(outcome.entitlementRef);
    if (!current) return undefined;
    if (outcome.lastAttempt && outcome.lastAttempt.attempt !== current.attempts) return 'moved';
    const status = closedStatus(current.status, outcome);
    const same =
      status === undefined &&
      current.paidAmount === outcome.paidAmount &&
      current.returnedAmount === outcome.returnedAmount &&
      current.lastOutcome === outcome.lastAttempt?.outcome;
    if (same) return 'unchanged';
    const ok = await deps.distribution.closeAttempt(
      current,
      {
        status,
        lastAttempt: outcome.lastAttempt,
        paidAmount: outcome.paidAmount,
        returnedAmount: outcome.returnedAmount,
      },
      at,
    );
    if (!ok) return 'moved';
    return status === 'DITERIMA' || status === 'GAGAL' ? status : 'unchanged';
  };
  // Entitlements are independent: several closed at once, a chunk of outcomes at a time.
  let chunk: EntitlementOutcome[] = [];
  const closeChunk = async () => {
    for (const kind of await mapInOrder(chunk, CLOSES_IN_FLIGHT, close)) if (kind) closed[kind]++;
    chunk = [];
  };
  for (const outcome of ledger.entitlementOutcomes()) {
    chunk.push(outcome);
    if (chunk.length >= CLOSE_CHUNK) await closeChunk();
  }
  if (chunk.length > 0) await closeChunk();
  const result: KpmCashResult = {
    reportKey,
    findings: written.rows,
    entitlements: keys.size,
    closed,
    ignoredLines: ledger.ignoredLines,
  };
  logger.info('KPM cash reconciled', { tahapId, runId, ...result.closed, findings: written.rows });
  return result;
}
