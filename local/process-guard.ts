import type { ChildProcess } from 'node:child_process';

/**
 * Makes sure a child process we started (the DynamoDB Local JVM) dies with us. A child outlives its
 * parent by default, and a leftover JVM keeps ~300 MB and its port, so every way this process can
 * end is covered:
 * - normal exit and uncaught errors: the process 'exit' event (synchronous, so `process.kill` only);
 * - SIGINT / SIGTERM / SIGHUP: their default action skips 'exit', so if nobody else handles the
 *   signal we listen, kill the children and re-raise it so the process still ends as it would have;
 *   a program that handles the signal itself stops its children in its own order.
 * SIGKILL of this process cannot be intercepted: the watchdog in emulators.ts covers it.
 */

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Process-group leaders (children spawned with `detached: true`) to kill when we go. */
const guarded = new Set<number>();
let installed = false;

function killGroup(pid: number): void {
  try {
    // A negative pid addresses the whole process group, which the detached child leads.
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: already gone.
  }
}

function killAll(): void {
  for (const pid of guarded) killGroup(pid);
  guarded.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  const others = process.listeners(signal).filter((listener) => listener !== onSignal);
  // When the program handles the signal itself (`npm start` stops in order and saves its state
  // first, which needs the JVM), leave the children to it: its stop kills them, a second signal
  // exits and the 'exit' handler kills them, and a SIGKILL is covered by the watchdog in emulators.ts.
  if (others.length > 0) return;
  killAll();
  // We were the only listener, which means we suppressed the default action: restore it.
  for (const sig of SIGNALS) process.removeListener(sig, onSignal);
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const sig of SIGNALS) process.on(sig, onSignal);
}

/**
 * Kill `child` (and its process group) when this process exits or is signalled, unless it has
 * already exited by then. The child must have been spawned with `detached: true` so that it leads
 * its own group. Returns a function that stops guarding it.
 */
export function guardChild(child: ChildProcess): () => void {
  const pid = child.pid;
  if (pid === undefined) return () => {};
  install();
  guarded.add(pid);
  // Forget the pid as soon as it is reaped, so a later kill can never hit a reused pid.
  const forget = (): void => {
    guarded.delete(pid);
  };
  child.once('exit', forget);
  return () => {
    child.removeListener('exit', forget);
    forget();
  };
}
