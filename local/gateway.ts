import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayEventRequestContextJWTAuthorizer as JwtAuthorizer,
} from 'aws-lambda';
import { z } from 'zod';
import type { RouteSpec } from '../functions/api/routes.ts';
import { verifyLocalToken } from './auth.ts';
import {
  createLambdaContext,
  importHandler,
  invokeWithTimeout,
  type LambdaHandler,
  LambdaTimeoutError,
  LOCAL_ACCOUNT_ID,
} from './lambda.ts';

/**
 * API Gateway HTTP API, emulated on node:http for the local stack: same routes, same handlers, same
 * payload format 2.0 events, same JWT check, same mapping of results to responses. Listens on
 * 127.0.0.1 only.
 */

/** The event a route handler receives: with the JWT authorizer's context unless the route is public. */
export type HttpApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer | APIGatewayProxyEventV2;
export type HttpApiHandler = LambdaHandler<HttpApiEvent>;
export type GatewayRoute = Pick<RouteSpec, 'id' | 'method' | 'path' | 'entry' | 'public'>;
export type VerifiedClaims = Readonly<Record<string, unknown>>;

export interface GatewayOptions {
  readonly routes: readonly GatewayRoute[];
  /** Returns a route's handler. @default dynamic import of `route.entry`, export `handler` */
  readonly loadHandler?: (route: GatewayRoute) => Promise<HttpApiHandler>;
  /** @default env PORT, else 3000; 0 picks a free port */
  readonly port?: number;
  /** Verifies a bearer token and returns its claims; rejects if invalid. @default verifyLocalToken */
  readonly verifyToken?: (token: string) => Promise<VerifiedClaims>;
  /** API Gateway's payload limit. @default 10 MiB */
  readonly bodyLimitBytes?: number;
  /** API Gateway's integration timeout for HTTP APIs. @default 30000 */
  readonly timeoutMs?: number;
  /** One access line per request. @default console.log */
  readonly accessLog?: (line: string) => void;
  /** Handler errors, with their stack. @default console.error */
  readonly errorLog?: (message: string, error: unknown) => void;
  /**
   * Sees each request before the routes do, and answers it (resolving true) or leaves it to the API
   * (false): the local stack serves the console and its sign-in provider on the API's origin so.
   */
  readonly frontDoor?: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;
}

