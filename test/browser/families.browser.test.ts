import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ApiClient, createApiClient } from '#shared/contract/client.ts';
import { cardNumber as cardNumberOf } from '#shared/domain/family/distribution.ts';
import { type LocalClaims, signLocalToken } from '../../local/auth.ts';
import { dtsenBuffers } from '../../local/dtsen-data.ts';
import type { LocalStack } from '../../local/stack.ts';
import { consoleTestHooks, screenshot, seriousViolations, signInAs } from './support.ts';

/**
 * The family programme in a real browser: Kapuas's operator uploads a DTSEN extract's two files
 * (families, then members; each PUT straight to its presigned URL) and a PKH list naming one
 * family's second member, follows each import until the snapshot is READY; the admin then creates
 * Tahap 1 Tahun 2026 over that snapshot, runs eligibility behind a confirmation, follows the run,
 * and drills from the province down to a desa whose excluded families carry their reasons in words.
 * Then the verval of a desa: the operator assigns relawan Sari to it and downloads its sheet; Sari,
 * on a 360 px phone, sees only that desa, uploads her results and sees the outcome and the progress
 * move; relawan Budi, assigned elsewhere, never sees it. Kapuas's KPM list, once DINSOS and
 * DISDUKCAPIL have signed it off and the approver has approved it, becomes SK-KPM-62.03-2026-1:
 * listed by kind and subject, its families per component on its page, and its public verification.
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

/** A new person in a browser of their own (a phone when `width` is given). */
async function freshPage(width?: number): Promise<void> {
  await context.close();
  context = await browser.newContext({
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
    ...(width === undefined ? {} : { viewport: { width, height: 740 } }),
  });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
}

