import { Stack, Validations, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag names an IAM5 finding after the resource as it appears in the
 * template. An ARN that comes from the other stack only becomes its final
 * `Fn::ImportValue` once the app is prepared, so the acknowledgement is recorded
 * now and its id computed when the checks run, from the same token.
 */
interface PendingAcknowledgement {
  resource: string;
  reason: string;
}

const pending = new WeakMap<IConstruct, PendingAcknowledgement[]>();

/** Acknowledge `AwsSolutions-IAM5[Resource::<resource>]` on `scope`, with a reason. */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const list = pending.get(scope) ?? [];
  list.push({ resource, reason });
  pending.set(scope, list);
}

function applyPendingAcknowledgements(root: IConstruct): void {
  for (const construct of root.node.findAll()) {
    const list = pending.get(construct);
    if (!list) continue;
    for (const { resource, reason } of list) {
      const flat = flattenCfnReference(Stack.of(construct).resolve(resource));
      Validations.of(construct).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
    }
    pending.delete(construct);
  }
}

/** AwsSolutions checks that also apply the acknowledgements recorded above. */
export class ParapheNagChecks extends AwsSolutionsChecks {
  override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    applyPendingAcknowledgements(scope);
    return super.validateScope(scope);
  }
}
