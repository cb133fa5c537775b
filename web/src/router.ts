import { useEffect, useState } from 'preact/hooks';

/** The console's pages, from the path. */
export type Route =
  | { readonly page: 'home' }
  | { readonly page: 'callback' }
  | { readonly page: 'verify'; readonly code: string }
  | { readonly page: 'not-found' };

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'home' };
  if (pathname === '/auth/callback') return { page: 'callback' };
  const verify = /^\/verify\/([^/]+)\/?$/.exec(pathname);
  if (verify?.[1] !== undefined) {
    try {
      return { page: 'verify', code: decodeURIComponent(verify[1]) };
    } catch {
      return { page: 'not-found' };
    }
  }
  return { page: 'not-found' };
}

const listeners = new Set<() => void>();

/** Goes to `path` inside the app, without reloading it. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

/** The current route, following links, back and forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return route;
}
