import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  handler,
  ONE_GROUP_REQUIRED,
  requireExactlyOneGroup,
  TokenRefusedError,
} from '../../functions/auth/pre-token.ts';

/** A Pre Token Generation event (V1_0) as Cognito sends it, with the user's groups. */
function preTokenEvent(groups: string[] | null | undefined): Record<string, unknown> {
  return {
    version: '1',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'ap-southeast-3',
    userPoolId: 'ap-southeast-3_AbCdEfGhI',
    userName: '3c1f5e2a-7d4b-4c1e-9a8f-2b6d0e4f1a77',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '1example23456789' },
    request: {
      userAttributes: {
        sub: '3c1f5e2a-7d4b-4c1e-9a8f-2b6d0e4f1a77',
        email: 'siti.rahma@kapuas.go.id',
        name: 'Siti Rahma',
        'custom:region': '62.03',
      },
      groupConfiguration: {
        ...(groups === undefined ? {} : { groupsToOverride: groups }),
        iamRolesToOverride: [],
        preferredRole: null,
      },
    },
    response: { claimsOverrideDetails: null },
  };
}

const context = {
  functionName: 'PreTokenGeneration',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-3:123456789012:function:PreTokenGeneration',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  logGroupName: '/aws/lambda/PreTokenGeneration',
  logStreamName: '2026/03/01/[$LATEST]abcdef',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 5000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

/** Runs `work` and returns what the Powertools logger wrote meanwhile (warnings go to stderr). */
async function captureLogs(work: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const capture = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    await work().catch(() => undefined);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return lines.join('');
}

describe('requireExactlyOneGroup (Cognito pre token generation)', () => {
  it('lets a user in exactly one group through', () => {
    expect(requireExactlyOneGroup(preTokenEvent(['operator']))).toEqual(['operator']);
    expect(requireExactlyOneGroup(preTokenEvent(['admin']))).toEqual(['admin']);
  });

  it.each([
    ['two groups', ['operator', 'approver']],
    ['three groups', ['verifier', 'approver', 'admin']],
    ['no group', []],
    ['a null group list', null],
    ['no group list at all', undefined],
  ])('refuses a user with %s', (_, groups) => {
    expect(() => requireExactlyOneGroup(preTokenEvent(groups))).toThrow(TokenRefusedError);
    expect(() => requireExactlyOneGroup(preTokenEvent(groups))).toThrow(ONE_GROUP_REQUIRED);
  });

  it.each([
    ['no request', { triggerSource: 'TokenGeneration_Authentication' }],
    ['no groupConfiguration', { triggerSource: 'TokenGeneration_Authentication', request: {} }],
    [
      'groups that are not strings',
      {
        triggerSource: 'TokenGeneration_RefreshTokens',
        request: { groupConfiguration: { groupsToOverride: [42] } },
      },
    ],
    ['not an object', 'TokenGeneration_Authentication'],
  ])('refuses (fails closed) on an event with %s', (_, event) => {
    expect(() => requireExactlyOneGroup(event)).toThrow(TokenRefusedError);
  });

  it('tells the user what to do, in Bahasa Indonesia, without naming them', () => {
    expect(ONE_GROUP_REQUIRED).toMatch(/tepat satu grup/);
    expect(ONE_GROUP_REQUIRED).toMatch(/admin/);
  });
});

describe('the pre token generation handler', () => {
  it('returns the event unchanged for a user in one group (Cognito issues the tokens as they are)', async () => {
    const event = preTokenEvent(['verifier']);
    const before = structuredClone(event);
    await expect(handler(event, context)).resolves.toEqual(before);
  });

  it('throws for a user in two groups, so Cognito issues no token (sign-in and refresh alike)', async () => {
    await expect(handler(preTokenEvent(['operator', 'admin']), context)).rejects.toThrow(ONE_GROUP_REQUIRED);
    const refresh = {
      ...preTokenEvent(['operator', 'admin']),
      triggerSource: 'TokenGeneration_RefreshTokens',
    };
    await expect(handler(refresh, context)).rejects.toThrow(TokenRefusedError);
  });

  it('logs the refusal with the group count and names, never the user', async () => {
    const logged = await captureLogs(() => handler(preTokenEvent(['operator', 'approver']), context));
    expect(logged).toContain('Token refused');
    expect(logged).toContain('"groupCount":2');
    expect(logged).toContain('approver');
    for (const personal of [
      'siti.rahma@kapuas.go.id',
      'Siti Rahma',
      '3c1f5e2a-7d4b-4c1e-9a8f-2b6d0e4f1a77',
    ]) {
      expect(logged).not.toContain(personal);
    }
  });
});
