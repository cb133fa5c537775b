import { z } from 'zod';
import { COMPLAINT_HOLIDAY_PATTERN } from '#shared/config/complaints.ts';

/**
 * The deployment's security and alerting settings, read from `cdk.json` context (or `-c key=…`):
 *
 * ```jsonc
 * "khbs:alarms": { "emails": [] },
 * "khbs:security": {
 *   "allowedOrigins": ["http://localhost:5173"],
 *   "throttle": { "rateLimit": 50, "burstLimit": 100 },
 *   "publicRouteThrottle": { "rateLimit": 10, "burstLimit": 20 },
 *   "reservedConcurrency": 5,                       // or { "VerifyDecree": 5 }; absent = off
 *   "webAclArn": "arn:aws:wafv2:us-east-1:…:global/webacl/…",   // absent = no CloudFront, no WAF
 *   "cloudFrontDomainName": "api.khbs.kalteng.go.id",
 *   "cloudFrontCertificateArn": "arn:aws:acm:us-east-1:…:certificate/…"
 * }
 * ```
 *
 * Every value is checked here, at synth: a mistake fails `cdk synth` with the key that is wrong,
 * never a deployment.
 */

/** Where browsers may call the API and PUT uploads from when `khbs:security.allowedOrigins` is absent. */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = ['http://localhost:5173'];

/**
 * The uploads bucket's CORS rule, but for its origins: browsers PUT the file straight to S3 with the
 * URL `POST /uploads` presigns. The stateful stack sets it on the bucket; the local stack's S3
 * (`local/emulators.ts`) answers preflights and PUTs by it.
 */
export const UPLOAD_CORS_RULE = {
  allowedMethods: ['PUT'],
  allowedHeaders: ['*'],
  exposedHeaders: ['ETag'],
  maxAgeSeconds: 3600,
} as const;

/**
 * The console's Content-Security-Policy: its own scripts and styles only, no framing, and calls to
 * its own origin plus `connectOrigins` (in AWS: Cognito's endpoints and the uploads bucket). The
 * same policy locally (`local/console.ts`) and at CloudFront (`console-hosting.ts`).
 */
