import { createHash } from 'node:crypto';
import {
  type ComplaintRecord,
  ComplaintsRepository,
  complaintEntityId,
} from '#shared/adapters/complaints-repo.ts';
import { FamilyDirectoryRepository } from '#shared/adapters/family-directory-repo.ts';
import { secretString } from '#shared/adapters/secrets.ts';
import { WriteConflict } from '#shared/adapters/transactions.ts';
import { type ComplaintSettings, complaintSettings } from '#shared/config/complaints.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { AUDIT_ACTION_LABEL, type AuditActor, GENESIS_HASH, sealEntry } from '#shared/domain/audit.ts';
import {
  COMPLAINT_CATEGORY_LABEL,
  COMPLAINT_STATUS_LABEL,
  type ComplaintAction,
  type ComplaintCategory,
  type ComplaintChannel,
  dueDate,
  handlingUnit,
  isOverdue,
  newComplaintCode,
  newComplaintId,
  transition,
  visibleTo,
} from '#shared/domain/complaints.ts';
import { maskAccount, maskName, maskNik } from '#shared/domain/mask.ts';
import { desaName, kecamatanOfDesa } from '#shared/domain/wilayah.ts';
import { ConflictError, NotFoundError, TooManyRequestsError } from '#shared/errors.ts';
import { actorOf, type Scope, whoOf } from '#shared/http/caller.ts';
import type { ApiEvent } from '#shared/http/public-handler.ts';
import { logger } from '#shared/logger.ts';

/** The complaint routes' adapters, built once per container. */
export interface ComplaintDeps {
  readonly complaints: ComplaintsRepository;
  readonly directory: FamilyDirectoryRepository;
}

let deps: ComplaintDeps | undefined;

export function complaintDeps(): ComplaintDeps {
  if (deps) return deps;
  const { tableName } = env();
  deps = {
    complaints: new ComplaintsRepository(tableName),
    directory: new FamilyDirectoryRepository(tableName),
  };
  return deps;
}

/** What a new complaint carries, from the citizen's form or a staff entry. */
export interface NewComplaint {
  readonly category: ComplaintCategory;
  readonly desaCode: string;
  readonly text: string;
  readonly nik?: string | undefined;
  readonly noKk?: string | undefined;
  readonly telepon?: string | undefined;
  readonly pelapor?: string | undefined;
  readonly channel: ComplaintChannel;
}

/** Who lodged a complaint through the public form, in the audit trail: nobody in particular. */
const PUBLIC_ACTOR: AuditActor = { sub: 'public', name: 'Warga (formulir daring)', role: 'public' };

/**
 * Stores a new complaint: its code and id, its handling unit (PUNGLI: the province), its due date,
 * and the family its NIK or No KK names when there is one (resolved here, shown to staff only).
 */
export async function lodge(
  input: NewComplaint,
  staff: Scope | undefined,
  now: Date,
  publicationId?: string,
): Promise<ComplaintRecord> {
  const { complaints } = complaintDeps();
  const settings = complaintSettings();
  const familyId = await familyOf(input.nik, input.noKk);
  const at = now.toISOString();
  for (let attempt = 0; ; attempt++) {
    const complaintId = newComplaintId();
    const audit = sealEntry({
      entityId: complaintEntityId(complaintId),
      seq: 1,
      at,
      actor: staff ? actorOf(staff) : PUBLIC_ACTOR,
      action: 'COMPLAINT_LODGED',
      toStatus: 'BARU',
      details: { category: input.category, channel: input.channel, desaCode: input.desaCode },
      prevHash: GENESIS_HASH,
    });
    const record: ComplaintRecord = {
      complaintId,
      code: newComplaintCode(),
      category: input.category,
      channel: input.channel,
      status: 'BARU',
      desaCode: input.desaCode,
      kecamatanCode: kecamatanOfDesa(input.desaCode),
      region: input.desaCode.slice(0, 5),
      unit: handlingUnit(input.category, input.desaCode),
      text: input.text,
      ...(input.nik ? { nik: input.nik } : {}),
      ...(input.noKk ? { noKk: input.noKk } : {}),
      ...(input.telepon ? { telepon: input.telepon } : {}),
      ...(input.pelapor ? { pelapor: input.pelapor } : {}),
      ...(familyId ? { familyId } : {}),
      ...(publicationId ? { publicationId } : {}),
      ...(staff ? { enteredBy: whoOf(staff) } : {}),
      lodgedAt: at,
      dueDate: dueDate(now, settings.answerDays, settings.holidays),
      version: 1,
      lastAuditHash: audit.hash,
    };
    try {
      await complaints.create(record, audit);
      logger.info('complaint lodged', {
        complaintId,
        category: record.category,
        channel: record.channel,
        unit: record.unit,
        linked: familyId !== undefined,
        textLength: record.text.length,
      });
      return record;
    } catch (error) {
      // A code or id already taken (about once in 2^60): draw again, twice at most.
      if (!(error instanceof WriteConflict) || attempt >= 2) throw error;
    }
  }
}

