import { join } from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import {
  CHECKS_FUNCTION,
  DECREE_FUNCTION,
  DISBURSEMENT_FUNCTION,
  FAMILIES_FUNCTION,
  FAMILY_IMPORT_FUNCTION,
  IMPORT_FUNCTION,
  RECONCILE_FUNCTION,
  RELAY_FUNCTION,
  ROUTES,
  WATCHDOG_FUNCTION,
} from '../functions/api/routes.ts';
import { bundlingFor } from './constructs/project-function.ts';
import { REPO_ROOT, repoPath } from './paths.ts';
import { PRE_TOKEN_FUNCTION } from './triggers.ts';

/**
 * Every function the CDK app deploys, by construct id and entry module: the API's routes, the
 * workers and the Cognito trigger. For the tools that bundle them as CDK does (the cold-start
 * benchmark, the bundle-contents test).
 */
export interface FunctionEntry {
  readonly id: string;
  readonly entry: string;
  readonly kind: 'route' | 'worker' | 'trigger';
}

export const FUNCTION_ENTRIES: readonly FunctionEntry[] = [
  ...ROUTES.map(({ id, entry }) => ({ id, entry, kind: 'route' as const })),
  ...[
    IMPORT_FUNCTION,
    CHECKS_FUNCTION,
    DECREE_FUNCTION,
    RECONCILE_FUNCTION,
    RELAY_FUNCTION,
    WATCHDOG_FUNCTION,
    DISBURSEMENT_FUNCTION,
    FAMILY_IMPORT_FUNCTION,
    FAMILIES_FUNCTION,
  ].map(({ id, entry }) => ({ id, entry, kind: 'worker' as const })),
  { id: PRE_TOKEN_FUNCTION.id, entry: PRE_TOKEN_FUNCTION.entry, kind: 'trigger' as const },
];

/**
 * The esbuild options NodejsFunction derives from `DEFAULT_BUNDLING` (`bundlingFor`; its command line:
 * `--bundle --platform=node --target --format --outfile=<dir>/index.mjs --minify --sourcemap
 * --sources-content=false --external:… --loader:… --banner:js --main-fields`), as the JS API
 * takes them, with a metafile so a caller can see what went in.
 */
export function cdkEsbuildOptions(
  entry: string,
  outdir: string,
  /** An untraced function's bundling (`khbs:tracing` = `workers` for the routes). @default true */
  traced = true,
): BuildOptions & { metafile: true } {
  const bundling = bundlingFor({ traced });
  return {
    entryPoints: [entry.startsWith('/') ? entry : repoPath(entry)],
    outfile: join(outdir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: bundling.format === 'esm' ? 'esm' : 'cjs',
    ...(bundling.target ? { target: bundling.target } : {}),
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ?? false,
    sourcesContent: bundling.sourcesContent ?? true,
    external: [...(bundling.externalModules ?? [])],
    loader: { ...(bundling.loader as BuildOptions['loader']) },
    ...(bundling.banner ? { banner: { js: bundling.banner } } : {}),
    ...(bundling.mainFields ? { mainFields: [...bundling.mainFields] } : {}),
    ...(bundling.define ? { define: { ...bundling.define } } : {}),
    ...esbuildArgs(bundling.esbuildArgs),
    // NodejsFunction runs esbuild in the project root (where relative aliases resolve).
    absWorkingDir: REPO_ROOT,
    metafile: true,
    logLevel: 'silent',
  };
}

/** The `esbuildArgs` this project uses (`--alias`), as esbuild's JS API takes them; any other fails. */
function esbuildArgs(args: BundlingOptions['esbuildArgs']): Pick<BuildOptions, 'alias'> {
  const alias: Record<string, string> = {};
  for (const [key, value] of Object.entries(args ?? {})) {
    // CDK passes `--alias: [a, b]` as `--alias:a --alias:b`, and a string as one of them.
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    if (key !== '--alias' || values.length === 0)
      throw new Error(`esbuildArgs ${key} is not translated in infra/bundles.ts`);
    for (const item of values) {
      const [from, to] = item.split('=');
      if (!from || !to) throw new Error(`esbuildArgs ${key} ${item} is not translated in infra/bundles.ts`);
      alias[from] = to;
    }
  }
  return Object.keys(alias).length > 0 ? { alias } : {};
}
