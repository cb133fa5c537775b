import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/api/routes.ts';
import { cdkEsbuildOptions, FUNCTION_ENTRIES } from '../../infra/bundles.ts';

/**
 * What each function's bundle carries, read from esbuild's metafile with the options CDK bundles
 * with (`infra/bundles.ts`): a function carries only the AWS clients it uses, no zod locale but
 * the English default, and `/health` no AWS SDK and no schema library at all. No timing here
 * (`npm run bench -- --only cold` times the bundles).
 */
const modules = new Map<string, string[]>();

/** The input modules that put bytes into one output (tree-shaken ones are listed with 0). */
function bundled(output: Metafile['outputs'][string]): string[] {
  return Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
}

// Every function in one esbuild run (one output per entry, no code splitting: each output is that
// function's whole bundle, as CDK builds it alone), so the shared modules are parsed once: some
// 80 separate builds took over a minute and a half on two cores.
beforeAll(async () => {
  const {
    entryPoints: _entry,
    outfile: _outfile,
    ...options
  } = cdkEsbuildOptions(FUNCTION_ENTRIES[0]?.entry ?? '', '/tmp/khbs-bundles');
  const result = await build({
    ...options,
    entryPoints: Object.fromEntries(FUNCTION_ENTRIES.map((fn) => [fn.id, fn.entry])),
    outdir: '/tmp/khbs-bundles',
    write: false,
  });
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    if (!output.entryPoint) continue;
    const id =
      path
        .split('/')
        .at(-1)
        ?.replace(/\.m?js$/, '') ?? '';
    modules.set(id, bundled(output));
  }
}, 120_000);

const of = (id: string): string[] => {
  const found = modules.get(id);
  if (!found) throw new Error(`no bundle for ${id}`);
  return found;
};
const has = (id: string, pattern: RegExp): boolean => of(id).some((path) => pattern.test(path));

const CLIENT = {
  s3: /node_modules\/@aws-sdk\/client-s3\//,
  sqs: /node_modules\/@aws-sdk\/client-sqs\//,
  lambda: /node_modules\/@aws-sdk\/client-lambda\//,
  dynamodb: /node_modules\/@aws-sdk\/client-dynamodb\//,
};

