import { isMap, isScalar, type Document } from 'yaml';
import { keySpan, valueSpan } from '../yaml/locate';
import { hubRepo, isPlaceholder } from './hub';
import type { DatasetRef, DatasetRegistry, HubPush, Method, TrainingConfig } from './model';
import type { TrainingFormat } from './format';
import {
  common,
  datasetRef,
  methodAt,
  placeholders,
  privateTrainingArgsPush,
  trainingArgsPush,
  type Reader,
} from './reader';

/**
 * LLaMA-Factory configs, read as LLaMA-Factory reads them at commit ff6d4d12 (docs/formats.md):
 * - The classic format (`src/llamafactory/hparams/`): `finetuning_type` is `lora` by default
 *   (`finetuning_args.py`), `freeze` and `full` update the base model's own weights, and a
 *   `quantization_bit` with LoRA is QLoRA. `dataset: a,b` names entries of `dataset_info.json`
 *   in `dataset_dir` (default `data`, `data_args.py`), which `data/parser.py` resolves to
 *   `hf_hub_url`, `ms_hub_url`, `om_hub_url`, `script_url`, `cloud_file_name` or `file_name`
 *   (joined to `dataset_dir`); `dataset_dir: ONLINE` makes every name a hub id. Paths are
 *   relative to where the tool runs: the project root, not the config's folder.
 * - `export_hub_model_id` is pushed by `train/tuner.py` with `push_to_hub` and no `private`
 *   flag (public); `push_to_hub` with `hub_model_id` is TrainingArguments' push, public unless
 *   `hub_private_repo: true`.
 * - The v1 format (`src/llamafactory/v1/config/`): `model:`, `peft_config: {name: lora |
 *   freeze}` (no `peft_config` is full fine-tuning), `quant_config: {quantization_bit}`, and
 *   `train_dataset: <file>` relative to the project root.
 */

const V1_LABEL = 'LLaMA-Factory (v1) config';

const CLASSIC = ['finetuning_type', 'template', 'dataset_dir', 'cutoff_len', 'export_hub_model_id', 'lora_target'];

export function isLlamaFactory(keys: ReadonlySet<string>): boolean {
  if (keys.has('model') && (keys.has('peft_config') || keys.has('train_dataset')) && !keys.has('base_model'))
    return true;
  return (
    keys.has('model_name_or_path') &&
    CLASSIC.some((k) => keys.has(k)) &&
    (keys.has('stage') || keys.has('finetuning_type') || keys.has('dataset'))
  );
}

/** `dataset_info.json`: LLaMA-Factory's own registry of dataset names. */
export function isDatasetRegistry(path: string): boolean {
  return /(^|\/)dataset_info\.json$/i.test(path);
}

/**
 * A v1 dataset list (`data/v1_sft_demo.yaml`, what `train_dataset` names): top-level names, each
 * a map with a `path` and a `converter`, `source` or `split` (`v1/core/data_engine.py`).
 */
export function isDatasetList(keys: ReadonlySet<string>, text: string): boolean {
  if (keys.size === 0) return false;
  const paths = text.match(/^[ \t]+path[ \t]*:/gm)?.length ?? 0;
  return paths === keys.size && /^[ \t]+(converter|source|split)[ \t]*:/m.test(text);
}

