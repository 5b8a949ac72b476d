import type { ValidateFunction } from 'ajv';
import type { Governance } from '../governance/model';
import type { LoadedManifest } from '../manifests/load';
import { policyViolation } from '../rules/policy-violation';
import { rulePagePath } from '../rules/rule';
import type { Finding, RelatedInformation, Span } from '../types';
import { valueSpan } from '../yaml/locate';
import { compilePolicySchema } from '../schema/policy';
import { stagePolicyAdvice } from './fixes';
import { BUILTIN_POLICIES, type PolicyDefinition } from './pack';
import { NOTHING } from '../lineage/carried';
import type { Carried, StageContext } from './propagate';

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

/**
 * Where a policy is defined: its entry in the governance manifest when the manifest declares
 * or overrides it, else the built-in pack's row on the rule page.
 */
export function definitionOf(governance: Governance, policy: PolicyDefinition): RelatedInformation {
  const declared = governance.policies.find((p) => p.id === policy.id);
  if (declared?.span && governance.path)
    return { message: `policy \`${policy.id}\` is declared here`, path: governance.path, span: declared.span };
  return {
    message: `built-in policy \`${policy.id}\`, described in ${rulePagePath(policyViolation.id)}`,
    rulePage: { ruleId: policyViolation.id, anchor: policy.id },
  };
}

/**
 * Where a violation is squiggled: the key that breaks the policy when it is written (its value,
 * or the key when it has none), else the name of the stage that lacks it, never a neighbouring key.
 */
function violationSpan(m: LoadedManifest, at: (string | number)[], stagePath: (string | number)[] | undefined): Span {
  const doc = m.doc!;
  if (stagePath && doc.getIn(at, true) === undefined) {
    const id = doc.getIn([...stagePath, 'id'], true) as { range?: [number, number, number] } | undefined;
    if (id?.range && id.range[1] > id.range[0]) return { offset: id.range[0], length: id.range[1] - id.range[0] };
  }
  return valueSpan(doc, at);
}

function violation(
  governance: Governance,
  m: LoadedManifest,
  at: (string | number)[],
  policy: PolicyDefinition,
  detail: string,
  stagePath?: (string | number)[],
): Finding | undefined {
  if (!m.doc) return undefined;
  return {
    ruleId: policyViolation.id,
    severity: policy.severity,
    message: `Violates policy \`${policy.id}\`: ${policy.description}${detail}`,
    path: m.path,
    span: violationSpan(m, at, stagePath),
    fixes: [],
    related: [definitionOf(governance, policy)],
  };
}

/** Every policy violation of the workspace's stages and releases, at the node that violates it. */
export function evaluatePolicies(
  governance: Governance,
  stages: readonly StageContext[],
  releases: readonly LoadedManifest[],
  today: string,
  releaseData: (release: LoadedManifest) => Carried = () => NOTHING,
): Finding[] {
  const compiled = policiesFor(governance);
  const out: Finding[] = [];
  for (const c of compiled) {
    if (c.policy.target === 'stage') {
      for (const s of stages) {
        const context = {
          stage: s.stage,
          data: s.data,
          today,
          approvalRoles: governance.approvalRoles.length ? governance.approvalRoles : undefined,
        };
        if (!c.when(context) || c.require(context)) continue;
        const from = s.data.assets.length ? ` from ${s.data.assets.map((a) => `\`${a}\``).join(', ')}` : '';
        const detail = ` (stage \`${String(s.stage.id)}\` uses data of tier ${s.data.tier ?? 'unknown'}${from})`;
        const f = violation(governance, s.manifest, ['stages', s.index, ...c.policy.at], c.policy, detail, [
          'stages',
          s.index,
        ]);
        // Only the built-in policies have advice and fixes: what a team's own policy wants is not known.
        const builtin = BUILTIN_POLICIES.some((b) => b.id === c.policy.id);
        if (!f || !builtin) {
          if (f) out.push(f);
          continue;
        }
        const advice = stagePolicyAdvice(c.policy.id, s, governance.approvalRoles);
        out.push({ ...f, message: advice.change ? `${f.message}; ${advice.change}` : f.message, fixes: advice.fixes });
      }
    } else {
      for (const r of releases) {
        const context = { release: r.value, data: releaseData(r), today };
        if (!r.value || !c.when(context) || c.require(context)) continue;
        const missing = (c.require.errors ?? [])
          .map((e) => (e.params as { missingProperty?: string }).missingProperty)
          .filter(Boolean);
        const f = violation(
          governance,
          r,
          [...c.policy.at],
          c.policy,
          missing.length ? ` (missing: ${missing.join(', ')})` : '',
        );
        if (f) out.push(f);
      }
    }
  }
  return out;
}
