import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildKhbsApp } from '../../infra/khbs-app.ts';
import { cdkJsonContext, SYNTH_TIMEOUT_MS, type SynthesizedApp, synthKhbsApp } from './support/khbs-app.ts';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: unknown;
}

/** Every `Validations.of(x).acknowledge(…)` in the tree, as recorded in construct metadata. */
function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([qualified, reason]) => ({
          path: construct.node.path,
          // Recorded as `Annotation::AwsSolutions-…`; cdk-nag strips the namespace the same way.
          id: qualified.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

let synthesized: SynthesizedApp;

beforeAll(() => {
  // Throws (in-memory synth) on any unacknowledged cdk-nag error.
  synthesized = synthKhbsApp({ cloudFormationValidation: true });
}, SYNTH_TIMEOUT_MS);

describe('cdk-nag AwsSolutions', () => {
  it('synthesises with an empty validation report: no finding from cdk-nag or CloudFormation validation', () => {
    const report = JSON.parse(
      readFileSync(join(synthesized.assembly.directory, 'validation-report.json'), 'utf8'),
    ) as {
      pluginReports: { pluginName?: string; violations?: { ruleName: string }[] }[];
    };
    const violations = report.pluginReports.flatMap((r) =>
      (r.violations ?? []).map((v) => `${r.pluginName ?? '?'}: ${v.ruleName}`),
    );
    // The one deliberate warning: the committed cdk.json subscribes nobody to the alarms yet.
    expect(violations).toEqual(['Construct Annotations: Annotation::khbs:alarms-nobody']);
  });

  it('leaves no finding unacknowledged, warnings included', () => {
    const report = new AwsSolutionsChecks().validateScope(synthesized.app);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('gives every acknowledgement a specific reason', () => {
    const acks = acknowledgements(synthesized.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(typeof ack.reason, `${ack.path} ${ack.id}`).toBe('string');
      const reason = String(ack.reason).trim();
      expect(reason.length, `${ack.path} ${ack.id}: "${reason}"`).toBeGreaterThanOrEqual(40);
      expect(reason, `${ack.path} ${ack.id}`).not.toContain(ack.id);
    }
  });

  it('has no stale acknowledgement: each one silences a finding that would otherwise be reported', () => {
    const unfiltered = new AwsSolutionsChecks();
    // Private in cdk-nag; turned off here only to see the findings the acknowledgements hide.
    (unfiltered as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
    const raw = unfiltered.validateScope(synthesized.app).violations;
    for (const ack of acknowledgements(synthesized.app)) {
      const silenced = raw.some(
        (v) =>
          v.ruleName === ack.id &&
          v.violatingResources.some(
            (r) => r.constructPath === ack.path || r.constructPath?.startsWith(`${ack.path}/`),
          ),
      );
      expect(silenced, `${ack.id} at ${ack.path} silences nothing`).toBe(true);
    }
  });

  it(
    'fails the synth on a new, unacknowledged finding (the pack is really registered)',
    () => {
      const built = buildKhbsApp({
        context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] },
        cloudFormationValidation: false,
      });
      new Bucket(built.stateful, 'CarelessBucket');
      expect(() => built.app.synth()).toThrow(/AwsSolutions-S1/);
    },
    SYNTH_TIMEOUT_MS,
  );
});
