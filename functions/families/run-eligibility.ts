import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EligibilityRepository, EligibilityVerdictItem } from '#shared/adapters/eligibility-repo.ts';
import type { FamiliesRepository, SnapshotData } from '#shared/adapters/families-repo.ts';
import type { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { type Ranked, rankForQuota } from '#shared/domain/family/eligibility.ts';
import {
  type ExclusionEntryRef,
  runEligibility,
  type SnapshotSource,
} from '#shared/domain/family/eligibility-run.ts';
import { type QuotaCounts, regionSummary } from '#shared/domain/family/eligibility-summary.ts';
import { listsInForce } from '#shared/domain/family/exclusions.ts';
import { REGIONS } from '#shared/domain/regions.ts';
import { logger } from '#shared/logger.ts';

/** The queue message that starts a run (written with the QUEUED run by `requestEligibility`). */
export interface EligibilityJobMessage {
  readonly tahapId: string;
  readonly runId: string;
}

export interface ReadySnapshots {
  /** The snapshot a region takes part with, when READY; undefined otherwise. */
  ready(region: string, versionDate: string): Promise<{ readonly data: SnapshotData } | undefined>;
}

export interface ExclusionSource {
  /** Every exclusion list (in force or not); listsInForce picks. */
  lists(): Promise<
    readonly { listId: string; programme: string; source: string; asOf: string; uploadedAt: string }[]
  >;
  /** The entries of one list. */
  entries(listId: string): AsyncIterable<{ readonly nik?: string; readonly noKk?: string }>;
}

export interface EligibilityJobDeps {
  readonly tahap: Pick<TahapRepository, 'get' | 'markRun'>;
  readonly results: Pick<EligibilityRepository, 'writer' | 'putSummary'>;
  readonly families: Pick<FamiliesRepository, 'keys' | 'groups'>;
  readonly snapshots: ReadySnapshots;
  readonly exclusions: ExclusionSource;
  readonly now?: () => Date;
}

export type EligibilityJobOutcome =
  | {
      readonly outcome: 'SKIPPED';
      /** No such tahap; its run is another one (a stale message); or this run is over or was taken. */
      readonly why: 'NO_TAHAP' | 'STALE_RUN' | 'FINISHED';
    }
  | { readonly outcome: 'FAILED'; readonly error: string }
  | {
      readonly outcome: 'COMPLETED';
      readonly families: number;
      readonly eligible: number;
      readonly excluded: number;
      readonly durationMs: number;
    };

/** What the job says to people when it failed for a reason of its own (the log has the details). */
export const SYSTEM_FAILURE =
  'Pemeriksaan kelayakan gagal karena gangguan sistem. Jalankan ulang pemeriksaan; bila gagal lagi, hubungi admin.';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const regionLabel = (code: string) => REGIONS.find((region) => region.code === code)?.name ?? code;

/**
 * One eligibility run of a tahap (issue #14), started by its queue message. Delivery is at least
 * once, so the run is keyed by its id and every write is an overwrite of the run's own keys:
 * - a message for a run that is not the tahap's current one (stale), or for a run already
 *   COMPLETED or FAILED, does nothing;
 * - a run left RUNNING by an attempt that died (timeout, out of memory) is run again from scratch
 *   by the redelivered message: the same verdicts land on the same keys (run, desa, No KK);
 * - an error the job sees marks the run FAILED with a message for people, and is thrown again for
 *   the logs and alarms; the redelivery then does nothing and people ask for a new run.
 *
 * Every snapshot the tahap names must be READY; otherwise the run FAILS naming the kabupaten. The
 * verdicts are written as they come; where a kabupaten has a quota, its eligible families are
 * ranked (`rankForQuota`) once the kabupaten is read, and written with their rank.
 */
export async function runEligibilityJob(
  message: EligibilityJobMessage,
  deps: EligibilityJobDeps,
): Promise<EligibilityJobOutcome> {
  const now = deps.now ?? (() => new Date());
  const { tahapId, runId } = message;
  const tahap = await deps.tahap.get(tahapId);
  if (!tahap) {
    logger.warn('eligibility run for an unknown tahap', { tahapId, runId });
    return { outcome: 'SKIPPED', why: 'NO_TAHAP' };
  }
  if (tahap.eligibility?.runId !== runId) {
    logger.info('stale eligibility message', { tahapId, runId, currentRunId: tahap.eligibility?.runId });
    return { outcome: 'SKIPPED', why: 'STALE_RUN' };
  }
  const startedAt = now();
  const claimed = await deps.tahap.markRun(
    tahapId,
    runId,
    { status: 'RUNNING', startedAt: startedAt.toISOString() },
    ['QUEUED', 'RUNNING'],
  );
  if (!claimed) {
    logger.info('eligibility run already finished', { tahapId, runId, status: tahap.eligibility.status });
    return { outcome: 'SKIPPED', why: 'FINISHED' };
  }
  const clock = performance.now();

  try {
    const regions = Object.keys(tahap.snapshots).sort();
    const sources: SnapshotSource[] = [];
    const missing: string[] = [];
    for (const region of regions) {
      const versionDate = tahap.snapshots[region] ?? '';
      const snapshot = await deps.snapshots.ready(region, versionDate);
      if (!snapshot) missing.push(`${regionLabel(region)} (versi ${versionDate})`);
      else
        sources.push({
          region,
          keys: () => deps.families.keys(snapshot.data),
          groups: () => deps.families.groups(snapshot.data),
        });
    }
    if (missing.length > 0) {
      const error =
        `Snapshot DTSEN belum siap dipakai: ${missing.join(', ')}. ` +
        'Selesaikan impor dan pemeriksaan snapshot tersebut, lalu jalankan ulang pemeriksaan kelayakan.';
      await deps.tahap.markRun(tahapId, runId, { status: 'FAILED', finishedAt: now().toISOString(), error }, [
        'RUNNING',
      ]);
      logger.warn('eligibility run failed: snapshot not ready', { tahapId, runId, missing: missing.length });
      return { outcome: 'FAILED', error };
    }

    const allLists = await deps.exclusions.lists();
    const lists = listsInForce(allLists).map(({ listId, programme, source, asOf }) => ({
      listId,
      programme,
      source,
      asOf,
    }));
    const writer = deps.results.writer();
    const ranking = new QuotaRanking(tahapId, tahap.quotas ?? {}, (item) => writer.put(item));

    const outcome = await runEligibility({
      desil: tahap.desil,
      snapshots: sources,
      lists,
      exclusions: exclusionEntries(deps.exclusions, lists),
      async record(verdict) {
        await ranking.enter(verdict.region);
        const item: EligibilityVerdictItem = {
          tahapId,
          runId,
          noKk: verdict.noKk,
          region: verdict.region,
          kecamatanCode: verdict.kecamatanCode,
          desaCode: verdict.desaCode,
          desil: verdict.desil,
          memberCount: verdict.memberCount,
          status: verdict.verdict.status,
          reasons: verdict.verdict.status === 'EXCLUDED' ? verdict.verdict.reasons : [],
        };
        if (item.status === 'ELIGIBLE' && ranking.ranks(item.region)) ranking.add(item);
        else await writer.put(item);
      },
    });
    await ranking.finish(regions);
    await writer.flush();

    let eligible = 0;
    for (const region of regions) {
      const summary = regionSummary(outcome.tally, region, ranking.counts.get(region));
      await deps.results.putSummary(tahapId, runId, summary);
      eligible += summary.counts.eligible;
    }
    const durationMs = Math.round(performance.now() - clock);
    const result = {
      families: outcome.families,
      eligible,
      excluded: outcome.families - eligible,
      durationMs,
    };
    const finished = await deps.tahap.markRun(
      tahapId,
      runId,
      { status: 'COMPLETED', finishedAt: now().toISOString(), ...result },
      ['RUNNING'],
    );
    logger.info('eligibility run completed', {
      tahapId,
      runId,
      ...result,
      orphanGroups: outcome.orphanGroups,
      indexBytes: outcome.indexBytes,
      recorded: finished,
    });
    return { outcome: 'COMPLETED', ...result };
  } catch (error) {
    logger.error('eligibility run failed', { tahapId, runId, error });
    await deps.tahap
      .markRun(tahapId, runId, { status: 'FAILED', finishedAt: now().toISOString(), error: SYSTEM_FAILURE }, [
        'RUNNING',
      ])
      .catch((markError: unknown) => logger.error('could not mark the run FAILED', { markError }));
    throw error;
  }
}

/** The entries of the lists in force, each with its list's position (what `runEligibility` indexes). */
async function* exclusionEntries(
  source: ExclusionSource,
  lists: readonly { readonly listId: string }[],
): AsyncGenerator<ExclusionEntryRef> {
  for (const [list, { listId }] of lists.entries()) {
    for await (const entry of source.entries(listId)) yield { list, nik: entry.nik, noKk: entry.noKk };
  }
}

/**
 * The quota ranking of each kabupaten that has a quota. It keeps the kabupaten's eligible verdicts
 * (an eligible verdict has no reasons, so the whole item is a dozen short fields, ~250 bytes) and,
 * once the kabupaten is read, ranks and writes them, each exactly once with its rank. Chosen over
 * writing them first and reading them back per desa afterwards: it costs no second read and no
 * second write of those families, and `runEligibility` reads the snapshots kabupaten by kabupaten,
 * so only one kabupaten is held at a time: ≤ 60,000 families (the largest extract), ~15 MB.
 */
class QuotaRanking {
  private current: string | undefined;
  private held: (EligibilityVerdictItem & Ranked)[] = [];
  private readonly done = new Set<string>();
  /** Quota counts of each ranked kabupaten, for its summary. */
  readonly counts = new Map<string, QuotaCounts>();

  constructor(
    private readonly tahapId: string,
    private readonly quotas: Readonly<Record<string, number>>,
    private readonly write: (item: EligibilityVerdictItem) => Promise<void>,
  ) {}

  /** Whether a kabupaten's eligible families are ranked (it has a quota). */
  ranks(region: string): boolean {
    return this.quotas[region] !== undefined;
  }

  /** A verdict of `region` comes: the kabupaten read before it is complete, and is ranked now. */
  async enter(region: string): Promise<void> {
    if (region === this.current) return;
    await this.rankCurrent();
    // The ranking needs a kabupaten whole: one seen again after another would be ranked in parts.
    if (this.done.has(region)) throw new Error(`verdicts of ${region} came after another region's`);
    this.current = region;
  }

  add(item: EligibilityVerdictItem): void {
    this.held.push(item);
  }

  /** Ranks the last kabupaten; a kabupaten with a quota and no family at all counts zero. */
  async finish(regions: readonly string[]): Promise<void> {
    await this.rankCurrent();
    for (const region of regions) {
      const quota = this.quotas[region];
      if (quota !== undefined && !this.counts.has(region)) {
        this.counts.set(region, { quota, selected: 0, reserve: 0 });
      }
    }
  }

  private async rankCurrent(): Promise<void> {
    const region = this.current;
    if (region === undefined) return;
    this.done.add(region);
    this.current = undefined;
    const quota = this.quotas[region];
    if (quota === undefined) return;
    const { selected, reserve } = rankForQuota(this.held, quota, sha256, this.tahapId);
    this.held = [];
    let rank = 0;
    for (const item of selected) await this.write({ ...item, rank: ++rank, reserve: false });
    for (const item of reserve) await this.write({ ...item, rank: ++rank, reserve: true });
    this.counts.set(region, { quota, selected: selected.length, reserve: reserve.length });
  }
}
