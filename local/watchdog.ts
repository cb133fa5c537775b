import { resolve } from 'node:path';
import { z } from 'zod';
import { resetEnvForTests } from '#shared/config/env.ts';
import type { WatchdogSummary } from '../functions/watchdog/run-watchdog.ts';
import { isEntryPoint, parseCommandLine, reportCommandError } from './cli.ts';
import { REPO_ROOT } from './lambda.ts';
import { readStackFile, stackFilePath } from './stack-file.ts';

/**
 * `npm run watchdog`: one run of the pipeline watchdog (`functions/watchdog/`) against the running
 * local stack (`npm start` in another terminal), as its hourly schedule runs it in AWS: stuck
 * proposals, lost uploads (re-driven into the stack's imports), decree PDFs. Prints its summary and
 * where its report is. Finds the stack through the file `npm start` writes in its state directory
 * (`.local/`, or `KHBS_STATE_DIR`).
 */

const USAGE = `Usage: npm run watchdog

Runs the pipeline watchdog once against the running \`npm start\` stack.`;

/** The summary as a few readable lines. */
export function formatWatchdog(summary: WatchdogSummary, documentsBucket: string): string {
  const lines = [
    `Pengawas pipeline ${summary.runId}: ${summary.checked.proposals} usulan, ` +
      `${summary.checked.files} berkas, ${summary.checked.decreePdfs} PDF SK diperiksa`,
  ];
  const found = Object.entries(summary.counts).filter(([, count]) => count > 0);
  lines.push(
    `  temuan: ${found.length === 0 ? 'tidak ada' : found.map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
  );
  const redriven = Object.entries(summary.redriven).filter(([, count]) => count > 0);
  if (redriven.length > 0)
    lines.push(`  dikirim ulang: ${redriven.map(([what, count]) => `${what} ${count}`).join(', ')}`);
  lines.push(`  laporan: s3://${documentsBucket}/${summary.reportKey}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  try {
    parseCommandLine(process.argv.slice(2), {}, z.object({}), USAGE, 'Cannot run the watchdog');
    const stateDir = resolve(REPO_ROOT, process.env.KHBS_STATE_DIR ?? '.local');
    const stack = await readStackFile(stateDir);
    if (!stack) {
      throw new Error(
        `no running local stack (no live ${stackFilePath(stateDir)}): start one with npm start in another terminal`,
      );
    }
    Object.assign(process.env, stack.env);
    process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
    resetEnvForTests();
    // Imported only now: the adapters create their SDK clients from the environment.
    const { dependencies, runIdFor } = await import('../functions/watchdog/handler.ts');
    const { runWatchdog } = await import('../functions/watchdog/run-watchdog.ts');
    const deps = dependencies();
    const summary = await runWatchdog(runIdFor({}, new Date()), deps);
    console.log(formatWatchdog(summary, deps.config.documentsBucket));
  } catch (error) {
    reportCommandError(error);
  }
}

if (isEntryPoint(import.meta.url)) await main();
