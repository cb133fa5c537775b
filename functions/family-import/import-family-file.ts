import type { AccountsRepository } from '#shared/adapters/accounts-repo.ts';
import { CountedBatch, type CountedMove, DashboardRepository } from '#shared/adapters/dashboard-repo.ts';
import type { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import type { EligibilityRepository } from '#shared/adapters/eligibility-repo.ts';
import type { ExclusionsRepository } from '#shared/adapters/exclusions-repo.ts';
import type { FamiliesRepository, FamilyWriter, SnapshotData } from '#shared/adapters/families-repo.ts';
import type { FamilyDirectoryRepository } from '#shared/adapters/family-directory-repo.ts';
import type { ImportsRepository } from '#shared/adapters/imports-repo.ts';
import { handoffItem } from '#shared/adapters/outbox.ts';
import { pairOf, type SnapshotFile, type SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import { type ImportKey, importReportKey, parseImportKey } from '#shared/adapters/storage-keys.ts';
import type { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { type TransactItem, transactWrite, WriteConflict } from '#shared/adapters/transactions.ts';
import type { VervalRepository } from '#shared/adapters/verval-repo.ts';
import type { ImportLimits } from '#shared/config/env.ts';
import { answerPartyOf } from '#shared/domain/exchange.ts';
import {
  ACCOUNT_ANSWER_LAYOUT,
  type AccountAnswer,
  answerOutsideRegion,
  decideAccount,
  validateAccountAnswerRow,
} from '#shared/domain/family/accounts.ts';
import {
  CARD_STATUS_LAYOUT,
  type CardStatusRow,
  cardStatusDecision,
  validateCardStatusRow,
} from '#shared/domain/family/card-status.ts';
import { accountDelta, cardDelta } from '#shared/domain/family/dashboard.ts';
import { FAMILY_LAYOUT, MEMBER_LAYOUT } from '#shared/domain/family/dtsen-columns.ts';
import { validateFamilyRow, validateMemberRow } from '#shared/domain/family/dtsen-rows.ts';
import { EXCLUSION_LAYOUT, validateExclusionRow } from '#shared/domain/family/exclusions.ts';
import { RELATIONSHIP_CODE_LISTS, type RelationshipCodeListName } from '#shared/domain/family/hubungan.ts';
import { type EligibilityVerdictLike, memberOn } from '#shared/domain/family/verval.ts';
import {
  LATER_VISIT_RECORDED,
  validateVervalRow,
  visitOutcome,
  visitRefusal,
} from '#shared/domain/family/verval-rows.ts';
import { VERVAL_RESULT_LAYOUT, wibParts } from '#shared/domain/family/verval-sheet.ts';
import { isRegionCode } from '#shared/domain/regions.ts';
import type { RowProblem } from '#shared/domain/report.ts';
import { type Capability, recordedActorMay } from '#shared/http/caller.ts';
import {
  type FileImportDeps,
  type FileImportOutcome,
  type ImportBody,
  type LeasedAttempt,
  runLeasedImport,
} from '#shared/import/leased-import.ts';
import { ReportWriter } from '#shared/import/report-writer.ts';
import { RowFile, type RowVerdict } from '#shared/import/row-file.ts';
import type { RawRow, RowLayout } from '#shared/import/rows.ts';
import { FileRejection } from '#shared/import/source.ts';
import { logger } from '#shared/logger.ts';
import type { Card, FileIssue, ImportRecord } from '#shared/model.ts';
import type { CreatedObject } from '#shared/queue/s3-worker.ts';
import { bastFile } from './bast-file.ts';
import { edcFile } from './edc-file.ts';

export interface FamilyImportDeps extends FileImportDeps {
  readonly imports: ImportsRepository;
  readonly snapshots: SnapshotsRepository;
  readonly families: FamiliesRepository;
  readonly exclusions: ExclusionsRepository;
  readonly tahap: Pick<TahapRepository, 'get'>;
  readonly results: Pick<EligibilityRepository, 'allOfDesa'>;
  readonly verval: Pick<VervalRepository, 'record' | 'isAssigned'>;
  readonly distribution: Pick<DistributionRepository, 'card' | 'moveItems' | 'currentCards'>;
  /** Where a NIK is a member (a kabupaten's answer file checks its penerima); only that kind needs it. */
  readonly directory?: Pick<FamilyDirectoryRepository, 'memberRows'>;
  /** The penerima's accounts (a bank's answer file); only that kind needs them. */
  readonly accounts?: Pick<AccountsRepository, 'get' | 'holder' | 'recordItems'>;
  readonly tableName: string;
  readonly limits: ImportLimits;
  /** One TransactWriteItems (the closing write with what the file changes); the real one by default. */
  readonly transact?: (items: TransactItem[]) => Promise<void>;
}

export type FamilyImportOutcome = FileImportOutcome<'importId', ImportRecord>;

/**
 * Imports one file of the family programme: a DTSEN extract's families or members file, or an
 * exclusion list. The record `POST /imports` made says what the file is; an object without one is
 * not imported.
 *
 * Primary course: claim the record (the leased import engine, as for BKK uploads) → stream and check
 * every row, writing kept rows under the import's own id and problems to the error report → in one
 * transaction close the record and make the rows count: a DTSEN file becomes its snapshot's half
 * (and when the other half is there, the snapshot's cross-check is handed to the families queue,
 * through the outbox); an exclusion list gets its list record. Until that transaction nothing of
 * the file is visible, and a retry rewrites the same keys.
 */
export async function importFamilyFile(
  object: CreatedObject,
  deps: FamilyImportDeps,
): Promise<FamilyImportOutcome> {
  const key = parseImportKey(object.key);
  if (key && !(await deps.imports.get(key.importId))) {
    // Keys under imports/ are handed out by POST /imports only; anything else put there is not ours.
    logger.warn('Object under imports/ without an import request; not imported', { importId: key.importId });
    return { kind: 'ignored', reason: 'no import request' };
  }
  return runLeasedImport(deps.imports.claims, object, {
    // The record's TTL (set for a URL whose file never comes) goes once the file is here.
    fields: () => ({ set: {}, remove: ['expiresAt', 'counts', 'problems'] }),
    now: deps.now,
    retryAdvice: 'minta unggahan baru lalu unggah ulang berkasnya; bila impor berhenti lagi, hubungi admin.',
    notClaimed: async (claim, found) => {
      if (claim.kind === 'key-mismatch') {
        logger.warn('Object key disagrees with its import record; not imported', {
          importId: found.importId,
        });
        return { kind: 'ignored', reason: 'key disagrees with its import record' };
      }
      logger.info('Duplicate import event ignored', {
        importId: found.importId,
        status: claim.record.status,
      });
      return { kind: 'duplicate-event', importId: found.importId, status: claim.record.status };
    },
    start: (lease, found) => new Attempt(object, found, lease, deps),
  });
}

/** What one kind of file does with its rows and at its close. */
export interface FileKind<C extends string> {
  readonly layout: RowLayout<C>;
  /** The capability the requester needed, checked again against the recorded actor. */
  row(row: RawRow<C>): Promise<RowVerdict<C>>;
  /** Rows handed to `row` at once (`RowFile`'s `inFlight`; one at a time when absent). */
  readonly inFlight?: number;
  /** Flushes what the rows wrote. */
  flush(): Promise<void>;
  /**
   * What the closing transaction also writes, read afresh for each try (a conflict re-reads); a
   * {@link FileRejection} refuses the file.
   */
  closing(at: string): Promise<TransactItem[]>;
}

/** One attempt at one file. */
class Attempt implements ImportBody<ImportRecord, FamilyImportOutcome> {
  private readonly report: ReportWriter;
  private rows: RowFile<string> | undefined;
  /** The import whose half of the snapshot this file replaces, as last read (its rows go after the commit). */
  private replaced: string | undefined;

  constructor(
    private readonly object: CreatedObject,
    private readonly key: ImportKey,
    private readonly lease: LeasedAttempt<ImportRecord>,
    private readonly deps: FamilyImportDeps,
  ) {
    this.report = new ReportWriter(() =>
      deps.objects.openWrite(deps.documentsBucket, importReportKey(key.importId), 'text/csv; charset=utf-8'),
    );
  }

  private get record(): ImportRecord {
    return this.lease.record;
  }

  progress(): number {
    return this.rows?.counts.rows ?? 0;
  }

  closing(): Partial<ImportRecord> {
    const counts = this.rows?.counts;
    return {
      counts: counts && counts.rows > 0 ? counts : undefined,
      rowsProcessed: counts?.rows ?? 0,
      problems: this.rows && this.rows.problems.length > 0 ? this.rows.problems : undefined,
      ...this.lease.timing(),
    };
  }

  async run(): Promise<FamilyImportOutcome> {
    const { createdBy, region } = this.record;
    const capability = importCapability(this.record.kind, createdBy?.role);
    if (createdBy && !recordedActorMay(createdBy, capability, region ?? 'all')) {
      throw new FileRejection(
        'UPLOAD_NOT_ALLOWED',
        'Akun yang meminta unggahan ini tidak berwenang mengunggah berkas ini. Hubungi admin.',
      );
    }
    const format =
      this.key.extension === 'csv' || this.key.extension === 'xlsx' ? this.key.extension : undefined;
    if (!format) {
      throw new FileRejection(
        'FORMAT_UNSUPPORTED',
        `Jenis berkas .${this.key.extension} tidak didukung. Unggah berkas .xlsx atau .csv (pemisah koma, titik koma atau garis tegak).`,
      );
    }
    const kind = this.kind();
    const rows = new RowFile<string>({
      objects: this.deps.objects,
      limits: this.deps.limits,
      format,
      layout: kind.layout as RowLayout<string>,
      report: this.report,
      heartbeat: (count) => this.lease.heartbeat(count),
      ...(this.deps.progressEvery ? { progressEvery: this.deps.progressEvery } : {}),
      ...(kind.inFlight ? { inFlight: kind.inFlight } : {}),
    });
    this.rows = rows;
    const { sha256 } = await rows.read(
      this.object,
      (row) => kind.row(row as RawRow<never>) as Promise<RowVerdict<string>>,
    );
    await kind.flush();
    const reportKey = (await this.report.close()) ? importReportKey(this.key.importId) : undefined;
    if (rows.counts.accepted === 0) {
      return this.reject(
        [
          {
            code: 'NO_VALID_ROWS',
            message:
              'Tidak ada baris yang lolos pemeriksaan, sehingga tidak ada data yang disimpan. Perbaiki baris sesuai laporan kesalahan lalu unggah ulang.',
          },
        ],
        reportKey,
      );
    }
    return this.commit(kind, sha256, reportKey);
  }

  /** Closes the record COMPLETED together with what the file changes; a lost condition reads again. */
  private async commit(
    kind: FileKind<string>,
    sha256: string,
    reportKey: string | undefined,
  ): Promise<FamilyImportOutcome> {
    for (let round = 1; ; round++) {
      const timing = this.lease.timing();
      let extra: TransactItem[];
      try {
        extra = await kind.closing(timing.finishedAt);
      } catch (error) {
        if (error instanceof FileRejection) {
          return this.reject([{ code: error.code, message: error.message }], reportKey);
        }
        throw error;
      }
      const fields: Partial<ImportRecord> = {
        status: 'COMPLETED',
        counts: this.rows?.counts,
        problems: this.rows && this.rows.problems.length > 0 ? this.rows.problems : undefined,
        rowsProcessed: this.rows?.counts.rows ?? 0,
        sha256,
        reportKey,
        ...timing,
      };
      try {
        await (this.deps.transact ?? transactWrite)([{ Update: this.lease.finishUpdate(fields) }, ...extra]);
      } catch (error) {
        if (!(error instanceof WriteConflict)) throw error;
        const { owned, record } = await this.lease.current();
        if (!owned) {
          logger.warn('Import taken over by a newer attempt; stopping', { importId: this.key.importId });
          return {
            kind: 'duplicate-event',
            importId: this.key.importId,
            status: record?.status ?? 'unknown',
          };
        }
        if (round >= 5) throw error;
        continue; // what the file changes moved meanwhile (another import of the same snapshot)
      }
      logger.info('Family file imported', {
        importId: this.key.importId,
        kind: this.key.kind,
        region: this.record.region,
        ...this.rows?.counts,
        durationMs: fields.durationMs,
      });
      if (this.replaced) await this.discard(this.replaced);
      return { kind: 'completed', importId: this.key.importId, record: fields };
    }
  }

  async reject(reasons: FileIssue[], reportKey?: string): Promise<FamilyImportOutcome> {
    // A refused DTSEN file or list leaves no rows behind (a verval row is a fact of its own, kept).
    if (this.rows) await this.discard(this.key.importId);
    let key = reportKey;
    if (!key) {
      // The operator still gets a report, with the file-level reason as its one line.
      const report = new ReportWriter(() =>
        this.deps.objects.openWrite(
          this.deps.documentsBucket,
          importReportKey(this.key.importId),
          'text/csv; charset=utf-8',
        ),
      );
      for (const reason of reasons) await report.addCells(['', '', reason.code, 'galat', reason.message]);
      if (await report.close()) key = importReportKey(this.key.importId);
    }
    const { finishedAt, durationMs, ...progress } = this.closing();
    await this.lease.finish({
      ...progress,
      status: 'REJECTED',
      reasons,
      reportKey: key,
      finishedAt,
      durationMs,
    });
    logger.info('Family file rejected', {
      importId: this.key.importId,
      codes: reasons.map((reason) => reason.code),
    });
    return { kind: 'rejected', importId: this.key.importId, reasons };
  }

  private kind(): FileKind<string> {
    switch (this.record.kind) {
      case 'DTSEN_KELUARGA':
        return this.familiesFile();
      case 'DTSEN_ANGGOTA':
        return this.membersFile();
      case 'PENGECUALIAN':
        return this.exclusionList();
      case 'HASIL_VERVAL':
        return this.vervalResults();
      case 'STATUS_KARTU':
        return this.cardStatuses();
      case 'BAST':
        return bastFile(this.record, this.key.importId, this.lease.now(), this.deps);
      case 'EDC':
        return edcFile(this.record, this.key.importId, this.lease.now(), this.deps);
      case 'JAWABAN_REKENING':
        return this.accountAnswers();
    }
  }

  /** The region and version date a DTSEN file is for (the record has them: `POST /imports` checked). */
  private snapshotKey(): { readonly region: string; readonly versionDate: string } {
    const { region, versionDate } = this.record;
    if (!region || !isRegionCode(region) || !versionDate) {
      throw new Error(`import ${this.key.importId}: a DTSEN file without region or version date`);
    }
    return { region, versionDate };
  }

  /** The families file: one row per family, its No KK once. */
  private familiesFile(): FileKind<string> {
    const { region } = this.snapshotKey();
    const writer = this.deps.families.writer(this.key.importId);
    const seen = new Set<string>();
    return {
      layout: FAMILY_LAYOUT,
      row: async ({ sourceRow, raw }) => {
        const checked = validateFamilyRow(raw, region);
        const problems: RowProblem<string>[] = [...checked.errors, ...checked.warnings];
        const family = checked.errors.length === 0 ? checked.value : undefined;
        if (!family) return { accepted: false, problems };
        if (seen.has(family.noKk)) {
          problems.push(
            duplicate(
              'no_kk',
              'KK_GANDA_DALAM_BERKAS',
              'No KK ini sudah tercantum pada baris sebelumnya di berkas yang sama.',
            ),
          );
          return { accepted: false, problems };
        }
        seen.add(family.noKk);
        await writer.putFamily({ ...family, sourceRow });
        return { accepted: true, problems };
      },
      flush: () => writer.flush(),
      closing: (at) => this.snapshotHalf('families', at),
    };
  }

  /** The members file: one row per person, a NIK once per KK (a second would overwrite the first). */
  private membersFile(): FileKind<string> {
    const { versionDate } = this.snapshotKey();
    const writer: FamilyWriter = this.deps.families.writer(this.key.importId);
    const codes =
      RELATIONSHIP_CODE_LISTS[(this.record.relationshipCodes ?? 'DUKCAPIL') as RelationshipCodeListName];
    const rules = { relationships: codes, latestBirthYear: Number(versionDate.slice(0, 4)) };
    // No KK and NIK, 32 digits per member: ~60 bytes each, ~13 MB for the largest extract (220,000).
    const seen = new Set<string>();
    return {
      layout: MEMBER_LAYOUT,
      row: async ({ sourceRow, raw }) => {
        const checked = validateMemberRow(raw, rules);
        const problems: RowProblem<string>[] = [...checked.errors, ...checked.warnings];
        const member = checked.errors.length === 0 ? checked.value : undefined;
        if (!member) return { accepted: false, problems };
        const key = member.noKk + member.nik;
        if (seen.has(key)) {
          problems.push(
            duplicate(
              'nik',
              'ANGGOTA_GANDA_DALAM_KK',
              'NIK ini sudah tercantum pada KK yang sama di baris sebelumnya.',
            ),
          );
          return { accepted: false, problems };
        }
        seen.add(key);
        const { kkValid: _kk, ...stored } = member;
        await writer.putMember({ ...stored, sourceRow });
        return { accepted: true, problems };
      },
      flush: () => writer.flush(),
      closing: (at) => this.snapshotHalf('members', at),
    };
  }

  /** An exclusion list: numbers to match, of the programme the list was uploaded as. */
  private exclusionList(): FileKind<string> {
    const { list } = this.record;
    if (!list) throw new Error(`import ${this.key.importId}: an exclusion list without programme`);
    const writer = this.deps.exclusions.entryWriter(this.key.importId);
    // A number is one entry however many rows name it (lists often have a row per period): put
    // once, since one BatchWriteItem must not hold the same key twice, and counted once.
    const stored = new Set<string>();
    return {
      layout: EXCLUSION_LAYOUT,
      row: async ({ raw }) => {
        const checked = validateExclusionRow(raw);
        const problems: RowProblem<string>[] = [...checked.errors];
        const entry = checked.value;
        if (!entry) return { accepted: false, problems };
        if (entry.programme && entry.programme !== list.programme) {
          // A list is of one programme: a row of another would exclude families for the wrong reason.
          problems.push({
            column: 'program',
            code: 'PROGRAM_BERBEDA',
            severity: 'error',
            message: `Baris ini untuk program ${entry.programme}, sedangkan daftar diunggah sebagai program ${list.programme}. Unggah daftar tiap program secara terpisah.`,
          });
          return { accepted: false, problems };
        }
        const number = entry.nik ? `N#${entry.nik}` : `K#${entry.noKk}`;
        if (!stored.has(number)) {
          stored.add(number);
          await writer.put({
            ...(entry.nik ? { nik: entry.nik } : {}),
            ...(entry.noKk ? { noKk: entry.noKk } : {}),
          });
        }
        return { accepted: true, problems };
      },
      flush: () => writer.flush(),
      closing: async (at) => [
        this.deps.exclusions.listItem({
          listId: this.key.importId,
          ...list,
          ...(this.record.region ? { region: this.record.region } : {}),
          entries: stored.size,
          uploadedAt: at,
          ...(this.record.createdBy ? { uploadedBy: this.record.createdBy } : {}),
          ...(this.record.filename ? { filename: this.record.filename } : {}),
        }),
      ],
    };
  }

  /**
   * A desa's verval results: each row is one family's visit, checked against the tahap's latest
   * eligibility run (the family must be one the relawan visits in this desa) and the snapshot (the
   * penerima an adult member of the KK), and recorded at once: a row is a fact of its own, keyed by
   * tahap and No KK, so a file sent twice, or a retried import, records the same results again, and
   * of two visits the later one stands.
   */
  private vervalResults(): FileKind<string> {
    const { tahapId, desaCode, region, createdBy } = this.record;
    if (!tahapId || !desaCode || !region) {
      throw new Error(`import ${this.key.importId}: verval results without tahap or desa`);
    }
    const today = wibParts(this.lease.now()).date;
    let context: Promise<VervalContext> | undefined;
    const prepare = async (): Promise<VervalContext> => {
      if (
        createdBy?.role === 'relawan' &&
        !(await this.deps.verval.isAssigned(tahapId, desaCode, createdBy.sub))
      ) {
        throw new FileRejection(
          'DESA_TIDAK_DITUGASKAN',
          'Relawan yang meminta unggahan ini tidak (lagi) ditugaskan di desa ini untuk tahap ini. Hubungi operator kabupaten.',
        );
      }
      const tahap = await this.deps.tahap.get(tahapId);
      const run = tahap?.eligibility;
      const versionDate = tahap?.snapshots[region];
      if (!tahap || run?.status !== 'COMPLETED' || !versionDate) {
        throw new FileRejection(
          'TAHAP_BELUM_SIAP',
          'Pemeriksaan kelayakan tahap ini untuk kabupaten/kota ini belum selesai, sehingga belum ada keluarga yang diverval.',
        );
      }
      const snapshot = await this.deps.snapshots.ready(region, versionDate);
      if (!snapshot) throw new Error(`tahap ${tahapId}: snapshot ${region} ${versionDate} is not READY`);
      const verdicts = new Map<string, EligibilityVerdictLike>(
        (await this.deps.results.allOfDesa(tahapId, run.runId, desaCode)).map((item) => [item.noKk, item]),
      );
      return { data: snapshot.data, verdicts };
    };
    return {
      layout: VERVAL_RESULT_LAYOUT,
      row: async ({ sourceRow, raw }) => {
        context ??= prepare();
        const { data, verdicts } = await context;
        const checked = validateVervalRow(raw, today);
        const problems: RowProblem<string>[] = [...checked.errors];
        const visit = checked.value;
        if (!visit) return { accepted: false, problems };
        const refusal = visitRefusal(verdicts.get(visit.noKk));
        if (refusal) {
          problems.push(rowError(refusal.column, refusal.code, refusal.message));
          return { accepted: false, problems };
        }
        const group = await this.deps.families.family(data, visit.noKk);
        // The sheet's and the KPM checks' definition of an adult member (`memberOn`), one for all.
        const members = (group?.members ?? []).map((member) => memberOn(member, visit.tanggal));
        const outcome = visitOutcome(visit, members);
        if (!outcome.ok) {
          problems.push(rowError(outcome.column, outcome.code, outcome.message));
          return { accepted: false, problems };
        }
        const recorded = await this.deps.verval.record({
          tahapId,
          noKk: visit.noKk,
          region,
          desaCode,
          ...outcome.fields,
          importId: this.key.importId,
          sourceRow,
          recordedAt: this.lease.started.toISOString(),
          ...(createdBy ? { recordedBy: { sub: createdBy.sub, name: createdBy.name } } : {}),
        });
        if (!recorded) {
          problems.push({ column: 'tanggal', severity: 'warning', ...LATER_VISIT_RECORDED });
        }
        return { accepted: true, problems };
      },
      flush: async () => undefined,
      closing: async () => [],
    };
  }

  /**
   * A kabupaten's card status file: each row moves one card (printed, or handed out) on its own,
   * conditional on the status read, so a file sent twice, or a retried import, moves nothing again
   * (the row is unchanged) and a card moved meanwhile is read again.
   */
  private cardStatuses(): FileKind<string> {
    const { region, createdBy } = this.record;
    if (!region) throw new Error(`import ${this.key.importId}: a card status file without region`);
    const today = wibParts(this.lease.now()).date;
    const at = this.lease.started.toISOString();
    const { distribution } = this.deps;
    const moveOf = (card: Card, row: CardStatusRow): CountedMove<CardStatusRow> => ({
      key: card.cardNumber,
      items: distribution.moveItems(card, {
        status: row.status,
        at,
        tanggal: row.tanggal,
        importId: this.key.importId,
        ...(createdBy ? { by: { sub: createdBy.sub, name: createdBy.name } } : {}),
        ...(row.keterangan ? { note: row.keterangan } : {}),
      }),
      tahapId: card.tahapId,
      desaCode: card.desaCode,
      delta: cardDelta(card.status, row.status),
      payload: row,
    });
    // Moves go a batch at a time, each transaction with its desa's dashboard counters: a file sent
    // again, or a retried import, finds its cards moved (the rows are unchanged) and counts nothing.
    const batch = new CountedBatch<CardStatusRow>(new DashboardRepository(this.deps.tableName), {
      size: CARD_BATCH,
      redo: async (move) => {
        // Another writer moved the card between the read and the batch: decided again as it is now.
        const card = await distribution.card(move.key);
        if (cardStatusDecision(card, move.payload, region).kind !== 'move' || !card) {
          logger.info('A card of a status file moved meanwhile; its row is left as the other change made it');
          return undefined;
        }
        return moveOf(card, move.payload);
      },
    });
    return {
      layout: CARD_STATUS_LAYOUT,
      row: async ({ raw }) => {
        const checked = validateCardStatusRow(raw, today);
        const problems: RowProblem<string>[] = [...checked.errors];
        const row = checked.value;
        if (!row) return { accepted: false, problems };
        // A card twice in the file: the first row's move is committed before the second is decided.
        if (batch.holds(row.cardNumber)) await batch.flush();
        const card = await distribution.card(row.cardNumber);
        const decision = cardStatusDecision(card, row, region);
        if (decision.kind === 'refused') {
          problems.push(rowError('no_kartu', decision.code, decision.message));
          return { accepted: false, problems };
        }
        if (decision.kind === 'unchanged') {
          problems.push({
            column: 'status',
            code: 'SUDAH_TERCATAT',
            severity: 'warning',
            message: decision.message,
          });
          return { accepted: true, problems };
        }
        if (!card) throw new Error('a card status moved without a card');
        await batch.add(moveOf(card, row));
        return { accepted: true, problems };
      },
      flush: () => batch.flush(),
      closing: async () => [],
    };
  }

  /**
   * Bank Kalteng's answer to the account-opening requests: each line checked
   * (`validateAccountAnswerRow`), then decided (`decideAccount`) against the penerima's record as
   * the previous line left it and the account number's owner, and written at once, conditional on
   * the record as read (a line that loses the race is read and decided again). One account per
   * penerima: a second account, or one another NIK holds, is refused into the error report (the
   * messages mask NIK and account numbers). A line is a fact of its own: a file sent twice decides
   * the same (`SAME`).
   */
  private accountAnswers(): FileKind<string> {
    const accounts = this.deps.accounts;
    if (!accounts) throw new Error('the family import has no accounts repository');
    const at = this.lease.started.toISOString();
    // A file for one kabupaten (an operator's own, or an admin's naming it) answers for its penerima only.
    const { region } = this.record;
    const importId = this.key.importId;
    /** The line's decision against the record and the number's owner as read now. */
    const decide = async (answer: AccountAnswer) => {
      const [recorded, heldBy] = await Promise.all([
        accounts.get(answer.nik),
        answer.noRekening ? accounts.holder(answer.noRekening) : Promise.resolve(undefined),
      ]);
      const decision = decideAccount(recorded, answer, at, heldBy);
      if (decision.kind !== 'OPENED' && decision.kind !== 'FAILED') return { decision };
      const move: CountedMove<AccountAnswer> = {
        key: `NIK#${answer.nik}`,
        ...(decision.record.noRekening ? { also: [`REK#${decision.record.noRekening}`] } : {}),
        items: accounts.recordItems(recorded, decision.record, importId),
        // Counted where the request placed the penerima; an answer for a NIK no request of this
        // system named is recorded, and counted nowhere.
        tahapId: recorded?.tahapId ?? '',
        desaCode: recorded?.desaCode ?? '',
        delta:
          recorded?.tahapId && recorded.desaCode ? accountDelta(recorded.status, decision.record.status) : {},
        payload: answer,
      };
      return { decision, move };
    };
    // Recorded a batch at a time, each transaction with its desa's dashboard counters (accounts
    // opened): a file sent again decides SAME for every line and counts nothing twice.
    const batch = new CountedBatch<AccountAnswer>(new DashboardRepository(this.deps.tableName), {
      size: ACCOUNT_BATCH,
      redo: async (move) => {
        const again = await decide(move.payload);
        if (!again.move)
          logger.info('An account record moved while its answer was recorded; the newer record stands');
        return again.move;
      },
    });
    return {
      layout: ACCOUNT_ANSWER_LAYOUT,
      row: async ({ raw }) => {
        const checked = validateAccountAnswerRow(raw);
        const problems: RowProblem<string>[] = [...checked.errors, ...checked.warnings];
        const answer = checked.value;
        if (!answer) return { accepted: false, problems };
        if (region) {
          const outside = answerOutsideRegion(region, await this.penerimaRegions(answer.nik));
          if (outside) return { accepted: false, problems: [...problems, outside] };
        }
        // The same NIK or account number twice in the file: the earlier line is written first.
        if (
          batch.holds(`NIK#${answer.nik}`) ||
          (answer.noRekening && batch.holds(`REK#${answer.noRekening}`))
        ) {
          await batch.flush();
        }
        const { decision, move } = await decide(answer);
        if (decision.kind === 'SAME') return { accepted: true, problems };
        if (decision.kind === 'REFUSED')
          return { accepted: false, problems: [...problems, decision.problem] };
        if (decision.kind === 'IGNORED') return { accepted: true, problems: [...problems, decision.problem] };
        if (move) await batch.add(move);
        return { accepted: true, problems };
      },
      flush: () => batch.flush(),
      closing: async () => [],
    };
  }

  /**
   * The kabupaten whose decreed families have this NIK as their penerima: the No KKs the DTSEN
   * snapshots put the NIK in (gsi1 `FAMNIK#`), then those families' current cards (numbered by the
   * opening of each kabupaten's distribution from its KPM decree, the card's region the decree's),
   * where the card names this NIK as penerima. One Query and one BatchGet a line.
   */
  private async penerimaRegions(nik: string): Promise<string[]> {
    const directory = this.deps.directory;
    if (!directory) throw new Error('the family import has no family directory');
    const noKks = [...new Set((await directory.memberRows(nik)).map((row) => row.noKk))];
    if (noKks.length === 0) return [];
    const cards = await this.deps.distribution.currentCards(noKks);
    return [
      ...new Set([...cards.values()].filter((card) => card.penerimaNik === nik).map((card) => card.region)),
    ];
  }

  /**
   * Removes the rows an import of this kind wrote and nothing points to (this refused file, or the
   * half this file replaced). Housekeeping: a failure leaves invisible rows, never wrong data.
   */
  private async discard(importId: string): Promise<void> {
    try {
      if (this.record.kind === 'DTSEN_KELUARGA' || this.record.kind === 'DTSEN_ANGGOTA') {
        await this.deps.families.deleteImport(importId);
      } else if (this.record.kind === 'PENGECUALIAN') {
        await this.deps.exclusions.deleteEntries(importId);
      }
    } catch (error) {
      logger.warn('Could not delete the rows of an unreferenced import', { importId, error });
    }
  }

  /**
   * This file becomes its snapshot's half; when the other half is there, the cross-check of the
   * pair is handed on in the same transaction. Refused when a tahap uses the snapshot.
   */
  private async snapshotHalf(file: SnapshotFile, at: string): Promise<TransactItem[]> {
    const key = this.snapshotKey();
    const current = await this.deps.snapshots.get(key.region, key.versionDate);
    if (current?.usedBy && current.usedBy.length > 0) {
      throw new FileRejection(
        'SNAPSHOT_IN_USE',
        `Snapshot DTSEN ${key.versionDate} kabupaten/kota ini sudah dipakai oleh tahap ${current.usedBy.join(', ')}, sehingga isinya tidak dapat diganti. Unggah ekstrak baru dengan tanggal versi lain.`,
      );
    }
    const counts = this.rows?.counts;
    const before = current?.[file]?.importId;
    this.replaced = before !== undefined && before !== this.key.importId ? before : undefined;
    const change = this.deps.snapshots.halfChange(
      current,
      key,
      file,
      {
        importId: this.key.importId,
        rows: counts?.rows ?? 0,
        accepted: counts?.accepted ?? 0,
        importedAt: at,
        ...(this.record.filename ? { filename: this.record.filename } : {}),
      },
      at,
    );
    const pair = pairOf(change.next);
    if (!pair) return [change.item];
    return [
      change.item,
      handoffItem(
        this.deps.tableName,
        {
          queue: 'families',
          message: { type: 'snapshot.check.requested', ...key, ...pair, requestedAt: at },
        },
        at,
      ),
    ];
  }
}

/** What a verval result import reads once, before its first row. */
interface VervalContext {
  readonly data: SnapshotData;
  /** The desa's families in the latest run, by No KK. */
  readonly verdicts: ReadonlyMap<string, EligibilityVerdictLike>;
}

/** Card moves per batch: two actions each, and one counter update per desa, in ≤ 100 actions. */
const CARD_BATCH = 100;
/** Account records per batch (one or two actions each). */
const ACCOUNT_BATCH = 100;

const rowError = (column: string, code: string, message: string): RowProblem<string> => ({
  column,
  code,
  severity: 'error',
  message,
});

const duplicate = (column: string, code: string, message: string): RowProblem<string> => ({
  column,
  code,
  severity: 'error',
  message: `${message} Baris ini tidak disimpan.`,
});

/**
 * The capability whoever asked for an import must hold for it to run: a relawan's verval results
 * `verval:work`, a card status file `distribution:manage`, an answer put by a machine client its
 * party's `exchange:bank` / `exchange:bulog` (only for that party's kinds: the bank's client asking
 * for a BAST holds nothing that lets it), every other file `imports:create`.
 */
export function importCapability(kind: ImportRecord['kind'], role: string | undefined): Capability {
  if (kind === 'HASIL_VERVAL') return 'verval:work';
  if (kind === 'STATUS_KARTU') return 'distribution:manage';
  if (role === 'bank' || role === 'bulog') {
    const party = answerPartyOf(kind);
    return party === 'BANK' ? 'exchange:bank' : party === 'BULOG' ? 'exchange:bulog' : 'imports:create';
  }
  return 'imports:create';
}
