import { BUCKETS, PREFIXES, QUEUES, TABLES } from '#shared/resources.ts';
import {
  CHECKS_FUNCTION,
  DECREE_FUNCTION,
  DISBURSEMENT_FUNCTION,
  IMPORT_FUNCTION,
  RECONCILE_FUNCTION,
  ROUTES,
} from '../functions/api/routes.ts';
import { LOCAL_VISIBILITY_TIMEOUT_SECONDS, type LocalStack, startLocalStack } from './stack.ts';

/**
 * `npm start`: the whole backend on this machine, until Ctrl-C. Prints where everything is and how to
 * call it. Stopping (SIGINT, SIGTERM) shuts the API, the trigger and the emulators down and leaves no
 * process behind; a second signal exits at once (the JVM is killed either way, see process-guard).
 */

let stack: LocalStack | undefined;
let stopping = false;
let firstSignalAt = 0;

function shutdown(signal: NodeJS.Signals): void {
  if (stopping) {
    // Under `tsx`, one Ctrl-C arrives twice (from the terminal and relayed by the tsx parent), so
    // only a signal a second or more after the first means "stop waiting".
    if (Date.now() - firstSignalAt < 1_000) return;
    console.error(`\n${signal} again: exiting now.`);
    process.exit(130);
  }
  stopping = true;
  firstSignalAt = Date.now();
  console.error(`\n${signal}: stopping the local stack…`);
  const stopped = stack?.stop() ?? Promise.resolve();
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

const started = performance.now();
try {
  stack = await startLocalStack();
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
/** What each queue is for, in the printout. */
const QUEUE_ROLES: Record<keyof typeof QUEUES, string> = {
  importFailures: 'failed imports',
  checks: `consumed by ${CHECKS_FUNCTION.entry}`,
  decree: `consumed by ${DECREE_FUNCTION.entry}`,
  reconciliation: `consumed by ${RECONCILE_FUNCTION.entry} (daily, POST /reconciliations, npm run reconcile)`,
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
const routeLines = ROUTES.map(
  (route) => `  ${route.method.padEnd(5)}${route.path.padEnd(42)}${route.public ? 'public' : 'bearer token'}`,
);

console.log(`
KHBS BKK local stack is up (emulators ${seconds(emulators.startup.totalMs)}, total ${seconds(performance.now() - started)})

HTTP API   ${apiUrl}
${routeLines.join('\n')}

DynamoDB   ${emulators.dynamoEndpoint}   table ${TABLES.main.localName}
S3         ${emulators.s3Endpoint}   buckets ${BUCKETS.uploads.localName}, ${BUCKETS.documents.localName}
SQS        ${emulators.sqsEndpoint}
${queueLines.join('\n')}
Import     every object put under s3://${BUCKETS.uploads.localName}/${PREFIXES.uploads} runs ${IMPORT_FUNCTION.entry}
Bank       every object put under s3://${BUCKETS.uploads.localName}/${PREFIXES.disbursements} runs ${DISBURSEMENT_FUNCTION.entry}
Checks     every message on ${QUEUES.checks.localName} runs ${CHECKS_FUNCTION.entry} (partial batch responses;
           a failed message is retried every ${LOCAL_VISIBILITY_TIMEOUT_SECONDS} s, then moved to ${QUEUES.checks.deadLetter.localName})
Decrees    every message on ${QUEUES.decree.localName} runs ${DECREE_FUNCTION.entry} (same semantics; PDFs under
           s3://${BUCKETS.documents.localName}/${PREFIXES.decrees}; check one at ${apiUrl}/verify/<code>)

Get a token (another terminal):
  TOKEN=$(npm run -s token -- --role operator --region 62.03)
Call the API:
  curl -s ${apiUrl}/health
  curl -s -H "Authorization: Bearer $TOKEN" "${apiUrl}/proposals?region=62.03"

Environment for scripts and the AWS CLI in another shell:
${Object.entries(emulators.env)
  .map(([name, value]) => `  export ${name}=${value}`)
  .join('\n')}

Ctrl-C stops everything.
`);
