import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { RouteSpec } from '../../functions/api/routes.ts';
import { acknowledgeWildcardUnder } from '../nag.ts';
import { REPO_ROOT } from '../paths.ts';
import { type ConsoleSettings, consoleContentSecurityPolicy } from '../settings.ts';
import {
  acknowledgeEdgeFindings,
  apiBehavior,
  apiOrigin,
  edgeDistributionProps,
} from './api-distribution.ts';
import { AccessLogsBucket, ProjectBucket } from './project-bucket.ts';

/** The distribution's origin ids, which the `/verify/*` function selects by. */
export const CONSOLE_ORIGIN_ID = 'console';
export const API_ORIGIN_ID = 'api';

/**
 * CloudFront path patterns of every API route, from `ROUTES` (one place): `/health`,
 * `/proposals` and `/proposals/*` for `/proposals/{proposalId}/…`, and so on. A new route under a
 * new first segment gets its behavior with nothing else to change.
 */
export function apiPathPatterns(routes: readonly RouteSpec[]): string[] {
  const patterns = new Set<string>();
  for (const { path } of routes) {
    const [, first, ...rest] = path.split('/');
    if (first === undefined || first === '' || first.includes('{')) {
      throw new Error(`Route ${path}: its first segment must be a fixed word to get a CloudFront behavior`);
    }
    patterns.add(rest.length === 0 ? `/${first}` : `/${first}/*`);
  }
  return [...patterns];
}

/**
 * Viewer request on the console's default behavior: a path without a file extension is one of the
 * console's pages (`/`, `/auth/callback`), so the bucket's `index.html` answers it. Unlike error
 * responses (403/404 → index.html) this touches no answer of the API.
 */
export const SPA_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * Viewer request on \`/verify/*\`: the URL printed on every decree. A browser navigating (its
 * \`Accept\` names \`text/html\`, as \`local/console.ts\` decides) gets the console's page from the
 * bucket; a program (any type, or JSON) gets the API's JSON, untouched.
 */
export const VERIFY_FUNCTION_CODE = `import cf from 'cloudfront';

