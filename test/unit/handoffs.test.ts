import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every message to a work queue goes through the outbox relay: a state change writes its hand-off
 * in its own transaction, and only `functions/relay/` sends. Code that sends to SQS any other way
 * could commit a change and lose its message (the failure the outbox exists to rule out), so this
 * fails on any other sender in the product (`functions/`, `shared/`). The local stack's emulation
 * of AWS itself (S3 notifications and Lambda's on-failure destination, in `local/`) is not product
 * code and is not scanned.
 */
const ROOT = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

const PRODUCT = [...sources('functions'), ...sources('shared')];

/** Files whose code (comments aside) matches `pattern`. */
function filesMatching(pattern: RegExp): string[] {
  return PRODUCT.filter((file) => {
    const code = readFileSync(join(ROOT, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    return pattern.test(code);
  }).sort();
}

describe('who sends to SQS', () => {
  it('scans the product code', () => {
    expect(PRODUCT).toContain('functions/api/submit-proposal.ts');
    expect(PRODUCT).toContain('shared/adapters/queue.ts');
    expect(PRODUCT.length).toBeGreaterThan(60);
  });

  it('only the queue adapter builds an SQS send command', () => {
    expect(filesMatching(/\bSendMessage(Batch)?Command\b/)).toEqual(['shared/adapters/queue.ts']);
  });

  it('only the outbox relay uses the queue adapter or the SQS client', () => {
    expect(filesMatching(/\bMessageQueue\b/)).toEqual([
      'functions/relay/handler.ts',
      'shared/adapters/queue.ts',
    ]);
    expect(filesMatching(/\bsqsClient\b/)).toEqual([
      'shared/adapters/clients.ts',
      'shared/adapters/clients/sqs.ts',
      'shared/adapters/queue.ts',
    ]);
    expect(filesMatching(/@aws-sdk\/client-sqs/)).toEqual([
      'shared/adapters/clients/sqs.ts',
      'shared/adapters/queue.ts',
    ]);
  });
});
