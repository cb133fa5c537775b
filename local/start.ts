import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { BUCKETS, PREFIXES, QUEUES, TABLES } from '#shared/resources.ts';
import {
  CHECKS_FUNCTION,
  DECREE_FUNCTION,
  DISBURSEMENT_FUNCTION,
  FAMILIES_FUNCTION,
  FAMILY_IMPORT_FUNCTION,
  IMPORT_FUNCTION,
  RECONCILE_FUNCTION,
  RELAY_FUNCTION,
  ROUTES,
  WATCHDOG_FUNCTION,
} from '../functions/api/routes.ts';
import { REPO_ROOT } from './lambda.ts';
import { describeAge } from './persistence.ts';
import {
  describeState,
  LOCAL_VISIBILITY_TIMEOUT_SECONDS,
  type LocalStack,
  startLocalStack,
} from './stack.ts';
import { removeStackFile, writeStackFile } from './stack-file.ts';
import { machineClientExamples, tokenExamples } from './token.ts';

/**
 * `npm start`: the whole backend on this machine, until Ctrl-C. Prints where everything is and how to
 * call it. Stopping (SIGINT, SIGTERM, SIGHUP, or the parent process going away) shuts the API, the
 * triggers and the emulators down, saves the state and leaves no process behind; a second signal
 * exits at once (the JVM is killed either way: see process-guard, and the watchdog in emulators.ts
 * for a SIGKILL of this process).
 *
 * State (items and objects) is kept across restarts in `.local/` (or `KHBS_STATE_DIR`);
 * `npm start -- --fresh` starts empty and deletes what was saved.
 */

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--fresh');
if (unknown.length > 0) {
  console.error(`unknown argument ${unknown.join(' ')}; usage: npm start [-- --fresh]`);
  process.exit(2);
}
const fresh = args.includes('--fresh');
const stateDir = resolve(REPO_ROOT, process.env.KHBS_STATE_DIR ?? '.local');

let stack: LocalStack | undefined;
let stopping = false;
let firstSignalAt = 0;

function shutdown(signal: NodeJS.Signals): void {
  if (stopping) {
    // Under npm (or tsx), one Ctrl-C arrives twice (from the terminal and relayed by the parent), so
    // only a signal a second or more after the first means "stop waiting".
    if (Date.now() - firstSignalAt < 1_000) return;
    console.error(`\n${signal} again: exiting now.`);
    process.exit(130);
  }
  stopping = true;
  firstSignalAt = Date.now();
  console.error(`\n${signal}: stopping the local stack…`);
  const stopped = Promise.all([removeStackFile(stateDir).catch(() => undefined), stack?.stop()]);
  stopped.then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('could not stop cleanly:', error);
      process.exit(1);
    },
  );
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGHUP', shutdown);
// `npm start` runs us as npm → node (the script `exec`s node, so npm's forwarded SIGINT/SIGTERM
// reach us; through `sh -c` a SIGINT stopped at the shell). Run otherwise (`npx tsx local/start.ts`:
// npm → sh → tsx → node), or when a launcher is killed outright (SIGKILL, which reaches nobody), we
// would run on unseen. So watch the processes that launched us and stop, as on a signal, when one
// of them is gone.
const launchers = launcherPids();
setInterval(() => {
  if (stopping) return;
  const gone = launchers.find((pid) => !isRunning(pid));
  if (gone !== undefined) {
    console.error(`\nprocess ${gone} that started this one is gone`);
    shutdown('SIGHUP');
  }
}, 500).unref();

/** Our parent, and above it the npm / npx / tsx / sh processes of the same launch (Linux: /proc). */
function launcherPids(): number[] {
  const pids = [process.ppid];
  for (let pid = process.ppid; pids.length < 5; ) {
    const parent = procStat(pid)?.ppid;
    if (parent === undefined || parent <= 1) break;
    let argv0 = '';
    try {
      argv0 = readFileSync(`/proc/${parent}/cmdline`, 'utf8').split(/[\0 ]/)[0] ?? '';
    } catch {
      break;
    }
    if (!/^(npm|npx|node|tsx|sh|dash)$/.test(basename(argv0))) break;
    pids.push(parent);
    pid = parent;
  }
  return pids;
}

function procStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid …; comm may hold spaces and parentheses, so split after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return state !== undefined && ppid !== undefined ? { state, ppid: Number(ppid) } : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  // Reparented (to init or a subreaper): our parent is gone, even if its pid was reused since.
  if (process.ppid !== launchers[0]) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (killed, not yet reaped by its own parent) is gone too.
  const state = procStat(pid)?.state;
  return state !== 'Z' && state !== 'X';
}

