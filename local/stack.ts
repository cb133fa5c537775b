import { setTimeout as sleep } from 'node:timers/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { S3Event, SQSEvent } from 'aws-lambda';
import { resetEnvForTests } from '#shared/config/env.ts';
import { HANDOFF_QUEUES } from '#shared/messages.ts';
import { BUCKETS, PREFIXES, QUEUES, TABLES } from '#shared/resources.ts';

/** The work queues (what the outbox relay sends to). */
const HANDOFF_QUEUE_SPECS = HANDOFF_QUEUES.map((name) => QUEUES[name]);

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
} from '../functions/api/routes.ts';
import type { RelayEvent } from '../functions/relay/handler.ts';
import { CHECKS_WORKER, DECREE_WORKER, FAMILIES_WORKER, RECONCILE_WORKER } from '../infra/workers.ts';
import { verifyLocalToken } from './auth.ts';
import { buildConsole, type ConsoleFrontDoor, consoleFrontDoor } from './console.ts';
import { type Emulators, LOCAL_CREDENTIALS, LOCAL_REGION, startEmulators } from './emulators.ts';
import { type Gateway, type GatewayOptions, type GatewayRoute, startGateway } from './gateway.ts';
import { importHandler, type LambdaHandler } from './lambda.ts';
import { type LocalLambdaApi, startLocalLambdaApi } from './lambda-api.ts';
import { type LocalOidc, startLocalOidc } from './oidc.ts';
import { LocalOutboxRelay, type LocalOutboxRelayOptions, takeBackUndelivered } from './outbox-relay.ts';
import {
  type Autosave,
  clearState,
  type PersistenceTarget,
  restoreState,
  type StateSummary,
  startAutosave,
} from './persistence.ts';
import { localUploadCorsRule } from './s3-compat.ts';
import { S3EventSource, type S3EventSourceOptions } from './s3-events.ts';
import { SqsEventSource, type SqsEventSourceOptions } from './sqs-events.ts';

/**
 * Visibility timeout of the local queue consumers, in seconds: short, so that a failed record is
 * retried within seconds and a poison message reaches its DLQ after `maxReceiveCount` × this.
 * (In AWS it is ≥ 6 × the function's timeout; the local source keeps a running batch hidden.)
 */
export const LOCAL_VISIBILITY_TIMEOUT_SECONDS = 2;

