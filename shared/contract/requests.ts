import * as z from 'zod';
import { FLAG_CODES } from '../domain/checks.ts';
import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_CHANNELS,
  COMPLAINT_ID_PATTERN,
  COMPLAINT_STATUSES,
  PUBLICATION_ID_PATTERN,
} from '../domain/complaints.ts';
import { EXCHANGE_FILE_ID, EXCHANGE_FILE_KIND_NAMES } from '../domain/exchange.ts';
import { WARNING_CODES } from '../domain/issues.ts';
import { parseNik } from '../domain/nik.ts';
import { PeriodSchema } from '../domain/period.ts';
import { PROPOSAL_KINDS, PROPOSAL_STATUSES } from '../domain/proposal.ts';
import { nameKey, UNSAFE_CHARACTER } from '../domain/text.ts';
import { desaName } from '../domain/wilayah.ts';
import { FilenameSchema, freeText, queryInt } from '../http/params.ts';
import { lazySchema } from '../lazy-schema.ts';

/**
 * What clients send: the path parameters, query strings and bodies of every route, the schemas the
 * handlers parse with. The OpenAPI contract (`shared/contract/openapi.ts`) and the typed client are
 * generated from these same schemas, so a field renamed here changes all three at once.
 *
 * Each schema is built on first use, and a bundle carries only those it names ({@link lazySchema}):
 * a route parses one or two of them.
 */

// ─── Path parameters ───────────────────────────────────────────────────────────────────────────

/** `62.03-2026-S1`, `62.03-2026-S1-r2`: the region first (object checks read it before the item). */
export const ProposalIdSchema = /* @__PURE__ */ lazySchema(() =>
  z.string().regex(/^(?:KPM-)?62\.\d{2}-[0-9A-Za-z-]{4,20}$/),
);
export const ProposalParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ proposalId: ProposalIdSchema }),
);
export const DecreeParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    decreeId: z.string().regex(/^SK-(?:KPM-)?62\.\d{2}-[0-9A-Za-z-]{4,20}$/),
  }),
);
export const UploadParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
);
export const ImportParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ importId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
);
export const SnapshotParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ region: z.string().regex(/^62\.\d{2}$/), versionDate: z.iso.date() }),
);
/** `2026-1`: a tahap's year and number. */
const TahapIdSchema = /* @__PURE__ */ lazySchema(() => z.string().regex(/^\d{4}-\d{1,2}$/));
export const TahapParamsSchema = /* @__PURE__ */ lazySchema(() => z.object({ tahapId: TahapIdSchema }));
/** `POST /tahap/{tahapId}/kpm`: compose this kabupaten's KPM list. */
export const ComposeKpmBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ region: z.string().regex(/^62\.\d{2}$/, 'Kode kabupaten/kota harus berbentuk 62.xx.') }),
);
/** `GET /tahap/{tahapId}/kpm?region=62.03`. */
export const KpmQuerySchema = ComposeKpmBodySchema;
export const TahapFileParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ tahapId: z.string().regex(/^\d{4}-\d{1,2}$/), kind: z.enum(['verval']) }),
);
export const TahapImportParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    tahapId: z.string().regex(/^\d{4}-\d{1,2}$/),
    importId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  }),
);
/** `KEL-` + 12 base32 characters: a family's opaque id (never its No KK or a NIK). */
export const FamilyParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ familyId: z.string().regex(/^KEL-[A-Z2-7]{12}$/, 'ID keluarga tidak dikenal.') }),
);
export const RunParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ runId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
);
/** As printed on the decree (`ABCD-EFGH-JKMN`); normalised by the route (case, dashes, spaces). */
export const VerifyParamsSchema = /* @__PURE__ */ lazySchema(() => z.object({ code: z.string().max(40) }));

// ─── Query strings ─────────────────────────────────────────────────────────────────────────────

