import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditKey } from '#shared/adapters/keys.ts';
import { RATE_TABLE } from '#shared/config/rates.ts';
import { type ApiClient, createApiClient } from '#shared/contract/client.ts';
import { amountsForPeriod } from '#shared/domain/decree.ts';
import { FINDING_KINDS } from '#shared/domain/reconciliation.ts';
import { BUCKETS } from '#shared/resources.ts';
import { signLocalToken } from '../../local/auth.ts';
import { type BankLine, bankReportCsv } from '../../local/bank-report.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.ts';
import type { LocalStack } from '../../local/stack.ts';
import {
  consoleTestHooks,
  issueDecreeThroughApi,
  screenshot,
  seriousViolations,
  signInAs,
} from './support.ts';

/**
 * Oversight in a real browser: the approver starts a reconciliation from the console and follows it
 * to its findings (per kind, per decree, paid against expected as a chart), and the auditor reads a
 * proposal's audit trail under the chain's verdict, with no personal data on screen. The data is
 * made as people make it: a decree issued through the API, then Bank Kalteng's report put where the
 * bank puts it (every recipient paid in full but one, who is not paid at all).
 */
const REGION = '62.03';
const PERIOD = '2026-S1';
const RECIPIENTS = 5;
/** A NIK: 16 digits on their own (a hash in hex may hold a run of digits that long). */
const NIK = /(?<![0-9a-f])\d{16}(?![0-9a-f])/;

let stack: LocalStack;
let _browser: Browser;
let _context: BrowserContext;
let page: Page;
let decree: Awaited<ReturnType<typeof issueDecreeThroughApi>>;
let approver: ApiClient;
let auditor: ApiClient;

const formatNumber = (value: number) => new Intl.NumberFormat('id-ID').format(value);

consoleTestHooks({
  started: (started, launched) => {
    stack = started;
    _browser = launched;
  },
  opened: (opened, first) => {
    _context = opened;
    page = first;
  },
});

// After the hooks' own beforeAll (hooks run in the order they are registered).
beforeAll(async () => {
  const client = async (claims: Parameters<typeof signLocalToken>[0]) =>
    createApiClient({ baseUrl: stack.apiUrl, token: await signLocalToken(claims, 600) });
  approver = await client({ sub: 'sekda-1', name: 'Sekretaris Daerah', groups: ['approver'] });
  auditor = await client({ sub: 'auditor-1', name: 'Auditor Inspektorat', groups: ['auditor'] });

  decree = await issueDecreeThroughApi(stack, REGION, PERIOD, RECIPIENTS);
  await putBankReport();
}, 60_000);

/** Bank Kalteng's report for the decree: everyone paid once in full, except the first recipient. */
async function putBankReport(): Promise<void> {
  const listed = await approver.call('ListRecipients', {
    params: { proposalId: decree.proposalId },
    query: { limit: '500' },
  });
  if (!listed.ok) throw new Error(`ListRecipients: HTTP ${listed.status}`);
  const amounts: Record<string, number> = amountsForPeriod(RATE_TABLE.monthly, PERIOD);
  const lines: BankLine[] = listed.body.items.slice(1).map((recipient, index) => ({
    bankRef: `UJI${String(index).padStart(8, '0')}`,
    noRekening: recipient.noRekening,
    nik: recipient.nik,
    nama: recipient.nama,
    amount: amounts[recipient.peran] ?? 0,
    status: 'BERHASIL',
    date: '2026-12-01',
    nomorSk: decree.number,
  }));
  const s3 = new S3Client({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: stack.emulators.s3Endpoint,
    forcePathStyle: true,
  });
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKETS.uploads.localName,
        Key: 'disbursements/2026-12-01/bkk-kapuas.csv',
        Body: bankReportCsv(lines),
      }),
    );
  } finally {
    s3.destroy();
  }
  await stack.whenIdle();
}

