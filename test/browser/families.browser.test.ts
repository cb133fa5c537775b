import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ApiClient, createApiClient } from '#shared/contract/client.ts';
import { dtsenBuffers } from '../../local/dtsen-data.ts';
import type { LocalStack } from '../../local/stack.ts';
import { consoleTestHooks, screenshot, seriousViolations, signInAs } from './support.ts';

/**
 * The family programme in a real browser: Kapuas's operator uploads a DTSEN extract's two files
 * (families, then members; each PUT straight to its presigned URL) and a PKH list naming one
 * family's second member, follows each import until the snapshot is READY; the admin then creates
 * Tahap 1 Tahun 2026 over that snapshot, runs eligibility behind a confirmation, follows the run,
 * and drills from the province down to a desa whose excluded families carry their reasons in words.
 * Every screen passes axe-core and is saved under out/screenshots.
 */
const REGION = '62.03';
const VERSION_DATE = '2026-09-30';
const TAHAP_ID = '2026-1';

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

/** A file through the console's upload form, then the import page it moves to; returns its id. */
async function uploadThroughForm(
  kind: 'DTSEN_KELUARGA' | 'DTSEN_ANGGOTA' | 'PENGECUALIAN',
  file: { name: string; buffer: Buffer },
  fill: () => Promise<void>,
): Promise<string> {
  await page.goto(`${stack.apiUrl}/data-keluarga`);
  await page.getByRole('heading', { level: 1, name: 'Data keluarga' }).waitFor();
  await page.getByLabel('Jenis berkas').selectOption(kind);
  await fill();
  await page.getByLabel('Berkas (CSV atau XLSX)').setInputFiles({ ...file, mimeType: 'text/csv' });
  await expect(page.getByTestId('berkas-keluarga-terpilih').textContent()).resolves.toContain(file.name);
  await page.getByRole('button', { name: 'Unggah berkas' }).click();
  await page.waitForURL(/\/data-keluarga\/impor\/[A-Za-z0-9_-]+$/);
  await page.getByRole('heading', { level: 1, name: 'Hasil impor' }).waitFor();
  await page.locator('[data-testid="status-impor"][data-status="COMPLETED"]').waitFor({ timeout: 30_000 });
  return new URL(page.url()).pathname.split('/').pop() ?? '';
}

