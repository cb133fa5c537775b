import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { z } from 'zod';

/** Thrown for bad command-line input; its message is meant for the user as is. */
export class UsageError extends Error {}

/**
 * Parses a command line strictly (`node:util` parseArgs, no positionals) and validates it with a
 * schema. `--help`, an unknown flag or an invalid value all become a {@link UsageError} whose
 * message ends with the usage text.
 */
export function parseCommandLine<S extends z.ZodType>(
  argv: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
  schema: S,
  usage: string,
  failure: string,
): z.infer<S> {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
  const { help, ...rest } = values;
  if (help === true) throw new UsageError(usage);
  const parsed = schema.safeParse(rest);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.message}`).join('\n');
    throw new UsageError(`${failure}:\n${problems}\n\n${usage}`);
  }
  return parsed.data;
}

/** Whether the module at `moduleUrl` is the script node was started with (not merely imported). */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
