import type { LineageGraph } from '../lineage/graph';
import { maskId, maskText } from '../safe';
import type { SourceFile } from '../types';
import { loadConfig } from '../formats/load';
import type { Method, TrainingConfig } from '../formats/model';
import { configFormatOf } from '../formats/recognise';

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
    if (!node) {
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
  if (model)
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