describe('the family programme’s screens', () => {
  it('takes an extract to a READY snapshot, then a tahap to a desa’s reasons', async () => {
    const { families, members, expected } = await dtsenBuffers({
      region: REGION,
      families: 40,
      seed: 11,
      format: 'csv',
      clean: true,
    });
    // The first family's wife (its second line), on a PKH list: that family is excluded through her.
    const memberLines = members.toString('utf8').split(/\r?\n/);
    const header = (memberLines[0] ?? '').split('|');
    const nikColumn = header.indexOf('NIK');
    const kkColumn = header.indexOf('No KK');
    const first = (memberLines[1] ?? '').split('|');
    const second = (memberLines[2] ?? '').split('|');
    expect(second[kkColumn]).toBe(first[kkColumn]);
    const listedNik = second[nikColumn] ?? '';
    // The reason names her as the village knows her: by her relationship to the head (Istri).
    const familyLine = (families.toString('utf8').split(/\r?\n/)[1] ?? '').split('|');
    const desaCode = (familyLine[5] ?? '').replace(/^(\d{2})(\d{2})(\d{2})(\d{4})$/, '$1.$2.$3.$4');
    const kecamatanCode = desaCode.slice(0, 8);

    // ─── The operator: the families file ───
    await signInAs(page, stack.apiUrl, /Operator Kabupaten Kapuas/);
    await page.getByRole('link', { name: 'Data keluarga' }).first().waitFor();
    const familiesImport = await uploadThroughForm(
      'DTSEN_KELUARGA',
      { name: 'dtsen-keluarga-kapuas.csv', buffer: families },
      () => page.getByLabel('Tanggal versi ekstrak').fill(VERSION_DATE),
    );
    const operatorApi = await apiOfPage();
    const afterFamilies = await operatorApi.call('GetImport', { params: { importId: familiesImport } });
    if (!afterFamilies.ok) throw new Error(`GetImport ${afterFamilies.status}`);
    expect(afterFamilies.body.counts?.accepted).toBe(expected.families.validRows);
    expect((await page.getByTestId('jumlah-diterima').textContent())?.replace(/\./g, '')).toBe(
      String(expected.families.validRows),
    );
    await expect(page.getByTestId('status-snapshot').textContent()).resolves.toBe(
      'Berkas keluarga sudah, menunggu berkas anggota',
    );
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '40-keluarga-impor-berkas-keluarga');

    // ─── The members file: the snapshot is cross-checked and READY ───
    const membersImport = await uploadThroughForm(
      'DTSEN_ANGGOTA',
      { name: 'dtsen-anggota-kapuas.csv', buffer: members },
      async () => {
        await page.getByLabel('Tanggal versi ekstrak').fill(VERSION_DATE);
        await page.getByLabel('Kode hubungan keluarga').selectOption('KATA');
      },
    );
    await page.locator('[data-testid="status-snapshot"][data-status="READY"]').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('status-snapshot').textContent()).resolves.toBe('Siap dipakai');
    const afterMembers = await operatorApi.call('GetImport', { params: { importId: membersImport } });
    if (!afterMembers.ok) throw new Error(`GetImport ${afterMembers.status}`);
    expect(afterMembers.body.snapshot).toMatchObject({
      status: 'READY',
      check: { families: expected.families.validRows, members: expected.members.validRows },
    });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '41-keluarga-impor-berkas-anggota');

    // ─── The snapshot, its cross-check ───
    await page.getByRole('link', { name: 'Lihat snapshot dan temuannya' }).click();
    await page.waitForURL(`**/data-keluarga/snapshot/${REGION}/${VERSION_DATE}`);
    await page.getByRole('heading', { level: 2, name: 'Temuan pemeriksaan silang' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '42-keluarga-snapshot');

    // ─── A PKH list naming the second member ───
    const list = `Program;NIK;Nama;Kode Desa;Periode\r\nPKH;${listedNik};Penerima PKH;${desaCode};2026-09\r\n`;
    await uploadThroughForm(
      'PENGECUALIAN',
      { name: 'pkh-kapuas.csv', buffer: Buffer.from(list) },
      async () => {
        await page.getByLabel('Program', { exact: true }).fill('PKH');
        await page.getByLabel('Sumber daftar').fill('Kemensos');
        await page.getByLabel('Tanggal data').fill(VERSION_DATE);
      },
    );
    await page.goto(`${stack.apiUrl}/pengecualian`);
    await page.getByTestId('daftar-pengecualian').waitFor();
    await expect(page.getByTestId('daftar-pengecualian').textContent()).resolves.toMatch(
      /PKH.*Kemensos.*30-09-2026/,
    );
    await expect(page.getByText('berlaku', { exact: true }).count()).resolves.toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '43-keluarga-pengecualian');

    // The list of snapshots on the section's first page.
    await page.goto(`${stack.apiUrl}/data-keluarga`);
    const row = page.locator(`[data-testid="daftar-snapshot"] tr[data-version="${VERSION_DATE}"]`);
    await row.waitFor();
    await expect(row.getByTestId('status-snapshot').textContent()).resolves.toBe('Siap dipakai');
    expect(await seriousViolations(page)).toEqual([]);

    // ─── The admin: a tahap over the snapshot ───
    // Another person, another browser: a context of its own.
    await context.close();
    context = await browser.newContext({ locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signInAs(page, stack.apiUrl, 'Admin Sistem');
    await page.goto(`${stack.apiUrl}/tahapan`);
    await page.getByRole('heading', { level: 1, name: 'Tahap penyaluran' }).waitFor();
    await page.getByRole('button', { name: 'Buat tahap' }).click();
    await page.getByLabel('Tahun', { exact: true }).fill('2026');
    await page.getByLabel('Nomor tahap').fill('1');
    const choice = page.getByLabel('Snapshot Kabupaten Kapuas');
    await page.locator(`select[name="snapshot-${REGION}"] option[value="${VERSION_DATE}"]`).waitFor({
      state: 'attached',
    });
    await choice.selectOption(VERSION_DATE);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '44-tahap-buat');
    await page.getByRole('button', { name: 'Buat tahap' }).last().click();
    await page.waitForURL(`**/tahapan/${TAHAP_ID}`);
    await page.getByRole('heading', { level: 1, name: 'Tahap 1 Tahun 2026' }).waitFor();

    // Eligibility, behind a confirmation, followed until it is done.
    await page.getByRole('button', { name: 'Jalankan pemeriksaan kelayakan' }).click();
    await page.getByRole('dialog', { name: 'Jalankan pemeriksaan kelayakan?' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Jalankan', exact: true }).click();
    await page
      .locator('[data-testid="status-kelayakan"][data-status="COMPLETED"]')
      .waitFor({ timeout: 60_000 });
    const adminApi = await apiOfPage();
    const tahap = await adminApi.call('GetTahap', { params: { tahapId: TAHAP_ID } });
    if (!tahap.ok) throw new Error(`GetTahap ${tahap.status}`);
    expect(tahap.body.eligibility?.families).toBe(expected.families.validRows);
    expect((await page.getByTestId('keluarga-diperiksa').textContent())?.replace(/\./g, '')).toBe(
      String(tahap.body.eligibility?.families),
    );

    // The province: one kabupaten, its counts and reasons as the API has them.
    const province = page.getByTestId('ringkasan-kabupaten');
    await province.waitFor();
    const summary = await adminApi.call('GetTahapSummary', { params: { tahapId: TAHAP_ID }, query: {} });
    if (!summary.ok) throw new Error(`GetTahapSummary ${summary.status}`);
    const kapuas = summary.body.items.find((item) => item.region === REGION);
    expect(kapuas?.counts.byReason.DAFTAR_PENGECUALIAN).toBe(1);
    expect(kapuas?.counts.byReason.DESIL_DI_LUAR_RENTANG ?? 0).toBeGreaterThan(0);
    const cells = await province
      .locator(`tr[data-place="${REGION}"] td`)
      .evaluateAll((nodes) => nodes.map((node) => node.textContent?.replace(/\./g, '') ?? ''));
    expect(cells.slice(0, 3)).toEqual([
      String(kapuas?.counts.families),
      String(kapuas?.counts.eligible),
      String(kapuas?.counts.excluded),
    ]);
    await page.getByTestId('grafik-alasan').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '45-tahap-ringkasan-provinsi');

    // Down to the kabupaten, the kecamatan, then the desa of the listed family.
    await province.getByRole('link', { name: 'Kabupaten Kapuas' }).click();
    const byKecamatan = page.getByTestId('ringkasan-kecamatan');
    await byKecamatan.waitFor();
    expect(new URL(page.url()).searchParams.get('kabupaten')).toBe(REGION);
    expect(await seriousViolations(page)).toEqual([]);
    await byKecamatan.locator(`tr[data-place="${kecamatanCode}"] a`).click();
    const byDesa = page.getByTestId('ringkasan-desa');
    await byDesa.waitFor();
    await expect(
      byDesa.locator(`tr[data-place="${desaCode}"] td[data-reason="DAFTAR_PENGECUALIAN"]`).textContent(),
    ).resolves.toBe('1');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '46-tahap-ringkasan-kecamatan');
    await byDesa.locator(`tr[data-place="${desaCode}"] a`).click();
    const familiesTable = page.getByTestId('keluarga-desa');
    await familiesTable.waitFor();
    expect(new URL(page.url()).searchParams.get('status')).toBe('EXCLUDED');
    await expect(familiesTable.textContent()).resolves.toContain(
      'Tercantum di daftar PKH (Kemensos, 30-09-2026), cocok lewat NIK anggota (Istri)',
    );
    const excluded = await adminApi.call('SearchTahapFamilies', {
      params: { tahapId: TAHAP_ID },
      body: { desa: desaCode, status: 'EXCLUDED', limit: 50 },
    });
    if (!excluded.ok) throw new Error(`SearchTahapFamilies ${excluded.status}`);
    const shown = await familiesTable
      .locator('tbody tr td:first-child')
      .evaluateAll((nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(shown).toEqual(excluded.body.items.map((item) => item.noKk));
    // The cursor and the No KK stay out of the address.
    expect(page.url()).not.toMatch(/\d{16}/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '47-tahap-keluarga-desa');

    // Every family of the desa, eligible ones too.
    await page.getByLabel('Tampilkan keluarga').selectOption('');
    await expect.poll(() => new URL(page.url()).searchParams.has('status')).toBe(false);
    await familiesTable.locator('tbody tr').first().waitFor();
    const all = await adminApi.call('SearchTahapFamilies', {
      params: { tahapId: TAHAP_ID },
      body: { desa: desaCode, limit: 50 },
    });
    if (!all.ok) throw new Error(`SearchTahapFamilies ${all.status}`);
    await expect.poll(() => familiesTable.locator('tbody tr').count()).toBe(all.body.items.length);
  }, 120_000);

  it('fits a phone: a desa’s families at 390 px have no horizontal scroll', async () => {
    await context.close();
    context = await browser.newContext({
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
      viewport: { width: 390, height: 844 },
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signInAs(page, stack.apiUrl, /Operator Kabupaten Kapuas/);
    await page.goto(`${stack.apiUrl}/tahapan/${TAHAP_ID}?kabupaten=${REGION}`);
    await page.getByRole('heading', { level: 1, name: 'Tahap 1 Tahun 2026' }).waitFor();
    await page.getByTestId('ringkasan-kecamatan').waitFor();
    const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    expect(width).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '48-tahap-ponsel');
    await page.goto(`${stack.apiUrl}/data-keluarga`);
    await page.getByTestId('daftar-snapshot').waitFor();
    expect((await page.evaluate('document.documentElement.scrollWidth')) as number).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
