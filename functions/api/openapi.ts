import document from '#shared/contract/openapi.json' with { type: 'json' };
import { json, publicHandler } from '#shared/http/public-handler.ts';

/**
 * `GET /openapi.json` (public): the API's OpenAPI 3.1 contract, generated at build time from the
 * zod schemas the handlers parse with (`npm run openapi`); this route only hands the file out.
 */
export const handler = publicHandler(async () => json(200, document));
