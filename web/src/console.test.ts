import { describe, expect, it, vi } from 'vitest';
import { routeOf } from '#shared/contract/client.ts';
import type { IdClaims } from './auth.ts';
import { formatDate, formatDateTime, formatRupiah } from './format.ts';
import { parseRoute, pathTo, type Route } from './router.ts';
import { CAPABILITY_LABEL, identityOf } from './who.ts';

const claims = (extra: Record<string, unknown>): IdClaims => ({
  iss: 'http://127.0.0.1:3000/oidc',
  aud: 'khbs-console',
  sub: 'operator-62.03',
  iat: 1_800_000_000,
  exp: 1_800_003_600,
  ...extra,
});

describe('parseRoute', () => {
  it('knows the console pages and the printed verification URL', () => {
    expect(parseRoute('/')).toEqual({ page: 'home' });
    expect(parseRoute('/auth/callback')).toEqual({ page: 'callback' });
    expect(parseRoute('/verify/ABCD-EFGH-JKMN')).toEqual({ page: 'verify', code: 'ABCD-EFGH-JKMN' });
    expect(parseRoute('/verify/abcd%20efgh/')).toEqual({ page: 'verify', code: 'abcd efgh' });
    expect(parseRoute('/verify/%E0%A4%A')).toEqual({ page: 'not-found' });
    expect(parseRoute('/verify/a/b')).toEqual({ page: 'not-found' });
    // A card's printed code, and the card check's form (no code yet).
    expect(parseRoute('/verify/card/ABCD-EFGH-JKMN')).toEqual({
      page: 'verify-card',
      code: 'ABCD-EFGH-JKMN',
    });
    expect(parseRoute('/verify/card')).toEqual({ page: 'verify-card' });
    expect(parseRoute('/verify/card/')).toEqual({ page: 'verify-card' });
    expect(pathTo.verifyCard()).toBe('/verify/card');
    expect(parseRoute('/proposals')).toEqual({ page: 'not-found' });
    expect(parseRoute('/usulan/62.03-2026-S1/penerima')).toEqual({
      page: 'recipients',
      proposalId: '62.03-2026-S1',
    });
    expect(parseRoute('/sk/')).toEqual({ page: 'decrees' });
  });

  it('lists KPM proposals by a query parameter, and opens them at the proposal path', () => {
    expect(pathTo.proposals({ jenis: 'KPM', wilayah: '62.03' })).toBe('/usulan?jenis=KPM&wilayah=62.03');
    expect(parseRoute('/usulan/KPM-62.03-2026-1')).toEqual({
      page: 'proposal',
      proposalId: 'KPM-62.03-2026-1',
    });
    expect(parseRoute('/usulan/KPM-62.03-2026-1/penerima')).toEqual({
      page: 'recipients',
      proposalId: 'KPM-62.03-2026-1',
    });
  });

  it('opens a family only by its opaque id: never a No KK or NIK in the address', () => {
    expect(parseRoute('/keluarga')).toEqual({ page: 'family-search' });
    expect(parseRoute('/keluarga/KEL-ABCDEFGH2345')).toEqual({
      page: 'family',
      familyId: 'KEL-ABCDEFGH2345',
    });
    expect(parseRoute('/keluarga/6203010101010001')).toEqual({ page: 'not-found' });
    expect(parseRoute('/keluarga/KEL-abc')).toEqual({ page: 'not-found' });
    // The API's own path is not the console's.
    expect(parseRoute('/families/KEL-ABCDEFGH2345')).toEqual({ page: 'not-found' });
    // A complaint by its staff id only: never the citizen's code, never the API's path.
    expect(parseRoute('/pengaduan/ADU-7K2M-9Q0Z-1ABC')).toEqual({ page: 'not-found' });
    expect(parseRoute('/complaints/PGD-ABCDEFGH2345')).toEqual({ page: 'not-found' });
    // A published KPM list by its opaque id only; the API's own path is no page.
    expect(parseRoute('/pengumuman/PUB-ABCDEFGH2345')).toEqual({
      page: 'publication',
      publicationId: 'PUB-ABCDEFGH2345',
    });
    expect(parseRoute('/pengumuman/6203010101010001')).toEqual({ page: 'not-found' });
    expect(parseRoute('/publications/PUB-ABCDEFGH2345')).toEqual({ page: 'not-found' });
  });

  // One path of every page (a page added to Route fails to compile until it is named here).
  const EXAMPLES: Readonly<Record<Route['page'], string>> = {
    home: '/',
    callback: '/auth/callback',
    verify: '/verify/ABCD-EFGH-JKMN',
    'verify-card': pathTo.verifyCard('ABCD-EFGH-JKMN'),
    cards: pathTo.cards(),
    field: pathTo.field(),
    proposals: pathTo.proposals({ status: 'IN_REVIEW' }),
    proposal: pathTo.proposal('62.03-2026-S1'),
    recipients: pathTo.recipients('62.03-2026-S1'),
    upload: pathTo.upload(),
    'upload-result': pathTo.uploadResult('u-1'),
    decrees: pathTo.decrees({ tahun: '2026' }),
    decree: pathTo.decree('SK-62.03-2026-S1'),
    audit: pathTo.audit(),
    'audit-trail': pathTo.audit('62.03-2026-S1'),
    reconciliations: pathTo.reconciliations(),
    reconciliation: pathTo.reconciliation('run-1'),
    'family-data': pathTo.familyData({ kabupaten: '62.03' }),
    'family-import': pathTo.familyImport('imp-1'),
    snapshot: pathTo.snapshot('62.03', '2026-09-30'),
    'exclusion-lists': pathTo.exclusionLists(),
    'tahap-list': pathTo.tahapList(),
    tahap: pathTo.tahap('2026-1', { kabupaten: '62.03', kecamatan: '62.03.01' }),
    'tahap-verval': pathTo.tahapVerval('2026-1', { desa: '62.03.01.2001' }),
    verval: pathTo.verval(),
    'verval-import': pathTo.vervalImport('2026-1', 'a1b2c3', { desa: '62.03.01.2001' }),
    'family-search': pathTo.familySearch(),
    family: pathTo.family('KEL-ABCDEFGH2345'),
    'complaint-public': '/aduan',
    complaints: '/pengaduan',
    complaint: '/pengaduan/PGD-ABCDEFGH2345',
    'tahap-distribution': pathTo.tahapDistribution('2026-1', { kabupaten: '62.03' }),
    'tahap-dashboard': pathTo.tahapDashboard('2026-1', { kabupaten: '62.03', kecamatan: '62.03.01' }),
    publication: pathTo.publication('PUB-ABCDEFGH2345'),
    'not-found': '/tidak-ada',
  };

  it('reads back every path it makes', () => {
    for (const [page, path] of Object.entries(EXAMPLES)) {
      expect(parseRoute(new URL(path, 'http://x').pathname).page, path).toBe(page);
    }
  });

  it('never shadows an API route: a browser on a console path must not get JSON, nor a program HTML', () => {
    // `/verify/{code}` and `/verify/card/{code}` (the printed QR codes) are shared on purpose
    // (negotiated on Accept).
    for (const [page, path] of Object.entries(EXAMPLES)) {
      if (page === 'verify' || page === 'verify-card') continue;
      expect(routeOf('GET', path), path).toBeUndefined();
    }
  });
});

