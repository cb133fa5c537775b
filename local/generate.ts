import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { z } from 'zod';
import { isEntryPoint, parseCommandLine, reportCommandError } from './cli.ts';
import { type GenerateOptions, regions, writeRecipientFile } from './sample-data.ts';

/**
 * `npm run generate -- --region 62.03 --rows 1000 --format xlsx --seed 7 --out out/62.03.xlsx [--clean]`
 *
 * Writes a realistic recipient file for one kabupaten/kota and prints, on stdout and as JSON, what
 * the importer must report for it. Timing goes to stderr. Errors go to stderr with exit code 2.
 */

const USAGE = `Usage: npm run generate -- --region <code> --rows <n> --out <file> [options]

Options:
  --region <code>      Kemendagri code of the kabupaten/kota, e.g. 62.03
  --rows <n>           data rows (up to 2,000,000)
  --out <file>         where to write; .csv or .xlsx
  --format <csv|xlsx>  default: from the extension of --out
  --seed <n>           default 1; the same options always give the same file
  --clean              no damaged rows, no title rows, official spellings
  --delimiter <;|,>    CSV only, default ;
  --no-titles          no title rows above the header
  --no-bom             CSV only: no UTF-8 BOM`;

const ArgsSchema = z
  .object({
    region: z
      .string({ error: '--region is required, e.g. --region 62.03' })
      .trim()
      .regex(/^62\.\d{2}$/, '--region must be a Kemendagri code of Kalimantan Tengah, such as 62.03'),
    rows: z.coerce
      .number({ error: '--rows is required and must be a whole number' })
      .int('--rows must be a whole number')
      .min(0, '--rows must not be negative')
      .max(2_000_000, '--rows must be at most 2,000,000'),
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
    {
      region: { type: 'string' },
      rows: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      seed: { type: 'string' },
      clean: { type: 'boolean' },
      delimiter: { type: 'string' },
      'no-titles': { type: 'boolean' },
      'no-bom': { type: 'boolean' },
    },
    ArgsSchema,
    USAGE,
    'Cannot generate',
  );
  return parsed;
}

async function main(): Promise<void> {
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
