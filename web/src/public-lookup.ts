import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiRouteId } from '#shared/contract/api.ts';
import type { ApiAnswer, ApiFailure, ApiRequest } from '#shared/contract/client.ts';
import { apiClient } from './api.ts';
import type { ConsoleConfig } from './config.ts';

/**
 * A public page's one look-up by code or id (a decree's verification, a card's, a published KPM
 * list): asked without a token whenever the request changes, an answer that arrives after the page
 * moved on is dropped. `idle` when there is nothing to ask yet (a form not sent), `offline` when the
 * API could not be reached. The public pages use it instead of the signed-in `useApi`.
 */
export type Lookup<R extends ApiRouteId> =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'answer'; readonly answer: ApiAnswer<R> }
  | { readonly kind: 'offline' };

export function usePublicLookup<R extends ApiRouteId>(
  config: ConsoleConfig,
  route: R,
  request: Omit<ApiRequest<R>, 'token'> | undefined,
): Lookup<R> {
  const key = request === undefined ? undefined : JSON.stringify(request);
  const [state, setState] = useState<Lookup<R>>({ kind: key === undefined ? 'idle' : 'loading' });
  const latest = useRef(request);
  latest.current = request;
  useEffect(() => {
    const current = latest.current;
    if (key === undefined || current === undefined) {
      setState({ kind: 'idle' });
      return;
    }
    let live = true;
    setState({ kind: 'loading' });
    apiClient(config)
      .call(route, { ...current, token: null } as ApiRequest<R>)
      .then(
        (answer) => live && setState({ kind: 'answer', answer }),
        () => live && setState({ kind: 'offline' }),
      );
    return () => {
      live = false;
    };
  }, [config, route, key]);
  return state;
}

/** What a refused public look-up says: the API's own message. */
export function refusalMessage(answer: ApiFailure): string {
  return 'error' in answer.body ? answer.body.error.message : answer.body.message;
}
