import type * as z from 'zod';
import { API_CONTRACT, type ApiRouteId, type RouteContract } from './api.ts';
import { ErrorBodySchema, GatewayErrorSchema } from './responses.ts';

/**
 * A typed client of the API, from the contract itself: the route id picks the method and path, the
 * request's parameters, query and body are typed by the schemas the handlers parse with, and the
 * answer is typed by status. Each answer is also checked against its schema when it arrives, so a
 * field renamed on one side fails the build where both sides are compiled together, and a test run
 * where they are not. The end-to-end tests drive the local stack with it; the console will too.
 */
type Contract = typeof API_CONTRACT;
type Entry<R extends ApiRouteId> = Contract[R];
type InputOf<S> = S extends z.ZodType ? z.input<S> : never;

type ParamsPart<E> = E extends { params: infer P }
  ? { readonly params: InputOf<P> }
  : { readonly params?: undefined };
type QueryPart<E> = E extends { query: infer Q }
  ? { readonly query?: Partial<InputOf<Q>> }
  : { readonly query?: undefined };
type BodyPart<E> = E extends { body: infer B }
  ? E extends { bodyOptional: true }
    ? { readonly body?: InputOf<B> }
    : { readonly body: InputOf<B> }
  : { readonly body?: undefined };

export type ApiRequest<R extends ApiRouteId> = ParamsPart<Entry<R>> &
  QueryPart<Entry<R>> &
  BodyPart<Entry<R>> & {
    /** Overrides the client's token for this call (another user), or `null` for none. */
    readonly token?: string | null;
    /** Sent as `Idempotency-Key` (any POST). */
    readonly idempotencyKey?: string;
  };

type Responses<R extends ApiRouteId> = Entry<R>['responses'];
export type ApiSuccess<R extends ApiRouteId> = {
  [S in keyof Responses<R> & number]: {
    readonly ok: true;
    readonly status: S;
    readonly body: z.output<Responses<R>[S] & z.ZodType>;
  };
}[keyof Responses<R> & number];
export interface ApiFailure {
  readonly ok: false;
  readonly status: number;
  /** The API's error body, or API Gateway's own `{ message }` (401 before the function runs, 429). */
  readonly body: z.output<typeof ErrorBodySchema> | z.output<typeof GatewayErrorSchema>;
}
export type ApiAnswer<R extends ApiRouteId> = ApiSuccess<R> | ApiFailure;

export interface ApiClientOptions {
  /** `http://127.0.0.1:3000`, or the deployed API's URL. */
  readonly baseUrl: string;
  /** The bearer token (the Cognito ID token), if any. */
  readonly token?: string;
}

/** An answer that does not match the contract: the server and the contract have drifted apart. */
export class ContractMismatchError extends Error {
  constructor(route: string, status: number, problems: string) {
    super(`${route} answered ${status} with a body the contract does not describe: ${problems}`);
    this.name = 'ContractMismatchError';
  }
}

const FailureSchema = ErrorBodySchema.or(GatewayErrorSchema);

export function createApiClient(options: ApiClientOptions) {
  const base = options.baseUrl.replace(/\/$/, '');
  return {
    async call<R extends ApiRouteId>(route: R, request: ApiRequest<R>): Promise<ApiAnswer<R>> {
      const entry: RouteContract = API_CONTRACT[route];
      const params = (request.params ?? {}) as Record<string, string>;
      const path = entry.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const value = params[name];
        if (value === undefined) throw new Error(`${route}: path parameter ${name} is missing`);
        return encodeURIComponent(value);
      });
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
        if (value !== undefined) query.set(name, String(value));
      }
      const token = request.token === undefined ? options.token : request.token;
      const headers: Record<string, string> = {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey } : {}),
      };
      const response = await fetch(`${base}${path}${query.size > 0 ? `?${query.toString()}` : ''}`, {
        method: entry.method,
        headers,
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      });
      const text = await response.text();
      const json: unknown = text ? JSON.parse(text) : {};
      const { ok, body } = checkAnswer(route, response.status, json);
      return { ok, status: response.status, body } as ApiAnswer<R>;
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/**
 * Checks an answer of `route` against the contract: a success status must carry its schema's body,
 * any other status an error body. Throws {@link ContractMismatchError}; returns the parsed body.
 */
export function checkAnswer(
  route: ApiRouteId,
  status: number,
  json: unknown,
): { ok: boolean; body: unknown } {
  const schema = (API_CONTRACT[route].responses as Record<number, z.ZodType>)[status];
  const parsed = (schema ?? FailureSchema).safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ContractMismatchError(route, status, problems.slice(0, 5).join('; '));
  }
  return { ok: schema !== undefined, body: parsed.data };
}

const ROUTE_PATTERNS = (Object.entries(API_CONTRACT) as [ApiRouteId, RouteContract][]).map(([id, entry]) => ({
  id,
  method: entry.method,
  pattern: new RegExp(`^${entry.path.replace(/\{\w+\}/g, '[^/]+')}$`),
}));

/** The route a request goes to (`GET`, `/proposals/62.03-2026-S1?x=1`), if any. */
export function routeOf(method: string, url: string): ApiRouteId | undefined {
  const path = url.replace(/^https?:\/\/[^/]+/, '').split('?')[0] ?? '';
  return ROUTE_PATTERNS.find((route) => route.method === method && route.pattern.test(path))?.id;
}

/**
 * {@link checkAnswer} for a request by method and path (a test's own fetch helper): fails when no
 * route of the contract takes the request, or the answer does not match it.
 */
export function checkAnswerTo(method: string, path: string, status: number, json: unknown): void {
  const route = routeOf(method, path);
  if (!route) throw new Error(`no route in the API contract for ${method} ${path}`);
  checkAnswer(route, status, json);
}