export interface Gateway {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

/** Starts the gateway and resolves once it listens. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const port = options.port ?? defaultPort();
  const compiled = options.routes.map(compileRoute);
  const loadHandler = options.loadHandler ?? cachedImporter();
  const verifyToken = options.verifyToken ?? verifyLocalToken;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const accessLog = options.accessLog ?? ((line: string) => console.log(line));
  const errorLog = options.errorLog ?? ((message: string, error: unknown) => console.error(message, error));

  let listeningPort = 0;
  const server = createServer((req, res) => {
    const started = performance.now();
    const requestId = randomBytes(11).toString('base64');
    const method = req.method ?? 'GET';
    const { pathname, rawQueryString } = splitUrl(req.url ?? '/');
    res.once('finish', () => {
      // Never the query string or the body: they may carry personal data.
      accessLog(`${method} ${pathname} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    });
    const context: RequestContext = {
      req,
      res,
      requestId,
      method,
      pathname,
      rawQueryString,
      port: listeningPort,
    };
    handleRequest(context).catch((error: unknown) => {
      errorLog(`gateway: ${method} ${pathname} failed`, error);
      if (!res.headersSent) sendMessage(res, requestId, 500, 'Internal Server Error');
      else res.destroy();
    });
  });
  // Idle keep-alive connections outlive the clients' own (Node's fetch drops its after 4 s): with
  // Node's default 5 s, a client busy in the same process (the demo, the functions running here)
  // could send on a socket the server was closing, and get ECONNRESET ("other side closed").
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  async function handleRequest(ctx: RequestContext): Promise<void> {
    const { req, res, requestId } = ctx;
    if (options.frontDoor !== undefined && (await options.frontDoor(req, res, ctx.pathname))) return;
    const found = matchRoute(compiled, ctx.method, ctx.pathname);
    if (found.kind !== 'matched') {
      req.resume();
      if (found.kind === 'method-not-allowed') {
        res.setHeader('allow', found.allowed.join(', '));
        sendMessage(res, requestId, 405, 'Method Not Allowed');
      } else {
        sendMessage(res, requestId, 404, 'Not Found');
      }
      return;
    }
    const { route, pathParameters } = found;

    let authorizer: JwtAuthorizer | undefined;
    if (!route.spec.public) {
      const claims = await authorize(req.headers.authorization, verifyToken);
      if (claims === undefined) {
        req.resume();
        res.setHeader('www-authenticate', 'Bearer');
        sendMessage(res, requestId, 401, 'Unauthorized');
        return;
      }
      authorizer = {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: toApiGatewayClaims(claims), scopes: scopesOf(claims) },
      };
    }

    const body = await readBody(req, bodyLimit);
    if (body === 'too-large') {
      res.setHeader('connection', 'close');
      sendMessage(res, requestId, 413, 'Request Entity Too Large');
      return;
    }

    const event = buildEvent(ctx, route, pathParameters, body, authorizer);
    let result: unknown;
    try {
      const handler = await loadHandler(route.spec);
      const lambdaContext = createLambdaContext({ functionName: `khbs-${route.spec.id}`, timeoutMs });
      result = await invokeWithTimeout(handler, event, lambdaContext, timeoutMs);
    } catch (error) {
      if (error instanceof LambdaTimeoutError) {
        errorLog(`gateway: ${route.key} timed out after ${timeoutMs} ms`, error);
        sendMessage(res, requestId, 503, 'Service Unavailable');
        return;
      }
      errorLog(`gateway: ${route.key} threw`, error);
      sendMessage(res, requestId, 500, 'Internal Server Error');
      return;
    }

    const response = toHttpResponse(result);
    if (!response.ok) {
      // The fields at fault, not the response itself: its body may carry personal data.
      errorLog(`gateway: ${route.key} returned a malformed response`, new Error(response.problem));
      sendMessage(res, requestId, 500, 'Internal Server Error');
      return;
    }
    res.statusCode = response.statusCode;
    for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
    if (response.cookies.length > 0) res.setHeader('set-cookie', response.cookies);
    res.setHeader('apigw-requestid', requestId);
    res.setHeader('content-length', response.body.length);
    res.end(response.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  listeningPort = address.port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections would hold close() open until they time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function defaultPort(): number {
  const fromEnv = Number(process.env.PORT);
  return Number.isInteger(fromEnv) && fromEnv >= 0 && fromEnv < 65536 && process.env.PORT !== ''
    ? fromEnv
    : 3000;
}

/** Loads each entry once, like a warm container; a failed load is retried on the next request. */
function cachedImporter(): (route: GatewayRoute) => Promise<HttpApiHandler> {
  const cache = new Map<string, Promise<HttpApiHandler>>();
  return (route) => {
    let loading = cache.get(route.entry);
    if (loading === undefined) {
      loading = importHandler<HttpApiEvent>(route.entry);
      cache.set(route.entry, loading);
      loading.catch(() => cache.delete(route.entry));
    }
    return loading;
  };
}

// --- routing --------------------------------------------------------------------------------------

type Segment = { readonly literal: string } | { readonly param: string; readonly greedy: boolean };

interface CompiledRoute {
  readonly spec: GatewayRoute;
  /** `GET /uploads/{uploadId}`, API Gateway's route key. */
  readonly key: string;
  readonly segments: readonly Segment[];
}

function compileRoute(spec: GatewayRoute): CompiledRoute {
  const segments = spec.path
    .split('/')
    .filter(Boolean)
    .map((part): Segment => {
      const param = /^\{([A-Za-z0-9_]+)(\+)?\}$/.exec(part);
      if (param?.[1] !== undefined) return { param: param[1], greedy: param[2] === '+' };
      return { literal: part };
    });
  return { spec, key: `${spec.method} ${spec.path}`, segments };
}

type RouteMatch =
  | {
      readonly kind: 'matched';
      readonly route: CompiledRoute;
      readonly pathParameters: Record<string, string>;
    }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

/**
 * Finds the route for a request. Like API Gateway, the most specific path wins: at the first
 * segment where two candidates differ, a literal beats a `{param}`, which beats a `{proxy+}`.
 */
function matchRoute(routes: readonly CompiledRoute[], method: string, pathname: string): RouteMatch {
  const parts = pathname.split('/').filter(Boolean);
  let decoded: string[];
  try {
    decoded = parts.map((part) => decodeURIComponent(part));
  } catch {
    return { kind: 'not-found' };
  }
  const candidates: { route: CompiledRoute; params: Record<string, string>; rank: number[] }[] = [];
  for (const route of routes) {
    const params = matchSegments(route.segments, decoded);
    if (params !== undefined) {
      const rank = route.segments.map((s) => ('literal' in s ? 2 : s.greedy ? 0 : 1));
      candidates.push({ route, params, rank });
    }
  }
  const forMethod = candidates.filter((c) => c.route.spec.method === method);
  if (forMethod.length === 0) {
    if (candidates.length === 0) return { kind: 'not-found' };
    return { kind: 'method-not-allowed', allowed: [...new Set(candidates.map((c) => c.route.spec.method))] };
  }
  forMethod.sort((a, b) => compareRank(b.rank, a.rank));
  const best = forMethod[0] as (typeof forMethod)[number];
  return { kind: 'matched', route: best.route, pathParameters: best.params };
}

function matchSegments(
  segments: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    if ('param' in segment && segment.greedy) {
      if (i >= parts.length) return undefined;
      params[segment.param] = parts.slice(i).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      params[segment.param] = part;
    }
  }
  return segments.length === parts.length ? params : undefined;
}

function compareRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? -1) - (b[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}

// --- the request side -----------------------------------------------------------------------------

interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly method: string;
  readonly pathname: string;
  readonly rawQueryString: string;
  readonly port: number;
}

function splitUrl(url: string): { pathname: string; rawQueryString: string } {
  const withoutFragment = url.split('#', 1)[0] ?? '';
  const q = withoutFragment.indexOf('?');
  return q === -1
    ? { pathname: withoutFragment || '/', rawQueryString: '' }
    : { pathname: withoutFragment.slice(0, q) || '/', rawQueryString: withoutFragment.slice(q + 1) };
}

/**
 * As API Gateway's JWT authorizer: the token comes from the Authorization header, with or without
 * the `Bearer ` prefix. Resolves to the verified claims, or undefined for a missing or bad token.
 */
async function authorize(
  header: string | undefined,
  verifyToken: (token: string) => Promise<VerifiedClaims>,
): Promise<VerifiedClaims | undefined> {
  const token = header?.replace(/^Bearer\s+/i, '').trim();
  if (!token) return undefined;
  try {
    return await verifyToken(token);
  } catch {
    return undefined;
  }
}

/**
 * API Gateway hands claims to Lambda as strings: numbers and booleans as their text, arrays as
 * `[a b c]` (bracketed, space-separated), objects as JSON. Handlers must read `groups` from that
 * form in AWS, so the local stack passes the same form (`shared/http/caller.ts` reads both).
 */
export function toApiGatewayClaims(claims: VerifiedClaims): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) out[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') out[name] = JSON.stringify(value);
    else out[name] = String(value);
  }
  return out;
}

/** The token's OAuth scopes (`scope`, space-separated, or `scp`); null when it has none. */
function scopesOf(claims: VerifiedClaims): string[] | null {
  const { scope, scp } = claims;
  if (typeof scope === 'string' && scope.trim() !== '') return scope.trim().split(/\s+/);
  if (Array.isArray(scp)) return scp.map(String);
  return null;
}

