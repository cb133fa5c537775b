import * as z from 'zod';
import { API_CONTRACT, type ApiRouteId, type RouteContract } from './api.ts';
import { ErrorBodySchema } from './responses.ts';

/** What the generator needs of the route table (`functions/api/routes.ts`): who may call each route. */
export interface RouteAccessInfo {
  readonly id: string;
  readonly public: boolean;
  readonly capability?: string | undefined;
}

type JsonSchema = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Input refused (path, query or body), with the reason per field in `details`.',
  401: 'No token, or a token that is not valid.',
  403: "The caller's role may not do this, or not for this region.",
  404: 'Nothing with this id (or not visible to the caller).',
  409: 'Refused by the workflow rules or a concurrent change; `details.reason` names why.',
  413: 'Body over 16 KB.',
  429: "Too many requests from this source (the application's own limit); try again later.",
};

/** Input schemas as a client writes them (a number in a query string is a string of digits). */
const inputSchema = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
const outputSchema = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;

/** Path or query parameters from an object schema's properties. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = inputSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { $schema: _, ...rest } = property;
    return { name, in: where, required: where === 'path' || required.has(name), schema: rest };
  });
}

/** Drops the `$schema` key zod puts on each top-level schema (the document declares the dialect once). */
function bare(schema: JsonSchema): JsonSchema {
  const { $schema: _, ...rest } = schema;
  return rest;
}

/** The statuses a route may answer with an error body. */
function errorStatuses(route: RouteContract, access: RouteAccessInfo): number[] {
  const statuses = new Set<number>();
  if (route.params || route.query || route.body) statuses.add(400);
  if (!access.public) {
    statuses.add(401);
    statuses.add(403);
  }
  if (route.params) statuses.add(404);
  if (route.method === 'POST') {
    // Every body is size-checked; only a write has rules to refuse it by.
    if (!route.readOnly) statuses.add(409);
    statuses.add(413);
  }
  if (route.rateLimited) statuses.add(429);
  return [...statuses].sort();
}

/**
 * The OpenAPI 3.1 document of the API, from the contract's zod schemas (zod 4's own
 * `z.toJSONSchema`, whose draft 2020-12 output is OpenAPI 3.1's schema dialect) and the route
 * table's access rules. Generated at build time (`npm run openapi`) into `openapi.json` beside this
 * module; no function builds it at run time.
 */
export function openApiDocument(routes: readonly RouteAccessInfo[], version: string): JsonSchema {
  const access = new Map(routes.map((route) => [route.id, route]));
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [id, route] of Object.entries(API_CONTRACT) as [ApiRouteId, RouteContract][]) {
    const info = access.get(id);
    if (!info) throw new Error(`route ${id} is in the contract but not in the route table`);
    const responses: Record<string, JsonSchema> = {};
    for (const [status, schema] of Object.entries(route.responses)) {
      responses[status] = {
        description: Number(status) === 202 ? 'Accepted' : 'OK',
        content: { 'application/json': { schema: bare(outputSchema(schema)) } },
      };
    }
    for (const status of errorStatuses(route, info)) {
      responses[String(status)] = {
        description: ERROR_DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const operation: JsonSchema = {
      operationId: id,
      summary: route.summary,
      ...(info.public
        ? { security: [] }
        : { security: [{ cognito: [] }], 'x-khbs-capability': info.capability }),
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(route.body
        ? {
            requestBody: {
              required: !route.bodyOptional,
              content: { 'application/json': { schema: bare(inputSchema(route.body)) } },
            },
          }
        : {}),
      responses,
    };
    if (route.method === 'POST' && !route.readOnly) {
      (operation.parameters as JsonSchema[]).push({ $ref: '#/components/parameters/IdempotencyKey' });
    }
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, JsonSchema>)[route.method.toLowerCase()] = operation;
  }
  for (const route of routes) {
    if (!(route.id in API_CONTRACT)) {
      throw new Error(`route ${route.id} has no contract entry`);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'KHBS BKK API',
      version,
      description:
        'Recipient lists of the BKK (Kartu Huma Betang Sejahtera) for Kalimantan Tengah: uploads, verification, ' +
        'SK Gubernur and reconciliation. Messages are in Bahasa Indonesia. Generated from the zod schemas the ' +
        'handlers parse with (shared/contract/).',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: {
      securitySchemes: {
        cognito: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'The Cognito ID token (it carries cognito:groups, custom:region and custom:opd); an access token has no region or agency.',
        },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Any POST: the same key with the same body gets the first answer again, and acts once.',
          schema: { type: 'string', maxLength: 128 },
        },
      },
      schemas: { Error: bare(outputSchema(ErrorBodySchema)) },
    },
    paths,
  };
}
