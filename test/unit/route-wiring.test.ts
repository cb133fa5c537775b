import { describe, expect, it } from 'vitest';
import { apiHandler, json } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { ROUTES, routeById } from '../../functions/api/routes.ts';

/**
 * Reads and writes are wired by different functions: `apiHandler` (no idempotency in the bundle)
 * and `postHandler` (the `Idempotency-Key`). Each refuses, at load, a route of the other kind, so a
 * POST route cannot lose its idempotency by being wired as a read. (The bundle test checks which
 * bundles carry Powertools Idempotency.)
 */
const action = async () => json(200, {});

describe('route wiring', () => {
  it('apiHandler refuses every POST route at load, naming postHandler', () => {
    const posts = ROUTES.filter((route) => route.method === 'POST' && !route.public && !route.readOnly);
    expect(posts.length).toBeGreaterThan(5);
    for (const route of posts) expect(() => apiHandler(route, action)).toThrow(/postHandler/);
  });

  it('postHandler refuses every GET route at load, naming apiHandler', () => {
    const reads = ROUTES.filter((route) => route.method === 'GET' && !route.public);
    expect(reads.length).toBeGreaterThan(5);
    for (const route of reads) expect(() => postHandler(route, action)).toThrow(/apiHandler/);
  });

  it('a read-only POST (a search whose terms are personal data) is wired as a read, never with idempotency', () => {
    const reads = ROUTES.filter((route) => route.readOnly);
    expect(reads.map((route) => route.id).sort()).toEqual([
      'SearchFamilies',
      'SearchRecipients',
      'SearchTahapFamilies',
    ]);
    for (const route of reads) {
      expect(route.method).toBe('POST');
      // Granted reads; a search that logs what it answered puts those log items only (`putKeys`).
      expect(route.access.table).toBe('read');
      expect(typeof apiHandler(route, action)).toBe('function');
      expect(() => postHandler(route, action)).toThrow(/read-only route: wire it with apiHandler/);
    }
  });

  it('each wires a route of its own kind', () => {
    expect(typeof apiHandler(routeById('GetProposal'), action)).toBe('function');
    expect(typeof postHandler(routeById('SubmitProposal'), action)).toBe('function');
  });
});