describe('formats', () => {
  it('shows a decree date as the calendar day it is, whatever the viewer’s time zone', () => {
    expect(formatDate('2026-03-02')).toBe('2 Maret 2026');
  });

  it('shows instants in WIB', () => {
    // 17:05 UTC is 00:05 the next day in Jakarta.
    expect(formatDateTime('2026-03-02T17:05:00Z')).toBe('3 Maret 2026 pukul 00.05 WIB');
    expect(formatDateTime('bukan tanggal')).toBe('bukan tanggal');
  });

  it('shows Rupiah without cents', () => {
    expect(formatRupiah(1_500_000).replace(/\s/g, ' ')).toBe('Rp 1.500.000');
  });
});

describe('identityOf', () => {
  it('reads an operator with the API’s own rules: one region, its capabilities', () => {
    const identity = identityOf(
      claims({ name: 'Operator Kabupaten Kapuas', groups: ['operator'], region: '62.03' }),
    );
    if (!identity.ok) throw new Error(identity.problem);
    expect(identity.scope.role).toBe('operator');
    expect(identity.regionLabel).toBe('Kabupaten Kapuas (62.03)');
    expect([...identity.scope.capabilities]).toContain('proposals:submit');
    expect([...identity.scope.capabilities]).not.toContain('audit:read');
  });

  it('reads Cognito’s claim names too', () => {
    const identity = identityOf(
      claims({ 'cognito:groups': ['verifier'], 'custom:opd': 'dinsos', 'cognito:username': 'budi' }),
    );
    expect(identity.ok && identity.scope.agency).toBe('DINSOS');
  });

  it('says why an account cannot be used, as the API would refuse it', () => {
    const two = identityOf(claims({ name: 'Dua Peran', groups: ['operator', 'auditor'], region: '62.03' }));
    expect(two).toMatchObject({ ok: false, name: 'Dua Peran' });
    expect(!two.ok && two.problem).toMatch(/lebih dari satu peran/);
    const noRegion = identityOf(claims({ groups: ['operator'] }));
    expect(!noRegion.ok && noRegion.problem).toMatch(/kabupaten\/kota/);
  });

  it('names every capability in Indonesian', () => {
    for (const label of Object.values(CAPABILITY_LABEL)) expect(label).toMatch(/^[A-Z][a-z]/);
  });
});

