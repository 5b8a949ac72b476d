import type { LoadedConfig, TrainingConfig } from '../formats/model';
import type { Governance } from '../governance/model';
import { NOTHING } from '../lineage/carried';
import type { LineageGraph } from '../lineage/graph';
import { notFullyAnalysed } from '../rules/not-fully-analysed';
import { policyViolation } from '../rules/policy-violation';
import { secretLiteral } from '../rules/literal-findings';
import type { Finding, Fix, Span, TextEdit } from '../types';
import { replaceScalar, setKey, type Block } from '../yaml/edit';
import type { Carried } from '../lineage/carried';
import { definitionOf, policiesFor } from './evaluate';

/** Where, in a training config, each part of the stage context a policy looks at comes from. */
interface Place {
  at: string;
  stage: Record<string, unknown>;
  span: Span;
  detail: string;
  push?: TrainingConfig['hubPushes'][number];
}

function placesOf(t: TrainingConfig): Place[] {
  const base = { id: 'training run', type: 'fine-tune' };
  // A method left as a placeholder is unknown: no policy can say it is wrong.
  const out: Place[] =
    t.method.value === 'unknown'
      ? []
      : [
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
      detail: `the ${p.what} is pushed to ${p.public ? 'a public' : 'a private'} hub repository (${p.why})`,
      push: p,
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
function configFixes(c: TrainedConfig, text: string, place: Place, data: Carried): Fix[] {
  const at = place.at;
  if (!c.doc || /\.json$/i.test(c.path)) return [];
  const doc = c.doc;
  const fix = (title: string, edit: TextEdit | undefined): Fix[] =>
    edit ? [{ title, edits: [edit], preferred: false, safe: false }] : [];
  // The v1 format nests its method under `peft_config`; its fix is not a top-level key.
  if (at === 'method' && c.training.label.includes('(v1)')) return [];
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
  // `hub_private_repo` governs TrainingArguments' push only, not LLaMA-Factory's export.
  if (at === 'hub' && place.push?.at[0] === 'export_hub_model_id') return [];
  if (at === 'hub') return fix('Set `hub_private_repo: true`', setKey(text, doc, [], 'hub_private_repo', true));
  if (at === 'logging') {
    return c.training.sampleLogging.flatMap((k) =>
      fix(`Turn off \`${k.value}\``, replaceScalar(doc, [k.value], typeof doc.get(k.value) === 'number' ? 0 : false)),
    );
  }
  return [];
}

type TrainedConfig = Extract<LoadedConfig, { format: TrainingConfig['format'] }> & { training: TrainingConfig };

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
    if (c.format !== 'axolotl' && c.format !== 'llama-factory' && c.format !== 'trl') continue;
    if (!c.training) continue;
    const t = c.training;
    out.push(...unresolvedDatasets({ ...c, training: t }, graph));
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
          fixes: configFixes({ ...c, training: t }, textOf(c.path), place, data),
          related: [definitionOf(governance, p.policy)],
        });
      }
    }
  }
  return out;
}