function handler(event) {
  var request = event.request;
  var accept = request.headers.accept ? request.headers.accept.value : '';
  if (/(^|,)\\s*text\\/html\\s*(;|,|$)/i.test(accept)) {
    cf.selectRequestOriginById('${CONSOLE_ORIGIN_ID}');
    request.uri = '/index.html';
    request.querystring = {};
  }
  return request;
}`;

export interface ConsoleHostingProps extends ConsoleSettings {
  /** Every route of the API: each gets a behavior to the API's origin. */
  readonly routes: readonly RouteSpec[];
  /** The HTTP API served under the same origin. */
  readonly httpApi: IHttpApi;
  /** What the console reads from `/config.json` (`web/src/config.ts`). */
  readonly config: {
    readonly issuer: string;
    readonly clientId: string;
    readonly scope: string;
    /** Cognito's hosted UI `/logout`, which sign-out goes to (Cognito has no end_session_endpoint). */
    readonly logoutUrl?: string;
  };
  /** Origins besides its own the console's scripts call (Cognito's endpoints, the uploads bucket). */
  readonly connectOrigins: readonly string[];
}

/**
 * The web console in AWS, on one HTTPS origin with the API: its built files in a private bucket
 * that only this distribution may read (origin access control), the API's routes as behaviors to
 * the HTTP API (nothing cached, every viewer header but Host forwarded), the printed `/verify/{code}`
 * negotiated on `Accept` at the edge, security headers on every answer, and AWS WAF in front of it
 * all. Replaces the API-only `ApiDistribution` when the console is deployed.
 */
export class ConsoleHosting extends Construct {
  public readonly bucket: ProjectBucket;
  public readonly distribution: Distribution;
  public readonly securityHeaders: ResponseHeadersPolicy;
  public readonly spaFunction: EdgeFunction;
  public readonly verifyFunction: EdgeFunction;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const distDir = isAbsolute(props.distDir) ? props.distDir : join(REPO_ROOT, props.distDir);
    if (!existsSync(join(distDir, 'index.html'))) {
      throw new Error(
        `khbs:console: the console is not built (no ${join(distDir, 'index.html')}). ` +
          'Run `npm run build:web` before `cdk synth` / `cdk deploy`, or set khbs:console.distDir.',
      );
    }

    // Rebuilt by every deployment; it logs to a log bucket of its own so that no other stack's
    // bucket policy has to name it.
    const accessLogs = new AccessLogsBucket(this, 'AccessLogsBucket');
    this.bucket = new ProjectBucket(this, 'Bucket', {
      accessLogsBucket: accessLogs,
      accessLogsPrefix: 'console/',
    });

    const consoleOrigin = S3BucketOrigin.withOriginAccessControl(this.bucket, {
      originId: CONSOLE_ORIGIN_ID,
    });
    const api = apiOrigin(props.httpApi, stack, API_ORIGIN_ID);

    const csp = consoleContentSecurityPolicy(props.connectOrigins);
    this.securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'KHBS console and API: HSTS, CSP, no framing, nosniff, no referrer',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    this.spaFunction = new EdgeFunction(this, 'SpaFunction', {
      comment: 'KHBS console: a page path (no extension) gets index.html',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(SPA_FUNCTION_CODE),
    });
    this.verifyFunction = new EdgeFunction(this, 'VerifyFunction', {
      comment: 'KHBS /verify: a browser gets the console page, a program the API JSON',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(VERIFY_FUNCTION_CODE),
    });

    const apiPaths: BehaviorOptions = { ...apiBehavior(api), responseHeadersPolicy: this.securityHeaders };
    const additionalBehaviors: Record<string, BehaviorOptions> = {};
    for (const pattern of apiPathPatterns(props.routes)) {
      additionalBehaviors[pattern] =
        pattern === '/verify/*'
          ? {
              ...apiPaths,
              // A QR code may be typed or printed as http://; the page and the JSON are public.
              viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
              functionAssociations: [
                { function: this.verifyFunction, eventType: FunctionEventType.VIEWER_REQUEST },
              ],
            }
          : apiPaths;
    }

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'KHBS BKK console and API (AWS WAF in front of both)',
      ...edgeDistributionProps(this, props),
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: consoleOrigin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.securityHeaders,
        functionAssociations: [{ function: this.spaFunction, eventType: FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      additionalBehaviors,
    });

    // Vite puts a content hash in every asset's name: cached for good. Old assets stay (no prune),
    // so a tab opened before a deployment still loads its chunks.
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [Source.asset(distDir)],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: ['assets/*'],
      prune: false,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
    });
    // The page and its settings: revalidated on every load, and invalidated at the edge.
    const pages = new BucketDeployment(this, 'DeployPages', {
      sources: [
        Source.asset(distDir),
        Source.jsonData('config.json', { apiBaseUrl: '', oidc: { ...props.config } }),
      ],
      destinationBucket: this.bucket,
      exclude: ['assets/*'],
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
    });
    pages.node.addDependency(assets);
    acknowledgeDeploymentHandler(stack, this.bucket);

    acknowledgeEdgeFindings(
      this.distribution,
      'Every request that reaches the API is logged by the stage (JSON access logs, one year), the bucket logs its reads (server access logs), and the firewall logs what it sees',
    );
  }

  /** The distribution's CloudFront name, for the DNS record of `domainName`. */
  public get domainName(): string {
    return this.distribution.distributionDomainName;
  }
}

/**
 * CDK's BucketDeployment handler is a singleton Lambda that CDK writes (not this project): at
 * deployment it copies the console from the CDK assets bucket into the console's bucket and
 * invalidates the distribution. Its permissions are CDK's, scoped to those two buckets where S3 allows.
 */
function acknowledgeDeploymentHandler(stack: Stack, bucket: IBucket): void {
  const reason = (what: string): string =>
    `CDK's own BucketDeployment handler (a deploy-time custom resource, not reachable by any request) ${what}; ` +
    'its role is written by CDK and cannot be narrowed without forking the construct.';
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    Validations.of(child).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: reason('uses the basic execution role for its logs'),
    });
    for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*']) {
      Validations.of(child).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: reason(
          'reads the staged console and writes it into the console bucket with grantRead/grantReadWrite',
        ),
      });
    }
    Validations.of(child).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      reason: reason("reads the staged console's zip files from the CDK bootstrap assets bucket"),
    });
    Validations.of(child).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: reason(
        'creates CloudFront invalidations, and cloudfront:CreateInvalidation/GetInvalidation take no resource ARN',
      ),
    });
    Validations.of(child).acknowledge({
      id: 'AwsSolutions-L1',
      reason: reason('runs on the Python runtime that the installed aws-cdk-lib pins and upgrades'),
    });
    acknowledgeWildcardUnder(
      child,
      bucket.bucketArn,
      '/*',
      reason('writes every object of the console bucket (the console is replaced as a whole)'),
    );
  }
}

/** The bucket whose reads the console's CSP must allow (`connect-src`): the uploads' PUT target. */
export function bucketOrigin(bucket: IBucket): string {
  return `https://${bucket.bucketRegionalDomainName}`;
}
