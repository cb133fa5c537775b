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
