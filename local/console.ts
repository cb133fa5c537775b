import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { routeOf } from '#shared/contract/client.ts';
import { consoleContentSecurityPolicy } from '../infra/settings.ts';
import type { LocalOidc } from './oidc.ts';

/**
 * The console (`web/`) on the local stack, on the API's own origin: its built files, its
 * `/config.json`, and the local sign-in provider under `/oidc`. Browsers and programs share every
 * URL: a browser navigating (its `Accept` names `text/html`) gets the console, a program (any type,
 * or JSON) the API. So the printed verification URLs `…/verify/{code}` (a decree) and
 * `…/verify/card/{code}` (a card) open the page in a phone's browser and still answer JSON to a script.
 */

export const WEB_DIST = fileURLToPath(new URL('../web/dist/', import.meta.url));
const WEB_CONFIG = fileURLToPath(new URL('../web/vite.config.ts', import.meta.url));

/** Builds the console with Vite into `web/dist/`. */
export async function buildConsole(): Promise<{ ms: number }> {
  const started = performance.now();
  const { build } = await import('vite');
  await build({ configFile: WEB_CONFIG, logLevel: 'warn' });
  return { ms: performance.now() - started };
}

export interface ConsoleFrontDoor {
  /** Answers what belongs to the console; false for what the API should answer. */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * What CloudFront's response headers policy sets in AWS, on every console response; `connectOrigins`
 * as there: where the console may call besides its own origin (the uploads bucket's S3).
 */
function securityHeaders(connectOrigins: readonly string[]): Readonly<Record<string, string>> {
  return {
    'content-security-policy': consoleContentSecurityPolicy(connectOrigins),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}

/**
 * The console's files from `distDir` (read once: built files never change under a running stack),
 * served beside the API. Without a build, a browser gets a page saying how to make one.
 */
export async function consoleFrontDoor(options: {
  readonly oidc: LocalOidc;
  readonly distDir?: string;
  /** The local S3's origin, which the browser PUTs uploads to (the presigned URL's). */
  readonly connectOrigins?: readonly string[];
}): Promise<ConsoleFrontDoor> {
  const distDir = options.distDir ?? WEB_DIST;
  const headers = securityHeaders(options.connectOrigins ?? []);
  const send = (
    res: ServerResponse,
    method: string,
    status: number,
    type: string,
    body: Buffer,
    cacheControl: string,
  ) => sendWith(headers, res, method, status, type, body, cacheControl);
  const { oidc } = options;
  const index = await readFile(join(distDir, 'index.html')).catch(() => undefined);
  const assets = new Map<string, Buffer>();
  for (const name of await readdir(join(distDir, 'assets')).catch(() => [] as string[])) {
    assets.set(`/assets/${name}`, await readFile(join(distDir, 'assets', name)));
  }
  const config = Buffer.from(
    JSON.stringify({
      apiBaseUrl: '',
      oidc: { issuer: oidc.issuer, clientId: oidc.clientId, scope: oidc.scope },
    }),
  );

  return {
    async handle(req, res, pathname) {
      if (await oidc.handle(req, res, pathname)) return true;
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD') return false;
      if (pathname === '/config.json') {
        send(res, method, 200, 'application/json', config, 'no-cache');
        return true;
      }
      const asset = assets.get(pathname);
      if (asset !== undefined) {
        const type = CONTENT_TYPES[pathname.slice(pathname.lastIndexOf('.'))] ?? 'application/octet-stream';
        // Vite puts a content hash in every asset's name.
        send(res, method, 200, type, asset, 'public, max-age=31536000, immutable');
        return true;
      }
      const route = routeOf(method, pathname);
      // The paths both answer: the printed verification URLs (a decree's, a card's). Caches must
      // keep the two apart.
      const printed = route === 'VerifyDecree' || route === 'VerifyCard';
      if (printed) res.setHeader('vary', 'accept');
      if (!wantsHtml(req) || (route !== undefined && !printed)) return false;
      if (index === undefined) {
        const hint = Buffer.from(
          'The console is not built: npm start builds it (or npx vite build --config web/vite.config.ts).\n',
        );
        send(res, method, 503, 'text/plain; charset=utf-8', hint, 'no-store');
        return true;
      }
      send(res, method, 200, 'text/html; charset=utf-8', index, 'no-cache');
      return true;
    },
  };
}

/** A browser navigating: its `Accept` names HTML (a script's "any type" or JSON does not). */
function wantsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(accept);
}

function sendWith(
  headers: Readonly<Record<string, string>>,
  res: ServerResponse,
  method: string,
  status: number,
  type: string,
  body: Buffer,
  cacheControl: string,
): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', type);
  res.setHeader('cache-control', cacheControl);
  res.setHeader('content-length', body.length);
  res.end(method === 'HEAD' ? undefined : body);
}
