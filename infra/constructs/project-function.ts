import { Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  NodejsFunction,
  type NodejsFunctionProps,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { TRACING_ENV } from '#shared/observability/metric-names.ts';
import { LOCK_FILE, repoPath } from '../paths.ts';

/**
 * The newest Node.js runtime this aws-cdk-lib knows (cdk-nag's L1 compares against `Runtime.ALL`).
 * The esbuild target follows it, so the bundle never uses syntax the runtime lacks.
 */
export const PROJECT_RUNTIME = Runtime.NODEJS_24_X;
export const PROJECT_ESBUILD_TARGET = 'node24';

/**
 * ESM bundles still meet CommonJS dependencies (exceljs, parts of the SDK) that call `require`;
 * this shim gives them one. Its import is aliased: bundled ESM code (pdfkit) imports `createRequire`
 * under its own name at top level, which would clash in an unminified bundle.
 */
const REQUIRE_SHIM =
  "import { createRequire as __khbsCreateRequire } from 'module'; const require = __khbsCreateRequire(import.meta.url);";

/** What `brotli/decompress.js` resolves to in every bundle (relative to the repository root). */
export const BROTLI_STUB = 'infra/bundling/no-woff2.ts';

/** What `@noble/ciphers/aes` (pdfkit's PDF encryption) resolves to in every bundle. */
export const PDF_ENCRYPTION_STUB = 'infra/bundling/no-pdf-encryption.ts';

/** What the SDK's default credential chain resolves to in every bundle: the environment only. */
export const ENV_CREDENTIALS = 'infra/bundling/env-credentials.ts';

/** What Powertools Tracer (and its `/middleware`) resolves to in an untraced function's bundle. */
export const NO_TRACER = 'infra/bundling/no-tracer';

/** How every function is bundled (exported for the test that bundles the decree renderer for real). */
export const DEFAULT_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: PROJECT_ESBUILD_TARGET,
  banner: REQUIRE_SHIM,
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // Docker does not run on the build machines; esbuild from node_modules does the bundling.
  forceDockerBundling: false,
  // The code is tested against the exact @aws-sdk/* version in package-lock.json; bundling it
  // (instead of using the runtime's copy) keeps the client and lib-* packages in step.
  externalModules: [],
  loader: { '.json': 'json' },
  // fontkit (the decree's PDF fonts) imports brotli to read WOFF2 fonts; the decree embeds TTF only,
  // and brotli would be a third of its bundle. pdfkit imports AES to encrypt password-protected
  // PDFs; the decree sets no password, and AES builds its tables at load. Lambda hands credentials
  // in the environment, so the SDK's default chain is cut to that link (see ENV_CREDENTIALS' file).
  // Resolved from the repository root, esbuild's cwd.
  esbuildArgs: {
    '--alias': [
      `brotli/decompress.js=./${BROTLI_STUB}`,
      `@noble/ciphers/aes=./${PDF_ENCRYPTION_STUB}`,
      `@aws-sdk/credential-provider-node=./${ENV_CREDENTIALS}`,
    ],
  },
};

/**
 * How a function is bundled: {@link DEFAULT_BUNDLING}, and for an untraced one Powertools Tracer
 * aliased to a stub (it is never loaded there, and the X-Ray SDK would be compiled for nothing).
 */
export function bundlingFor(options: { readonly traced: boolean }): BundlingOptions {
  if (options.traced) return DEFAULT_BUNDLING;
  const aliases = DEFAULT_BUNDLING.esbuildArgs?.['--alias'];
  return {
    ...DEFAULT_BUNDLING,
    esbuildArgs: {
      ...DEFAULT_BUNDLING.esbuildArgs,
      '--alias': [...(Array.isArray(aliases) ? aliases : []), `@aws-lambda-powertools/tracer=./${NO_TRACER}`],
    },
  };
}

export interface ProjectFunctionProps
  extends Omit<
    NodejsFunctionProps,
    'entry' | 'runtime' | 'architecture' | 'logGroup' | 'logRetention' | 'role'
  > {
  /** Handler module, relative to the repository root (the form `functions/api/routes.ts` uses). */
  readonly entry: string;
  /**
   * How long the function's log group keeps events.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logGroupRetention?: RetentionDays;
  /**
   * Powertools service name, also the `service` key of every log line.
   * @default 'khbs-bkk'
   */
  readonly serviceName?: string;
  /**
   * X-Ray active tracing with Powertools Tracer loaded at INIT (~20–25 ms of each cold start, and
   * async hooks on every promise); false leaves the function untraced (`PASS_THROUGH`: it only
   * passes on a caller's trace header) and the Tracer unloaded. `khbs:tracing` chooses it per kind.
   * @default true
   */
  readonly traced?: boolean;
}

/**
 * The project's Lambda function: every default decided once (runtime, ARM64, ESM bundle with
 * source maps, X-Ray, a log group with retention, a role that may write only to that log group).
 * Callers add only what differs: entry, environment, memory and timeout, and their grants.
 */
export class ProjectFunction extends NodejsFunction {
  /** The function's own log group (not the `/aws/lambda/…` group Lambda would create on first use). */
  public readonly functionLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    const { entry, logGroupRetention, serviceName, bundling, environment, traced = true, ...rest } = props;
    // Created beside the function (not inside it) because the function needs both at construction.
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: logGroupRetention ?? RetentionDays.ONE_MONTH,
    });
    // An own role instead of the default one with AWSLambdaBasicExecutionRole: that managed policy
    // lets the function create and write any log group in the account; this one writes to its own.
    const role = new Role(scope, `${id}ServiceRole`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      memorySize: 512,
      timeout: Duration.seconds(10),
      ...rest,
      entry: repoPath(entry),
      runtime: PROJECT_RUNTIME,
      architecture: Architecture.ARM_64,
      tracing: traced ? Tracing.ACTIVE : Tracing.PASS_THROUGH,
      logGroup,
      role,
      depsLockFilePath: LOCK_FILE,
      bundling: { ...bundlingFor({ traced }), ...bundling },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: serviceName ?? 'khbs-bkk',
        // Active tracing, so the function loads Powertools Tracer (shared/observability/tracing.ts).
        ...(traced ? { [TRACING_ENV.name]: TRACING_ENV.active } : {}),
        ...environment,
      },
    });
    this.functionLogGroup = logGroup;

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active X-Ray tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no ' +
        'resource-level permissions (IAM requires Resource "*" for them); every other statement of this role is scoped.',
    });
  }
}
