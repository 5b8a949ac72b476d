import type { LoadedConfig, TrainingConfig } from '../formats/model';
import type { Governance } from '../governance/model';
import { NOTHING } from '../lineage/carried';
import type { LineageGraph } from '../lineage/graph';
import { policyViolation } from '../rules/policy-violation';
import { secretLiteral } from '../rules/literal-findings';
import type { Finding, Fix, Span, TextEdit } from '../types';
import { replaceScalar, setKey, type Block } from '../yaml/edit';
import type { Carried } from '../lineage/carried';
import { definitionOf, policiesFor } from './evaluate';

/** Where, in a training config, each part of the stage context a policy looks at comes from. */
function placesOf(t: TrainingConfig): { at: string; stage: Record<string, unknown>; span: Span; detail: string }[] {
  const base = { id: 'training run', type: 'fine-tune' };
  const out: { at: string; stage: Record<string, unknown>; span: Span; detail: string }[] = [
    {
      at: 'method',
      stage: { ...base, method: t.method.value },
      span: t.method.span,
      detail: `the config fine-tunes with \`${t.method.value}\`: ${t.method.why}`,
    },
  ];
  if (t.sampleLogging.length > 0) {
    const keys = t.sampleLogging.map((s) => `\`${s.value}\``).join(', ');
    const to = t.trackers.length ? ` to ${[...new Set(t.trackers.map((x) => x.value))].join(', ')}` : '';
    out.push({
      at: 'logging',
      stage: { ...base, logging: { payloads: true } },
      span: t.sampleLogging[0].span,
      detail: `${keys} log${t.sampleLogging.length === 1 ? 's' : ''} model inputs or outputs${to}`,
    });
  }
  for (const p of t.hubPushes) {
    out.push({
      at: 'hub',
      stage: { ...base, hub: { public: p.public } },
      span: p.span,
      detail: `the ${p.what} is pushed to ${p.public ? 'a public' : 'a private'} hub repository${p.public ? ' (`hub_private_repo` is not true)' : ''}`,
    });
  }
  return out;
}

/**
 * The policies, applied to fine-tuning configs as teams write them: each config is a
 * `fine-tune` stage whose data is what its datasets (and the pipeline stage that runs it)
 * carry through the lineage. Also: credentials written into a config.
 */
/** The setting that makes each format train with `method`, where the format has one. */
const METHOD_SETTING: Record<TrainingConfig['format'], Partial<Record<string, [string, Block]>>> = {
  axolotl: { lora: ['adapter', 'lora'], qlora: ['adapter', 'qlora'] },
  'llama-factory': { lora: ['finetuning_type', 'lora'] },
  trl: { lora: ['use_peft', true] },
};

/**
 * Fixes in the config's own terms: a parameter-efficient setting the data allows, a private
 * hub repository, sample logging off. Never for JSON (its quoting is not YAML's flow style) and
 * never safe: each changes how or where a model is trained, so a person reviews it.
 */
function configFixes(c: LoadedConfig & { training: TrainingConfig }, text: string, at: string, data: Carried): Fix[] {
  if (!c.doc || /\.json$/i.test(c.path)) return [];
  const doc = c.doc;
  const fix = (title: string, edit: TextEdit | undefined): Fix[] =>
    edit ? [{ title, edits: [edit], preferred: false, safe: false }] : [];
  if (at === 'method') {
    return data.allowedMethods.flatMap((m) => {
      const setting = METHOD_SETTING[c.training.format][m];
      return setting
        ? fix(
            `Set \`${setting[0]}: ${String(setting[1])}\` (${m}, which the data allows)`,
            setKey(text, doc, [], setting[0], setting[1]),
          )
        : [];
    });
  }
  if (at === 'hub') return fix('Set `hub_private_repo: true`', setKey(text, doc, [], 'hub_private_repo', true));
  if (at === 'logging') {
    return c.training.sampleLogging.flatMap((k) =>
      fix(`Turn off \`${k.value}\``, replaceScalar(doc, [k.value], typeof doc.get(k.value) === 'number' ? 0 : false)),
    );
  }
  return [];
}

export function evaluateConfigs(
  governance: Governance,
  configs: readonly LoadedConfig[],
  graph: LineageGraph,
  today: string,
  textOf: (path: string) => string = () => '',
): Finding[] {
  const compiled = policiesFor(governance).filter((c) => c.policy.target === 'stage');
  const out: Finding[] = [];
  for (const c of configs) {
    if (c.format === 'dvc' || c.format === 'model-card' || !c.training) continue;
    const t = c.training;
    for (const s of t.secrets) {
      out.push({
        ruleId: secretLiteral.id,
        severity: 'error',
        message: `\`${s.value}\` holds a credential written into the config; revoke it, and pass it through the environment instead`,
        path: c.path,
        span: s.span,
        fixes: [],
      });
    }
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
          fixes: configFixes({ ...c, training: t }, textOf(c.path), place.at, data),
          related: [definitionOf(governance, p.policy)],
        });
      }
    }
  }
  return out;
}
