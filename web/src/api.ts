import { type ApiClient, createApiClient } from '#shared/contract/client.ts';
import type { ConsoleConfig } from './config.ts';

/**
 * The API as the console calls it: the contract's typed client (every answer checked against its
 * schema), with the signed-in user's ID token as the bearer when there is one.
 */
export function apiClient(config: ConsoleConfig, idToken?: string): ApiClient {
  const baseUrl = config.apiBaseUrl === '' ? location.origin : config.apiBaseUrl;
  return createApiClient({ baseUrl, ...(idToken !== undefined ? { token: idToken } : {}) });
}
