import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { $ZodError } from 'zod/v4/core';
import { AppError } from '../errors.ts';
import { logger } from '../logger.ts';
import './zod-messages.ts';

/**
 * What every route's handler shares, and all a public route needs: the JSON response, the
 * documented error shape, and {@link publicHandler}. Kept apart from `./http-handler.ts` (claims,
 * capabilities, idempotency) so that `/health` bundles no schema library and no AWS client; zod
 * comes in only as its core error class (what every classic `ZodError` is an instance of) and
 * the Indonesian messages.
 */

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

/** At most this many issues go back in a 400, each path and message cut short: never an echo. */
const MAX_ISSUES = 20;
const MAX_TEXT = 200;

export const issueDetails = (error: $ZodError) =>
  error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: issue.path.map(String).join('.').slice(0, MAX_TEXT),
    message: issue.message.slice(0, MAX_TEXT),
  }));

/** Wires a public route (no token): Powertools context in the logs, every error as the documented JSON. */
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

/** Any error as the documented response, logged (a refusal at info, anything else at error). */
export function mapError(error: unknown, event: ApiEvent): ApiResult {
  // zod core's error class, of which every classic ZodError is an instance.
  if (error instanceof $ZodError) {
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
