import { createApiClient } from '#shared/contract/client.ts';
import { type LocalClaims, signLocalToken } from '../../local/auth.ts';

/**
 * The people of the end-to-end tests that drive the local stack through the API's typed client
 * (`shared/contract/client.ts`): who they are, a client acting as one of them, and the body of an
 * answer that must be a success.
 */
export const people = {
  operator: (region: string): LocalClaims => ({
    sub: 'op-kapuas',
    name: 'Operator Kapuas',
    groups: ['operator'],
    region,
  }),
  verifier: (opd: string): LocalClaims => ({
    sub: `ver-${opd.toLowerCase()}`,
    name: `Verifikator ${opd}`,
    groups: ['verifier'],
    opd,
  }),
  approver: { sub: 'sekda-1', name: 'Sekretaris Daerah', groups: ['approver'] } satisfies LocalClaims,
  auditor: { sub: 'aud-1', name: 'Inspektorat', groups: ['auditor'] } satisfies LocalClaims,
};

/** The typed client on `apiUrl`, as the given person. */
export async function clientAs(apiUrl: string, claims: LocalClaims) {
  return createApiClient({ baseUrl: apiUrl, token: await signLocalToken(claims) });
}

/** The body of a successful answer (the test fails on any other). */
export function ok<T extends { ok: boolean; status: number; body: unknown }>(
  answer: T,
): Extract<T, { ok: true }>['body'] {
  if (!answer.ok) throw new Error(`expected success, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}