function v1(r: Reader): TrainingConfig {
  const peft = r.get('peft_config');
  const name = peft && typeof peft === 'object' ? (r.doc.getIn(['peft_config', 'name']) as unknown) : undefined;
  const quant = r.doc.getIn(['quant_config', 'quantization_bit']);
  const type = typeof name === 'string' ? name.toLowerCase() : undefined;
  const m: Method =
    type === undefined ? 'full' : type === 'lora' ? (quant ? 'qlora' : 'lora') : type === 'freeze' ? 'full' : 'adapter';
  const why =
    type === undefined
      ? '`peft_config` is not set, which means full fine-tuning'
      : type === 'freeze'
        ? "`peft_config.name: freeze` updates the base model's own last layers"
        : `\`peft_config.name: ${type}\`${quant ? ` with \`quant_config.quantization_bit: ${String(quant)}\`` : ''}`;
  const datasets = r.list('train_dataset').map((d) => datasetRef(d, ''));
  return {
    format: 'llama-factory',
    label: V1_LABEL,
    datasets: [...datasets, ...r.list('eval_dataset').map((d) => datasetRef(d, ''))],
    method: methodAt(r, type === undefined ? ['model'] : ['peft_config', 'name'], m, why),
    baseModel: r.str('model') ? r.located(['model']) : undefined,
    hubPushes: trainingArgsPush(r),
    placeholders: placeholders(r, ['model', 'train_dataset', 'output_dir']),
    ...common(r),
  };
}

export function readLlamaFactory(r: Reader): TrainingConfig {
  if (r.has('model') && !r.has('model_name_or_path')) return v1(r);
  const type = (r.str('finetuning_type') ?? 'lora').toLowerCase();
  const quantized = r.get('quantization_bit') !== undefined && r.get('quantization_bit') !== null;
  // Freeze-tuning updates the base model's own weights (its last layers): as exposed as full.
  const m: Method = type === 'lora' ? (quantized ? 'qlora' : 'lora') : type === 'oft' ? 'adapter' : 'full';
  const why = r.has('finetuning_type')
    ? `\`finetuning_type: ${type}\`${quantized && type === 'lora' ? ` with \`quantization_bit: ${String(r.get('quantization_bit'))}\`` : ''}`
    : '`finetuning_type` is not set (LoRA by default)';
  const dir = r.str('dataset_dir') ?? 'data';
  const names = [...r.list('dataset'), ...r.list('eval_dataset')];
  const datasets: DatasetRef[] = names.map((d) =>
    isPlaceholder(d.value)
      ? { ...d, via: 'unknown' }
      : dir === 'ONLINE'
        ? datasetRef(d, '')
        : { ...d, via: 'registry', registry: `${dir.replace(/\/+$/, '')}/dataset_info.json` },
  );
  const pushes: HubPush[] = [];
  const exported = r.str('export_hub_model_id');
  if (exported)
    pushes.push({
      what: 'model',
      target: isPlaceholder(exported) ? undefined : exported,
      public: true,
      why: 'LLaMA-Factory exports with `push_to_hub` and no private flag, so the repository is public',
      span: valueSpan(r.doc, ['export_hub_model_id']),
      at: ['export_hub_model_id'],
    });
  pushes.push(...trainingArgsPush(r));
  return {
    format: 'llama-factory',
    label: 'LLaMA-Factory config',
    datasets,
    method: methodAt(r, [r.has('finetuning_type') ? 'finetuning_type' : 'model_name_or_path'], m, why),
    baseModel: r.str('model_name_or_path') ? r.located(['model_name_or_path']) : undefined,
    hubPushes: pushes,
    placeholders: placeholders(r, ['model_name_or_path', 'dataset', 'export_hub_model_id', 'output_dir']),
    ...common(r),
  };
}

export const llamaFactory: TrainingFormat = {
  format: 'llama-factory',
  recognise: isLlamaFactory,
  read: readLlamaFactory,
  // The v1 format nests its method under `peft_config`, so no top-level key sets it; QLoRA
  // needs `quantization_bit` as well, so only LoRA is one setting.
  methodSetting: (t, method) =>
    t.label !== V1_LABEL && method === 'lora' ? { key: 'finetuning_type', value: 'lora' } : undefined,
  // `llamafactory-cli export` pushes with no private flag: `hub_private_repo` does not reach it.
  privateSetting: (_t, push) => (push.at[0] === 'export_hub_model_id' ? undefined : privateTrainingArgsPush(push)),
};

/** Where `dataset_info.json` says each name is loaded from, in `data/parser.py`'s order. */
export function readDatasetRegistry(path: string, doc: Document): DatasetRegistry {
  if (!isDatasetRegistry(path)) return readDatasetList(doc);
  const root = doc.contents;
  if (!isMap(root)) return { entries: [] };
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const entries: DatasetRegistry['entries'][number][] = [];
  for (const pair of root.items) {
    if (!isScalar(pair.key)) continue;
    const name = String(pair.key.value);
    const span = keySpan(doc, [name]);
    const loc = (k: string) => {
      const v = doc.getIn([name, k]);
      return typeof v === 'string' && v !== ''
        ? { value: v, span: valueSpan(doc, [name, k]), at: [name, k] }
        : undefined;
    };
    const hub = loc('hf_hub_url') ?? loc('ms_hub_url') ?? loc('om_hub_url');
    const file = loc('file_name') ?? loc('cloud_file_name');
    // `file_name` and `script_url` are joined to `dataset_dir`, the registry's own folder.
    const local = file ?? loc('script_url');
    const source: DatasetRef | undefined = hub
      ? { ...hub, via: 'hub', repo: hubRepo(hub.value) ?? hub.value }
      : local
        ? isPlaceholder(local.value)
          ? { ...local, via: 'unknown' }
          : { ...local, via: 'path', base: folder }
        : undefined;
    entries.push({ name, span, source });
  }
  return { entries };
}

/** A v1 dataset list: each entry's `path` is a hub id, or a local path from the project root. */
function readDatasetList(doc: Document): DatasetRegistry {
  const root = doc.contents;
  if (!isMap(root)) return { entries: [], list: true };
  const entries: DatasetRegistry['entries'][number][] = [];
  for (const pair of root.items) {
    if (!isScalar(pair.key)) continue;
    const name = String(pair.key.value);
    const v = doc.getIn([name, 'path']);
    const source =
      typeof v === 'string' && v !== ''
        ? { value: v, span: valueSpan(doc, [name, 'path']), at: [name, 'path'] }
        : undefined;
    const local = doc.getIn([name, 'source']);
    entries.push({
      name,
      span: keySpan(doc, [name]),
      source:
        source &&
        (typeof local === 'string' && local !== 'hf_hub'
          ? { ...source, via: 'path', base: '' }
          : datasetRef(source, '')),
    });
  }
  return { entries, list: true };
}
