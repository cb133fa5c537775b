import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/** How long a container keeps a secret before asking again (a rotated secret is seen within it). */
const MAX_AGE_SECONDS = 60 * 60;

/**
 * Secrets Manager's `GetSecretValue` through Powertools Parameters (the same Powertools as the
 * logger, tracer and metrics): the value a function must not carry in its environment (the
 * complaint rate limit's pepper), cached per container for an hour by Powertools itself; a failed
 * read is not cached, so the next request asks again. The value is never logged, nor put in an error.
 */
export async function secretString(secretId: string): Promise<string> {
  const value = await getSecret(secretId, { maxAge: MAX_AGE_SECONDS });
  if (typeof value !== 'string' || value === '') {
    throw new Error('GetSecretValue answered no SecretString (a binary or empty secret)');
  }
  return value;
}
