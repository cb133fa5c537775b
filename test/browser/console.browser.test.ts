import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '#shared/contract/client.ts';
import { signLocalToken } from '../../local/auth.ts';
import { WEB_DIST } from '../../local/console.ts';
import type { LocalStack } from '../../local/stack.ts';
import { consoleTestHooks, issueDecreeThroughApi, screenshot, seriousViolations } from './support.ts';

/**
 * The console in a real browser (headless Chromium) against the whole local stack, as `npm start`
 * runs it: the operator signs in through the local OpenID Connect provider's page (authorization
 * code + PKCE), sees who they are, signs out; a citizen opens a real decree's verification URL.
 * Every screen passes axe-core (no serious or critical violation) and is saved under `out/`.
 */
let stack: LocalStack;
let _browser: Browser;
let _context: BrowserContext;
let page: Page;

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

describe('the console', () => {
  it('signs the operator of Kapuas in through the local provider, shows who they are, and signs out', async () => {
    await page.goto(`${stack.apiUrl}/`);
    await page.getByRole('heading', { level: 1, name: 'Masuk' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '01-masuk');

    await page.getByRole('button', { name: 'Masuk' }).click();
    // The provider's own page: one button per local user.
    await page.getByRole('heading', { name: 'Masuk ke KHBS' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/oidc\/interaction\//);
    await screenshot(page, '02-penyedia-identitas');
    await page.getByRole('button', { name: /Operator Kabupaten Kapuas/ }).click();

    await page.getByRole('heading', { level: 1, name: 'Siapa saya' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByTestId('nama').textContent()).toBe('Operator Kabupaten Kapuas');
    expect(await page.getByTestId('peran').textContent()).toBe('Operator kabupaten/kota');
    expect(await page.getByTestId('wilayah').textContent()).toBe('Kabupaten Kapuas (62.03)');
    await expect(page.getByText('Mengunggah berkas daftar penerima').isVisible()).resolves.toBe(true);
    await expect(page.getByText('Membaca jejak audit').count()).resolves.toBe(0);
    // The menu offers the operator's sections only (the API refuses the rest anyway).
    const menu = page.getByRole('navigation', { name: 'Menu utama' });
    expect(await menu.getByRole('link').allTextContents()).toEqual([
      'Beranda',
      'Usulan',
      'Unggah berkas',
      'Data keluarga',
      'Tahap',
      'Kartu KHBS',
      'Cari keluarga',
      'Pengaduan',
      'SK Gubernur',
    ]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '03-siapa-saya');

    // The ID token the console holds is a bearer the API accepts, scoped to the operator's region.
    const idToken = await page.evaluate('JSON.parse(sessionStorage.getItem("khbs.session")).idToken');
    expect(typeof idToken).toBe('string');
    const api = createApiClient({ baseUrl: stack.apiUrl, token: String(idToken) });
    const own = await api.call('ListProposals', { query: { region: '62.03' } });
    expect(own.status).toBe(200);
    const other = await api.call('ListProposals', { query: { region: '62.01' } });
    expect(other.status).toBe(403);

    await page.getByRole('button', { name: 'Keluar' }).click();
    await page.getByRole('heading', { level: 1, name: 'Masuk' }).waitFor();
    expect(await page.evaluate('sessionStorage.getItem("khbs.session")')).toBeNull();
  });

  it('signs a DINSOS verifier in with the keyboard alone and shows the agency', async () => {
    await page.goto(`${stack.apiUrl}/`);
    const heading = page.getByRole('heading', { level: 1, name: 'Masuk' });
    await heading.waitFor();
    // The page's heading has the focus; the next stop is the sign-in button.
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('H1');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Masuk');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Masuk ke KHBS' }).waitFor();
    await page.getByRole('button', { name: /Verifikator DINSOS/ }).focus();
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 1, name: 'Siapa saya' }).waitFor();
    expect(await page.getByTestId('peran').textContent()).toBe('Verifikator perangkat daerah');
    expect(await page.getByTestId('opd').textContent()).toBe('DINSOS');
    expect(await page.getByTestId('wilayah').textContent()).toBe('Semua kabupaten/kota di Kalimantan Tengah');
    await expect(page.getByText('Mengesampingkan temuan dengan alasan tertulis').isVisible()).resolves.toBe(
      true,
    );
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('opens a decree by its printed verification URL, on a phone, with no personal data', async () => {
    const decree = await issueDecreeThroughApi(stack, '62.03', '2026-S1');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.apiUrl}/verify/${decree.verifyCode}`);
    await page.getByRole('heading', { level: 1, name: 'Verifikasi SK Gubernur' }).waitFor();
    await page.getByTestId('nomor').waitFor();
    expect(await page.getByTestId('nomor').textContent()).toBe(decree.number);
    expect(await page.getByTestId('status').textContent()).toBe('berlaku');
    expect(await page.getByTestId('putusan').textContent()).toContain('Asli dan berlaku');
    // Nothing of a recipient: no NIK (16 digits on their own: the PDF's SHA-256, in hex, may hold a
    // run of digits that long), no account number, no name.
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/(?<![0-9a-f])\d{16}(?![0-9a-f])/);
    expect(text).not.toContain('Warga');
    // Readable on a phone: nothing wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '04-verifikasi');

    // The same URL still answers JSON to a program.
    const response = await fetch(`${stack.apiUrl}/verify/${decree.verifyCode}`);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ number: decree.number, inForce: true });

    // Revoked by the approver: the same printed URL now says so, plainly.
    const approver = createApiClient({
      baseUrl: stack.apiUrl,
      token: await signLocalToken({ sub: 'sekda-1', name: 'Sekretaris Daerah', groups: ['approver'] }, 600),
    });
    const revoked = await approver.call('RevokeDecree', {
      params: { decreeId: decree.decreeId },
      body: { reason: 'Daftar memuat penerima yang sudah meninggal dunia.' },
    });
    expect(revoked.status).toBe(200);
    await page.reload();
    await page.getByTestId('status').waitFor();
    expect(await page.getByTestId('status').textContent()).toBe('dicabut');
    expect(await page.getByTestId('putusan').textContent()).toContain('Asli, tetapi telah dicabut');
    // The reason is the approver's, not the public's.
    expect(await page.locator('main').textContent()).not.toContain('meninggal');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '05-verifikasi-dicabut');
  });

  it('serves browsers the console and programs the API on one origin', async () => {
    const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    const forBrowser = await fetch(`${stack.apiUrl}/verify/ABCD-EFGH-JKMN`, { headers: html });
    expect(forBrowser.headers.get('content-type')).toMatch(/^text\/html/);
    expect(forBrowser.headers.get('vary')).toBe('accept');
    expect(forBrowser.headers.get('content-security-policy')).toContain("script-src 'self'");
    // Any other API route answers JSON even to a browser; paths that are no route get the console.
    const health = await fetch(`${stack.apiUrl}/health`, { headers: html });
    expect(health.headers.get('content-type')).toMatch(/^application\/json/);
    const unknown = await fetch(`${stack.apiUrl}/tidak-ada`, { headers: html });
    expect(unknown.headers.get('content-type')).toMatch(/^text\/html/);
    const program = await fetch(`${stack.apiUrl}/tidak-ada`);
    expect(program.status).toBe(404);
    expect(await program.json()).toEqual({ message: 'Not Found' });
  });

  it('keeps the first load within 200 KB of JavaScript, gzipped', async () => {
    const assets = join(WEB_DIST, 'assets');
    const scripts = (await readdir(assets)).filter((name) => name.endsWith('.js'));
    let gzipped = 0;
    for (const name of scripts) gzipped += gzipSync(await readFile(join(assets, name)), { level: 9 }).length;
    expect(scripts.length).toBeGreaterThan(0);
    expect(gzipped).toBeLessThanOrEqual(200 * 1024);
  });

  it('says plainly when a code is unknown', async () => {
    await page.goto(`${stack.apiUrl}/verify/ABCD-EFGH-JKMN`);
    await page.getByTestId('putusan').waitFor();
    expect(await page.getByTestId('putusan').textContent()).toContain('Dokumen tidak dikenal');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, '06-verifikasi-tidak-dikenal');
  });
});
