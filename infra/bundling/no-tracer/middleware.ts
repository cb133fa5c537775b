/** Stands in for `@aws-lambda-powertools/tracer/middleware` in untraced bundles (see `./index.ts`). */
export const captureLambdaHandler = (): never => {
  throw new Error('Powertools Tracer is not bundled in this untraced function (khbs:tracing)');
};
