import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { RouteSpec } from '#functions/api/routes.ts';
import { logger } from '../logger.ts';
import { requireSmallBody } from './http-handler.ts';
import { withIdempotencyKey } from './idempotency.ts';
import { type ApiEvent, type ApiResult, mapError } from './public-handler.ts';
import './zod-messages.ts';

/**
 * A public POST (no token: `POST /complaints`): the body's size checked before anything reads it,
 * and the `Idempotency-Key` honoured as on every POST (interfaces.md §3), so a citizen's form that
 * is sent again after a dropped connection gets its first answer (the same code) instead of lodging
 * a second complaint. With no person to scope a key to, the key is scoped to the route: a key is a
 * random value the client makes, and reusing it with another body is refused (409).
 */
export function publicPostHandler(spec: RouteSpec, route: (event: ApiEvent) => Promise<ApiResult>) {
  if (spec.method !== 'POST' || !spec.public) {
    throw new Error(`${spec.id} is not a public POST route: wire it with postHandler or publicHandler`);
  }
  return middy<ApiEvent, ApiResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      try {
        requireSmallBody(event);
        return await withIdempotencyKey(
          event.headers['idempotency-key'],
          { sub: 'public', routeKey: event.routeKey, path: event.rawPath, body: event.body },
          context,
          () => route(event),
        );
      } catch (error) {
        return mapError(error, event);
      }
    });
}
