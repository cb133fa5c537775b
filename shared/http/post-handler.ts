import type { RouteSpec } from '#functions/api/routes.ts';
import { type Authenticated, protectedHandler } from './http-handler.ts';
import { withIdempotencyKey } from './idempotency.ts';
import type { ApiResult } from './public-handler.ts';

/**
 * A protected POST route: everything {@link protectedHandler} does, and the `Idempotency-Key`
 * honoured (interfaces.md §3: the same key from the same person on the same route gets the same
 * answer, and the action runs once). Only POST routes bundle Powertools Idempotency; a GET route
 * wired here fails at load.
 */
export function postHandler(spec: RouteSpec, route: (input: Authenticated) => Promise<ApiResult>) {
  if (spec.method !== 'POST' || spec.readOnly) {
    throw new Error(
      `${spec.id} is a ${spec.readOnly ? 'read-only' : spec.method} route: wire it with apiHandler (shared/http/http-handler.ts)`,
    );
  }
  return protectedHandler(spec, route, (event, context, scope, action) =>
    withIdempotencyKey(
      event.headers['idempotency-key'],
      { sub: scope.sub, routeKey: event.routeKey, path: event.rawPath, body: event.body },
      context,
      action,
    ),
  );
}
