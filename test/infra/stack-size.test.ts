import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ROUTE_AREAS,
  ROUTES,
  type RouteArea,
  type RouteSpec,
  routesWithoutArea,
} from '../../functions/api/routes.ts';
import {
  logicalIdOf,
  type Resources,
  SYNTH_TIMEOUT_MS,
  type SynthesizedApp,
  synthKhbsApp,
} from './support/khbs-app.ts';

/**
 * CloudFormation refuses a template of more than 500 resources (and 200 parameters, 200 outputs).
 * Each stack keeps a margin under that, so that the routes of one issue never reach the limit
 * between two runs of this test: an area that nears it gets no more routes (a new area does).
 */
const MAX_RESOURCES = 450;
const MAX_PARAMETERS = 200;
const MAX_OUTPUTS = 200;

/**
 * The area of each route as deployed. A route that changed area would be created in its new stack
 * before it is deleted from the old one, and API Gateway refuses a second route with the same key:
 * so this list only grows (a route added to ROUTES need not be added here, but may be).
 */
const DEPLOYED_AREAS: Readonly<Record<RouteArea, readonly string[]>> = {
  core: [
    'Health',
    'OpenApi',
    'CreateUpload',
    'GetUpload',
    'ListProposals',
    'GetProposal',
    'ListRecipients',
    'SearchRecipients',
    'SubmitProposal',
    'ReviewProposal',
    'WaiveFlag',
    'DecideProposal',
    'ListDecrees',
    'GetDecree',
    'RevokeDecree',
    'VerifyDecree',
    'VerifyCard',
    'StartReconciliation',
    'ListReconciliations',
    'GetReconciliation',
    'GetAudit',
    'CloseTahap',
  ],
  families: [
    'CreateImport',
    'GetImport',
    'ListImports',
    'ListSnapshots',
    'GetSnapshot',
    'ListExclusionLists',
    'CreateTahap',
    'ListTahap',
    'GetTahap',
    'RequestEligibility',
    'ComposeKpm',
    'GetKpm',
    'GetTahapSummary',
    'SearchTahapFamilies',
    'AssignRelawan',
    'ListAssignments',
    'ListMyAssignments',
    'GetTahapFile',
    'CreateVervalUpload',
    'GetVervalUpload',
    'GetVervalProgress',
    'SearchFamilies',
    'GetFamily',
    'ListFamilyReads',
    'RecordVervalVisits',
  ],
  distribution: [
    'GetDistribution',
    'GetCardPrintFile',
    'BlockCard',
    'ReplaceCard',
    'CreateFoodLists',
    'GetFoodLists',
    'GetFoodReconciliation',
    'GetEdcFindings',
    'RecordCardHandovers',
    'RequestAccounts',
    'GetAccountRequest',
    'InstructPayments',
    'GetPaymentInstruction',
    'GetFinance',
    'GetDashboard',
    'ExportDashboard',
  ],
  complaints: [
    'LodgeComplaint',
    'GetComplaintStatus',
    'EnterComplaint',
    'ListComplaints',
    'GetComplaint',
    'AssignComplaint',
    'AnswerComplaint',
    'CloseComplaint',
    'CreatePublication',
    'GetPublication',
  ],
  exchange: [
    'ListBankFiles',
    'GetBankFile',
    'ListBulogFiles',
    'GetBulogFile',
    'CreateBankReport',
    'GetBankReport',
    'CreateBankAccountAnswer',
    'CreateBankEdcFile',
    'CreateBulogBast',
    'GetBankImport',
    'GetBulogImport',
  ],
};

let app: SynthesizedApp;
let stacks: Stack[];

beforeAll(() => {
  app = synthKhbsApp();
  // Top-level and nested stacks alike: each is a template of its own for CloudFormation's limits.
  stacks = app.app.node.findAll().filter((construct): construct is Stack => Stack.isStack(construct));
}, SYNTH_TIMEOUT_MS);

const routeKey = (route: RouteSpec): string => `${route.method} ${route.path}`;

function areaOf(route: RouteSpec): RouteArea {
  if (!route.area) throw new Error(`${route.id} has no area`);
  return route.area;
}

function routeStack(area: RouteArea): Stack {
  const stack = app.api.httpApi.routeStacks.get(area);
  if (!stack) throw new Error(`No stack for the ${area} routes`);
  return stack;
}

describe('stack sizes: every template stays under CloudFormation’s limits, with a margin', () => {
  it(`has at most ${MAX_RESOURCES} resources, ${MAX_PARAMETERS} parameters and ${MAX_OUTPUTS} outputs in every stack, nested ones included`, () => {
    const sizes = stacks.map((stack) => {
      const json = Template.fromStack(stack).toJSON() as {
        Resources?: object;
        Parameters?: object;
        Outputs?: object;
      };
      return {
        stack: stack.node.path,
        resources: Object.keys(json.Resources ?? {}).length,
        parameters: Object.keys(json.Parameters ?? {}).length,
        outputs: Object.keys(json.Outputs ?? {}).length,
      };
    });
    expect(sizes.map((s) => s.stack).sort()).toEqual(
      [
        'KhbsStateful',
        'KhbsApi',
        ...[...app.api.httpApi.routeStacks.values()].map((s) => s.node.path),
      ].sort(),
    );
    for (const size of sizes) {
      expect(size.resources, `${size.stack}: ${JSON.stringify(size)}`).toBeLessThanOrEqual(MAX_RESOURCES);
      expect(size.parameters, size.stack).toBeLessThanOrEqual(MAX_PARAMETERS);
      expect(size.outputs, size.stack).toBeLessThanOrEqual(MAX_OUTPUTS);
    }
  });
});

