import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Where a running `npm start` says how to reach it: `<state dir>/stack.json`, written once the
 * stack is up and removed when it stops. Local commands that act as one of its functions (`npm run
 * watchdog`) read it. It holds loopback endpoints, resource names and the emulators' fixed fake
 * credentials only (mode 0600 all the same).
 */
const StackFileSchema = z.object({
  pid: z.number().int().positive(),
  apiUrl: z.string(),
  env: z.record(z.string(), z.string()),
});
export type StackFile = z.infer<typeof StackFileSchema>;

export const stackFilePath = (stateDir: string): string => join(stateDir, 'stack.json');

export async function writeStackFile(stateDir: string, contents: StackFile): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const path = stackFilePath(stateDir);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
}

export async function removeStackFile(stateDir: string): Promise<void> {
  await rm(stackFilePath(stateDir), { force: true });
}

/** The running stack's file, or undefined when there is none or its process is gone. */
export async function readStackFile(stateDir: string): Promise<StackFile | undefined> {
  let raw: string;
  try {
    raw = await readFile(stackFilePath(stateDir), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = StackFileSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) return undefined;
  try {
    process.kill(parsed.data.pid, 0);
  } catch {
    return undefined; // left behind by a stack that was killed
  }
  return parsed.data;
}

/** How a local command found the API it talks to, for its messages. */
export interface LocatedApi {
  readonly url: string;
  /** `--api`, the running stack's file, or `PORT` (the default `npm start` port when nothing else says). */
  readonly source: 'argument' | 'stack-file' | 'port';
}

/**
 * The local API a command should call: `--api` when given, else the running `npm start` stack's (its
 * `stack.json`, whatever port it was started on), else `http://127.0.0.1:$PORT` (3000 by default).
 */
export async function locateApi(
  stateDir: string,
  argument: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LocatedApi> {
  if (argument !== undefined) return { url: argument.replace(/\/+$/, ''), source: 'argument' };
  const stack = await readStackFile(stateDir);
  if (stack) return { url: stack.apiUrl, source: 'stack-file' };
  return { url: `http://127.0.0.1:${env.PORT ?? 3000}`, source: 'port' };
}

/**
 * What to tell the user when the API at `api` could not be reached (`fetch failed`): which URL was
 * tried, how it was chosen, and how to point the command elsewhere.
 */
export function unreachableApiMessage(api: LocatedApi, stateDir: string, cause: unknown): string {
  const reason = describeFetchError(cause);
  const how =
    api.source === 'argument'
      ? 'given with --api'
      : api.source === 'stack-file'
        ? `named by the running stack in ${stackFilePath(stateDir)}`
        : `no running stack found through ${stackFilePath(stateDir)}, so http://127.0.0.1:$PORT with PORT=${process.env.PORT ?? '3000 (the default)'}`;
  return (
    `cannot reach the local API at ${api.url} (${how}): ${reason}\n` +
    'Is `npm start` running? A stack started on another port (PORT=8080 npm start) is found through its ' +
    'stack.json when KHBS_STATE_DIR is the same; otherwise set PORT=<port> or pass --api http://127.0.0.1:<port>.'
  );
}

/** `fetch failed` says nothing; its cause (`connect ECONNREFUSED 127.0.0.1:3000`) does. */
export function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) return `${error.message}: ${cause.message}`;
  if (cause !== null && typeof cause === 'object' && 'code' in cause)
    return `${error.message}: ${String(cause.code)}`;
  return error.message;
}

/** Whether `error` is fetch's own failure to connect (as opposed to an HTTP answer we did not like). */
export function isFetchFailure(error: unknown): boolean {
  return error instanceof TypeError && error.message === 'fetch failed';
}
