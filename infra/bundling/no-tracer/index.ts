/**
 * Stands in for `@aws-lambda-powertools/tracer` in the bundles of untraced functions
 * (`khbs:tracing` = `workers` leaves the API routes untraced; `ProjectFunction`'s `traced`). Such a
 * function never has `KHBS_TRACING` set, so `shared/observability/tracing.ts` never imports it; the
 * stub keeps the X-Ray SDK (~130 KB) out of the bundle, which would otherwise be compiled at every
 * cold start for nothing.
 */
export class Tracer {
  constructor() {
    throw new Error('Powertools Tracer is not bundled in this untraced function (khbs:tracing)');
  }
}