export const ListProposalsQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    region: z
      .string()
      .regex(/^62\.\d{2}$/)
      .optional(),
    /** BKK when absent. */
    kind: z.enum(PROPOSAL_KINDS).optional(),
    /** A BKK period, or a KPM list's tahap (`2026-1`). */
    period: z.union([PeriodSchema, TahapIdSchema]).optional(),
    status: z.enum(PROPOSAL_STATUSES).optional(),
  }),
);

/** What a list can be filtered by: the import's warnings and the checks' flags (each indexed). */
export const RECIPIENT_FILTER_CODES: readonly string[] = [...WARNING_CODES, ...FLAG_CODES];
const FILTER_CODES: ReadonlySet<string> = new Set(RECIPIENT_FILTER_CODES);

/** A warning or flag code a list can be filtered by. */
const FilterCodeSchema = () =>
  z
    .string()
    .regex(/^[A-Z_]{3,40}$/)
    .refine(
      (code) => FILTER_CODES.has(code),
      'Kode tidak dikenal: pakai kode peringatan impor (mis. NIK_CLEANED) atau kode temuan pemeriksaan (mis. NIK_IN_OTHER_LIST).',
    );

export const ListRecipientsQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    /** The `nextCursor` of the previous page, as given. */
    cursor: z.string().max(512).optional(),
    limit: queryInt(1, 500).default(100),
    flag: FilterCodeSchema().optional(),
  }),
);

/** Where a name search stops reading in one request; see {@link SearchRecipientsBodySchema}. */
export const SEARCH_READ_BUDGET = 10_000;

/**
 * `POST /proposals/{proposalId}/recipients/search`: the list's recipients whose name contains `q`
 * (case, accents and spacing ignored), in list order, optionally only those carrying `flag`. A name
 * is personal data, so it travels in the body, never in a URL (access logs, browser history).
 *
 * Bounded work: one request reads at most {@link SEARCH_READ_BUDGET} recipients (or flag index
 * entries). A page may therefore hold fewer than `limit` matches, even none, and still carry a
 * `nextCursor`: the search goes on from there. Only the page that reaches the end of the list has
 * no cursor.
 */
export const SearchRecipientsBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    /** A fragment of the name, 2–60 characters. */
    q: z
      .string()
      .trim()
      .min(2, 'Tulis paling sedikit 2 huruf nama.')
      .max(60, 'Paling panjang 60 karakter.')
      .refine((text) => !UNSAFE_CHARACTER.test(text), 'Teks memuat karakter kendali atau tak terlihat.'),
    /** The `nextCursor` of the previous page, as given. */
    cursor: z.string().max(512).optional(),
    limit: z.number().int().min(1).max(500).default(50),
    flag: FilterCodeSchema().optional(),
  }),
);

export const ListDecreesQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ year: queryInt(2020, 2100).optional() }),
);
/** `GET /imports`, `GET /snapshots`: a region (an operator's own by default); `PROVINSI` for province-wide imports. */
export const RegionQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ region: z.union([z.string().regex(/^62\.\d{2}$/), z.literal('PROVINSI')]).optional() }),
);
/** `GET /tahap/{id}/summary`: one kabupaten (an operator's own by default), optionally one kecamatan. */
export const TahapSummaryQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    region: z
      .string()
      .regex(/^62\.\d{2}$/)
      .optional(),
    kecamatan: z
      .string()
      .regex(/^62\.\d{2}\.\d{2}$/)
      .optional(),
  }),
);
/** `?desa=62.03.01.2001`: one desa of a tahap. */
export const DesaQuerySchema = /* @__PURE__ */ lazySchema(() => z.strictObject({ desa: DesaCodeSchema() }));
/** `GET /tahap/{id}/relawan`: one desa's relawan; a relawan leaves it out and gets their own desa. */
export const AssignmentsQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ desa: DesaCodeSchema().optional() }),
);
/** `GET /families/{id}`: why the family is read, for the read log (optional, no personal data please). */
export const FamilyReadQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ purpose: freeText(200).optional() }),
);
/** `GET /families/{id}/reads`: one page of the read log, newest first. */
export const FamilyReadsQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ cursor: z.string().max(512).optional(), limit: queryInt(1, 200).optional() }),
);
export const ListReconciliationsQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ limit: queryInt(1, 100).optional() }),
);
/** A proposal's id, or `TAHAP-<tahapId>` for a tahap's chain (its creation, its eligibility runs). */
export const AuditQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ entityId: z.union([ProposalIdSchema, z.string().regex(/^TAHAP-\d{4}-\d{1,2}$/)]) }),
);

