import { Presigner } from '#shared/adapters/presigner.ts';
import { type ApiDeps, apiDeps as tableDeps } from './deps.ts';

/**
 * The API's adapters with S3's presigner, for the routes that hand out S3 URLs (uploads, reports,
 * decree PDFs). A module apart from `./deps.ts`: a route that imports only that one bundles no S3
 * client (`test/infra/bundle-contents.test.ts`).
 */
export interface ApiDepsWithObjects extends ApiDeps {
  readonly objects: Presigner;
}

let deps: ApiDepsWithObjects | undefined;

export function apiDeps(): ApiDepsWithObjects {
  deps ??= { ...tableDeps(), objects: new Presigner() };
  return deps;
}
