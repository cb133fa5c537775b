import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { z } from 'zod';

/** Thrown for bad command-line input; its message is meant for the user as is. */
export class UsageError extends Error {}

/** Thrown for `--help` / `-h`: its message is the usage text, which goes to stdout with exit code 0. */
export class HelpRequested extends UsageError {}

/**
 * What a command does with an error from its `main`: help (`--help`) to stdout with exit code 0,
 * anything else to stderr with exit code 2 (bad input, or the command could not do its job).
 */
export function reportCommandError(error: unknown): void {
  if (error instanceof HelpRequested) {
    process.stdout.write(`${error.message}\n`);
    process.exitCode = 0;
    return;
  }
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}

/**
 * Parses a command line strictly (`node:util` parseArgs, no positionals) and validates it with a
 * schema. An unknown flag or an invalid value becomes a {@link UsageError} whose message ends with
 * the usage text; `--help` (`-h`) a {@link HelpRequested} whose message is the usage text (see
 * {@link reportCommandError}).
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
  if (help === true) throw new HelpRequested(usage);
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