const started = performance.now();
try {
  // KHBS_CONSOLE=prebuilt serves web/dist/ as it is: tests that start several `npm start` at once
  // build the console once first, so no two of them rebuild it under each other.
  const consoleMode = process.env.KHBS_CONSOLE === 'prebuilt' ? 'prebuilt' : true;
  stack = await startLocalStack({ persistence: { dir: stateDir, fresh }, console: consoleMode });
} catch (error) {
  console.error('The local stack did not start:', error);
  process.exit(1);
}
if (stopping) {
  // A signal arrived while we were starting.
  await stack.stop();
  process.exit(0);
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const { apiUrl, emulators } = stack;
// How `npm run watchdog` (and any script acting as a function) finds this stack.
await writeStackFile(stateDir, { pid: process.pid, apiUrl, env: stack.env }).catch((error: unknown) =>
  console.error(`could not write ${stateDir}/stack.json (npm run watchdog will not find the stack):`, error),
);
const restored = stack.persistence?.restored;
const shownDir = stateDir.startsWith(REPO_ROOT) ? `${stateDir.slice(REPO_ROOT.length)}/` : stateDir;
const stateLine = fresh
  ? `State      fresh start (anything saved in ${shownDir} was deleted); saved there every minute and on stop`
  : restored === undefined
    ? `State      nothing saved in ${shownDir} yet: empty tables and buckets; saved there every minute and on stop`
    : `State      restored ${describeState(restored)} from ${shownDir} (saved ${describeAge(restored.savedAt)}) in ${seconds(restored.ms)}`;

/** What each queue is for, in the printout. */
const QUEUE_ROLES: Record<keyof typeof QUEUES, string> = {
  importFailures: 'failed imports',
  checks: `consumed by ${CHECKS_FUNCTION.entry}`,
  decree: `consumed by ${DECREE_FUNCTION.entry}`,
  reconciliation: `consumed by ${RECONCILE_FUNCTION.entry} (daily, POST /reconciliations, npm run reconcile)`,
  families: `consumed by ${FAMILIES_FUNCTION.entry} (snapshot cross-checks, eligibility runs)`,
};
const queueLines = Object.entries(QUEUES).flatMap(([key, spec]) => {
  const lines = [`  ${spec.localName.padEnd(24)}${QUEUE_ROLES[key as keyof typeof QUEUES]}`];
  if ('deadLetter' in spec) {
    const { localName, maxReceiveCount } = spec.deadLetter;
    lines.push(
      `  ${localName.padEnd(24)}its DLQ: messages received ${maxReceiveCount} times without success`,
    );
  }
  return lines;
});
const tokenLines = tokenExamples().map(
  ({ args, purpose }) => `  ${`TOKEN=$(npm run -s token -- ${args.join(' ')})`.padEnd(62)}# ${purpose}`,
);
const machineLines = machineClientExamples().flatMap(({ role, clientId, secret, scope, args }) => [
  `  ${`TOKEN=$(npm run -s token -- ${args.join(' ')})`.padEnd(62)}# ${role}: client ${clientId}, secret ${secret}, scope ${scope}`,
]);
const routeLines = ROUTES.map(
  (route) => `  ${route.method.padEnd(5)}${route.path.padEnd(42)}${route.public ? 'public' : 'bearer token'}`,
);

console.log(`
KHBS BKK local stack is up (emulators ${seconds(emulators.startup.totalMs)}, total ${seconds(performance.now() - started)})
${stateLine}
           (messages still queued at the stop go back to the outbox and are sent again on the next start)

Console    ${apiUrl}/   in a browser (Bahasa Indonesia); sign in with a local user of any role
           (the local OpenID Connect provider at ${stack.oidc?.issuer ?? `${apiUrl}/oidc`}, Cognito's part in AWS)
           A browser (Accept: text/html) gets the console on every path that is no API route, and on
           /verify/<code>; programs get the API's JSON everywhere.

HTTP API   ${apiUrl}
${routeLines.join('\n')}

DynamoDB   ${emulators.dynamoEndpoint}   table ${TABLES.main.localName}
S3         ${emulators.s3Endpoint}   buckets ${BUCKETS.uploads.localName}, ${BUCKETS.documents.localName}
SQS        ${emulators.sqsEndpoint}
${queueLines.join('\n')}
Import     every object put under s3://${BUCKETS.uploads.localName}/${PREFIXES.uploads} runs ${IMPORT_FUNCTION.entry}
Bank       every object put under s3://${BUCKETS.uploads.localName}/${PREFIXES.disbursements} runs ${DISBURSEMENT_FUNCTION.entry}
           (npm run bank-report -- <file.csv> puts one there, --sample builds one; then npm run reconcile)
Families   every object put under s3://${BUCKETS.uploads.localName}/${PREFIXES.imports} runs ${FAMILY_IMPORT_FUNCTION.entry}
           (a file with an import record only); a DTSEN snapshot with both files in is handed to
           ${QUEUES.families.localName}, whose messages run ${FAMILIES_FUNCTION.entry} (same semantics as Checks)
Checks     every message on ${QUEUES.checks.localName} runs ${CHECKS_FUNCTION.entry} (partial batch responses;
           a failed message is retried every ${LOCAL_VISIBILITY_TIMEOUT_SECONDS} s, then moved to ${QUEUES.checks.deadLetter.localName})
Outbox     hand-offs written with each state change are sent to their queue by ${RELAY_FUNCTION.entry}
           (swept every 100 ms here; a DynamoDB stream and a 2-minute sweep in AWS)
Decrees    every message on ${QUEUES.decree.localName} runs ${DECREE_FUNCTION.entry} (same semantics; PDFs under
           s3://${BUCKETS.documents.localName}/${PREFIXES.decrees}; check one at ${apiUrl}/verify/<code>)
Watchdog   hourly in AWS; here on demand: npm run watchdog runs ${WATCHDOG_FUNCTION.entry} (report under
           s3://${BUCKETS.documents.localName}/${PREFIXES.watchdogReports})

Get a token (another terminal), one command per role (npm run token -- --help for every option):
${tokenLines.join('\n')}
Bank Kalteng and BULOG are machine clients: the token comes from the client-credentials exchange at
${stack.oidc?.tokenEndpoint ?? `${apiUrl}/oidc/token`} (Cognito's /oauth2/token in AWS), local secrets below:
${machineLines.join('\n')}
Call the API:
  curl -s ${apiUrl}/health
  curl -s -H "Authorization: Bearer $TOKEN" "${apiUrl}/proposals?region=62.03"

Environment for scripts and the AWS CLI in another shell:
${Object.entries(emulators.env)
  .map(([name, value]) => `  export ${name}=${value}`)
  .join('\n')}

Ctrl-C (or kill -INT / -TERM) saves the state and stops everything; npm start -- --fresh starts empty.
`);