describe('oversight in the console', () => {
  it('lets the approver start a reconciliation, follow it to the end, and read its findings', async () => {
    await signInAs(page, stack.apiUrl, 'Sekretaris Daerah');
    await page
      .getByRole('navigation', { name: 'Menu utama' })
      .getByRole('link', { name: 'Rekonsiliasi' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Rekonsiliasi penyaluran' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Mulai rekonsiliasi sekarang' }).click();
    await page.waitForURL(/\/rekonsiliasi\/[^/]+$/);
    const runId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
    // The page follows the run by itself until it is done.
    await page
      .locator('[data-testid=ringkasan-rekonsiliasi] [data-status=COMPLETED]')
      .waitFor({ timeout: 30_000 });

    // What the screen shows is what the API holds.
    const answer = await approver.call('GetReconciliation', { params: { runId } });
    if (!answer.ok) throw new Error(`GetReconciliation: HTTP ${answer.status}`);
    const run = answer.body;
    expect(run.status).toBe('COMPLETED');
    expect(run.counts?.NOT_PAID).toBe(1);
    for (const kind of FINDING_KINDS) {
      const cell = page.locator(`[data-testid=temuan-per-jenis] tr[data-kind=${kind}] td`);
      expect(await cell.textContent(), kind).toBe(formatNumber(run.counts?.[kind] ?? 0));
    }
    const total = Object.values(run.counts ?? {}).reduce((sum, count) => sum + count, 0);
    expect(await page.getByTestId('jumlah-temuan').textContent()).toBe(formatNumber(total));
    expect(await page.getByTestId('masukan').textContent()).toBe(
      `${formatNumber(run.inputs?.decrees ?? -1)} SK, ${formatNumber(run.inputs?.expected ?? -1)} penerima menurut SK, ` +
        `${formatNumber(run.inputs?.paymentLines ?? -1)} baris laporan bank`,
    );

    // Per decree: the decree of the seed, one of five not paid, so not fully paid.
    const summary = run.decrees?.find((entry) => entry.decreeId === decree.decreeId);
    expect(summary).toMatchObject({
      recipients: RECIPIENTS,
      paid: RECIPIENTS - 1,
      notPaid: 1,
      fullyPaid: false,
    });
    const row = page.locator(`[data-testid=hasil-per-sk] tr[data-decree="${decree.decreeId}"]`);
    const cells = await row.locator('th, td').allTextContents();
    expect(cells[0]).toBe(decree.number);
    expect(cells[1]).toBe('Kabupaten Kapuas');
    expect(cells[3]).toBe(formatNumber(RECIPIENTS));
    expect(cells[5]).toBe(formatNumber(RECIPIENTS - 1));
    expect(cells[7]).toBe('1');
    expect(cells.at(-1)).toBe('belum lunas');

    // The chart: a picture with its figures in words, and the same numbers in a table.
    const chart = page.getByTestId('grafik-per-sk').getByRole('img');
    expect(await chart.getAttribute('aria-label')).toContain(decree.number);
    expect(await page.locator('[data-testid=grafik-per-sk] svg rect').count()).toBeGreaterThanOrEqual(2);
    const expected = new Intl.NumberFormat('id-ID', {
      style: 'currency',
      currency: 'IDR',
      maximumFractionDigits: 0,
    });
    const chartTable = await page.getByTestId('grafik-per-wilayah-tabel').textContent();
    expect(chartTable).toContain('Kabupaten Kapuas');
    expect(chartTable).toContain(expected.format(summary?.paidAmount ?? -1));
    expect(chartTable).toContain(expected.format(summary?.expectedAmount ?? -1));
    // The report's downloads (presigned anew on every answer: the same object, another signature).
    const reportHref = await page
      .getByRole('link', { name: 'Unduh laporan (CSV untuk Excel)' })
      .getAttribute('href');
    expect(reportHref?.split('?')[0]).toBe(run.reportUrl?.split('?')[0]);
    const report = await fetch(reportHref ?? '');
    expect(report.status).toBe(200);
    expect(await page.getByRole('link', { name: 'Unduh data (JSON)' }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '32-rekonsiliasi-hasil');

    // Back to the list: the run is there, finished, with its findings counted.
    await page.getByRole('link', { name: 'Semua rekonsiliasi' }).click();
    const listed = page.locator(`[data-testid=daftar-rekonsiliasi] tr[data-run="${runId}"]`);
    await listed.waitFor();
    expect(await listed.locator('[data-status]').getAttribute('data-status')).toBe('COMPLETED');
    expect(await listed.locator('td').last().textContent()).toBe(formatNumber(total));
    expect(await listed.textContent()).toContain('Sekretaris Daerah');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '31-rekonsiliasi-daftar');

    // On a phone: the run's page does not spill sideways (tables scroll in their own box).
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.apiUrl}/rekonsiliasi/${encodeURIComponent(runId)}`);
    await page.getByTestId('hasil-per-sk').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  });

  it("shows the auditor a proposal's audit trail under the chain's verdict, with no personal data", async () => {
    await signInAs(page, stack.apiUrl, 'Auditor Inspektorat');
    await page
      .getByRole('navigation', { name: 'Menu utama' })
      .getByRole('link', { name: 'Jejak audit' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Jejak audit' }).waitFor();
    await page.getByTestId('usulan-terbaru').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Nomor usulan').fill(decree.proposalId);
    await page.getByRole('button', { name: 'Buka jejak' }).click();
    await page.waitForURL(`**/jejak-audit/${encodeURIComponent(decree.proposalId)}`);
    const verdict = page.getByTestId('putusan-rantai');
    await verdict.waitFor();

    const answer = await auditor.call('GetAudit', { query: { entityId: decree.proposalId } });
    if (!answer.ok) throw new Error(`GetAudit: HTTP ${answer.status}`);
    const { chain, records } = answer.body;
    if (!chain.valid) throw new Error(`the seeded chain is broken: ${chain.problem}`);
    expect(await verdict.getAttribute('data-valid')).toBe('true');
    expect(await verdict.locator('.verdict-title').textContent()).toBe(
      `Rantai jejak audit utuh: ${chain.length} catatan`,
    );
    const rows = page.locator('[data-testid=jejak-audit] tbody tr');
    expect(await rows.count()).toBe(chain.length);
    // In order, each in words, with who acted and the hash shortened.
    const first = await rows.first().locator('td').allTextContents();
    expect(first[0]).toBe('1');
    expect(first[2]).toBe('Usulan dibuat');
    const decreed = records.find((record) => record.action === 'DECREED');
    const decreedRow = page.locator(`[data-testid=jejak-audit] tr[data-seq="${decreed?.seq}"]`);
    expect(await decreedRow.textContent()).toContain('Ditetapkan dengan SK');
    expect(await decreedRow.locator('code').textContent()).toBe(`${decreed?.hash.slice(0, 12)}…`);
    const approved = records.find((record) => record.action === 'APPROVED');
    const approvedRow = page.locator(`[data-testid=jejak-audit] tr[data-seq="${approved?.seq}"]`);
    expect(await approvedRow.textContent()).toContain('Sekretaris Daerah');
    expect(await approvedRow.textContent()).toContain('Penyetuju');
    expect(await approvedRow.textContent()).toContain('terverifikasi → disetujui');

    // No NIK anywhere on the page, in what it shows or what it holds.
    expect((await page.locator('body').textContent()) ?? '').not.toMatch(NIK);
    expect(await page.content()).not.toMatch(NIK);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '30-auditor-jejak');

    // On a phone: the trail scrolls in its own box, the page does not spill sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  });

  it('says plainly when a proposal has no audit trail', async () => {
    await signInAs(page, stack.apiUrl, 'Auditor Inspektorat');
    await page.goto(`${stack.apiUrl}/jejak-audit/62.03-2099-S1`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Tidak ditemukan');
    expect(await seriousViolations(page)).toEqual([]);
  });

  // Last: it alters the seeded trail.
  it('shows a broken chain in red, naming the record and the problem', async () => {
    // Someone with access to the table rewrites a reason after the fact.
    const { documentClient } = await import('#shared/adapters/clients.ts');
    await documentClient.send(
      new UpdateCommand({
        TableName: String(process.env.TABLE_NAME),
        Key: auditKey(decree.proposalId, 4),
        UpdateExpression: 'SET #r = :r',
        ExpressionAttributeNames: { '#r': 'reason' },
        ExpressionAttributeValues: { ':r': 'Disetujui tanpa catatan.' },
      }),
    );
    const answer = await auditor.call('GetAudit', { query: { entityId: decree.proposalId } });
    expect(answer.ok && answer.body.chain).toMatchObject({
      valid: false,
      brokenAt: 4,
      problem: 'content altered',
    });

    await signInAs(page, stack.apiUrl, 'Auditor Inspektorat');
    await page.goto(`${stack.apiUrl}/jejak-audit/${decree.proposalId}`);
    const verdict = page.getByTestId('putusan-rantai');
    await verdict.waitFor();
    expect(await verdict.getAttribute('role')).toBe('alert');
    expect(await verdict.locator('.verdict-title').textContent()).toBe(
      'Rantai jejak audit rusak pada catatan #4',
    );
    expect(await verdict.textContent()).toContain('isi catatan telah diubah setelah dicatat');
    // The records from the broken one on are marked; those before are not.
    expect(
      await page.locator('[data-testid=jejak-audit] tr.audit-broken').first().getAttribute('data-seq'),
    ).toBe('4');
    expect(await page.locator('[data-testid=jejak-audit] tr[data-seq="3"]').getAttribute('class')).toBeNull();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '33-auditor-jejak-rusak');
  });
});
