import { MACHINE_CLIENTS, type MachineRole } from '#shared/http/caller.ts';

/**
 * The local machine clients' settings, apart from the provider (`oidc.ts`) so that a command that only
 * asks for a token (`npm run token -- --client bank`) does not load oidc-provider.
 */

/** The local provider's token endpoint, under the API's origin (Cognito's `/oauth2/token` in AWS). */
export const MACHINE_TOKEN_PATH = '/oidc/token';

/**
 * The resource indicator (RFC 8707) of the exchange API, and so the `aud` of the machine clients'
 * access tokens here. Cognito's carry no `aud`; API Gateway then checks `client_id`, which the
 * local check does too.
 */
export const EXCHANGE_RESOURCE_INDICATOR = 'urn:khbs-exchange';

/**
 * Bank Kalteng's and BULOG's local machine clients (Cognito app clients in AWS): client credentials
 * only, one exchange scope each. Their secrets are local development values, printed by `npm start`
 * (and used by `npm run token -- --client bank`); `KHBS_BANK_CLIENT_SECRET` / `KHBS_BULOG_CLIENT_SECRET` set
 * others. In AWS, Cognito generates the secret and nothing prints it.
 */
export const LOCAL_MACHINE_CLIENTS: Readonly<
  Record<MachineRole, { readonly clientId: string; readonly secret: string; readonly scope: string }>
> = {
  bank: {
    clientId: 'khbs-bank',
    secret: process.env.KHBS_BANK_CLIENT_SECRET ?? 'bank-kalteng-rahasia-lokal',
    scope: MACHINE_CLIENTS.bank.scope,
  },
  bulog: {
    clientId: 'khbs-bulog',
    secret: process.env.KHBS_BULOG_CLIENT_SECRET ?? 'perum-bulog-rahasia-lokal',
    scope: MACHINE_CLIENTS.bulog.scope,
  },
};

/** How long a machine client's access token lives, as in AWS (`MachineClients`). */
export const MACHINE_TOKEN_SECONDS = 60 * 60;