/** Whether the page scrolls sideways (it must not, on a phone). */
const scrollsSideways = async (): Promise<boolean> =>
  (await page.evaluate('document.documentElement.scrollWidth > window.innerWidth')) as boolean;

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
  it('assigns a relawan, who works only her desa on a 360 px phone', async () => {
    // ─── The operator: the desa with the most families to visit, and another one ───
    await signInAs(page, stack.apiUrl, /Operator Kabupaten Kapuas/);
    const operatorApi = await apiOfPage();
    const summary = await operatorApi.call('GetTahapSummary', {
      params: { tahapId: TAHAP_ID },
      query: { region: REGION },
    });
    if (!summary.ok) throw new Error(`GetTahapSummary ${summary.status}`);
    const byEligible = Object.entries(summary.body.items[0]?.desa ?? {}).sort(
      ([, a], [, b]) => b.eligible - a.eligible,
    );
    const desa = byEligible[0]?.[0] ?? '';
    const otherDesa = byEligible[1]?.[0] ?? '';
    expect(desa).toMatch(/^62\.03\.\d{2}\.\d{4}$/);
    expect(otherDesa).toMatch(/^62\.03\.\d{2}\.\d{4}$/);

    await page.goto(`${stack.apiUrl}/tahapan/${TAHAP_ID}`);
    await page.getByRole('link', { name: 'Verval per desa: relawan, lembar, dan hasil' }).click();
    await page.waitForURL(`**/tahapan/${TAHAP_ID}/verval`);
    await page.getByRole('heading', { level: 1, name: 'Verval Tahap 1 Tahun 2026' }).waitFor();
    const desaList = page.getByTestId('daftar-desa-verval');
    await desaList.locator(`tr[data-place="${desa}"]`).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '50-verval-operator-daftar-desa');

    // The desa's panel: assign Sari by her user id and name.
    await desaList.locator(`tr[data-place="${desa}"] a`).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('desa')).toBe(desa);
    const panel = page.locator(`[data-testid="desa-verval"][data-desa="${desa}"]`);
    await panel.getByText('Belum ada relawan yang ditugaskan di desa ini.').waitFor();
    await panel.getByLabel('Id pengguna relawan').fill('relawan-sari');
    await panel.getByLabel('Nama relawan').fill('Sari Rahayu');
    await panel.getByRole('button', { name: 'Tugaskan relawan' }).click();
    await panel.locator('[data-relawan="relawan-sari"]').waitFor();
    const assigned = await operatorApi.call('ListAssignments', {
      params: { tahapId: TAHAP_ID },
      query: { desa },
    });
    if (!assigned.ok) throw new Error(`ListAssignments ${assigned.status}`);
    expect(assigned.body.items.map((item) => item.relawan)).toEqual([
      { sub: 'relawan-sari', name: 'Sari Rahayu' },
    ]);
    // Budi works another desa.
    const budi = await operatorApi.call('AssignRelawan', {
      params: { tahapId: TAHAP_ID },
      body: { desa: otherDesa, relawan: { sub: 'relawan-budi', name: 'Budi Santoso' } },
    });
    expect(budi.status).toBe(200);

    // The sheet: a real XLSX with its Verval worksheet, as many families as the API says to visit.
    const progressBefore = await operatorApi.call('GetVervalProgress', {
      params: { tahapId: TAHAP_ID },
      query: { desa },
    });
    if (!progressBefore.ok) throw new Error(`GetVervalProgress ${progressBefore.status}`);
    expect(progressBefore.body.visited).toBe(0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Unduh lembar verval (Excel)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const sheetBytes = await readFile(await download.path());
    expect(sheetBytes.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.read(Readable.from([sheetBytes]));
    expect(workbook.getWorksheet('Verval')).toBeDefined();
    await expect(panel.getByTestId('lembar-siap').textContent()).resolves.toContain(
      `berisi ${progressBefore.body.toVisit} keluarga`,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '51-verval-operator-desa');

    // The results Sari will bring back: visits in her desa, and a No KK of Budi's desa (refused).
    const eligible = async (where: string) => {
      const found = await operatorApi.call('SearchTahapFamilies', {
        params: { tahapId: TAHAP_ID },
        body: { desa: where, status: 'ELIGIBLE', limit: 50 },
      });
      if (!found.ok) throw new Error(`SearchTahapFamilies ${found.status}`);
      return found.body.items.map((item) => item.noKk);
    };
    const mine = await eligible(desa);
    const elsewhere = await eligible(otherDesa);
    // One visit LAYAK and, when the desa has a second family, one MAMPU.
    const visits = mine.slice(0, 2).map((noKk, index) => [noKk, index === 0 ? 'Layak' : 'Mampu'] as const);
    expect(visits.length).toBeGreaterThan(0);
    expect(elsewhere.length).toBeGreaterThan(0);
    const yesterday = new Date(Date.now() + 7 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
    const line = (...cells: string[]) => cells.join(';');
    const csv = [
      'No KK;Hasil Verval;Tanggal Verval;Nama Relawan;Nomor Berita Acara;NIK Penerima',
      ...visits.map(([noKk, hasil]) => line(noKk, hasil, yesterday, 'Sari Rahayu', 'BA/01/XII/2026', '')),
      line(elsewhere[0] ?? '', 'Layak', yesterday, 'Sari Rahayu', 'BA/01/XII/2026', ''),
    ].join('\r\n');
    const visited = String(visits.length);

    // ─── Sari, on a phone: her desa only, and only what a relawan may use ───
    await freshPage(360);
    await signInAs(page, stack.apiUrl, /Relawan Sari Rahayu/);
    const menu = page.getByRole('navigation', { name: 'Menu utama' });
    expect(await menu.getByRole('link').allTextContents()).toEqual([
      'Beranda',
      'Verval lapangan',
      'Catat di lapangan',
    ]);
    await menu.getByRole('link', { name: 'Verval lapangan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Verval lapangan' }).waitFor();
    const card = page.locator(`[data-testid="desa-verval"][data-desa="${desa}"]`);
    await card.getByTestId('kemajuan-verval').waitFor();
    await expect(page.getByTestId('desa-verval').count()).resolves.toBe(1);
    await expect(card.getByTestId('verval-dikunjungi').textContent()).resolves.toBe('0');
    await expect(card.getByTestId('verval-sasaran').textContent()).resolves.toBe(
      String(progressBefore.body.toVisit),
    );
    await card.getByText('Belum ada hasil yang diunggah dari perangkat ini.').waitFor();
    expect(await scrollsSideways()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '52-verval-relawan-ponsel');

    // Her filled list, sent from the phone; the import's page follows it to the end.
    await card.getByLabel('Berkas hasil verval (Excel atau CSV)').setInputFiles({
      name: 'hasil-verval.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await expect(card.getByTestId('hasil-terpilih').textContent()).resolves.toContain('hasil-verval.csv');
    await card.getByRole('button', { name: 'Unggah hasil verval' }).click();
    await page.waitForURL(new RegExp(`/verval/${TAHAP_ID}/impor/[A-Za-z0-9_-]+\\?desa=`));
    await page.getByRole('heading', { level: 1, name: 'Hasil unggahan verval' }).waitFor();
    await page.locator('[data-testid="status-impor"][data-status="COMPLETED"]').waitFor({ timeout: 30_000 });
    const importId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const relawanApi = await apiOfPage();
    const upload = await relawanApi.call('GetVervalUpload', { params: { tahapId: TAHAP_ID, importId } });
    if (!upload.ok) throw new Error(`GetVervalUpload ${upload.status}`);
    expect(upload.body.counts).toMatchObject({
      rows: visits.length + 1,
      accepted: visits.length,
      rejected: 1,
    });
    await expect(page.getByTestId('jumlah-diterima').textContent()).resolves.toBe(visited);
    await expect(page.getByTestId('jumlah-ditolak').textContent()).resolves.toBe('1');
    // The refused row, in words, and the report to download.
    const problems = page.getByTestId('masalah');
    await expect(problems.textContent()).resolves.toContain(upload.body.problems?.[0]?.message ?? '—');
    await page.getByTestId('laporan').waitFor();
    // The desa's progress has moved: the families visited, by result.
    await expect(page.getByTestId('verval-dikunjungi').textContent()).resolves.toBe(visited);
    await expect(page.locator('[data-result="LAYAK"] .count-value').textContent()).resolves.toBe('1');
    await expect(page.locator('[data-result="MAMPU"]').count()).resolves.toBe(visits.length - 1);
    expect(await scrollsSideways()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '53-verval-relawan-hasil');

    // Back on her desa: the progress and the last upload's outcome.
    await page.getByRole('link', { name: 'Kembali ke desa saya' }).click();
    await card.getByTestId('unggahan-terakhir').waitFor();
    await expect(card.getByTestId('verval-dikunjungi').textContent()).resolves.toBe(visited);
    await expect(card.getByTestId('verval-belum').textContent()).resolves.toBe(
      String(progressBefore.body.toVisit - visits.length),
    );
    await expect(card.getByTestId('unggahan-terakhir').textContent()).resolves.toContain(
      `${visited} baris diterima, 1 ditolak`,
    );
    expect(await scrollsSideways()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '54-verval-relawan-desa-sesudah');

    // ─── Budi, assigned to another desa, never sees Sari's ───
    await freshPage(360);
    await signInAs(page, stack.apiUrl, /Relawan Budi Santoso/);
    await page.goto(`${stack.apiUrl}/verval`);
    await page.locator(`[data-testid="desa-verval"][data-desa="${otherDesa}"]`).waitFor();
    await expect(page.getByTestId('desa-verval').count()).resolves.toBe(1);
    await expect(page.locator(`[data-desa="${desa}"]`).count()).resolves.toBe(0);
    const budiApi = await apiOfPage();
    const peek = await budiApi.call('GetVervalProgress', { params: { tahapId: TAHAP_ID }, query: { desa } });
    expect(peek.status).toBe(403);
    const peekUpload = await budiApi.call('GetVervalUpload', { params: { tahapId: TAHAP_ID, importId } });
    expect(peekUpload.status).toBe(404);
    expect(await scrollsSideways()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '55-verval-relawan-lain');
  }, 120_000);

  it('composes Kapuas’s KPM list, which the operator opens as families and submits; DINSOS finds it among the KPM lists', async () => {
    // After the verval above: Sari's visits in her desa are the only ones, so only her LAYAK families are listed.
    await signInAs(page, stack.apiUrl, /Operator Kabupaten Kapuas/);
    const operatorApi = await apiOfPage();
    await page.goto(`${stack.apiUrl}/tahapan/${TAHAP_ID}`);
    await page.getByRole('heading', { level: 1, name: 'Tahap 1 Tahun 2026' }).waitFor();
    const section = page.getByTestId('daftar-kpm-tahap');
    const kapuas = section.locator(`[data-testid="kpm-kabupaten"][data-region="${REGION}"]`);
    await kapuas.getByText('Daftar KPM kabupaten/kota ini belum disusun.').waitFor();
    // An operator sees their own kabupaten only.
    await expect(section.getByTestId('kpm-kabupaten').count()).resolves.toBe(1);
    // No decree has opened the distribution yet: the Penyaluran section says so.
    await page.getByTestId('penyaluran').getByTestId('penyaluran-kosong').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await kapuas.getByRole('button', { name: 'Susun daftar KPM' }).click();
    await kapuas.locator('[data-testid="status-kpm"][data-status="COMPLETED"]').waitFor({ timeout: 30_000 });
    const kpm = await operatorApi.call('GetKpm', {
      params: { tahapId: TAHAP_ID },
      query: { region: REGION },
    });
    if (!kpm.ok) throw new Error(`GetKpm ${kpm.status}`);
    const counts = kpm.body.compose?.counts;
    const proposalId = kpm.body.proposal?.proposalId ?? '';
    expect(proposalId).toBe(`KPM-${REGION}-${TAHAP_ID}`);
    expect(counts?.listed).toBeGreaterThan(0);
    await expect(kapuas.getByTestId('kpm-listed').textContent()).resolves.toBe(`${counts?.listed} keluarga`);
    await expect(kapuas.getByTestId('kpm-notVisited').textContent()).resolves.toBe(
      new Intl.NumberFormat('id-ID').format(counts?.notVisited ?? -1),
    );
    await expect(kapuas.getByTestId('kpm-replacements').textContent()).resolves.toBe(
      String(counts?.replacements),
    );
    if ((counts?.droppedByResult.MAMPU ?? 0) > 0) {
      await expect(kapuas.getByTestId('kpm-dropped').textContent()).resolves.toContain(
        `Sudah mampu ${counts?.droppedByResult.MAMPU}`,
      );
    }
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '56-kpm-tahap-operator');

    // The proposal: titled as a KPM list of the kabupaten and tahap.
    await kapuas.getByTestId('tautan-usulan-kpm').click();
    await page.waitForURL(`**/usulan/${proposalId}`);
    await page
      .getByRole('heading', { level: 1, name: /^Daftar KPM .*Kapuas, Tahap 1 Tahun 2026$/ })
      .waitFor();
    await expect(page.getByTestId('fakta-usulan').textContent()).resolves.toContain('Tahap 1 Tahun 2026');
    // Its totals are per component of the tahap (families × amount), not per BKK role.
    const totals = page.getByRole('table', { name: 'Jumlah keluarga dan bantuan menurut komponen' });
    await expect(totals.locator('tbody th').allTextContents()).resolves.toEqual([
      'Bantuan tunai (rekening Bank Kalteng)',
      'Bantuan pangan (Perum BULOG)',
    ]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '57-kpm-usulan');

    // Its rows are families: No KK, hubungan, verval; no account column.
    await page.getByRole('link', { name: /Lihat daftar KPM lengkap/ }).click();
    const table = page.getByTestId('daftar-kpm');
    await table.waitFor();
    const headings = await table.locator('thead th').allTextContents();
    expect(headings).toEqual(
      expect.arrayContaining([
        'Penerima',
        'NIK',
        'No KK',
        'Hasil verval',
        'Cadangan',
        'Desil',
        'Jumlah anggota',
      ]),
    );
    expect(headings).not.toContain('Rekening');
    const recipients = await operatorApi.call('ListRecipients', {
      params: { proposalId },
      query: { limit: '50' },
    });
    if (!recipients.ok) throw new Error(`ListRecipients ${recipients.status}`);
    await expect(table.locator('tbody tr').count()).resolves.toBe(recipients.body.items.length);
    const first = recipients.body.items[0];
    const row = table.locator(`tbody tr[data-row="${first?.row}"]`);
    const cells = await row.locator('td').allTextContents();
    expect(cells[1]).toBe(first?.nama);
    expect(cells[2]).toBe(first?.nik);
    expect(cells[3]).toBe(first?.family?.noKk);
    expect(cells[4]).toBe('Kepala keluarga');
    expect(cells[8]).toContain('Layak');
    expect(cells[8]).toContain('BA/01/XII/2026');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '58-kpm-penerima');

    // Submitted as any proposal is.
    await page.getByRole('link', { name: `← Daftar KPM ${proposalId}` }).click();
    await page.getByRole('button', { name: 'Ajukan untuk verifikasi' }).click();
    const dialog = page.getByRole('dialog', { name: 'Ajukan usulan ini?' });
    await dialog.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Ya, ajukan' }).click();
    await page.getByTestId('hasil-tindakan').waitFor();
    await stack.whenIdle();
    const submitted = await operatorApi.call('GetProposal', { params: { proposalId } });
    if (!submitted.ok) throw new Error(`GetProposal ${submitted.status}`);
    expect(submitted.body.status).not.toBe('DRAFT');
    expect(submitted.body.requiredAgencies).toContain('DINSOS');

    // ─── DINSOS: the KPM lists, a tab of its queue ───
    await freshPage();
    await signInAs(page, stack.apiUrl, 'Verifikator DINSOS');
    // Where the list stands now (in review once its checks have run), every agency's lists.
    await page.goto(`${stack.apiUrl}/usulan?status=${submitted.body.status}&semua=1`);
    await page.getByRole('heading', { level: 1, name: 'Antrean verifikasi' }).waitFor();
    // Not among the BKK lists.
    await page.locator('[data-testid="daftar-usulan"], [data-testid="kosong"]').first().waitFor();
    await expect(page.locator(`[data-proposal="${proposalId}"]`).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Daftar KPM (keluarga)' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('jenis')).toBe('KPM');
    const listed = page.locator(`[data-testid="daftar-usulan"] tr[data-proposal="${proposalId}"]`);
    await listed.waitFor();
    await expect(listed.textContent()).resolves.toContain('Tahap 1 Tahun 2026');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '59-kpm-daftar-verifikator');
  }, 120_000);

  it('finds a family by No KK and by name in a desa, shows its history; the auditor reads it masked, with the read log', async () => {
    await signInAs(page, stack.apiUrl, /Operator Kabupaten Kapuas/);
    const operatorApi = await apiOfPage();
    // The family on the PKH list (excluded through its second member): its desa and No KK.
    const summary = await operatorApi.call('GetTahapSummary', {
      params: { tahapId: TAHAP_ID },
      query: { region: REGION },
    });
    if (!summary.ok) throw new Error(`GetTahapSummary ${summary.status}`);
    const desa =
      Object.entries(summary.body.items[0]?.desa ?? {}).find(
        ([, counts]) => (counts.byReason.DAFTAR_PENGECUALIAN ?? 0) > 0,
      )?.[0] ?? '';
    const excluded = await operatorApi.call('SearchTahapFamilies', {
      params: { tahapId: TAHAP_ID },
      body: { desa, status: 'EXCLUDED', limit: 50 },
    });
    if (!excluded.ok) throw new Error(`SearchTahapFamilies ${excluded.status}`);
    const noKk =
      excluded.body.items.find((item) =>
        item.reasons.some((reason) => reason.reason === 'DAFTAR_PENGECUALIAN'),
      )?.noKk ?? '';
    expect(noKk).toMatch(/^\d{16}$/);

    // ─── By No KK ───
    const menu = page.getByRole('navigation', { name: 'Menu utama' });
    await menu.getByRole('link', { name: 'Cari keluarga' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cari keluarga' }).waitFor();
    await page.getByRole('radio', { name: 'Nomor KK' }).check();
    await page.getByRole('textbox', { name: 'Nomor KK (16 angka)' }).fill(noKk);
    await page.getByRole('button', { name: 'Cari keluarga' }).click();
    const results = page.getByTestId('hasil-cari-keluarga');
    await results.waitFor();
    await expect(results.locator('tbody tr').count()).resolves.toBe(1);
    const familyRow = results.locator('tbody tr').first();
    const familyId = (await familyRow.getAttribute('data-family')) ?? '';
    expect(familyId).toMatch(/^KEL-[A-Z2-7]{12}$/);
    const resultCells = await familyRow.locator('td').allTextContents();
    expect(resultCells[1]).toBe(noKk);
    const head = resultCells[0] ?? '';
    expect(head.length).toBeGreaterThan(2);
    // Neither the number nor the name is ever in the address.
    expect(page.url()).toBe(`${stack.apiUrl}/keluarga`);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '60-keluarga-cari-no-kk');

    // ─── By name, in the desa picked from the wilayah list ───
    await page.getByRole('radio', { name: 'Nama kepala keluarga dan desa' }).check();
    const prefix = head.split(' ').find((word) => word.length >= 3) ?? head;
    await page.getByRole('textbox', { name: /Nama kepala keluarga/ }).fill(prefix);
    await page.getByRole('combobox', { name: /^Kecamatan/ }).selectOption(desa.slice(0, 8));
    await page.getByRole('combobox', { name: /^Desa\/kelurahan/ }).selectOption(desa);
    await page.getByRole('button', { name: 'Cari keluarga' }).click();
    await page.getByText('Mencari keluarga…').waitFor({ state: 'detached' });
    await results.locator(`tr[data-family="${familyId}"]`).waitFor();
    expect(page.url()).toBe(`${stack.apiUrl}/keluarga`);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '61-keluarga-cari-nama');

    // ─── The history: by the opaque id, the verdict with its reason in words ───
    await results.locator(`tr[data-family="${familyId}"] a`).click();
    await page.waitForURL(`**/keluarga/${familyId}`);
    expect(page.url()).not.toMatch(/\d{16}/);
    const verdicts = page.getByTestId('keputusan-tahap');
    await verdicts.waitFor();
    const verdict = verdicts.locator(`tr[data-tahap="${TAHAP_ID}"]`);
    await expect(verdict.locator('td[data-status]').getAttribute('data-status')).resolves.toBe('EXCLUDED');
    await expect(verdict.textContent()).resolves.toContain(
      'Tercantum di daftar PKH (Kemensos, 30-09-2026), cocok lewat NIK anggota (Istri)',
    );
    await expect(page.getByTestId('no-kk').textContent()).resolves.toBe(noKk);
    await expect(
      page.getByTestId('anggota-keluarga').first().locator('tbody tr').count(),
    ).resolves.toBeGreaterThan(1);
    // An operator reads no read log.
    await expect(page.getByRole('heading', { name: 'Riwayat akses' }).count()).resolves.toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '62-keluarga-riwayat');

    // ─── The auditor: masked numbers, and who read the family ───
    await freshPage();
    await signInAs(page, stack.apiUrl, 'Auditor Inspektorat');
    await page.goto(`${stack.apiUrl}/keluarga`);
    await page.getByRole('heading', { level: 1, name: 'Cari keluarga' }).waitFor();
    await page.getByRole('radio', { name: 'Nomor KK' }).check();
    await page.getByRole('textbox', { name: 'Nomor KK (16 angka)' }).fill(noKk);
    await page.getByRole('button', { name: 'Cari keluarga' }).click();
    const auditorRow = page.locator(`[data-testid="hasil-cari-keluarga"] tr[data-family="${familyId}"]`);
    await auditorRow.waitFor();
    const maskedKk = (await auditorRow.locator('td').nth(1).textContent()) ?? '';
    expect(maskedKk).not.toBe(noKk);
    expect(maskedKk).not.toMatch(/\d{16}/);
    await auditorRow.locator('a').click();
    await page.waitForURL(`**/keluarga/${familyId}`);
    await page.getByTestId('keputusan-tahap').waitFor();
    await expect(page.getByTestId('no-kk').textContent()).resolves.not.toMatch(/\d{16}/);
    const members = await page
      .getByTestId('anggota-keluarga')
      .first()
      .locator('tbody td.code')
      .allTextContents();
    for (const nik of members) expect(nik).not.toMatch(/\d{16}/);
    const reads = page.getByTestId('riwayat-akses');
    await reads.waitFor();
    const operatorReads = reads.locator('tr[data-reader="operator-62.03"]');
    // The operator's two searches and the history they opened.
    await expect(operatorReads.count()).resolves.toBeGreaterThanOrEqual(3);
    await expect(operatorReads.locator('td[data-route="GetFamily"]').count()).resolves.toBeGreaterThanOrEqual(
      1,
    );
    await expect(operatorReads.first().textContent()).resolves.toContain('Operator Kabupaten Kapuas');
    await expect(reads.locator('tr[data-reader="auditor"]').count()).resolves.toBeGreaterThanOrEqual(1);
    // And the reads of many families at once that covered this one: the desa's pages the operator opened.
    const covering = page.getByTestId('akses-daftar');
    await covering.waitFor();
    await expect(
      covering.locator('tr[data-reader="operator-62.03"] td[data-route]').first().getAttribute('data-route'),
    ).resolves.toMatch(/^(GetTahapFile|SearchTahapFamilies|GetVervalProgress)$/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '63-keluarga-auditor-riwayat-akses');
  }, 120_000);

  it('decrees Kapuas’s approved KPM list: listed by its subject, families per component, verified in public', async () => {
    // The KPM list submitted above, in review once its checks have run (the checks worker moves it).
    const proposalId = `KPM-${REGION}-${TAHAP_ID}`;
    const as = async (claims: LocalClaims) =>
      createApiClient({ baseUrl: stack.apiUrl, token: await signLocalToken(claims, 600) });
    await stack.whenIdle();
    const verifierApi = await as({
      sub: 'ver-dinsos',
      name: 'Verifikator DINSOS',
      groups: ['verifier'],
      opd: 'DINSOS',
    });
    const inReview = await verifierApi.call('GetProposal', { params: { proposalId } });
    if (!inReview.ok) throw new Error(`GetProposal ${inReview.status}`);
    expect(inReview.body.status).toBe('IN_REVIEW');
    expect(inReview.body.requiredAgencies).toEqual(expect.arrayContaining(['DINSOS', 'DISDUKCAPIL']));
    for (const opd of ['DINSOS', 'DISDUKCAPIL']) {
      const client = await as({
        sub: `ver-${opd.toLowerCase()}`,
        name: `Verifikator ${opd}`,
        groups: ['verifier'],
        opd,
      });
      const review = await client.call('ReviewProposal', {
        params: { proposalId },
        body: { decision: 'approve' },
      });
      if (!review.ok)
        throw new Error(`ReviewProposal ${opd}: ${review.status} ${JSON.stringify(review.body)}`);
    }

    // ─── The approver approves it on its page; the decree follows ───
    await signInAs(page, stack.apiUrl, 'Sekretaris Daerah');
    await page.goto(`${stack.apiUrl}/usulan/${proposalId}`);
    await page.getByRole('button', { name: 'Setujui usulan' }).click();
    const dialog = page.getByRole('dialog', { name: 'Setujui usulan ini?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Ya, setujui' }).click();
    await page.getByTestId('hasil-tindakan').filter({ hasText: 'Usulan disetujui' }).waitFor();
    await stack.whenIdle();
    const approverApi = await apiOfPage();
    const decreed = await approverApi.call('GetProposal', { params: { proposalId } });
    if (!decreed.ok) throw new Error(`GetProposal ${decreed.status}`);
    expect(decreed.body.status).toBe('DECREED');
    const decreeId = decreed.body.decreeId ?? '';
    expect(decreeId).toBe(`SK-KPM-${REGION}-${TAHAP_ID}`);
    const answer = await approverApi.call('GetDecree', { params: { decreeId } });
    if (!answer.ok) throw new Error(`GetDecree ${answer.status}`);
    const decree = answer.body;
    expect(decree.kind).toBe('KPM');
    const byComponent = decree.byComponent ?? [];
    expect(byComponent.map((row) => row.component).sort()).toEqual(['PANGAN', 'TUNAI']);

    // ─── From the proposal's page to its decree ───
    await page.reload();
    await page.getByTestId('tautan-sk').click();
    await page.waitForURL(`**/sk/${decreeId}`);
    await expect(page.getByTestId('nomor-sk').textContent()).resolves.toBe(`Nomor ${decree.number}`);
    await expect(page.getByTestId('judul-isi-sk').textContent()).resolves.toBe(
      'Penetapan KPM — Kapuas, Tahap 1 Tahun 2026',
    );
    const facts = page.getByTestId('fakta-sk');
    await expect(facts.textContent()).resolves.toContain(decree.title);
    await expect(facts.getByTestId('tautan-tahap').textContent()).resolves.toBe('Tahap 1 Tahun 2026');
    await expect(facts.textContent()).resolves.toContain(
      `${new Intl.NumberFormat('id-ID').format(decree.recipientCount)} keluarga`,
    );
    const rupiah = (value: number) =>
      new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 })
        .format(value)
        .replace(/\s/g, ' ');
    const normal = (text: string | null) => (text ?? '').replace(/\s/g, ' ');
    // The per-component table: Komponen, Jumlah KPM, Per KPM, Jumlah, as the API has them.
    const table = page.getByTestId('rincian-komponen');
    await expect(table.locator('thead th').allTextContents()).resolves.toEqual([
      'Komponen',
      'Jumlah KPM',
      'Per KPM',
      'Jumlah',
    ]);
    for (const row of byComponent) {
      const cells = (await table.locator(`tr[data-component="${row.component}"] > *`).allTextContents()).map(
        normal,
      );
      expect(cells[0]).toBe(
        row.component === 'TUNAI' ? 'Bantuan tunai (rekening Bank Kalteng)' : 'Bantuan pangan (Perum BULOG)',
      );
      expect(cells[1]).toBe(new Intl.NumberFormat('id-ID').format(row.count));
      expect(cells[2]).toBe(rupiah(row.amount / row.count));
      expect(cells[3]).toBe(rupiah(row.amount));
    }
    expect(normal(await table.getByTestId('total-rupiah').textContent())).toBe(rupiah(decree.total ?? -1));
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '64-kpm-sk');

    // ─── The list: its kind and subject; the year, kind and kabupaten filters ───
    await page
      .getByRole('navigation', { name: 'Menu utama' })
      .getByRole('link', { name: 'SK Gubernur', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: 'SK Gubernur' }).waitFor();
    const row = page.locator(`[data-testid="daftar-sk"] tr[data-decree="${decreeId}"]`);
    await row.waitFor();
    await expect(row.getByTestId('perihal-sk').textContent()).resolves.toBe(
      'Penetapan KPM — Kapuas, Tahap 1 Tahun 2026',
    );
    await expect(row.getAttribute('data-kind')).resolves.toBe('KPM');
    await page.getByLabel(/^Jenis SK/).selectOption('KPM');
    await expect.poll(() => new URL(page.url()).searchParams.get('jenis')).toBe('KPM');
    await row.waitFor();
    await page.getByLabel(/^Kabupaten\/kota/).selectOption('62.01');
    await expect.poll(() => new URL(page.url()).searchParams.get('wilayah')).toBe('62.01');
    await page.getByTestId('kosong').waitFor();
    await page.getByLabel(/^Kabupaten\/kota/).selectOption(REGION);
    await row.waitFor();
    await page.getByLabel(/^Tahun/).selectOption(String(Number(decree.decreeDate.slice(0, 4)) - 1));
    await page.getByTestId('kosong').waitFor();
    // The kind and the kabupaten stay chosen when the year changes.
    expect(new URL(page.url()).searchParams.get('jenis')).toBe('KPM');
    expect(new URL(page.url()).searchParams.get('wilayah')).toBe(REGION);
    await page.getByLabel(/^Tahun/).selectOption(decree.decreeDate.slice(0, 4));
    await row.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '65-kpm-daftar-sk');

    // ─── The public verification page, signed out, on a phone ───
    await freshPage(390);
    await page.goto(`${stack.apiUrl}/verify/${decree.verifyCode}`);
    await page.getByTestId('putusan').waitFor();
    await expect(page.getByTestId('putusan').textContent()).resolves.toContain('Asli dan berlaku');
    await expect(page.getByTestId('nomor').textContent()).resolves.toBe(decree.number);
    await expect(page.getByTestId('perihal').textContent()).resolves.toBe(decree.title);
    await expect(page.getByTestId('periode').textContent()).resolves.toBe('Tahap 1 Tahun 2026');
    await expect(page.getByTestId('jumlah-penerima').textContent()).resolves.toBe(
      `${new Intl.NumberFormat('id-ID').format(decree.recipientCount)} keluarga`,
    );
    expect(normal(await page.getByTestId('jumlah-bantuan').textContent())).toBe(rupiah(decree.total ?? -1));
    expect(await scrollsSideways()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '66-kpm-verifikasi-publik');
  }, 120_000);

  it('checks a card in public, a phone at 360 px: an unknown code says so plainly', async () => {
    await freshPage(360);
    await page.goto(`${stack.apiUrl}/verify/card`);
    await page.getByRole('heading', { level: 1, name: 'Periksa Kartu KHBS' }).waitFor();
    // A code typed as people type it (lower case, spaces) opens the page of its printed form.
    await page.getByLabel('Kode verifikasi kartu').fill('abcd efgh jkmn');
    await page.getByRole('button', { name: 'Periksa kartu' }).click();
    await page.waitForURL('**/verify/card/ABCD-EFGH-JKMN');
    const verdict = page.getByTestId('putusan-kartu');
    await verdict.waitFor();
    await expect(verdict.textContent()).resolves.toContain('Kartu tidak dikenal');
    expect(await scrollsSideways()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '70-kartu-tidak-dikenal');
    // Not a code at all: said before anything is asked.
    await page.getByLabel('Kode verifikasi kartu').fill('HB-6203-0000001');
    await page.getByRole('button', { name: 'Periksa kartu' }).click();
    await page.getByText('Kode verifikasi terdiri atas 12 huruf/angka').waitFor();
    expect(new URL(page.url()).pathname).toBe('/verify/card/ABCD-EFGH-JKMN');
  });

  it('shows Kapuas’s distribution on the tahap page; the operator makes the print file, blocks a card behind a confirmation, and the card’s code then answers "diblokir"', async () => {
    // The decree above opened Kapuas's distribution (the families worker, through the outbox).
    await stack.whenIdle();
    await signInAs(page, stack.apiUrl, /Operator Kabupaten Kapuas/);
    const operatorApi = await apiOfPage();
    const distribution = await operatorApi.call('GetDistribution', { params: { tahapId: TAHAP_ID } });
    if (!distribution.ok) throw new Error(`GetDistribution ${distribution.status}`);
    const record = distribution.body.items.find((item) => item.region === REGION);
    expect(record?.status).toBe('OPEN');
    const number = (value: number) => new Intl.NumberFormat('id-ID').format(value);
    const normal = (text: string | null) => (text ?? '').replace(/\s/g, ' ');
    const rupiah = (value: number) =>
      normal(
        new Intl.NumberFormat('id-ID', {
          style: 'currency',
          currency: 'IDR',
          maximumFractionDigits: 0,
        }).format(value),
      );

    // ─── The tahap page: Penyaluran, as the API has it ───
    await page.goto(`${stack.apiUrl}/tahapan/${TAHAP_ID}`);
    const row = page.locator(`[data-testid="tabel-penyaluran"] tr[data-region="${REGION}"]`);
    await row.waitFor();
    await expect(row.getByTestId('sk-penyaluran').textContent()).resolves.toBe(record?.decreeNumber);
    await expect(row.getByTestId('keluarga-penyaluran').textContent()).resolves.toBe(
      number(record?.families ?? -1),
    );
    for (const entry of record?.byComponent ?? []) {
      const cell = normal(await row.locator(`td[data-component="${entry.component}"]`).textContent());
      expect(cell).toBe(`${number(entry.count)} KPM${rupiah(entry.amount)}`);
    }
    await expect(row.getByTestId('kartu-baru').textContent()).resolves.toBe(
      number(record?.cards?.issued ?? -1),
    );
    await expect(row.getByTestId('kartu-lama').textContent()).resolves.toBe(
      number(record?.cards?.kept ?? -1),
    );
    await expect(row.getByTestId('kartu-diblokir').textContent()).resolves.toBe(
      number(record?.cards?.blocked ?? -1),
    );
    expect(record?.cards?.issued).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '71-penyaluran-tahap');

    // ─── The dashboard: Kapuas per kecamatan, as the API counts it, then one kecamatan's desa ───
    const dashboard = await operatorApi.call('GetDashboard', { params: { tahapId: TAHAP_ID }, query: {} });
    if (!dashboard.ok) throw new Error(`GetDashboard ${dashboard.status}`);
    expect(dashboard.body.totals.decreed).toBe(record?.families);
    await page.getByTestId('tautan-dasbor').click();
    const totals = page.getByTestId('dasbor-jumlah');
    await totals.waitFor();
    await expect(totals.locator('[data-counter="decreed"]').textContent()).resolves.toBe(
      number(record?.families ?? -1),
    );
    const shownRows = page.locator('[data-testid="tabel-dasbor"] tbody tr');
    expect(await shownRows.count()).toBe(dashboard.body.rows.length);
    const [firstKecamatan] = dashboard.body.rows;
    await page.getByTestId('grafik-dasbor').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '71a-dasbor-kecamatan');
    await page.getByRole('link', { name: firstKecamatan?.name ?? '' }).click();
    await page.waitForURL(`**/dasbor?kabupaten=${REGION}&kecamatan=${firstKecamatan?.code ?? ''}`);
    await expect(totals.locator('[data-counter="decreed"]').textContent()).resolves.toBe(
      number(firstKecamatan?.counts.decreed ?? -1),
    );

    // ─── Kartu KHBS: the printer's file of Kapuas's cards ───
    await page
      .getByRole('navigation', { name: 'Menu utama' })
      .getByRole('link', { name: 'Kartu KHBS' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Kartu KHBS' }).waitFor();
    await page.getByRole('button', { name: 'Buat berkas cetak' }).click();
    const link = page.getByTestId('unduh-berkas-cetak');
    await link.waitFor();
    await expect(page.getByTestId('berkas-cetak').textContent()).resolves.toContain(
      `${number(record?.cards?.issued ?? -1)} kartu Kabupaten Kapuas menunggu dicetak`,
    );
    const csv = await (await fetch((await link.getAttribute('href')) ?? '')).text();
    const first = csv.split(/\r?\n/)[1] ?? '';
    const cardNumber = /HB-\d{4}-\d{7}-\d/.exec(first)?.[0] ?? '';
    const code = /[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(first)?.[0] ?? '';
    expect(cardNumber).toMatch(/^HB-6203-/);
    expect(code).not.toBe('');
    // The printer's file names the penerima and never a NIK.
    expect(csv).not.toMatch(/\b62\d{14}\b/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '72-kartu-berkas-cetak');

    // ─── An unknown card: the API's own message ───
    // A well-formed number (its check digit right) that no card has.
    const unknown = cardNumberOf(REGION, 9_999_999);
    const refused = await operatorApi.call('BlockCard', {
      body: { cardNumber: unknown, reason: 'Kartu hilang di pasar' },
    });
    expect(refused.status).toBe(404);
    const refusedMessage = refused.ok ? '' : 'error' in refused.body ? refused.body.error.message : '';
    await page.getByLabel('Nomor kartu').fill(unknown);
    await page.getByLabel(/^Alasan/).fill('Kartu hilang di pasar');
    await page.getByRole('button', { name: 'Blokir kartu…' }).click();
    let dialog = page.getByRole('dialog', { name: 'Blokir kartu ini?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Ya, blokir kartu' }).click();
    const outcome = page.getByTestId('hasil-kartu');
    await outcome.getByText('Kartu tidak tercatat').waitFor();
    await expect(outcome.getByTestId('pesan-kartu').textContent()).resolves.toBe(refusedMessage);
    // The focus moves to what happened.
    await expect(page.evaluate('document.activeElement?.dataset?.testid')).resolves.toBe('hasil-kartu');
    // No card number in any address.
    expect(page.url()).not.toContain('HB-');

    // ─── The real card: genuine and active in public, then blocked through the screen ───
    const checker = await browser.newPage({ viewport: { width: 360, height: 740 } });
    checker.on('pageerror', (error) => pageErrors.push(error.message));
    await checker.goto(`${stack.apiUrl}/verify/card/${code}`);
    await checker.locator('[data-testid="putusan-kartu"][data-status="TERDAFTAR"]').waitFor();
    await expect(checker.getByTestId('putusan-kartu').textContent()).resolves.toContain(
      'Kartu asli dan aktif',
    );

    await page.getByLabel('Nomor kartu').fill(cardNumber.toLowerCase());
    await page.getByLabel(/^Alasan/).fill('Kartu hilang, dilaporkan kepala desa');
    await page.getByRole('button', { name: 'Blokir kartu…' }).click();
    dialog = page.getByRole('dialog', { name: 'Blokir kartu ini?' });
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain(cardNumber);
    await dialog.getByRole('button', { name: 'Ya, blokir kartu' }).click();
    await outcome.locator('[data-testid="status-kartu"][data-status="DIBLOKIR"]').waitFor();
    const history = outcome.getByTestId('riwayat-kartu');
    await expect(history.locator('tbody tr').last().textContent()).resolves.toContain(
      'Kartu hilang, dilaporkan kepala desa',
    );
    await expect(history.locator('tbody tr').last().getAttribute('data-status')).resolves.toBe('DIBLOKIR');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '73-kartu-diblokir');

    await checker.reload();
    await checker.locator('[data-testid="putusan-kartu"][data-status="DIBLOKIR"]').waitFor();
    await expect(checker.getByTestId('putusan-kartu').textContent()).resolves.toContain(
      'Kartu asli, tetapi diblokir',
    );

    // ─── Blocked again: the API's 409 in its words; then replaced: the old card and the new one ───
    await page.getByLabel(/^Alasan/).fill('Kartu hilang, dilaporkan lagi');
    await page.getByRole('button', { name: 'Blokir kartu…' }).click();
    await page
      .getByRole('dialog', { name: 'Blokir kartu ini?' })
      .getByRole('button', { name: 'Ya, blokir kartu' })
      .click();
    await outcome.getByText('Status kartu tidak memungkinkan tindakan ini').waitFor();
    await expect(outcome.getByTestId('pesan-kartu').textContent()).resolves.toContain(
      'tidak dapat diblokir lagi',
    );
    await page.getByLabel('Ganti dengan kartu baru').check();
    await page.getByLabel(/^Alasan/).fill('Kartu pengganti untuk kartu yang hilang');
    await page.getByRole('button', { name: 'Ganti dengan kartu baru…' }).click();
    dialog = page.getByRole('dialog', { name: 'Ganti kartu ini dengan kartu baru?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Ya, ganti kartu' }).click();
    const old = outcome.locator(`[data-card="${cardNumber}"]`);
    await old.locator('[data-testid="status-kartu"][data-status="DIGANTI"]').waitFor();
    const replacement = outcome.locator('[data-card]').nth(1);
    await expect(replacement.getByTestId('status-kartu').getAttribute('data-status')).resolves.toBe(
      'TERDAFTAR',
    );
    const newNumber = (await replacement.getAttribute('data-card')) ?? '';
    expect(newNumber).toMatch(/^HB-6203-/);
    expect(newNumber).not.toBe(cardNumber);
    await expect(old.textContent()).resolves.toContain(newNumber);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '74-kartu-diganti');
    await checker.reload();
    await checker.locator('[data-testid="putusan-kartu"][data-status="DIGANTI"]').waitFor();
    await expect(checker.getByTestId('putusan-kartu').textContent()).resolves.toContain('sudah diganti');
    // Nothing about the family on the public page.
    await expect(checker.locator('main').textContent()).resolves.not.toContain(
      (await old.locator('dd').nth(1).textContent()) ?? 'tanpa nama',
    );
    expect(
      (await checker.evaluate('document.documentElement.scrollWidth > window.innerWidth')) as boolean,
    ).toBe(false);
    await checker.close();
  }, 120_000);

  it('shows Kapuas’s accounts, payments, money and food to the admin, with the API’s figures; a desa’s KPM list published for objections opens in public', async () => {
    await freshPage();
    await signInAs(page, stack.apiUrl, 'Admin Sistem');
    const adminApi = await apiOfPage();
    const number = (value: number) => new Intl.NumberFormat('id-ID').format(value);
    const rupiah = (value: number) =>
      new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 })
        .format(value)
        .replace(/\s/g, ' ');
    const text = async (locator: ReturnType<Page['locator']>) =>
      ((await locator.textContent()) ?? '').replace(/\s/g, ' ').trim();

    // From the tahap page's Penyaluran row to the kabupaten's page (a chunk loaded on first use).
    await page.goto(`${stack.apiUrl}/tahapan/${TAHAP_ID}`);
    await page
      .locator(`[data-testid="tabel-penyaluran"] tr[data-region="${REGION}"]`)
      .getByTestId('rincian-penyaluran')
      .click();
    await page.waitForURL(`**/tahapan/${TAHAP_ID}/penyaluran?kabupaten=${REGION}`);
    await page.getByRole('heading', { level: 2, name: 'Pembukaan rekening Bank Kalteng' }).waitFor();

    // ─── Accounts: the request's file, its counts as the API has them ───
    await page.getByRole('button', { name: 'Ajukan pembukaan rekening' }).click();
    await page
      .locator('[data-testid="status-rekening"][data-status="COMPLETED"]')
      .waitFor({ timeout: 20_000 });
    const accounts = await adminApi.call('GetAccountRequest', {
      params: { tahapId: TAHAP_ID },
      query: { region: REGION },
    });
    if (!accounts.ok) throw new Error(`GetAccountRequest ${accounts.status}`);
    expect(accounts.body.request?.rows).toBeGreaterThan(0);
    await expect(text(page.getByTestId('rekening-baris'))).resolves.toBe(
      number(accounts.body.request?.rows ?? -1),
    );
    await page.getByTestId('unduh-rekening').waitFor();

    // ─── Payments: a first instruction behind a confirmation; lines, control total and SHA-256 ───
    await page.getByRole('button', { name: 'Terbitkan instruksi pembayaran…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Terbitkan instruksi pembayaran?' });
    await dialog.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Ya, terbitkan' }).click();
    await page
      .locator('[data-testid="status-instruksi"][data-status="COMPLETED"]')
      .waitFor({ timeout: 20_000 });
    const instruction = await adminApi.call('GetPaymentInstruction', {
      params: { tahapId: TAHAP_ID },
      query: { region: REGION },
    });
    if (!instruction.ok || instruction.body.instruction === undefined) {
      throw new Error(`GetPaymentInstruction ${instruction.status}`);
    }
    const made = instruction.body.instruction;
    await expect(text(page.getByTestId('instruksi-judul'))).resolves.toBe('Berkas ke-1 · instruksi awal');
    await expect(text(page.getByTestId('instruksi-baris'))).resolves.toBe(number(made.lines ?? -1));
    await expect(text(page.getByTestId('instruksi-total'))).resolves.toBe(rupiah(made.total ?? -1));
    await expect(text(page.getByTestId('instruksi-menunggu-rekening'))).resolves.toBe(
      number(made.waitingAccount ?? -1),
    );
    expect((await text(page.getByTestId('instruksi-sha'))).replace(/ /g, '')).toBe(made.sha256);

    // ─── BKAD: the money view, line by line as the API sums it ───
    const finance = await adminApi.call('GetFinance', {
      params: { tahapId: TAHAP_ID },
      query: { region: REGION },
    });
    if (!finance.ok) throw new Error(`GetFinance ${finance.status}`);
    const money = page.getByTestId('tabel-keuangan');
    await money.locator('tr[data-key="hak"]').waitFor();
    const line = (key: string) => money.locator(`tr[data-key="${key}"]`);
    await expect(text(line('hak').getByTestId('keluarga'))).resolves.toBe(
      number(finance.body.entitlements.count),
    );
    await expect(text(line('hak').getByTestId('jumlah'))).resolves.toBe(
      rupiah(finance.body.entitlements.amount),
    );
    await expect(text(line('instruksi').getByTestId('jumlah'))).resolves.toBe(
      rupiah(finance.body.instructed.amount),
    );
    await expect(text(line('saldo').getByTestId('jumlah'))).resolves.toBe(
      rupiah(finance.body.balanceToReturn),
    );
    expect(finance.body.entitlements.count).toBeGreaterThan(0);

    // ─── Food: BULOG's lists per desa, then the reconciliation per titik bagi ───
    await page.getByRole('button', { name: 'Buat daftar salur BULOG' }).click();
    await page
      .locator('[data-testid="status-daftar-salur"][data-status="COMPLETED"]')
      .waitFor({ timeout: 20_000 });
    const lists = await adminApi.call('GetFoodLists', {
      params: { tahapId: TAHAP_ID },
      query: { region: REGION },
    });
    if (!lists.ok) throw new Error(`GetFoodLists ${lists.status}`);
    await expect(text(page.getByTestId('salur-tercantum'))).resolves.toBe(
      number(lists.body.job?.counts?.listed ?? -1),
    );
    await expect(page.locator('[data-testid="tabel-daftar-salur"] tbody tr').count()).resolves.toBe(
      lists.body.files.length,
    );
    const firstList = lists.body.files[0];
    if (firstList === undefined) throw new Error('no distribution list');
    await page.reload();
    const food = await adminApi.call('GetFoodReconciliation', {
      params: { tahapId: TAHAP_ID },
      query: { region: REGION },
    });
    if (!food.ok) throw new Error(`GetFoodReconciliation ${food.status}`);
    const tally = food.body.titikBagi.find((entry) => entry.desaCode === firstList.desaCode);
    const tallyRow = page.locator(`[data-testid="tabel-titik-bagi"] tr[data-desa="${firstList.desaCode}"]`);
    await tallyRow.waitFor();
    await expect(text(tallyRow.getByTestId('hak-keluarga'))).resolves.toBe(
      number(tally?.entitled.families ?? -1),
    );
    await expect(text(tallyRow.getByTestId('belum-dilaporkan'))).resolves.toBe(
      number(tally?.notReported ?? -1),
    );
    await expect(text(page.getByTestId('tagihan-bulog'))).resolves.toContain(rupiah(food.body.invoice.total));
    // No BAST and no EDC file yet: said so, as the API has none.
    expect(food.body.findings).toEqual([]);
    await page.getByTestId('temuan-bast-kosong').waitFor();
    const edc = await adminApi.call('GetEdcFindings', {
      params: { tahapId: TAHAP_ID },
      query: { region: REGION },
    });
    expect(edc.ok && edc.body.items).toEqual([]);
    await page.getByTestId('temuan-edc-kosong').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '75-penyaluran-kabupaten');

    // ─── A desa's KPM list, published for objections; the public page lists it, NIKs masked ───
    const pengumuman = page.getByTestId('pengumuman');
    await pengumuman
      .getByLabel('Kecamatan')
      .selectOption(firstList.desaCode.split('.').slice(0, 3).join('.'));
    await pengumuman.getByLabel('Desa/kelurahan').selectOption(firstList.desaCode);
    await pengumuman.getByRole('button', { name: 'Umumkan daftar desa ini' }).click();
    const publicLink = page.getByTestId('tautan-pengumuman');
    await publicLink.waitFor();
    const noticed = await text(page.getByTestId('pengumuman-dibuat'));
    const href = (await publicLink.getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/pengumuman\/PUB-[A-Z2-7]{12}$/);
    await freshPage(360);
    await page.goto(`${stack.apiUrl}${href}`);
    await page.locator('[data-testid="status-pengumuman"][data-status="DIBUKA"]').waitFor();
    const listed = await page.locator('[data-testid="daftar-pengumuman"] li').count();
    expect(listed).toBeGreaterThan(0);
    expect(noticed).toContain(`${number(listed)} keluarga`);
    // NIKs masked: never 16 digits in a row on the public page.
    expect(await text(page.locator('main'))).not.toMatch(/\d{16}/);
    expect(await scrollsSideways()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '76-pengumuman-publik');

    // An objection from the public page: the form knows the publication, and the desa is the list's.
    await page.getByTestId('sanggah').click();
    await page.waitForURL(/\/aduan\?pengumuman=PUB-[A-Z2-7]{12}$/);
    await page.getByTestId('sanggahan-pengumuman').waitFor();
    await expect(page.getByLabel('Kategori').inputValue()).resolves.toBe('SANGGAHAN');
    await expect(page.getByLabel('Desa/kelurahan').count()).resolves.toBe(0);
    await page
      .getByLabel(/^Isi pengaduan/)
      .fill('Keluarga tetangga kami sudah pindah ke kota lain sejak tahun lalu.');
    await page.getByRole('button', { name: 'Kirim pengaduan' }).click();
    await page.getByTestId('kode-aduan').waitFor();
    const objections = await adminApi.call('ListComplaints', {
      query: { region: REGION, category: 'SANGGAHAN' },
    });
    expect(objections.ok && objections.body.items.map((item) => item.desaCode)).toEqual([firstList.desaCode]);
  }, 120_000);

  it('records a verval result and a card handover without signal on a 360 px phone, keeps them through a reload, sends them once back online, and again after the session expired', async () => {
    // After the decree above: Sari's LAYAK family holds a card; a family of her desa to visit.
    await stack.whenIdle();
    await freshPage(360);
    await signInAs(page, stack.apiUrl, /Relawan Sari Rahayu/);
    const sariApi = await apiOfPage();
    const assignments = await sariApi.call('ListMyAssignments', {});
    if (!assignments.ok) throw new Error(`ListMyAssignments ${assignments.status}`);
    const desa = assignments.body.items[0]?.desaCode ?? '';
    const progress = await sariApi.call('GetVervalProgress', {
      params: { tahapId: TAHAP_ID },
      query: { desa },
    });
    if (!progress.ok) throw new Error(`GetVervalProgress ${progress.status}`);
    const visitedBefore = new Set(progress.body.results.map((result) => result.noKk));
    const handed = progress.body.results.find((result) => result.result === 'LAYAK')?.noKk ?? '';
    const visitKk = progress.body.toVisitKk.find((noKk) => !visitedBefore.has(noKk)) ?? handed;
    expect(handed).toMatch(/^\d{16}$/);
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

    await page
      .getByRole('navigation', { name: 'Menu utama' })
      .getByRole('link', { name: 'Catat di lapangan' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Catat di lapangan' }).waitFor();
    const family = page.getByLabel('Keluarga (No KK)');
    await family.locator(`option[value="${visitKk}"]`).waitFor({ state: 'attached' });
    await expect(family.locator('option').count()).resolves.toBe(progress.body.toVisitKk.length + 1);

    // ─── No signal: both records wait in the phone's queue ───
    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('status-sambungan').textContent()).toContain('Tidak ada sinyal');
    await family.selectOption(visitKk);
    await page.getByLabel('Hasil kunjungan').selectOption('LAYAK');
    await page.getByLabel('Nomor berita acara Musdes/Muskel').fill('BA/02/XII/2026');
    await page.getByLabel('Keterangan (boleh kosong)').fill('Dicatat tanpa sinyal');
    await page.getByRole('button', { name: 'Simpan hasil verval' }).click();
    await family.selectOption(handed);
    await page.getByLabel('Penyerahan kartu').check();
    await page.getByRole('button', { name: 'Simpan penyerahan kartu' }).click();
    const vervalRecord = page.getByTestId(`catatan-VERVAL-${visitKk}`);
    const cardRecord = page.getByTestId(`catatan-KARTU-${handed}`);
    await expect(vervalRecord.getAttribute('data-status')).resolves.toBe('QUEUED');
    await expect(cardRecord.getAttribute('data-status')).resolves.toBe('QUEUED');
    await expect(page.getByTestId('antrean-ringkas').textContent()).resolves.toContain(
      '2 catatan menunggu dikirim',
    );
    expect(await scrollsSideways()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '80-lapangan-tanpa-sinyal');

    // ─── A reload while the API is still out of reach (the app itself loads): nothing is lost ───
    const unreachable = async (route: { abort: (code: string) => Promise<void> }) =>
      route.abort('internetdisconnected');
    await page.route('**/verval/records', unreachable);
    await page.route('**/cards/handovers', unreachable);
    await context.setOffline(false);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Catat di lapangan' }).waitFor();
    await expect
      .poll(() => page.getByTestId('antrean-ringkas').textContent())
      .toContain('Server tidak dapat dihubungi');
    await expect(vervalRecord.getAttribute('data-status')).resolves.toBe('QUEUED');
    await expect(cardRecord.getAttribute('data-status')).resolves.toBe('QUEUED');

    // ─── Signal again: the browser's online event sends both, one batch per kind ───
    await context.setOffline(true);
    await page.unroute('**/verval/records');
    await page.unroute('**/cards/handovers');
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') sent.push(new URL(request.url()).pathname);
    });
    await context.setOffline(false);
    await page.locator(`[data-testid="catatan-VERVAL-${visitKk}"][data-status="SENT"]`).waitFor();
    await page.locator(`[data-testid="catatan-KARTU-${handed}"][data-status="SENT"]`).waitFor();
    expect(sent.sort()).toEqual(['/cards/handovers', `/tahap/${TAHAP_ID}/verval/records`]);
    await screenshot(page, '81-lapangan-terkirim');
    // What the API now holds: the visit, by Sari, today; the card handed over (a resend is unchanged).
    const after = await sariApi.call('GetVervalProgress', { params: { tahapId: TAHAP_ID }, query: { desa } });
    if (!after.ok) throw new Error(`GetVervalProgress ${after.status}`);
    expect(after.body.results.find((result) => result.noKk === visitKk)).toMatchObject({
      result: 'LAYAK',
      tanggal: today,
      // The name the sign-in gives her (the file's column is what the sheet says).
      relawan: 'Relawan Sari Rahayu',
      nomorBeritaAcara: 'BA/02/XII/2026',
      keterangan: 'Dicatat tanpa sinyal',
    });
    const again = await sariApi.call('RecordCardHandovers', {
      body: { records: [{ tahapId: TAHAP_ID, noKk: handed, tanggal: today }] },
      idempotencyKey: crypto.randomUUID(),
    });
    if (!again.ok) throw new Error(`RecordCardHandovers ${again.status}`);
    expect(again.body.results).toEqual([expect.objectContaining({ outcome: 'UNCHANGED' })]);

    // ─── The session ends while a record waits (the API answers 401): signed in again, it is sent ───
    await page.route('**/verval/records', (route) =>
      route.fulfill({ status: 401, contentType: 'application/json', body: '{"message":"Unauthorized"}' }),
    );
    await family.selectOption(visitKk);
    await page.getByLabel('Hasil verval').check();
    await page.getByLabel('Nomor berita acara Musdes/Muskel').fill('BA/03/XII/2026');
    await page.getByRole('button', { name: 'Simpan hasil verval' }).click();
    await page.getByText('Sesi Anda telah berakhir. Silakan masuk lagi.').waitFor();
    await page.unroute('**/verval/records');
    await page.getByRole('button', { name: 'Masuk' }).click();
    // The provider's page, unless its own session still holds Sari (it then comes straight back).
    const provider = page.getByRole('heading', { name: 'Masuk ke KHBS' });
    const back = page.getByRole('heading', { level: 1, name: 'Catat di lapangan' });
    await provider.or(back).waitFor();
    if (await provider.isVisible()) await page.getByRole('button', { name: /Relawan Sari Rahayu/ }).click();
    await back.waitFor();
    expect(new URL(page.url()).pathname).toBe('/lapangan');
    await page.locator(`[data-testid="catatan-VERVAL-${visitKk}"][data-status="SENT"]`).waitFor();
    const resent = await sariApi.call('GetVervalProgress', {
      params: { tahapId: TAHAP_ID },
      query: { desa },
    });
    if (!resent.ok) throw new Error(`GetVervalProgress ${resent.status}`);
    expect(resent.body.results.find((result) => result.noKk === visitKk)?.nomorBeritaAcara).toBe(
      'BA/03/XII/2026',
    );
  }, 120_000);

  it('takes a citizen’s complaint without an account; Kapuas’s operator answers and closes it; the citizen reads the answer on a phone', async () => {
    // ─── The citizen: the public form, no sign-in ───
    await freshPage();
    await page.goto(`${stack.apiUrl}/aduan`);
    await page.getByRole('heading', { level: 1, name: 'Pengaduan KHBS' }).waitFor();
    await page.getByLabel('Kategori').selectOption('KARTU');
    await page.getByLabel('Kabupaten/kota').selectOption(REGION);
    await page.getByLabel('Kecamatan').selectOption(`${REGION}.01`);
    await page.getByLabel('Desa/kelurahan').selectOption(`${REGION}.01.1006`);
    await page
      .getByLabel(/^Isi pengaduan/)
      .fill('Kartu KHBS keluarga kami belum dibagikan, padahal tetangga sudah.');
    await page.getByRole('button', { name: 'Kirim pengaduan' }).click();
    await page.getByTestId('kode-aduan').waitFor();
    const code = (await page.getByTestId('kode-aduan').locator('.code').textContent()) ?? '';
    expect(code).toMatch(/^ADU-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await page.getByLabel('Kode pengaduan').fill(code.toLowerCase());
    await page.getByRole('button', { name: 'Periksa status' }).click();
    await page.locator('[data-testid="status-aduan"][data-status="BARU"]').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '67-aduan-publik');

    // ─── Kapuas's operator: the queue, then the complaint ───
    await freshPage();
    await signInAs(page, stack.apiUrl, /Operator Kabupaten Kapuas/);
    await page
      .getByRole('navigation', { name: 'Menu utama' })
      .getByRole('link', { name: 'Pengaduan' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Pengaduan' }).waitFor();
    await page.getByTestId('baris-pengaduan').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '68-pengaduan-antrean');

    // A complaint the operator took by WhatsApp: entered on the queue's page, with its code for the caller.
    await page.getByText('Catat pengaduan dari telepon, WhatsApp, surat, atau yang datang langsung').click();
    const entry = page.getByRole('form', { name: 'Catat pengaduan' });
    await entry.getByLabel('Saluran').selectOption('WHATSAPP');
    await entry.getByLabel('Kategori').selectOption('PANGAN');
    // An operator's own kabupaten is fixed: no kabupaten to choose.
    await expect(entry.getByLabel('Kabupaten/kota').count()).resolves.toBe(0);
    await entry.getByLabel('Kecamatan').selectOption(`${REGION}.01`);
    await entry.getByLabel('Desa/kelurahan').selectOption(`${REGION}.01.1006`);
    await entry
      .getByLabel(/^Isi pengaduan/)
      .fill('Pelapor lewat WhatsApp: paket pangan belum sampai di desa kami.');
    await entry.getByRole('button', { name: 'Catat pengaduan' }).click();
    const entered = page.getByTestId('pengaduan-dicatat');
    await entered.waitFor();
    expect((await entered.locator('.code').textContent()) ?? '').toMatch(
      /^ADU-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await entered.getByRole('link', { name: 'Buka pengaduan ini' }).click();
    await page.locator('[data-testid="pengaduan"][data-status="BARU"]').waitFor();
    await expect(page.getByTestId('pengaduan').textContent()).resolves.toContain('WhatsApp');
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Pengaduan' }).waitFor();
    // The citizen's complaint: the queue's one about a card.
    const citizens = page.getByTestId('baris-pengaduan').filter({ hasText: 'Kartu KHBS' });
    await citizens.waitFor();
    await citizens.getByRole('link').click();
    await page.waitForURL(/\/pengaduan\/PGD-[A-Z2-7]{12}$/);
    await page.locator('[data-testid="pengaduan"][data-status="BARU"]').waitFor();
    await page.getByRole('button', { name: 'Tangani sendiri' }).click();
    await page.locator('[data-testid="pengaduan"][data-status="DITANGANI"]').waitFor();
    await page
      .getByLabel(/^Jawaban untuk pelapor/)
      .fill('Kartu dibagikan ulang di kantor desa pada hari Senin.');
    await page.getByRole('button', { name: 'Simpan jawaban' }).click();
    await page.getByText('Jawaban disimpan.').waitFor();
    await page.getByRole('button', { name: 'Tutup pengaduan' }).click();
    await page.locator('[data-testid="pengaduan"][data-status="SELESAI"]').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '69-pengaduan-selesai');

    // ─── The citizen, on a phone: the answer, with the code and nothing else ───
    await freshPage(360);
    await page.goto(`${stack.apiUrl}/aduan`);
    await page.getByLabel('Kode pengaduan').fill(code);
    await page.getByRole('button', { name: 'Periksa status' }).click();
    await page.locator('[data-testid="status-aduan"][data-status="SELESAI"]').waitFor();
    await expect(page.getByTestId('status-aduan').textContent()).resolves.toContain(
      'Kartu dibagikan ulang di kantor desa pada hari Senin.',
    );
    expect(await scrollsSideways()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
  }, 120_000);
});
