import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  alarmSettings,
  complaintHolidays,
  consoleOrigin,
  consoleSettings,
  securitySettings,
  tracingMode,
} from './settings.ts';
import { KhbsApiStack } from './stacks/api-stack.ts';
import { KhbsStatefulStack } from './stacks/stateful-stack.ts';

export interface KhbsAppOptions {
  /**
   * Context for the app (feature flags, `khbs:*` settings). The CLI passes `cdk.json`'s context
   * itself; tests pass it here.
   * @default {}
   */
  readonly context?: Record<string, unknown>;
  /**
   * Where the cloud assembly goes.
   * @default - the CLI's choice, or a temporary directory
   */
  readonly outdir?: string;
  /**
   * Run CDK's built-in CloudFormation template validation during synth (the slowest part of an
   * offline synth). Template-content tests may turn it off; the cdk-nag test keeps it on.
   * @default true
   */
  readonly cloudFormationValidation?: boolean;
}

export interface KhbsApp {
  readonly app: App;
  readonly stateful: KhbsStatefulStack;
  readonly api: KhbsApiStack;
}

/**
 * The whole app: the stateful stack, the stateless one fed from it, and cdk-nag's AwsSolutions
 * pack, which fails the synth on any finding that is neither fixed nor acknowledged with a reason.
 * No `env`: the stacks are environment-agnostic, so synth needs no credentials and no network.
 */
export function buildKhbsApp(options: KhbsAppOptions = {}): KhbsApp {
  const app = new App({
    ...(options.context ? { context: options.context } : {}),
    ...(options.outdir ? { outdir: options.outdir } : {}),
    builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
  });
  if (app.node.tryGetContext('khbs:allowedOrigins') !== undefined) {
    throw new Error(
      'Context khbs:allowedOrigins has moved: set "khbs:security": { "allowedOrigins": [...] } instead (no "*")',
    );
  }
  const security = securitySettings(app.node.tryGetContext('khbs:security'));
  const alarms = alarmSettings(app.node.tryGetContext('khbs:alarms'));
  const authCallbackUrls = stringList(app, 'khbs:authCallbackUrls');
  const authLogoutUrls = stringList(app, 'khbs:authLogoutUrls');
  const decreeSettings = stringRecord(app, 'khbs:decree');
  const tracing = tracingMode(app.node.tryGetContext('khbs:tracing'));
  const webConsole = consoleSettings(app.node.tryGetContext('khbs:console'));
  const holidays = complaintHolidays(app.node.tryGetContext('khbs:complaintHolidays'));
  // The console's origin may call the API (CORS) and PUT uploads to the bucket's presigned URLs.
  const allowedOrigins = [
    ...new Set([...security.allowedOrigins, ...(webConsole ? [consoleOrigin(webConsole)] : [])]),
  ];

  const stateful = new KhbsStatefulStack(app, 'KhbsStateful', {
    description: 'KHBS BKK: table and buckets (retained)',
    terminationProtection: true,
    uploadAllowedOrigins: allowedOrigins,
  });
  const api = new KhbsApiStack(app, 'KhbsApi', {
    description: 'KHBS BKK: HTTP API, functions, import pipeline, user directory',
    table: stateful.table,
    uploadsBucket: stateful.uploadsBucket,
    documentsBucket: stateful.documentsBucket,
    allowedOrigins,
    stageThrottle: security.stageThrottle,
    publicRouteThrottle: security.publicRouteThrottle,
    ...(security.reservedConcurrency !== undefined
      ? { reservedConcurrency: security.reservedConcurrency }
      : {}),
    ...(security.edge ? { edge: security.edge } : {}),
    ...(webConsole ? { console: webConsole } : {}),
    alarmEmails: alarms.emails,
    tracing,
    ...(authCallbackUrls ? { authCallbackUrls } : {}),
    ...(authLogoutUrls ? { authLogoutUrls } : {}),
    ...(decreeSettings ? { decreeSettings } : {}),
    complaintHolidays: holidays,
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stateful, api };
}

/** A context value that must be a list of strings when present (`cdk.json` or `-c key=[…]`). */
function stringList(app: App, key: string): string[] | undefined {
  const raw: unknown = app.node.tryGetContext(key);
  if (raw === undefined) return undefined;
  const value: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Error(`Context ${key} must be a list of strings, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** A context value that must be an object of `DECREE_*` strings when present. */
function stringRecord(app: App, key: string): Record<string, string> | undefined {
  const raw: unknown = app.node.tryGetContext(key);
  if (raw === undefined) return undefined;
  const value: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  const valid =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.entries(value).every(
      ([name, setting]) => /^DECREE_[A-Z_]+$/.test(name) && typeof setting === 'string',
    );
  if (!valid)
    throw new Error(`Context ${key} must be an object of DECREE_* strings, got ${JSON.stringify(raw)}`);
  return value as Record<string, string>;
}
