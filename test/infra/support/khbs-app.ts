import { readFileSync } from 'node:fs';
import { type CfnElement, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { buildKhbsApp, type KhbsApp } from '../../../infra/khbs-app.ts';
import { repoPath } from '../../../infra/paths.ts';

/** The context `cdk synth` runs with (feature flags, `khbs:*` settings), straight from cdk.json. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export interface SynthesizedApp extends KhbsApp {
  readonly assembly: CloudAssembly;
  readonly statefulTemplate: Template;
  /**
   * KhbsApi with its nested route stacks inlined (`inlineNestedStacks`): the API as one template,
   * references across the nesting resolved as CloudFormation resolves them.
   */
  readonly apiTemplate: Template;
  /** KhbsApi's own template, its route stacks being one `AWS::CloudFormation::Stack` each. */
  readonly apiStackTemplate: Template;
}

/** Synthesis of the whole app takes seconds: give `beforeAll` hooks that do it room. */
export const SYNTH_TIMEOUT_MS = 120_000;

export interface SynthOptions {
  /**
   * CDK's built-in CloudFormation validation (about 6 s of the synth).
   * @default false: template-content tests do not need it; the cdk-nag test turns it on
   */
  readonly cloudFormationValidation?: boolean;
  /**
   * Context laid over cdk.json's (e.g. `khbs:security` with the opt-in settings turned on).
   * @default {}
   */
  readonly context?: Record<string, unknown>;
}

/**
 * The real app (same factory, same context as `cdk synth` unless `options.context` adds to it,
 * cdk-nag included) with bundling skipped, synthesised once. Synthesis fails on any unacknowledged cdk-nag error, so every test
 * built on this also proves the app still passes the checks.
 */
export function synthKhbsApp(options: SynthOptions = {}): SynthesizedApp {
  const built = buildKhbsApp({
    context: { ...cdkJsonContext(), ...options.context, 'aws:cdk:bundling-stacks': [] },
    cloudFormationValidation: options.cloudFormationValidation ?? false,
  });
  const assembly = built.app.synth();
  return {
    ...built,
    assembly,
    statefulTemplate: Template.fromStack(built.stateful),
    apiTemplate: inlineNestedStacks(built.api),
    apiStackTemplate: Template.fromStack(built.api),
  };
}

interface TemplateJson {
  Resources: Resources;
  Outputs?: Record<string, { Value: unknown }>;
  Parameters?: Record<string, unknown>;
  [section: string]: unknown;
}

/**
 * A stack's template with the resources of its nested stacks (the API's route stacks) moved into
 * it, as if they had never been split off: each nested parameter replaced by the value the parent
 * passes, each `Fn::GetAtt` of a nested output by the output's value, and a `DependsOn` on a nested
 * stack by one on every resource of it. Assertions written against one API template (a route's
 * authorizer is the API's, a route alarm watches the route's function, the stage waits for the
 * public routes) thereby still hold, or fail, across the split. Logical ids must not collide.
 */
export function inlineNestedStacks(parent: Stack): Template {
  const json = Template.fromStack(parent).toJSON() as TemplateJson;
  const resources: Resources = { ...json.Resources };
  const nestedStacks = parent.node
    .findAll()
    .filter((c): c is NestedStack => NestedStack.isNestedStack(c) && c.nestedStackParent === parent);
  for (const nested of nestedStacks) {
    const nestedResource = nested.nestedStackResource;
    if (!nestedResource) throw new Error(`${nested.node.path} has no stack resource in its parent`);
    const nestedId = parent.getLogicalId(nestedResource);
    const parameters = (resources[nestedId]?.Properties?.Parameters ?? {}) as Record<string, unknown>;
    const nestedJson = inlineNestedStacks(nested).toJSON() as TemplateJson;
    const fromParent = (node: unknown): unknown => {
      const ref = (node as { Ref?: unknown } | null)?.Ref;
      return typeof ref === 'string' && ref in parameters ? parameters[ref] : undefined;
    };
    const moved = Object.entries(nestedJson.Resources).filter(([, r]) => r.Type !== 'AWS::CDK::Metadata');
    for (const [id, resource] of moved) {
      if (id in resources) throw new Error(`Logical id ${id} of ${nested.node.path} is also the parent's`);
      resources[id] = rewrite(resource, fromParent) as Resources[string];
    }
    delete resources[nestedId];
    const outputs = nestedJson.Outputs ?? {};
    const movedIds = moved.map(([id]) => id);
    const fromNested = (node: unknown): unknown => {
      const getAtt = (node as { 'Fn::GetAtt'?: unknown } | null)?.['Fn::GetAtt'];
      if (!Array.isArray(getAtt) || getAtt[0] !== nestedId) return undefined;
      const name = String(getAtt[1]).replace(/^Outputs\./, '');
      const output = outputs[name];
      if (!output) throw new Error(`${nested.node.path} has no output ${name}`);
      return output.Value;
    };
    for (const [id, resource] of Object.entries(resources)) {
      const rewritten = rewrite(resource, fromNested) as Resources[string];
      const dependsOn = rewritten.DependsOn;
      if (dependsOn !== undefined) {
        const list = (Array.isArray(dependsOn) ? dependsOn : [dependsOn]) as string[];
        rewritten.DependsOn = list.flatMap((target) => (target === nestedId ? movedIds : [target]));
      }
      resources[id] = rewritten;
    }
    json.Outputs = rewrite(json.Outputs ?? {}, fromNested) as TemplateJson['Outputs'];
  }
  return Template.fromJSON({ ...json, Resources: resources });
}

