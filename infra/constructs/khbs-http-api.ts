import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  ROUTE_AREAS,
  type RouteArea,
  type RouteSpec,
  routesWithoutArea,
} from '../../functions/api/routes.ts';
import {
  assertAllowedOrigins,
  DEFAULT_ALLOWED_ORIGINS,
  DEFAULT_PUBLIC_ROUTE_THROTTLE,
  DEFAULT_STAGE_THROTTLE,
  type Throttle,
} from '../settings.ts';
import { KhbsRoutesStack, type RouteSettingValues } from '../stacks/routes-stack.ts';
import type { DataResources } from './data-grants.ts';
import type { ProjectFunction } from './project-function.ts';

export interface KhbsHttpApiProps extends DataResources {
  /** The routes, one Lambda function each, in their area's stack (`functions/api/routes.ts`). */
  readonly routes: readonly RouteSpec[];
  /**
   * Whether the route functions are traced (`ProjectFunction.traced`).
   * @default true
   */
  readonly tracedRoutes?: boolean;
  /** Token issuer (`https://cognito-idp.<region>.amazonaws.com/<userPoolId>`). */
  readonly jwtIssuer: string;
  /** Accepted `aud` / `client_id`: the user pool client ids. */
  readonly jwtAudience: string[];
  /** Names of the table and buckets, keyed by the env var names in `shared/resources.ts`. */
  readonly environment: Record<string, string>;
  /** What each route's `settings` (`functions/api/routes.ts`) give its function. */
  readonly routeSettings: RouteSettingValues;
  /**
   * Origins a browser may call the API from (CORS): named origins only, never `*` (checked by
   * `assertAllowedOrigins`). Tokens travel in the Authorization header, never in cookies, so no
   * credentials are allowed either.
   * @default DEFAULT_ALLOWED_ORIGINS (['http://localhost:5173'])
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Request rate limits of every route without its own (the stage's default route settings).
   * @default DEFAULT_STAGE_THROTTLE ({ rateLimit: 50, burstLimit: 100 })
   */
  readonly throttle?: Throttle;
  /**
   * Request rate limits of each public route (its own stage route setting), so that anonymous
   * traffic on `/verify/{code}` or `/health` is held well below what signed-in users get.
   * @default DEFAULT_PUBLIC_ROUTE_THROTTLE ({ rateLimit: 10, burstLimit: 20 })
   */
  readonly publicRouteThrottle?: Throttle;
  /**
   * Reserved concurrency of route functions: a number for every public route, or a number per
   * route id. It caps the function and sets that much of the account's concurrency aside for it.
   * @default - none (a new account may have a concurrency limit of 10, none of it reservable)
   */
  readonly reservedConcurrency?: number | Readonly<Record<string, number>>;
  /**
   * How long the stage's access logs are kept.
   * @default RetentionDays.ONE_YEAR
   */
  readonly accessLogRetention?: RetentionDays;
}

/**
 * The HTTP API: one Lambda per route, a Cognito JWT authorizer on every route that is not marked
 * public, each function granted only its route's declared access, CORS for named origins only, and
 * a `$default` stage with JSON access logs and throttling (lower on the public routes). The API,
 * its authorizer and stage are here; each area's routes (`area` in `functions/api/routes.ts`) are
 * in a nested stack of their own ({@link KhbsRoutesStack}), to keep every stack well under
 * CloudFormation's 500 resources.
 */
export class KhbsHttpApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  /** The functions by route id, of every area. */
  public readonly functions: ReadonlyMap<string, ProjectFunction>;
  /** The nested stack of each area that has routes (an area without routes has none). */
  public readonly routeStacks: ReadonlyMap<RouteArea, KhbsRoutesStack>;

  constructor(scope: Construct, id: string, props: KhbsHttpApiProps) {
    super(scope, id);
    const allowedOrigins = [...(props.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS)];
    assertAllowedOrigins(allowedOrigins, 'allowedOrigins of the HTTP API');
    const reserved = reservedConcurrencyByRoute(props.routes, props.reservedConcurrency);
    // A route without an area would be in no stack, silently: refused (routes.ts refuses it as it loads too).
    const unplaced = routesWithoutArea(props.routes);
    if (unplaced.length > 0) throw new Error(`KhbsHttpApi: ${unplaced.join('; ')}`);

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
        allowOrigins: allowedOrigins,
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
      throttle: props.throttle ?? DEFAULT_STAGE_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });

    const publicThrottle = props.publicRouteThrottle ?? DEFAULT_PUBLIC_ROUTE_THROTTLE;
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    const functions = new Map<string, ProjectFunction>();
    const routeStacks = new Map<RouteArea, KhbsRoutesStack>();
    const stage = this.stage.node.defaultChild as CfnStage;
    for (const area of ROUTE_AREAS) {
      const routes = props.routes.filter((route) => route.area === area);
      if (routes.length === 0) continue;
      const routeStack = new KhbsRoutesStack(this, `Routes${capitalised(area)}`, {
        area,
        routes,
        httpApi: this.api,
        table: props.table,
        uploadsBucket: props.uploadsBucket,
        documentsBucket: props.documentsBucket,
        environment: props.environment,
        settings: props.routeSettings,
        traced: props.tracedRoutes ?? true,
        reservedConcurrency: reserved,
      });
      for (const [routeId, fn] of routeStack.functions) functions.set(routeId, fn);
      for (const route of routes.filter((r) => r.public)) {
        routeSettings[`${route.method} ${route.path}`] = {
          ThrottlingRateLimit: publicThrottle.rateLimit,
          ThrottlingBurstLimit: publicThrottle.burstLimit,
        };
      }
      // Route settings name route keys, which API Gateway refuses before the routes exist: the
      // stage is created (or updated) after the nested stack that holds them. A nested stack, not a
      // stack of its own, for this: the stage could not wait for a stack that waits for the API.
      if (routeStack.publicRoutes.length > 0 && routeStack.nestedStackResource) {
        stage.addResourceDependency(routeStack.nestedStackResource);
      }
      routeStacks.set(area, routeStack);
    }
    this.functions = functions;
    this.routeStacks = routeStacks;
    if (Object.keys(routeSettings).length > 0) stage.routeSettings = routeSettings;
  }

  /** The stage's invoke URL. */
  public get url(): string {
    return this.stage.url;
  }
}

/**
 * Reserved concurrency by route id: a number applies to every public route; a record must name
 * routes that exist (a misspelt id would otherwise reserve nothing, silently).
 */
function reservedConcurrencyByRoute(
  routes: readonly RouteSpec[],
  setting: number | Readonly<Record<string, number>> | undefined,
): ReadonlyMap<string, number> {
  if (setting === undefined) return new Map();
  if (typeof setting === 'number') return new Map(routes.filter((r) => r.public).map((r) => [r.id, setting]));
  const known = new Set(routes.map((r) => r.id));
  for (const id of Object.keys(setting)) {
    if (!known.has(id)) {
      throw new Error(
        `reservedConcurrency names route "${id}", which is not in functions/api/routes.ts ` +
          `(route ids: ${[...known].join(', ')})`,
      );
    }
  }
  return new Map(Object.entries(setting));
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

const capitalised = (word: string): string => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
