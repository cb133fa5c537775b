import { setTimeout as sleep } from 'node:timers/promises';
import type { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import type { ObjectStore } from '#shared/adapters/object-store.ts';
import { ConcurrentChangeError, type ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import type { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { decreePdfKey } from '#shared/adapters/storage-keys.ts';
import type { AuditActor } from '#shared/domain/audit.ts';
import {
  amountsForPeriod,
  buildLampiran,
  type DecreeDocument,
  type DecreeRecipient,
  type DecreeSettings,
  decreeDocument,
  decreeIdFor,
  formatDecreeNumber,
  newVerifyCode,
  wibDate,
} from '#shared/domain/decree.ts';
import type { RoleCode } from '#shared/domain/roles.ts';
import { planDecreed, planDecreeNumbered } from '#shared/domain/workflow.ts';
import { logger } from '#shared/logger.ts';
import type { DecreeRequested } from '#shared/messages.ts';
import type { DecreeRecord, ProposalRecord } from '#shared/model.ts';

export interface RenderedPdf {
  readonly pdf: Buffer;
  readonly pages: number;
  readonly sha256: string;
}

export interface IssueDecreeDeps {
  readonly proposals: ProposalsRepository;
  readonly decrees: DecreesRepository;
  readonly recipients: RecipientsRepository;
  readonly objects: ObjectStore;
  readonly documentsBucket: string;
  readonly settings: DecreeSettings;
  readonly retention: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly days: number } | undefined;
  readonly rates: { readonly placeholder: boolean; readonly monthly: Readonly<Record<RoleCode, number>> };
  readonly render: (doc: DecreeDocument, options: { createdAt: Date }) => Promise<RenderedPdf>;
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
  const numbered = await numberDecree(message, deps, now);
  if (numbered?.status !== 'ISSUING') return numbered;
  return storeDecree(numbered, deps, now);
}

/**
 * Step 1 alone: the decree of the request's proposal, numbered (ISSUING) or further along; undefined
 * when the request is stale. Retries when another decree takes the number first.
 */
export async function numberDecree(
  message: DecreeRequested,
  deps: IssueDecreeDeps,
  now: () => Date = deps.now ?? (() => new Date()),
): Promise<DecreeRecord | undefined> {
  const attempts = deps.maxNumberingAttempts ?? 200;
  let replaces: Awaited<ReturnType<typeof replacedDecree>> | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const proposal = await deps.proposals.get(message.proposalId);
    if (proposal?.decreeId) {
      const decree = await deps.decrees.get(proposal.decreeId);
      if (!decree)
        throw new Error(
          `proposal ${proposal.proposalId} names decree ${proposal.decreeId}, which is missing`,
        );
      return decree;
    }
    if (proposal?.status !== 'APPROVED' || proposal.approvedListId !== message.listId) {
      logger.warn('Decree request is stale: the proposal is not approved with this list', {
        proposalId: message.proposalId,
        status: proposal?.status,
      });
      return undefined;
    }
    replaces ??= await replacedDecree(proposal, deps);
    const at = now();
    const date = wibDate(at);
    const seq = (await deps.decrees.lastSeq(date.year)) + 1;
    const decree: DecreeRecord = {
      decreeId: decreeIdFor(proposal.proposalId),
      proposalId: proposal.proposalId,
      region: proposal.region,
      period: proposal.period,
      listId: message.listId,
      year: date.year,
      seq,
      number: formatDecreeNumber(deps.settings.numberPattern, seq, date.year),
      status: 'ISSUING',
      verifyCode: newVerifyCode(),
      decreeDate: date.iso,
      numberedAt: at.toISOString(),
      recipientCount: proposal.recipientCount,
      // The amounts are fixed with the number: a retry, or a later change of the rate table, prints the same.
      amountByRole: amountsForPeriod(deps.rates.monthly, proposal.period),
      ratesArePlaceholders: deps.rates.placeholder,
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
      return decree;
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
      // Item 5 is the revoked decree's `replacedBy`: another decree replaced it meanwhile; look again.
      if (error.failedItem >= 5) replaces = undefined;
      // Another decree took the number (or a twin delivery numbered this one): read again and retry,
      // after a full-jitter exponential backoff, so that many workers at once spread out.
      await sleep(Math.random() * Math.min(1_000, 10 * 2 ** attempt));
    }
  }
  throw new Error(`no decree number for ${message.proposalId} after ${attempts} attempts`);
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
  const earlier = await deps.proposals.list({ regions: [proposal.region], period: proposal.period });
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
): Promise<DecreeRecord> {
  const recipients: DecreeRecipient[] = [];
  for await (const { recipient } of deps.recipients.stream(decree.listId)) {
    recipients.push({
      nama: recipient.nama,
      nik: recipient.nik,
      peran: recipient.peran,
      kecamatanCode: recipient.kecamatanCode,
      kecamatan: recipient.kecamatan,
      desaCode: recipient.desaCode,
      desa: recipient.desa,
      rt: recipient.rt,
    });
  }
  if (recipients.length !== decree.recipientCount) {
    throw new Error(
      `decree ${decree.decreeId}: list ${decree.listId} has ${recipients.length} recipients, the proposal ${decree.recipientCount}`,
    );
  }
  const lampiran = buildLampiran(
    recipients,
    decree.amountByRole ?? amountsForPeriod(deps.rates.monthly, decree.period),
    deps.settings.nikMask,
  );
  recipients.length = 0;
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
        issuedAt,
      }),
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
