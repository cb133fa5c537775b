import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createApiClient } from '#shared/contract/client.ts';
import { type LocalClaims, signLocalToken } from '../../local/auth.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { nameOf, nik, recipientCsv } from '../support/api.ts';
import { launchChromium, screenshot, seriousViolations, signInAs } from './support.ts';

/**
 * The workflow in a real browser, each role in its own screens: the operator of Kapuas submits a
 * list that shares a NIK with Kotawaringin Barat's list (so the checks raise NIK_IN_OTHER_LIST);
 * DINSOS finds it in its queue, sees the flags grouped by kind, waives the flag with a reason and
 * signs off (a double click makes one sign-off); BKAD returns Kotawaringin Barat's list with a note
 * that its operator then reads; the approver approves the verified list, finds its decree in `/sk`
 * and revokes it with a reason. After each step the API is asked what it now holds. Data that is
 * not the point of a step is seeded through the API as the people who would have made it.
 */
const PERIOD = '2026-S2';
const KAPUAS = '62.03';
const KOBAR = '62.01';

let stack: LocalStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

/** The API as one of the local users (the same subs as the provider's users: the same people). */
async function apiAs(claims: LocalClaims): Promise<ApiClient> {
  return createApiClient({ baseUrl: stack.apiUrl, token: await signLocalToken(claims, 600) });
}
const operatorOf = (region: string) =>
  apiAs({ sub: `operator-${region}`, name: `Operator ${region}`, groups: ['operator'], region });
const verifierOf = (opd: string) =>
  apiAs({ sub: `verifier-${opd.toLowerCase()}`, name: `Verifikator ${opd}`, groups: ['verifier'], opd });
const auditorApi = () => apiAs({ sub: 'auditor-test', name: 'Auditor Uji', groups: ['auditor'] });

function ok<T extends { ok: boolean; status: number; body: unknown }>(answer: T, step: string) {
  if (!answer.ok) throw new Error(`${step}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer as Extract<T, { ok: true }>;
}

/** A fresh browser (no provider session left over) signed in as `user`. */
async function browserAs(user: string | RegExp): Promise<Page> {
  const context = await browser.newContext({ locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await signInAs(page, stack.apiUrl, user);
  return page;
}

/** Opens a console path the way a link does (in-app, no reload). */
async function open(page: Page, path: string): Promise<void> {
  await page.evaluate(
    `history.pushState(null, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate'))`,
  );
}

/** A list upload through the API (presigned PUT), imported by the local stack; its proposal id. */
async function uploadList(region: string, csv: string): Promise<string> {
  const operator = await operatorOf(region);
  const upload = ok(
    await operator.call('CreateUpload', { body: { period: PERIOD, filename: 'daftar.csv' } }),
    'CreateUpload',
  );
  const put = await fetch(upload.body.uploadUrl, { method: 'PUT', body: csv });
  expect(put.ok).toBe(true);
  await stack.whenIdle();
  const listed = ok(
    await operator.call('ListProposals', { query: { region, period: PERIOD } }),
    'ListProposals',
  );
  const proposalId = listed.body.items[0]?.proposalId;
  if (proposalId === undefined) throw new Error(`the upload for ${region} made no proposal`);
  return proposalId;
}

async function proposalNow(proposalId: string) {
  const auditor = await auditorApi();
  return ok(await auditor.call('GetProposal', { params: { proposalId } }), 'GetProposal').body;
}

let kobarId: string;
let kapuasId: string;
let decreeId: string;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startLocalStack({ port: 0, quiet: true, console: 'prebuilt' }),
    launchChromium(),
  ]);
  // Kotawaringin Barat: a clean list of 3, submitted and checked.
  kobarId = await uploadList(KOBAR, recipientCsv(KOBAR, 3));
  ok(
    await (await operatorOf(KOBAR)).call('SubmitProposal', { params: { proposalId: kobarId }, body: {} }),
    'Submit',
  );
  await stack.whenIdle();
  // Kapuas: 3 of its own, and the first person of Kotawaringin Barat's list (same NIK, same account).
  const shared = `104;${nik(1, '6201')};${nameOf(1)};Ketua RT;Kec. Selat;Murung Keramat;50;1000000001;${nameOf(1)}\r\n`;
  // And 21 people whose NIK was first registered in Kotawaringin Barat (a warning each): more than
  // one page of a flag's recipients.
  const movedIn = Array.from({ length: 21 }, (_, i) => {
    const n = 201 + i;
    return `${n};${nik(n, '6201')};${nameOf(n)};Ketua RT;Kec. Selat;Murung Keramat;${n};${1000000000 + n};${nameOf(n)}\r\n`;
  }).join('');
  kapuasId = await uploadList(KAPUAS, `${recipientCsv(KAPUAS, 3, 101)}${shared}${movedIn}`);
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await stack?.stop();
});

