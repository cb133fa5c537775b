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
    return await Promise.race([(async () => handler(event, context))(), timeout]);
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
