import { createHash, randomUUID } from 'node:crypto';
import { BatchWriter } from '#shared/adapters/batch-writer.ts';
import type { EligibilityRepository } from '#shared/adapters/eligibility-repo.ts';
import type { FamiliesRepository } from '#shared/adapters/families-repo.ts';
import { KpmRepository } from '#shared/adapters/kpm-repo.ts';
import {
  ConcurrentChangeError,
  draftProposalId,
  type ProposalsRepository,
} from '#shared/adapters/proposals-repo.ts';
import { type RecipientsRepository, recipientItems } from '#shared/adapters/recipients-repo.ts';
import type { SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import type { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import type { VervalRepository } from '#shared/adapters/verval-repo.ts';
import type { AuditActor } from '#shared/domain/audit.ts';
import {
  KPM_PERAN,
  type KpmPick,
  type KpmVerdict,
  type KpmVisit,
  recomposeRefusal,
  selectKpm,
} from '#shared/domain/family/kpm.ts';
import { isClosed } from '#shared/domain/proposal.ts';
import { desaName, kecamatanName, regionName } from '#shared/domain/wilayah.ts';
import { logger } from '#shared/logger.ts';
import type { KpmComposeRequested } from '#shared/messages.ts';
import type { KpmCompose, KpmFamily, ProposalRecord, StoredFamily, StoredMember } from '#shared/model.ts';

export interface ComposeKpmDeps {
  readonly tahap: TahapRepository;
  readonly kpm: KpmRepository;
  readonly results: EligibilityRepository;
  readonly verval: VervalRepository;
  readonly snapshots: SnapshotsRepository;
  readonly families: FamiliesRepository;
  readonly proposals: ProposalsRepository;
  readonly recipients: RecipientsRepository;
  readonly tableName: string;
  readonly now?: () => Date;
}

export type ComposeOutcome =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly error: string }
  | {
      readonly kind: 'composed';
      readonly proposalId: string;
      readonly listId: string;
      readonly listed: number;
    };

/** Desa read at once while gathering a kabupaten's verdicts and visits. */
const DESA_IN_FLIGHT = 8;

/** Why a composition cannot go on, in words for the operator who asked. */
class ComposeRefusal extends Error {}

/**
 * Composes a kabupaten's KPM list for a tahap (`kpm.compose.requested`): the latest eligibility
 * run's verdicts and the verval results (`selectKpm`), each listed family's penerima and members
 * from the tahap's frozen snapshot. The rows are written under a new list id, then one transaction
 * makes the list current in the region's KPM proposal (created DRAFT, or its draft replaced) and
 * closes the composition: the proposal never shows a half-written list. A redelivered message of a
 * finished composition does nothing; a newer request supersedes an older one.
 */
export async function composeKpm(
  message: KpmComposeRequested,
  deps: ComposeKpmDeps,
): Promise<ComposeOutcome> {
  const { tahapId, region, composeId } = message;
  const now = deps.now ?? (() => new Date());
  const record = await deps.kpm.get(tahapId, region);
  if (!record || record.composeId !== composeId) return { kind: 'skipped', reason: 'superseded' };
  if (record.status === 'COMPLETED' || record.status === 'FAILED') return { kind: 'skipped', reason: 'done' };
  await deps.kpm.mark(tahapId, region, composeId, { status: 'RUNNING', startedAt: now().toISOString() });

  const listId = `kpm-${tahapId}-${region}-${randomUUID().slice(0, 8)}`;
  let written = false;
  try {
    const tahap = await deps.tahap.get(tahapId);
    const run = tahap?.eligibility;
    if (!tahap || run?.status !== 'COMPLETED') {
      throw new ComposeRefusal(
        'Pemeriksaan kelayakan tahap ini belum selesai; jalankan dulu, lalu susun daftar KPM.',
      );
    }
    const versionDate = tahap.snapshots[region];
    const snapshot = versionDate ? await deps.snapshots.ready(region, versionDate) : undefined;
    if (!snapshot)
      throw new ComposeRefusal('Kabupaten/kota ini tidak ikut tahap ini atau snapshot DTSEN-nya belum siap.');
    const current = await deps.proposals.getCurrent(region, tahapId, 'KPM');
    assertDraftable(current);
    const proposalId = draftProposalId(current, 'KPM', region, tahapId);

    const { verdicts, visits } = await gather(deps, tahapId, run.runId, region);
    const selection = selectKpm(verdicts.values(), visits, tahap.quotas?.[region]);
    const picks = new Map(selection.picks.map((pick) => [pick.noKk, pick]));
    const rows: KpmRow[] = [];
    for await (const group of deps.families.groups(snapshot.data)) {
      const pick = picks.get(group.noKk);
      const verdict = verdicts.get(group.noKk);
      const visit = visits.get(group.noKk);
      if (!pick || !group.family || !verdict || !visit) continue;
      rows.push(kpmRow(pick, group.family, group.members, verdict, visit, tahapId, run.runId));
    }
    // The lampiran's order: kecamatan, desa, then the penerima's name.
    rows.sort(
      (a, b) => compare(a.desaCode, b.desaCode) || compare(a.nama, b.nama) || compare(a.noKk, b.noKk),
    );

    const writer = new BatchWriter(deps.tableName, { concurrency: 8 });
    const hash = createHash('sha256');
    written = true;
    for (const [index, row] of rows.entries()) {
      const { noKk: _noKk, ...recipient } = row;
      hash.update(`${row.noKk}|${row.nik}\n`);
      for (const item of recipientItems(listId, index + 1, { ...recipient, warnings: [] })) {
        await writer.put(item);
      }
      // Where the family's history finds it (a placement whose list is not the proposal's is ignored).
      await writer.put(
        KpmRepository.placementItem({ noKk: row.noKk, tahapId, region, proposalId, listId, row: index + 1 }),
      );
    }
    await writer.flush();
    const list = { proposalId, listId, listed: rows.length, sha256: hash.digest('hex'), runId: run.runId };
    return await commit(deps, message, record, list, selection.counts, now);
  } catch (error) {
    if (written) await deps.recipients.deleteList(listId).catch(() => undefined);
    if (!(error instanceof ComposeRefusal)) throw error;
    await deps.kpm.mark(tahapId, region, composeId, {
      status: 'FAILED',
      error: error.message,
      finishedAt: now().toISOString(),
    });
    logger.warn('KPM list not composed', { tahapId, region, composeId, error: error.message });
    return { kind: 'failed', error: error.message };
  }
}

/** Only a draft (or no proposal, or a closed one) may get a newly composed list. */
function assertDraftable(current: ProposalRecord | undefined): void {
  const refusal = recomposeRefusal(current?.status);
  if (refusal) throw new ComposeRefusal(refusal);
}

/**
 * Every verdict and visit of the kabupaten, desa by desa (a few Queries each, 8 desa at once): the
 * desa the run's tally names, which are every desa with a verdict.
 */
async function gather(deps: ComposeKpmDeps, tahapId: string, runId: string, region: string) {
  const [summary] = await deps.results.summary(tahapId, runId, region);
  const desa = Object.keys(summary?.desa ?? {}).sort();
  const verdicts = new Map<string, KpmVerdict & { desaCode: string; memberCount: number }>();
  const visits = new Map<string, KpmVisit & VisitFacts>();
  for (let start = 0; start < desa.length; start += DESA_IN_FLIGHT) {
    await Promise.all(
      desa.slice(start, start + DESA_IN_FLIGHT).map(async (code) => {
        const [ofDesa, results] = await Promise.all([
          deps.results.allOfDesa(tahapId, runId, code),
          deps.verval.ofDesaResults(tahapId, code),
        ]);
        for (const verdict of ofDesa) verdicts.set(verdict.noKk, verdict);
        for (const result of results) visits.set(result.noKk, result);
      }),
    );
  }
  return { verdicts, visits };
}

interface VisitFacts {
  readonly tanggal: string;
  readonly nomorBeritaAcara: string;
  readonly penerimaChanged?: boolean | undefined;
}

type KpmRow = ReturnType<typeof kpmRow>;

/** One listed family as a list row: the penerima as the recipient, the family behind them. */
function kpmRow(
  pick: KpmPick,
  family: StoredFamily,
  members: readonly StoredMember[],
  verdict: KpmVerdict & { desaCode: string },
  visit: KpmVisit & VisitFacts,
  tahapId: string,
  runId: string,
) {
  const penerima = members.find((member) => member.nik === pick.penerimaNik);
  const kpm: KpmFamily = {
    noKk: family.noKk,
    tahapId,
    runId,
    desil: family.desil,
    members: members.map((member) => ({
      nik: member.nik,
      hubungan: member.hubungan,
      tanggalLahir: member.tanggalLahir,
    })),
    ...(penerima ? { hubunganPenerima: penerima.hubungan } : {}),
    ...(pick.replacement ? { replacement: true } : {}),
    ...(verdict.rank !== undefined ? { rank: verdict.rank } : {}),
    verval: {
      result: visit.result,
      tanggal: visit.tanggal,
      nomorBeritaAcara: visit.nomorBeritaAcara,
      ...(visit.penerimaChanged ? { penerimaChanged: true } : {}),
    },
  };
  return {
    noKk: family.noKk,
    nik: pick.penerimaNik,
    // A penerima the snapshot does not hold cannot pass verval; the checks flag an empty name.
    nama: penerima?.nama ?? '',
    peran: KPM_PERAN,
    kecamatanCode: family.kecamatanCode,
    kecamatan: kecamatanName(family.kecamatanCode) ?? family.kecamatanCode,
    desaCode: family.desaCode,
    desa: desaName(family.desaCode) ?? family.desaCode,
    noRekening: '',
    family: kpm,
  };
}

/** Makes the list current in the region's KPM proposal and closes the composition, together. */
async function commit(
  deps: ComposeKpmDeps,
  message: KpmComposeRequested,
  request: KpmCompose,
  list: { proposalId: string; listId: string; listed: number; sha256: string; runId: string },
  counts: ReturnType<typeof selectKpm>['counts'],
  now: () => Date,
): Promise<ComposeOutcome> {
  const { tahapId, region, composeId } = message;
  const { listId, listed, sha256, runId } = list;
  // Whoever asked is the list's author: they may not verify or approve it (separation of duties).
  const actor: AuditActor = request.requestedBy;
  for (let round = 1; ; round++) {
    const current = await deps.proposals.getCurrent(region, tahapId, 'KPM');
    assertDraftable(current);
    const at = now();
    const { proposalId, items } = deps.proposals.switchListItems(current, {
      kind: 'KPM',
      region,
      period: tahapId,
      listId,
      uploadId: composeId,
      uploadAt: message.requestedAt,
      sha256,
      etag: sha256,
      recipientCount: listed,
      countsByRole: { KPM: listed },
      warningCount: 0,
      now: at,
      actor,
      withoutUploadRequest: true,
    });
    if (proposalId !== list.proposalId) {
      // The proposal was closed while the list was written: its placements name the old one.
      throw new ComposeRefusal('Usulan daftar KPM berubah selama penyusunan; susun ulang daftarnya.');
    }
    try {
      await deps.proposals.transact([
        ...items,
        deps.kpm.markItem(tahapId, region, composeId, {
          status: 'COMPLETED',
          finishedAt: at.toISOString(),
          runId,
          proposalId,
          listId,
          counts,
        }),
      ]);
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
      const record = await deps.kpm.get(tahapId, region);
      if (record?.composeId !== composeId) {
        await deps.recipients.deleteList(listId);
        return { kind: 'skipped', reason: 'superseded' };
      }
      if (round >= 5) throw error;
      continue;
    }
    // The draft's previous list is no longer anyone's.
    if (current?.currentListId && !isClosed(current.status)) {
      await deps.recipients.deleteList(current.currentListId).catch((error: unknown) =>
        logger.warn('Replaced KPM list not deleted', {
          listId: current.currentListId,
          error: String(error),
        }),
      );
    }
    logger.info('KPM list composed', {
      tahapId,
      region,
      regionName: regionName(region),
      composeId,
      proposalId,
      listId,
      ...counts,
    });
    return { kind: 'composed', proposalId, listId, listed };
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
