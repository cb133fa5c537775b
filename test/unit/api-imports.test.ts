import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * API routes get their use cases from modules of their own or from `shared/`, never from a worker:
 * a route that imports a worker module drags the worker's code (and its grants' assumptions) into
 * every API bundle, and couples the two so that neither can change alone.
 */
const API = resolve(import.meta.dirname, '../../functions/api');
const FUNCTIONS = resolve(import.meta.dirname, '../../functions');
const WORKERS = ['import', 'disbursement', 'decree', 'checks', 'reconcile', 'relay'];

/** Every module specifier a file names: static imports and re-exports, `import type`, and `import()`. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const pattern of [
    /\b(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]) {
    for (const match of source.matchAll(pattern)) if (match[1]) found.push(match[1]);
  }
  return found;
}

/** The worker folder a specifier in `functions/api/` points into, if any. */
function workerOf(specifier: string): string | undefined {
  const path = specifier.startsWith('#functions/')
    ? join(FUNCTIONS, specifier.slice('#functions/'.length))
    : specifier.startsWith('.')
      ? resolve(API, specifier)
      : undefined;
  if (!path) return undefined;
  const [folder] = path.slice(FUNCTIONS.length + 1).split('/');
  return path.startsWith(`${FUNCTIONS}/`) && folder && WORKERS.includes(folder) ? folder : undefined;
}

describe('API routes and workers', () => {
  it('recognises an import of a worker module in each form it can take', () => {
    const source = [
      "import { a } from '../import/import-upload.ts';",
      "import type { B } from '#functions/decree/issue-decree.ts';",
      "export { c } from '../reconcile/run-reconciliation.ts';",
      "import {\n  d,\n  e,\n} from '../checks/run-checks.ts';",
      "const f = await import('../disbursement/handler.ts');",
      "import '../import/handler.ts';",
      "import { g } from './deps.ts';",
      "import { h } from '#shared/adapters/storage-keys.ts';",
    ].join('\n');
    expect(specifiers(source).map(workerOf)).toEqual([
      'import',
      'decree',
      'reconcile',
      'checks',
      undefined,
      undefined,
      'import',
      'disbursement',
    ]);
  });

  it('no functions/api/*.ts imports from functions/(import|disbursement|decree|checks|reconcile)/', () => {
    const offending: string[] = [];
    for (const file of readdirSync(API).filter((name) => name.endsWith('.ts'))) {
      for (const specifier of specifiers(readFileSync(join(API, file), 'utf-8'))) {
        if (workerOf(specifier)) offending.push(`functions/api/${file} → ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