// ─── Bodies ────────────────────────────────────────────────────────────────────────────────────

export const CreateUploadBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    period: PeriodSchema,
    filename: FilenameSchema,
    /** Kemendagri code or name; an admin's choice, an operator's own region by default. */
    region: z.string().max(60).optional(),
  }),
);

/** A day not after today (WIB is ahead of UTC: a date a few hours "in the future" in UTC is allowed). */
const pastDate = (what: string) =>
  z.iso
    .date(`${what} ditulis sebagai tanggal YYYY-MM-DD.`)
    .refine(
      (day) => day <= new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10),
      `${what} tidak boleh di masa depan.`,
    );

/**
 * `POST /imports`: what the file is. A DTSEN file names the extract's version date (its families
 * and members files make one snapshot); an exclusion list names its programme, who sent it and the
 * date it describes. `region`: Kemendagri code or name; an operator's own by default, and an admin
 * must name one for a DTSEN file (an exclusion list without one is province-wide).
 */
export const CreateImportBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('DTSEN_KELUARGA'),
      filename: FilenameSchema,
      region: z.string().max(60).optional(),
      versionDate: pastDate('Tanggal versi ekstrak'),
    }),
    z.strictObject({
      kind: z.literal('DTSEN_ANGGOTA'),
      filename: FilenameSchema,
      region: z.string().max(60).optional(),
      versionDate: pastDate('Tanggal versi ekstrak'),
      /** How numbered relationships are read: Dukcapil's SHDK (default), or words only. */
      relationshipCodes: z.enum(['DUKCAPIL', 'KATA']).optional(),
    }),
    z.strictObject({
      kind: z.literal('PENGECUALIAN'),
      filename: FilenameSchema,
      region: z.string().max(60).optional(),
      /** PKH, BPNT, BLTDD (any usual spelling), or another programme's name. */
      programme: freeText(40, {
        min: 2,
        message: 'Nama program wajib diisi, mis. PKH, BPNT, BLT Dana Desa.',
      }),
      /** Who sent the list (`Kemensos`, `Dinsos Kapuas`, `Desa Sei Pitak`). */
      source: freeText(80, { min: 2, message: 'Sumber daftar wajib diisi, mis. Kemensos atau Dinsos.' }),
      asOf: pastDate('Tanggal data daftar'),
    }),
    /** The printer's (or an office's) card status file: cards printed or handed out (issue #15). */
    z.strictObject({
      kind: z.literal('STATUS_KARTU'),
      filename: FilenameSchema,
      region: z.string().max(60).optional(),
    }),
    /** BULOG's handover records (BAST) of a kabupaten's food in a tahap (issue #15). */
    z.strictObject({
      kind: z.literal('BAST'),
      filename: FilenameSchema,
      region: z.string().max(60).optional(),
      tahapId: z.string().regex(/^\d{4}-\d{1,2}$/, 'Tahap ditulis seperti 2026-1.'),
    }),
    /** Bank Kalteng's EDC transactions of a kabupaten; a record without a tahap column is of `tahapId`. */
    z.strictObject({
      kind: z.literal('EDC'),
      filename: FilenameSchema,
      region: z.string().max(60).optional(),
      tahapId: z.string().regex(/^\d{4}-\d{1,2}$/, 'Tahap ditulis seperti 2026-1.'),
    }),
    /** Bank Kalteng's answer to the account-opening requests: every kabupaten's penerima at once. */
    z.strictObject({
      kind: z.literal('JAWABAN_REKENING'),
      filename: FilenameSchema,
      region: z.string().max(60).optional(),
    }),
  ]),
);