/**
 * The family a NIK or No KK names in any DTSEN import, by its opaque id (assigned on first sight,
 * as a search would). A failed lookup never refuses the complaint: it is lodged unlinked.
 */
async function familyOf(nik: string | undefined, noKk: string | undefined): Promise<string | undefined> {
  if (!nik && !noKk) return undefined;
  const { directory } = complaintDeps();
  try {
    let kk = noKk && (await directory.familyRows(noKk)).length > 0 ? noKk : undefined;
    if (!kk && nik) kk = (await directory.memberRows(nik))[0]?.noKk;
    if (!kk) return undefined;
    return (await directory.familyIds([kk], new Date().toISOString())).get(kk);
  } catch (error) {
    // The error's name only: a message could quote the number looked up.
    logger.warn('complaint: family lookup failed; lodged without a link', {
      error: error instanceof Error ? error.name : 'unknown',
    });
    return undefined;
  }
}

/**
 * The application's own rate limit on the public form (WAF is optional): a counter per source and
 * window, the source address hashed (never stored), refused with 429 beyond the limit.
 */
export async function limitSource(event: ApiEvent, now: Date): Promise<void> {
  const settings = complaintSettings();
  // API Gateway's view of the connection, not a header the client writes (X-Forwarded-For).
  const source = event.requestContext.http.sourceIp || 'unknown';
  const windowMs = settings.rateWindowMinutes * 60_000;
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  const windowStart = new Date(start).toISOString();
  const pepper = await ratePepper(settings);
  const hash = createHash('sha256').update(`${pepper}|complaints|${source}`).digest('base64url').slice(0, 32);
  const expiresAt = Math.ceil((start + windowMs) / 1000) + 3600;
  const allowed = await complaintDeps().complaints.hitRate(hash, windowStart, settings.rateLimit, expiresAt);
  if (!allowed) {
    const minutes = Math.max(1, Math.ceil((start + windowMs - now.getTime()) / 60_000));
    throw new TooManyRequestsError(
      `Terlalu banyak pengaduan dari jaringan ini. Coba lagi dalam ${minutes} menit, atau hubungi Dinas Sosial melalui telepon atau WhatsApp.`,
      { reason: 'RATE_LIMITED', retryAfterMinutes: minutes },
    );
  }
}

/**
 * The pepper of the source hash: in AWS the secret the stack generated (its ARN in
 * `COMPLAINT_RATE_PEPPER_SECRET`, read once per container and cached), locally the variable itself.
 */
function ratePepper(settings: ComplaintSettings): Promise<string> {
  return settings.ratePepperSecret
    ? secretString(settings.ratePepperSecret)
    : Promise.resolve(settings.ratePepper);
}

/** The answer to a new complaint: the code and nothing about anyone. */
export function lodgedView(record: ComplaintRecord): ResponseBody<'LodgeComplaint', 201> {
  return {
    code: record.code,
    status: record.status,
    dueDate: record.dueDate,
    message: `Pengaduan Anda diterima dengan kode ${record.code}. Simpan kode ini untuk memeriksa statusnya; jawaban paling lambat ${record.dueDate}.`,
  };
}

/** The same answer for an id never given, another kabupaten's complaint, and PUNGLI for an operator. */
const unknownComplaint = () => new NotFoundError('Pengaduan tidak ditemukan.');

/** The complaint an id names, if the caller may see it; 404 otherwise (whatever the reason). */
export async function loadVisible(complaintId: string, scope: Scope): Promise<ComplaintRecord> {
  const record = await complaintDeps().complaints.get(complaintId);
  if (!record || !visibleTo(scope.regions, record.unit)) throw unknownComplaint();
  return record;
}

