import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ZodError, type z } from 'zod';
import { AppError, BadRequestError } from '../errors.ts';
import { logger } from '../logger.ts';
import { type Caller, callerFromClaims } from './caller.ts';
import { withIdempotencyKey } from './idempotency.ts';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export const json = (statusCode: number, body: unknown): ApiResult => ({
  statusCode,
  headers: HEADERS,
  body: JSON.stringify(body),
});

/** The documented error shape: `{ error: { code, message, details? } }`. */
export function errorResponse(error: unknown): ApiResult {
  if (error instanceof AppError && error.expose) {
    return json(error.statusCode, {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      },
    });
  }
  return json(500, {
    error: { code: 'INTERNAL', message: 'Terjadi kesalahan pada server. Silakan coba lagi.' },
  });
}

/** Validates input against a schema; a failure is a 400 whose details are zod's issues. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BadRequestError('Permintaan tidak valid.', issueDetails(result.error));
}

export const issueDetails = (error: ZodError) =>
  error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));

/** A JSON body, parsed; a body that is not JSON is a 400, not a 500. */
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
  readonly caller: Caller;
}

/**
 * Wires an API route: Powertools context in the logs, the caller read from the verified claims,
 * `Idempotency-Key` honoured on POST, and one place that maps every error to the documented JSON shape (never a stack trace). Public
 * routes use {@link publicHandler}.
 */
export function apiHandler(route: (input: Authenticated) => Promise<ApiResult>) {
  return middy<ApiEvent, ApiResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      try {
        const caller = callerFromClaims(event.requestContext.authorizer?.jwt?.claims);
        if (event.requestContext.http.method !== 'POST') return await route({ event, caller });
        // Any POST may carry an Idempotency-Key (interfaces.md §3).
        return await withIdempotencyKey(
          event.headers['idempotency-key'],
          { sub: caller.sub, routeKey: event.routeKey, path: event.rawPath, body: event.body },
          context,
          () => route({ event, caller }),
        );
      } catch (error) {
        return mapError(error, event);
      }
    });
}

export function publicHandler(route: (event: ApiEvent) => Promise<ApiResult>) {
  return middy<ApiEvent, ApiResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      try {
        return await route(event);
      } catch (error) {
        return mapError(error, event);
      }
    });
}

function mapError(error: unknown, event: ApiEvent): ApiResult {
  if (error instanceof ZodError) {
    // A schema failing on data we stored ourselves is our bug, not the caller's.
    logger.error('Stored data failed validation', { routeKey: event.routeKey, issues: issueDetails(error) });
    return errorResponse(undefined);
  }
  if (error instanceof AppError && error.expose) {
    logger.info('Request refused', { routeKey: event.routeKey, status: error.statusCode, code: error.code });
  } else {
    logger.error('Request failed', { routeKey: event.routeKey, error });
  }
  return errorResponse(error);
}
