import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ChecksRequestedSchema } from '#shared/messages.ts';
import { PoisonMessageError, parseRecord as parse } from '#shared/queue/queue-worker.ts';

const parseRecord = (input: SQSRecord) => parse(input, ChecksRequestedSchema, 'checks.requested');

const record = (body: string): SQSRecord => ({
  messageId: 'm-1',
  receiptHandle: 'h-1',
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1772417742318',
    SenderId: 'AIDAKHBSLOCAL',
    ApproximateFirstReceiveTimestamp: '1772417742330',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:khbs-checks',
  awsRegion: 'us-east-1',
});

const message = {
  type: 'checks.requested',
  proposalId: '62.03-2026-S1',
  listId: 'u1-abc',
  trigger: 'submit',
  requestedAt: '2026-03-01T08:00:00.000Z',
};

describe('parseRecord (checks queue)', () => {
  it('reads a checks.requested message', () => {
    expect(parseRecord(record(JSON.stringify(message)))).toEqual(message);
    expect(parseRecord(record(JSON.stringify({ ...message, trigger: 'recheck' }))).trigger).toBe('recheck');
  });

  it.each([
    ['not JSON', '{"type":'],
    ['another message type', JSON.stringify({ ...message, type: 'decree.requested' })],
    ['a missing list id', JSON.stringify({ ...message, listId: undefined })],
    ['an unknown trigger', JSON.stringify({ ...message, trigger: 'manual' })],
    ['an unknown field', JSON.stringify({ ...message, nik: '6203011203850001' })],
    ['the old sample shape', JSON.stringify({ proposalId: '62.03-2026-S1', revision: 1 })],
  ])('refuses %s as a poison message, naming fields but never echoing the body', (_, body) => {
    let error: unknown;
    try {
      parseRecord(record(body));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PoisonMessageError);
    expect(String((error as Error).message)).toMatch(/^message m-1 is not a checks\.requested message/);
    expect(String((error as Error).message)).not.toContain('6203011203850001');
  });
});
