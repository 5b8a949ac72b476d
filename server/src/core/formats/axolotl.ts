import { isMap, isSeq } from 'yaml';
import { valueSpan } from '../yaml/locate';
import { isPlaceholder } from './hub';
import type { DatasetRef, HubPush, Method, TrainingConfig } from './model';
import type { TrainingFormat } from './format';
import { common, datasetRef, methodAt, placeholders, type Reader } from './reader';

/**
 * Axolotl configs, read as Axolotl 0.x reads them at commit 067b021c (see docs/formats.md):
 * - `adapter: lora | qlora` selects PEFT; no adapter (unset or empty) is full fine-tuning
 *   (`src/axolotl/loaders/adapter.py`).
 * - `datasets[].path`, `test_datasets[].path` and `pretraining_dataset` are hub ids or paths
 *   `load_dataset` opens from where the tool runs (the project root).
 * - `_configure_hub_parameters` in `src/axolotl/core/builders/base.py` sets `push_to_hub`,
 *   `hub_private_repo: True` and `hub_always_push` whenever `hub_model_id` is set, whatever the
 *   config's own `hub_private_repo` says; `push_dataset_to_hub` (`utils/data/shared.py`) pushes
 *   with `private=True` too. An Axolotl push is private.
 */

/** Keys only an Axolotl config has; with `base_model` and one of these it is Axolotl. */
const KEYS = [
  'adapter',
  'sequence_len',
  'micro_batch_size',
  'lora_target_modules',
  'sample_packing',
  'pad_to_sequence_len',
  'special_tokens',
  'datasets',
  'chat_template',
];

export function isAxolotl(keys: ReadonlySet<string>): boolean {
  return keys.has('base_model') && KEYS.some((k) => keys.has(k));
}

const PRIVATE = 'Axolotl always creates hub repositories private (`_configure_hub_parameters`)';

export function readAxolotl(r: Reader): TrainingConfig {
  const datasets: DatasetRef[] = [];
  for (const k of ['datasets', 'test_datasets', 'pretraining_dataset']) {
    const node = r.doc.getIn([k], true);
    if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const at = isMap(item) ? [k, i, 'path'] : [k, i];
        if (typeof r.doc.getIn(at) === 'string') datasets.push(datasetRef(r.located(at)!, ''));
      });
    } else if (r.str(k)) datasets.push(datasetRef(r.located([k])!, ''));
  }
  const raw = r.str('adapter');
  const adapter = raw?.toLowerCase();
  const m: Method =
    adapter && isPlaceholder(adapter)
      ? 'unknown'
      : adapter === 'qlora'
        ? 'qlora'
        : adapter === 'lora'
          ? 'lora'
          : adapter
            ? 'adapter'
            : 'full';
  const why =
    m === 'unknown'
      ? '`adapter` is a placeholder, so the method is unknown'
      : adapter
        ? `\`adapter: ${adapter}\``
        : r.has('adapter')
          ? '`adapter` is empty, which means full fine-tuning'
          : '`adapter` is not set, which means full fine-tuning';
  const pushes: HubPush[] = [];
  const model = r.str('hub_model_id');
  if (model)
    pushes.push({
      what: 'model',
      target: isPlaceholder(model) ? undefined : model,
      public: false,
      why: PRIVATE,
      span: valueSpan(r.doc, ['hub_model_id']),
      at: ['hub_model_id'],
    });
  const dataset = r.str('push_dataset_to_hub');
  if (dataset)
    pushes.push({
      what: 'dataset',
      target: isPlaceholder(dataset) ? undefined : dataset,
      public: false,
      why: 'Axolotl pushes prepared datasets with `private=True`',
      span: valueSpan(r.doc, ['push_dataset_to_hub']),
      at: ['push_dataset_to_hub'],
    });
  return {
    format: 'axolotl',
    label: 'Axolotl config',
    datasets,
    method: methodAt(r, [r.has('adapter') ? 'adapter' : 'base_model'], m, why),
    baseModel: r.str('base_model') ? r.located(['base_model']) : undefined,
    hubPushes: pushes,
    placeholders: placeholders(r, ['base_model', 'adapter', 'hub_model_id', 'push_dataset_to_hub', 'output_dir']),
    ...common(r),
  };
}

export const axolotl: TrainingFormat = {
  format: 'axolotl',
  recognise: isAxolotl,
  read: readAxolotl,
  methodSetting: (_t, method) =>
    method === 'lora' || method === 'qlora' ? { key: 'adapter', value: method } : undefined,
  // Every Axolotl push is private already, and `hub_private_repo` in the file would not change it.
  privateSetting: () => undefined,
};
