/**
 * One reconciliation benchmark case, in its own process so that its peak RSS is its own. Prints one
 * JSON line `{ kind, ms, expected, paymentLines, maxRssMb, ... }`. Started by `bench/reconcile.ts`
 * with the emulators' environment.
 *
 *   tsx bench/reconcile-case.ts reconcile <runId>   the real job
 *   tsx bench/reconcile-case.ts baseline <listIds>  read the same decree lists and payment lines from
 *                                                   the same emulator, the same way, and do nothing else
 */
import { performance } from 'node:perf_hooks';
import { PaymentsRepository } from '#shared/adapters/payments-repo.ts';
import { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { env } from '#shared/config/env.ts';
import { dependencies } from '../functions/reconcile/handler.ts';
import { runReconciliation } from '../functions/reconcile/run-reconciliation.ts';
import { reportCase } from './child.ts';

const [kind = '', arg = ''] = process.argv.slice(2);

async function run(): Promise<Record<string, unknown>> {
  const started = performance.now();
  if (kind === 'reconcile') {
    const result = await runReconciliation(arg, 'api', dependencies());
    if (result?.status !== 'COMPLETED') throw new Error(`run ${arg} did not complete`);
    return {
      ms: performance.now() - started,
      expected: result.inputs?.expected,
      paymentLines: result.inputs?.paymentLines,
      counts: Object.fromEntries(Object.entries(result.counts ?? {}).filter(([, count]) => count > 0)),
    };
  }
  if (kind === 'baseline') {
    const { tableName } = env();
    const recipients = new RecipientsRepository(tableName);
    let expected = 0;
    for (const listId of arg.split(',')) for await (const _ of recipients.stream(listId)) expected++;
    let paymentLines = 0;
    for await (const _ of new PaymentsRepository(tableName).stream()) paymentLines++;
    return { ms: performance.now() - started, expected, paymentLines };
  }
  throw new Error('usage: reconcile-case.ts reconcile <runId> | baseline <listId,…>');
}

reportCase(kind, run);