/**
 * `POST /tahap/{id}/families/search`: one desa's families with their verdicts. A POST so that the
 * cursor (which names a No KK) never travels in a URL.
 */
export const TahapFamiliesBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    desa: z.string().regex(/^62\.\d{2}\.\d{2}\.\d{4}$/, 'Kode desa ditulis seperti 62.03.01.2001.'),
    status: z.enum(['ELIGIBLE', 'EXCLUDED']).optional(),
    cursor: z.string().max(512).optional(),
    limit: z.number().int().min(1).max(500).default(100),
  }),
);

const SIXTEEN_DIGITS = /^\d{16}$/;

/**
 * `POST /families/search`: exactly one of `{nik}`, `{noKk}`, `{name, desaCode}` (a prefix of the
 * head of the family's name, in one desa), and optionally why (`purpose`, kept in the read log). A
 * POST so that the NIK, No KK or name is never in a URL; a read (no `Idempotency-Key`).
 */
export const SearchFamiliesBodySchema = /* @__PURE__ */ lazySchema(() =>
  z
    .strictObject({
      nik: z.string().regex(SIXTEEN_DIGITS, 'NIK terdiri atas 16 angka.').optional(),
      noKk: z.string().regex(SIXTEEN_DIGITS, 'Nomor KK terdiri atas 16 angka.').optional(),
      name: z
        .string()
        .trim()
        .max(60, 'Paling panjang 60 karakter.')
        .refine((text) => !UNSAFE_CHARACTER.test(text), 'Teks memuat karakter kendali atau tak terlihat.')
        // Letters and digits: spaces and punctuation (folded or dropped by nameKey) do not count.
        .refine(
          (text) => nameKey(text).replaceAll(' ', '').length >= 3,
          'Tulis paling sedikit 3 huruf nama kepala keluarga.',
        )
        .optional(),
      desaCode: DesaCodeSchema().optional(),
      purpose: freeText(200).optional(),
    })
    .superRefine((body, ctx) => {
      const kinds = [body.nik, body.noKk, body.name].filter((value) => value !== undefined).length;
      if (kinds !== 1) {
        ctx.addIssue({
          code: 'custom',
          message:
            'Cari dengan tepat satu cara: NIK (nik), nomor KK (noKk), atau nama kepala keluarga (name) beserta kode desa (desaCode).',
        });
      } else if (body.name !== undefined && body.desaCode === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['desaCode'],
          message: 'Pencarian nama memerlukan kode desa (desaCode), seperti 62.03.01.2001.',
        });
      } else if (body.name === undefined && body.desaCode !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['desaCode'],
          message: 'Kode desa hanya dipakai bersama nama kepala keluarga (name).',
        });
      }
    }),
);

/** `POST /tahap`: the tahap's year and number, components and amounts, desil range, snapshots, quotas. */
export { TahapInputSchema as CreateTahapBodySchema } from '../domain/family/tahap.ts';

const DesaCodeSchema = () =>
  z.string().regex(/^62\.\d{2}\.\d{2}\.\d{4}$/, 'Kode desa ditulis seperti 62.03.01.2001.');

/** `POST /tahap/{id}/relawan`: assign a relawan (a user of the relawan group) to a desa, or remove them. */
export const AssignRelawanBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    desa: DesaCodeSchema(),
    relawan: z.strictObject({
      /** The relawan's user id (Cognito `sub`), as the user directory shows it. */
      sub: z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'Id pengguna relawan tidak sah.'),
      name: freeText(100, { min: 2, message: 'Nama relawan wajib diisi.' }),
    }),
    remove: z.boolean().optional(),
  }),
);

/** `POST /tahap/{id}/verval-results`: a presigned URL for a desa's filled verval sheet. */
export const CreateVervalUploadBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ desa: DesaCodeSchema(), filename: FilenameSchema }),
);

