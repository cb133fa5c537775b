import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { createApiClient } from '#shared/contract/client.ts';
import { type LocalClaims, signLocalToken } from '../../local/auth.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { recipientCsv } from '../support/api.ts';

/**
 * Debian's Chromium (`apt-get install chromium fonts-liberation`, as `.ci/run` does), driven headless
 * by playwright-core: nothing downloads a browser. Root needs `--no-sandbox`; a container's small
 * /dev/shm needs `--disable-dev-shm-usage`.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no browser at ${CHROMIUM}: apt-get install -y chromium fonts-liberation (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** Where the screenshots go (`out/` is gitignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../out/screenshots/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

let axeSource: Promise<string> | undefined;

/**
 * Runs axe-core (the npm package, injected into the page) on what the page shows now, and returns
 * the serious and critical violations as lines (`rule: help (selectors)`), none when it passes.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol: the console's CSP (script-src 'self') stays in force.
  await page.evaluate(await axeSource);
  const violations = (await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then((result) => result.violations)',
  )) as AxeViolation[];
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
}

/**
 * A decree issued the way people issue one, through the local stack's API: the operator uploads a
 * clean list (presigned PUT) and submits it, the checks worker runs, DINSOS and BKAD sign off, the
 * approver approves, and the decree worker issues the SK Gubernur. Returns it as the API shows it.
 */
export async function issueDecreeThroughApi(
  stack: LocalStack,
  region: string,
  period: string,
  count = 3,
): Promise<{
  readonly decreeId: string;
  readonly number: string;
  readonly verifyCode: string;
  readonly proposalId: string;
}> {
  const as = async (claims: LocalClaims) =>
    createApiClient({ baseUrl: stack.apiUrl, token: await signLocalToken(claims, 600) });
  const operator = await as({
    sub: `op-${region}`,
    name: `Operator ${region}`,
    groups: ['operator'],
    region,
  });
  const verifier = (opd: string) =>
    as({ sub: `ver-${opd.toLowerCase()}`, name: `Verifikator ${opd}`, groups: ['verifier'], opd });
  const approver = await as({ sub: 'sekda-1', name: 'Sekretaris Daerah', groups: ['approver'] });
  const ok = <T extends { ok: boolean; status: number; body: unknown }>(answer: T, step: string) => {
    if (!answer.ok) throw new Error(`${step}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer as Extract<T, { ok: true }>;
  };

  const upload = ok(
    await operator.call('CreateUpload', { body: { period, filename: 'daftar.csv' } }),
    'CreateUpload',
  );
  const put = await fetch(upload.body.uploadUrl, { method: 'PUT', body: recipientCsv(region, count) });
  if (!put.ok) throw new Error(`PUT upload: HTTP ${put.status}`);
  await stack.whenIdle();
  const listed = ok(await operator.call('ListProposals', { query: { region, period } }), 'ListProposals');
  const proposalId = listed.body.items[0]?.proposalId;
  if (proposalId === undefined) throw new Error('the upload made no proposal');
  ok(await operator.call('SubmitProposal', { params: { proposalId }, body: {} }), 'SubmitProposal');
  await stack.whenIdle();
  for (const opd of ['DINSOS', 'BKAD']) {
    const client = await verifier(opd);
    ok(
      await client.call('ReviewProposal', { params: { proposalId }, body: { decision: 'approve' } }),
      `ReviewProposal ${opd}`,
    );
  }
  ok(
    await approver.call('DecideProposal', { params: { proposalId }, body: { decision: 'approve' } }),
    'DecideProposal',
  );
  await stack.whenIdle();
  const proposal = ok(await approver.call('GetProposal', { params: { proposalId } }), 'GetProposal');
  const decreeId = proposal.body.decreeId;
  if (decreeId === undefined) throw new Error(`no decree for ${proposalId}`);
  const decree = ok(await approver.call('GetDecree', { params: { decreeId } }), 'GetDecree');
  return { decreeId, number: decree.body.number, verifyCode: decree.body.verifyCode, proposalId };
}

/**
 * Signs in from the console's first page as one of the local provider's users (the button's label,
 * e.g. `Operator Kabupaten Kapuas`, `Verifikator DINSOS`, `Sekretaris Daerah`), the way a person
 * does: the console's "Masuk", the provider's page, back to the console. Resolves on "Siapa saya".
 */
export async function signInAs(page: Page, consoleUrl: string, user: string | RegExp): Promise<void> {
  await page.goto(`${consoleUrl}/`);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByRole('heading', { name: 'Masuk ke KHBS' }).waitFor();
  await page.getByRole('button', { name: user }).click();
  await page.getByRole('heading', { level: 1, name: 'Siapa saya' }).waitFor();
}

/**
 * The hooks every browser test file shares: one local stack (with the console) and one Chromium
 * for the file, a fresh context per test (id-ID, WIB) with its page, and a failure when any screen
 * throws a script error. `started` and `opened` hand what they made to the file's own variables;
 * the returned `pageErrors` takes the errors of any other page a test opens.
 */
export function consoleTestHooks(hooks: {
  started(stack: LocalStack, browser: Browser): void;
  opened(context: BrowserContext, page: Page): void;
}): { readonly pageErrors: string[] } {
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      // Built once for the run (`test/support/console-build.setup.ts`): files run two at a time.
      startLocalStack({ port: 0, quiet: true, console: 'prebuilt' }),
      launchChromium(),
    ]);
    hooks.started(stack, browser);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  beforeEach(async () => {
    if (!browser) throw new Error('no browser');
    context = await browser.newContext({ locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
    const page = await context.newPage();
    pageErrors.length = 0;
    page.on('pageerror', (error) => pageErrors.push(error.message));
    hooks.opened(context, page);
  });
  afterEach(async () => {
    await context?.close();
    expect(pageErrors).toEqual([]);
  });
  return { pageErrors };
}
