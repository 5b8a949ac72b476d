import type { TrainedConfig, TrainingConfig } from '../formats/model';

export type { TrainedConfig } from '../formats/model';
import type { Fix, Span, TextEdit } from '../types';
import { replaceScalar, setKey, type Block } from '../yaml/edit';
import type { Carried } from '../lineage/carried';

/** Where, in a training config, each part of the stage context a policy looks at comes from. */
export interface Place {
  at: string;
  stage: Record<string, unknown>;
  span: Span;
  detail: string;
  push?: TrainingConfig['hubPushes'][number];
}

export function placesOf(t: TrainingConfig): Place[] {
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
export function configFixes(c: TrainedConfig, text: string, place: Place, data: Carried): Fix[] {
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