/** Routes whose only input is the path: an empty object (or, for `POST /reconciliations`, no body). */
export const EmptyBodySchema = /* @__PURE__ */ lazySchema(() => z.strictObject({}));

export const ReviewBodySchema = /* @__PURE__ */ lazySchema(() =>
  z
    .strictObject({
      decision: z.enum(['approve', 'return']),
      note: freeText(2_000).optional(),
    })
    .refine((body) => body.decision !== 'return' || (body.note?.length ?? 0) >= 10, {
      path: ['note'],
      message: 'Alasan pengembalian wajib ditulis (minimal 10 karakter).',
    }),
);

export const DecisionBodySchema = /* @__PURE__ */ lazySchema(() =>
  z
    .strictObject({
      decision: z.enum(['approve', 'reject']),
      note: freeText(2_000).optional(),
    })
    .refine((body) => body.decision !== 'reject' || (body.note?.length ?? 0) >= 10, {
      path: ['note'],
      message: 'Alasan penolakan wajib ditulis (minimal 10 karakter).',
    }),
);

export const RevokeBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    reason: freeText(2_000, { min: 10, message: 'Alasan pencabutan wajib ditulis (minimal 10 karakter).' }),
  }),
);

/** `POST /tahap/{tahapId}/close`: why the tahap is closed (kept on the tahap and in its audit chain). */
export const CloseTahapBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    reason: freeText(2_000, {
      min: 10,
      message: 'Alasan penutupan tahap wajib ditulis (minimal 10 karakter).',
    }),
  }),
);

export const WaiverBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    /** The `recipientId` the recipients page gives. */
    recipientId: z.string().min(3).max(100),
    flag: z.string().regex(/^[A-Z_]{3,40}$/),
    reason: freeText(2_000, { min: 10, message: 'Alasan wajib ditulis (minimal 10 karakter).' }),
  }),
);

// ─── Complaints (pengaduan) ────────────────────────────────────────────────────────────────────

/** `PGD-` + 12 base32: staff's opaque id of a complaint (never the citizen's code, never a NIK). */
export const ComplaintParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ complaintId: z.string().regex(COMPLAINT_ID_PATTERN, 'ID pengaduan tidak dikenal.') }),
);
/** The citizen's code as typed (`ADU-XXXX-XXXX-XXXX`); normalised by the route. */
export const ComplaintCodeParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ code: z.string().max(40) }),
);

/** A NIK or No KK as a shape only (16 digits, a plausible region and date); never looked up to answer. */
const numberShape = (what: 'NIK' | 'Nomor KK') =>
  z
    .string()
    .trim()
    .max(40)
    .transform((raw, ctx) => {
      const parsed = parseNik(raw);
      if (parsed.ok) return parsed.nik;
      ctx.addIssue({
        code: 'custom',
        message: `${what} tidak sah: tulis 16 angka sesuai KTP/KK, atau kosongkan.`,
      });
      return z.NEVER;
    });

const ComplaintTextSchema = () =>
  freeText(2_000, {
    min: 20,
    message: 'Tuliskan pengaduan paling sedikit 20 karakter: apa, kapan, di mana.',
  });

/** An Indonesian phone number: digits, optionally `+62`, 8–15 digits, spaces and dashes dropped. */
const PhoneSchema = () =>
  z
    .string()
    .trim()
    .max(25)
    .transform((raw) => raw.replace(/[\s-]/g, ''))
    .refine((phone) => /^(\+62|0)\d{8,13}$/.test(phone), 'Nomor telepon ditulis seperti 081234567890.');

const complaintFields = () => ({
  category: z.enum(COMPLAINT_CATEGORIES, {
    message: `Kategori pengaduan salah satu dari: ${COMPLAINT_CATEGORIES.join(', ')}.`,
  }),
  desaCode: DesaCodeSchema().refine(
    (code) => desaName(code) !== undefined,
    'Kode desa/kelurahan tidak terdaftar di Kalimantan Tengah.',
  ),
  text: ComplaintTextSchema(),
  nik: numberShape('NIK').optional(),
  noKk: numberShape('Nomor KK').optional(),
  telepon: PhoneSchema().optional(),
});