describe('signOut', () => {
  const config = {
    apiBaseUrl: '',
    oidc: {
      issuer: 'https://cognito-idp.ap-southeast-3.amazonaws.com/ap-southeast-3_pool',
      clientId: 'client-1',
      scope: 'openid',
      logoutUrl: 'https://khbs.auth.ap-southeast-3.amazoncognito.com/logout',
    },
  };

  /** Signs out with the browser globals replaced; returns where the console sent the browser. */
  async function signOutWith(discovery: Record<string, unknown>, withLogoutUrl: boolean): Promise<string> {
    const assigned: string[] = [];
    const storage = new Map<string, string>();
    vi.stubGlobal('location', {
      origin: 'https://khbs.example.go.id',
      assign: (url: string) => assigned.push(url),
    });
    vi.stubGlobal('sessionStorage', {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => storage.set(key, value),
      removeItem: (key: string) => storage.delete(key),
    });
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(discovery), { status: 200 }));
    try {
      const { signOut } = await import('./auth.ts');
      const { logoutUrl: _none, ...withoutLogout } = config.oidc;
      await signOut(withLogoutUrl ? config : { ...config, oidc: withoutLogout });
    } finally {
      vi.unstubAllGlobals();
    }
    return assigned[0] ?? '';
  }

  const cognitoDiscovery = {
    issuer: config.oidc.issuer,
    authorization_endpoint: 'https://khbs.auth.ap-southeast-3.amazoncognito.com/oauth2/authorize',
    token_endpoint: 'https://khbs.auth.ap-southeast-3.amazoncognito.com/oauth2/token',
  };

  it("ends Cognito's session at its hosted UI's /logout, which publishes no end_session_endpoint", async () => {
    const url = new URL(await signOutWith(cognitoDiscovery, true));
    expect(`${url.origin}${url.pathname}`).toBe(config.oidc.logoutUrl);
    expect(url.searchParams.get('client_id')).toBe('client-1');
    expect(url.searchParams.get('logout_uri')).toBe('https://khbs.example.go.id/');
  });

  it('without a logout URL only forgets the token and goes home', async () => {
    expect(await signOutWith(cognitoDiscovery, false)).toBe('/');
  });
});
