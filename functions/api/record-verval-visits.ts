import type * as z from 'zod';
import { FamiliesRepository, type SnapshotData } from '#shared/adapters/families-repo.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { VervalRecordsBodySchema } from '#shared/contract/requests.ts';
import { type EligibilityVerdictLike, memberOn } from '#shared/domain/family/verval.ts';
import {
  KK_NOT_IN_DESA,
  LATER_VISIT_RECORDED,
  validateVervalRow,
  visitOutcome,
  visitRefusal,
} from '#shared/domain/family/verval-rows.ts';
import { wibParts } from '#shared/domain/family/verval-sheet.ts';
import { maskNik } from '#shared/domain/mask.ts';
import { type Scope, whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { logger } from '#shared/logger.ts';
import type { TahapRecord, VervalRecord } from '#shared/model.ts';
import { tahapRoutes } from './deps.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';
import { vervalRepo } from './verval-access.ts';

type Result = ResponseBody<'RecordVervalVisits', 200>['results'][number];
type Outcome = Omit<Result, 'noKk' | 'desaCode'>;
type FieldRecord = z.output<typeof VervalRecordsBodySchema>['records'][number];

let families: FamiliesRepository | undefined;
const familiesRepo = () => {
  families ??= new FamiliesRepository(env().tableName);
  return families;
};

/**
 * `POST /tahap/{tahapId}/verval/records {records: [{noKk, desaCode, result, tanggal,
 * nomorBeritaAcara, penerimaNik?, note?, recordedAt}]}`: the visits a relawan's phone recorded in the
 * field, sent at once when back online. Each record is checked as a row of the verval result file
 * is (`validateVervalRow`, `visitRefusal`, `visitOutcome`: the same rules, not a copy) and written
 * to the same item (`VervalRepository.record`: tahap, desa, No KK), so the file and the phone
 * never disagree about a family: of two visits the later date stands (same date: the later
 * record), a record sent again a week later changes nothing (UNCHANGED), and each record gets its
 * own outcome. A relawan records only in the desa assigned to them in this tahap; a desa of
 * another kabupaten is answered as a No KK unknown to the desa, whatever it holds. Every record
 * written names who recorded it, when, and the request it came in (`importId` `LAPANGAN-…`).
 */
export const handler = postHandler(routeById('RecordVervalVisits'), async ({ event, scope }) => {
  const tahap = await loadTahap(event);
  const { records } = parseInput(VervalRecordsBodySchema, jsonBody(event));
  const now = new Date();
  const batch = `LAPANGAN-${event.requestContext.requestId}`;
  const context = new VisitContext(tahap, scope);
  const results: Result[] = [];
  for (const [index, record] of records.entries()) {
    const outcome = await recordOne(context, record, {
      today: wibParts(now).date,
      now,
      batch,
      sourceRow: index + 1,
    });
    results.push({ noKk: record.noKk, desaCode: record.desaCode, ...outcome });
  }
  logger.info('Verval records from the field', {
    tahapId: tahap.tahapId,
    by: scope.sub,
    role: scope.role,
    batch,
    records: records.length,
    recorded: results.filter((result) => result.outcome === 'RECORDED').length,
    unchanged: results.filter((result) => result.outcome === 'UNCHANGED').length,
    refused: results
      .filter((result) => result.outcome === 'REFUSED')
      .map((result) => `${maskNik(result.noKk)} ${result.code}`),
  });
  return json(200, { results } satisfies ResponseBody<'RecordVervalVisits', 200>);
});

async function recordOne(
  context: VisitContext,
  record: FieldRecord,
  at: { readonly today: string; readonly now: Date; readonly batch: string; readonly sourceRow: number },
): Promise<Outcome> {
  const refuse = (code: string, message: string): Outcome => ({ outcome: 'REFUSED', code, message });
  const { scope, tahap } = context;
  // Another kabupaten's desa: answered as a No KK this desa does not hold, without reading anything.
  if (scope.regions !== 'all' && record.desaCode.slice(0, 5) !== scope.regions[0]) {
    return refuse(KK_NOT_IN_DESA.code, KK_NOT_IN_DESA.message);
  }
  if (scope.role === 'relawan' && !(await context.assigned(record.desaCode))) {
    return refuse('DESA_TIDAK_DITUGASKAN', 'Anda tidak ditugaskan di desa ini untuk tahap ini.');
  }
  const checked = validateVervalRow(
    {
      no_kk: record.noKk,
      hasil: record.result,
      tanggal: record.tanggal,
      relawan: scope.name,
      nomor_berita_acara: record.nomorBeritaAcara,
      ...(record.penerimaNik ? { nik_penerima: record.penerimaNik } : {}),
      ...(record.note ? { keterangan: record.note } : {}),
    },
    at.today,
  );
  const visit = checked.value;
  if (!visit) {
    const [first] = checked.errors;
    return refuse(first?.code ?? 'ISIAN_SALAH', checked.errors.map((error) => error.message).join(' '));
  }
  const desa = await context.desa(record.desaCode);
  if (!desa) {
    return refuse(
      'TAHAP_BELUM_SIAP',
      'Pemeriksaan kelayakan tahap ini untuk kabupaten/kota ini belum selesai, sehingga belum ada keluarga yang diverval.',
    );
  }
  const refusal = visitRefusal(desa.verdicts.get(visit.noKk));
  if (refusal) return refuse(refusal.code, refusal.message);
  const group = await familiesRepo().family(desa.data, visit.noKk);
  const outcome = visitOutcome(
    visit,
    (group?.members ?? []).map((member) => memberOn(member, visit.tanggal)),
  );
  if (!outcome.ok) return refuse(outcome.code, outcome.message);
  // The phone's clock names the moment recorded; never later than now, so no record wins by its date alone.
  const recordedAt = new Date(Math.min(Date.parse(record.recordedAt), at.now.getTime())).toISOString();
  const item: VervalRecord = {
    tahapId: tahap.tahapId,
    noKk: visit.noKk,
    region: record.desaCode.slice(0, 5),
    desaCode: record.desaCode,
    ...outcome.fields,
    importId: at.batch,
    sourceRow: at.sourceRow,
    recordedAt,
    recordedBy: whoOf(scope),
  };
  const stored = await vervalRepo().resultOf(tahap.tahapId, record.desaCode, visit.noKk);
  if (stored && sameVisit(stored, item)) {
    return { outcome: 'UNCHANGED', message: 'Hasil kunjungan ini sudah tercatat sebelumnya.' };
  }
  if (!(await vervalRepo().record(item))) {
    return { outcome: 'UNCHANGED', ...LATER_VISIT_RECORDED };
  }
  return { outcome: 'RECORDED', message: 'Hasil kunjungan tercatat.' };
}

/** The same visit recorded again (a resend): everything it says, by the same person, at the same moment. */
function sameVisit(stored: VervalRecord, item: VervalRecord): boolean {
  const said = (record: VervalRecord) =>
    JSON.stringify([
      record.result,
      record.inTahap,
      record.penerimaNik ?? null,
      record.keterangan ?? null,
      record.tanggal,
      record.nomorBeritaAcara,
      record.recordedAt,
      record.recordedBy?.sub ?? null,
    ]);
  return said(stored) === said(item);
}

interface DesaContext {
  readonly data: SnapshotData;
  readonly verdicts: ReadonlyMap<string, EligibilityVerdictLike>;
}

/** What a batch reads once per desa: the relawan's assignment, the run's verdicts, the snapshot. */
class VisitContext {
  private readonly assignments = new Map<string, Promise<boolean>>();
  private readonly desas = new Map<string, Promise<DesaContext | undefined>>();

  constructor(
    readonly tahap: TahapRecord,
    readonly scope: Scope,
  ) {}

  assigned(desaCode: string): Promise<boolean> {
    let answer = this.assignments.get(desaCode);
    if (!answer) {
      answer = vervalRepo().isAssigned(this.tahap.tahapId, desaCode, this.scope.sub);
      this.assignments.set(desaCode, answer);
    }
    return answer;
  }

  /** The desa's verdicts in the tahap's completed run and its snapshot; undefined before both are there. */
  desa(desaCode: string): Promise<DesaContext | undefined> {
    let context = this.desas.get(desaCode);
    if (!context) {
      context = this.load(desaCode);
      this.desas.set(desaCode, context);
    }
    return context;
  }

  private async load(desaCode: string): Promise<DesaContext | undefined> {
    const run = this.tahap.eligibility;
    const region = desaCode.slice(0, 5);
    const versionDate = this.tahap.snapshots[region];
    if (run?.status !== 'COMPLETED') return undefined;
    // A kabupaten not in the tahap holds no family of it: an empty desa, every No KK unknown.
    if (!versionDate) return { data: { families: '', members: '' }, verdicts: new Map() };
    const { results, snapshots } = tahapRoutes();
    const snapshot = await snapshots.ready(region, versionDate);
    if (!snapshot) return undefined;
    const verdicts = new Map<string, EligibilityVerdictLike>(
      (await results.allOfDesa(this.tahap.tahapId, run.runId, desaCode)).map((item) => [item.noKk, item]),
    );
    return { data: snapshot.data, verdicts };
  }
}
