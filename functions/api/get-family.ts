import { pairOf } from '#shared/adapters/snapshots-repo.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { FamilyParamsSchema, FamilyReadQuerySchema } from '#shared/contract/requests.ts';
import { COMPLAINT_CATEGORY_LABEL, COMPLAINT_STATUS_LABEL, visibleTo } from '#shared/domain/complaints.ts';
import { CARD_STATUS_LABEL, ENTITLEMENT_STATUS_LABEL } from '#shared/domain/family/distribution.ts';
import { COMPONENTS, tahapLabel } from '#shared/domain/family/tahap.ts';
import { NotFoundError } from '#shared/errors.ts';
import type { Scope } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { logger } from '#shared/logger.ts';
import type { EligibilityResult } from '#shared/model.ts';
import { complaintDeps } from './complaint-view.ts';
import { distributionRoutes } from './deps.ts';
import {
  type Appearance,
  ageOn,
  familyDeps,
  familySummary,
  numberFor,
  readRecords,
  SnapshotIndex,
} from './family-lookup.ts';
import { routeById } from './routes.ts';

const ROUTE = routeById('GetFamily');

type History = ResponseBody<'GetFamily', 200>;
type Reason = EligibilityResult['reasons'][number];

/** The same answer for an id never given and a family the caller may not see (another kabupaten's). */
const unknownFamily = () => new NotFoundError('Keluarga tidak ditemukan.');

/**
 * The family a `familyId` names and the READY snapshots holding it that the caller may see (a
 * regional role: its own kabupaten's); 404 when there are none, whether the id is unknown or the
 * family lives elsewhere, so an id does not tell where a family is.
 */
export async function loadFamily(
  familyId: string,
  scope: Scope,
): Promise<{ readonly noKk: string; readonly appearances: Appearance[] }> {
  const { directory, snapshots } = familyDeps();
  const noKk = await directory.noKkOf(familyId);
  if (!noKk) throw unknownFamily();
  const appearances = await new SnapshotIndex(snapshots, scope).appearances(await directory.familyRows(noKk));
  if (appearances.length === 0) throw unknownFamily();
  return { noKk, appearances };
}

/**
 * `GET /families/{familyId}?purpose`: the family's history. Each READY snapshot holding it with its
 * members (NIK masked for auditors, relationship, age), and per tahap over those snapshots the
 * verdict of its latest run (when completed) with every reason and the verval result. KPM proposals
 * and decrees whose list holds the family follow. The read is logged before the answer goes.
 */
