import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { z } from 'zod';
import { isEntryPoint, parseCommandLine, reportCommandError } from './cli.ts';
import { type DtsenOptions, writeDtsenFiles } from './dtsen-data.ts';
import { type GenerateOptions, regions, writeRecipientFile } from './sample-data.ts';

/**
 * `npm run generate -- --region 62.03 --rows 1000 --format xlsx --seed 7 --out out/62.03.xlsx [--clean]`
 * `npm run generate -- --kind dtsen --region 62.06 --families 60000 --codes bps --out out/dtsen`
 *
 * Writes a realistic recipient file (or a DTSEN extract: families and members files) for one
 * kabupaten/kota and prints, on stdout and as JSON, what the importer must report for it. Timing
 * goes to stderr. Errors go to stderr with exit code 2.
 */

const USAGE = `Usage: npm run generate -- --region <code> --rows <n> --out <file> [options]
       npm run generate -- --kind dtsen --region <code> --families <n> --out <dir> [options]

Options:
  --kind <bkk|dtsen>   bkk (default): a BKK recipient file; dtsen: a DTSEN extract, two files
  --region <code>      Kemendagri code of the kabupaten/kota, e.g. 62.03
  --rows <n>           data rows (up to 2,000,000)
  --out <file>         where to write; .csv or .xlsx
  --format <csv|xlsx>  default: from the extension of --out
  --seed <n>           default 1; the same options always give the same file
  --clean              no damaged rows, no title rows, official spellings
  --delimiter <;|,>    CSV only, default ;
  --no-titles          no title rows above the header
  --no-bom             CSV only: no UTF-8 BOM

DTSEN extract (--kind dtsen):
  --families <n>       lines of the families file (up to 300,000); members follow, ~3.7 a family
  --out <dir>          writes <dir>/dtsen-keluarga-<kode>.<csv|xlsx> and <dir>/dtsen-anggota-<kode>.<…>
  --out-families <f>   or name both files instead of --out
  --out-members <f>
  --format <csv|xlsx>  default: from the extension of --out-families, else csv
  --delimiter <|;,>    CSV only, default |
  --codes <kemendagri|bps>  wilayah codes in the extract, default kemendagri
  --relationships <words|dukcapil-numbers|mixed>  default mixed (words when --clean)
  --seed, --clean, --no-titles, --bom (CSV: add a UTF-8 BOM) as above`;

/** The flags both kinds of file take (`--kind` picks the kind). */
const COMMON_FLAGS = {
  kind: { type: 'string' },
  region: { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string' },
  seed: { type: 'string' },
  clean: { type: 'boolean' },
  delimiter: { type: 'string' },
  'no-titles': { type: 'boolean' },
} as const;

/** `--region`: a Kemendagri code of Kalimantan Tengah. */
const regionArg = () =>
  z
    .string({ error: '--region is required, e.g. --region 62.03' })
    .trim()
    .regex(/^62\.\d{2}$/, '--region must be a Kemendagri code of Kalimantan Tengah, such as 62.03');

/** `--<name>`: a required whole number from 0 to `max`. */
const countArg = (name: string, max: number) =>
  z.coerce
    .number({ error: `--${name} is required and must be a whole number` })
    .int(`--${name} must be a whole number`)
    .min(0, `--${name} must not be negative`)
    .max(max, `--${name} must be at most ${max.toLocaleString('en')}`);

const DtsenArgsSchema = z
  .object({
    kind: z.literal('dtsen'),
    region: regionArg(),
    families: countArg('families', 300_000),
    out: z.string().trim().min(1, '--out must not be empty').optional(),
    'out-families': z.string().trim().min(1).optional(),
    'out-members': z.string().trim().min(1).optional(),
    format: z.enum(['csv', 'xlsx'], { error: '--format must be csv or xlsx' }).optional(),
    seed: z.coerce
      .number({ error: '--seed must be a number' })
      .int('--seed must be a whole number')
      .default(1),
    clean: z.boolean().default(false),
    delimiter: z.enum(['|', ';', ','], { error: '--delimiter must be |, ; or ,' }).optional(),
    codes: z
      .enum(['kemendagri', 'bps'], { error: '--codes must be kemendagri or bps' })
      .default('kemendagri'),
    relationships: z
      .enum(['words', 'dukcapil-numbers', 'mixed'], {
        error: '--relationships must be words, dukcapil-numbers or mixed',
      })
      .optional(),
    'no-titles': z.boolean().default(false),
    bom: z.boolean().default(false),
  })
  .transform((args, ctx) => {
    if (!regions().some((region) => region.code === args.region)) {
      ctx.addIssue({
        code: 'custom',
        message: `--region ${args.region} is not a kabupaten/kota of Kalimantan Tengah`,
      });
      return z.NEVER;
    }
    const named = args['out-families'] !== undefined || args['out-members'] !== undefined;
    if (named === (args.out !== undefined) || (named && (!args['out-families'] || !args['out-members']))) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either --out <dir>, or both --out-families and --out-members',
      });
      return z.NEVER;
    }
    const fromExtension = extname(args['out-families'] ?? '')
      .slice(1)
      .toLowerCase();
    const format = args.format ?? (fromExtension === 'xlsx' ? 'xlsx' : 'csv');
    const code = args.region.replace('.', '');
    const paths = {
      families: args['out-families'] ?? join(args.out ?? '.', `dtsen-keluarga-${code}.${format}`),
      members: args['out-members'] ?? join(args.out ?? '.', `dtsen-anggota-${code}.${format}`),
    };
    const options: DtsenOptions = {
      region: args.region,
      families: args.families,
      seed: args.seed,
      format,
      codes: args.codes,
      clean: args.clean,
      ...(args.delimiter ? { delimiter: args.delimiter } : {}),
      ...(args.relationships ? { relationships: args.relationships } : {}),
      ...(args['no-titles'] ? { titleRows: false } : {}),
      ...(args.bom ? { bom: true } : {}),
    };
    return { options, paths };
  });

