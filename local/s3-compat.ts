import { readFileSync } from 'node:fs';
import type { buildApp } from 'fauxqs';
import { DEFAULT_ALLOWED_ORIGINS, securitySettings, UPLOAD_CORS_RULE } from '../infra/settings.ts';

/**
 * Where fauxqs's S3 differs from S3 in ways a person trying the local stack by hand runs into, made
 * to behave as S3 does, on the fauxqs app the local stack builds (`local/emulators.ts`):
 *
 * - **Any Content-Type on a PUT.** fauxqs parses `application/x-www-form-urlencoded` bodies as the
 *   SNS/STS Query protocol for every route, so an object PUT with that type (what `curl
 *   --data-binary` sends unless told otherwise) reaches the S3 handler as a parsed object and fails
 *   with a 500. S3 stores any body under any type: only a POST to `/` (where SNS and STS live) is
 *   parsed as a form now, everything else stays the raw bytes.
 * - **Bucket CORS.** fauxqs has no CORS, so a browser's preflight for a presigned PUT gets a 404 and
 *   the upload never starts. A bucket given a rule here answers preflights (`OPTIONS` with `Origin`
 *   and `Access-Control-Request-Method`) and marks its answers to allowed origins as S3 does for the
 *   CORS configuration the stateful stack sets (`UPLOAD_CORS_RULE`).
 */

type FauxqsApp = ReturnType<typeof buildApp>;

/** One bucket's CORS rule, as S3 evaluates it (wildcards: one `*` per origin or header). */
export interface BucketCorsRule {
  readonly allowedOrigins: readonly string[];
  readonly allowedMethods: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposedHeaders: readonly string[];
  readonly maxAgeSeconds: number;
}

/**
 * The uploads bucket's rule with the origins this checkout would deploy (`khbs:security.allowedOrigins`
 * in `cdk.json`, checked as `cdk synth` checks it), else `DEFAULT_ALLOWED_ORIGINS`.
 */
export function localUploadCorsRule(
  cdkJson: URL | string = new URL('../cdk.json', import.meta.url),
): BucketCorsRule {
  let context: unknown;
  try {
    const parsed: unknown = JSON.parse(readFileSync(cdkJson, 'utf8'));
    context =
      typeof parsed === 'object' && parsed !== null && 'context' in parsed
        ? (parsed.context as Record<string, unknown> | undefined)?.['khbs:security']
        : undefined;
  } catch {
    context = undefined;
  }
  const allowedOrigins =
    context === undefined ? DEFAULT_ALLOWED_ORIGINS : securitySettings(context).allowedOrigins;
  return { ...UPLOAD_CORS_RULE, allowedOrigins };
}

/** Parses form bodies only where fauxqs's Query protocol actions live; S3 keeps the raw bytes. */
export function acceptAnyContentTypeOnPut(app: FauxqsApp, bodyLimit: number): void {
  const form = 'application/x-www-form-urlencoded';
  app.removeContentTypeParser(form);
  app.addContentTypeParser(form, { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    if (pathOf(request.url) !== '/') {
      done(null, body);
      return;
    }
    const fields: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) fields[name] = value;
    done(null, fields);
  });
}

/** Answers preflights and adds the CORS headers S3 would, for the buckets given a rule. */
export function serveBucketCors(app: FauxqsApp, rules: Readonly<Record<string, BucketCorsRule>>): void {
  const ruleOf = (url: string): BucketCorsRule | undefined => {
    const bucket = pathOf(url).split('/')[1];
    return bucket === undefined || bucket === '' ? undefined : rules[bucket];
  };

  const preflight = async (
    request: { url: string; headers: Record<string, string | string[] | undefined> },
    reply: { status(code: number): unknown; header(name: string, value: string): unknown },
  ): Promise<string> => {
    const origin = single(request.headers.origin);
    const method = single(request.headers['access-control-request-method']);
    if (origin === undefined || method === undefined) {
      reply.status(400);
      reply.header('content-type', 'application/xml');
      return s3Error('BadRequest', 'Insufficient information. Origin request header needed.');
    }
    const requested = (single(request.headers['access-control-request-headers']) ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean);
    const rule = ruleOf(request.url);
    const allowed =
      allows(rule, origin, method) &&
      requested.every((name) => rule.allowedHeaders.some((pattern) => wildcard(pattern.toLowerCase(), name)));
    if (!allowed) {
      reply.status(403);
      reply.header('content-type', 'application/xml');
      return s3Error(
        'AccessForbidden',
        'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, ' +
          "request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      );
    }
    reply.status(200);
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-methods', rule.allowedMethods.join(', '));
    if (requested.length > 0) reply.header('access-control-allow-headers', requested.join(', '));
    if (rule.exposedHeaders.length > 0)
      reply.header('access-control-expose-headers', rule.exposedHeaders.join(', '));
    reply.header('access-control-max-age', String(rule.maxAgeSeconds));
    reply.header('vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
    return '';
  };
  app.options('/:bucket', preflight);
  app.options('/:bucket/*', preflight);

  // The request itself (the PUT): an allowed origin gets the headers that let the page read the answer.
  app.addHook('onRequest', (request, reply, done) => {
    const origin = single(request.headers.origin);
    const rule = request.method === 'OPTIONS' ? undefined : ruleOf(request.url);
    if (origin !== undefined && allows(rule, origin, request.method)) {
      reply.header('access-control-allow-origin', origin);
      if (rule.exposedHeaders.length > 0)
        reply.header('access-control-expose-headers', rule.exposedHeaders.join(', '));
      reply.header('vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
    }
    done();
  });
}

/** Whether the rule lets `origin` make a `method` request. */
function allows(rule: BucketCorsRule | undefined, origin: string, method: string): rule is BucketCorsRule {
  if (rule === undefined) return false;
  return (
    rule.allowedOrigins.some((pattern) => wildcard(pattern, origin)) && rule.allowedMethods.includes(method)
  );
}

const pathOf = (url: string): string => url.split('?')[0] ?? url;

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** S3's CORS matching: exact, or one `*` standing for any run of characters. */
function wildcard(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === value;
  const [prefix, suffix] = [pattern.slice(0, star), pattern.slice(star + 1)];
  return value.length >= prefix.length + suffix.length && value.startsWith(prefix) && value.endsWith(suffix);
}

const s3Error = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
