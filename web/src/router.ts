import { useEffect, useState } from 'preact/hooks';

/**
 * The console's pages, from the path. Paths are in Bahasa Indonesia (they show in the address bar
 * and in links people send each other); query strings carry filters, never personal data.
 */
export type Route =
  | { readonly page: 'home' }
  | { readonly page: 'callback' }
  | { readonly page: 'verify'; readonly code: string }
  /**
   * `/verify/card`: the public card check's form; `/verify/card/{code}`: the printed QR code of a KHBS
   * card (its verification code, never the card number). No sign-in.
   */
  | { readonly page: 'verify-card'; readonly code?: string }
  /**
   * `/kartu`: the kabupaten's cards (the printer's file; block or replace a card, named in a request
   * body, never in the address). Not `/cards`: that path is the API's.
   */
  | { readonly page: 'cards' }
  /** `/usulan`: proposals by region, period and status (a verifier's queue, an approver's desk). */
  | { readonly page: 'proposals' }
  /** `/usulan/{id}`: one proposal, its workflow, and the actions the user's role may take. */
  | { readonly page: 'proposal'; readonly proposalId: string }
  /** `/usulan/{id}/penerima`: the current list, paged, filtered by warning/flag or searched by name. */
  | { readonly page: 'recipients'; readonly proposalId: string }
  /** `/unggah`: upload a file; `/unggah/{id}`: its progress and result. */
  | { readonly page: 'upload' }
  | { readonly page: 'upload-result'; readonly uploadId: string }
  /** `/sk`: a year's decrees; `/sk/{id}`: one decree. */
  | { readonly page: 'decrees' }
  | { readonly page: 'decree'; readonly decreeId: string }
  /**
   * `/jejak-audit`: pick a proposal; `/jejak-audit/{proposalId}`: its trail and the chain's verdict.
   * Not `/audit`: that path is the API's (`GET /audit`), and the console must never shadow an API path.
   */
  | { readonly page: 'audit' }
  | { readonly page: 'audit-trail'; readonly proposalId: string }
  /** `/rekonsiliasi`: runs; `/rekonsiliasi/{runId}`: one run. */
  | { readonly page: 'reconciliations' }
  | { readonly page: 'reconciliation'; readonly runId: string }
  /**
   * The family programme. Not `/imports`, `/snapshots`, `/exclusion-lists` nor `/tahap`: those are
   * the API's paths. `/data-keluarga`: a region's DTSEN snapshots, its imports, the upload form;
   * `/data-keluarga/impor/{importId}`: one import as it runs; `/data-keluarga/snapshot/{region}/{versionDate}`:
   * one snapshot and its cross-check; `/pengecualian`: the exclusion lists.
   */
  | { readonly page: 'family-data' }
  | { readonly page: 'family-import'; readonly importId: string }
  | { readonly page: 'snapshot'; readonly region: string; readonly versionDate: string }
  | { readonly page: 'exclusion-lists' }
  /** `/tahapan`: the tahap (and, for an admin, a new one); `/tahapan/{id}`: one, its run and summary. */
  | { readonly page: 'tahap-list' }
  | { readonly page: 'tahap'; readonly tahapId: string }
  /**
   * Verval. `/tahapan/{id}/verval`: the kabupaten's desa, each one's relawan, progress, sheet and
   * results (the operator; `?desa=` opens one); `/verval`: the desa assigned to the signed-in relawan,
   * on a phone; `/verval/{tahapId}/impor/{importId}`: one uploaded result file as it is imported.
   * Not `/tahap/{id}/verval`: that path is the API's.
   */
  | { readonly page: 'tahap-verval'; readonly tahapId: string }
  | { readonly page: 'verval' }
  | { readonly page: 'verval-import'; readonly tahapId: string; readonly importId: string }
  /**
   * `/keluarga`: find a family (NIK, No KK, or name and desa: the terms stay out of the address);
   * `/keluarga/{familyId}`: its history by its opaque id (`KEL-…`), never by a No KK or NIK.
   * Not `/families`: that path is the API's.
   */
  | { readonly page: 'family-search' }
  | { readonly page: 'family'; readonly familyId: string }
  /**
   * Complaints. `/aduan`: the public form and status check (no sign-in); `/pengaduan`: staff's
   * queue; `/pengaduan/{complaintId}`: one complaint by its opaque id (`PGD-…`), never the citizen's
   * code. Not `/complaints`: that path is the API's.
   */
  | { readonly page: 'complaint-public' }
  | { readonly page: 'complaints' }
  | { readonly page: 'complaint'; readonly complaintId: string }
  /**
   * `/tahapan/{id}/penyaluran?kabupaten=`: a kabupaten's distribution in a tahap: its account-opening
   * requests and payment instructions for Bank Kalteng, the BKAD money view, BULOG's lists, the food
   * reconciliation per titik bagi, the EDC findings, and the desa's KPM list published for
   * objections. Not `/tahap/{id}/…`: those paths are the API's.
   */
  | { readonly page: 'tahap-distribution'; readonly tahapId: string }
  /** `/tahapan/{id}/dasbor?kabupaten=&kecamatan=`: the tahap's dashboard, drilled down. Not `/tahap/{id}/dashboard`: the API's. */
  | { readonly page: 'tahap-dashboard'; readonly tahapId: string }
  /** `/pengumuman/{publicationId}` (public): a desa's published KPM list while objections are open. */
  | { readonly page: 'publication'; readonly publicationId: string }
  /**
   * `/lapangan`: a relawan's field page (verval results and card handovers queued offline, sent when
   * back online).
   */
  | { readonly page: 'field' }
  | { readonly page: 'not-found' };