describe('function bundles', () => {
  it('bundles every function the app deploys', () => {
    expect(modules.size).toBe(FUNCTION_ENTRIES.length);
    expect(of('GetProposal').some((path) => path.endsWith('functions/api/get-proposal.ts'))).toBe(true);
  });

  it('/health carries no AWS SDK, no zod schemas or locales, no idempotency, no tracer', () => {
    const health = of('Health');
    expect(health.filter((path) => /node_modules\/@(aws-sdk|smithy)\//.test(path))).toEqual([]);
    expect(health.filter((path) => /node_modules\/zod\/v4\/(locales|classic)\//.test(path))).toEqual([]);
    expect(health.filter((path) => /idempotency/.test(path))).toEqual([]);
    // Nor the X-Ray SDK (Powertools Tracer): /health calls no AWS service to trace.
    expect(
      health.filter((path) =>
        /node_modules\/(aws-xray-sdk-core|@aws-lambda-powertools\/tracer)\//.test(path),
      ),
    ).toEqual([]);
  });

  it('only POST routes bundle Powertools Idempotency; reads do not pay for it', () => {
    const idempotency = /node_modules\/@aws-lambda-powertools\/idempotency\//;
    for (const route of ROUTES) {
      expect({ route: route.id, idempotency: has(route.id, idempotency) }).toEqual({
        route: route.id,
        idempotency: route.method === 'POST' && !route.readOnly,
      });
    }
    expect(ROUTES.filter((route) => route.method === 'POST').length).toBeGreaterThan(5);
  });

  it('no function bundles the SDK credential chain beyond the environment (Lambda hands credentials there)', () => {
    for (const [id, paths] of modules) {
      const chain = paths.filter((path) =>
        /node_modules\/@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|http|login)|nested-clients)\//.test(
          path,
        ),
      );
      expect({ id, chain }).toEqual({ id, chain: [] });
    }
    expect(has('GetProposal', /node_modules\/@aws-sdk\/credential-provider-env\//)).toBe(true);
  });

  it("carries the X-Ray SDK where the function is traced, and leaves it out of an untraced route's bundle", async () => {
    const xray = /node_modules\/(aws-xray-sdk-core|@aws-lambda-powertools\/tracer)\//;
    expect(has('GetProposal', xray)).toBe(true);
    expect(has('IssueDecree', xray)).toBe(true);
    const route = ROUTES.find((candidate) => candidate.id === 'GetProposal');
    if (!route) throw new Error('no GetProposal route');
    const untraced = await build({
      ...cdkEsbuildOptions(route.entry, '/tmp/khbs-bundle-untraced', false),
      write: false,
    });
    const output = Object.values(untraced.metafile.outputs).find((candidate) => candidate.entryPoint);
    if (!output) throw new Error('no entry point in the metafile');
    const paths = bundled(output);
    expect(paths.filter((path) => xray.test(path))).toEqual([]);
    expect(paths.some((path) => path.endsWith('infra/bundling/no-tracer/index.ts'))).toBe(true);
  });

  it('no bundle carries a zod locale but the English default', () => {
    const locales = [...modules].flatMap(([id, paths]) =>
      paths
        .filter((path) => /zod\/v4\/locales\//.test(path) && !/locales\/(en|index)\.js$/.test(path))
        .map((path) => `${id}: ${path}`),
    );
    expect(locales).toEqual([]);
  });

  it('a route bundles the S3 client only if it may touch a bucket, and never SQS or Lambda', () => {
    for (const route of ROUTES) {
      const usesS3 = route.access.uploadsBucket !== undefined || route.access.documentsBucket !== undefined;
      expect({ route: route.id, s3: has(route.id, CLIENT.s3) }).toEqual({ route: route.id, s3: usesS3 });
      expect({
        route: route.id,
        sqs: has(route.id, CLIENT.sqs),
        lambda: has(route.id, CLIENT.lambda),
      }).toEqual({
        route: route.id,
        sqs: false,
        lambda: false,
      });
    }
    // The check above is not vacuous: some routes presign, most do not.
    expect(ROUTES.filter((route) => has(route.id, CLIENT.s3)).length).toBeGreaterThan(0);
    expect(ROUTES.filter((route) => !has(route.id, CLIENT.s3)).length).toBeGreaterThan(10);
  });

  it('only the outbox relay bundles SQS, only the watchdog Lambda, and the checks no S3', () => {
    const withClient = (client: RegExp) =>
      FUNCTION_ENTRIES.filter((fn) => has(fn.id, client)).map((fn) => fn.id);
    expect(withClient(CLIENT.sqs)).toEqual(['OutboxRelay']);
    expect(withClient(CLIENT.lambda)).toEqual(['Watchdog']);
    expect(has('RunChecks', CLIENT.s3)).toBe(false);
    expect(has('OutboxRelay', CLIENT.s3)).toBe(false);
    expect(has('PreTokenGeneration', CLIENT.dynamodb)).toBe(false);
  });

  it('no function bundles the all-clients barrel, lib-storage outside the workers, or brotli', () => {
    for (const [id, paths] of modules) {
      expect({ id, barrel: paths.some((path) => path.endsWith('shared/adapters/clients.ts')) }).toEqual({
        id,
        barrel: false,
      });
      expect({ id, brotli: paths.some((path) => /node_modules\/brotli\//.test(path)) }).toEqual({
        id,
        brotli: false,
      });
    }
    for (const route of ROUTES)
      expect({ route: route.id, libStorage: has(route.id, /lib-storage/) }).toEqual({
        route: route.id,
        libStorage: false,
      });
  });

  it('no function bundles anything able to mint a token: no OIDC provider, no JWT library, no local/ code', () => {
    // The console's sign-in in AWS is Cognito's hosted UI; the local provider and the local token
    // signer (local/oidc.ts, local/auth.ts) exist for the laptop only and must never be deployed.
    for (const [id, paths] of modules) {
      const minting = paths.filter((path) =>
        /node_modules\/(oidc-provider|jose|jsonwebtoken)\/|(^|\/)local\/|(^|\/)web\//.test(path),
      );
      expect({ id, minting }).toEqual({ id, minting: [] });
    }
  });
});
