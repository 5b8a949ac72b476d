import { isMap, isScalar, isSeq } from 'yaml';
import { keySpan } from '../yaml/locate';
import type { DatasetRef, Method, TrainingConfig } from './model';
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
 * Hugging Face TrainingArguments, TRL script configs and alignment-handbook recipes, read as
 * TRL reads them at commit f2cd5771 and alignment-handbook at 925acdfe (docs/formats.md):
 * - `use_peft` (default false, `trl/trainer/model_config.py`) selects LoRA, with
 *   `load_in_4bit` / `load_in_8bit` QLoRA; otherwise the run fine-tunes every weight.
 * - Datasets: `dataset_name` (`ScriptArguments`, `trl/scripts/utils.py`), each
 *   `dataset_mixture.datasets[].path` (`DatasetMixtureConfig` there; alignment-handbook
 *   recipes write `id`), the keys of the older recipes' `dataset_mixer`, and the plain
 *   `train_file` / `validation_file` / `dataset_path` of example scripts.
 * - A push happens only with `push_to_hub: true` (TrainingArguments' default is false), and the
 *   repository is public unless `hub_private_repo: true` (its default is unset: public, or the
 *   organisation's own default, which a file cannot tell). An org-less `hub_model_id` is created
 *   under the pushing account: the governance manifest's `hub.namespace` names it.
 */

const TRAINING_ARGS = [
  'per_device_train_batch_size',
  'num_train_epochs',
  'gradient_accumulation_steps',
  'use_peft',
  'learning_rate',
  'push_to_hub',
  'report_to',
  'max_steps',
];

/**
 * A trainer's config has a model or an output folder and a training argument at its top level;
 * a file that only mentions those keys deeper down (trl's test reference JSONs keep them under
 * `config.args`) is not one.
 */
export function isTrainingArgs(keys: ReadonlySet<string>): boolean {
  return (keys.has('output_dir') || keys.has('model_name_or_path')) && TRAINING_ARGS.some((k) => keys.has(k));
}

function mixture(r: Reader): DatasetRef[] {
  const out: DatasetRef[] = [];
  const list = r.doc.getIn(['dataset_mixture', 'datasets'], true);
  if (isSeq(list))
    list.items.forEach((item, i) => {
      if (!isMap(item)) return;
      for (const k of ['id', 'path'])
        if (typeof r.doc.getIn(['dataset_mixture', 'datasets', i, k]) === 'string') {
          out.push(datasetRef(r.located(['dataset_mixture', 'datasets', i, k])!, ''));
          break;
        }
    });
  const mixer = r.doc.getIn(['dataset_mixer'], true);
  if (isMap(mixer))
    for (const pair of mixer.items)
      if (isScalar(pair.key)) {
        const id = String(pair.key.value);
        const at = ['dataset_mixer', id];
        out.push(datasetRef({ value: id, span: keySpan(r.doc, at), at }, ''));
      }
  return out;
}

export function readTrl(r: Reader, handbook: boolean): TrainingConfig {
  const peft = r.truthy('use_peft');
  const quantized = r.truthy('load_in_4bit') || r.truthy('load_in_8bit');
  const m: Method = peft ? (quantized ? 'qlora' : 'lora') : 'full';
  const why = peft
    ? `\`use_peft: true\`${quantized ? ` with \`${r.truthy('load_in_4bit') ? 'load_in_4bit' : 'load_in_8bit'}\`` : ''}`
    : r.has('use_peft')
      ? '`use_peft` is false, which means full fine-tuning'
      : '`use_peft` is not set, which means full fine-tuning';
  const datasets = [
    ...['dataset_name', 'train_file', 'validation_file', 'dataset_path', 'train_dataset'].flatMap((k) =>
      r.list(k).map((d) => datasetRef(d, '')),
    ),
    ...mixture(r),
  ];
  return {
    format: 'trl',
    label: handbook ? 'TRL recipe' : 'TRL / TrainingArguments config',
    datasets,
    method: methodAt(
      r,
      [r.has('use_peft') ? 'use_peft' : r.has('model_name_or_path') ? 'model_name_or_path' : 'output_dir'],
      m,
      why,
    ),
    baseModel: r.str('model_name_or_path') ? r.located(['model_name_or_path']) : undefined,
    hubPushes: trainingArgsPush(r),
    placeholders: placeholders(r, ['model_name_or_path', 'dataset_name', 'hub_model_id', 'output_dir']),
    ...common(r),
  };
}

/** Whether a TrainingArguments config is an alignment-handbook / TRL recipe (it names its data mixture). */
export function isRecipe(keys: ReadonlySet<string>): boolean {
  return keys.has('dataset_mixture') || keys.has('dataset_mixer');
}

export const trl: TrainingFormat = {
  format: 'trl',
  recognise: isTrainingArgs,
  read: (r, keys) => readTrl(r, isRecipe(keys)),
  // QLoRA needs two keys (`use_peft` and `load_in_4bit`), so only LoRA is one setting.
  methodSetting: (_t, method) => (method === 'lora' ? { key: 'use_peft', value: true } : undefined),
  privateSetting: (_t, push) => privateTrainingArgsPush(push),
};
