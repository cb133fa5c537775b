import { resolve } from 'node:path';
import { z } from 'zod';
import { regionName, resolveRegion } from '#shared/domain/wilayah.ts';
import { type Group, MACHINE_ROLES, ROLE_RULES } from '#shared/http/caller.ts';
import { type LocalClaims, ROLES, signLocalToken } from './auth.ts';
import { isEntryPoint, parseCommandLine, reportCommandError } from './cli.ts';
import { REPO_ROOT } from './lambda.ts';
import { LOCAL_MACHINE_CLIENTS } from './machine-clients.ts';
import { clientCredentialsToken } from './machine-token.ts';
import { isFetchFailure, locateApi, unreachableApiMessage } from './stack-file.ts';

/**
 * `npm run token -- --role <role> [--region <code>] [--opd <code>] [--name <name>] [--sub <id>] [--ttl <seconds>]`
 * `npm run token -- --client <bank|bulog> [--api <url>] [--secret <secret>]`
 *
 * `--client` asks the running local stack's OpenID provider for a machine client's access token by
 * the real client-credentials exchange (what Bank Kalteng and BULOG do against Cognito), rather than
 * signing one: the stack must be running (`npm start`).
 *
 * Prints a bearer token for the local API on stdout, and nothing else, so that
 * `TOKEN=$(npm run -s token -- --role operator --region 62.03)` works. `--help` prints the usage on
 * stdout with exit code 0; errors go to stderr with exit code 2.
 */

const isMachine = (role: Group): boolean => (MACHINE_ROLES as readonly Group[]).includes(role);

const USAGE = `Usage: npm run token -- --role <${ROLES.filter((role) => !isMachine(role)).join('|')}> [options]
       npm run token -- --client <${MACHINE_ROLES.join('|')}> [--api <url>] [--secret <secret>]

Options for a machine client (Bank Kalteng, Perum BULOG), from the running stack by client credentials:
  --client <name>   bank or bulog: prints the access token the local provider issues to that client
  --api <url>       the local API (default: the running stack's, through .local/stack.json, or :$PORT)
  --secret <secret> the client secret to present (default: the local one, printed by npm start)

Options for a user's token (signed here):
  --region <code>   the kabupaten/kota of a regional role: Kemendagri code (62.03) or name (Kapuas); required for operator and relawan
  --opd <code>      the verifier's agency, e.g. DINSOS or BKAD (required for verifier)
  --name <name>     display name (default: derived from the role)
  --sub <id>        user id (default: derived from the role, region and opd)
  --ttl <seconds>   lifetime of the token (default: 28800, 8 hours)`;

const ArgsSchema = z
  .object({
    role: z.enum(ROLES, { error: `--role is required and must be one of: ${ROLES.join(', ')}` }),
    region: z
      .string()
      .transform((value, ctx) => {
        const code = resolveRegion(value);
        if (code === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `--region "${value}" is not a kabupaten/kota of Kalimantan Tengah: give its Kemendagri code (e.g. 62.03) or its name (e.g. Kapuas)`,
          });
          return z.NEVER;
        }
        return code;
      })
      .optional(),
    opd: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z][A-Z0-9_-]*$/, '--opd must be an agency code such as DINSOS or BKAD')
      .optional(),
    name: z.string().trim().min(1, '--name must not be empty').optional(),
    sub: z.string().trim().min(1, '--sub must not be empty').optional(),
    ttl: z.coerce
      .number({ error: '--ttl must be a number of seconds' })
      .int('--ttl must be a whole number of seconds')
      .positive('--ttl must be positive')
      .optional(),
  })
  .superRefine((args, ctx) => {
    if (isMachine(args.role)) {
      ctx.addIssue({
        code: 'custom',
        message: `${args.role} is a machine client (client credentials), not a user: npm run token -- --client ${args.role}`,
      });
      return;
    }
    if (ROLE_RULES[args.role].regions === 'own' && args.region === undefined) {
      const article = /^[aeiou]/.test(args.role) ? 'an' : 'a';
      ctx.addIssue({
        code: 'custom',
        message: `${article} ${args.role} token needs --region, e.g. --region 62.03`,
      });
    }
    if (ROLE_RULES[args.role].needsAgency && args.opd === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a verifier token needs --opd, e.g. --opd DINSOS' });
    }
  });

export interface TokenRequest {
  readonly claims: LocalClaims;
  readonly ttlSeconds: number | undefined;
}