/** Parses a `--kind dtsen` command line into generator options and the two output paths. */
export function parseDtsenArgs(argv: readonly string[]): {
  options: DtsenOptions;
  paths: { families: string; members: string };
} {
  return parseCommandLine(
    argv,
    {
      ...COMMON_FLAGS,
      families: { type: 'string' },
      'out-families': { type: 'string' },
      'out-members': { type: 'string' },
      codes: { type: 'string' },
      relationships: { type: 'string' },
      bom: { type: 'boolean' },
    },
    DtsenArgsSchema,
    USAGE,
    'Cannot generate',
  );
}

/** Whether the command line asks for a DTSEN extract (`--kind dtsen` or `--kind=dtsen`). */
const wantsDtsen = (argv: readonly string[]) =>
  argv.some((arg, i) => arg === '--kind=dtsen' || (arg === '--kind' && argv[i + 1] === 'dtsen'));

const ArgsSchema = z
  .object({
    region: regionArg(),
    rows: countArg('rows', 2_000_000),
    out: z.string({ error: '--out is required' }).trim().min(1, '--out must not be empty'),
    format: z.enum(['csv', 'xlsx'], { error: '--format must be csv or xlsx' }).optional(),
    seed: z.coerce
      .number({ error: '--seed must be a number' })
      .int('--seed must be a whole number')
      .default(1),
    clean: z.boolean().default(false),
    delimiter: z.enum([';', ','], { error: '--delimiter must be ; or ,' }).optional(),
    'no-titles': z.boolean().default(false),
    'no-bom': z.boolean().default(false),
    kind: z.literal('bkk', { error: '--kind must be bkk or dtsen' }).optional(),
  })
  .transform((args, ctx) => {
    const fromExtension = extname(args.out).slice(1).toLowerCase();
    const format =
      args.format ?? (fromExtension === 'csv' || fromExtension === 'xlsx' ? fromExtension : undefined);
    if (!format) {
      ctx.addIssue({ code: 'custom', message: '--out must end in .csv or .xlsx, or give --format' });
      return z.NEVER;
    }
    if (!regions().some((region) => region.code === args.region)) {
      ctx.addIssue({
        code: 'custom',
        message: `--region ${args.region} is not a kabupaten/kota of Kalimantan Tengah (${regions()
          .map((region) => region.code)
          .join(', ')})`,
      });
      return z.NEVER;
    }
    const options: GenerateOptions = {
      region: args.region,
      rows: args.rows,
      seed: args.seed,
      messy: !args.clean,
      format,
      ...(args.delimiter ? { delimiter: args.delimiter } : {}),
      ...(args['no-titles'] ? { titleRows: false } : {}),
      ...(args['no-bom'] ? { bom: false } : {}),
    };
    return { options, out: args.out };
  });

/** Parses the command line into generator options and the output path. */
export function parseGenerateArgs(argv: readonly string[]): { options: GenerateOptions; out: string } {
  const parsed = parseCommandLine(
    argv,
    { ...COMMON_FLAGS, rows: { type: 'string' }, 'no-bom': { type: 'boolean' } },
    ArgsSchema,
    USAGE,
    'Cannot generate',
  );
  return parsed;
}

async function mainDtsen(argv: readonly string[]): Promise<void> {
  let request: ReturnType<typeof parseDtsenArgs>;
  try {
    request = parseDtsenArgs(argv);
  } catch (error) {
    reportCommandError(error);
    return;
  }
  const { options, paths } = request;
  await mkdir(dirname(paths.families), { recursive: true });
  await mkdir(dirname(paths.members), { recursive: true });
  const started = performance.now();
  const expected = await writeDtsenFiles(options, paths);
  const seconds = (performance.now() - started) / 1000;
  const megabytes = (path: string) => (statSync(path).size / 1024 / 1024).toFixed(1);
  process.stdout.write(`${JSON.stringify(expected, null, 2)}\n`);
  process.stderr.write(
    `${paths.families}: ${expected.families.rows} families, ${megabytes(paths.families)} MB; ` +
      `${paths.members}: ${expected.members.rows} members, ${megabytes(paths.members)} MB; ` +
      `in ${seconds.toFixed(2)} s\n`,
  );
}

async function main(): Promise<void> {
  if (wantsDtsen(process.argv.slice(2))) {
    await mainDtsen(process.argv.slice(2));
    return;
  }
  let request: { options: GenerateOptions; out: string };
  try {
    request = parseGenerateArgs(process.argv.slice(2));
  } catch (error) {
    reportCommandError(error);
    return;
  }
  const { options, out } = request;
  await mkdir(dirname(out), { recursive: true });
  const started = performance.now();
  const expected = await writeRecipientFile(options, out);
  const seconds = (performance.now() - started) / 1000;
  const bytes = statSync(out).size;
  process.stdout.write(`${JSON.stringify(expected, null, 2)}\n`);
  process.stderr.write(
    `${out}: ${options.rows} rows, ${(bytes / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(2)} s ` +
      `(${Math.round(options.rows / Math.max(seconds, 1e-6)).toLocaleString('en')} rows/s)\n`,
  );
}

if (isEntryPoint(import.meta.url)) await main();
