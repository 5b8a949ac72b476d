import type { LineageGraph } from '../lineage/graph';
import { maskId, maskText } from '../safe';
import type { SourceFile } from '../types';
import { loadConfig } from '../formats/load';
import type { Method, TrainingConfig } from '../formats/model';
import { configFormatOf } from '../formats/recognise';
import { isPlaceholder } from '../formats/hub';
import type { Span } from '../types';

/**
 * What CrownGuard recognised in a fine-tuning config, as one line (a hover's first line, a code
 * lens, `crownguard explain`) and the facts behind it: every id is masked, like every output.
 */
export interface ConfigSummary {
  /** `Axolotl config - QLoRA - 2 datasets (1 crown-jewel: customer-chats) - pushes privately to org/name`. */
  readonly line: string;
  /** One line per fact: the method and why, each dataset and how it was resolved, each push and why. */
  readonly details: readonly string[];
}

const METHOD: Record<Method, string> = {
  full: 'full fine-tuning',
  lora: 'LoRA',
  qlora: 'QLoRA',
  adapter: 'adapter',
  'prompt-tuning': 'prompt tuning',
  rag: 'retrieval',
  unknown: 'method unknown',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The summary of `file` when it is a fine-tuning config, read against the workspace's lineage. */
export function summariseConfig(file: SourceFile, graph: LineageGraph): ConfigSummary | undefined {
  const format = configFormatOf(file.path, file.text);
  if (format !== 'axolotl' && format !== 'llama-factory' && format !== 'trl') return undefined;
  const loaded = loadConfig(file, format);
  if (loaded.format !== format || !('training' in loaded) || !loaded.training) return undefined;
  return summarise(file.path, loaded.training, graph);
}

function summarise(path: string, t: TrainingConfig, graph: LineageGraph): ConfigSummary {
  const into = graph.into(path);
  const details: string[] = [`Method: ${METHOD[t.method.value]} (${t.method.why})`];
  const jewels: string[] = [];
  let unknown = 0;
  for (const d of t.datasets) {
    const edge = into.find((e) => e.relation === 'input' && e.span.offset === d.span.offset);
    const node = edge && graph.node(edge.from);
    const name = node ? maskId(node.id) : maskId(d.value);
    // A placeholder has a node of its own in the lineage, but it names no data: it stays unknown.
    if (!node || d.via === 'unknown') {
      unknown++;
      details.push(
        d.via === 'unknown'
          ? `Dataset \`${maskId(d.value)}\`: a placeholder, an unknown value until it is filled in`
          : `Dataset \`${maskId(d.value)}\`: not resolved${d.registry ? ` (no entry in \`${d.registry}\`)` : ''}`,
      );
      continue;
    }
    // A crown-jewel dataset is named by the asset its tier comes from (the end of its explanation).
    const hops = node.crownJewel ? graph.explain(node.id) : [];
    const asset = hops.length && hops[hops.length - 1].reason === 'declared' ? maskId(hops[hops.length - 1].id) : name;
    if (node.crownJewel && !jewels.includes(asset)) jewels.push(asset);
    const how = d.via === 'hub' ? 'hub dataset' : d.via === 'registry' ? `entry of \`${d.registry}\`` : 'path';
    details.push(
      `Dataset \`${maskId(d.value)}\` (${how}): \`${name}\`, tier ${node.tier ?? 'unclassified'}${node.crownJewel ? ', crown-jewel' : ''}`,
    );
  }
  const datasets =
    plural(t.datasets.length, 'dataset') +
    (jewels.length || unknown
      ? ` (${[
          jewels.length ? `${jewels.length} crown-jewel: ${jewels.join(', ')}` : '',
          unknown ? `${unknown} unknown` : '',
        ]
          .filter(Boolean)
          .join('; ')})`
      : '');
  const base = into.find((e) => e.relation === 'base-model');
  const model = base && graph.node(base.from);
  if (model && t.baseModel && isPlaceholder(t.baseModel.value))
    details.push(`Base model \`${maskId(t.baseModel.value)}\`: a placeholder, an unknown model until it is filled in`);
  else if (model)
    details.push(
      `Base model \`${maskId(model.id)}\`: tier ${model.tier ?? 'unclassified'}${model.crownJewel ? ', crown-jewel (trained on crown-jewel data upstream)' : ''}`,
    );
  const pushes = t.hubPushes.map((p) => {
    const target = graph.outOf(path).find((e) => e.relation === 'pushes' && e.span.offset === p.span.offset)?.to;
    const shown = target?.startsWith('hf://') ? target.slice(5) : p.target ? maskId(p.target) : 'an unnamed repository';
    details.push(`Push: the ${p.what} goes ${p.public ? 'publicly' : 'privately'} to \`${shown}\` (${p.why})`);
    return `pushes ${p.public ? 'publicly' : 'privately'} to ${shown}`;
  });
  for (const x of t.placeholders) details.push(`\`${x.at.join('.')}\` is a placeholder: unknown until filled in`);
  const line = [t.label, METHOD[t.method.value], datasets, ...(pushes.length ? pushes : ['no hub push'])].join(' - ');
  return { line: maskText(line), details: details.map((d) => maskText(d)) };
}

/** What a placeholder stands in for, by the key that holds it. */
function placeholderRole(at: readonly (string | number)[], t: TrainingConfig): string {
  if (t.datasets.some((d) => d.via === 'unknown' && d.at.join('.') === at.join('.')))
    return 'an unknown dataset: its data is not classified, so no policy can speak for it';
  if (t.method.at.join('.') === at.join('.') && t.method.value === 'unknown')
    return 'an unknown fine-tuning method, so no method policy applies';
  if (t.baseModel && t.baseModel.at.join('.') === at.join('.')) return 'an unknown base model';
  if (t.hubPushes.some((p) => p.at.join('.') === at.join('.'))) return 'an unknown hub repository to push to';
  if (at[0] === 'output_dir') return 'an unknown output folder';
  return 'an unknown value';
}

/**
 * The hover on a placeholder value in a fine-tuning config (`${ADAPTER}`, `<your-hf-dataset-id>`,
 * `{{ env.X }}`): it is an unknown value that is filled in later, read as no path, hub id or
 * method. Undefined anywhere else.
 */
export function placeholderAt(file: SourceFile, offset: number): { markdown: string; span: Span } | undefined {
  const format = configFormatOf(file.path, file.text);
  if (format !== 'axolotl' && format !== 'llama-factory' && format !== 'trl') return undefined;
  const loaded = loadConfig(file, format);
  if (loaded.format !== format || !('training' in loaded) || !loaded.training) return undefined;
  const t = loaded.training;
  const inside = (s: Span) => offset >= s.offset && offset <= s.offset + s.length;
  const hit =
    t.datasets.find((d) => d.via === 'unknown' && inside(d.span)) ??
    t.placeholders.find((x) => inside(x.span)) ??
    (t.method.value === 'unknown' && inside(t.method.span) ? t.method : undefined);
  if (!hit) return undefined;
  const markdown =
    `**Placeholder** \`${maskId(hit.value)}\`: an unknown value, filled in later (by hand or by whatever ` +
    `runs the tool). CrownGuard reads it as no path, hub id or method: \`${hit.at.join('.')}\` names ` +
    `${placeholderRole(hit.at, t)}.`;
  return { markdown: maskText(markdown), span: hit.span };
}
