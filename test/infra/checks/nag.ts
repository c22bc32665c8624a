import { Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { functionSpecs } from '../../../infra/functions.ts';
import { ParapheNagChecks } from '../../../infra/nag.ts';
import { buildTestParaphe, DOMAIN_SETTINGS, scheduledSpec } from '../support.ts';

function acknowledgedReasons(root: IConstruct): Array<{ id: string; reason: unknown }> {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({ id, reason }))),
  );
}

describe('cdk-nag AwsSolutions', () => {
  // The scheduled entry brings the schedule role, the DLQ and its alarm into the check.
  const { app } = buildTestParaphe({ functions: [...functionSpecs, scheduledSpec] });

  it('finds nothing left unacknowledged in either stack', () => {
    app.synth();
    const report = new ParapheNagChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('finds nothing left unacknowledged either with the public and API domains set (prod)', () => {
    const { app: withDomains } = buildTestParaphe({ settings: { ...DOMAIN_SETTINGS } });
    withDomains.synth();
    const report = new ParapheNagChecks().validateScope(withDomains);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('has a written reason for every acknowledged finding', () => {
    const acknowledged = acknowledgedReasons(app);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledged) {
      expect(id).toMatch(/AwsSolutions-/);
      expect(typeof reason === 'string' && reason.length >= 40, `reason for ${id}`).toBe(true);
    }
  });

  it('still reports what nobody acknowledged', () => {
    const { stateless } = buildTestParaphe({ fresh: true });
    new s3.Bucket(stateless, 'CarelessBucket');
    const report = new ParapheNagChecks().validateScope(Stack.of(stateless));
    const rules = report.violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });
});
