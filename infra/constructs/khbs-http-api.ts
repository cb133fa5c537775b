import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteSpec } from '../../functions/api/routes.ts';
import {
  type DataResources,
  grantRouteAccess,
  type RouteQueues,
  routeQueueEnvironment,
} from './data-grants.ts';
import { ProjectFunction } from './project-function.ts';

export interface KhbsHttpApiProps extends DataResources {
  /** The routes, one Lambda function each (`functions/api/routes.ts`). */
  readonly routes: readonly RouteSpec[];
  /** Token issuer (`https://cognito-idp.<region>.amazonaws.com/<userPoolId>`). */
  readonly jwtIssuer: string;
  /** Accepted `aud` / `client_id`: the user pool client ids. */
  readonly jwtAudience: string[];
  /** Names of the table and buckets, keyed by the env var names in `shared/resources.ts`. */
  readonly environment: Record<string, string>;
  /**
   * The queues a route may send to (`access.sendsTo`). Each route gets send rights and the URL
   * variable for exactly the queues it names.
   */
  readonly queues: RouteQueues;
  /**
   * Origins a browser may call the API from (CORS). Tokens travel in the Authorization header,
   * never in cookies, so no credentials are allowed and `*` exposes nothing.
   * @default ['*']
   */
  readonly allowedOrigins?: string[];
  /**
   * Stage-wide request rate limits.
   * @default { rateLimit: 50, burstLimit: 100 }
   */
  readonly throttle?: ThrottleSettings;
  /**
   * How long the stage's access logs are kept.
   * @default RetentionDays.ONE_YEAR
   */
  readonly accessLogRetention?: RetentionDays;
}

/**
 * The HTTP API: one Lambda per route, a Cognito JWT authorizer on every route that is not marked
 * public, each function granted only its route's declared access, and a `$default` stage with
 * JSON access logs and throttling.
 */
export class KhbsHttpApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  /** The functions by route id. */
  public readonly functions: ReadonlyMap<string, ProjectFunction>;

  constructor(scope: Construct, id: string, props: KhbsHttpApiProps) {
    super(scope, id);

    const authorizer = new HttpJwtAuthorizer('CognitoJwt', props.jwtIssuer, {
      jwtAudience: props.jwtAudience,
      identitySource: ['$request.header.Authorization'],
    });

    this.api = new HttpApi(this, 'Api', {
      apiName: 'khbs-bkk',
      description: 'KHBS BKK backend API',
      // Protected unless a route says otherwise: a route added without thought needs a token.
      defaultAuthorizer: authorizer,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.allowedOrigins ?? ['*'],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        allowCredentials: false,
        maxAge: Duration.hours(1),
      },
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_YEAR,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });

    const functions = new Map<string, ProjectFunction>();
    for (const route of props.routes) {
      const fn = new ProjectFunction(this, route.id, {
        entry: route.entry,
        description: `${route.method} ${route.path}`,
        environment: { ...props.environment, ...routeQueueEnvironment(route.access, props.queues) },
      });
      grantRouteAccess(fn, route.access, props, props.queues);

      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.id}Integration`, fn),
        ...(route.public ? { authorizer: new HttpNoneAuthorizer() } : {}),
      });
      if (route.public && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} is public by contract (public: true in routes.ts; interfaces.md §3 ` +
            'lists it as needing no token); it is still throttled at the stage and logged.',
        });
      }
      functions.set(route.id, fn);
    }
    this.functions = functions;
  }

  /** The stage's invoke URL. */
  public get url(): string {
    return this.stage.url;
  }
}

/**
 * One JSON line per request. Paths carry only opaque ids (no NIK: interfaces.md §3), so logging
 * the route and path exposes no personal data.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    sub: '$context.authorizer.claims.sub',
  }),
);
