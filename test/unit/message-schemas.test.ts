import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ChecksRequestedSchema,
  DecreeRequestedSchema,
  ReconciliationRequestedSchema,
} from '#shared/messages.ts';
import { MESSAGE_SCHEMAS } from '../../scripts/message-schemas.ts';

/**
 * The queue messages' contracts: the JSON Schemas published in `events/` must be exactly what zod
 * makes of the schemas the code validates with, so neither can change without the other
 * (regenerate with `npx tsx scripts/message-schemas.ts`); and the sample messages must be valid.
 */

const DIR = fileURLToPath(new URL('../../events/', import.meta.url));
const load = (name: string): unknown => JSON.parse(readFileSync(`${DIR}${name}`, 'utf8'));

const CONTRACTS = [
  ['checks-requested.schema.json', ChecksRequestedSchema],
  ['decree-requested.schema.json', DecreeRequestedSchema],
  ['reconciliation-requested.schema.json', ReconciliationRequestedSchema],
] as const;

describe('message JSON Schemas in events/', () => {
  it.each(CONTRACTS)('%s equals z.toJSONSchema of the current zod schema', (file, schema) => {
    expect(load(file)).toEqual(z.toJSONSchema(schema));
  });

  it('publishes a schema for every message, and nothing else as *.schema.json', () => {
    const published = readdirSync(DIR).filter((name) => name.endsWith('.schema.json'));
    expect(published.sort()).toEqual(CONTRACTS.map(([file]) => file).sort());
    // The generator writes the same files from the same schemas.
    expect(MESSAGE_SCHEMAS.map(({ file, schema }) => [file, schema])).toEqual(CONTRACTS.map((c) => [...c]));
  });

  it('refuses unknown fields, as the zod schemas do', () => {
    for (const [file] of CONTRACTS) {
      expect(load(file), file).toMatchObject({ type: 'object', additionalProperties: false });
    }
  });
});

describe('sample messages', () => {
  it('sqs-checks.json carries a valid ChecksRequested body', () => {
    const event = load('sqs-checks.json') as { Records: { body: string }[] };
    expect(event.Records).toHaveLength(1);
    const message = ChecksRequestedSchema.parse(JSON.parse(event.Records[0]?.body ?? ''));
    expect(message).toMatchObject({ type: 'checks.requested', trigger: 'submit' });
  });

  it('decree-requested.json is a valid DecreeRequested message', () => {
    const message = DecreeRequestedSchema.parse(load('decree-requested.json'));
    expect(message.type).toBe('decree.requested');
    expect(message.proposalId.startsWith(`${message.region}-${message.period}`)).toBe(true);
  });

  it('the zod schemas refuse what the JSON Schemas refuse: extra fields, a bad region', () => {
    const decree = load('decree-requested.json') as Record<string, unknown>;
    expect(DecreeRequestedSchema.safeParse({ ...decree, extra: 1 }).success).toBe(false);
    expect(DecreeRequestedSchema.safeParse({ ...decree, region: '63.01' }).success).toBe(false);
  });
});
