/**
 * Regenerates the JSON Schemas of the queue messages in `events/` from their zod schemas in
 * `shared/messages.ts` (the source of truth), with zod's own `z.toJSONSchema`:
 *
 *   npx tsx scripts/message-schemas.ts
 *
 * Run it after any change to a message schema and commit the result; `test/unit/message-schemas.test.ts`
 * fails while a committed schema and its zod schema differ.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  ChecksRequestedSchema,
  DecreeRequestedSchema,
  ReconciliationRequestedSchema,
} from '#shared/messages.ts';

/** Each message contract and the file in `events/` that publishes it. */
export const MESSAGE_SCHEMAS = [
  { file: 'checks-requested.schema.json', schema: ChecksRequestedSchema },
  { file: 'decree-requested.schema.json', schema: DecreeRequestedSchema },
  { file: 'reconciliation-requested.schema.json', schema: ReconciliationRequestedSchema },
] as const;

/** The JSON Schema of a message, exactly as `z.toJSONSchema` renders it (draft 2020-12). */
export function messageJsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const paths = MESSAGE_SCHEMAS.map(({ file, schema }) => {
    const path = fileURLToPath(new URL(`../events/${file}`, import.meta.url));
    writeFileSync(path, `${JSON.stringify(messageJsonSchema(schema), null, 2)}\n`);
    return path;
  });
  // The repository's formatter has the last word on layout (`npm run lint` checks JSON too); the
  // test compares the parsed schemas, so layout never matters to it.
  execFileSync('npx', ['biome', 'format', '--write', ...paths], { stdio: 'inherit' });
  for (const path of paths) console.log(`Wrote ${path}`);
}
