import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj, Request } from '@middy/core';
import { SERVICE_NAME, TRACING_ENV } from './metric-names.ts';

/**
 * Powertools Tracer, loaded only where X-Ray tracing is on ({@link TRACING_ENV}, which the CDK app
 * sets beside `Tracing.ACTIVE`). Elsewhere (tests, benchmarks, the local stack) nothing of the X-Ray
 * SDK is evaluated and these functions do nothing.
 *
 * In Lambda the load starts when this module is evaluated, in the function's INIT phase: the
 * dynamic import's promise settles in the microtasks that run before the runtime's own import of
 * the handler resolves, so the first invocation finds the tracer ready, as with a static import.
 * The AWS clients register here when they are created ({@link traceable}) and are captured (each
 * call a subsegment) once the tracer is there.
 */
const wanted = process.env[TRACING_ENV.name] === TRACING_ENV.active;

let active: Tracer | undefined;
const registered: object[] = [];

const loading: Promise<Tracer | undefined> = wanted
  ? import('@aws-lambda-powertools/tracer').then(({ Tracer: PowertoolsTracer }) => {
      active = new PowertoolsTracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });
      for (const client of registered) active.captureAWSv3Client(client);
      return active;
    })
  : Promise.resolve(undefined);

/** The tracer, once loaded (undefined where tracing is off, or before the load finished). */
export const loadedTracer = (): Tracer | undefined => active;

/** Settles once the tracer is loaded (at once where tracing is off): what a test waits for. */
export const tracerLoading = (): Promise<Tracer | undefined> => loading;

/** An AWS SDK client whose calls become subsegments where tracing is on; the client itself is returned. */
export function traceable<T extends object>(client: T): T {
  if (!wanted) return client;
  if (active) active.captureAWSv3Client(client);
  else registered.push(client);
  return client;
}

/**
 * The handler's segment (`## index.handler`, cold start and service annotations, the error if it
 * fails; never the response, which holds names and NIKs): Powertools' `captureLambdaHandler`,
 * applied once the tracer is loaded.
 */
export function captureHandler<TEvent, TResult>(): MiddlewareObj<TEvent, TResult> {
  let inner: MiddlewareObj<TEvent, TResult> | undefined;
  const delegate = async (
    phase: 'before' | 'after' | 'onError',
    request: Request<TEvent, TResult>,
  ): Promise<void> => {
    const tracer = await loading;
    if (!tracer) return;
    if (!inner) {
      const { captureLambdaHandler } = await import('@aws-lambda-powertools/tracer/middleware');
      inner = captureLambdaHandler(tracer, { captureResponse: false }) as MiddlewareObj<TEvent, TResult>;
    }
    await inner[phase]?.(request);
  };
  return {
    before: (request) => delegate('before', request),
    after: (request) => delegate('after', request),
    onError: (request) => delegate('onError', request),
  };
}