describe('the workflow screens', () => {
  it('the operator submits the draft after a confirmation that says what happens next', async () => {
    const page = await browserAs(/Operator Kabupaten Kapuas/);
    await open(page, `/usulan/${kapuasId}`);
    await page.getByRole('heading', { level: 1, name: `Usulan ${kapuasId}` }).waitFor();
    await page.getByRole('button', { name: 'Ajukan untuk verifikasi' }).waitFor();
    expect(await page.getByTestId('fakta-usulan').textContent()).toContain('draf');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Ajukan untuk verifikasi' }).click();
    const dialog = page.getByRole('dialog', { name: 'Ajukan usulan ini?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Pemeriksaan otomatis berjalan');
    expect(await dialog.textContent()).toContain('tidak dapat diganti dengan unggahan baru');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Ya, ajukan' }).click();
    await page.getByTestId('hasil-tindakan').waitFor();
    expect(await page.getByTestId('hasil-tindakan').textContent()).toContain('Usulan telah diajukan');
    expect(['SUBMITTED', 'IN_REVIEW']).toContain((await proposalNow(kapuasId)).status);

    // The checks find the shared NIK in both lists: one open blocking flag on each side.
    await stack.whenIdle();
    const kapuas = await proposalNow(kapuasId);
    expect(kapuas).toMatchObject({ status: 'IN_REVIEW', openBlocking: 1 });
    expect(kapuas.checks?.byCode?.NIK_IN_OTHER_LIST).toEqual({ severity: 'blocking', count: 1, open: 1 });
    expect((await proposalNow(kobarId)).checks?.byCode?.NIK_IN_OTHER_LIST).toMatchObject({ open: 1 });
  });

  it('DINSOS finds the list in its queue, sees the flags by kind, waives one with a reason and signs off once', async () => {
    const page = await browserAs(/Verifikator DINSOS/);
    await page
      .getByRole('navigation', { name: 'Menu utama' })
      .getByRole('link', { name: 'Usulan', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Antrean verifikasi' }).waitFor();
    const queue = page.getByTestId('daftar-usulan');
    await queue.waitFor();
    expect(await queue.getByRole('link', { name: kapuasId }).count()).toBe(1);
    expect(await queue.getByRole('link', { name: kobarId }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '20-verifikator-antrean');

    await queue.getByRole('link', { name: kapuasId }).click();
    await page.getByRole('heading', { level: 1, name: `Usulan ${kapuasId}` }).waitFor();
    const groups = page.getByTestId('temuan-per-jenis');
    await groups.waitFor();
    const blocking = groups.locator('[data-code="NIK_IN_OTHER_LIST"]');
    expect(await blocking.textContent()).toContain('NIK ada di daftar kabupaten/kota lain');
    expect(await page.getByTestId('jumlah-NIK_IN_OTHER_LIST').textContent()).toBe('1 penerima, 1 terbuka');
    // The warning that comes with it (a NIK registered in another region) is its own group, whose
    // 22 recipients come 20 to a page.
    const warning = groups.locator('[data-code="NIK_OTHER_REGION"]');
    expect(await warning.textContent()).toContain('peringatan');
    expect(await page.getByTestId('jumlah-NIK_OTHER_REGION').textContent()).toBe('22 penerima');
    await warning.getByRole('button', { name: /lihat penerima/ }).click();
    const moved = page.getByTestId('penerima-temuan-NIK_OTHER_REGION');
    await moved.waitFor();
    expect(await moved.locator('tbody tr').count()).toBe(20);
    await warning.getByRole('button', { name: 'Berikutnya' }).click();
    await warning.getByText('Halaman 2').waitFor();
    await expect.poll(() => moved.locator('tbody tr').count()).toBe(2);
    expect(await warning.getByRole('button', { name: 'Berikutnya' }).isDisabled()).toBe(true);
    // A warning is never waived: no button, no status column.
    expect(await moved.getByRole('button').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await warning.getByRole('button', { name: /tutup/ }).click();

    // Signing off while a blocking flag is open: the API refuses, and says why.
    const approve = page.getByRole('button', { name: 'Setujui atas nama DINSOS' });
    await approve.click();
    await page.getByRole('alert').filter({ hasText: 'Ditolak' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'Ditolak' }).textContent()).toContain('temuan');
    expect((await proposalNow(kapuasId)).signedBy).toEqual([]);

    // The recipients behind the flag, loaded in place.
    await blocking.getByRole('button', { name: /lihat penerima/ }).click();
    const table = page.getByTestId('penerima-temuan-NIK_IN_OTHER_LIST');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(1);
    expect(await table.textContent()).toContain(nameOf(1));
    expect(await table.textContent()).toContain('Kabupaten Kotawaringin Barat');

    await table.getByRole('button', { name: /^Kesampingkan temuan baris/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Kesampingkan temuan' });
    await dialog.waitFor();
    // Too short a reason is refused before anything is sent.
    await dialog.getByLabel('Alasan').fill('sama');
    await dialog.getByRole('button', { name: 'Kesampingkan', exact: true }).click();
    await dialog.getByText('minimal 10 karakter').waitFor();
    const reason = 'Sudah dikonfirmasi: yang bersangkutan pindah tugas ke Kapuas, dicoret dari daftar Kobar.';
    await dialog.getByLabel('Alasan').fill(reason);
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Kesampingkan', exact: true }).click();
    await page.getByTestId('hasil-tindakan').filter({ hasText: 'dikesampingkan' }).waitFor();
    await page.getByTestId('jumlah-NIK_IN_OTHER_LIST').filter({ hasText: '0 terbuka' }).waitFor();
    expect(await page.getByTestId('temuan-terbuka').textContent()).toBe('0');
    expect(await table.getByText('dikesampingkan').count()).toBe(1);
    // The earlier refusal no longer stands next to a list without open flags (it goes once the
    // proposal's new version has rendered: waited for, not read at one instant).
    await page
      .getByRole('alert')
      .filter({ hasText: 'Ditolak' })
      .waitFor({ state: 'detached', timeout: 5_000 });
    const waived = await proposalNow(kapuasId);
    expect(waived.openBlocking).toBe(0);
    expect(waived.checks?.byCode?.NIK_IN_OTHER_LIST).toEqual({ severity: 'blocking', count: 1, open: 0 });
    expect(waived.history.filter((entry) => entry.action === 'FLAG_WAIVED')).toEqual([
      expect.objectContaining({ reason, by: expect.objectContaining({ opd: 'DINSOS' }) }),
    ]);
    expect(await page.getByTestId('riwayat').textContent()).toContain(
      'Temuan dikesampingkanNIK ada di daftar kabupaten/kota lain, baris 5',
    );
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '21-verifikator-usulan');

    // A double click signs off once: one Idempotency-Key for the action, the button busy meanwhile.
    await approve.dblclick();
    await page.getByTestId('hasil-tindakan').filter({ hasText: 'disetujui atas nama DINSOS' }).waitFor();
    // The proposal reloaded: DINSOS's sign-off, by whom.
    await page.getByTestId('persetujuan-opd').filter({ hasText: 'Verifikator DINSOS' }).waitFor();
    const signed = await proposalNow(kapuasId);
    expect(signed.signedBy).toEqual(['DINSOS']);
    expect(
      signed.history.filter((entry) => entry.action === 'REVIEW_APPROVED' && entry.by.opd === 'DINSOS'),
    ).toHaveLength(1);
    // Nothing left for DINSOS to do on this list.
    expect(await page.getByRole('button', { name: 'Setujui atas nama DINSOS' }).count()).toBe(0);
  });

  it('BKAD returns the other list with a note, and its operator reads the note on the proposal', async () => {
    const page = await browserAs(/Verifikator BKAD/);
    await open(page, `/usulan/${kobarId}`);
    await page.getByRole('heading', { level: 1, name: `Usulan ${kobarId}` }).waitFor();
    const note = page.getByLabel('Catatan pengembalian');
    await note.fill('kurang');
    await page.getByRole('button', { name: 'Kembalikan dengan catatan' }).click();
    await page.getByText('Tulis alasan pengembalian, minimal 10 karakter.').waitFor();
    expect((await proposalNow(kobarId)).status).toBe('IN_REVIEW');

    const text = 'Warga B juga diusulkan Kapuas dan sudah pindah tugas; hapus dari daftar lalu unggah ulang.';
    await note.fill(text);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Kembalikan dengan catatan' }).click();
    await page.getByTestId('hasil-tindakan').filter({ hasText: 'dikembalikan' }).waitFor();
    const returned = await proposalNow(kobarId);
    expect(returned.status).toBe('DRAFT');
    expect(returned.returns).toEqual([expect.objectContaining({ opd: 'BKAD', note: text })]);

    // The operator reads it on a phone: the notice first, nothing wider than the screen.
    const operator = await browserAs(/Operator Kabupaten Kotawaringin Barat/);
    await operator.setViewportSize({ width: 390, height: 844 });
    await open(operator, `/usulan/${kobarId}`);
    const notice = operator.getByTestId('dikembalikan');
    await notice.waitFor();
    expect(await operator.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await notice.textContent()).toContain('Dikembalikan oleh BKAD');
    expect(await notice.textContent()).toContain(text);
    expect(await operator.getByTestId('pengembalian').textContent()).toContain(text);
    // The operator may submit again (after fixing the list).
    expect(await operator.getByRole('button', { name: 'Ajukan untuk verifikasi' }).count()).toBe(1);
    expect(await seriousViolations(operator)).toEqual([]);
    await screenshot(operator, '25-operator-dikembalikan');
  });

  it('the approver approves the verified list, finds its decree, opens it and revokes it with a reason', async () => {
    // BKAD's sign-off on Kapuas is not the point here: through the API.
    ok(
      await (await verifierOf('BKAD')).call('ReviewProposal', {
        params: { proposalId: kapuasId },
        body: { decision: 'approve' },
      }),
      'ReviewProposal BKAD',
    );
    expect((await proposalNow(kapuasId)).status).toBe('VERIFIED');

    const page = await browserAs('Sekretaris Daerah');
    await page
      .getByRole('navigation', { name: 'Menu utama' })
      .getByRole('link', { name: 'Usulan', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Usulan untuk diputuskan' }).waitFor();
    await page.getByTestId('daftar-usulan').getByRole('link', { name: kapuasId }).click();
    await page.getByRole('heading', { level: 1, name: `Usulan ${kapuasId}` }).waitFor();
    expect(await page.getByTestId('persetujuan-opd').textContent()).toContain('Verifikator BKAD');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '22-penyetuju-usulan');
    // The flag DINSOS set aside reads as such to the approver (who may not waive).
    await page
      .locator('[data-code="NIK_IN_OTHER_LIST"]')
      .getByRole('button', { name: /lihat penerima/ })
      .click();
    const flagged = page.getByTestId('penerima-temuan-NIK_IN_OTHER_LIST');
    await flagged.getByText('dikesampingkan').waitFor();
    expect(await flagged.getByRole('button').count()).toBe(0);
    await page.getByRole('button', { name: 'Setujui usulan' }).click();
    const dialog = page.getByRole('dialog', { name: 'Setujui usulan ini?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('akan diberi nomor dan diterbitkan');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Ya, setujui' }).click();
    await page.getByTestId('hasil-tindakan').filter({ hasText: 'Usulan disetujui' }).waitFor();
    expect(['APPROVED', 'DECREED']).toContain((await proposalNow(kapuasId)).status);

    await stack.whenIdle();
    const decreed = await proposalNow(kapuasId);
    expect(decreed.status).toBe('DECREED');
    decreeId = decreed.decreeId ?? '';
    const decree = ok(
      await (await auditorApi()).call('GetDecree', { params: { decreeId } }),
      'GetDecree',
    ).body;
    expect(decree.status).toBe('ISSUED');

    await page
      .getByRole('navigation', { name: 'Menu utama' })
      .getByRole('link', { name: 'SK Gubernur', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: 'SK Gubernur' }).waitFor();
    const row = page.locator(`[data-decree="${decreeId}"]`);
    await row.waitFor();
    expect(await row.getByRole('link').first().textContent()).toBe(decree.number);
    expect(await row.getByTestId('status-sk').textContent()).toBe('berlaku');
    expect(await row.textContent()).toContain('Kabupaten Kapuas');
    expect(await seriousViolations(page)).toEqual([]);

    await row.getByRole('link', { name: decree.number }).click();
    await page.getByTestId('nomor-sk').waitFor();
    expect(await page.getByTestId('nomor-sk').textContent()).toBe(`Nomor ${decree.number}`);
    const pdf = page.getByTestId('buka-pdf');
    expect(await pdf.getAttribute('target')).toBe('_blank');
    expect(await pdf.getAttribute('rel')).toBe('noopener');
    expect(await page.getByTestId('tautan-verifikasi').getAttribute('href')).toBe(
      `/verify/${decree.verifyCode}`,
    );
    expect(await page.getByTestId('fakta-sk').textContent()).toContain(decree.sha256 ?? 'no sha');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '23-penyetuju-sk');

    const reason = 'Penerima baris 4 ternyata juga dibayar Kotawaringin Barat pada periode ini.';
    await page.getByLabel('Alasan pencabutan').fill(reason);
    await page.getByRole('button', { name: 'Cabut SK' }).click();
    const revoke = page.getByRole('dialog', { name: `Cabut SK ${decree.number}?` });
    await revoke.waitFor();
    await revoke.getByRole('button', { name: 'Ya, cabut SK' }).click();
    await page.getByTestId('pencabutan').waitFor();
    expect(await page.getByTestId('status-sk').textContent()).toBe('dicabut');
    expect(await page.getByTestId('pencabutan').textContent()).toContain(reason);
    expect(await page.getByTestId('pencabutan').textContent()).toContain('Sekretaris Daerah');
    expect(await page.getByRole('button', { name: 'Cabut SK' }).count()).toBe(0);
    const revoked = ok(await (await auditorApi()).call('GetDecree', { params: { decreeId } }), 'GetDecree');
    expect(revoked.body).toMatchObject({ status: 'REVOKED', revocationReason: reason });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '24-sk-dicabut');
  });

  it('the approver rejects a verified list, with a reason the API keeps', async () => {
    // Kotawaringin Barat submits its list again; with Kapuas's decree revoked, the checks find
    // nothing, and both agencies sign off (not the point here: through the API).
    ok(
      await (await operatorOf(KOBAR)).call('SubmitProposal', { params: { proposalId: kobarId }, body: {} }),
      'Submit',
    );
    await stack.whenIdle();
    expect(await proposalNow(kobarId)).toMatchObject({ status: 'IN_REVIEW', openBlocking: 0 });
    for (const opd of ['DINSOS', 'BKAD']) {
      ok(
        await (await verifierOf(opd)).call('ReviewProposal', {
          params: { proposalId: kobarId },
          body: { decision: 'approve' },
        }),
        `ReviewProposal ${opd}`,
      );
    }
    expect((await proposalNow(kobarId)).status).toBe('VERIFIED');

    const page = await browserAs('Sekretaris Daerah');
    await open(page, `/usulan/${kobarId}`);
    const reason = page.getByLabel('Alasan penolakan');
    await reason.waitFor();
    await reason.fill('tidak');
    await page.getByRole('button', { name: 'Tolak usulan' }).click();
    await page.getByText('Tulis alasan penolakan, minimal 10 karakter.').waitFor();
    expect((await proposalNow(kobarId)).status).toBe('VERIFIED');

    const text = 'Anggaran periode ini sudah habis untuk Kotawaringin Barat; ajukan pada periode berikutnya.';
    await reason.fill(text);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Tolak usulan' }).click();
    await page.getByTestId('hasil-tindakan').filter({ hasText: 'Usulan ditolak' }).waitFor();
    await page.getByTestId('fakta-usulan').getByText('ditolak').waitFor();
    // Nothing left to decide.
    expect(await page.getByRole('button', { name: 'Setujui usulan' }).count()).toBe(0);
    const rejected = await proposalNow(kobarId);
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.history.at(-1)).toMatchObject({ action: 'REJECTED', reason: text });
    expect(await page.getByTestId('riwayat').textContent()).toContain(text);
  });

  it('raised no script error on any screen', () => {
    expect(pageErrors).toEqual([]);
  });
});
