import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { LOCAL_REGION } from './emulators.ts';

/**
 * What the local stack needs of a Lambda handler: called with the event and a context, it returns
 * (or resolves to) the result, or throws. Callback-style handlers are not supported, as on the
 * Node.js 24 Lambda runtime.
 */
export type LambdaHandler<TEvent, TResult = unknown> = (
  event: TEvent,
  context: Context,
) => Promise<TResult> | TResult;

/** The account id that local ARNs carry (the one fauxqs uses too). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** Repository root, from which route and function entries (`functions/api/health.ts`) are resolved. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LambdaContextOptions {
  readonly functionName: string;
  /** Same id on every retry of one asynchronous event, as in Lambda. */
  readonly awsRequestId?: string;
  /** The function's timeout; `getRemainingTimeInMillis()` counts down from it. */
  readonly timeoutMs: number;
  readonly memoryLimitInMB?: number;
}

/** A Lambda `Context` as the runtime would pass it, for running a handler in this process. */
export function createLambdaContext(options: LambdaContextOptions): Context {
  const deadline = Date.now() + options.timeoutMs;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const unsupported = (name: string) => (): never => {
    throw new Error(`context.${name}() is not supported: return a value or a promise from the handler`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(options.functionName),
    memoryLimitInMB: String(options.memoryLimitInMB ?? 1024),
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}

export function functionArn(functionName: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`;
}

/** Thrown when a handler runs past its timeout; Lambda reports it the same way. */
export class LambdaTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    this.name = 'Sandbox.Timedout';
  }
}

// --- One invocation's state per invocation --------------------------------------------------------
//
// In Lambda, one execution environment runs one function, one invocation at a time (or, with Lambda
// Managed Instances, several at once, each in its own async context). Here every function shares one
// process, and the handlers' modules share one Powertools `logger` singleton: its Lambda context
// (`function_name`, `function_request_id`, cold start) and temporary keys lived in that instance, so
// when an API request interleaved with a worker's batch, the worker's lines said
// `"function_name":"khbs-GetProposal"`. Powertools (2.35) scopes that state per invocation when
// `AWS_LAMBDA_MAX_CONCURRENCY` is set, through the runtime's `globalThis.awslambda.InvokeStore`
// (package `@aws/lambda-invoke-store`, which the AWS SDK reads too). So the local stack does what
// the multi-concurrency runtime does: every invocation runs inside its own async context. Outside an
// invocation (module initialisation, tests that call a handler directly), state goes to one shared
// fallback, as in the single-invocation runtime.

const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');
const X_RAY_TRACE_ID = Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID');
const TENANT_ID = Symbol.for('_AWS_LAMBDA_TENANT_ID');
const TRACEPARENT = Symbol.for('_AWS_LAMBDA_TRACEPARENT');
const TRACESTATE = Symbol.for('_AWS_LAMBDA_TRACESTATE');
const BAGGAGE = Symbol.for('_AWS_LAMBDA_BAGGAGE');

type InvocationState = Record<string | symbol, unknown>;

/** The `InvokeStore` interface of `@aws/lambda-invoke-store`, backed by AsyncLocalStorage. */
class LocalInvokeStore {
  readonly #storage = new AsyncLocalStorage<InvocationState>();
  /** State of code that runs outside any invocation. */
  #fallback: InvocationState = {};
  #current(): InvocationState {
    return this.#storage.getStore() ?? this.#fallback;
  }
  getContext(): InvocationState | undefined {
    return this.#storage.getStore();
  }
  hasContext(): boolean {
    return this.#storage.getStore() !== undefined;
  }
  get<T = unknown>(key: string | symbol): T | undefined {
    return this.#current()[key] as T | undefined;
  }
  set<T = unknown>(key: string | symbol, value: T): void {
    this.#current()[key] = value;
  }
  run<T>(context: InvocationState, fn: () => T): T {
    return this.#storage.run(context, fn);
  }
  getRequestId(): string {
    return (this.get<string>(REQUEST_ID) ?? '-') as string;
  }
  getXRayTraceId(): string | undefined {
    return this.get<string>(X_RAY_TRACE_ID);
  }
  getTenantId(): string | undefined {
    return this.get<string>(TENANT_ID);
  }
  getTraceparent(): string | undefined {
    return this.get<string>(TRACEPARENT);
  }
  getTracestate(): string | undefined {
    return this.get<string>(TRACESTATE);
  }
  getBaggage(): string | undefined {
    return this.get<string>(BAGGAGE);
  }
}

const invokeStore = new LocalInvokeStore();
{
  // Installed when this module loads, before any SDK call could install the runtime's single-
  // invocation store in its place (the package returns whatever store is already global).
  const global = globalThis as unknown as { awslambda?: { InvokeStore?: unknown } };
  global.awslambda ??= {};
  global.awslambda.InvokeStore = invokeStore;
  // Any value turns on Powertools' per-invocation state; the number is not used otherwise.
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
}

/**
 * Runs `handler` as Lambda would: rejects with `LambdaTimeoutError` when it runs past `timeoutMs`.
 * Unlike Lambda, the handler cannot be frozen, so its work may go on in the background.
 */
export async function invokeWithTimeout<TEvent>(
  handler: LambdaHandler<TEvent>,
  event: TEvent,
  context: Context,
  timeoutMs: number,
): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LambdaTimeoutError(timeoutMs)), timeoutMs);
    // A 15-minute timer must not keep a finished process alive; the handler's own work does that.
    timer.unref();
  });
  try {
    // `async` wrapper: a handler that throws synchronously becomes a rejection like any other.
    const invocation = invokeStore.run({ [REQUEST_ID]: context.awsRequestId }, async () =>
      handler(event, context),
    );
    return await Promise.race([invocation, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Imports the module at `entry` (relative to the repository root, as in `functions/api/routes.ts`)
 * and returns its `handler` export. Import it only after the environment is set: handler modules
 * create their SDK clients at module scope from `AWS_ENDPOINT_URL_*`.
 */
export async function importHandler<TEvent>(entry: string): Promise<LambdaHandler<TEvent>> {
  const path = isAbsolute(entry) ? entry : resolve(REPO_ROOT, entry);
  const module: unknown = await import(pathToFileURL(path).href);
  const handler = typeof module === 'object' && module !== null ? Reflect.get(module, 'handler') : undefined;
  if (typeof handler !== 'function') throw new Error(`${entry} does not export a function named "handler"`);
  // The contract of an entry module is "exports handler(event, context)"; only its presence can be
  // checked at run time.
  return handler as LambdaHandler<TEvent>;
}