const FIXED: Readonly<Record<string, Route>> = {
  '/': { page: 'home' },
  '/auth/callback': { page: 'callback' },
  '/usulan': { page: 'proposals' },
  '/unggah': { page: 'upload' },
  '/sk': { page: 'decrees' },
  '/jejak-audit': { page: 'audit' },
  '/rekonsiliasi': { page: 'reconciliations' },
  '/data-keluarga': { page: 'family-data' },
  '/pengecualian': { page: 'exclusion-lists' },
  '/tahapan': { page: 'tahap-list' },
  '/verval': { page: 'verval' },
  '/keluarga': { page: 'family-search' },
  '/aduan': { page: 'complaint-public' },
  '/pengaduan': { page: 'complaints' },
  '/verify/card': { page: 'verify-card' },
  '/kartu': { page: 'cards' },
  '/lapangan': { page: 'field' },
};

/** Paths with one parameter: the pattern, and the route it makes of the (decoded) parameter. */
const WITH_PARAMETER: readonly (readonly [RegExp, (value: string) => Route])[] = [
  [/^\/verify\/card\/([^/]+)$/, (code) => ({ page: 'verify-card', code })],
  [/^\/verify\/([^/]+)$/, (code) => ({ page: 'verify', code })],
  [/^\/usulan\/([^/]+)$/, (proposalId) => ({ page: 'proposal', proposalId })],
  [/^\/usulan\/([^/]+)\/penerima$/, (proposalId) => ({ page: 'recipients', proposalId })],
  [/^\/unggah\/([^/]+)$/, (uploadId) => ({ page: 'upload-result', uploadId })],
  [/^\/sk\/([^/]+)$/, (decreeId) => ({ page: 'decree', decreeId })],
  [/^\/jejak-audit\/([^/]+)$/, (proposalId) => ({ page: 'audit-trail', proposalId })],
  [/^\/rekonsiliasi\/([^/]+)$/, (runId) => ({ page: 'reconciliation', runId })],
  [/^\/data-keluarga\/impor\/([^/]+)$/, (importId) => ({ page: 'family-import', importId })],
  [/^\/tahapan\/([^/]+)$/, (tahapId) => ({ page: 'tahap', tahapId })],
  [/^\/tahapan\/([^/]+)\/verval$/, (tahapId) => ({ page: 'tahap-verval', tahapId })],
  [/^\/tahapan\/([^/]+)\/penyaluran$/, (tahapId) => ({ page: 'tahap-distribution', tahapId })],
  [/^\/tahapan\/([^/]+)\/dasbor$/, (tahapId) => ({ page: 'tahap-dashboard', tahapId })],
  [/^\/pengumuman\/(PUB-[A-Z2-7]{12})$/, (publicationId) => ({ page: 'publication', publicationId })],
  // Only an opaque family id: a path of 16 digits (a No KK, a NIK) is no page of the console.
  [/^\/keluarga\/(KEL-[A-Z2-7]{12})$/, (familyId) => ({ page: 'family', familyId })],
  [/^\/pengaduan\/(PGD-[A-Z2-7]{12})$/, (complaintId) => ({ page: 'complaint', complaintId })],
];

/** `/verval/2026-1/impor/{importId}`: a tahap and an import. */
const VERVAL_IMPORT_PATH = /^\/verval\/(\d{4}-\d{1,2})\/impor\/([A-Za-z0-9_-]+)$/;

/** `/data-keluarga/snapshot/62.03/2026-09-30`: a region and a version date. */
const SNAPSHOT_PATH = /^\/data-keluarga\/snapshot\/(62\.\d{2})\/(\d{4}-\d{2}-\d{2})$/;

