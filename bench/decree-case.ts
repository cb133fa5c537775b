/**
 * One decree benchmark case, in its own process so that its peak RSS is its own. Prints one JSON
 * line `{ kind, rows, ms, renderMs?, pages, bytes, maxRssMb }`. Started by `bench/decree.ts` with the
 * emulators' environment.
 *
 *   tsx bench/decree-case.ts issue <proposalId>   the real use case: read the approved list, build the
 *                                                 lampiran, render, store in S3, record (ISSUED)
 *   tsx bench/decree-case.ts bare <listId>        baseline: read the same list, render a bare table of
 *                                                 the same rows with the same library and font
 */
import { performance } from 'node:perf_hooks';
import { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { env } from '#shared/config/env.ts';
import { RATE_TABLE } from '#shared/config/rates.ts';
import { amountsForPeriod, buildLampiran, type DecreeRecipient } from '#shared/domain/decree.ts';
import { decreeRequestFor } from '#shared/messages.ts';
import { dependencies } from '../functions/decree/handler.ts';
import { issueDecree } from '../functions/decree/issue-decree.ts';
import { renderBareTablePdf, renderDecreePdf } from '../functions/decree/render-pdf.ts';
import { reportCase } from './child.ts';

const [kind = '', id = ''] = process.argv.slice(2);

async function run(): Promise<Record<string, unknown>> {
  const started = performance.now();
  if (kind === 'issue') {
    let renderMs = 0;
    let pages = 0;
    const deps = {
      ...dependencies(),
      render: async (...args: Parameters<typeof renderDecreePdf>) => {
        const renderStarted = performance.now();
        const rendered = await renderDecreePdf(...args);
        renderMs = performance.now() - renderStarted;
        pages = rendered.pages;
        return rendered;
      },
    };
    const proposal = await deps.proposals.get(id);
    if (!proposal?.approvedListId) throw new Error(`${id} is not an approved proposal`);
    const decree = await issueDecree(
      decreeRequestFor(proposal, { sub: 'bench', name: 'Benchmark' }, proposal.updatedAt),
      deps,
    );
    if (decree?.status !== 'ISSUED') throw new Error(`decree of ${id} not issued`);
    return {
      rows: decree.recipientCount,
      ms: performance.now() - started,
      renderMs,
      pages,
      bytes: decree.bytes,
    };
  }
  if (kind === 'bare') {
    const recipients: DecreeRecipient[] = [];
    for await (const { recipient } of new RecipientsRepository(env().tableName).stream(id)) {
      const { family: _family, ...row } = recipient;
      recipients.push(row);
    }
    const lines = buildLampiran(recipients, amountsForPeriod(RATE_TABLE.monthly, '2026-S1'), {
      head: 6,
      tail: 4,
    }).groups.flatMap((group) => group.lines);
    const renderStarted = performance.now();
    const { pdf, pages } = await renderBareTablePdf(lines);
    return {
      rows: lines.length,
      ms: performance.now() - started,
      renderMs: performance.now() - renderStarted,
      pages,
      bytes: pdf.length,
    };
  }
  throw new Error('usage: decree-case.ts issue <proposalId> | bare <listId>');
}

reportCase(kind, run);
