import { jitteredBackoff } from '#shared/adapters/backoff.ts';
import type { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import type { ObjectStore } from '#shared/adapters/object-store.ts';
import { ConcurrentChangeError, type ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import type { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { decreePdfKey } from '#shared/adapters/storage-keys.ts';
import type { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { totalsFor } from '#shared/domain/amounts.ts';
import type { AuditActor } from '#shared/domain/audit.ts';
import {
  amountProblems,
  amountsForPeriod,
  buildKpmLampiran,
  buildLampiran,
  type ComponentAmount,
  componentAmounts,
  componentProblems,
  type DecreeDocument,
  type DecreeRecipient,
  type DecreeSettings,
  decreeDocument,
  decreeIdFor,
  decreeSettingsProblems,
  formatDecreeNumber,
  kpmRecipientProblem,
  type Lampiran,
  newVerifyCode,
  type PreflightProblem,
  perFamily,
  preflightFailureReason,
  recipientProblem,
  retentionProblems,
  wibDate,
} from '#shared/domain/decree.ts';
import type { RoleCode } from '#shared/domain/roles.ts';
import {
  planDecreed,
  planDecreeNumbered,
  planDecreePreflightFailed,
  preflightFailureRecorded,
} from '#shared/domain/workflow.ts';
import { logger } from '#shared/logger.ts';
import type { DecreeRequested } from '#shared/messages.ts';
import type { DecreeRecord, ProposalRecord, StoredRecipient } from '#shared/model.ts';

export interface RenderedPdf {
  readonly pdf: Buffer;
  readonly pages: number;
  readonly sha256: string;
}

export interface IssueDecreeDeps {
  readonly proposals: ProposalsRepository;
  readonly decrees: DecreesRepository;
  readonly recipients: RecipientsRepository;
  /** Where a KPM decree reads its tahap's components and amounts (a BKK decree needs none). */
  readonly tahap?: Pick<TahapRepository, 'get'>;
  readonly objects: ObjectStore;
  readonly documentsBucket: string;
  readonly settings: DecreeSettings;
  readonly retention: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly days: number } | undefined;
  readonly rates: { readonly placeholder: boolean; readonly monthly: Readonly<Record<RoleCode, number>> };
  readonly render: (doc: DecreeDocument, options: { createdAt: Date }) => Promise<RenderedPdf>;
  /** The pre-flight's rendering: nothing kept, nothing stored (`dryRunDecreePdf`). */
  readonly dryRender: (doc: DecreeDocument, options: { createdAt: Date }) => Promise<unknown>;
  readonly now?: () => Date;
  /** Attempts at taking the next number when other decrees take it first. @default 200 */
  readonly maxNumberingAttempts?: number;
}

/** Automatic steps are attributed to the system, on behalf of the approver who approved. */
const SYSTEM: AuditActor = { sub: 'system:decree-worker', name: 'Penerbit SK otomatis', role: 'system' };

/**
 * Issues the decree of an approved proposal, in two steps that each either happen whole or not at
 * all, so a crash anywhere is finished by the next delivery of the same message:
 *
 * 0. **Pre-flight** ({@link preflightDecree}), before any number is taken: everything that can fail
 *    later without depending on the number (the list read whole and valid, counts and totals as
 *    approved, the amounts, the configuration, the fonts, a dry rendering). A failure throws
 *    {@link DecreePreflightError}: no number is taken, the proposal stays APPROVED, the reason goes
 *    on its audit trail once per distinct reason ({@link recordPreflightFailure}), the message is
 *    retried and ends in the dead-letter queue.
 * 1. **Number**: one transaction takes the year's next number (conditional on the counter still
 *    holding the one before: no gap, no repeat), records the decree as ISSUING with its
 *    verification code, and names it on the proposal (conditional on APPROVED and unchanged), with
 *    an audit record. A second request for the proposal finds the named decree and numbers nothing.
 * 2. **Store**: the PDF is rendered from the approved list and written once under a key that names
 *    the decree; then one transaction marks the decree ISSUED with the SHA-256 of the stored bytes
 *    and moves the proposal to DECREED, with an audit record.
 *
 * Returns the decree, or undefined when the message is stale (the proposal is not APPROVED with
 * this list and has no decree).
 */
export async function issueDecree(
  message: DecreeRequested,
  deps: IssueDecreeDeps,
): Promise<DecreeRecord | undefined> {
  const now = deps.now ?? (() => new Date());
  const numbered = await numberChecked(message, deps, now);
  if (numbered?.decree.status !== 'ISSUING') return numbered?.decree;
  return storeDecree(numbered.decree, deps, now, numbered.lampiran);
}

/**
 * Step 1 alone (after the pre-flight): the decree of the request's proposal, numbered (ISSUING) or
 * further along; undefined when the request is stale. Retries when another decree takes the number
 * first.
 */
export async function numberDecree(
  message: DecreeRequested,
  deps: IssueDecreeDeps,
  now: () => Date = deps.now ?? (() => new Date()),
): Promise<DecreeRecord | undefined> {
  return (await numberChecked(message, deps, now))?.decree;
}

/** The decree, and the lampiran the pre-flight built when this call numbered it. */
async function numberChecked(
  message: DecreeRequested,
  deps: IssueDecreeDeps,
  now: () => Date,
): Promise<{ decree: DecreeRecord; lampiran?: Lampiran } | undefined> {
  const attempts = deps.maxNumberingAttempts ?? 200;
  let replaces: Awaited<ReturnType<typeof replacedDecree>> | undefined;
  let checked: Preflight | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const proposal = await deps.proposals.get(message.proposalId);
    if (proposal?.decreeId) {
      const decree = await deps.decrees.get(proposal.decreeId);
      if (!decree)
        throw new Error(
          `proposal ${proposal.proposalId} names decree ${proposal.decreeId}, which is missing`,
        );
      return { decree };
    }
    if (proposal?.status !== 'APPROVED' || proposal.approvedListId !== message.listId) {
      logger.warn('Decree request is stale: the proposal is not approved with this list', {
        proposalId: message.proposalId,
        status: proposal?.status,
      });
      return undefined;
    }
    // Once per request, before any number is taken: a failure here leaves the year's sequence as it
    // was, and its reason goes on the proposal's audit trail (once per distinct reason).
    if (!checked) {
      try {
        checked = await preflightDecree(proposal, message.listId, deps, now());
      } catch (error) {
        if (error instanceof DecreePreflightError) {
          await recordPreflightFailure(proposal, message.listId, error, deps, now);
        }
        throw error;
      }
    }
    replaces ??= await replacedDecree(proposal, deps);
    const at = now();
    const date = wibDate(at);
    const seq = (await deps.decrees.lastSeq(date.year)) + 1;
    const decree: DecreeRecord = {
      decreeId: decreeIdFor(proposal.proposalId),
      kind: proposal.kind,
      proposalId: proposal.proposalId,
      region: proposal.region,
      period: proposal.period,
      ...(proposal.kind === 'KPM' ? { tahapId: proposal.period } : {}),
      listId: message.listId,
      year: date.year,
      seq,
      number: formatDecreeNumber(deps.settings.numberPattern, seq, date.year),
      status: 'ISSUING',
      verifyCode: newVerifyCode(),
      decreeDate: date.iso,
      numberedAt: at.toISOString(),
      recipientCount: proposal.recipientCount,
      // The amounts are fixed with the number: a retry, or a later change of the rate table (or of
      // the tahap), prints the same. A KPM decree's come from its tahap, not from the rate table.
      ...(checked.amountByComponent
        ? { amountByComponent: checked.amountByComponent, ratesArePlaceholders: false }
        : { amountByRole: checked.amountByRole, ratesArePlaceholders: deps.rates.placeholder }),
      signer: { title: deps.settings.signerTitle, name: deps.settings.signerName },
      approvedBy: message.approvedBy,
      ...replaces,
    };
    const plan = planDecreeNumbered(proposal, decree);
    try {
      await deps.proposals.apply(
        proposal,
        plan,
        SYSTEM,
        decree.numberedAt,
        deps.decrees.numberingItems(decree),
      );
      logger.info('Decree numbered', { decreeId: decree.decreeId, number: decree.number, attempt });
      return { decree, lampiran: checked.lampiran };
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
      // Item 5 is the revoked decree's `replacedBy`: another decree replaced it meanwhile; look again.
      if (error.failedItem >= 5) replaces = undefined;
      // Another decree took the number (or a twin delivery numbered this one): read again and retry,
      // after a full-jitter exponential backoff, so that many workers at once spread out.
      await jitteredBackoff(attempt, 10, 1_000);
    }
  }
  throw new Error(`no decree number for ${message.proposalId} after ${attempts} attempts`);
}

// --- Pre-flight ------------------------------------------------------------------------------------

/** A decree that cannot be issued as things are: no number was taken; the message is retried. */
export class DecreePreflightError extends Error {
  constructor(
    readonly proposalId: string,
    readonly problems: readonly PreflightProblem[],
  ) {
    super(
      `decree pre-flight of ${proposalId} failed, no number taken: ` +
        problems
          .map(
            (problem) => `${problem.code}: ${problem.message}${problem.detail ? ` (${problem.detail})` : ''}`,
          )
          .join(' | '),
    );
    this.name = 'DecreePreflightError';
  }
}

interface Preflight {
  readonly amountByRole: Record<string, number>;
  /** KPM: what every family receives of each component of the tahap. */
  readonly amountByComponent?: Record<string, number>;
  readonly lampiran: Lampiran;
}

/** Recipients named one by one in a pre-flight failure; the rest are counted. */
const LISTED_RECIPIENT_PROBLEMS = 10;

/** The number and code the dry rendering prints: as wide as real ones get. */
const PLACEHOLDER_SEQ = 99_999;
const PLACEHOLDER_CODE = 'ZZZZ-ZZZZ-ZZZZ';

/**
 * Everything that can fail after the number is taken, checked before it is: the configuration
 * (number pattern, place, signer, verification URL, NIK mask, retention), the amounts of the period
 * from the rate table, the approved list read whole (every item parses, every recipient can be
 * printed, the count and the count per role are the proposal's, and so the total the approver saw),
 * and a dry rendering with a placeholder number and code (fonts, QR code, every row laid out; see
 * `dryRunDecreePdf`). Throws {@link DecreePreflightError} with every problem found; logs them (ids,
 * codes and row numbers only). Returns the amounts and the lampiran, which the decree then prints.
 */
export async function preflightDecree(
  proposal: ProposalRecord,
  listId: string,
  deps: IssueDecreeDeps,
  at: Date,
): Promise<Preflight> {
  const problems: PreflightProblem[] = [
    ...decreeSettingsProblems(deps.settings),
    ...retentionProblems(deps.retention),
  ];
  const kpm = proposal.kind === 'KPM';
  let amountByRole: Record<string, number> = {};
  let components: ComponentAmount[] = [];
  if (kpm) {
    // What every family receives: the tahap's components, read from the tahap record.
    const tahap = await deps.tahap?.get(proposal.period);
    if (tahap) {
      components = componentAmounts(tahap.components);
      problems.push(...componentProblems(components));
    } else {
      problems.push({
        code: 'RATES_INVALID',
        message: `Tahap ${proposal.period} tidak ditemukan: besaran bantuan per keluarga tidak dapat dibaca.`,
      });
    }
  } else {
    try {
      amountByRole = amountsForPeriod(deps.rates.monthly, proposal.period);
      problems.push(...amountProblems(amountByRole));
    } catch (error) {
      problems.push({
        code: 'RATES_INVALID',
        message: `Tabel tarif: besaran periode ${proposal.period} tidak dapat dihitung (${(error as Error).message}).`,
      });
    }
  }

  const recipients: DecreeRecipient[] = [];
  const countsByRole: Record<string, number> = {};
  const invalid: string[] = [];
  let read = 0;
  try {
    for await (const { recipient } of deps.recipients.stream(listId)) {
      read += 1;
      const entry = decreeRecipientOf(recipient);
      const problem = kpm ? kpmRecipientProblem(entry) : recipientProblem(entry);
      if (problem) invalid.push(`baris ${recipient.row}: ${problem}`);
      countsByRole[entry.peran] = (countsByRole[entry.peran] ?? 0) + 1;
      recipients.push(entry);
    }
  } catch (error) {
    // A stored item that no longer parses, or a read that fails: the name of the error only (a
    // validation message could quote a recipient's data).
    problems.push({
      code: 'LIST_UNREADABLE',
      message: `Daftar ${listId} tidak dapat dibaca utuh: terhenti setelah ${read} penerima (${(error as Error).name}).`,
    });
  }
  if (invalid.length > 0) {
    const more = invalid.length - LISTED_RECIPIENT_PROBLEMS;
    problems.push({
      code: 'RECIPIENT_INVALID',
      message:
        `${invalid.length} penerima tidak dapat dicetak: ${invalid.slice(0, LISTED_RECIPIENT_PROBLEMS).join('; ')}` +
        `${more > 0 ? `; dan ${more} lainnya` : ''}.`,
    });
  }
  const listRead = !problems.some((problem) => problem.code === 'LIST_UNREADABLE');
  if (listRead && recipients.length !== proposal.recipientCount) {
    problems.push({
      code: 'COUNT_MISMATCH',
      message: `Daftar ${listId} memuat ${recipients.length} penerima, usulan yang disetujui ${proposal.recipientCount}.`,
    });
  }
  if (listRead && Object.keys(proposal.countsByRole).length > 0) {
    const roles = new Set([...Object.keys(countsByRole), ...Object.keys(proposal.countsByRole)]);
    const differ = [...roles].filter(
      (role) => (countsByRole[role] ?? 0) !== (proposal.countsByRole[role] ?? 0),
    );
    if (differ.length > 0) {
      problems.push({
        code: 'COUNT_MISMATCH',
        message:
          'Jumlah penerima per peran berbeda dari usulan yang disetujui: ' +
          differ
            .map((role) => `${role} ${countsByRole[role] ?? 0} (usulan ${proposal.countsByRole[role] ?? 0})`)
            .join(', ') +
          '.',
      });
    }
  }
  if (problems.length > 0) throw preflightFailed(proposal, listId, problems);

  const lampiran = kpm
    ? buildKpmLampiran(recipients, components, deps.settings.nikMask)
    : buildLampiran(recipients, amountByRole, deps.settings.nikMask);
  recipients.length = 0;
  const approvedTotal = kpm
    ? proposal.recipientCount * perFamily(components)
    : totalsFor(proposal.countsByRole, deps.rates.monthly, proposal.period).total;
  if (Object.keys(proposal.countsByRole).length > 0 && lampiran.total !== approvedTotal) {
    problems.push({
      code: 'TOTAL_MISMATCH',
      message: `Jumlah seluruhnya ${lampiran.total} berbeda dari jumlah usulan yang disetujui ${approvedTotal}.`,
    });
    throw preflightFailed(proposal, listId, problems);
  }

  const date = wibDate(at);
  const document = decreeDocument(
    {
      kind: proposal.kind,
      number: formatDecreeNumber(deps.settings.numberPattern, PLACEHOLDER_SEQ, date.year),
      region: proposal.region,
      period: proposal.period,
      decreeDate: date.iso,
      verifyCode: PLACEHOLDER_CODE,
      proposalId: proposal.proposalId,
      ...(proposal.revision > 1
        ? {
            replaces: {
              number: formatDecreeNumber(deps.settings.numberPattern, PLACEHOLDER_SEQ, date.year),
              revokedOn: date.iso,
            },
          }
        : {}),
      ratesArePlaceholders: !kpm && deps.rates.placeholder,
    },
    lampiran,
    deps.settings,
  );
  try {
    await deps.dryRender(document, { createdAt: at });
  } catch (error) {
    problems.push({
      code: 'RENDER_FAILED',
      message: `SK tidak dapat disusun menjadi PDF (galat ${(error as Error).name}); hubungi admin.`,
      detail: (error as Error).message.slice(0, 200),
    });
    throw preflightFailed(proposal, listId, problems);
  }
  return kpm
    ? {
        amountByRole: {},
        amountByComponent: Object.fromEntries(components.map((c) => [c.component, c.amount])),
        lampiran,
      }
    : { amountByRole, lampiran };
}

function preflightFailed(
  proposal: ProposalRecord,
  listId: string,
  problems: readonly PreflightProblem[],
): DecreePreflightError {
  logger.error('Decree pre-flight failed: no number taken, the proposal stays APPROVED', {
    proposalId: proposal.proposalId,
    listId,
    problems,
  });
  return new DecreePreflightError(proposal.proposalId, problems);
}

/** Attempts at writing the audit record when the proposal changes meanwhile (a twin delivery). */
const RECORD_ATTEMPTS = 3;

/**
 * Puts a failed pre-flight on the proposal's audit trail (`DECREE_PREFLIGHT_FAILED`, the proposal
 * stays APPROVED), so the operator and the approver see why no decree came, not only the logs.
 * Once per distinct failure: when the proposal already carries the same reason for the same list
 * (a redelivered message, SQS retrying it), nothing is written. A proposal that moved on meanwhile
 * (numbered by a twin delivery, no longer APPROVED) is left alone. Never throws: the pre-flight's
 * own error is what fails the message, so SQS retries it and the dead-letter queue alarms as before.
 */
async function recordPreflightFailure(
  read: ProposalRecord,
  listId: string,
  error: DecreePreflightError,
  deps: IssueDecreeDeps,
  now: () => Date,
): Promise<void> {
  const failure = {
    listId,
    codes: [...new Set(error.problems.map((problem) => problem.code))],
    reason: preflightFailureReason(error.problems),
  };
  try {
    let proposal: ProposalRecord | undefined = read;
    for (let attempt = 1; attempt <= RECORD_ATTEMPTS; attempt++) {
      // Moved on meanwhile (numbered by a twin delivery, no longer APPROVED with this list): nothing to add.
      if (proposal?.status !== 'APPROVED' || proposal.decreeId || proposal.approvedListId !== listId) return;
      if (preflightFailureRecorded(proposal.decreePreflightFailure, failure)) {
        logger.info('Decree pre-flight failure already on the audit trail', {
          proposalId: proposal.proposalId,
          codes: failure.codes,
        });
        return;
      }
      const at = now().toISOString();
      try {
        await deps.proposals.apply(
          proposal,
          planDecreePreflightFailed(proposal, { ...failure, at }),
          SYSTEM,
          at,
        );
        logger.warn('Decree pre-flight failure recorded on the audit trail', {
          proposalId: proposal.proposalId,
          codes: failure.codes,
        });
        return;
      } catch (caught) {
        if (!(caught instanceof ConcurrentChangeError)) throw caught;
        proposal = await deps.proposals.get(proposal.proposalId);
      }
    }
    logger.warn('Decree pre-flight failure not recorded: the proposal kept changing', {
      proposalId: read.proposalId,
    });
  } catch (caught) {
    logger.error('Could not record the decree pre-flight failure on the audit trail', {
      proposalId: read.proposalId,
      error: caught,
    });
  }
}

/**
 * The revoked decree this proposal's decree replaces: the newest revoked one of an earlier revision
 * of the same region and period that no decree replaces yet.
 */
async function replacedDecree(
  proposal: ProposalRecord,
  deps: IssueDecreeDeps,
): Promise<Pick<DecreeRecord, 'replaces'> | Record<string, never>> {
  if (proposal.revision <= 1) return {};
  const earlier = await deps.proposals.list({
    kind: proposal.kind,
    regions: [proposal.region],
    period: proposal.period,
  });
  const candidates = earlier
    .filter((other) => other.revision < proposal.revision && other.status === 'REVOKED' && other.decreeId)
    .sort((a, b) => b.revision - a.revision);
  for (const candidate of candidates) {
    const revoked = candidate.decreeId ? await deps.decrees.get(candidate.decreeId) : undefined;
    if (revoked?.status === 'REVOKED' && !revoked.replacedBy && revoked.revokedAt) {
      return {
        replaces: {
          decreeId: revoked.decreeId,
          number: revoked.number,
          revokedOn: wibDate(new Date(revoked.revokedAt)).iso,
        },
      };
    }
  }
  return {};
}

async function storeDecree(
  decree: DecreeRecord,
  deps: IssueDecreeDeps,
  now: () => Date,
  checked?: Lampiran,
): Promise<DecreeRecord> {
  const lampiran = checked ?? (await readLampiran(decree, deps));
  const document = decreeDocument(decree, lampiran, {
    ...deps.settings,
    signerTitle: decree.signer.title,
    signerName: decree.signer.name,
  });
  // The PDF is dated when the number was given, so a retry renders the same bytes.
  const rendered = await deps.render(document, { createdAt: new Date(decree.numberedAt) });
  const key = decreePdfKey(decree);
  const retention = deps.retention
    ? { mode: deps.retention.mode, until: new Date(now().getTime() + deps.retention.days * 86_400_000) }
    : undefined;
  // Written once (If-None-Match); if an earlier attempt stored it and stopped before recording it,
  // the decree is what is stored. The existence check first serves stores that ignore If-None-Match
  // (the local emulator); S3 itself refuses the second write either way.
  const written = (await deps.objects.exists(deps.documentsBucket, key))
    ? ({ written: false } as const)
    : await deps.objects.putOnce(deps.documentsBucket, key, rendered.pdf, 'application/pdf', {
        sha256Hex: rendered.sha256,
        retention,
      });
  const stored = written.written
    ? { sha256: rendered.sha256, bytes: rendered.pdf.length, versionId: written.versionId }
    : await deps.objects.sha256(deps.documentsBucket, key);
  if (stored.sha256 !== rendered.sha256) {
    logger.warn('Stored decree PDF differs from a fresh rendering; recording the stored one', {
      decreeId: decree.decreeId,
    });
  }

  const issuedAt = now().toISOString();
  const proposal = await deps.proposals.get(decree.proposalId);
  if (!proposal) throw new Error(`proposal ${decree.proposalId} of decree ${decree.decreeId} is missing`);
  const fresh = await deps.decrees.get(decree.decreeId);
  if (fresh?.status !== 'ISSUING') return fresh ?? decree;
  const plan = planDecreed(
    proposal,
    { decreeId: decree.decreeId, number: decree.number, sha256: stored.sha256 },
    issuedAt,
  );
  try {
    await deps.proposals.apply(proposal, plan, SYSTEM, issuedAt, [
      deps.decrees.issuedItem(decree.decreeId, {
        pdfKey: key,
        sha256: stored.sha256,
        versionId: stored.versionId,
        pages: rendered.pages,
        bytes: stored.bytes,
        total: lampiran.total,
        byRole: [...lampiran.byRole],
        ...(lampiran.byComponent
          ? {
              byComponent: lampiran.byComponent.map(({ component, count, amount }) => ({
                component,
                count,
                amount,
              })),
              memberCount: lampiran.memberCount,
            }
          : {}),
        issuedAt,
      }),
      ...(decree.kind === 'KPM' ? [deps.decrees.distributionItem(decree, issuedAt)] : []),
    ]);
  } catch (error) {
    if (!(error instanceof ConcurrentChangeError)) throw error;
    const after = await deps.decrees.get(decree.decreeId);
    if (after?.status === 'ISSUED') return after;
    throw error;
  }
  const issued = await deps.decrees.get(decree.decreeId);
  if (!issued) throw new Error(`decree ${decree.decreeId} vanished after it was issued`);
  logger.info('Decree issued', {
    decreeId: issued.decreeId,
    number: issued.number,
    pages: rendered.pages,
    recipients: lampiran.recipientCount,
  });
  return issued;
}

/**
 * What the lampiran prints of a stored recipient (no account, no phone); of a KPM row's family, its
 * No KK and how many members it has (not the members themselves).
 */
const decreeRecipientOf = (recipient: StoredRecipient): DecreeRecipient => ({
  nama: recipient.nama,
  nik: recipient.nik,
  peran: recipient.peran,
  kecamatanCode: recipient.kecamatanCode,
  kecamatan: recipient.kecamatan,
  desaCode: recipient.desaCode,
  desa: recipient.desa,
  rt: recipient.rt,
  ...(recipient.family
    ? { family: { noKk: recipient.family.noKk, members: recipient.family.members.length } }
    : {}),
});

/** The lampiran of a decree numbered by an earlier attempt, from its approved list and fixed amounts. */
async function readLampiran(decree: DecreeRecord, deps: IssueDecreeDeps): Promise<Lampiran> {
  const recipients: DecreeRecipient[] = [];
  for await (const { recipient } of deps.recipients.stream(decree.listId)) {
    recipients.push(decreeRecipientOf(recipient));
  }
  if (recipients.length !== decree.recipientCount) {
    throw new Error(
      `decree ${decree.decreeId}: list ${decree.listId} has ${recipients.length} recipients, the proposal ${decree.recipientCount}`,
    );
  }
  const lampiran =
    decree.kind === 'KPM'
      ? buildKpmLampiran(recipients, componentAmounts(decree.amountByComponent ?? {}), deps.settings.nikMask)
      : buildLampiran(
          recipients,
          decree.amountByRole ?? amountsForPeriod(deps.rates.monthly, decree.period),
          deps.settings.nikMask,
        );
  recipients.length = 0;
  return lampiran;
}