describe('route stacks: each route in its area’s stack', () => {
  it('gives every route a known area, and refuses a route without one', () => {
    expect(routesWithoutArea()).toEqual([]);
    const [first] = ROUTES;
    if (!first) throw new Error('no routes');
    const { area: _area, ...unplaced } = first;
    expect(routesWithoutArea([unplaced as RouteSpec])).toEqual([
      `${first.id} names no area (one of ${ROUTE_AREAS.join(', ')})`,
    ]);
  });

  it('never moves a deployed route to another area', () => {
    for (const [area, ids] of Object.entries(DEPLOYED_AREAS)) {
      for (const id of ids) {
        const route = ROUTES.find((r) => r.id === id);
        // A route may be retired (its stack deletes it); it may not reappear elsewhere.
        if (route) expect(route.area, id).toBe(area);
      }
    }
  });

  it('creates one nested stack of KhbsApi per area that has routes, and none for an area without', () => {
    const used = new Set(ROUTES.map(areaOf));
    expect([...app.api.httpApi.routeStacks.keys()].sort()).toEqual([...used].sort());
    for (const [area, stack] of app.api.httpApi.routeStacks) {
      expect(stack.nestedStackParent, area).toBe(app.api);
      expect(stack.area).toBe(area);
    }
  });

  it('puts each route’s function, integration and route in its area’s stack, and no route in KhbsApi itself', () => {
    for (const route of ROUTES) {
      const stack = routeStack(areaOf(route));
      const fn = app.api.httpApi.functions.get(route.id);
      if (!fn) throw new Error(`No function for ${route.id}`);
      expect(Stack.of(fn), route.id).toBe(stack);
      const template = Template.fromStack(stack);
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route') as Resources).filter(
        (r) => r.Properties?.RouteKey === routeKey(route),
      );
      expect(routes, route.id).toHaveLength(1);
      // The route's integration is in the same stack and invokes this function.
      const target = JSON.stringify(routes[0]?.Properties?.Target);
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Resources;
      const integration = Object.entries(integrations).find(([id]) => target.includes(`"${id}"`));
      expect(JSON.stringify(integration?.[1].Properties?.IntegrationUri), route.id).toContain(
        `"${logicalIdOf(fn)}"`,
      );
    }
    for (const [area, stack] of app.api.httpApi.routeStacks) {
      const count = ROUTES.filter((route) => route.area === area).length;
      Template.fromStack(stack).resourceCountIs('AWS::ApiGatewayV2::Route', count);
      Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', count);
    }
    app.apiStackTemplate.resourceCountIs('AWS::ApiGatewayV2::Route', 0);
    app.apiStackTemplate.resourceCountIs('AWS::ApiGatewayV2::Integration', 0);
  });

  it('keeps the API, its one authorizer and its stage in KhbsApi, passed to the route stacks as parameters', () => {
    app.apiStackTemplate.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    app.apiStackTemplate.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    app.apiStackTemplate.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const nested = app.apiStackTemplate.findResources('AWS::CloudFormation::Stack') as Resources;
    expect(Object.keys(nested)).toHaveLength(app.api.httpApi.routeStacks.size);
    for (const [area, stack] of app.api.httpApi.routeStacks) {
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
      template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 0);
      // Few references across the nesting: the API and the authorizer, and the complaint rate limit's
      // secret where a route reads it; the data comes from KhbsStateful.
      const readsPepper = ROUTES.some(
        (route) => route.area === area && route.settings?.includes('complaintRatePepper'),
      );
      expect(Object.keys((template.toJSON() as { Parameters?: object }).Parameters ?? {}), area).toHaveLength(
        readsPepper ? 3 : 2,
      );
    }
  });

  it('creates the stage after the route stacks that hold public routes (its route settings name them)', () => {
    const [stage] = Object.values(
      app.apiStackTemplate.findResources('AWS::ApiGatewayV2::Stage') as Resources,
    );
    const dependsOn = (stage?.DependsOn ?? []) as string[];
    for (const [area, stack] of app.api.httpApi.routeStacks) {
      const hasPublic = ROUTES.some((route) => route.area === area && route.public);
      const resource = stack.nestedStackResource;
      if (!resource) throw new Error(`${area} has no stack resource`);
      expect(dependsOn.includes(app.api.getLogicalId(resource)), area).toBe(hasPublic);
    }
    expect(ROUTES.filter((route) => route.public).map(areaOf)).toEqual([
      'core',
      'core',
      'core',
      'core',
      'complaints',
      'complaints',
      'complaints',
    ]);
  });
});