export const handler = apiHandler(ROUTE, async ({ event, scope }) => {
  const { familyId } = parseInput(FamilyParamsSchema, event.pathParameters ?? {});
  const query = parseInput(FamilyReadQuerySchema, event.queryStringParameters ?? {});
  const { directory, families, tahap: tahapRepo, results, verval } = familyDeps();
  const { noKk, appearances } = await loadFamily(familyId, scope);
  const number = numberFor(scope);
  const today = new Date();

  const [snapshots, allTahap] = await Promise.all([
    Promise.all(
      appearances.map(async ({ snapshot, family }) => {
        const pair = pairOf(snapshot);
        const group = pair ? await families.family(pair, noKk) : undefined;
        const members = (group?.members ?? []).map((member) => {
          const umur = ageOn(member.tanggalLahir, today);
          return {
            nik: number(member.nik),
            nama: member.nama,
            hubungan: member.hubungan,
            ...(member.jenisKelamin ? { jenisKelamin: member.jenisKelamin } : {}),
            ...(umur !== undefined ? { umur } : {}),
          };
        });
        return {
          region: snapshot.region,
          versionDate: snapshot.versionDate,
          kecamatanCode: family.kecamatanCode,
          desaCode: family.desaCode,
          ...(family.alamat ? { alamat: family.alamat } : {}),
          ...(family.namaKepalaKeluarga ? { namaKepalaKeluarga: family.namaKepalaKeluarga } : {}),
          desil: family.desil,
          members,
        };
      }),
    ),
    tahapRepo.list(),
  ]);

  // Each tahap that used a snapshot holding the family (per kabupaten: the same No KK may be in two).
  const tahap: History['tahap'] = [];
  await Promise.all(
    allTahap.map(async (record) => {
      const run = record.eligibility?.status === 'COMPLETED' ? record.eligibility : undefined;
      for (const { snapshot, family } of appearances) {
        if (record.snapshots[snapshot.region] !== snapshot.versionDate) continue;
        const [verdict, visit] = await Promise.all([
          run ? results.one(record.tahapId, run.runId, family.desaCode, noKk) : undefined,
          verval.resultOf(record.tahapId, family.desaCode, noKk),
        ]);
        tahap.push({
          tahapId: record.tahapId,
          label: tahapLabel(record),
          status: record.status,
          region: snapshot.region,
          eligibility: verdict
            ? {
                runId: verdict.runId,
                status: verdict.status,
                reasons: verdict.reasons.map((reason) => maskReason(reason, number)),
                ...(verdict.rank !== undefined ? { rank: verdict.rank } : {}),
                ...(verdict.reserve !== undefined ? { reserve: verdict.reserve } : {}),
              }
            : null,
          verval: visit
            ? {
                result: visit.result,
                inTahap: visit.inTahap,
                tanggal: visit.tanggal,
                relawan: visit.relawan,
                nomorBeritaAcara: visit.nomorBeritaAcara,
                ...(visit.keterangan ? { keterangan: visit.keterangan } : {}),
                ...(visit.penerimaChanged !== undefined ? { penerimaChanged: visit.penerimaChanged } : {}),
                ...(visit.penerimaNik ? { penerimaNik: number(visit.penerimaNik) } : {}),
              }
            : null,
        });
      }
    }),
  );
  tahap.sort(
    (a, b) => b.tahapId.localeCompare(a.tahapId, 'en', { numeric: true }) || a.region.localeCompare(b.region),
  );

  const latest = snapshots[0];
  const regions = new Set(appearances.map(({ snapshot }) => snapshot.region));
  const answer: History = {
    family: familySummary(familyId, noKk, appearances, latest?.members.length ?? 0, scope),
    snapshots,
    tahap,
    ...(await kpmHistory(noKk, regions)),
    ...(scope.capabilities.has('distribution:read')
      ? { distribution: await familyDistribution(noKk, regions) }
      : {}),
    ...(scope.capabilities.has('complaints:read')
      ? { complaints: await familyComplaints(familyId, scope) }
      : {}),
  };
  // Logged before the answer leaves; a failure here fails the request (nothing is served).
  await directory.logReads(readRecords([familyId], scope, ROUTE.id, new Date().toISOString(), query.purpose));
  logger.info('family history read', { snapshots: snapshots.length, tahap: tahap.length });
  return json(200, answer satisfies History);
});

/**
 * The KPM proposals whose list holds the family (a placement counts while its list is the
 * proposal's current or approved one) and the decrees that fixed them, in the kabupaten the caller
 * may see.
 */
async function kpmHistory(
  noKk: string,
  regions: ReadonlySet<string>,
): Promise<Pick<History, 'proposals' | 'decrees'>> {
  const { kpm, proposals, decrees } = familyDeps();
  const placements = (await kpm.placementsOf(noKk)).filter((placement) => regions.has(placement.region));
  const listed = (
    await Promise.all(
      placements.map(async (placement) => {
        const proposal = await proposals.get(placement.proposalId);
        const holds =
          proposal?.currentListId === placement.listId || proposal?.approvedListId === placement.listId;
        return holds && proposal ? { placement, proposal } : undefined;
      }),
    )
  ).filter((entry) => entry !== undefined);
  const decreed = await Promise.all(
    listed.map(({ proposal }) => (proposal.decreeId ? decrees.get(proposal.decreeId) : undefined)),
  );
  return {
    proposals: listed.map(({ placement, proposal }) => ({
      proposalId: proposal.proposalId,
      status: proposal.status,
      tahapId: placement.tahapId,
      region: placement.region,
    })),
    decrees: decreed
      .filter((decree) => decree !== undefined)
      .map((decree) => ({ decreeId: decree.decreeId, number: decree.number, status: decree.status })),
  };
}

