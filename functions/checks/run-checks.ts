import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriter } from '#shared/adapters/batch-writer.ts';
import type { ExclusionsRepository } from '#shared/adapters/exclusions-repo.ts';
import { ConcurrentChangeError, type ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { FlagIndex, indexedCodes, type RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import type { RegistryReadStats, RegistryRepository } from '#shared/adapters/registry-repo.ts';
import type { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import type { AuditActor } from '#shared/domain/audit.ts';
import {
  type CurrentList,
  conflictingProposals,
  crossFlags,
  FLAG_CODES,
  FLAGS,
  type Flag,
  type FlagCode,
  GroupCounter,
  isLive,
  liveHits,
  localFlags,
  periodStart,
  RECHECKABLE_STATUSES,
  type RegistryHits,
  sameFlags,
  sortFlags,
  waiverId,
} from '#shared/domain/checks.ts';
import { listsInForce } from '#shared/domain/family/exclusions.ts';
import {
  cameAfter,
  kpmCrossFlags,
  kpmRegistryRows,
  LaterExclusions,
  penerimaFlags,
} from '#shared/domain/kpm-checks.ts';
import { listScope, type ProposalKind } from '#shared/domain/proposal.ts';
import { type RegisteredList, RegistryIndex, type RegistryRow } from '#shared/domain/registry-index.ts';
import { REGIONS } from '#shared/domain/wilayah.ts';
import { type CodeCount, planChecksCompleted } from '#shared/domain/workflow.ts';
import { logger } from '#shared/logger.ts';
import { type ChecksRequested, ChecksRequestedSchema, type Handoff } from '#shared/messages.ts';
import type { ProposalRecord, StoredRecipient } from '#shared/model.ts';
import type { CallCounter } from './call-counter.ts';
import type { WaiverReader } from './waivers.ts';

/** A re-check request for another region's proposal. */
type ChecksHandoff = Extract<Handoff, { queue: 'checks' }>;

export interface RunChecksDeps {
  readonly proposals: ProposalsRepository;
  readonly recipients: RecipientsRepository;
  readonly registry: RegistryRepository;
  readonly waivers: WaiverReader;
  /** The tahap of a KPM list (when its eligibility run started); a BKK-only caller may leave it out. */
  readonly tahap?: Pick<TahapRepository, 'get'>;
  /** The exclusion lists a KPM list is checked against; a BKK-only caller may leave it out. */
  readonly exclusions?: Pick<ExclusionsRepository, 'lists' | 'entries'>;
  readonly tableName: string;
  /** Client for the batched writes (registry entries, flags); the shared one by default. */
  readonly client?: DynamoDBDocumentClient;
  readonly now?: () => Date;
  /** BatchWriteItem calls in flight at once. @default 8 */
  readonly writeConcurrency?: number;
  /** Attempts at recording the result when the proposal changes meanwhile. @default 5 */
  readonly maxApplyAttempts?: number;
  /** When given, the outcome says how many DynamoDB calls the run made. */
  readonly calls?: CallCounter;
}

/** Who the audit trail names for the result of the checks. */
export const CHECKS_ACTOR: AuditActor = {
  sub: 'system:checks',
  name: 'Pemeriksaan otomatis',
  role: 'system',
};

/** Why a message was dropped without doing anything. */
export type SkipReason =
  /** No such proposal. */
  | 'not-found'
  /** The proposal is no longer waiting for checks (returned, verified, …). */
  | 'not-in-review'
  /** The message names a list that is no longer the proposal's current one. */
  | 'stale-list'
  /** This very message already completed (a redelivery). */
  | 'already-done'
  /** A run of the same list that started later has already recorded its (newer) result. */
  | 'superseded';

export interface ChecksCounts {
  readonly recipients: number;
  /** Recipients with at least one flag. */
  readonly flagged: number;
  /** Blocking flags (not recipients). */
  readonly blocking: number;
  /** Warning flags. */
  readonly warnings: number;
  /** Blocking flags not waived. */
  readonly openBlocking: number;
  readonly byCode: Readonly<Record<FlagCode, number>>;
}

export type ChecksOutcome =
  | { readonly kind: 'skipped'; readonly proposalId: string; readonly reason: SkipReason }
  | {
      readonly kind: 'completed';
      readonly proposalId: string;
      readonly listId: string;
      readonly runId: string;
      readonly counts: ChecksCounts;
      /** Recipient items rewritten because their flags changed. */
      readonly written: number;
      /** Flag index entries put or deleted (their recipient's codes changed, or the entry was wrong). */
      readonly flagIndexWrites: number;
      /** Proposals of other regions asked to re-check. */
      readonly rechecks: readonly string[];
      /** Proposal version after the result was recorded. */
      readonly version: number;
      /** What reading the other regions' live lists cost: a few pages per list, not Queries per row. */
      readonly registry: RegistryReadStats & {
        /** Chunk items of this list written. */
        readonly chunksWritten: number;
        /** Other regions' live lists the registry held no chunk of, registered by this run. */
        readonly backfilled: number;
        /** This region's chunks of earlier lists deleted. */
        readonly staleDeleted: number;
      };
      readonly timings: {
        readonly registerMs: number;
        readonly lookupMs: number;
        readonly totalMs: number;
      };
      readonly dynamoCalls?: number;
    };

/**
 * Runs the automatic checks on one submitted list, for one `checks.requested` message.
 *
 * Primary course: register the list's NIKs and accounts (KPM: members' NIKs and No KK) in the list
 * scope's registry (a few chunk items), counting roles per place → read every other region's live
 * list of the same kind and period from the registry in bulk and check each recipient in memory, writing its flags (only where they changed) →
 * record the counts on the proposal (IN_REVIEW) in one conditional, audited write; a first run asks
 * the other regions it conflicts with to re-check, so both sides see the conflict.
 *
 * Idempotent: a message for a proposal that is not SUBMITTED/IN_REVIEW, for a list that is not
 * current, or that already completed (`runId`, the SQS message id, is on the proposal) does nothing.
 * A crash anywhere leaves at worst registry chunks and flags that the retry writes again.
 * A `recheck` run never asks for further re-checks, so two regions cannot ping-pong.
 * What differs between a BKK and a KPM list (how a row is registered, which flags it gets) is the
 * list's {@link KindRules}; the rest is one code path.
 *
 * @throws ConcurrentChangeError when the proposal kept changing under every attempt (SQS retries).
 */
export async function runChecks(
  message: ChecksRequested,
  runId: string,
  deps: RunChecksDeps,
): Promise<ChecksOutcome> {
  const proposal = await deps.proposals.get(message.proposalId);
  const reason = skipReason(proposal, message.listId, runId);
  if (reason || !proposal) {
    logger.info('Checks request dropped', {
      proposalId: message.proposalId,
      listId: message.listId,
      runId,
      reason,
    });
    return { kind: 'skipped', proposalId: message.proposalId, reason: reason ?? 'not-found' };
  }
  return new ChecksRun(proposal, message, runId, deps).execute();
}

/** Why this proposal does not need this run, if it does not. */
function skipReason(
  proposal: ProposalRecord | undefined,
  listId: string,
  runId: string,
): SkipReason | undefined {
  if (!proposal) return 'not-found';
  if (proposal.status !== 'SUBMITTED' && proposal.status !== 'IN_REVIEW') return 'not-in-review';
  if (proposal.currentListId !== listId) return 'stale-list';
  if (proposal.checks?.runId === runId) return 'already-done';
  return undefined;
}

/** Running totals of a run; keeps only the flagged recipients' blocking flag ids. */
class Tally {
  recipients = 0;
  flagged = 0;
  blocking = 0;
  warnings = 0;
  readonly byCode = Object.fromEntries(FLAG_CODES.map((code) => [code, 0])) as Record<FlagCode, number>;
  /** `<recipientId>#<flag>` of every blocking flag: what a waiver names. */
  readonly blockingIds: string[] = [];

  add(recipientId: string, flags: readonly Flag[]): void {
    this.recipients++;
    if (flags.length > 0) this.flagged++;
    for (const item of flags) {
      this.byCode[item.code]++;
      if (item.severity === 'blocking') {
        this.blocking++;
        this.blockingIds.push(waiverId(recipientId, item.code));
      } else {
        this.warnings++;
      }
    }
  }

  openBlocking(waived: ReadonlySet<string>): number {
    return this.blockingIds.filter((id) => !waived.has(id)).length;
  }

  /** Per code found: severity, count, and how many are open once `waived` is set aside. */
  summaryByCode(waived: ReadonlySet<string>): Record<string, CodeCount> {
    const summary: Record<string, CodeCount> = {};
    for (const code of FLAG_CODES) {
      const count = this.byCode[code];
      if (count === 0) continue;
      const severity = FLAGS[code].severity;
      const closed =
        severity === 'blocking'
          ? this.blockingIds.filter((id) => id.endsWith(`#${code}`) && waived.has(id)).length
          : 0;
      summary[code] = { severity, count, open: count - closed };
    }
    return summary;
  }
}

/** One run over one list: the state its steps share. */
class ChecksRun {
  private readonly now: () => Date;
  private readonly started = performance.now();
  private readonly callsBefore: number;
  private readonly listId: string;
  /** `listScope(kind, period)`: the registry partition this list and the ones it meets share. */
  private readonly scope: string;
  private readonly kind: ProposalKind;
  private readonly rules: KindRules;
  private readonly tally = new Tally();
  /** Other regions' proposals this list conflicts with (collected on a first run only). */
  private readonly conflicts = new Set<string>();
  private written = 0;
  /** The list's flag index as pass 1 read it; pass 2 brings each recipient's entries in line. */
  private readonly index: FlagIndex;
  private flagIndexWrites = 0;
  /** When this run started, to recognise a newer run's result recorded meanwhile. */
  private readonly startedAt: string;
  /** This list's entries (from pass 1) and every other region's live list's (read in pass 2). */
  private readonly registryIndex = new RegistryIndex();
  private chunksWritten = 0;
  private staleDeleted = 0;
  private backfilled = 0;
  private registryRead: RegistryReadStats = { lists: 0, chunks: 0, entries: 0, queries: 0 };

  constructor(
    private readonly proposal: ProposalRecord,
    private readonly message: ChecksRequested,
    private readonly runId: string,
    private readonly deps: RunChecksDeps,
  ) {
    this.now = deps.now ?? (() => new Date());
    this.startedAt = this.now().toISOString();
    this.callsBefore = deps.calls?.total ?? 0;
    this.listId = message.listId;
    this.index = new FlagIndex(message.listId);
    this.kind = proposal.kind;
    this.scope = listScope(proposal.kind, proposal.period);
    this.rules = proposal.kind === 'KPM' ? kpmRules(proposal, runId, deps) : bkkRules(proposal);
  }

  async execute(): Promise<ChecksOutcome> {
    await this.register();
    const registered = performance.now();
    // Read after registering: a region whose run registered after this point sees ours instead.
    const [lists, waived] = await Promise.all([
      this.periodLists(),
      this.deps.waivers.waived(this.proposal.proposalId),
      this.rules.prepare(),
    ]);
    await this.lookUp(lists);
    const looked = performance.now();
    return this.record(waived, this.plannedRechecks(lists), {
      registerMs: registered - this.started,
      lookupMs: looked - registered,
    });
  }

  private writer(): BatchWriter {
    return new BatchWriter(this.deps.tableName, {
      ...(this.deps.client ? { client: this.deps.client } : {}),
      concurrency: this.deps.writeConcurrency ?? 8,
    });
  }

  /**
   * Pass 1: the list's registry chunks (this run's own index holds the same entries), and what the
   * kind's rules count over the whole list (BKK: roles per place). The list's flag index entries
   * come with the recipients, in the same Queries.
   */
  private async register(): Promise<void> {
    const writer = this.writer();
    const { proposalId, region } = this.proposal;
    const list = { region, proposalId, listId: this.listId };
    const chunks = this.deps.registry.listWriter({ ...list, scope: this.scope }, writer, this.startedAt);
    for await (const { recipient } of this.deps.recipients.stream(this.listId, { index: this.index })) {
      this.rules.observe(recipient);
      for (const row of this.rules.registryRows(recipient)) {
        this.registryIndex.add(list, row);
        await chunks.add(row);
      }
    }
    await chunks.end();
    await writer.flush();
    this.chunksWritten = chunks.chunks;
  }

  /**
   * The current list of this kind of every region for the period (regions without a proposal are
   * absent): a KPM list meets the other kabupaten's KPM lists for the tahap, never a BKK list.
   */
  private async periodLists(): Promise<Map<string, CurrentList>> {
    const lists = new Map<string, CurrentList>();
    await Promise.all(
      REGIONS.map(async ({ code }) => {
        if (code === this.proposal.region) return;
        const current = await this.deps.proposals.getCurrent(code, this.proposal.period, this.kind);
        if (current?.currentListId) {
          lists.set(code, {
            region: code,
            proposalId: current.proposalId,
            listId: current.currentListId,
            status: current.status,
          });
        }
      }),
    );
    // This run's own list counts by definition (within-list shared accounts).
    lists.set(this.proposal.region, {
      region: this.proposal.region,
      proposalId: this.proposal.proposalId,
      listId: this.listId,
      status: this.proposal.status,
    });
    return lists;
  }

  /**
   * Pass 2: every other region's live list read from the registry in bulk (and this region's
   * earlier lists' chunks deleted), then each recipient's flags, found in memory and written onto
   * its item where they changed, and its flag index entries put right (every run compares them with
   * what pass 1 read, so a run that crashed between an item and its entries is repaired by the
   * retry, which finds the item already up to date).
   */
  private async lookUp(lists: ReadonlyMap<string, CurrentList>): Promise<void> {
    const writer = this.writer();
    const { region } = this.proposal;
    const others = [...lists.values()].filter((list) => list.region !== region && isLive(list, lists));
    const [read, stale] = await Promise.all([
      this.deps.registry.readLists(this.scope, others, (list, row) => this.registryIndex.add(list, row)),
      this.deps.registry.staleChunks(this.scope, region, this.listId, this.startedAt),
    ]);
    const { unregistered, ...stats } = read;
    this.registryRead = stats;
    for (const list of unregistered) await this.backfill(list);
    this.backfilled = unregistered.length;
    for (const key of stale) await writer.delete(key);
    this.staleDeleted = stale.length;

    const firstRun = this.message.trigger === 'submit';
    const lookup: Lookup = {
      hits: (nik, key) => liveHits(this.registryIndex.hits(nik, key), lists),
      rowsOf: (nik) => this.registryIndex.rowsOf(nik, this.listId),
    };
    for await (const { recipient, item } of this.deps.recipients.stream(this.listId)) {
      const found = this.rules.check(recipient, lookup);
      const flags = sortFlags(found.flags);
      this.tally.add(recipient.recipientId, flags);
      if (firstRun) for (const id of found.conflicts) this.conflicts.add(id);
      if (!sameFlags(recipient.flags, flags)) {
        this.written++;
        await writer.put(withFlags(item, flags));
      }
      this.flagIndexWrites += await this.index.sync(
        writer,
        recipient.row,
        indexedCodes({ warnings: recipient.warnings, flagCodes: flags.map((entry) => entry.code) }),
      );
    }
    await writer.flush();
  }

  /**
   * Registers another region's live list that the registry holds no chunk of, from its recipients,
   * into the registry and this run's index: a list checked before the registry was kept in chunks
   * (it would otherwise go unseen until re-checked, and a VERIFIED list never is), or one whose own
   * run has not registered it yet (the same chunks, written twice: harmless).
   */
  private async backfill(list: RegisteredList): Promise<void> {
    const writer = this.writer();
    const chunks = this.deps.registry.listWriter({ ...list, scope: this.scope }, writer, this.startedAt);
    let entries = 0;
    for await (const { recipient } of this.deps.recipients.stream(list.listId)) {
      for (const row of this.rules.registryRows(recipient)) {
        this.registryIndex.add(list, row);
        await chunks.add(row);
        entries++;
      }
    }
    await chunks.end();
    await writer.flush();
    logger.info('Registered a live list the registry held no chunk of', {
      proposalId: this.proposal.proposalId,
      runId: this.runId,
      listRegion: list.region,
      listProposalId: list.proposalId,
      listId: list.listId,
      entries,
    });
  }

  /**
   * The re-checks this run asks of the other regions' proposals its list conflicts with, so they see
   * the conflict too. They are written with the result, in its transaction (outbox items the relay
   * sends): recorded and requested together, or neither, and a retry of this run asks again.
   */
  private plannedRechecks(lists: ReadonlyMap<string, CurrentList>): ChecksHandoff[] {
    const byProposal = new Map([...lists.values()].map((list) => [list.proposalId, list]));
    const handoffs: ChecksHandoff[] = [];
    for (const proposalId of [...this.conflicts].sort()) {
      const target = byProposal.get(proposalId);
      if (!target || !RECHECKABLE_STATUSES.has(target.status)) continue;
      handoffs.push({
        queue: 'checks',
        message: ChecksRequestedSchema.parse({
          type: 'checks.requested',
          proposalId,
          listId: target.listId,
          trigger: 'recheck',
          requestedAt: this.now().toISOString(),
        }),
      });
    }
    return handoffs;
  }

  /**
   * Records the counts on the proposal (→ IN_REVIEW), conditional on the version read. A waiver or
   * a sign-off landing meanwhile makes it fail: read the proposal and the waivers again and retry.
   */
  private async record(
    initiallyWaived: ReadonlySet<string>,
    rechecks: readonly ChecksHandoff[],
    timings: { registerMs: number; lookupMs: number },
  ): Promise<ChecksOutcome> {
    let proposal = this.proposal;
    let waived = initiallyWaived;
    const maxAttempts = this.deps.maxApplyAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      const at = this.now().toISOString();
      const openBlocking = this.tally.openBlocking(waived);
      try {
        const updated = await this.deps.proposals.applyAndHandOff(
          proposal,
          planChecksCompleted(proposal, {
            listId: this.listId,
            blocking: this.tally.blocking,
            warnings: this.tally.warnings,
            openBlocking,
            runId: this.runId,
            startedAt: this.startedAt,
            at,
            byCode: this.tally.summaryByCode(waived),
          }),
          CHECKS_ACTOR,
          at,
          () => rechecks,
        );
        const asked = rechecks.map((handoff) => handoff.message.proposalId);
        return this.completed(updated.version, openBlocking, asked, timings);
      } catch (error) {
        if (!(error instanceof ConcurrentChangeError) || attempt >= maxAttempts) throw error;
        const fresh = await this.deps.proposals.get(proposal.proposalId);
        // A slower run must not overwrite the result of a run that started after it (a re-check
        // that saw another region's newer entries).
        const newer =
          fresh?.checks?.listId === this.listId && (fresh.checks.startedAt ?? '') > this.startedAt;
        const reason = skipReason(fresh, this.listId, this.runId) ?? (newer ? 'superseded' : undefined);
        if (reason || !fresh) {
          logger.info('Proposal moved on while its checks ran; result not recorded', {
            proposalId: proposal.proposalId,
            runId: this.runId,
            reason,
          });
          return { kind: 'skipped', proposalId: proposal.proposalId, reason: reason ?? 'not-found' };
        }
        proposal = fresh;
        waived = await this.deps.waivers.waived(proposal.proposalId);
      }
    }
  }

  private completed(
    version: number,
    openBlocking: number,
    rechecks: readonly string[],
    timings: { registerMs: number; lookupMs: number },
  ): ChecksOutcome {
    const tally = this.tally;
    const outcome: ChecksOutcome = {
      kind: 'completed',
      proposalId: this.proposal.proposalId,
      listId: this.listId,
      runId: this.runId,
      counts: {
        recipients: tally.recipients,
        flagged: tally.flagged,
        blocking: tally.blocking,
        warnings: tally.warnings,
        openBlocking,
        byCode: { ...tally.byCode },
      },
      written: this.written,
      flagIndexWrites: this.flagIndexWrites,
      rechecks,
      version,
      registry: {
        ...this.registryRead,
        chunksWritten: this.chunksWritten,
        backfilled: this.backfilled,
        staleDeleted: this.staleDeleted,
      },
      timings: { ...timings, totalMs: performance.now() - this.started },
      ...(this.deps.calls ? { dynamoCalls: this.deps.calls.total - this.callsBefore } : {}),
    };
    logger.info('Checks completed', {
      proposalId: outcome.proposalId,
      listId: outcome.listId,
      runId: outcome.runId,
      trigger: this.message.trigger,
      ...outcome.counts,
      written: outcome.written,
      flagIndexWrites: outcome.flagIndexWrites,
      rechecks: outcome.rechecks,
      registry: outcome.registry,
      ...outcome.timings,
      dynamoCalls: outcome.dynamoCalls,
    });
    return outcome;
  }
}

// ---------------------------------------------------------------------------------------------
// What differs per kind of list

/** The in-memory registry as a row's rules see it: only live lists' entries count. */
interface Lookup {
  /** Live hits of a NIK and a second key (BKK: the account; KPM: the No KK). */
  hits(nik: string, key: string): RegistryHits;
  /** Every row of this run's own list holding the NIK. */
  rowsOf(nik: string): readonly number[];
}

/**
 * The rules of one kind of list, for one run: how a row is registered, what is counted over the
 * whole list, what is loaded before pass 2, and which flags a row gets (with the other regions'
 * proposals it conflicts with, for the re-checks). The run's skeleton is {@link ChecksRun}'s.
 */
interface KindRules {
  /** The registry entries of a row (pass 1, and a backfilled list of the same kind). */
  registryRows(recipient: StoredRecipient): RegistryRow[];
  /** Pass 1: sees every row of the list once. */
  observe(recipient: StoredRecipient): void;
  /** Runs alongside the read of the other regions' lists, before pass 2. */
  prepare(): Promise<void>;
  /** Pass 2: one row's flags (any order) and the other regions' proposals it conflicts with. */
  check(recipient: StoredRecipient, lookup: Lookup): { flags: Flag[]; conflicts: Iterable<string> };
}

/**
 * A BKK list: one entry per recipient (NIK, account, role); the recipient's own flags (NIK, age on
 * the period's first day, region, account holder), the role counts per place, and the same NIK or
 * account in another region's list.
 */
function bkkRules(proposal: ProposalRecord): KindRules {
  const { region } = proposal;
  const context = { region, periodStart: periodStart(proposal.period) };
  const groups = new GroupCounter();
  return {
    registryRows: (recipient) => [
      {
        nik: recipient.nik,
        noRekening: recipient.noRekening,
        row: recipient.row,
        peran: recipient.peran,
      },
    ],
    observe: (recipient) => groups.add(recipient),
    prepare: async () => undefined,
    check: (recipient, lookup) => {
      const hits = lookup.hits(recipient.nik, recipient.noRekening);
      return {
        flags: [
          ...localFlags(recipient, context),
          ...groups.flags(recipient),
          ...crossFlags(recipient, region, hits),
        ],
        conflicts: conflictingProposals(recipient, region, hits),
      };
    },
  };
}

/**
 * A KPM list (`shared/domain/kpm-checks.ts`): one entry per family member (NIK, No KK); the
 * penerima an adult member; the No KK or a member in another family, of another kabupaten's KPM
 * list for the tahap or of this one; a member or the No KK on an exclusion list that came in after
 * the eligibility run started (the tahap's current run's `startedAt`; a row of another run counts
 * every list in force, see `cameAfter`). The exclusion lists are read once per run: the lists in
 * force, then the entries of those newer than a run of the list's rows.
 */
function kpmRules(proposal: ProposalRecord, runId: string, deps: RunChecksDeps): KindRules {
  const { tahap, exclusions } = deps;
  if (!tahap || !exclusions) {
    throw new Error('KPM checks need the tahap and exclusions repositories (RunChecksDeps)');
  }
  const { region } = proposal;
  /** The eligibility runs the list's rows name. */
  const runs = new Set<string>();
  /** When each of them started, when known. */
  const runStarts = new Map<string, string | undefined>();
  let later = new LaterExclusions([]);
  return {
    registryRows: kpmRegistryRows,
    observe: (recipient) => {
      if (recipient.family) runs.add(recipient.family.runId);
    },
    prepare: async () => {
      // Called after pass 1: every run the rows name is known.
      const [record, lists] = await Promise.all([tahap.get(proposal.period), exclusions.lists()]);
      const current = record?.eligibility;
      for (const id of runs) runStarts.set(id, current?.runId === id ? current.startedAt : undefined);
      const starts = [...runStarts.values()];
      const newer = listsInForce(lists).filter((list) => starts.some((start) => cameAfter(list, start)));
      later = new LaterExclusions(newer);
      let entries = 0;
      for (const list of newer) {
        for await (const entry of exclusions.entries(list.listId)) {
          later.add(list.listId, entry);
          entries++;
        }
      }
      logger.info('KPM checks: exclusion lists newer than the eligibility run', {
        proposalId: proposal.proposalId,
        runId,
        eligibilityRuns: runs.size,
        knownStarts: starts.filter((start) => start !== undefined).length,
        lists: newer.length,
        entries,
      });
    },
    check: (recipient, lookup) => {
      const cross = kpmCrossFlags(recipient, region, lookup);
      const start = recipient.family ? runStarts.get(recipient.family.runId) : undefined;
      return {
        flags: [...penerimaFlags(recipient), ...cross.flags, ...later.flags(recipient, start)],
        conflicts: cross.conflicts,
      };
    },
  };
}

/** The item with its flags replaced (or removed when there are none); everything else kept as read. */
function withFlags(item: Record<string, unknown>, flags: readonly Flag[]): Record<string, unknown> {
  const { flags: _flags, flagCodes: _codes, ...rest } = item;
  return flags.length > 0 ? { ...rest, flags, flagCodes: flags.map((entry) => entry.code) } : rest;
}