/** `node` with every sub-tree that `replace` answers for replaced by its answer. */
function rewrite(node: unknown, replace: (node: unknown) => unknown): unknown {
  const replaced = replace(node);
  if (replaced !== undefined) return replaced;
  if (Array.isArray(node)) return node.map((item) => rewrite(item, replace));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, rewrite(value, replace)]));
  }
  return node;
}

export type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown> } & Record<string, unknown>
>;

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Logical id of the one resource of `type` whose properties match `predicate`. */
export function onlyResource(
  template: Template,
  type: string,
  predicate: (properties: Record<string, unknown>) => boolean = () => true,
): [string, Record<string, unknown>] {
  const matches = Object.entries(template.findResources(type) as Resources).filter(([, r]) =>
    predicate(r.Properties ?? {}),
  );
  if (matches.length !== 1) throw new Error(`Expected one ${type}, found ${matches.length}`);
  const [match] = matches;
  if (!match) throw new Error('unreachable');
  return [match[0], match[1].Properties ?? {}];
}

/** Every statement the execution role of function `functionId` is given, and its managed policies. */
export function permissionsOf(
  template: Template,
  functionId: string,
): { statements: Statement[]; managedPolicies: unknown[] } {
  const fn = (template.findResources('AWS::Lambda::Function') as Resources)[functionId];
  if (!fn) throw new Error(`No function ${functionId}`);
  const roleId = getAttTarget(fn.Properties?.Role);
  const role = (template.findResources('AWS::IAM::Role') as Resources)[roleId];
  if (!role) throw new Error(`No role ${roleId}`);
  const statements = Object.values(template.findResources('AWS::IAM::Policy') as Resources)
    .filter((policy) => JSON.stringify(policy.Properties?.Roles ?? []).includes(`"${roleId}"`))
    .flatMap(
      (policy) =>
        (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [],
    );
  return { statements, managedPolicies: (role.Properties?.ManagedPolicyArns as unknown[] | undefined) ?? [] };
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** The statements that allow `action` (exactly, or through a wildcard such as `s3:GetObject*`). */
export function statementsAllowing(statements: Statement[], action: string): Statement[] {
  return statements.filter(
    (s) =>
      s.Effect === 'Allow' &&
      actionsOf(s).some(
        (a) => a === action || a === '*' || (a.endsWith('*') && action.startsWith(a.slice(0, -1))),
      ),
  );
}

/** `{ 'Fn::GetAtt': [id, 'Arn'] }` → id; `{ Ref: id }` → id. */
export function getAttTarget(value: unknown): string {
  const v = value as { 'Fn::GetAtt'?: [string, string]; Ref?: string } | undefined;
  const id = v?.['Fn::GetAtt']?.[0] ?? v?.Ref;
  if (!id) throw new Error(`Not a reference: ${JSON.stringify(value)}`);
  return id;
}

/**
 * A policy resource as a short string: references become `<label>` (the labels name the stateful
 * stack's table and buckets, whose ARNs arrive as that stack's outputs), e.g. `<uploads>/uploads/*`.
 */
export function flatResource(resource: unknown, labels: Record<string, string>): string {
  if (typeof resource === 'string') return resource;
  const node = resource as Record<string, unknown>;
  const join = node['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map((part) => flatResource(part, labels)).join(join[0]);
  const text = JSON.stringify(resource);
  const label = Object.entries(labels).find(([logicalId]) => text.includes(logicalId));
  if (label) return `<${label[1]}>`;
  return `<${getAttTarget(resource)}>`;
}

/** Labels for `flatResource`: the stateful stack's table and buckets by logical id. */
export function statefulLabels(app: KhbsApp): Record<string, string> {
  const id = (construct: { node: { defaultChild?: unknown } }): string =>
    app.stateful.getLogicalId(construct.node.defaultChild as CfnElement);
  return {
    [id(app.stateful.table)]: 'table',
    [id(app.stateful.uploadsBucket)]: 'uploads',
    [id(app.stateful.documentsBucket)]: 'documents',
  };
}

/** The logical id of an L2 construct's own CloudFormation resource (a Queue's AWS::SQS::Queue…). */
export function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild as CfnElement | undefined;
  if (!resource) throw new Error(`${construct.node.path} has no CloudFormation resource of its own`);
  return Stack.of(construct).getLogicalId(resource);
}

/** The properties of the resource with logical id `id`, of any type. */
export function propertiesOf(template: Template, id: string): Record<string, unknown> {
  const resource = (template.toJSON() as { Resources: Resources }).Resources[id];
  if (!resource) throw new Error(`No resource ${id}`);
  return resource.Properties ?? {};
}