export function parseRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname || '/';
  const fixed = FIXED[path];
  if (fixed !== undefined) return fixed;
  const snapshot = SNAPSHOT_PATH.exec(path);
  if (snapshot?.[1] !== undefined && snapshot[2] !== undefined) {
    return { page: 'snapshot', region: snapshot[1], versionDate: snapshot[2] };
  }
  const vervalImport = VERVAL_IMPORT_PATH.exec(path);
  if (vervalImport?.[1] !== undefined && vervalImport[2] !== undefined) {
    return { page: 'verval-import', tahapId: vervalImport[1], importId: vervalImport[2] };
  }
  for (const [pattern, route] of WITH_PARAMETER) {
    const value = pattern.exec(path)?.[1];
    if (value === undefined) continue;
    try {
      return route(decodeURIComponent(value));
    } catch {
      return { page: 'not-found' };
    }
  }
  return { page: 'not-found' };
}

/** The path of a page inside the console, its parameter encoded. */
export const pathTo = {
  proposals: (query?: Readonly<Record<string, string | undefined>>) => withQuery('/usulan', query),
  proposal: (proposalId: string) => `/usulan/${encodeURIComponent(proposalId)}`,
  recipients: (proposalId: string, query?: Readonly<Record<string, string | undefined>>) =>
    withQuery(`/usulan/${encodeURIComponent(proposalId)}/penerima`, query),
  upload: (query?: Readonly<Record<string, string | undefined>>) => withQuery('/unggah', query),
  uploadResult: (uploadId: string) => `/unggah/${encodeURIComponent(uploadId)}`,
  decrees: (query?: Readonly<Record<string, string | undefined>>) => withQuery('/sk', query),
  decree: (decreeId: string) => `/sk/${encodeURIComponent(decreeId)}`,
  audit: (proposalId?: string) =>
    proposalId === undefined ? '/jejak-audit' : `/jejak-audit/${encodeURIComponent(proposalId)}`,
  reconciliations: () => '/rekonsiliasi',
  reconciliation: (runId: string) => `/rekonsiliasi/${encodeURIComponent(runId)}`,
  familyData: (query?: Readonly<Record<string, string | undefined>>) => withQuery('/data-keluarga', query),
  familyImport: (importId: string) => `/data-keluarga/impor/${encodeURIComponent(importId)}`,
  snapshot: (region: string, versionDate: string) =>
    `/data-keluarga/snapshot/${encodeURIComponent(region)}/${encodeURIComponent(versionDate)}`,
  exclusionLists: () => '/pengecualian',
  tahapList: () => '/tahapan',
  tahap: (tahapId: string, query?: Readonly<Record<string, string | undefined>>) =>
    withQuery(`/tahapan/${encodeURIComponent(tahapId)}`, query),
  tahapVerval: (tahapId: string, query?: Readonly<Record<string, string | undefined>>) =>
    withQuery(`/tahapan/${encodeURIComponent(tahapId)}/verval`, query),
  verval: () => '/verval',
  verifyCard: (code?: string) =>
    code === undefined ? '/verify/card' : `/verify/card/${encodeURIComponent(code)}`,
  cards: () => '/kartu',
  field: () => '/lapangan',
  familySearch: () => '/keluarga',
  family: (familyId: string) => `/keluarga/${encodeURIComponent(familyId)}`,
  tahapDistribution: (tahapId: string, query?: Readonly<Record<string, string | undefined>>) =>
    withQuery(`/tahapan/${encodeURIComponent(tahapId)}/penyaluran`, query),
  tahapDashboard: (tahapId: string, query?: Readonly<Record<string, string | undefined>>) =>
    withQuery(`/tahapan/${encodeURIComponent(tahapId)}/dasbor`, query),
  publication: (publicationId: string) => `/pengumuman/${encodeURIComponent(publicationId)}`,
  vervalImport: (tahapId: string, importId: string, query?: Readonly<Record<string, string | undefined>>) =>
    withQuery(`/verval/${encodeURIComponent(tahapId)}/impor/${encodeURIComponent(importId)}`, query),
} as const;

function withQuery(path: string, query?: Readonly<Record<string, string | undefined>>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') search.set(name, value);
  }
  return search.size > 0 ? `${path}?${search.toString()}` : path;
}

const listeners = new Set<() => void>();

/** Goes to `path` inside the app, without reloading it. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

/**
 * A link's click handler that navigates inside the app (a plain click; a click with a modifier, or
 * the middle button, opens a new tab as links do).
 */
export function followLink(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
    return;
  }
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || anchor.target === '_blank' || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin || /^\/(oidc|api)\//.test(url.pathname)) return;
  event.preventDefault();
  navigate(`${url.pathname}${url.search}`);
}

/** The current route, following links, back and forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** The current query string's parameters (filters, page cursors), re-read on every navigation. */
export function useQuery(): URLSearchParams {
  const [search, setSearch] = useState(() => location.search);
  useEffect(() => {
    const update = () => setSearch(location.search);
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return new URLSearchParams(search);
}
