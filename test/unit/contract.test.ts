import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_CONTRACT, type RouteContract } from '#shared/contract/api.ts';
import { ROUTES } from '../../functions/api/routes.ts';
import { currentDocument, OPENAPI_PATH } from '../../scripts/openapi.ts';

/**
 * The contract and the route table describe the same API: a route without its contract entry (or
 * an entry without its route) fails here, and so does a committed `openapi.json` that no longer
 * matches the schemas (regenerate with `npm run openapi`).
 */
type Operation = {
  operationId: string;
  security: unknown[];
  'x-khbs-capability'?: string;
  parameters: { name?: string; in?: string; required?: boolean; $ref?: string }[];
  requestBody?: { required: boolean };
  responses: Record<string, unknown>;
};
const committed = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
};
const operation = (path: string, method: string): Operation => {
  const found = committed.paths[path]?.[method.toLowerCase()];
  if (!found) throw new Error(`no ${method} ${path} in openapi.json`);
  return found;
};

describe('the API contract', () => {
  it('has an entry for every route and a route for every entry, with the same method and path', () => {
    const contract = API_CONTRACT as Readonly<Record<string, RouteContract>>;
    expect(Object.keys(contract).sort()).toEqual(ROUTES.map((route) => route.id).sort());
    for (const route of ROUTES) {
      expect(
        {
          method: contract[route.id]?.method,
          path: contract[route.id]?.path,
          readOnly: contract[route.id]?.readOnly ?? false,
        },
        route.id,
      ).toEqual({ method: route.method, path: route.path, readOnly: route.readOnly ?? false });
    }
  });

  it('is published as the committed openapi.json, exactly as the schemas make it (npm run openapi)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(currentDocument())));
    expect(committed.openapi).toBe('3.1.0');
  });

  it('names the bearer scheme on every protected route and none on the public ones', () => {
    expect(committed.components.securitySchemes.cognito).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const route of ROUTES) {
      const op = operation(route.path, route.method);
      expect(op.operationId).toBe(route.id);
      if (route.public) {
        expect(op.security, route.id).toEqual([]);
        expect(Object.keys(op.responses)).not.toContain('401');
      } else {
        expect(op.security, route.id).toEqual([{ cognito: [] }]);
        expect(op['x-khbs-capability'], route.id).toBe(route.capability);
        expect(Object.keys(op.responses), route.id).toEqual(expect.arrayContaining(['401', '403']));
      }
    }
  });

  it('lists every path parameter, the query parameters and bodies the handlers parse', () => {
    for (const route of ROUTES) {
      const op = operation(route.path, route.method);
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const declared = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
      expect(declared, route.id).toEqual(inPath);
      expect(Boolean(op.requestBody), route.id).toBe(route.method === 'POST');
      if (route.method === 'POST' && !route.readOnly) {
        expect(op.parameters.map((p) => p.$ref)).toContain('#/components/parameters/IdempotencyKey');
        expect(Object.keys(op.responses), route.id).toEqual(expect.arrayContaining(['400', '409', '413']));
      }
      if (route.readOnly) {
        // A read sent as a POST (its body holds a name): no idempotency, nothing to conflict with.
        expect(
          op.parameters.map((p) => p.$ref),
          route.id,
        ).not.toContain('#/components/parameters/IdempotencyKey');
        expect(Object.keys(op.responses), route.id).toEqual(expect.arrayContaining(['400', '413']));
        expect(Object.keys(op.responses), route.id).not.toContain('409');
      }
    }
    const recipients = operation('/proposals/{proposalId}/recipients', 'GET');
    expect(recipients.parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual([
      'cursor',
      'limit',
      'flag',
    ]);
    expect(operation('/reconciliations', 'POST').requestBody?.required).toBe(false);
    // A name is searched for in the body, never in a URL.
    expect(operation('/proposals/{proposalId}/recipients/search', 'POST').parameters).not.toContainEqual(
      expect.objectContaining({ in: 'query' }),
    );
    expect(operation('/uploads', 'POST').requestBody?.required).toBe(true);
    expect(Object.keys(operation('/proposals/{proposalId}/waivers', 'POST').responses)).toContain('201');
    expect(Object.keys(operation('/reconciliations', 'POST').responses)).toContain('202');
  });
});
