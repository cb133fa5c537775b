import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 finding for one wildcard under one resource's ARN
 * (`<table ARN>/index/*`, `<bucket ARN>/uploads/*`), and nothing wider.
 *
 * cdk-nag names such a finding after the ARN as the consuming template spells it. For a table or
 * bucket of the stateful stack that spelling is a cross-stack reference, which exists only once
 * synthesis has prepared the app. So the id is computed in a validation hook: hooks run after that
 * step and before the validation plugins (cdk-nag) read the acknowledgements. It is rendered with
 * cdk-nag's own flattening, so the two cannot drift apart.
 */
export function acknowledgeWildcardUnder(
  scope: IConstruct,
  arn: string,
  suffix: string,
  reason: string,
): void {
  scope.node.addValidation({
    validate: () => {
      const rendered = flattenCfnReference(Stack.of(scope).resolve(arn));
      Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${rendered}${suffix}]`, reason });
      return [];
    },
  });
}
