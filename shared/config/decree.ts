import * as z from 'zod';
import {
  DEFAULT_NUMBER_PATTERN,
  type DecreeSettings,
  decreeSettingsProblems,
  parseNumberPattern,
  retentionProblems,
} from '../domain/decree.ts';

/**
 * How decrees are worded, numbered, signed and kept: environment variables (set by CDK from
 * `cdk.json` context, and by the local stack), each with a default. The considerations
 * (menimbang) and legal bases (mengingat) below are a DRAFT for the Biro Hukum to confirm; they
 * are printed as given.
 */
export const DEFAULT_MENIMBANG: readonly string[] = [
  'bahwa dalam rangka mendukung pelaksanaan Program Kartu Huma Betang Sejahtera agar tepat sasaran, ' +
    'terintegrasi, akuntabel dan berkelanjutan, Pemerintah Provinsi Kalimantan Tengah memberikan Bantuan ' +
    'Keuangan Khusus kepada kabupaten/kota bagi unsur masyarakat dan aparat yang mengawal penyalurannya;',
  'bahwa usulan penerima Bantuan Keuangan Khusus dari pemerintah kabupaten/kota telah diverifikasi oleh ' +
    'perangkat daerah terkait;',
  'bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan ' +
    'Keputusan Gubernur tentang Penerima Bantuan Keuangan Khusus;',
];

export const DEFAULT_MENGINGAT: readonly string[] = [
  'Undang-Undang Nomor 21 Tahun 1958 tentang Penetapan Undang-Undang Darurat Nomor 10 Tahun 1957 tentang ' +
    'Pembentukan Daerah Swatantra Tingkat I Kalimantan Tengah dan Perubahan Undang-Undang Nomor 25 Tahun ' +
    '1956 tentang Pembentukan Daerah-Daerah Swatantra Tingkat I Kalimantan Barat, Kalimantan Selatan dan ' +
    'Kalimantan Timur sebagai Undang-Undang;',
  'Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa kali diubah, ' +
    'terakhir dengan Undang-Undang Nomor 6 Tahun 2023;',
  'Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi;',
  'Peraturan Pemerintah Nomor 12 Tahun 2019 tentang Pengelolaan Keuangan Daerah;',
  'Peraturan Menteri Dalam Negeri Nomor 77 Tahun 2020 tentang Pedoman Teknis Pengelolaan Keuangan Daerah;',
];

const DecreeEnvSchema = z.object({
  DECREE_NUMBER_PATTERN: z
    .string()
    .default(DEFAULT_NUMBER_PATTERN)
    .transform((pattern, ctx) => {
      try {
        return parseNumberPattern(pattern);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  DECREE_PLACE: z.string().min(1).default('Palangka Raya'),
  DECREE_SIGNER_TITLE: z.string().min(1).default('GUBERNUR KALIMANTAN TENGAH'),
  DECREE_SIGNER_NAME: z.string().min(1).default('AGUSTIAR SABRAN'),
  /**
   * Printed under the QR code on every page: it must outlive the API's own URL, so in AWS it is a
   * custom domain (`cdk.json` context `khbs:verifyBaseUrl`).
   */
  DECREE_VERIFY_BASE_URL: z.url().default('https://khbs.kalteng.go.id/verify'),
  /** Digits of a NIK the lampiran shows: `head,tail`. */
  DECREE_NIK_MASK: z
    .string()
    .regex(/^\d{1,2},\d{1,2}$/)
    .default('6,4')
    .transform((value) => {
      const [head, tail] = value.split(',').map(Number);
      return { head: head ?? 6, tail: tail ?? 4 };
    }),
  /**
   * S3 Object Lock on each decree PDF: the mode and how many days it holds. GOVERNANCE lets a
   * principal holding `s3:BypassGovernanceRetention` remove a decree written by mistake; COMPLIANCE
   * lets no one. `NONE` writes without a lock (a bucket without Object Lock, the local emulator).
   */
  DECREE_RETENTION_MODE: z.enum(['GOVERNANCE', 'COMPLIANCE', 'NONE']).default('GOVERNANCE'),
  DECREE_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 365),
});

export interface DecreeConfig {
  readonly settings: DecreeSettings;
  readonly retention: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly days: number } | undefined;
}

let cached: DecreeConfig | undefined;

/** Settings with which no decree can ever be rendered: thrown by {@link decreeConfig}, each problem named. */
export class DecreeConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid decree configuration (DECREE_* environment): no decree can be issued with it. ` +
        `${problems.length} problem(s): ${problems.map((problem, index) => `(${index + 1}) ${problem}`).join(' ')}`,
    );
    this.name = 'DecreeConfigError';
  }
}

/**
 * The decree configuration from the environment, read once per container. Settings that can never
 * render a decree (`decreeSettingsProblems`, `retentionProblems`: a pattern without `{seq}`, a blank
 * signer, a verification URL that is not http(s), a NIK mask that hides too little, a bad retention)
 * throw a {@link DecreeConfigError} naming every problem, so a misconfigured worker fails at cold
 * start, before it reads a message, rather than on each decree's pre-flight.
 */
export function decreeConfig(): DecreeConfig {
  if (cached) return cached;
  const parsed = DecreeEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new DecreeConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  const raw = parsed.data;
  const config: DecreeConfig = {
    settings: {
      numberPattern: raw.DECREE_NUMBER_PATTERN,
      place: raw.DECREE_PLACE,
      signerTitle: raw.DECREE_SIGNER_TITLE,
      signerName: raw.DECREE_SIGNER_NAME,
      verifyBaseUrl: raw.DECREE_VERIFY_BASE_URL,
      nikMask: raw.DECREE_NIK_MASK,
      menimbang: DEFAULT_MENIMBANG,
      mengingat: DEFAULT_MENGINGAT,
    },
    retention:
      raw.DECREE_RETENTION_MODE === 'NONE'
        ? undefined
        : { mode: raw.DECREE_RETENTION_MODE, days: raw.DECREE_RETENTION_DAYS },
  };
  const problems = [...decreeSettingsProblems(config.settings), ...retentionProblems(config.retention)];
  if (problems.length > 0) throw new DecreeConfigError(problems.map((problem) => problem.message));
  cached = config;
  return cached;
}

/** Tests and the local stack change the environment: read it again on the next call. */
export function resetDecreeConfigForTests(): void {
  cached = undefined;
}
