import { type ComponentChildren, createContext } from 'preact';
import { useContext, useMemo } from 'preact/hooks';
import type { ApiRouteId } from '#shared/contract/api.ts';
import type { ApiAnswer, ApiRequest } from '#shared/contract/client.ts';
import type { Scope } from '#shared/http/caller.ts';
import { apiClient } from './api.ts';
import type { Session } from './auth.ts';
import type { ConsoleConfig } from './config.ts';
import { identityOf } from './who.ts';

/**
 * What every signed-in screen stands on: the configuration, the session, and the API called with the
 * session's ID token. An answer of 401 (the token expired or was revoked) ends the session here,
 * so the console asks the user to sign in again instead of showing a broken screen.
 */
export interface SignedIn {
  readonly config: ConsoleConfig;
  readonly session: Session;
  /** What the API will let this user do (its role, region, agency), or none for an unusable account. */
  readonly scope: Scope | undefined;
  call<R extends ApiRouteId>(route: R, request: ApiRequest<R>): Promise<ApiAnswer<R>>;
}

const SignedInContext = createContext<SignedIn | undefined>(undefined);

export function SignedInProvider(props: {
  config: ConsoleConfig;
  session: Session;
  onExpired: () => void;
  children: ComponentChildren;
}) {
  const { config, session, onExpired } = props;
  const value = useMemo<SignedIn>(() => {
    const client = apiClient(config, session.idToken);
    const identity = identityOf(session.claims);
    return {
      config,
      session,
      scope: identity.ok ? identity.scope : undefined,
      async call(route, request) {
        const answer = await client.call(route, request);
        if (answer.status === 401) onExpired();
        return answer;
      },
    };
  }, [config, session, onExpired]);
  return <SignedInContext.Provider value={value}>{props.children}</SignedInContext.Provider>;
}

/** The signed-in context; only screens rendered inside {@link SignedInProvider} may use it. */
export function useSignedIn(): SignedIn {
  const value = useContext(SignedInContext);
  if (value === undefined) throw new Error('useSignedIn outside a signed-in screen');
  return value;
}
