import { isTrainingConfig, type LoadedConfig } from '../formats/model';
import type { Governance } from '../governance/model';
import { NOTHING, type Carried } from '../lineage/carried';
import type { LineageGraph } from '../lineage/graph';
import type { LoadedManifest } from '../manifests/load';
import { configFixes, placesOf, type TrainedConfig } from '../policies/configs';
import { notFullyAnalysed } from './not-fully-analysed';
import { policiesFor } from '../policies/evaluate';
import { stagePolicyAdvice } from '../policies/fixes';
import { BUILTIN_POLICIES, type PolicyDefinition } from '../policies/pack';
import { stageContexts, type StageContext } from '../policies/propagate';
import type { Finding, RelatedInformation, Span } from '../types';
import { valueSpan } from '../yaml/locate';
import { rulePagePath, type Rule } from './rule';

export const policyViolation: Rule = {
  id: 'CG401',
  name: 'policy-violation',
  defaultSeverity: 'error',
  summary:
    'A pipeline stage or model release violates a governance policy, given the classification its data carries through the pipeline.',
  // Policies see the classification each stage's data carries through the workspace's lineage.
  workspace: ({ governance, graph, manifests, configs, today, textOf }) => {
    const pipelines = manifests.filter((l) => l.kind === 'pipeline');
    const releases = manifests.filter((l) => l.kind === 'model');
    const releaseData = (r: LoadedManifest) =>
      graph.carried.get(r.declarations.find((d) => d.kind === 'release')?.id ?? '') ?? NOTHING;
    return [
      ...evaluatePolicies(governance, stageContexts(graph, pipelines), releases, today, releaseData),
      ...evaluateConfigs(governance, configs, graph, today, textOf),
    ];
  },
};

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
function evaluatePolicies(
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

/**
 * The policies, applied to fine-tuning configs as teams write them: each config is a
 * `fine-tune` stage whose data is what its datasets (and the pipeline stage that runs it)
 * carry through the lineage.
 */
function evaluateConfigs(
  governance: Governance,
  configs: readonly LoadedConfig[],
  graph: LineageGraph,
  today: string,
  textOf: (path: string) => string = () => '',
): Finding[] {
  const compiled = policiesFor(governance).filter((c) => c.policy.target === 'stage');
  const out: Finding[] = [];
  for (const c of configs) {
    if (!isTrainingConfig(c)) continue;
    const t = c.training;
    // A dataset the config names but no registry or location resolves is said, as a note.
    out.push(...unresolvedDatasets({ ...c, training: t }, graph));
    const data = graph.carried.get(c.path) ?? NOTHING;
    if (data === NOTHING) continue;
    for (const place of placesOf(t)) {
      for (const p of compiled) {
        if (p.policy.at[0] !== place.at) continue;
        const context = {
          stage: place.stage,
          data,
          today,
          approvalRoles: governance.approvalRoles.length ? governance.approvalRoles : undefined,
        };
        if (!p.when(context) || p.require(context)) continue;
        const from = data.assets.length ? ` from ${data.assets.map((a) => `\`${a}\``).join(', ')}` : '';
        out.push({
          ruleId: policyViolation.id,
          severity: p.policy.severity,
          message: `Violates policy \`${p.policy.id}\`: ${p.policy.description} (${place.detail}; the data is of tier ${data.tier ?? 'unknown'}${from})`,
          path: c.path,
          span: place.span,
          fixes: configFixes({ ...c, training: t }, textOf(c.path), place, data),
          related: [definitionOf(governance, p.policy)],
        });
      }
    }
  }
  return out;
}

/**
 * A dataset the config names that CrownGuard cannot follow is said, as a note: a placeholder
 * (an unknown value), or a name its tool's registry should resolve but no registry in the
 * workspace has. Its data is not classified, so policies cannot speak for it.
 */
function unresolvedDatasets(c: TrainedConfig, graph: LineageGraph): Finding[] {
  const into = graph.into(c.path);
  return c.training.datasets.flatMap((d): Finding[] => {
    const message =
      d.via === 'unknown'
        ? `\`${d.value}\` is a placeholder: the dataset is an unknown value until it is filled in, so its data is not classified`
        : d.via === 'registry' && !into.some((e) => e.span.offset === d.span.offset && e.relation === 'input')
          ? `The dataset \`${d.value}\` is not in \`${d.registry}\` (or that file is not in the workspace), so its data is not classified`
          : undefined;
    return message
      ? [{ ruleId: notFullyAnalysed.id, severity: 'note', message, path: c.path, span: d.span, fixes: [] }]
      : [];
  });
}
