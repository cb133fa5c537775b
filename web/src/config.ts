import * as z from 'zod';

/**
 * Where the console finds the API and the sign-in provider: `/config.json`, written beside the app
 * by whoever serves it (`npm start` locally, the deployment in AWS), so one build runs anywhere.
 */
export const ConsoleConfigSchema = z.object({
  /** The API's base URL; '' when it shares the console's origin. */
  apiBaseUrl: z.string(),
  oidc: z.object({
    /** The OpenID Connect issuer (Cognito's user pool, or the local provider). */
    issuer: z.url(),
    clientId: z.string().min(1),
    scope: z.string().min(1),
    /**
     * Where sign-out ends the provider's session when its discovery document names no
     * `end_session_endpoint`: Cognito's hosted UI `/logout` (it takes `client_id` and `logout_uri`).
     */
    logoutUrl: z.url().optional(),
  }),
});
export type ConsoleConfig = z.infer<typeof ConsoleConfigSchema>;

let loading: Promise<ConsoleConfig> | undefined;

export function loadConfig(): Promise<ConsoleConfig> {
  loading ??= fetch('/config.json', { headers: { accept: 'application/json' } })
    .then(async (response) => {
      if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
      return ConsoleConfigSchema.parse(await response.json());
    })
    .catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  return loading;
}
