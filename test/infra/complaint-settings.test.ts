import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteSpec } from '../../functions/api/routes.ts';
import { complaintHolidays } from '../../infra/settings.ts';
import {
  actionsOf,
  cdkJsonContext,
  getAttTarget,
  logicalIdOf,
  onlyResource,
  permissionsOf,
  type Resources,
  resourcesOf,
  SYNTH_TIMEOUT_MS,
  type SynthesizedApp,
  statementsAllowing,
  synthKhbsApp,
} from './support/khbs-app.ts';

/** Holidays as an operator would write them in cdk.json: unordered, one twice. */
const HOLIDAYS = ['2026-03-20', '--12-26', '2026-03-19', '2026-03-20'];

let app: SynthesizedApp;
let template: Template;

beforeAll(() => {
  app = synthKhbsApp({ context: { 'khbs:complaintHolidays': HOLIDAYS } });
  template = app.apiTemplate;
}, SYNTH_TIMEOUT_MS);

function routeById(id: string): RouteSpec {
  const route = ROUTES.find((r) => r.id === id);
  if (!route) throw new Error(`No route ${id} in ROUTES`);
  return route;
}

/** The logical id of the function behind a route, followed through route → integration → function. */
function functionOfRoute(route: RouteSpec): string {
  const key = `${route.method} ${route.path}`;
  const [, props] = onlyResource(template, 'AWS::ApiGatewayV2::Route', (p) => p.RouteKey === key);
  const target = JSON.stringify(props.Target);
  const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Resources;
  const integrationId = Object.keys(integrations).find((id) => target.includes(`"${id}"`));
  if (!integrationId) throw new Error(`No integration for ${key}`);
  return getAttTarget(integrations[integrationId]?.Properties?.IntegrationUri);
}

function variablesOf(functionId: string): Record<string, unknown> {
  const fn = (template.findResources('AWS::Lambda::Function') as Resources)[functionId];
  return ((fn?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
    {}) as Record<string, unknown>;
}

const secretId = (): string => logicalIdOf(app.api.complaintRatePepper);

describe('khbs:complaintHolidays (infra/settings.ts)', () => {
  it('is a list of YYYY-MM-DD or --MM-DD days, sorted and without repeats; absent: none', () => {
    expect(complaintHolidays(undefined)).toEqual([]);
    expect(complaintHolidays(HOLIDAYS)).toEqual(['--12-26', '2026-03-19', '2026-03-20']);
    // As `cdk synth -c khbs:complaintHolidays='["2026-03-20"]'` passes it: text.
    expect(complaintHolidays('["2026-03-20"]')).toEqual(['2026-03-20']);
  });

  it.each([
    [['20-03-2026'], /khbs:complaintHolidays\.0: must be YYYY-MM-DD or --MM-DD/],
    [['2026-3-20'], /must be YYYY-MM-DD or --MM-DD/],
    [['2026-02-30'], /must name days that exist/],
    ['2026-03-20', /must be JSON/],
    [{ days: ['2026-03-20'] }, /khbs:complaintHolidays is invalid/],
  ])('refuses %j at synth', (raw, message) => {
    expect(() => complaintHolidays(raw)).toThrow(message);
  });

  it('cdk.json holds a valid list', () => {
    expect(() => complaintHolidays(cdkJsonContext()['khbs:complaintHolidays'])).not.toThrow();
  });
});

describe('KhbsApi: the complaint settings reach the functions that need them', () => {
  it('names exactly the complaint routes as needing settings', () => {
    const withSettings = ROUTES.filter((route) => (route.settings ?? []).length > 0).map((route) => [
      route.id,
      route.settings,
    ]);
    expect(withSettings).toEqual([
      ['LodgeComplaint', ['complaintHolidays', 'complaintRatePepper']],
      ['EnterComplaint', ['complaintHolidays']],
    ]);
  });

  it('gives the routes that lodge complaints COMPLAINT_HOLIDAYS from khbs:complaintHolidays, and no other function', () => {
    const expected = '--12-26,2026-03-19,2026-03-20';
    expect(variablesOf(functionOfRoute(routeById('LodgeComplaint'))).COMPLAINT_HOLIDAYS).toBe(expected);
    expect(variablesOf(functionOfRoute(routeById('EnterComplaint'))).COMPLAINT_HOLIDAYS).toBe(expected);
    const lodging = new Set(['LodgeComplaint', 'EnterComplaint'].map((id) => functionOfRoute(routeById(id))));
    for (const id of Object.keys(template.findResources('AWS::Lambda::Function'))) {
      if (!lodging.has(id)) expect(variablesOf(id), id).not.toHaveProperty('COMPLAINT_HOLIDAYS');
    }
  });

  it('generates the pepper in Secrets Manager: no value in the template', () => {
    const secrets = template.findResources('AWS::SecretsManager::Secret') as Resources;
    expect(Object.keys(secrets)).toEqual([secretId()]);
    const props = secrets[secretId()]?.Properties ?? {};
    expect(props.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    expect(props).not.toHaveProperty('SecretString');
  });

  it('gives POST /complaints the secret’s ARN, never a pepper value, and no function COMPLAINT_RATE_PEPPER', () => {
    const lodge = functionOfRoute(routeById('LodgeComplaint'));
    expect(variablesOf(lodge).COMPLAINT_RATE_PEPPER_SECRET).toEqual({ Ref: secretId() });
    for (const id of Object.keys(template.findResources('AWS::Lambda::Function'))) {
      expect(variablesOf(id), id).not.toHaveProperty('COMPLAINT_RATE_PEPPER');
      if (id !== lodge) expect(variablesOf(id), id).not.toHaveProperty('COMPLAINT_RATE_PEPPER_SECRET');
    }
  });

  it('lets POST /complaints read that one secret, and no other function read any secret', () => {
    const lodge = functionOfRoute(routeById('LodgeComplaint'));
    const reads = statementsAllowing(
      permissionsOf(template, lodge).statements,
      'secretsmanager:GetSecretValue',
    );
    expect(reads).toHaveLength(1);
    const [read] = reads;
    if (!read) throw new Error('no read');
    expect(resourcesOf(read)).toEqual([{ Ref: secretId() }]);
    // Reads only: never a change to the secret or its rotation.
    expect(actionsOf(read).sort()).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    for (const id of Object.keys(template.findResources('AWS::Lambda::Function'))) {
      if (id === lodge) continue;
      const actions = permissionsOf(template, id).statements.flatMap(actionsOf);
      expect(
        actions.filter((action) => action.startsWith('secretsmanager:')),
        id,
      ).toEqual([]);
    }
  });
});
