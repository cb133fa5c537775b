import * as z from 'zod';
import type { MachineRole } from '#shared/http/caller.ts';
import { LOCAL_MACHINE_CLIENTS, MACHINE_TOKEN_PATH } from './machine-clients.ts';

/**
 * A machine client's access token from the local OpenID provider, by the real OAuth 2.0
 * client-credentials exchange (RFC 6749 §4.4) that Bank Kalteng and BULOG make against Cognito's
 * `/oauth2/token` in AWS: the client id and secret in HTTP Basic, `grant_type=client_credentials`,
 * the client's one scope. Nothing is signed here: the provider issues the token.
 */

const TokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number(),
  scope: z.string().optional(),
});
const OAuthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

export type MachineTokenAnswer = z.infer<typeof TokenAnswerSchema>;

/** Thrown when the provider refuses the exchange (wrong secret: 401 `invalid_client`). */
export class TokenRefused extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string | undefined,
  ) {
    super(`the token endpoint refused: ${status} ${error}${description ? ` (${description})` : ''}`);
  }
}

export async function clientCredentialsToken(
  apiUrl: string,
  role: MachineRole,
  options: { readonly secret?: string; readonly scope?: string } = {},
): Promise<MachineTokenAnswer> {
  const client = LOCAL_MACHINE_CLIENTS[role];
  const basic = Buffer.from(
    `${encodeURIComponent(client.clientId)}:${encodeURIComponent(options.secret ?? client.secret)}`,
  ).toString('base64');
  const response = await fetch(`${apiUrl}${MACHINE_TOKEN_PATH}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: options.scope ?? client.scope }),
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const refused = OAuthErrorSchema.safeParse(body);
    throw new TokenRefused(
      response.status,
      refused.success ? refused.data.error : 'unknown_error',
      refused.success ? refused.data.error_description : undefined,
    );
  }
  return TokenAnswerSchema.parse(body);
}
