import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the bundles (DEFAULT_BUNDLING's `--alias`).
 * Lambda gives every function its role's credentials in the environment (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), the first place the SDK's default chain looks.
 * The rest of that chain (shared ini files, SSO, `signin`, STS web identity, process, ECS and EC2
 * metadata) is never reached in Lambda, yet loading it was ~135 KB of every bundle (the SSO, STS and
 * sign-in clients nested inside) and ~20 ms of every cold start. Without the variables this
 * provider fails with the SDK's own CredentialsProviderError, as the chain would at its end.
 */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
