import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import type { RouteSpec } from '#functions/api/routes.ts';
import { BadRequestError, ForbiddenError, PayloadTooLargeError } from '../errors.ts';
import { logger } from '../logger.ts';
import { correlate } from '../observability/telemetry.ts';
import { captureHandler } from '../observability/tracing.ts';
import { requireCapability, type Scope, scopeOf } from './caller.ts';
import { type ApiEvent, type ApiResult, issueDetails, mapError } from './public-handler.ts';
import './zod-messages.ts';

/**
 * The public routes' half (responses, error mapping, {@link publicHandler}) lives in
 * `./public-handler.ts`, which needs neither the caller's claims (zod) nor idempotency (DynamoDB):
 * `/health` imports only that. Re-exported here for the routes that import everything from one place.
 */
export {
  type ApiEvent,
  type ApiResult,
  errorResponse,
  issueDetails,
  json,
  publicHandler,
} from './public-handler.ts';

/** Validates input against a schema; a failure is a 400 whose details are zod's issues. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BadRequestError('Permintaan tidak valid.', issueDetails(result.error));
}

/**
 * The largest JSON body any route takes (a note of 2,000 characters and a few fields need ~8 KB).
 * Larger bodies are refused before they are parsed, so nobody makes a function parse megabytes.
 */
export const MAX_JSON_BODY_BYTES = 16 * 1024;

/** Refuses a body over {@link MAX_JSON_BODY_BYTES} before anything reads or stores it (idempotency included). */
export function requireSmallBody(event: ApiEvent): void {
  if (!event.body) return;
  const bytes = event.isBase64Encoded
    ? Buffer.byteLength(event.body, 'base64')
    : Buffer.byteLength(event.body, 'utf8');
  if (bytes > MAX_JSON_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `Isi permintaan terlalu besar (paling banyak ${MAX_JSON_BODY_BYTES / 1024} KB).`,
    );
  }
}

/** A JSON body, parsed (its size already checked by {@link apiHandler}); a body that is not JSON is a 400, not a 500. */
export function jsonBody(event: ApiEvent): unknown {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('Isi permintaan bukan JSON yang sah.');
  }
}

export interface Authenticated {
  readonly event: ApiEvent;
  /** What the caller may touch (`shared/http/caller.ts`); the route's capability is already checked. */
  readonly scope: Scope;
}

/**
 * What a POST route runs around its action ({@link postHandler} in `./post-handler.ts`: the
 * `Idempotency-Key`); reads run the action as it is.
 */
export type AroundAction = (
  event: ApiEvent,
  context: Context,
  scope: Scope,
  action: () => Promise<ApiResult>,
) => Promise<ApiResult>;

/**
 * Wires a protected API route: Powertools context in the logs, the caller's scope read from the
 * verified claims, the capability the route table names for this route checked before anything else
 * (deny by default: a route without one refuses everyone), the body's size, and one place that maps
 * every error to the documented JSON shape (never a stack trace). Routes use {@link apiHandler}
 * (reads) or `postHandler` (`./post-handler.ts`); public routes use {@link publicHandler}.
 */
export function protectedHandler(
  spec: RouteSpec,
  route: (input: Authenticated) => Promise<ApiResult>,
  around?: AroundAction,
) {
  const capability = spec.public ? undefined : spec.capability;
  return (
    middy<ApiEvent, ApiResult>()
      .use(injectLambdaContext(logger, { resetKeys: true }))
      // Answers are not put in the trace: they hold names and NIKs.
      .use(captureHandler())
      .handler(async (event, context) => {
        try {
          // The path's ids (uploadId, proposalId, decreeId, runId) on every log line and the trace.
          correlate(event.pathParameters ?? {});
          const scope = scopeOf(event.requestContext.authorizer?.jwt?.claims);
          if (!capability) throw new ForbiddenError();
          requireCapability(scope, capability);
          requireSmallBody(event);
          const action = () => route({ event, scope });
          return await (around ? around(event, context, scope, action) : action());
        } catch (error) {
          return mapError(error, event);
        }
      })
  );
}

/**
 * A protected read route (GET, or a `readOnly` POST). It bundles no idempotency: Powertools Idempotency and the DynamoDB
 * commands it brings were ~90 KB and ~17 ms of every read route's cold start. A POST route wired
 * here fails at load, so it cannot lose its `Idempotency-Key` by mistake.
 */
export function apiHandler(spec: RouteSpec, route: (input: Authenticated) => Promise<ApiResult>) {
  // A read-only POST (a search whose terms must not be in a URL) is a read too.
  if (spec.method !== 'GET' && !spec.readOnly) {
    throw new Error(
      `${spec.id} is a ${spec.method} route: wire it with postHandler (shared/http/post-handler.ts)`,
    );
  }
  return protectedHandler(spec, route);
}