export interface LocalStackOptions {
  /** Port of the HTTP API on 127.0.0.1. @default env PORT, else 3000; 0 picks a free port */
  readonly port?: number;
  /** No progress or access lines (errors still go to stderr). */
  readonly quiet?: boolean;
  /** Replace the API's routes (tests). @default ROUTES */
  readonly routes?: readonly GatewayRoute[];
  /** Replace how route handlers are loaded (tests). @default dynamic import of each route's entry */
  readonly loadHandler?: GatewayOptions['loadHandler'];
  /** Replace the import function (tests). @default `handler` of IMPORT_FUNCTION.entry */
  readonly importHandler?: LambdaHandler<S3Event>;
  /** Tuning of the S3 → import trigger (retry delay, polling, concurrency, timeout). */
  readonly s3Events?: Partial<
    Pick<S3EventSourceOptions, 'retryDelayMs' | 'maxRetries' | 'pollIntervalMs' | 'concurrency' | 'timeoutMs'>
  >;
  /** Replace the checks worker (tests). @default `handler` of CHECKS_FUNCTION.entry */
  readonly checksHandler?: LambdaHandler<SQSEvent>;
  /**
   * Tuning of the checks queue → worker trigger.
   * @default batch size and concurrency of `CHECKS_WORKER` (infra/workers.ts), visibility timeout
   * `LOCAL_VISIBILITY_TIMEOUT_SECONDS`
   */
  readonly checks?: Partial<
    Pick<
      SqsEventSourceOptions,
      'visibilityTimeoutSeconds' | 'waitTimeSeconds' | 'batchSize' | 'concurrency' | 'timeoutMs' | 'onBatch'
    >
  >;
  /** Replace the bank report import (tests). @default `handler` of DISBURSEMENT_FUNCTION.entry */
  readonly bankReportHandler?: LambdaHandler<S3Event>;
  /** Replace the reconciliation job (tests). @default `handler` of RECONCILE_FUNCTION.entry */
  readonly reconcileHandler?: LambdaHandler<SQSEvent>;
  /** Tuning of the reconciliation queue → job trigger. @default as `checks`, from `RECONCILE_WORKER` */
  readonly reconciliation?: LocalStackOptions['checks'];
  /** Replace the decree worker (tests). @default `handler` of DECREE_FUNCTION.entry */
  readonly decreeHandler?: LambdaHandler<SQSEvent>;
  /** Tuning of the decree queue → worker trigger. @default as `checks`, from `DECREE_WORKER` */
  readonly decree?: LocalStackOptions['checks'];
  /** Replace the family file import (tests). @default `handler` of FAMILY_IMPORT_FUNCTION.entry */
  readonly familyImportHandler?: LambdaHandler<S3Event>;
  /** Replace the family jobs worker (tests). @default `handler` of FAMILIES_FUNCTION.entry */
  readonly familiesHandler?: LambdaHandler<SQSEvent>;
  /** Tuning of the families queue → worker trigger. @default as `checks`, from `FAMILIES_WORKER` */
  readonly families?: LocalStackOptions['checks'];
  /**
   * Also serve the console (`web/`, built with Vite at start) and its local sign-in provider
   * (`/oidc`) on the API's origin; the API then accepts the provider's ID tokens as well as the
   * local tokens. `'prebuilt'`: serve `web/dist/` as it is (test runs that start several stacks at
   * once build it once, first). @default false
   */
  readonly console?: boolean | 'prebuilt';
  /** Tuning of the outbox relay's sweep loop (`local/outbox-relay.ts`). */
  readonly outboxRelay?: Partial<Pick<LocalOutboxRelayOptions, 'intervalMs' | 'maxBackoffMs'>>;
  /**
   * Keep the tables' items and the buckets' objects across restarts in `dir` (`npm start` uses
   * `.local/`): loaded when the stack starts (unless `fresh`, which deletes what was saved), saved
   * every `intervalMs` and when it stops. Off by default: tests get a fresh, in-memory stack.
   */
  /** DynamoDB Local's heap (`npm run bench` gives it 3 GB). @default the emulators' default */
  readonly javaHeapMb?: number;
  readonly persistence?: {
    readonly dir: string;
    readonly fresh?: boolean;
    /** @default 60 000 */
    readonly intervalMs?: number;
  };
}

export interface LocalStackPersistence {
  readonly dir: string;
  /** What was loaded at start; undefined when nothing was saved (or `fresh`). */
  readonly restored: StateSummary | undefined;
  /** Saves now. */
  save(): Promise<StateSummary>;
}

