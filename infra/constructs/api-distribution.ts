import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  type DistributionProps,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Construct } from 'constructs';
import type { EdgeSettings } from '../settings.ts';

export interface ApiDistributionProps extends EdgeSettings {
  /** The HTTP API behind the distribution (its regional execute-api endpoint is the origin). */
  readonly httpApi: IHttpApi;
}

/**
 * A CloudFront distribution in front of the HTTP API, for the one thing an HTTP API cannot have
 * itself: an AWS WAF web ACL (scope CLOUDFRONT, created in us-east-1 outside this app). HTTPS only,
 * to viewers (TLS 1.2 or newer, with the certificate of `domainName`) and to the origin; nothing
 * cached (every answer depends on the caller's token); every viewer header but Host forwarded, so
 * the Authorization header reaches API Gateway's JWT authorizer and Host names the API.
 */
export class ApiDistribution extends Construct {
  public readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: ApiDistributionProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'KHBS BKK API (AWS WAF in front of the HTTP API)',
      ...edgeDistributionProps(this, props),
      defaultBehavior: {
        ...apiBehavior(apiOrigin(props.httpApi, stack)),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      },
    });

    acknowledgeEdgeFindings(
      this.distribution,
      "Every request that reaches the API is logged by the stage (JSON access logs, one year), and every request the firewall sees by the web ACL's own logging",
    );
  }

  /** The distribution's CloudFront name, for the DNS record of `domainName`. */
  public get domainName(): string {
    return this.distribution.distributionDomainName;
  }
}

/**
 * The two cdk-nag findings every distribution of this app answers the same way: geo restriction
 * belongs in the web ACL, and CloudFront's standard logs are replaced by the logs `loggedBy` names.
 */
export function acknowledgeEdgeFindings(distribution: Distribution, loggedBy: string): void {
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions-CFR1',
    reason:
      'Geo restriction, if wanted, belongs in the web ACL this distribution uses (geo match rules, counted and ' +
      'logged by AWS WAF); a distribution-level block would be invisible in the WAF logs.',
  });
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions-CFR3',
    reason: `${loggedBy}; CloudFront standard logs would need an ACL-enabled bucket.`,
  });
}

/** What every distribution of this app is at the edge: its name and certificate, TLS 1.2+, HTTP/2 and 3, the web ACL. */
export function edgeDistributionProps(
  scope: Construct,
  settings: Pick<EdgeSettings, 'domainName' | 'certificateArn' | 'webAclArn'>,
): Pick<
  DistributionProps,
  'domainNames' | 'certificate' | 'minimumProtocolVersion' | 'httpVersion' | 'webAclId'
> {
  return {
    domainNames: [settings.domainName],
    certificate: Certificate.fromCertificateArn(scope, 'Certificate', settings.certificateArn),
    minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
    httpVersion: HttpVersion.HTTP2_AND_3,
    webAclId: settings.webAclArn,
  };
}

/** The HTTP API's regional endpoint as a CloudFront origin: HTTPS only, TLS 1.2, API Gateway's 30 s. */
export function apiOrigin(httpApi: IHttpApi, stack: Stack, originId?: string): HttpOrigin {
  return new HttpOrigin(`${httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
    ...(originId ? { originId } : {}),
    protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
    originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    // API Gateway's own limit for an integration is 30 s.
    readTimeout: Duration.seconds(30),
  });
}

/** How the API is served through CloudFront: every method, nothing cached, every viewer header but Host. */
export function apiBehavior(origin: HttpOrigin): BehaviorOptions {
  return {
    origin,
    viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
    allowedMethods: AllowedMethods.ALLOW_ALL,
    // Every answer depends on the caller's token.
    cachePolicy: CachePolicy.CACHING_DISABLED,
    // With caching disabled, this managed policy forwards the Authorization header too.
    originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    compress: true,
  };
}
