import { BatchWriter } from '#shared/adapters/batch-writer.ts';
import { uploadsByRegionPeriod } from '#shared/adapters/keys.ts';
import { ConcurrentChangeError, type ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { type RecipientsRepository, recipientItems } from '#shared/adapters/recipients-repo.ts';
import { errorReportKey, type UploadKey } from '#shared/adapters/storage-keys.ts';
import type { UploadsRepository } from '#shared/adapters/uploads-repo.ts';
import type { ImportLimits } from '#shared/config/env.ts';
import type { AuditActor } from '#shared/domain/audit.ts';
import { RECIPIENT_LAYOUT } from '#shared/domain/columns.ts';
import type { Issue } from '#shared/domain/issues.ts';
import { isClosed, isEditable, STATUS_LABEL } from '#shared/domain/proposal.ts';
import { FileDuplicateTracker, validateRow } from '#shared/domain/recipient-row.ts';
import { recordedActorMay } from '#shared/http/caller.ts';
import { readCsvRecords } from '#shared/import/csv-records.ts';
import {
  type FileImportDeps,
  type FileImportOutcome,
  type ImportBody,
  type LeasedAttempt,
  runLeasedImport,
} from '#shared/import/leased-import.ts';
import { ReportWriter } from '#shared/import/report-writer.ts';
import { toRows } from '#shared/import/rows.ts';
import { FileRejection, fileTooLarge, readMetered, type SourceRecord } from '#shared/import/source.ts';
import { logger } from '#shared/logger.ts';
import {
  FIRST_PROBLEMS,
  type FileIssue,
  type ProposalRecord,
  type RowProblem,
  type UploadCounts,
  type UploadRecord,
} from '#shared/model.ts';
import type { CreatedObject } from '#shared/queue/s3-worker.ts';

export interface ImportDeps extends FileImportDeps {
  readonly uploads: UploadsRepository;
  readonly proposals: ProposalsRepository;
  readonly recipients: RecipientsRepository;
  readonly tableName: string;
  readonly limits: ImportLimits;
}

export type ImportOutcome = FileImportOutcome<'uploadId', UploadRecord>;

/**
 * Imports one uploaded recipient file.
 *
 * Primary course: claim the upload → stream and validate every row, writing accepted rows under a
 * fresh list id and problems to the error report → in one transaction make that list the region's
 * draft list for the period and close the upload with its counts. The claim, the lease and the
 * fenced closing write are the leased import engine's ({@link runLeasedImport}).
 *
 * Idempotent: a repeated event finds the upload closed and does nothing; the same bytes uploaded
 * again are recognised by SHA-256 and change nothing; a crashed attempt leaves only an invisible
 * list, which a retry overwrites (same list id) and completes.
 */
export function importUpload(object: CreatedObject, deps: ImportDeps): Promise<ImportOutcome> {
  return runLeasedImport(deps.uploads.claims, object, {
    fields: (key, started) => ({
      set: {
        uploadId: key.uploadId,
        region: key.region,
        period: key.period,
        s3Key: object.key,
        format: uploadFormat(key) ?? 'csv',
        gsi1pk: uploadsByRegionPeriod(key.region, key.period),
      },
      setIfAbsent: { gsi1sk: started.toISOString() },
      remove: ['expiresAt', 'counts', 'duplicateOf', 'supersededBy'],
    }),
    now: deps.now,
    retryAdvice: 'unggah ulang berkas; bila impor berhenti lagi, hubungi admin.',
    notClaimed: async (claim, key) => {
      if (claim.kind === 'key-mismatch') {
        // Someone with IAM rights put a file under another region's or period's key, reusing an
        // upload id that POST /uploads issued for a different one: refused, and the record untouched.
        logger.warn('Object key disagrees with its upload record; not imported', {
          uploadId: key.uploadId,
          keyRegion: key.region,
          keyPeriod: key.period,
          recordRegion: claim.record.region,
          recordPeriod: claim.record.period,
        });
        return { kind: 'ignored', reason: 'key disagrees with its upload record' };
      }
      const { status } = claim.record;
      logger.info('Duplicate upload event ignored', { uploadId: key.uploadId, status });
      return { kind: 'duplicate-event', uploadId: key.uploadId, status };
    },
    start: (lease, key) => {
      // Region and period come from the upload record (the claim holds only when the record names
      // this very key). The list change is attributed to the operator who asked for the upload URL;
      // a file put there by other means (console, CLI) is imported under the region its key names
      // and audited as the import's own, "without an upload request".
      const target: UploadKey = { ...key, region: lease.record.region, period: lease.record.period };
      const { createdBy } = lease.record;
      const actor: AuditActor = createdBy
        ? { ...createdBy, region: target.region }
        : {
            sub: 'system:import',
            name: 'Impor tanpa permintaan unggah',
            role: 'system',
            region: target.region,
          };
      return new Attempt(object, target, uploadFormat(key), lease, actor, deps);
    },
  });
}

const uploadFormat = (key: UploadKey) =>
  key.extension === 'csv' || key.extension === 'xlsx' ? key.extension : undefined;

/** One attempt at one upload: the state that the steps share. */
class Attempt implements ImportBody<UploadRecord, ImportOutcome> {
  private readonly writer: BatchWriter;
  private readonly report: ReportWriter;
  private readonly listId: string;
  private readonly counts: UploadCounts = { rows: 0, accepted: 0, rejected: 0, warnings: 0 };
  private readonly countsByRole: Record<string, number> = {};
  /** The first row problems, for the upload's page (the report has them all). */
  private readonly problems: RowProblem[] = [];
  private listWritten = false;

  constructor(
    private readonly object: CreatedObject,
    private readonly key: UploadKey,
    private readonly format: 'csv' | 'xlsx' | undefined,
    private readonly lease: LeasedAttempt<UploadRecord>,
    private readonly actor: AuditActor,
    private readonly deps: ImportDeps,
  ) {
    this.writer = new BatchWriter(deps.tableName);
    // The same object always gets the same list id, so a retry overwrites its own partial list.
    this.listId = `${key.uploadId}-${object.etag.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}`;
    const reportKey = errorReportKey(key.region, key.period, key.uploadId);
    this.report = new ReportWriter(() => {
      const target = deps.objects.openWrite(deps.documentsBucket, reportKey, 'text/csv; charset=utf-8');
      return target;
    });
  }

  /** The object's ETag as the claim recorded it (without quotes). */
  private get etag(): string {
    return this.lease.record.etag ?? this.object.etag.replaceAll('"', '');
  }

  /** False for a file put under `uploads/` without POST /uploads: the audit record says so. */
  private get requested(): boolean {
    return this.lease.record.createdBy !== undefined;
  }

  private get reportKey(): string {
    return errorReportKey(this.key.region, this.key.period, this.key.uploadId);
  }

  progress(): number {
    return this.counts.rows;
  }

  closing(): Partial<UploadRecord> {
    return {
      counts: this.counts.rows > 0 ? this.counts : undefined,
      rowsProcessed: this.counts.rows,
      problems: this.problems.length > 0 ? this.problems : undefined,
      ...this.lease.timing(),
    };
  }

  async run(): Promise<ImportOutcome> {
    const { createdBy } = this.lease.record;
    if (createdBy && !recordedActorMay(createdBy, 'uploads:create', this.key.region)) {
      throw new FileRejection(
        'UPLOAD_NOT_ALLOWED',
        'Akun yang meminta unggahan ini tidak berwenang mengunggah daftar untuk kabupaten/kota ini. Hubungi admin.',
      );
    }
    if (!this.format) {
      throw new FileRejection(
        'FORMAT_UNSUPPORTED',
        `Jenis berkas .${this.key.extension} tidak didukung. Unggah berkas .xlsx atau .csv.`,
      );
    }
    return this.import(this.format);
  }

  private async import(format: 'csv' | 'xlsx'): Promise<ImportOutcome> {
    const { limits } = this.deps;
    if (this.object.size > limits.maxFileBytes) throw fileTooLarge(limits.maxFileBytes);

    const current = await this.deps.proposals.getCurrent(this.key.region, this.key.period);
    assertEditable(current);
    if (current?.currentEtag?.replaceAll('"', '') === this.etag && current.currentUploadId) {
      return this.duplicateOf(current.currentUploadId);
    }

    const metered = await readMetered(this.deps.objects, this.object, limits.maxFileBytes);
    const records: AsyncIterable<SourceRecord & { sheet?: number }> =
      format === 'csv'
        ? readCsvRecords(metered, (delimiter) => this.report.useDelimiter(delimiter))
        : // Loaded when an XLSX file comes: ExcelJS (with JSZip, SAX and Bluebird) is most of this
          // function's bundle, and evaluating it at cold start made every CSV import pay for it.
          (await import('#shared/import/xlsx-records.ts')).readXlsxRecords(metered, {
            maxUncompressedBytes: limits.xlsxMaxUncompressedBytes,
            maxRatio: limits.xlsxMaxRatio,
          });

    await this.importRows(records);
    const sha256 = metered.digest();
    const hasReport = await this.report.close();
    const reportKey = hasReport ? this.reportKey : undefined;

    if (this.counts.accepted === 0) {
      return this.reject(
        [
          {
            code: 'NO_VALID_ROWS',
            message:
              'Tidak ada baris yang lolos pemeriksaan, sehingga daftar tidak diubah. Perbaiki baris sesuai laporan kesalahan lalu unggah ulang.',
          },
        ],
        reportKey,
      );
    }
    if (current?.currentSha256 === sha256 && current.currentUploadId) {
      await this.discardList();
      return this.duplicateOf(current.currentUploadId);
    }
    return this.commit(current, sha256, reportKey);
  }

  private async importRows(records: AsyncIterable<SourceRecord & { sheet?: number }>): Promise<void> {
    const tracker = new FileDuplicateTracker();
    const progressEvery = this.deps.progressEvery ?? 5_000;
    for await (const { sourceRow, raw } of toRows(records, RECIPIENT_LAYOUT)) {
      this.counts.rows++;
      if (this.counts.rows > this.deps.limits.maxRows) {
        throw new FileRejection(
          'TOO_MANY_ROWS',
          `Berkas berisi lebih dari ${this.deps.limits.maxRows.toLocaleString('id-ID')} baris data. Periksa apakah ada baris kosong atau data ganda di bagian bawah lembar kerja.`,
        );
      }
      const result = validateRow(raw, this.key.region);
      const issues: Issue[] = [...result.errors, ...result.warnings];
      if (result.recipient) issues.push(...tracker.check(result.recipient, sourceRow));
      const errors = issues.filter((issue) => issue.severity === 'error');
      const warnings = issues.filter((issue) => issue.severity === 'warning');
      for (const issue of issues) {
        await this.report.add(sourceRow, issue);
        if (this.problems.length < FIRST_PROBLEMS) {
          const { column, code, severity, message } = issue;
          this.problems.push({ row: sourceRow, column, code, severity, message });
        }
      }

      if (result.recipient && errors.length === 0) {
        this.counts.accepted++;
        if (warnings.length > 0) this.counts.warnings++;
        const role = result.recipient.peran;
        this.countsByRole[role] = (this.countsByRole[role] ?? 0) + 1;
        this.listWritten = true;
        // The recipient and its flag index entries, one per warning code (see recipients-repo.ts).
        for (const item of recipientItems(this.listId, sourceRow, {
          ...result.recipient,
          warnings: warnings.map((issue) => issue.code),
        })) {
          await this.writer.put(item);
        }
      } else {
        this.counts.rejected++;
      }
      if (this.counts.rows % progressEvery === 0) await this.lease.heartbeat(this.counts.rows);
    }
    await this.writer.flush();
  }

  /** Makes the new list current and closes the upload, in one transaction. */
  private async commit(current: ProposalRecord | undefined, sha256: string, reportKey: string | undefined) {
    let proposal = current;
    for (let round = 1; ; round++) {
      const timing = this.lease.timing();
      const { proposalId, items } = this.deps.proposals.switchListItems(proposal, {
        region: this.key.region,
        period: this.key.period,
        listId: this.listId,
        uploadId: this.key.uploadId,
        uploadAt: this.object.eventTime,
        sha256,
        etag: this.etag,
        recipientCount: this.counts.accepted,
        countsByRole: this.countsByRole,
        warningCount: this.counts.warnings,
        now: new Date(timing.finishedAt),
        actor: this.actor,
        withoutUploadRequest: !this.requested,
      });
      const fields: Partial<UploadRecord> = {
        status: 'COMPLETED',
        counts: this.counts,
        sha256,
        proposalId,
        listId: this.listId,
        reportKey,
        rowsProcessed: this.counts.rows,
        problems: this.problems.length > 0 ? this.problems : undefined,
        ...timing,
      };
      try {
        await this.deps.proposals.transact([...items, { Update: this.lease.finishUpdate(fields) }]);
      } catch (error) {
        if (!(error instanceof ConcurrentChangeError)) throw error;
        // Someone changed the proposal meanwhile (or this attempt lost its lease): look again.
        const { owned, record: fresh } = await this.lease.current();
        if (!owned) {
          logger.warn('Upload taken over by a newer attempt; stopping', { uploadId: this.key.uploadId });
          return {
            kind: 'duplicate-event' as const,
            uploadId: this.key.uploadId,
            status: fresh?.status ?? 'unknown',
          };
        }
        proposal = await this.deps.proposals.getCurrent(this.key.region, this.key.period);
        if (proposal?.currentUploadAt && proposal.currentUploadAt >= this.object.eventTime) {
          await this.discardList();
          return this.close({
            status: 'COMPLETED',
            supersededBy: proposal.currentUploadId,
            reportKey,
            proposalId: proposal.proposalId,
          });
        }
        try {
          assertEditable(proposal);
        } catch (rejection) {
          if (rejection instanceof FileRejection)
            return this.reject([{ code: rejection.code, message: rejection.message }], reportKey);
          throw rejection;
        }
        if (round >= 5) throw error;
        continue;
      }
      logger.info('Upload imported', {
        uploadId: this.key.uploadId,
        region: this.key.region,
        period: this.key.period,
        proposalId,
        ...this.counts,
        durationMs: fields.durationMs,
      });
      // The draft list this one replaced is garbage; a closed proposal's list (rejected, or the
      // lampiran of a revoked decree) is a record and stays: the new list went into a new proposal.
      if (proposal?.currentListId && proposal.currentListId !== this.listId && !isClosed(proposal.status)) {
        await this.deleteQuietly(proposal.currentListId);
      }
      return { kind: 'completed' as const, uploadId: this.key.uploadId, record: fields };
    }
  }

  /** Refuses the whole file: nothing of it becomes visible; the reasons go to the record and report. */
  async reject(reasons: FileIssue[], reportKey?: string): Promise<ImportOutcome> {
    await this.discardList();
    let key = reportKey;
    if (!key) {
      // The operator still gets a report, with the file-level reason as its one line.
      const report = new ReportWriter(() =>
        this.deps.objects.openWrite(this.deps.documentsBucket, this.reportKey, 'text/csv; charset=utf-8'),
      );
      for (const reason of reasons) {
        await report.add(null, {
          column: null,
          code: reason.code as Issue['code'],
          severity: 'error',
          message: reason.message,
        });
      }
      if (await report.close()) key = this.reportKey;
    }
    await this.close({ status: 'REJECTED', reasons, reportKey: key });
    logger.info('Upload rejected', {
      uploadId: this.key.uploadId,
      codes: reasons.map((reason) => reason.code),
    });
    return { kind: 'rejected', uploadId: this.key.uploadId, reasons };
  }

  private async duplicateOf(uploadId: string): Promise<ImportOutcome> {
    const original = await this.deps.uploads.get(uploadId);
    const fields: Partial<UploadRecord> = {
      status: 'COMPLETED',
      duplicateOf: uploadId,
      counts: original?.counts,
      problems: original?.problems,
      reportKey: original?.reportKey,
      proposalId: original?.proposalId,
    };
    await this.close(fields);
    logger.info('Same file as the current list; nothing changed', {
      uploadId: this.key.uploadId,
      duplicateOf: uploadId,
    });
    return { kind: 'completed', uploadId: this.key.uploadId, record: fields };
  }

  private async close(fields: Partial<UploadRecord>): Promise<ImportOutcome> {
    const { finishedAt, durationMs, ...progress } = this.closing();
    const all: Partial<UploadRecord> = { ...progress, ...fields, finishedAt, durationMs };
    await this.lease.finish(all);
    return { kind: 'completed', uploadId: this.key.uploadId, record: all };
  }

  private async discardList(): Promise<void> {
    if (this.listWritten) await this.deleteQuietly(this.listId);
  }

  /** Removing a list nobody points to is housekeeping: a failure leaves garbage, never wrong data. */
  private async deleteQuietly(listId: string): Promise<void> {
    try {
      await this.deps.recipients.deleteList(listId);
    } catch (error) {
      logger.warn('Could not delete an unreferenced recipient list', { listId, error });
    }
  }
}

function assertEditable(proposal: ProposalRecord | undefined): void {
  if (!proposal || isEditable(proposal.status) || isClosed(proposal.status)) return;
  throw new FileRejection(
    'PROPOSAL_LOCKED',
    `Usulan ${proposal.proposalId} sudah berstatus "${STATUS_LABEL[proposal.status]}", sehingga daftarnya tidak dapat diganti. ` +
      'Perubahan hanya dapat dilakukan bila usulan dikembalikan oleh verifikator.',
  );
}