/** Reads the body up to `limit` bytes; past that, drains the rest and reports it as too large. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return 'too-large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      req.resume();
      return 'too-large';
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

const TEXT_TYPES =
  /^(text\/|application\/(json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|x-www-form-urlencoded|javascript|graphql))/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function isText(body: Buffer, contentType: string | undefined): boolean {
  if (contentType !== undefined) return TEXT_TYPES.test(contentType.trim());
  try {
    utf8.decode(body);
    return true;
  } catch {
    return false;
  }
}

function buildEvent(
  ctx: RequestContext,
  route: CompiledRoute,
  pathParameters: Record<string, string>,
  body: Buffer,
  authorizer: JwtAuthorizer | undefined,
): HttpApiEvent {
  const { req } = ctx;
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    const value = req.rawHeaders[i + 1] as string;
    if (name === 'cookie') {
      // Payload 2.0 moves cookies out of the headers into their own list.
      cookies = [...(cookies ?? []), ...value.split(/;\s*/).filter(Boolean)];
      continue;
    }
    // Repeated headers are joined with commas.
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] ??= sourceIp;
  headers['x-forwarded-port'] ??= String(ctx.port);
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  let queryStringParameters: Record<string, string> | undefined;
  if (ctx.rawQueryString !== '') {
    queryStringParameters = {};
    for (const [name, value] of new URLSearchParams(ctx.rawQueryString)) {
      // Repeated parameters are joined with commas.
      const existing: string | undefined = queryStringParameters[name];
      queryStringParameters[name] = existing === undefined ? value : `${existing},${value}`;
    }
  }

  const text = body.length === 0 || isText(body, headers['content-type']);
  const now = new Date();
  const host = headers.host ?? `127.0.0.1:${ctx.port}`;
  const requestContext = {
    accountId: LOCAL_ACCOUNT_ID,
    apiId: 'khbslocal',
    domainName: host,
    domainPrefix: host.split('.')[0] ?? host,
    http: {
      method: ctx.method,
      path: ctx.pathname,
      protocol: `HTTP/${req.httpVersion}`,
      sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: ctx.requestId,
    routeKey: route.key,
    stage: '$default',
    time: apiGatewayTime(now),
    timeEpoch: now.getTime(),
  };
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: route.key,
    rawPath: ctx.pathname,
    rawQueryString: ctx.rawQueryString,
    ...(cookies !== undefined ? { cookies } : {}),
    headers,
    ...(queryStringParameters !== undefined ? { queryStringParameters } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext,
    ...(body.length > 0 ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !text,
  };
  // Public routes have no authorizer, so their events carry no `authorizer` at all.
  return authorizer === undefined ? event : { ...event, requestContext: { ...requestContext, authorizer } };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the form of `requestContext.time`. */
function apiGatewayTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

// --- the response side ----------------------------------------------------------------------------

const StructuredResultSchema = z.object({
  statusCode: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  cookies: z.array(z.string()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
});

interface HttpResponse {
  readonly ok: true;
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

/**
 * Maps a handler's result as API Gateway does for payload format 2.0: an object with `statusCode`
 * is a response; anything else (a string, an object without `statusCode`) is returned as a 200
 * JSON body. A result with `statusCode` that is not a valid response is a problem (API Gateway
 * answers 500 to it).
 */
export function toHttpResponse(
  result: unknown,
): HttpResponse | { readonly ok: false; readonly problem: string } {
  if (typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result) {
    const parsed = StructuredResultSchema.safeParse(result);
    if (!parsed.success) {
      const fields = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
      );
      return { ok: false, problem: fields.join('; ') };
    }
    const { statusCode, headers = {}, cookies = [], body = '', isBase64Encoded = false } = parsed.data;
    return {
      ok: true,
      statusCode,
      headers: Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
      ),
      cookies,
      body: Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8'),
    };
  }
  return {
    ok: true,
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(JSON.stringify(result) ?? '', 'utf8'),
  };
}

/** API Gateway's own answers (`{"message":"Not Found"}` and the like). */
function sendMessage(res: ServerResponse, requestId: string, statusCode: number, message: string): void {
  const body = JSON.stringify({ message });
  res.statusCode = statusCode;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('apigw-requestid', requestId);
  res.end(body);
}
