import { resolve } from 'node:path';
import { z } from 'zod';
import { signLocalToken } from './auth.ts';
import { isEntryPoint, parseCommandLine, reportCommandError } from './cli.ts';
import { REPO_ROOT } from './lambda.ts';
import { isFetchFailure, locateApi, unreachableApiMessage } from './stack-file.ts';

/**
 * `npm run reconcile [-- --api http://127.0.0.1:3000]`: starts a reconciliation run on the running
 * local stack (`npm start` in another terminal) through `POST /reconciliations`, as an admin, waits
 * for it and prints its summary and the link to its report. Finds the stack as `npm run watchdog`
 * does, through the file `npm start` writes in its state directory (`.local/stack.json`, or
 * `KHBS_STATE_DIR`), so a stack on any port is found; without one it tries `PORT` (3000). Exit code 1
 * if the run failed, 2 if it could not be started (the message names the URL it tried).
 */

const USAGE = `Usage: npm run reconcile [-- --api <url>]

Starts a full reconciliation run on the running \`npm start\` stack and prints its summary.

Options:
  --api <url>   the local API (default: the running stack's, found through .local/stack.json
                or $KHBS_STATE_DIR/stack.json; without one http://127.0.0.1:$PORT, PORT defaulting to 3000)`;

const ArgsSchema = z.object({ api: z.url().optional() });

const Run = z.looseObject({
  runId: z.string(),
  status: z.string(),
  counts: z.record(z.string(), z.number()).optional(),
  inputs: z.object({ decrees: z.number(), expected: z.number(), paymentLines: z.number() }).optional(),
  decrees: z
    .array(
      z.object({
        number: z.string(),
        recipients: z.number(),
        paid: z.number(),
        expectedAmount: z.number(),
        paidAmount: z.number(),
        fullyPaid: z.boolean(),
      }),
    )
    .optional(),
  disbursed: z.array(z.string()).optional(),
  reportUrl: z.string().optional(),
});
export type ReconciliationView = z.infer<typeof Run>;

/** Starts a run through the API and waits for it: what `npm run reconcile` and the demo do. */
export async function reconcileThroughApi(api: string, timeoutMs = 300_000): Promise<ReconciliationView> {
  const bearer = await signLocalToken({
    sub: 'local-reconcile',
    name: 'Rekonsiliasi manual',
    groups: ['admin'],
  });
  const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' };
  const started = await fetch(`${api}/reconciliations`, { method: 'POST', headers, body: '{}' });
  if (started.status !== 202)
    throw new Error(`POST /reconciliations → ${started.status} ${await started.text()}`);
  const { runId } = z.object({ runId: z.string() }).parse(await started.json());
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${api}/reconciliations/${runId}`, { headers });
    const run = Run.parse(await response.json());
    if (run.status === 'COMPLETED' || run.status === 'FAILED') return run;
    if (Date.now() > deadline)
      throw new Error(`run ${runId} still ${run.status} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The run as a few readable lines. */
export function formatRun(run: ReconciliationView): string {
  const lines = [`Rekonsiliasi ${run.runId}: ${run.status}`];
  if (run.inputs) {
    lines.push(
      `  ${run.inputs.decrees} SK, ${run.inputs.expected} penerima menurut SK, ${run.inputs.paymentLines} baris laporan bank`,
    );
  }
  for (const decree of run.decrees ?? []) {
    lines.push(
      `  SK ${decree.number}: ${decree.paid}/${decree.recipients} dibayar, ` +
        `Rp${decree.paidAmount.toLocaleString('id-ID')} dari Rp${decree.expectedAmount.toLocaleString('id-ID')}` +
        (decree.fullyPaid ? ' (lunas)' : ''),
    );
  }
  const found = Object.entries(run.counts ?? {}).filter(([, count]) => count > 0);
  lines.push(
    `  temuan: ${found.length === 0 ? 'tidak ada' : found.map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
  );
  if ((run.disbursed ?? []).length > 0) lines.push(`  dicairkan (DISBURSED): ${run.disbursed?.join(', ')}`);
  if (run.reportUrl) lines.push(`  laporan: ${run.reportUrl}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  try {
    const { api } = parseCommandLine(
      process.argv.slice(2),
      { api: { type: 'string' } },
      ArgsSchema,
      USAGE,
      'Cannot reconcile',
    );
    const stateDir = resolve(REPO_ROOT, process.env.KHBS_STATE_DIR ?? '.local');
    const located = await locateApi(stateDir, api);
    let run: ReconciliationView;
    try {
      run = await reconcileThroughApi(located.url);
    } catch (error) {
      if (isFetchFailure(error)) throw new Error(unreachableApiMessage(located, stateDir, error));
      throw error;
    }
    console.log(formatRun(run));
    if (run.status !== 'COMPLETED') process.exitCode = 1;
  } catch (error) {
    reportCommandError(error);
  }
}

if (isEntryPoint(import.meta.url)) await main();
