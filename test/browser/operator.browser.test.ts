import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ApiClient, createApiClient } from '#shared/contract/client.ts';
import type { LocalStack } from '../../local/stack.ts';
import { nameOf, recipientCsv } from '../support/api.ts';
import { consoleTestHooks, screenshot, seriousViolations, signInAs } from './support.ts';

/**
 * The operator's path in a real browser: Kapuas's operator uploads a file (a drop and the file
 * picker; the bytes go straight to the presigned URL, with progress), follows the import to its
 * result (counts, the first problems, the report), then reads the list: pages, a warning filter, a
 * search by name that never puts the name in the address. Each screen is checked against what the
 * API then holds, passes axe-core, and is saved under out/screenshots.
 */
const REGION = '62.03';
const PERIOD = '2027-S1';
const CLEAN_ROWS = 120;
/** Data rows whose NIK is typed with dots: accepted with the NIK_CLEANED warning. */
const DOTTED = [3, 5, 7];

/** The file: 120 clean Ketua RT (three NIKs with dots) and two rows the import refuses. */
function operatorCsv(): string {
  const lines = recipientCsv(REGION, CLEAN_ROWS).replace(/\r\n$/, '').split('\r\n');
  for (const i of DOTTED) {
    const cells = (lines[i] ?? '').split(';');
    const nik = cells[1] ?? '';
    cells[1] = `${nik.slice(0, 4)}.${nik.slice(4, 8)}.${nik.slice(8, 12)}.${nik.slice(12)}`;
    lines[i] = cells.join(';');
  }
  lines.push('121;12345;Budi Gagal;Ketua RT;Kec. Selat;Murung Keramat;121;1000009121;Budi Gagal');
  lines.push(`122;6203011203850122;Ani Gagal;Ketua RT;Kec. Entah;Desa Entah;122;1000009122;Ani Gagal`);
  return `${lines.join('\r\n')}\r\n`;
}

let stack: LocalStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const { pageErrors } = consoleTestHooks({
  started: (started, launched) => {
    stack = started;
    browser = launched;
  },
  opened: (opened, first) => {
    context = opened;
    page = first;
  },
});

/** The API as the signed-in user: the console's own ID token. */
async function apiOfPage(): Promise<ApiClient> {
  const idToken = await page.evaluate('JSON.parse(sessionStorage.getItem("khbs.session")).idToken');
  return createApiClient({ baseUrl: stack.apiUrl, token: String(idToken) });
}

/** Drops a file on the drop zone as a desktop does: a `drop` event carrying it. */
async function dropFile(name: string, content: string, type: string): Promise<void> {
  // A string: the test's own TypeScript has no DOM types (the page has them).
  const transfer = await page.evaluateHandle(`(() => {
    const data = new DataTransfer();
    data.items.add(new File([${JSON.stringify(content)}], ${JSON.stringify(name)}, { type: ${JSON.stringify(type)} }));
    return data;
  })()`);
  const zone = page.getByTestId('zona-berkas');
  await zone.dispatchEvent('dragenter', { dataTransfer: transfer });
  await zone.dispatchEvent('drop', { dataTransfer: transfer });
}

/** The rows (`data-row`) of the recipients table on screen. */
const rowsOnScreen = (): Promise<number[]> =>
  page.$$eval('[data-testid="daftar-penerima"] tbody tr', (rows) =>
    rows.map((row) => Number(row.getAttribute('data-row'))),
  );

