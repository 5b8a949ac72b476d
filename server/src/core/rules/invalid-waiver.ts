import type { Governance } from '../governance/model';
import type { Finding, Waiver } from '../types';
import type { Rule } from './rule';

export const invalidWaiver: Rule = {
  id: 'CG301',
  name: 'invalid-waiver',
  defaultSeverity: 'warning',
  summary:
    'A waiver annotation names an unknown rule or policy, gives no reason, has expired, runs longer than allowed, lacks a required approver, or may not waive what it covers.',
};

/** What is wrong with a waiver annotation itself, as the governance manifest's waiver policy sees it. */
export function annotationProblems(
  rules: readonly string[],
  attrs: ReadonlyMap<string, string>,
  knownRules: ReadonlySet<string>,
  governance: Governance,
  today: string,
): string[] {
  const policy = governance.waiverPolicy;
  const policies = new Set(governance.policies.map((p) => p.id));
  const problems: string[] = [];
  if (rules.length === 0) problems.push('names no rule; write the rule id after `waive`, e.g. `waive CG101`');
  for (const r of rules) if (!knownRules.has(r)) problems.push(`names an unknown rule \`${r}\``);
  const policyId = attrs.get('policy');
  if (policyId !== undefined && policies.size > 0 && !policies.has(policyId))
    problems.push(`names an unknown policy \`${policyId}\``);
  if (policyId === undefined && policy.requirePolicy)
    problems.push('names no policy; the governance manifest requires `policy=<id>`');
  const reason = attrs.get('reason')?.trim();
  if (!reason && policy.reasonRequired) problems.push('gives no reason; write `reason="..."`');
  const expires = attrs.get('expires');
  if (!expires) problems.push('has no expiry; write `expires=YYYY-MM-DD`');
  else if (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`)))
    problems.push(`has an expiry that is not a date: \`${expires}\``);
  else if (expires < today) problems.push(`expired on ${expires}`);
  else if (policy.maxDays !== undefined && daysBetween(today, expires) > policy.maxDays)
    problems.push(
      `runs ${daysBetween(today, expires)} days, longer than the ${policy.maxDays} the governance manifest allows`,
    );
  const approver = attrs.get('approver');
  if (approver && policy.approvers.length > 0 && !policy.approvers.includes(approver))
    problems.push(`is approved by \`${approver}\`, who is not among the manifest's approvers`);
  return problems;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Why a waiver that is well formed still may not waive `finding`, or undefined when it may.
 * This is the one place that decides it: `check`, the editor and the waiver report all go
 * through `applyWaivers` (`waivers.ts`), which uses it.
 */
export function mayNotWaive(waiver: Waiver, finding: Finding, policy: Governance['waiverPolicy']): string | undefined {
  const tier = finding.classification?.tier;
  if (tier && policy.forbidInlineForTiers.includes(tier))
    return `may not waive ${finding.ruleId} here: the governance manifest forbids inline waivers for tier ${tier}`;
  if (finding.classification?.crownJewel && policy.requireApproverForCrownJewel && !waiver.approver)
    return 'waives crown-jewel data without an approver; write `approver=<name>`';
  return undefined;
}

/** The waiver problems of a file: each invalid annotation, each refusal, each waiver that covers nothing. */
export function invalidWaiverFindings(
  path: string,
  parsed: readonly { waiver: Waiver; problems: string[] }[],
  used: ReadonlySet<unknown>,
  refused: ReadonlyMap<unknown, ReadonlySet<string>>,
): Finding[] {
  const extra: Finding[] = [];
  for (const p of parsed) {
    if (p.problems.length) extra.push(problem(path, p, p.problems.join('; ')));
    else if (refused.has(p)) for (const why of refused.get(p)!) extra.push(problem(path, p, why));
    else if (!used.has(p))
      extra.push({
        ...problem(
          path,
          p,
          `covers no ${p.waiver.rules.join('/')} finding; remove it if the code it waived has changed`,
        ),
        severity: 'note',
      });
  }
  return extra;
}

function problem(path: string, p: { waiver: Waiver }, what: string): Finding {
  return {
    ruleId: invalidWaiver.id,
    severity: 'warning',
    message: `Waiver ${what}`,
    path,
    span: p.waiver.span,
    fixes: [],
  };
}
