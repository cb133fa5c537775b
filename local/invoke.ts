import { readFile } from 'node:fs/promises';
import { resetEnvForTests } from '#shared/config/env.ts';
import { type Emulators, startEmulators } from './emulators.ts';
import { createLambdaContext, importHandler, invokeWithTimeout } from './lambda.ts';

/**
 * `npx tsx local/invoke.ts <entry> <event.json> [--timeout <seconds>]`
 *
 * Runs one handler once with a sample event (see events/README.md), like `sam local invoke`, and
 * prints its result as JSON on stdout. If AWS_ENDPOINT_URL_DYNAMODB is set (e.g. from the
 * "Environment" lines of a running `npm start`), the handler uses those emulators; otherwise fresh,
 * empty emulators are started for the call and stopped after it.
 */

const [entry, eventFile, ...rest] = process.argv.slice(2);
if (entry === undefined || eventFile === undefined) {
  console.error(
    'Usage: npx tsx local/invoke.ts <handler entry, e.g. functions/api/health.ts> <event.json> [--timeout <seconds>]',
  );
  process.exit(2);
}
const timeoutFlag = rest.indexOf('--timeout');
const timeoutSeconds = timeoutFlag === -1 ? 900 : Number(rest[timeoutFlag + 1]);
if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
  console.error('--timeout must be a positive number of seconds');
  process.exit(2);
}

let emulators: Emulators | undefined;
try {
  const event: unknown = JSON.parse(await readFile(eventFile, 'utf8'));
  if (process.env.AWS_ENDPOINT_URL_DYNAMODB === undefined) {
    emulators = await startEmulators({ log: (line) => console.error(line) });
    Object.assign(process.env, emulators.env);
    resetEnvForTests();
  }
  // Imported only now: the handler's module creates its SDK clients from the environment.
  const handler = await importHandler<unknown>(entry);
  const timeoutMs = timeoutSeconds * 1000;
  const functionName = entry.replace(/^.*\//, '').replace(/\.ts$/, '');
  const result = await invokeWithTimeout(
    handler,
    event,
    createLambdaContext({ functionName, timeoutMs }),
    timeoutMs,
  );
  process.stdout.write(`${JSON.stringify(result ?? null, null, 2)}\n`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await emulators?.stop();
}