describe("the operator's screens", () => {
  it('uploads a file with progress, reads the result, then pages, filters and searches the list', async () => {
    const csv = operatorCsv();
    await signInAs(page, stack.apiUrl, /Operator Kabupaten Kapuas/);
    const api = await apiOfPage();

    // ─── Upload ───
    await page.goto(`${stack.apiUrl}/unggah?periode=${PERIOD}`);
    await page.getByRole('heading', { level: 1, name: 'Unggah daftar penerima' }).waitFor();
    expect(await page.getByLabel('Periode').inputValue()).toBe(PERIOD);
    await expect(page.getByText('Kabupaten Kapuas (62.03)').isVisible()).resolves.toBe(true);
    // An operator uploads for its own region: no region to choose.
    expect(await page.getByLabel('Kabupaten/kota').count()).toBe(0);
    await expect(
      page.getByText(/Kolom wajib:.*NIK, Nama, Peran, Kecamatan, No Rekening/).isVisible(),
    ).resolves.toBe(true);

    // The file picker refuses what is not CSV or XLSX; a drop brings the right file.
    await page.locator('input[type="file"]').setInputFiles({
      name: 'catatan.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('bukan daftar'),
    });
    await page.getByText('bukan .csv atau .xlsx').waitFor();
    await dropFile('daftar-kapuas.csv', csv, 'text/csv');
    await expect(page.getByTestId('berkas-terpilih').textContent()).resolves.toMatch(
      /^Berkas terpilih: daftar-kapuas\.csv \(\d+(,\d)? KB\)$/,
    );
    // And the picker, as a keyboard user would choose it.
    await page.locator('input[type="file"]').setInputFiles({
      name: 'daftar-kapuas.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await expect(page.getByTestId('berkas-terpilih').textContent()).resolves.toContain('daftar-kapuas.csv');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '10-operator-unggah');

    // Every text the bytes' progress shows, as it changes (the page moves on once the PUT is done).
    await page.evaluate(`(() => {
      window.__progress = [];
      new MutationObserver(() => {
        const node = document.querySelector('[data-testid="byte-terkirim"]');
        const bar = document.querySelector('progress#kemajuan-unggah');
        if (node && bar) window.__progress.push(node.textContent + ' | ' + bar.value + '/' + bar.max);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    })()`);
    const puts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(request.url());
    });
    await page.getByRole('button', { name: 'Unggah berkas' }).click();
    await page.waitForURL(/\/unggah\/[A-Za-z0-9_-]+$/);
    const uploadId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const progress = (await page.evaluate('window.__progress')) as string[];
    const bytes = Buffer.byteLength(csv);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatch(/ terkirim \(100%\) \| (\d+)\/\1$/);
    expect(progress.at(-1)).toContain(`| ${bytes}/${bytes}`);
    // Straight to the presigned URL (the local S3), not through the API.
    expect(puts).toHaveLength(1);
    expect(puts[0]).toContain(`uploads/${REGION}/${PERIOD}/${uploadId}`);

    // ─── Result ───
    await page.getByRole('heading', { level: 1, name: 'Hasil unggahan' }).waitFor();
    await page
      .locator('[data-testid="status-unggahan"][data-status="COMPLETED"]')
      .waitFor({ timeout: 20_000 });
    const upload = await api.call('GetUpload', { params: { uploadId } });
    if (!upload.ok) throw new Error(`GetUpload ${upload.status}`);
    const { counts, problems = [], reportUrl, proposalId } = upload.body;
    expect(counts).toEqual({
      rows: CLEAN_ROWS + 2,
      accepted: CLEAN_ROWS,
      rejected: 2,
      warnings: DOTTED.length,
    });
    const shown = async (id: string) =>
      (await page.getByTestId(`jumlah-${id}`).textContent())?.replace(/\./g, '');
    expect(await shown('baris')).toBe(String(counts?.rows));
    expect(await shown('diterima')).toBe(String(counts?.accepted));
    expect(await shown('ditolak')).toBe(String(counts?.rejected));
    expect(await shown('peringatan')).toBe(String(counts?.warnings));
    expect((await page.getByTestId('baris-diproses').textContent())?.replace(/\./g, '')).toBe(
      String(upload.body.rowsProcessed),
    );
    await expect(page.getByText('Selesai', { exact: true }).first().isVisible()).resolves.toBe(true);

    // The first problems: the warnings of the dotted NIKs, then the two refused rows, as the API has them.
    expect(problems.map((problem) => problem.row)).toEqual([...DOTTED.map((i) => i + 1), 122, 123]);
    const table = await page.$$eval('[data-testid="masalah"] tbody tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent?.trim() ?? '')),
    );
    expect(table.map(([row, , , message]) => [Number(row), message])).toEqual(
      problems.map((problem) => [problem.row, problem.message]),
    );
    expect(table.find(([row]) => row === '123')?.[1]).toBe('Kecamatan');
    expect(table.find(([row]) => row === '4')?.[1]).toBe('NIK');
    expect(new Set(problems.filter((p) => p.severity === 'error').map((p) => p.row))).toEqual(
      new Set([122, 123]),
    );

    // The report: a presigned link the browser downloads from.
    const link = page.getByTestId('laporan');
    // The same object; the signature differs between two answers signed in different seconds.
    const unsigned = (url: string | null | undefined) => String(url).split('?')[0];
    expect(unsigned(await link.getAttribute('href'))).toBe(unsigned(reportUrl));
    const report = await fetch(String(reportUrl));
    expect(report.status).toBe(200);
    expect(await report.text()).toContain('Kec. Entah');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '11-operator-hasil-unggah');

    // ─── The list ───
    await page.getByRole('link', { name: 'Lihat daftar penerima' }).click();
    await page.getByRole('heading', { level: 1, name: 'Daftar penerima' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/usulan/${proposalId}/penerima`);
    await page.getByTestId('daftar-penerima').waitFor();
    const id = String(proposalId);
    const apiPages: number[][] = [];
    let cursor: string | undefined;
    do {
      const answer = await api.call('ListRecipients', {
        params: { proposalId: id },
        query: { limit: '50', ...(cursor ? { cursor } : {}) },
      });
      if (!answer.ok) throw new Error(`ListRecipients ${answer.status}`);
      apiPages.push(answer.body.items.map((item) => item.row));
      cursor = answer.body.nextCursor ?? undefined;
    } while (cursor);
    expect(apiPages.map((rows) => rows.length)).toEqual([50, 50, 20]);

    const next = page.getByRole('button', { name: 'Berikutnya' });
    const previous = page.getByRole('button', { name: 'Sebelumnya' });
    expect(await rowsOnScreen()).toEqual(apiPages[0]);
    expect(await previous.isDisabled()).toBe(true);
    await next.click();
    await page.getByText('Halaman 2: 50 penerima.').waitFor();
    expect(await rowsOnScreen()).toEqual(apiPages[1]);
    await next.click();
    await page.getByText('Halaman 3: 20 penerima.').waitFor();
    expect(await rowsOnScreen()).toEqual(apiPages[2]);
    expect(await next.isDisabled()).toBe(true);
    await previous.click();
    await page.getByText('Halaman 2: 50 penerima.').waitFor();
    expect(await rowsOnScreen()).toEqual(apiPages[1]);
    // NIK and account as the API gives them to the operator: whole.
    const first = page.locator('[data-testid="daftar-penerima"] tbody tr').first();
    expect(await first.locator('td').nth(2).textContent()).toMatch(/^\d{16}$/);
    expect(await seriousViolations(page)).toEqual([]);

    // Filter by a warning: the code goes in the address, the rows are those the API finds.
    await page.getByLabel('Peringatan atau temuan').selectOption('NIK_CLEANED');
    await page.getByText('Halaman 1: 3 penerima.').waitFor();
    expect(new URL(page.url()).searchParams.get('tanda')).toBe('NIK_CLEANED');
    const flagged = await api.call('ListRecipients', {
      params: { proposalId: id },
      query: { limit: '50', flag: 'NIK_CLEANED' },
    });
    if (!flagged.ok) throw new Error('ListRecipients flag');
    expect(await rowsOnScreen()).toEqual(flagged.body.items.map((item) => item.row));
    expect(flagged.body.items.map((item) => item.row).sort((a, b) => a - b)).toEqual(
      DOTTED.map((i) => i + 1),
    );
    await expect(
      page.locator('[data-testid="daftar-penerima"] tbody tr').first().textContent(),
    ).resolves.toContain('NIK dirapikan');
    await page.getByLabel('Peringatan atau temuan').selectOption('');
    await page.getByText('Halaman 1: 50 penerima.').waitFor();

    // Search by name: `Warga D` and `Warga Da`…`Warga Dz` (27 rows); the name never in the address.
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.getByRole('searchbox', { name: 'Cari nama' }).fill('warga d');
    await page.getByRole('button', { name: 'Cari', exact: true }).click();
    await page.getByText('Halaman 1: 27 penerima dengan nama yang cocok.').waitFor();
    const expectedNames = Array.from({ length: CLEAN_ROWS }, (_, index) => nameOf(index + 1)).filter((name) =>
      name.toLowerCase().startsWith('warga d'),
    );
    expect(expectedNames).toHaveLength(27);
    const names = await page.$$eval('[data-testid="daftar-penerima"] tbody tr td:nth-child(2)', (cells) =>
      cells.map((cell) => cell.textContent ?? ''),
    );
    expect([...names].sort()).toEqual([...expectedNames].sort());
    const searched = await api.call('SearchRecipients', {
      params: { proposalId: id },
      body: { q: 'warga d', limit: 50 },
    });
    if (!searched.ok) throw new Error('SearchRecipients');
    expect(await rowsOnScreen()).toEqual(searched.body.items.map((item) => item.row));
    expect(page.url()).not.toMatch(/warga/i);
    expect(requests.filter((url) => /warga/i.test(decodeURIComponent(url)))).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '12-operator-daftar-penerima');
  });

  it('fits a phone: the upload screen at 390 px has no horizontal scroll', async () => {
    await context.close();
    context = await browser.newContext({
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
      viewport: { width: 390, height: 844 },
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signInAs(page, stack.apiUrl, /Operator Kabupaten Kapuas/);
    await page.goto(`${stack.apiUrl}/unggah`);
    await page.getByRole('heading', { level: 1, name: 'Unggah daftar penerima' }).waitFor();
    await page.locator('input[type="file"]').setInputFiles({
      name: 'daftar-penerima-kabupaten-kapuas-semester-satu.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(recipientCsv(REGION, 3)),
    });
    const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    expect(width).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '13-operator-unggah-ponsel');
  });
});
