import { createHash } from 'node:crypto';

/**
 * The audit trail: one append-only chain of records per entity (a proposal). Record `seq` n carries
 * the hash of record n-1, and its own hash covers every field, so changing, removing or reordering
 * any record breaks the chain at that point. The head's hash is also kept on the entity, so cutting
 * records off the end is detected too.
 */
export interface AuditActor {
  readonly sub: string;
  readonly name: string;
  /** Groups the person acted in (`operator`, `verifier`…), or `system` for automatic steps. */
  readonly role: string;
  readonly opd?: string;
  readonly region?: string;
}

export const AUDIT_ACTIONS = [
  'CREATED',
  'LIST_REPLACED',
  'SUBMITTED',
  'CHECKS_COMPLETED',
  'REVIEW_APPROVED',
  'REVIEW_RETURNED',
  'VERIFIED',
  'FLAG_WAIVED',
  'APPROVED',
  'REJECTED',
  'DECREE_PREFLIGHT_FAILED',
  'DECREE_NUMBERED',
  'DECREED',
  'DECREE_REVOKED',
  'DISBURSED',
  'TAHAP_CREATED',
  'ELIGIBILITY_REQUESTED',
  'TAHAP_DISTRIBUTION_STARTED',
  'TAHAP_CLOSED',
  'COMPLAINT_LODGED',
  'COMPLAINT_ASSIGNED',
  'COMPLAINT_ANSWERED',
  'COMPLAINT_CLOSED',
  'COMPLAINT_REJECTED',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** How each action is named to people (auditors, operators), in Bahasa Indonesia. */
export const AUDIT_ACTION_LABEL: Record<AuditAction, string> = {
  CREATED: 'Usulan dibuat',
  LIST_REPLACED: 'Daftar penerima diganti',
  SUBMITTED: 'Usulan diajukan',
  CHECKS_COMPLETED: 'Pemeriksaan otomatis selesai',
  REVIEW_APPROVED: 'Disetujui perangkat daerah',
  REVIEW_RETURNED: 'Dikembalikan perangkat daerah',
  VERIFIED: 'Terverifikasi',
  FLAG_WAIVED: 'Temuan dikesampingkan',
  APPROVED: 'Disetujui',
  REJECTED: 'Ditolak',
  DECREE_PREFLIGHT_FAILED: 'Pra-pemeriksaan SK gagal',
  DECREE_NUMBERED: 'Nomor SK diberikan',
  DECREED: 'Ditetapkan dengan SK',
  DECREE_REVOKED: 'SK dicabut',
  DISBURSED: 'Telah dicairkan',
  TAHAP_CREATED: 'Tahap dibuat',
  ELIGIBILITY_REQUESTED: 'Pemeriksaan kelayakan diminta',
  TAHAP_DISTRIBUTION_STARTED: 'Penyaluran tahap dimulai',
  TAHAP_CLOSED: 'Tahap ditutup',
  COMPLAINT_LODGED: 'Pengaduan diterima',
  COMPLAINT_ASSIGNED: 'Pengaduan ditugaskan',
  COMPLAINT_ANSWERED: 'Pengaduan dijawab',
  COMPLAINT_CLOSED: 'Pengaduan diselesaikan',
  COMPLAINT_REJECTED: 'Pengaduan ditolak',
};

export interface AuditEntry {
  readonly entityId: string;
  readonly seq: number;
  readonly at: string;
  readonly actor: AuditActor;
  readonly action: AuditAction;
  readonly fromStatus?: string;
  readonly toStatus?: string;
  /** The written reason or note, where the action has one. */
  readonly reason?: string;
  /** Ids and counts only (never personal data): uploadId, recipientId, flag, counts… */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  readonly prevHash: string;
}

export interface AuditRecord extends AuditEntry {
  readonly hash: string;
}

/** The hash a chain starts from. */
export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 of the record's fields in a canonical form (keys sorted, no whitespace). */
export function hashEntry(entry: AuditEntry): string {
  return createHash('sha256').update(canonicalJson(entry)).digest('hex');
}

export function sealEntry(entry: AuditEntry): AuditRecord {
  return { ...entry, hash: hashEntry(entry) };
}

export type ChainCheck =
  | { readonly valid: true; readonly length: number }
  | { readonly valid: false; readonly brokenAt: number; readonly problem: string };

/**
 * Walks a chain in `seq` order. `headHash`, when given, is the hash the entity says its last record
 * has: a chain cut short or extended behind its back fails against it.
 */
export function verifyChain(records: readonly AuditRecord[], headHash?: string): ChainCheck {
  let previous = GENESIS_HASH;
  for (const [index, record] of records.entries()) {
    const expectedSeq = (records[0]?.seq ?? 1) + index;
    if (record.seq !== expectedSeq) return { valid: false, brokenAt: record.seq, problem: 'seq gap' };
    if (record.prevHash !== previous)
      return { valid: false, brokenAt: record.seq, problem: 'prevHash mismatch' };
    const { hash, ...entry } = record;
    if (hashEntry(entry) !== hash) return { valid: false, brokenAt: record.seq, problem: 'content altered' };
    previous = hash;
  }
  if (headHash !== undefined && headHash !== previous) {
    return { valid: false, brokenAt: records.at(-1)?.seq ?? 0, problem: 'head mismatch' };
  }
  return { valid: true, length: records.length };
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
