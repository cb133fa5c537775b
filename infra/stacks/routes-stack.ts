import { NestedStack, Validations } from 'aws-cdk-lib';
import {
  type CfnRoute,
  type HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { RouteArea, RouteSetting, RouteSpec } from '../../functions/api/routes.ts';
import { type DataResources, grantRouteAccess } from '../constructs/data-grants.ts';
import { ProjectFunction } from '../constructs/project-function.ts';

/** What each {@link RouteSetting} stands for in this deployment. */
export interface RouteSettingValues {
  /** `khbs:complaintHolidays`, checked: `COMPLAINT_HOLIDAYS`, comma-separated. */
  readonly complaintHolidays: readonly string[];
  /** The secret holding the complaint rate limit's pepper: its ARN, and the grant to read it. */
  readonly complaintRatePepper: ISecret;
}

export interface KhbsRoutesStackProps extends DataResources {
  readonly area: RouteArea;
  /** The routes of this area, and no other (checked). */
  readonly routes: readonly RouteSpec[];
  /**
   * The API the routes are added to; it stays in the parent stack with its stage. Its default
   * authorizer (the Cognito JWT one) guards every route not marked public: CDK binds it under the
   * API, in the parent stack, so every area shares that one authorizer.
   */
  readonly httpApi: HttpApi;
  /** Names of the table and buckets, keyed by the env var names in `shared/resources.ts`. */
  readonly environment: Record<string, string>;
  /** What a route's `settings` give its function (and no other route's). */
  readonly settings: RouteSettingValues;
  /** Whether the route functions are traced (`ProjectFunction.traced`). */
  readonly traced: boolean;
  /** Reserved concurrency by route id (already checked against the routes). */
  readonly reservedConcurrency: ReadonlyMap<string, number>;
}

/**
 * One area's routes (`area` in `functions/api/routes.ts`): per route a function with exactly its
 * declared grants, its Lambda integration and its API Gateway route. A nested stack of `KhbsApi`,
 * so that each area counts against CloudFormation's 500 resources on its own while the API, its
 * stage and authorizer, the alarms and the dashboards stay in the parent, which deploys and rolls
 * back with its route stacks as one, and may refer to their functions without cross-stack exports.
 */
export class KhbsRoutesStack extends NestedStack {
  public readonly area: RouteArea;
  /** The functions by route id. */
  public readonly functions: ReadonlyMap<string, ProjectFunction>;
  /** The routes no token is needed for: the stage's route settings name them. */
  public readonly publicRoutes: readonly CfnRoute[];

  constructor(scope: Construct, id: string, props: KhbsRoutesStackProps) {
    super(scope, id, { description: `KHBS BKK: the ${props.area} routes of the HTTP API` });
    this.area = props.area;
    const strays = props.routes.filter((route) => route.area !== props.area);
    if (strays.length > 0) {
      throw new Error(
        `The ${props.area} routes stack was given routes of another area: ${strays.map((r) => r.id).join(', ')}`,
      );
    }

    const functions = new Map<string, ProjectFunction>();
    const publicRoutes: CfnRoute[] = [];
    for (const route of props.routes) {
      const concurrency = props.reservedConcurrency.get(route.id);
      const fn = new ProjectFunction(this, route.id, {
        entry: route.entry,
        description: `${route.method} ${route.path}`,
        environment: { ...props.environment, ...settingsEnvironment(route.settings ?? [], props.settings) },
        traced: props.traced,
        ...(concurrency !== undefined ? { reservedConcurrentExecutions: concurrency } : {}),
      });
      grantRouteAccess(fn, route.access, props);
      if (route.settings?.includes('complaintRatePepper')) props.settings.complaintRatePepper.grantRead(fn);

      // A route of its own here (not `httpApi.addRoutes`, which would create it under the API, in
      // the parent stack); its integration and the invoke permission follow it into this stack.
      const created = new HttpRoute(this, `${route.id}Route`, {
        httpApi: props.httpApi,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: new HttpLambdaIntegration(`${route.id}Integration`, fn),
        // Protected unless the route says otherwise: a route added without thought needs a token.
        ...(route.public ? { authorizer: new HttpNoneAuthorizer() } : {}),
      });
      if (route.public) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} is public by contract (public: true in routes.ts; interfaces.md §3 ` +
            'lists it as needing no token); it has its own lower throttle at the stage, and is logged.',
        });
        publicRoutes.push(created.node.defaultChild as CfnRoute);
      }
      functions.set(route.id, fn);
    }
    this.functions = functions;
    this.publicRoutes = publicRoutes;
  }
}

/** The variables a route's settings add to its function's environment (`shared/config/complaints.ts`). */
function settingsEnvironment(
  settings: readonly RouteSetting[],
  values: RouteSettingValues,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const setting of settings) {
    switch (setting) {
      case 'complaintHolidays':
        environment.COMPLAINT_HOLIDAYS = values.complaintHolidays.join(',');
        break;
      case 'complaintRatePepper':
        // The secret's ARN, never its value: the function reads the value itself.
        environment.COMPLAINT_RATE_PEPPER_SECRET = values.complaintRatePepper.secretArn;
        break;
      default:
        throw new Error(`Unknown route setting ${String(setting satisfies never)}`);
    }
  }
  return environment;
}