/**
 * The family's card and its entitlements in each tahap whose KPM decree listed it (issue #15), in
 * the kabupaten the caller may see. A card of another kabupaten is not shown (it is null). No NIK
 * in this block, so an auditor reads it as anyone else does.
 */
async function familyDistribution(
  noKk: string,
  regions: ReadonlySet<string>,
): Promise<NonNullable<History['distribution']>> {
  const { kpm } = familyDeps();
  const repo = distributionRoutes();
  const placements = (await kpm.placementsOf(noKk)).filter((placement) => regions.has(placement.region));
  const [cards, owed] = await Promise.all([
    repo.currentCards([noKk]),
    Promise.all(
      placements.flatMap((placement) =>
        COMPONENTS.map((component) => repo.entitlement(placement.tahapId, placement.region, component, noKk)),
      ),
    ),
  ]);
  const card = cards.get(noKk);
  const shown = card && regions.has(card.region) ? card : undefined;
  return {
    card: shown
      ? {
          cardNumber: shown.cardNumber,
          status: shown.status,
          statusLabel: CARD_STATUS_LABEL[shown.status],
          ...(shown.replaces ? { replaces: shown.replaces } : {}),
          history: shown.history.map((event) => ({
            status: event.status,
            at: event.at,
            ...(event.tanggal ? { tanggal: event.tanggal } : {}),
            ...(event.by ? { by: event.by.name } : {}),
            ...(event.note ? { note: event.note } : {}),
          })),
        }
      : null,
    entitlements: owed
      .filter((entitlement) => entitlement !== undefined)
      .sort(
        (a, b) =>
          b.tahapId.localeCompare(a.tahapId, 'en', { numeric: true }) ||
          a.component.localeCompare(b.component),
      )
      .map((entitlement) => ({
        ref: entitlement.ref,
        tahapId: entitlement.tahapId,
        region: entitlement.region,
        component: entitlement.component,
        amount: entitlement.amount,
        status: entitlement.status,
        statusLabel: ENTITLEMENT_STATUS_LABEL[entitlement.status],
        decreeNumber: entitlement.decreeNumber,
      })),
  };
}

/**
 * The family's complaints the caller may see (a regional role: those its own office handles, never
 * a PUNGLI complaint), newest first: ids, category, status and dates only.
 */
async function familyComplaints(familyId: string, scope: Scope): Promise<NonNullable<History['complaints']>> {
  const { complaints } = complaintDeps();
  const records = await complaints.getMany(await complaints.idsOfFamily(familyId));
  return records
    .filter((record) => visibleTo(scope.regions, record.unit))
    .sort((a, b) => b.lodgedAt.localeCompare(a.lodgedAt))
    .map((record) => ({
      complaintId: record.complaintId,
      category: record.category,
      categoryLabel: COMPLAINT_CATEGORY_LABEL[record.category],
      status: record.status,
      statusLabel: COMPLAINT_STATUS_LABEL[record.status],
      lodgedAt: record.lodgedAt,
      dueDate: record.dueDate,
      ...(record.closedAt ? { closedAt: record.closedAt } : {}),
    }));
}

/** A reason as the caller may read it: the other families' No KKs masked like NIKs for auditors. */
function maskReason(reason: Reason, number: (value: string) => string): Reason {
  return reason.reason === 'ANGGOTA_DI_KELUARGA_LAIN'
    ? { ...reason, otherNoKk: reason.otherNoKk.map(number) }
    : reason;
}