/** Parses the command line into the claims to sign. Throws `UsageError` with a readable message. */
export function parseTokenArgs(argv: readonly string[]): TokenRequest {
  const parsed = parseCommandLine(
    argv,
    {
      role: { type: 'string' },
      region: { type: 'string' },
      opd: { type: 'string' },
      name: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string' },
    },
    ArgsSchema,
    USAGE,
    'Cannot make a token',
  );
  const { role, region, opd, name, sub, ttl } = parsed;
  // Only the claim that belongs to the role goes in, so a token never claims a region it cannot use.
  const regional = ROLE_RULES[role].regions === 'own';
  const agency = ROLE_RULES[role].needsAgency === true;
  const scope = regional ? region : agency ? opd : undefined;
  return {
    claims: {
      sub: sub ?? ['local', role, scope].filter(Boolean).join('-'),
      name: name ?? defaultName(role, scope),
      groups: [role],
      ...(regional ? { region } : {}),
      ...(agency ? { opd } : {}),
    },
    ttlSeconds: ttl,
  };
}

function defaultName(role: (typeof ROLES)[number], scope: string | undefined): string {
  const title = `${role.charAt(0).toUpperCase()}${role.slice(1)}`;
  if (scope === undefined) return `Local ${title}`;
  // An operator's scope is a region code: name the region (`Local Operator Kabupaten Kapuas`).
  return `Local ${title} ${ROLE_RULES[role].regions === 'own' ? (regionName(scope) ?? scope) : scope}`;
}

/** What each role is for, in `npm start`'s list of token commands. */
const ROLE_PURPOSE: Readonly<Record<(typeof ROLES)[number], string>> = {
  operator: "uploads and submits its region's list",
  verifier: 'signs off or returns a list for its agency (DINSOS, BKAD)',
  approver: 'approves or rejects a verified list, revokes decrees',
  auditor: 'reads everything, NIKs and accounts masked; the audit trail',
  admin:
    'uploads for any region (region in the body), starts reconciliations; creates tahap, runs eligibility',
  relawan: "verval sheets and results of the desa an operator assigned to them (by this token's sub)",
  bank: "Bank Kalteng's machine client (npm run token -- --client bank): its files and reports",
  bulog: "Perum BULOG's machine client (npm run token -- --client bulog): its distribution lists",
};

/** One `npm run token` command line per role that grants something, with the flags that role needs. */
export function tokenExamples(): { role: (typeof ROLES)[number]; args: string[]; purpose: string }[] {
  return ROLES.filter((role) => ROLE_RULES[role].capabilities.length > 0 && !isMachine(role)).map((role) => ({
    role,
    args: [
      '--role',
      role,
      ...(ROLE_RULES[role].regions === 'own' ? ['--region', '62.03'] : []),
      ...(ROLE_RULES[role].needsAgency === true ? ['--opd', 'DINSOS'] : []),
    ],
    purpose: ROLE_PURPOSE[role],
  }));
}

const ClientArgsSchema = z.object({
  client: z.enum(MACHINE_ROLES, { error: `--client must be one of: ${MACHINE_ROLES.join(', ')}` }),
  api: z.url({ error: '--api must be a URL such as http://127.0.0.1:3000' }).optional(),
  secret: z.string().min(1, '--secret must not be empty').optional(),
});

/** Parses `--client <bank|bulog> [--api <url>] [--secret <secret>]`. */
export function parseClientArgs(argv: readonly string[]): z.infer<typeof ClientArgsSchema> {
  return parseCommandLine(
    argv,
    { client: { type: 'string' }, api: { type: 'string' }, secret: { type: 'string' } },
    ClientArgsSchema,
    USAGE,
    'Cannot get a machine client token',
  );
}

/** The machine clients, their ids and local secrets, for `npm start`'s list (local values only). */
export function machineClientExamples() {
  return MACHINE_ROLES.map((role) => ({
    role,
    clientId: LOCAL_MACHINE_CLIENTS[role].clientId,
    secret: LOCAL_MACHINE_CLIENTS[role].secret,
    scope: LOCAL_MACHINE_CLIENTS[role].scope,
    args: ['--client', role],
  }));
}

async function main(): Promise<void> {
  try {
    const argv = process.argv.slice(2);
    if (argv.some((arg) => arg === '--client' || arg.startsWith('--client='))) {
      const { client, api, secret } = parseClientArgs(argv);
      const stateDir = resolve(REPO_ROOT, process.env.KHBS_STATE_DIR ?? '.local');
      const located = await locateApi(stateDir, api);
      try {
        const answer = await clientCredentialsToken(located.url, client, secret ? { secret } : {});
        process.stdout.write(`${answer.access_token}\n`);
      } catch (error) {
        if (isFetchFailure(error)) throw new Error(unreachableApiMessage(located, stateDir, error));
        throw error;
      }
      return;
    }
    const { claims, ttlSeconds } = parseTokenArgs(argv);
    process.stdout.write(`${await signLocalToken(claims, ttlSeconds)}\n`);
  } catch (error) {
    reportCommandError(error);
  }
}

if (isEntryPoint(import.meta.url)) await main();
