/**
 * Regenerates the API's OpenAPI 3.1 document, `shared/contract/openapi.json`, from the contract's
 * zod schemas and the route table (`npm run openapi`). Run it after changing a route or a schema and
 * commit the result: `test/unit/contract.test.ts` fails while the committed document and the
 * schemas differ. `GET /openapi.json` serves the committed file; no function builds it at run time.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '#shared/contract/openapi.ts';
import { ROUTES } from '../functions/api/routes.ts';

export const OPENAPI_PATH = fileURLToPath(new URL('../shared/contract/openapi.json', import.meta.url));

/** The document as the current schemas and routes make it (the version is package.json's). */
export function currentDocument(): Record<string, unknown> {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return openApiDocument(ROUTES, pkg.version);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(OPENAPI_PATH, `${JSON.stringify(currentDocument(), null, 2)}\n`);
  // The repository's formatter has the last word on layout; the test compares parsed documents.
  execFileSync('npx', ['biome', 'format', '--write', OPENAPI_PATH], { stdio: 'inherit' });
  console.log(`Wrote ${OPENAPI_PATH}`);
}
