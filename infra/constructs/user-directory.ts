import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import {
  AccountRecovery,
  CfnUserPoolRiskConfigurationAttachment,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { PRE_TOKEN_FUNCTION } from '../triggers.ts';
import { functionErrorsAlarm } from './alarms.ts';
import { MachineClients } from './machine-clients.ts';
import { ProjectFunction } from './project-function.ts';

export interface UserDirectoryProps {
  /** Cognito groups to create; a user's groups reach the API as the `cognito:groups` claim. */
  readonly groups: readonly string[];
  /**
   * Where the hosted sign-in sends the authorisation code (OAuth code flow).
   * @default ['http://localhost:5173/auth/callback']
   */
  readonly callbackUrls?: string[];
  /**
   * Where the hosted sign-out returns.
   * @default ['http://localhost:5173/']
   */
  readonly logoutUrls?: string[];
  /**
   * The prefix of the pool's domain (`https://{prefix}.auth.{region}.amazoncognito.com`): the
   * console's OpenID Connect sign-in (authorization code + PKCE) and the machine clients' token
   * endpoint (`/oauth2/token`). A pool has one such domain, so both use it; the machine clients need
   * it even without the console. Changing it moves the token endpoint: set it once.
   * @default `khbs-<account id>` (unique per account, as a prefix must be per region)
   */
  readonly hostedUiDomainPrefix?: string;
  /**
   * What happens to the user pool when it leaves the stack. It holds every account, so it is kept.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Where the alarm on refused tokens notifies.
   * @default - no action
   */
  readonly alarmAction?: IAlarmAction;
}

/**
 * Who may sign in: a Cognito user pool (e-mail sign-in, no self sign-up, strong passwords,
 * optional TOTP, Plus-tier threat protection), the programme's groups, the custom attributes
 * `region` and `opd` that scope operators and verifiers, and one public web client. A Pre Token
 * Generation trigger refuses tokens to a user who is in no group or in more than one, so a
 * provisioning mistake cannot hand one person two roles.
 */
export class UserDirectory extends Construct {
  public readonly userPool: UserPool;
  public readonly client: UserPoolClient;
  /** Issuer of the pool's tokens, for a JWT authorizer. */
  public readonly issuerUrl: string;
  /**
   * The JWT authorizer's audience: the web client (its ID tokens' `aud`) and the machine clients
   * (their access tokens have no `aud`, so API Gateway checks `client_id`).
   */
  public readonly audience: string[];
  /** The Pre Token Generation trigger (`PRE_TOKEN_FUNCTION`). */
  public readonly preTokenFunction: ProjectFunction;
  /** The pool's domain: the hosted sign-in and the OAuth token endpoint. */
  public readonly hostedUiDomain: UserPoolDomain;
  /** Bank Kalteng's and BULOG's app clients (client credentials, one exchange scope each). */
  public readonly machineClients: MachineClients;
  /** Fires when a token was refused: someone's groups need fixing. */
  public readonly tokenRefusedAlarm: Alarm;

  constructor(scope: Construct, id: string, props: UserDirectoryProps) {
    super(scope, id);

    this.preTokenFunction = new ProjectFunction(this, PRE_TOKEN_FUNCTION.id, {
      entry: PRE_TOKEN_FUNCTION.entry,
      description: 'Cognito pre token generation: refuses tokens unless the user is in exactly one group',
      // Cognito waits 5 seconds for a trigger; the check itself takes milliseconds.
      timeout: Duration.seconds(5),
      memorySize: 256,
    });

    this.userPool = new UserPool(this, 'UserPool', {
      // Every sign-in and refresh passes the trigger (V1_0 event: the groups are in the request).
      lambdaTriggers: { preTokenGeneration: this.preTokenFunction },
      // Accounts are created by an admin for named officials; nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      customAttributes: {
        region: new StringAttribute({ mutable: true, minLen: 1, maxLen: 16 }),
        opd: new StringAttribute({ mutable: true, minLen: 1, maxLen: 32 }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    // Threat protection in force: a risky sign-in must pass MFA (or is blocked without it), and a
    // password known to be leaked cannot be used at all.
    new CfnUserPoolRiskConfigurationAttachment(this, 'RiskConfiguration', {
      userPoolId: this.userPool.userPoolId,
      clientId: 'ALL',
      accountTakeoverRiskConfiguration: {
        actions: {
          highAction: { eventAction: 'MFA_REQUIRED', notify: false },
          mediumAction: { eventAction: 'MFA_IF_CONFIGURED', notify: false },
          lowAction: { eventAction: 'NO_ACTION', notify: false },
        },
      },
      compromisedCredentialsRiskConfiguration: { actions: { eventAction: 'BLOCK' } },
    });

    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is OPTIONAL (TOTP only) by decision: officials in the regions get their account from an admin and ' +
        'enrol TOTP themselves; until then Plus-tier threat protection (ENFORCED) demands MFA on medium/high-risk ' +
        'sign-ins and blocks high-risk ones from users without MFA, and leaked passwords are blocked.',
    });

    for (const group of props.groups) {
      this.userPool.addGroup(`Group-${group}`, { groupName: group, description: `KHBS BKK ${group}` });
    }

    this.hostedUiDomain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.hostedUiDomainPrefix ?? `khbs-${Aws.ACCOUNT_ID}` },
    });
    this.machineClients = new MachineClients(this, 'ExchangeClients', {
      userPool: this.userPool,
      domain: this.hostedUiDomain,
    });

    this.client = this.userPool.addClient('WebClient', {
      // A browser app cannot keep a secret: a public client, whose code flow PKCE protects (the
      // console always sends an S256 code challenge, `web/src/auth.ts`).
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        // The code flow only: no implicit grant, which would put tokens in the URL.
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: props.callbackUrls ?? ['http://localhost:5173/auth/callback'],
        logoutUrls: props.logoutUrls ?? ['http://localhost:5173/'],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('region', 'opd'),
      // `custom:region` and `custom:opd` decide what a user may see and sign, and `name` is how the
      // audit trail and the decree name a person: only an admin (AdminUpdateUserAttributes) may
      // change them, never the user through this client. The list must not be empty (Cognito would
      // then let users write every attribute), so it names one harmless attribute.
      writeAttributes: new ClientAttributes().withStandardAttributes({ locale: true }),
    });

    this.audience = [this.client.userPoolClientId, ...this.machineClients.clientIds];
    this.issuerUrl = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;

    this.tokenRefusedAlarm = functionErrorsAlarm(
      this,
      this.preTokenFunction,
      'Cognito refused to issue tokens: a user is in no group or in more than one (or the trigger failed). ' +
        "Put the user in exactly one group; the trigger's log names the groups, never the user.",
      props.alarmAction,
      'TokenRefusedAlarm',
    );
  }
}