export interface LocalStack {
  /** `http://127.0.0.1:<port>` */
  readonly apiUrl: string;
  readonly emulators: Emulators;
  /**
   * What a script needs in its environment to act as one of this stack's functions: the emulators'
   * endpoints, credentials and resource names, the local Lambda Invoke API and the imports' names
   * (`npm run watchdog` reads it from the file `npm start` writes).
   */
  readonly env: Readonly<Record<string, string>>;
  /** The S3 → import trigger; `await stack.s3Events.whenIdle()` after an upload waits for its import. */
  readonly s3Events: S3EventSource;
  /**
   * The checks queue → checks worker trigger (`QUEUES.checks`, partial batch responses, redrive to
   * its DLQ).
   */
  readonly checks: SqsEventSource;
  /** The decree queue → decree worker trigger (`QUEUES.decree`, same semantics). */
  readonly decree: SqsEventSource;
  /** Bank reports under `disbursements/` → the bank report import (same semantics as `s3Events`). */
  readonly bankReports: S3EventSource;
  /** The reconciliation queue → reconciliation job. */
  readonly reconciliation: SqsEventSource;
  /** Family programme files under `imports/` → the family file import (same semantics as `s3Events`). */
  readonly familyImports: S3EventSource;
  /** The families queue → the family jobs worker (a DTSEN snapshot's cross-check, eligibility). */
  readonly families: SqsEventSource;
  /** The outbox → the work queues (the relay function, swept in a loop). */
  readonly outboxRelay: LocalOutboxRelay;
  readonly gateway: Gateway;
  /**
   * The local OpenID provider under `/oidc`: the console's sign-in (with `console`) and, always, the
   * machine clients' token endpoint (client credentials, `LOCAL_MACHINE_CLIENTS`).
   */
  readonly oidc?: LocalOidc;
  /** Present when started with `persistence`. */
  readonly persistence?: LocalStackPersistence;
  /**
   * Resolves once every trigger is idle at the same time: no upload waiting for its import, no
   * outbox item still PENDING, no message on a work queue (handled and deleted, or moved to the
   * DLQ after its retries), and nothing running. Work that starts more work (a run that sends a re-check) is waited for too.
   */
  whenIdle(): Promise<void>;
  /** Stops the API, the triggers and the emulators (the JVM included). Safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * The whole backend on this machine: DynamoDB Local and fauxqs with every resource of
 * `shared/resources.ts`, this process's environment pointed at them, uploads under
 * `PREFIXES.uploads` triggering the real import function, messages on the checks queue triggering
 * the real checks worker, and the real API routes on a local port.
 *
 * Sets `process.env` (endpoints, region, fake credentials, resource names) before any handler module
 * is imported, because those create their SDK clients at module scope.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.quiet ? () => {} : (line: string) => console.error(line);
  const emulators = await startEmulators({
    log,
    // The console is served on a loopback port (chosen below, or 0 for any): the browser PUTs the
    // file straight to the local S3 from there, so its origin is allowed as the deployed console's is.
    ...(options.console
      ? {
          uploadCors: {
            ...localUploadCorsRule(),
            allowedOrigins: [
              ...localUploadCorsRule().allowedOrigins,
              'http://127.0.0.1:*',
              'http://localhost:*',
            ],
          },
        }
      : {}),
    ...(options.javaHeapMb === undefined ? {} : { javaHeapMb: options.javaHeapMb }),
  });
  let s3Events: S3EventSource | undefined;
  let checks: SqsEventSource | undefined;
  let decree: SqsEventSource | undefined;
  let bankReports: S3EventSource | undefined;
  let reconciliation: SqsEventSource | undefined;
  let familyImports: S3EventSource | undefined;
  let families: SqsEventSource | undefined;
  let outboxRelay: LocalOutboxRelay | undefined;
  let lambdaApi: LocalLambdaApi | undefined;
  let gateway: Gateway | undefined;
  let autosave: Autosave | undefined;
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const s3 = new S3Client({ ...clientConfig, endpoint: emulators.s3Endpoint, forcePathStyle: true });
  const sqs = new SQSClient({
    ...clientConfig,
    endpoint: emulators.sqsEndpoint,
    useQueueUrlAsEndpoint: false,
  });

  // Imported once the environment is set (it creates its SDK client on import).
  const outboxRepository = async () => {
    const { OutboxRepository } = await import('#shared/adapters/outbox.ts');
    return new OutboxRepository(emulators.env[TABLES.main.envVar] ?? TABLES.main.localName);
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await Promise.allSettled([
        gateway?.close(),
        lambdaApi?.close(),
        s3Events?.stop(),
        bankReports?.stop(),
        checks?.stop(),
        decree?.stop(),
        reconciliation?.stop(),
        familyImports?.stop(),
        families?.stop(),
        outboxRelay?.stop(),
      ]);
      // Everything that writes has stopped: the last save sees the final state.
      if (autosave !== undefined && options.persistence !== undefined) {
        try {
          // The emulated SQS keeps nothing: what is still queued goes back to the outbox, PENDING.
          const taken = await takeBackUndelivered(
            sqs,
            HANDOFF_QUEUE_SPECS.flatMap((spec) => emulators.env[spec.envVar] ?? []),
            await outboxRepository(),
            LOCAL_VISIBILITY_TIMEOUT_SECONDS * 1000 + 500,
          );
          if (taken > 0)
            log(`${taken} queued message(s) put back in the outbox, sent again on the next start`);
          const saved = await autosave.stop();
          if (saved !== undefined)
            log(`saved ${describeState(saved)} to ${options.persistence.dir} in ${seconds(saved.ms)}`);
        } catch (error) {
          console.error(`could not save the local state to ${options.persistence.dir}:`, error);
        }
      }
      s3.destroy();
      sqs.destroy();
      await emulators.stop();
    })();
    return stopping;
  };

  try {
    Object.assign(process.env, emulators.env);
    // Anything that read the environment before (a test, an earlier stack) must read it again.
    resetEnvForTests();

    // Before the S3 triggers start: restored objects are their baseline, not new uploads.
    let persistence: LocalStackPersistence | undefined;
    if (options.persistence !== undefined) {
      const { dir, fresh = false, intervalMs = 60_000 } = options.persistence;
      const target: PersistenceTarget = {
        dynamoEndpoint: emulators.dynamoEndpoint,
        s3Endpoint: emulators.s3Endpoint,
        tables: Object.values(TABLES).map((table) => table.localName),
        buckets: Object.values(BUCKETS).map((bucket) => bucket.localName),
      };
      if (fresh) await clearState(dir);
      const restored = fresh ? undefined : await restoreState(dir, target);
      const saver = startAutosave(dir, target, {
        intervalMs,
        onError: (error) => console.error(`could not save the local state to ${dir}:`, error),
      });
      autosave = saver;
      persistence = { dir, restored, save: () => saver.save() };
    }

    const failureQueueUrl = emulators.env[QUEUES.importFailures.envVar];
    if (failureQueueUrl === undefined) throw new Error('the emulators created no import failure queue');
    // S3 → an import function, as the uploads bucket's notifications do in AWS (one per prefix).
    const fileSource = (
      prefix: string,
      spec: { id: string; entry: string },
      handler: LambdaHandler<S3Event> | undefined,
    ): S3EventSource =>
      new S3EventSource({
        ...options.s3Events,
        bucket: BUCKETS.uploads.localName,
        prefix,
        handler: handler ?? lazyHandler<S3Event>(spec.entry),
        s3,
        sqs,
        failureQueueUrl,
        spy: emulators.spy,
        functionName: `khbs-${spec.id}`,
      });
    s3Events = fileSource(PREFIXES.uploads, IMPORT_FUNCTION, options.importHandler);
    await s3Events.start();
    bankReports = fileSource(PREFIXES.disbursements, DISBURSEMENT_FUNCTION, options.bankReportHandler);
    await bankReports.start();
    familyImports = fileSource(PREFIXES.imports, FAMILY_IMPORT_FUNCTION, options.familyImportHandler);
    await familyImports.start();

    // Lambda's Invoke API for the imports, so the watchdog re-drives lost events as in AWS (the
    // family import too, by its local name, though the watchdog does not look under imports/ yet).
    const uploadsSource = s3Events;
    const bankReportsSource = bankReports;
    const familyImportsSource = familyImports;
    lambdaApi = await startLocalLambdaApi({
      [`khbs-${IMPORT_FUNCTION.id}`]: (event) => uploadsSource.invokeAsync(event as S3Event),
      [`khbs-${DISBURSEMENT_FUNCTION.id}`]: (event) => bankReportsSource.invokeAsync(event as S3Event),
      [`khbs-${FAMILY_IMPORT_FUNCTION.id}`]: (event) => familyImportsSource.invokeAsync(event as S3Event),
    });
    const functionEnv = {
      AWS_ENDPOINT_URL_LAMBDA: lambdaApi.url,
      IMPORT_FUNCTION_NAME: `khbs-${IMPORT_FUNCTION.id}`,
      DISBURSEMENT_FUNCTION_NAME: `khbs-${DISBURSEMENT_FUNCTION.id}`,
      FAMILY_IMPORT_FUNCTION_NAME: `khbs-${FAMILY_IMPORT_FUNCTION.id}`,
    };
    Object.assign(process.env, functionEnv);

    const worker = (
      spec: { id: string; entry: string },
      settings: { batchSize: number; maxConcurrency: number; timeoutSeconds: number; memoryMb: number },
      queue: { envVar: string },
      tuning: LocalStackOptions['checks'],
      handler: LambdaHandler<SQSEvent> | undefined,
    ): SqsEventSource => {
      const queueUrl = emulators.env[queue.envVar];
      if (queueUrl === undefined) throw new Error(`the emulators created no queue for ${queue.envVar}`);
      return new SqsEventSource({
        batchSize: settings.batchSize,
        concurrency: settings.maxConcurrency,
        timeoutMs: settings.timeoutSeconds * 1000,
        memoryLimitInMB: settings.memoryMb,
        visibilityTimeoutSeconds: LOCAL_VISIBILITY_TIMEOUT_SECONDS,
        ...tuning,
        queueUrl,
        handler: handler ?? lazyHandler<SQSEvent>(spec.entry),
        sqs,
        functionName: `khbs-${spec.id}`,
      });
    };
    checks = worker(CHECKS_FUNCTION, CHECKS_WORKER, QUEUES.checks, options.checks, options.checksHandler);
    await checks.start();
    decree = worker(DECREE_FUNCTION, DECREE_WORKER, QUEUES.decree, options.decree, options.decreeHandler);
    await decree.start();
    reconciliation = worker(
      RECONCILE_FUNCTION,
      { ...RECONCILE_WORKER, batchSize: 1 },
      QUEUES.reconciliation,
      options.reconciliation,
      options.reconcileHandler,
    );
    await reconciliation.start();
    families = worker(
      FAMILIES_FUNCTION,
      FAMILIES_WORKER,
      QUEUES.families,
      options.families,
      options.familiesHandler,
    );
    await families.start();

    // The relay sends what state changes wrote to the outbox (imported now: the environment is set).
    outboxRelay = new LocalOutboxRelay({
      ...options.outboxRelay,
      handler: lazyHandler<RelayEvent>(RELAY_FUNCTION.entry),
      outbox: await outboxRepository(),
      functionName: `khbs-${RELAY_FUNCTION.id}`,
    });
    outboxRelay.start();

    // The console: built before the API listens, served with its sign-in provider once the port
    // (and so the provider's issuer URL) is known.
    if (options.console === true) {
      const built = await buildConsole();
      log(`console built in ${seconds(built.ms)}`);
    }
    let oidc: LocalOidc | undefined;
    // The front door needs the port (the provider's issuer URL), so it is made once the gateway
    // listens; a browser that asks in between waits for it rather than getting the API's 404.
    // Without the console it is the provider alone (`/oidc`): the machine clients' token endpoint.
    let openFrontDoor: (door: ConsoleFrontDoor) => void = () => {};
    const frontDoor = new Promise<ConsoleFrontDoor>((resolve) => {
      openFrontDoor = resolve;
    });
    gateway = await startGateway({
      routes: options.routes ?? ROUTES,
      ...(options.loadHandler !== undefined ? { loadHandler: options.loadHandler } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      accessLog: options.quiet ? () => {} : (line) => console.log(line),
      frontDoor: (req, res, pathname) => frontDoor.then((door) => door.handle(req, res, pathname)),
      // As a JWT authorizer per issuer: the local tokens (npm run token, the tests), the provider's
      // ID tokens (the console) and its machine clients' access tokens (Bank Kalteng, BULOG).
      verifyToken: (token) =>
        verifyLocalToken(token).catch((error: unknown) => {
          const provider = oidc;
          if (provider === undefined) throw error;
          return provider.verifyIdToken(token).catch(() => provider.verifyAccessToken(token));
        }),
    });
    oidc = await startLocalOidc(gateway.url);
    openFrontDoor(
      options.console
        ? await consoleFrontDoor({ oidc, connectOrigins: [new URL(emulators.s3Endpoint).origin] })
        : oidc,
    );

    const fileSources = [s3Events, bankReports, familyImports];
    const queueSources = [checks, decree, reconciliation, families];
    const relay = outboxRelay;
    const whenIdle = async (): Promise<void> => {
      for (;;) {
        for (const source of fileSources) await source.whenIdle();
        while (!(await relay.isIdle())) await sleep(25);
        for (const source of queueSources) await source.whenIdle();
        // Work may have started more work for another trigger: idle only when all are idle at one look.
        let busy = false;
        for (const source of fileSources) busy = (await source.scan()) !== 0 || source.pending !== 0 || busy;
        if (busy) continue;
        const idle = await Promise.all([...queueSources, relay].map((source) => source.isIdle()));
        if (idle.every(Boolean)) return;
      }
    };

    return {
      apiUrl: gateway.url,
      emulators,
      env: { ...emulators.env, ...functionEnv },
      s3Events,
      bankReports,
      checks,
      decree,
      reconciliation,
      familyImports,
      families,
      outboxRelay,
      gateway,
      ...(oidc !== undefined ? { oidc } : {}),
      ...(persistence !== undefined ? { persistence } : {}),
      whenIdle,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Imports the function's module on its first invocation (its cold start), not at startup: the stack
 * comes up even while a handler does not load, and the failure shows where Lambda would show it, in
 * the invocation (which is then retried and lands on the failure queue).
 */
function lazyHandler<TEvent>(entry: string): LambdaHandler<TEvent> {
  let loading: Promise<LambdaHandler<TEvent>> | undefined;
  return async (event, context) => {
    loading ??= importHandler<TEvent>(entry).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    const handler = await loading;
    return handler(event, context);
  };
}

/** "12,345 items and 37 objects (4.2 MB)" */
export function describeState(state: StateSummary): string {
  const megabytes = (state.bytes / 1024 / 1024).toFixed(1);
  return `${state.items.toLocaleString('en-US')} items and ${state.objects.toLocaleString('en-US')} objects (${megabytes} MB)`;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