/**
 * `POST /complaints` (public): what a citizen sends. The NIK and No KK are optional and checked as
 * shapes only: the answer is the same whether or not anyone has them.
 */
export const LodgeComplaintBodySchema = /* @__PURE__ */ lazySchema(() =>
  z
    .strictObject({
      ...complaintFields(),
      desaCode: complaintFields().desaCode.optional(),
      /** An objection (SANGGAHAN) to a published KPM list names it; its desa is then the list's. */
      publicationId: z.string().regex(PUBLICATION_ID_PATTERN, 'ID pengumuman tidak dikenal.').optional(),
    })
    .superRefine((body, ctx) => {
      if (body.publicationId !== undefined && body.category !== 'SANGGAHAN') {
        ctx.addIssue({
          code: 'custom',
          path: ['publicationId'],
          message: 'ID pengumuman hanya dipakai untuk sanggahan (kategori SANGGAHAN).',
        });
      }
      if (body.publicationId === undefined && body.desaCode === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['desaCode'],
          message: 'Kode desa/kelurahan wajib diisi, seperti 62.01.01.2001.',
        });
      }
    }),
);

/** `POST /complaints/entries`: a complaint staff received by phone, WhatsApp, in person or by letter. */
export const EnterComplaintBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    ...complaintFields(),
    channel: z.enum(COMPLAINT_CHANNELS).refine((channel) => channel !== 'WEB', {
      message: 'Saluran WEB hanya untuk formulir daring; pilih TELEPON, WHATSAPP, LANGSUNG atau SURAT.',
    }),
    pelapor: freeText(100).optional(),
  }),
);

/** `GET /complaints`: a queue (`PROVINSI`: the province's), filtered, one page. */
export const ListComplaintsQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    region: z.union([z.string().regex(/^62\.\d{2}$/), z.literal('PROVINSI')]).optional(),
    status: z.enum(COMPLAINT_STATUSES).optional(),
    category: z.enum(COMPLAINT_CATEGORIES).optional(),
    desa: DesaCodeSchema().optional(),
    overdue: z.enum(['true', 'false']).optional(),
    cursor: z.string().max(512).optional(),
    limit: queryInt(1, 200).default(50),
  }),
);

/** `POST /complaints/{id}/assign`: who takes it up (a staff user, by id and name). */
export const AssignComplaintBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    assignee: z.strictObject({
      sub: z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'Id pengguna tidak sah.'),
      name: freeText(100, { min: 2, message: 'Nama petugas wajib diisi.' }),
    }),
    note: freeText(500).optional(),
  }),
);

/** `POST /complaints/{id}/answer`: the answer written for the citizen (shown on the status page). */
export const AnswerComplaintBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    answer: freeText(2_000, {
      min: 10,
      message: 'Jawaban untuk pelapor wajib ditulis (minimal 10 karakter).',
    }),
  }),
);

/**
 * `POST /complaints/{id}/close`: SELESAI (resolved) or DITOLAK (unfounded, duplicate). The answer for
 * the citizen is needed unless one was given already.
 */
export const CloseComplaintBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    outcome: z.enum(['SELESAI', 'DITOLAK']),
    answer: freeText(2_000, { min: 10, message: 'Jawaban untuk pelapor minimal 10 karakter.' }).optional(),
  }),
);

/** `GET /publications/{publicationId}` (public). */
export const PublicationParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ publicationId: z.string().regex(PUBLICATION_ID_PATTERN, 'ID pengumuman tidak dikenal.') }),
);

/** `POST /tahap/{id}/kpm/publications`: publish a desa's families of the current KPM list until a day. */
export const CreatePublicationBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    desaCode: DesaCodeSchema(),
    /** The last day objections are taken (WIB, inclusive), at most 30 days from today. */
    until: z.iso.date('Batas sanggahan ditulis sebagai tanggal YYYY-MM-DD.'),
  }),
);

