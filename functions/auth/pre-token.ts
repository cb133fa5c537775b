import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { logger } from '#shared/logger.ts';

/**
 * The fields of Cognito's Pre Token Generation event (trigger version V1_0) this trigger reads:
 * the user's groups (`request.groupConfiguration.groupsToOverride`, every group of the user) and
 * what started the token generation. Nothing else, and nothing personal (`userAttributes`), is read.
 */
const PreTokenEventSchema = z.object({
  triggerSource: z.string().max(64),
  request: z.object({
    groupConfiguration: z.object({
      // Cognito sends an empty list for a user in no group; a missing list means the same.
      groupsToOverride: z.array(z.string()).nullish(),
    }),
  }),
});

/**
 * What Cognito shows the client when it refuses to issue tokens (after its own
 * "PreTokenGeneration failed with error"): what is wrong and who can fix it, nothing about the user.
 */
export const ONE_GROUP_REQUIRED =
  'Akun harus terdaftar dalam tepat satu grup peran. Hubungi admin KHBS untuk memperbaikinya.';

/** A token refused because the user is not in exactly one group. */
export class TokenRefusedError extends Error {
  override readonly name = 'TokenRefusedError';
}

/**
 * Lets the token be issued only to a user in exactly one group: a role is one group, and a user in
 * two would hold the rights of both (the API refuses such tokens too). Throws otherwise, and also
 * on an event it cannot read: Cognito then issues no token at all. Returns the groups.
 */
export function requireExactlyOneGroup(event: unknown): readonly string[] {
  const parsed = PreTokenEventSchema.safeParse(event);
  if (!parsed.success) {
    logger.error('Token refused: unreadable pre token generation event', {
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        code: issue.code,
      })),
    });
    throw new TokenRefusedError(ONE_GROUP_REQUIRED);
  }
  const { triggerSource, request } = parsed.data;
  const groups = request.groupConfiguration.groupsToOverride ?? [];
  if (groups.length !== 1) {
    // Group names are the programme's roles, not personal data; the user is not named.
    logger.warn('Token refused: the user must be in exactly one group', {
      triggerSource,
      groupCount: groups.length,
      groups: groups.slice(0, 10),
    });
    throw new TokenRefusedError(ONE_GROUP_REQUIRED);
  }
  return groups;
}

/** Cognito Pre Token Generation trigger: refuses, or returns the event unchanged (tokens as they are). */
export const handler = middy<unknown, unknown>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    requireExactlyOneGroup(event);
    return event;
  });