export function consoleContentSecurityPolicy(connectOrigins: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    ['connect-src', "'self'", ...connectOrigins].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

/** Request rate (per second, steady) and burst of an API Gateway throttle. */
export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** Every route without its own setting (the stage's default route settings). */
export const DEFAULT_STAGE_THROTTLE: Throttle = { rateLimit: 50, burstLimit: 100 };

/**
 * Each public route (`public: true` in `functions/api/routes.ts`: `/health`, `/verify/{code}`): a
 * printed decree is verified by a person scanning its QR code, so a few requests a second is plenty,
 * and anonymous traffic cannot take the stage's capacity from signed-in users.
 */
export const DEFAULT_PUBLIC_ROUTE_THROTTLE: Throttle = { rateLimit: 10, burstLimit: 20 };

/** Where and to whom the alarms go. */
export interface AlarmSettings {
  /** Addresses subscribed (by e-mail, each confirms once) to the alarm topic. */
  readonly emails: readonly string[];
}

/** The CloudFront distribution (with its AWS WAF web ACL) put in front of the HTTP API. */
export interface EdgeSettings {
  /** A web ACL of scope CLOUDFRONT (created in us-east-1, outside this app). */
  readonly webAclArn: string;
  /** The distribution's own name (CloudFront's default certificate cannot enforce TLS 1.2). */
  readonly domainName: string;
  /** An ACM certificate in us-east-1 that covers `domainName`. */
  readonly certificateArn: string;
}

export interface SecuritySettings {
  readonly allowedOrigins: readonly string[];
  readonly stageThrottle: Throttle;
  readonly publicRouteThrottle: Throttle;
  /**
   * Reserved concurrency by route id, or a number for every public route.
   * Absent: none (a new account's whole concurrency limit may be 10, none of it reservable).
   */
  readonly reservedConcurrency?: number | Readonly<Record<string, number>>;
  /** Present only when `webAclArn` is configured. */
  readonly edge?: EdgeSettings;
}

const ThrottleSchema = z.strictObject({
  rateLimit: z.number().positive(),
  burstLimit: z.number().int().positive(),
});

const ConcurrencySchema = z.number().int().min(1).max(1000);

const AlarmsSchema = z.strictObject({
  emails: z.array(z.email()).default([]),
});

const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/;
const US_EAST_1_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/;

const SecuritySchema = z
  .strictObject({
    allowedOrigins: z.array(z.string()).min(1).optional(),
    throttle: ThrottleSchema.optional(),
    publicRouteThrottle: ThrottleSchema.optional(),
    reservedConcurrency: z.union([ConcurrencySchema, z.record(z.string(), ConcurrencySchema)]).optional(),
    webAclArn: z
      .string()
      .regex(
        WEB_ACL_ARN,
        'must be the ARN of a web ACL of scope CLOUDFRONT (wafv2, us-east-1, global/webacl)',
      )
      .optional(),
    cloudFrontDomainName: z
      .string()
      .regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a DNS name')
      .optional(),
    cloudFrontCertificateArn: z
      .string()
      .regex(US_EAST_1_CERTIFICATE_ARN, 'must be the ARN of an ACM certificate in us-east-1 (CloudFront)')
      .optional(),
  })
  .superRefine((value, ctx) => {
    const edgeKeys = [value.webAclArn, value.cloudFrontDomainName, value.cloudFrontCertificateArn];
    const given = edgeKeys.filter((key) => key !== undefined).length;
    if (given !== 0 && given !== edgeKeys.length) {
      ctx.addIssue({
        code: 'custom',
        message:
          'webAclArn, cloudFrontDomainName and cloudFrontCertificateArn go together: CloudFront enforces ' +
          'TLS 1.2 only with a certificate of your own',
      });
    }
  });

/**
 * `khbs:console`: the web console served from S3 behind CloudFront, on one HTTPS origin with the API
 * (README "Deploying to AWS"). Absent: no console in AWS, nothing below is created.
 *
 * ```jsonc
 * "khbs:console": {
 *   "domainName": "khbs.kalteng.go.id",                                 // the console's (and the API's) name
 *   "certificateArn": "arn:aws:acm:us-east-1:…:certificate/…",          // covers domainName
 *   "webAclArn": "arn:aws:wafv2:us-east-1:…:global/webacl/…",           // scope CLOUDFRONT
 *   "cognitoDomainPrefix": "khbs-kalteng",                              // the hosted UI's address
 *   "distDir": "web/dist"                                               // the built console (npm run build:web)
 * }
 * ```
 */
export interface ConsoleSettings extends EdgeSettings {
  /** `https://{cognitoDomainPrefix}.auth.{region}.amazoncognito.com`: Cognito's hosted sign-in. */
  readonly cognitoDomainPrefix: string;
  /** The built console, relative to the repository root or absolute. */
  readonly distDir: string;
}

/** Where `npm run build:web` (Vite, `web/vite.config.ts`) writes the console. */
export const DEFAULT_CONSOLE_DIST_DIR = 'web/dist';

const ConsoleSchema = z.strictObject({
  domainName: z.string().regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a DNS name'),
  certificateArn: z
    .string()
    .regex(US_EAST_1_CERTIFICATE_ARN, 'must be the ARN of an ACM certificate in us-east-1 (CloudFront)'),
  webAclArn: z
    .string()
    .regex(WEB_ACL_ARN, 'must be the ARN of a web ACL of scope CLOUDFRONT (wafv2, us-east-1, global/webacl)'),
  // Cognito's rule for a prefix domain; "aws", "amazon" and "cognito" are reserved.
  cognitoDomainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower-case letters, digits and hyphens')
    .refine((prefix) => !/aws|amazon|cognito/.test(prefix), 'must not contain aws, amazon or cognito'),
  distDir: z.string().min(1).default(DEFAULT_CONSOLE_DIST_DIR),
});

/** `khbs:console`, or undefined when the console is not deployed. */
export function consoleSettings(raw: unknown): ConsoleSettings | undefined {
  if (raw === undefined) return undefined;
  return parseContext('khbs:console', ConsoleSchema, raw);
}

/** The console's origin (`https://{domainName}`), for CORS and the sign-in's redirect URLs. */
export function consoleOrigin(settings: ConsoleSettings): string {
  return `https://${settings.domainName}`;
}

/**
 * `khbs:tracing`: which functions X-Ray traces with Powertools Tracer. `all` (the default): every
 * function. `workers`: the queue, S3 and scheduled workers only; the API routes start ~20–25 ms
 * faster cold (README "Cold start") and their requests are not traced.
 */
export const TRACING_MODES = ['all', 'workers'] as const;
export type TracingMode = (typeof TRACING_MODES)[number];

export function tracingMode(raw: unknown): TracingMode {
  // A plain word, in cdk.json or as `cdk synth -c khbs:tracing=workers`.
  const parsed = z.enum(TRACING_MODES).safeParse(raw ?? 'all');
  if (!parsed.success) {
    throw new Error(
      `Context khbs:tracing must be one of ${TRACING_MODES.join(', ')}, got ${JSON.stringify(raw)}`,
    );
  }
  return parsed.data;
}

/**
 * `khbs:complaintHolidays`: the national holidays and cuti bersama the complaint clock skips besides
 * the fixed ones (`FIXED_NATIONAL_HOLIDAYS`), each `YYYY-MM-DD` (the moving ones, announced each year
 * by SKB) or `--MM-DD` (yearly). Given to the routes that lodge complaints as `COMPLAINT_HOLIDAYS`
 * (`shared/config/complaints.ts`). Absent: none.
 */
export function complaintHolidays(raw: unknown): string[] {
  const value = z
    .array(z.string().regex(COMPLAINT_HOLIDAY_PATTERN, 'must be YYYY-MM-DD or --MM-DD'))
    .refine(
      (days) => days.every((day) => day.startsWith('--') || isCalendarDate(day)),
      'must name days that exist',
    );
  const parsed = parseContext('khbs:complaintHolidays', value, raw ?? []);
  return [...new Set(parsed)].sort();
}

/** Whether `YYYY-MM-DD` is a day of the calendar (not 2026-02-30). */
function isCalendarDate(day: string): boolean {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

/** `khbs:alarms` (default: no subscriber; the alarms still go to the topic). */
export function alarmSettings(raw: unknown): AlarmSettings {
  return parseContext('khbs:alarms', AlarmsSchema, raw ?? {});
}

/** `khbs:security`, with every default filled in and the origins checked (`assertAllowedOrigins`). */
export function securitySettings(raw: unknown): SecuritySettings {
  const value = parseContext('khbs:security', SecuritySchema, raw ?? {});
  const allowedOrigins = value.allowedOrigins ?? [...DEFAULT_ALLOWED_ORIGINS];
  assertAllowedOrigins(allowedOrigins, 'khbs:security.allowedOrigins');
  return {
    allowedOrigins,
    stageThrottle: value.throttle ?? DEFAULT_STAGE_THROTTLE,
    publicRouteThrottle: value.publicRouteThrottle ?? DEFAULT_PUBLIC_ROUTE_THROTTLE,
    ...(value.reservedConcurrency !== undefined ? { reservedConcurrency: value.reservedConcurrency } : {}),
    ...(value.webAclArn && value.cloudFrontDomainName && value.cloudFrontCertificateArn
      ? {
          edge: {
            webAclArn: value.webAclArn,
            domainName: value.cloudFrontDomainName,
            certificateArn: value.cloudFrontCertificateArn,
          },
        }
      : {}),
  };
}

/**
 * Browser origins for CORS (the API's and the uploads bucket's): at least one, each a bare origin
 * (`scheme://host[:port]`, no path), HTTPS except on this machine (`localhost`, `127.0.0.1`), and
 * never `*` or a pattern: a console is one known origin. Throws naming `setting` otherwise.
 */
export function assertAllowedOrigins(origins: readonly string[], setting: string): void {
  if (origins.length === 0) throw new Error(`${setting} must name at least one origin`);
  for (const origin of origins) {
    if (origin.includes('*')) {
      throw new Error(
        `${setting} must not contain "*" (got ${JSON.stringify(origin)}): list each browser origin that may ` +
          'call the API, e.g. "https://console.khbs.kalteng.go.id"',
      );
    }
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`${setting}: ${JSON.stringify(origin)} is not an origin (scheme://host[:port])`);
    }
    if (url.origin !== origin) {
      throw new Error(
        `${setting}: ${JSON.stringify(origin)} is not a bare origin; write ${JSON.stringify(url.origin)} ` +
          '(no path, no trailing slash, lower case)',
      );
    }
    const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
      throw new Error(`${setting}: ${JSON.stringify(origin)} must use https (http only for localhost)`);
    }
  }
}

function parseContext<T extends z.ZodType>(key: string, schema: T, raw: unknown): z.output<T> {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    // `cdk synth -c key='{…}'` passes the value as text.
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Error(`Context ${key} must be JSON, got ${JSON.stringify(raw)}`);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${[key, ...issue.path.map(String)].join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`Context ${key} is invalid: ${problems}`);
  }
  return parsed.data;
}
