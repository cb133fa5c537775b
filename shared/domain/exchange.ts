import * as z from 'zod';

/**
 * The files the system exchanges with Bank Kalteng and Perum BULOG (issue #15, families.md "Files
 * users exchange"). Outgoing files are made by the system for one party, registered once, and
 * fetched by that party's machine client only; answers come back through the API as imports.
 */

/** Who a file is for: Bank Kalteng or Perum BULOG. */
export const EXCHANGE_PARTIES = ['BANK', 'BULOG'] as const;
export type ExchangeParty = (typeof EXCHANGE_PARTIES)[number];

/**
 * What an outgoing file is, and the one party it is made for. A generator registers its files under
 * one of these; a kind is added here when its generator is.
 */
export const EXCHANGE_FILE_KINDS = {
  /** Collective account-opening request (penerima NIK, name, birth date, address, No KK). */
  PEMBUKAAN_REKENING: 'BANK',
  /** Payment instruction per tahap and kabupaten, with a control total. */
  INSTRUKSI_BAYAR: 'BANK',
  /** Food distribution list of one desa (titik bagi): family, penerima, package, SK number. */
  DAFTAR_SALUR: 'BULOG',
} as const satisfies Record<string, ExchangeParty>;
export type ExchangeFileKind = keyof typeof EXCHANGE_FILE_KINDS;
export const EXCHANGE_FILE_KIND_NAMES = Object.keys(EXCHANGE_FILE_KINDS) as [
  ExchangeFileKind,
  ...ExchangeFileKind[],
];

/** The path segment of a party's routes (`/exchange/bank/…`), and back. */
export const PARTY_PATHS = { BANK: 'bank', BULOG: 'bulog' } as const satisfies Record<ExchangeParty, string>;

/** A file id: what the route's path carries (no personal data, never a NIK). */
export const EXCHANGE_FILE_ID = /^[A-Za-z0-9_-]{1,64}$/;

const ActorSchema = z.object({
  sub: z.string().min(1),
  name: z.string().min(1),
  role: z.string().min(1),
  region: z.string().optional(),
  opd: z.string().optional(),
});

/** An outgoing file as registered: where it is, what it holds, who made it. */
export const ExchangeFileSchema = z
  .object({
    fileId: z.string().regex(EXCHANGE_FILE_ID),
    party: z.enum(EXCHANGE_PARTIES),
    kind: z.enum(EXCHANGE_FILE_KIND_NAMES),
    tahapId: z.string().regex(/^\d{4}-\d{1,2}$/),
    region: z.string().regex(/^62\.\d{2}$/),
    /** A desa's file (a BULOG distribution list per titik bagi). */
    desaCode: z
      .string()
      .regex(/^62\.\d{2}\.\d{2}\.\d{4}$/)
      .optional(),
    /** In the documents bucket, under the party's own prefix (`files/bank/`, `files/bulog/`). */
    s3Key: z.string().regex(/^files\/(bank|bulog)\/[A-Za-z0-9._/-]+$/),
    /** Data rows in the file (header and title rows not counted). */
    rows: z.number().int().nonnegative(),
    /** The sum the receiver checks the file against (a payment instruction's Rupiah total). */
    controlTotal: z.number().int().nonnegative().optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    createdAt: z.iso.datetime(),
    createdBy: ActorSchema,
  })
  .refine((file) => EXCHANGE_FILE_KINDS[file.kind] === file.party, {
    message: 'the kind of file is made for another party',
    path: ['kind'],
  })
  .refine((file) => file.s3Key.startsWith(`files/${PARTY_PATHS[file.party]}/`), {
    message: "the file is stored under another party's prefix",
    path: ['s3Key'],
  })
  .refine((file) => file.desaCode === undefined || file.desaCode.startsWith(`${file.region}.`), {
    message: 'the desa is not in the region',
    path: ['desaCode'],
  });
export type ExchangeFile = z.infer<typeof ExchangeFileSchema>;

/** One fetch of a file: who asked for its link, and when. */
export const ExchangeFetchSchema = z.object({
  fileId: z.string(),
  at: z.iso.datetime(),
  by: ActorSchema,
});
export type ExchangeFetch = z.infer<typeof ExchangeFetchSchema>;

/** The name a download is saved under: the last segment of its key. */
export const exchangeFilename = (file: Pick<ExchangeFile, 's3Key'>): string =>
  file.s3Key.slice(file.s3Key.lastIndexOf('/') + 1);

/**
 * The answers a party puts through the API, each with the party that sends it. Every answer lands
 * where its import is triggered (the bank report under `disbursements/`, the family files under
 * `imports/<kind>/`), so it is checked, reported and audited as any other file. An answer kind is
 * added here when its import exists.
 */
export const EXCHANGE_ANSWER_KINDS = {
  /** Bank Kalteng's disbursement report (the bank report import, `functions/disbursement/`). */
  LAPORAN_PENYALURAN: 'BANK',
  /** Bank Kalteng's answer to the account-opening requests (family import kind JAWABAN_REKENING). */
  JAWABAN_REKENING: 'BANK',
  /** Bank Kalteng's EDC transactions of a kabupaten in a tahap (family import kind EDC). */
  EDC: 'BANK',
  /** BULOG's handover records of a kabupaten's food in a tahap (family import kind BAST). */
  BAST: 'BULOG',
} as const satisfies Record<string, ExchangeParty>;
export type ExchangeAnswerKind = keyof typeof EXCHANGE_ANSWER_KINDS;
export const EXCHANGE_ANSWER_KIND_NAMES = Object.keys(EXCHANGE_ANSWER_KINDS) as [
  ExchangeAnswerKind,
  ...ExchangeAnswerKind[],
];

/** The answers that are family imports (`imports/<kind>/…`): every answer kind but the bank report. */
export const EXCHANGE_IMPORT_KINDS = [
  'JAWABAN_REKENING',
  'EDC',
  'BAST',
] as const satisfies readonly ExchangeAnswerKind[];
export type ExchangeImportKind = (typeof EXCHANGE_IMPORT_KINDS)[number];

/** The party whose machine client may put an import of this kind (undefined: a staff import only). */
export const answerPartyOf = (kind: string): ExchangeParty | undefined =>
  (EXCHANGE_IMPORT_KINDS as readonly string[]).includes(kind)
    ? EXCHANGE_ANSWER_KINDS[kind as ExchangeImportKind]
    : undefined;
