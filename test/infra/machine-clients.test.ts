import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXCHANGE_RESOURCE, MACHINE_CLIENTS, MACHINE_ROLES } from '#shared/http/caller.ts';
import {
  logicalIdOf,
  onlyResource,
  type Resources,
  SYNTH_TIMEOUT_MS,
  type SynthesizedApp,
  synthKhbsApp,
} from './support/khbs-app.ts';

/**
 * Bank Kalteng and BULOG as Cognito machine clients (issue #15): one resource server with one scope
 * per party, one confidential client per party that may only use client credentials for its own
 * scope, short-lived access tokens, a domain for the token endpoint even without the console, the
 * client ids in the JWT authorizer's audience and in the outputs (never a secret).
 */

let app: SynthesizedApp;
let template: Template;

beforeAll(() => {
  app = synthKhbsApp();
  template = app.apiTemplate;
}, SYNTH_TIMEOUT_MS);

const clientOf = (role: string) =>
  onlyResource(template, 'AWS::Cognito::UserPoolClient', (p) => p.ClientName === `khbs-${role}`);

describe('the exchange resource server', () => {
  it('has exactly one scope per party', () => {
    const [, server] = onlyResource(template, 'AWS::Cognito::UserPoolResourceServer');
    expect(server.Identifier).toBe(EXCHANGE_RESOURCE);
    expect((server.Scopes as { ScopeName: string }[]).map((scope) => scope.ScopeName).sort()).toEqual([
      'bank',
      'bulog',
    ]);
  });
});

describe.each(MACHINE_ROLES)('the %s client', (role) => {
  it('is confidential, may use client credentials only, for its own scope only', () => {
    const [, client] = clientOf(role);
    expect(client.GenerateSecret).toBe(true);
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(client.AllowedOAuthFlows).toEqual(['client_credentials']);
    // `<resource server identifier>/<scope>`, the identifier by reference: khbs-exchange/<role>.
    const [serverId] = onlyResource(template, 'AWS::Cognito::UserPoolResourceServer');
    expect(client.AllowedOAuthScopes).toEqual([
      { 'Fn::Join': ['', [{ Ref: serverId }, `/${MACHINE_CLIENTS[role].scopeName}`]] },
    ]);
    expect(MACHINE_CLIENTS[role].scope).toBe(`${EXCHANGE_RESOURCE}/${MACHINE_CLIENTS[role].scopeName}`);
    // No user can sign in through it: no password, SRP, custom or passwordless flow.
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client.CallbackURLs).toBeUndefined();
    expect(client.SupportedIdentityProviders ?? ['COGNITO']).toEqual(['COGNITO']);
    expect(client.EnableTokenRevocation).toBe(true);
  });

  it('gets access tokens valid for one hour', () => {
    const [, client] = clientOf(role);
    expect(client.AccessTokenValidity).toBe(60);
    expect(client.TokenValidityUnits).toMatchObject({ AccessToken: 'minutes' });
  });

  it("is in the JWT authorizer's audience, and its id (never its secret) is an output", () => {
    const [clientId] = clientOf(role);
    const [, authorizer] = onlyResource(template, 'AWS::ApiGatewayV2::Authorizer');
    expect((authorizer.JwtConfiguration as { Audience: unknown[] }).Audience).toContainEqual({
      Ref: clientId,
    });
    const name = `${role.charAt(0).toUpperCase()}${role.slice(1)}ClientId`;
    template.hasOutput(name, { Value: { Ref: clientId } });
    const outputs = JSON.stringify(template.toJSON().Outputs);
    expect(outputs).not.toMatch(/ClientSecret/);
  });
});

describe('the token endpoint', () => {
  it('is on the pool domain, which exists without the console, and is an output', () => {
    const [domainId, domain] = onlyResource(template, 'AWS::Cognito::UserPoolDomain');
    expect(JSON.stringify(domain.Domain)).toContain('khbs-');
    expect(logicalIdOf(app.api.directory.hostedUiDomain)).toBe(domainId);
    expect(JSON.stringify(template.toJSON().Outputs.TokenEndpoint.Value)).toContain('/oauth2/token');
  });

  it('three app clients in all: the console and the two machine clients', () => {
    const clients = Object.values(template.findResources('AWS::Cognito::UserPoolClient') as Resources);
    expect(clients).toHaveLength(3);
    expect(clients.filter((client) => client.Properties?.GenerateSecret === true)).toHaveLength(2);
  });
});
