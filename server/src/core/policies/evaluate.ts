import type { ValidateFunction } from 'ajv';
import type { Governance } from '../governance/model';
import { compilePolicySchema } from '../schema/policy';
import { BUILTIN_POLICIES, type PolicyDefinition } from './pack';

export interface Compiled {
  readonly policy: PolicyDefinition;
  readonly when: ValidateFunction;
  readonly require: ValidateFunction;
}

const compiledFor = new WeakMap<Governance, Compiled[]>();

/**
 * The policies in force: the built-in pack minus those the manifest switches off
 * (`enabled: false`), with severities it overrides, plus its own policies that carry a
 * `when` and `require`. Compiled once per governance model; a policy that does not compile
 * is left out here and reported by the governance manifest's own checks.
 */
export function policiesFor(governance: Governance): Compiled[] {
  let compiled = compiledFor.get(governance);
  if (!compiled) {
    compiled = [];
    const declared = new Map(governance.policies.map((p) => [p.id, p]));
    const all: PolicyDefinition[] = [
      ...BUILTIN_POLICIES.map((b) => ({ ...b, severity: declared.get(b.id)?.severity ?? b.severity })),
      ...governance.policies
        .filter((p) => p.when && p.require && !BUILTIN_POLICIES.some((b) => b.id === p.id))
        .map((p) => ({
          id: p.id,
          description: p.description ?? p.id,
          severity: p.severity ?? 'error',
          target: p.target ?? 'stage',
          when: p.when!,
          require: p.require!,
          at: p.at ?? [],
        })),
    ];
    for (const policy of all) {
      if (declared.get(policy.id)?.enabled === false) continue;
      const when = compilePolicySchema(policy.when).validate;
      const require = compilePolicySchema(policy.require).validate;
      // One that does not compile is reported at its node by loadGovernance.
      if (when && require) compiled.push({ policy, when, require });
    }
    compiledFor.set(governance, compiled);
  }
  return compiled;
}