/** A complaint in a staff list. */
export function summaryView(
  record: ComplaintRecord,
  now: Date,
): ResponseBody<'ListComplaints', 200>['items'][number] {
  const name = desaName(record.desaCode);
  return {
    complaintId: record.complaintId,
    category: record.category,
    categoryLabel: COMPLAINT_CATEGORY_LABEL[record.category],
    channel: record.channel,
    status: record.status,
    statusLabel: COMPLAINT_STATUS_LABEL[record.status],
    region: record.region,
    unit: record.unit,
    kecamatanCode: record.kecamatanCode,
    desaCode: record.desaCode,
    ...(name ? { desaName: name } : {}),
    lodgedAt: record.lodgedAt,
    dueDate: record.dueDate,
    overdue: isOverdue(record, now),
    ...(record.answeredAt ? { answeredAt: record.answeredAt } : {}),
    ...(record.closedAt ? { closedAt: record.closedAt } : {}),
    ...(record.assignee ? { assignee: record.assignee } : {}),
  };
}

/** A complaint as staff read it: the numbers, phone and name masked for readers of masked data. */
export async function complaintView(
  record: ComplaintRecord,
  scope: Scope,
  now: Date,
): Promise<ResponseBody<'GetComplaint', 200>> {
  const masked = scope.personalData === 'masked';
  const history = await complaintDeps().complaints.history(record.complaintId);
  return {
    ...summaryView(record, now),
    text: record.text,
    ...(record.nik ? { nik: masked ? maskNik(record.nik) : record.nik } : {}),
    ...(record.noKk ? { noKk: masked ? maskNik(record.noKk) : record.noKk } : {}),
    ...(record.telepon ? { telepon: masked ? maskAccount(record.telepon) : record.telepon } : {}),
    ...(record.pelapor ? { pelapor: masked ? maskName(record.pelapor) : record.pelapor } : {}),
    ...(record.familyId ? { familyId: record.familyId } : {}),
    ...(record.publicationId ? { publicationId: record.publicationId } : {}),
    ...(record.answer ? { answer: record.answer } : {}),
    ...(record.answeredBy ? { answeredBy: record.answeredBy } : {}),
    ...(record.closedBy ? { closedBy: record.closedBy } : {}),
    ...(record.enteredBy ? { enteredBy: record.enteredBy } : {}),
    ...(record.assignedAt ? { assignedAt: record.assignedAt } : {}),
    version: record.version,
    history: history.map((entry) => ({
      at: entry.at,
      action: entry.action,
      label: AUDIT_ACTION_LABEL[entry.action],
      by: entry.actor.name,
      role: entry.actor.role,
      ...(entry.fromStatus ? { fromStatus: entry.fromStatus } : {}),
      ...(entry.toStatus ? { toStatus: entry.toStatus } : {}),
      ...(entry.reason ? { note: entry.reason } : {}),
    })),
  };
}

const ACTION_AUDIT = {
  ASSIGN: 'COMPLAINT_ASSIGNED',
  ANSWER: 'COMPLAINT_ANSWERED',
  CLOSE: 'COMPLAINT_CLOSED',
  REJECT: 'COMPLAINT_REJECTED',
} as const;

/**
 * Applies a staff action to a complaint the caller may see: the transition table decides (409
 * WRONG_STATE otherwise), the change is conditional on the status and version read (409
 * CONCURRENT_CHANGE when someone came first) and audited (who, when, what; the note or answer).
 */
export async function act(
  record: ComplaintRecord,
  action: ComplaintAction,
  scope: Scope,
  change: (record: ComplaintRecord, at: string) => Partial<ComplaintRecord>,
  note?: string,
): Promise<ComplaintRecord> {
  const step = transition(record.status, action);
  if (!step.ok) throw new ConflictError(step.message, { reason: 'WRONG_STATE', status: record.status });
  const at = new Date().toISOString();
  const audit = sealEntry({
    entityId: complaintEntityId(record.complaintId),
    seq: record.version + 1,
    at,
    actor: actorOf(scope),
    action: ACTION_AUDIT[action],
    fromStatus: record.status,
    toStatus: step.to,
    ...(note ? { reason: note } : {}),
    prevHash: record.lastAuditHash,
  });
  const after: ComplaintRecord = {
    ...record,
    ...change(record, at),
    status: step.to,
    version: record.version + 1,
    lastAuditHash: audit.hash,
  };
  await complaintDeps().complaints.change(record, after, audit);
  logger.info('complaint changed', {
    complaintId: record.complaintId,
    action,
    from: record.status,
    to: step.to,
  });
  return after;
}