// ─── The exchange of Bank Kalteng and BULOG (issue #15) ──────────────────────────────────────────

/** A file made for Bank Kalteng or BULOG (issue #15), by its opaque id. */
export const ExchangeFileParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ fileId: z.string().regex(EXCHANGE_FILE_ID, 'ID berkas tidak dikenal.') }),
);
/** A party's files, narrowed by tahap, kind and kabupaten/kota; paged by the cursor of the last page. */
export const ExchangeFilesQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    tahapId: z
      .string()
      .regex(/^\d{4}-\d{1,2}$/, 'Tahap ditulis tahun-nomor, mis. 2026-1.')
      .optional(),
    kind: z.enum(EXCHANGE_FILE_KIND_NAMES).optional(),
    region: z
      .string()
      .regex(/^62\.\d{2}$/, 'Kode kabupaten/kota Kemendagri, mis. 62.03.')
      .optional(),
    cursor: z.string().max(512).optional(),
    limit: queryInt(1, 200).optional(),
  }),
);

/** Bank Kalteng's disbursement report, put through the API: its file name (a `.csv`, as the import reads). */
export const CreateBankReportBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    filename: FilenameSchema.refine(
      (name) => /\.csv$/i.test(name),
      'Laporan penyaluran bank dikirim sebagai .csv.',
    ),
  }),
);

/** A bank report put through the API, by its place: `disbursements/<reportDate>/<filename>`. */
/** `POST /exchange/bank/account-answers`: Bank Kalteng's answer to the account-opening requests (every kabupaten). */
export const CreateAccountAnswerBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ filename: FilenameSchema }),
);

/**
 * `POST /exchange/bank/edc-files`, `POST /exchange/bulog/bast-files`: a kabupaten's EDC
 * transactions or BAST in a tahap. `region`: the Kemendagri code (`62.03`).
 */
export const CreateTahapAnswerBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    filename: FilenameSchema,
    tahapId: z.string().regex(/^\d{4}-\d{1,2}$/, 'Tahap ditulis seperti 2026-1.'),
    region: z.string().regex(/^62\.\d{2}$/, 'Kabupaten/kota ditulis sebagai kode Kemendagri, mis. 62.03.'),
  }),
);

export const BankReportParamsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    reportDate: z.iso.date('Tanggal laporan ditulis yyyy-mm-dd.'),
    filename: FilenameSchema,
  }),
);

/**
 * `POST /tahap/{tahapId}/verval/records`: verval results a relawan's phone queued in the field and
 * sends at once when back online. Each record is checked on its own with the verval file's rules (a
 * result in any spelling the file accepts, the visit's date, the Musdes minutes, a new penerima), so
 * one wrong record is refused in its own result and never holds back the others.
 */
export const VervalRecordsBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    records: z
      .array(
        z.strictObject({
          noKk: z.string().trim().max(40),
          /** The desa the family was visited in (one of the relawan's). */
          desaCode: DesaCodeSchema(),
          /** `LAYAK`, `MAMPU`, … or any spelling the verval file accepts (`Sudah mampu`, `TMS`). */
          result: z.string().trim().max(60),
          /** The day of the visit (`YYYY-MM-DD`, WIB). */
          tanggal: z.string().trim().max(20),
          nomorBeritaAcara: z.string().trim().max(200),
          /** The new penerima (an adult member of the KK), when not the head. */
          penerimaNik: z.string().trim().max(40).optional(),
          note: z.string().trim().max(200).optional(),
          /** When the phone recorded it (ISO 8601): of two records of one day, the later stands. */
          recordedAt: z.iso.datetime({ offset: true, message: 'Waktu pencatatan ditulis ISO 8601.' }),
        }),
      )
      .min(1, 'Kirim minimal satu catatan.')
      .max(100, 'Paling banyak 100 catatan sekali kirim.'),
  }),
);
