import * as z from 'zod';
import type { ProposalKind } from '../domain/proposal.ts';
import { BUCKETS, QUEUES, TABLES } from '../resources.ts';

/** Agency (OPD) codes, comma-separated, upper-cased. */
const agencyList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((code) => code.trim().toUpperCase())
        .filter(Boolean),
    );

/**
 * The environment a function runs with, validated once. Reading it lazily (rather than at import)
 * lets tests and the local stack set variables first; a missing variable still fails at the first
 * call, which in Lambda is the cold start.
 */
const EnvSchema = z.object({
  [TABLES.main.envVar]: z.string().min(1),
  [BUCKETS.uploads.envVar]: z.string().min(1),
  [BUCKETS.documents.envVar]: z.string().min(1),
  [QUEUES.importFailures.envVar]: z.string().optional(),
  [QUEUES.checks.envVar]: z.string().optional(),
  [QUEUES.decree.envVar]: z.string().optional(),
  [QUEUES.reconciliation.envVar]: z.string().optional(),
  [QUEUES.families.envVar]: z.string().optional(),
  /** Agencies (OPD codes) whose sign-off every proposal needs, comma-separated. */
  REQUIRED_AGENCIES: agencyList('DINSOS,BKAD'),
  /**
   * Agencies whose sign-off a KPM list (the families of a tahap) needs: Dinsos for the programme's
   * rules, Disdukcapil for the population data (NIK, No KK, who is an adult member).
   */
  REQUIRED_AGENCIES_KPM: agencyList('DINSOS,DISDUKCAPIL'),
  /** Import limits; defaults are sized for the largest region's list with a wide margin. */
  MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(50 * 1024 * 1024),
  MAX_ROWS: z.coerce.number().int().positive().default(350_000),
  XLSX_MAX_UNCOMPRESSED_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(400 * 1024 * 1024),
  XLSX_MAX_RATIO: z.coerce.number().positive().default(100),
  /** How long a presigned upload or download URL lives, in seconds. */
  PRESIGN_TTL_SECONDS: z.coerce.number().int().positive().default(900),
});

export interface Env {
  readonly tableName: string;
  readonly uploadsBucket: string;
  readonly documentsBucket: string;
  readonly importFailureQueueUrl: string | undefined;
  readonly checksQueueUrl: string | undefined;
  readonly decreeQueueUrl: string | undefined;
  readonly reconciliationQueueUrl: string | undefined;
  readonly familiesQueueUrl: string | undefined;
  /** Whose sign-off a proposal needs, by kind (`REQUIRED_AGENCIES`, `REQUIRED_AGENCIES_KPM`). */
  readonly requiredAgencies: Readonly<Record<ProposalKind, readonly string[]>>;
  readonly limits: ImportLimits;
  readonly presignTtlSeconds: number;
}

export interface ImportLimits {
  readonly maxFileBytes: number;
  readonly maxRows: number;
  readonly xlsxMaxUncompressedBytes: number;
  readonly xlsxMaxRatio: number;
}

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const raw = EnvSchema.parse(process.env);
  cached = {
    tableName: raw[TABLES.main.envVar] as string,
    uploadsBucket: raw[BUCKETS.uploads.envVar] as string,
    documentsBucket: raw[BUCKETS.documents.envVar] as string,
    importFailureQueueUrl: raw[QUEUES.importFailures.envVar] as string | undefined,
    checksQueueUrl: raw[QUEUES.checks.envVar] as string | undefined,
    decreeQueueUrl: raw[QUEUES.decree.envVar] as string | undefined,
    reconciliationQueueUrl: raw[QUEUES.reconciliation.envVar] as string | undefined,
    familiesQueueUrl: raw[QUEUES.families.envVar] as string | undefined,
    requiredAgencies: { BKK: raw.REQUIRED_AGENCIES, KPM: raw.REQUIRED_AGENCIES_KPM },
    limits: {
      maxFileBytes: raw.MAX_FILE_BYTES,
      maxRows: raw.MAX_ROWS,
      xlsxMaxUncompressedBytes: raw.XLSX_MAX_UNCOMPRESSED_BYTES,
      xlsxMaxRatio: raw.XLSX_MAX_RATIO,
    },
    presignTtlSeconds: raw.PRESIGN_TTL_SECONDS,
  };
  return cached;
}

/** For tests and the local stack, which change the environment between runs. */
export function resetEnvForTests(): void {
  cached = undefined;
}
