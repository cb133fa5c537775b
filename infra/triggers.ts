/**
 * Functions that an AWS service calls outside the API and the queues. Plain data, no CDK import,
 * in the shape of the entries in `functions/api/routes.ts`.
 */

/**
 * Cognito's Pre Token Generation trigger: refuses to issue tokens to a user who is in no group or in
 * more than one (`infra/constructs/user-directory.ts`).
 */
export const PRE_TOKEN_FUNCTION = { id: 'PreTokenGeneration', entry: 'functions/auth/pre-token.ts' } as const;
