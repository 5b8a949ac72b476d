import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Span } from '../types';
import { keySpan, valueSpan, type YamlPath } from '../yaml/locate';
import type { HubPush, Located, Method, TrainingConfig } from './model';

type Value = Record<string, unknown>;

/** Reads facts out of a parsed config: values with their spans. */
class Reader {
  constructor(
    readonly doc: Document,
    readonly value: Value,
  ) {}

  has(k: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.value, k);
  }

  get(k: string): unknown {
    return this.value[k];
  }

  str(k: string): string | undefined {
    const v = this.value[k];
    return typeof v === 'string' && v.trim() !== '' ? v : undefined;
  }

  truthy(k: string): boolean {
    const v = this.value[k];
    return (
      v === true ||
      (typeof v === 'string' && /^(true|yes|1|checkpoint|end|all)$/i.test(v.trim())) ||
      (typeof v === 'number' && v > 0)
    );
  }

  located(at: YamlPath): Located | undefined {
    const v = this.doc.getIn(at);
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
    return { value: String(v), span: valueSpan(this.doc, at), at };
  }

  /** The key's name, located at its value (a finding there reads naturally: `eval_table_size: 5`). */
  keyAt(k: string): Located {
    return { value: k, span: valueSpan(this.doc, [k]), at: [k] };
  }

  /** Every string item of a scalar-or-list key, each with its own span. */
  list(k: string): Located[] {
    const node = this.doc.getIn([k], true);
    if (isSeq(node))
      return node.items.flatMap((_, i) => (typeof this.doc.getIn([k, i]) === 'string' ? [this.located([k, i])!] : []));
    const v = this.str(k);
    return v ? this.split([k], v) : [];
  }

  /** A comma-separated scalar (`dataset: a,b`), each name at its own offset within the value. */
  split(at: YamlPath, value: string): Located[] {
    const node = this.doc.getIn(at, true) as Node | undefined;
    const start =
      isScalar(node) && node.range
        ? node.range[0] + (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0)
        : undefined;
    const out: Located[] = [];
    let from = 0;
    for (const part of value.split(',')) {
      const name = part.trim();
      const offset = from + part.indexOf(name);
      from += part.length + 1;
      if (!name) continue;
      const span: Span =
        start === undefined ? valueSpan(this.doc, at) : { offset: start + offset, length: name.length };
      out.push({ value: name, span, at });
    }
    return out;
  }
}

/** Keys that hold a credential when they hold anything. */
const SECRET_KEYS =
  /^(hub_token|hf_token|push_to_hub_token|huggingface_token|wandb_api_key|comet_api_key|mlflow_tracking_token|mlflow_tracking_password|neptune_api_token|clearml_api_secret_key|openai_api_key|api_key|aws_secret_access_key|azure_storage_key)$/i;
/** Values that only point at a secret kept elsewhere. */
const REFERENCE =
  /^\s*(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|<[^>]*>|\{\{.*\}\}|(env|secret|vault):.*|changeme|xxx+|\*+|none|null)\s*$/i;

function secrets(r: Reader): Located[] {
  return Object.keys(r.value)
    .filter(
      (k) =>
        SECRET_KEYS.test(k) &&
        typeof r.value[k] === 'string' &&
        !REFERENCE.test(r.value[k] as string) &&
        (r.value[k] as string).length >= 8,
    )
    .map((k) => r.keyAt(k));
}

const TRACKER_KEYS: [RegExp, string][] = [
  [/^wandb_(project|entity|name|run_id|mode)$/, 'wandb'],
  [/^(use_mlflow|mlflow_tracking_uri|mlflow_experiment_name)$/, 'mlflow'],
  [/^(use_comet|comet_project_name|comet_workspace)$/, 'comet'],
  [/^(use_tensorboard)$/, 'tensorboard'],
  [/^(use_swanlab|swanlab_project)$/, 'swanlab'],
];

function trackers(r: Reader): Located[] {
  const out: Located[] = [];
  for (const item of r.list('report_to')) {
    const names = item.value === 'all' ? ['wandb', 'mlflow', 'tensorboard', 'comet_ml'] : [item.value];
    for (const n of names) if (n !== 'none') out.push({ ...item, value: n });
  }
  for (const k of Object.keys(r.value)) {
    const hit = TRACKER_KEYS.find(([re]) => re.test(k));
    const v = r.value[k];
    if (hit && v !== false && v !== null && v !== '' && !out.some((t) => t.value === hit[1]))
      out.push({ ...r.keyAt(k), value: hit[1] });
  }
  return out;
}

/** Settings that send model inputs or outputs (sample rows, generations) to a tracker. */
function sampleLogging(r: Reader): Located[] {
  return ['log_completions', 'eval_table_size', 'num_completions_to_print', 'wandb_log_model', 'log_predictions']
    .filter((k) => r.has(k) && r.truthy(k) && String(r.get(k)).toLowerCase() !== 'false')
    .map((k) => r.keyAt(k));
}

function hubPrivacy(r: Reader): boolean {
  return !(r.get('hub_private_repo') === true || String(r.get('hub_private_repo')).toLowerCase() === 'true');
}

function hubPushes(r: Reader, modelKeys: string[]): HubPush[] {
  const isPublic = hubPrivacy(r);
  const out: HubPush[] = [];
  for (const k of modelKeys) {
    const target = r.str(k);
    if (target) out.push({ what: 'model', target, public: isPublic, span: valueSpan(r.doc, [k]), at: [k] });
  }
  if (out.length === 0 && r.truthy('push_to_hub'))
    out.push({
      what: 'model',
      target: r.str('hub_model_id'),
      public: isPublic,
      span: keySpan(r.doc, ['push_to_hub']),
      at: ['push_to_hub'],
    });
  const dataset = r.str('push_dataset_to_hub');
  if (dataset)
    out.push({
      what: 'dataset',
      target: dataset,
      public: isPublic,
      span: valueSpan(r.doc, ['push_dataset_to_hub']),
      at: ['push_dataset_to_hub'],
    });
  return out;
}

function common(r: Reader) {
  return {
    outputDir: r.str('output_dir') ? r.located(['output_dir']) : undefined,
    trackers: trackers(r),
    sampleLogging: sampleLogging(r),
    secrets: secrets(r),
  };
}

function method(r: Reader, k: string, value: Method, why: string): TrainingConfig['method'] {
  const at = [k];
  return { value, why, at, span: valueSpan(r.doc, at) };
}

/** Axolotl: `adapter` lora/qlora, or none at all, which means full fine-tuning. */
function axolotl(r: Reader): TrainingConfig {
  const datasets: Located[] = [];
  for (const k of ['datasets', 'test_datasets', 'pretraining_dataset']) {
    const node = r.doc.getIn([k], true);
    if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (isMap(item) && typeof r.doc.getIn([k, i, 'path']) === 'string') datasets.push(r.located([k, i, 'path'])!);
        else if (typeof r.doc.getIn([k, i]) === 'string') datasets.push(r.located([k, i])!);
      });
    } else if (r.str(k)) datasets.push(r.located([k])!);
  }
  const adapter = r.str('adapter')?.toLowerCase();
  const m: Method = adapter === 'qlora' ? 'qlora' : adapter === 'lora' ? 'lora' : adapter ? 'adapter' : 'full';
  const why = adapter
    ? `\`adapter: ${adapter}\``
    : r.has('adapter')
      ? '`adapter` is empty, which means full fine-tuning'
      : '`adapter` is not set, which means full fine-tuning';
  return {
    format: 'axolotl',
    datasets,
    method: method(r, r.has('adapter') ? 'adapter' : 'base_model', m, why),
    baseModel: r.str('base_model') ? r.located(['base_model']) : undefined,
    hubPushes: hubPushes(r, ['hub_model_id']),
    ...common(r),
  };
}

/** LLaMA-Factory: `finetuning_type` lora (its default), freeze or full; 4-bit LoRA is QLoRA. */
function llamaFactory(r: Reader): TrainingConfig {
  const type = (r.str('finetuning_type') ?? 'lora').toLowerCase();
  const quantized = r.get('quantization_bit') !== undefined && r.get('quantization_bit') !== null;
  // Freeze-tuning updates the base model's own weights (its last layers): as exposed as full.
  const m: Method = type === 'lora' ? (quantized ? 'qlora' : 'lora') : type === 'oft' ? 'adapter' : 'full';
  const why = r.has('finetuning_type')
    ? `\`finetuning_type: ${type}\``
    : '`finetuning_type` is not set (LoRA by default)';
  return {
    format: 'llama-factory',
    datasets: [...r.list('dataset'), ...r.list('eval_dataset')],
    method: method(r, r.has('finetuning_type') ? 'finetuning_type' : 'model_name_or_path', m, why),
    baseModel: r.str('model_name_or_path') ? r.located(['model_name_or_path']) : undefined,
    hubPushes: hubPushes(r, ['export_hub_model_id', ...(r.truthy('push_to_hub') ? ['hub_model_id'] : [])]),
    ...common(r),
  };
}

/** TrainingArguments / TRL: `use_peft` means LoRA (QLoRA when loaded in 4 or 8 bits); otherwise full. */
function trl(r: Reader): TrainingConfig {
  const peft = r.truthy('use_peft');
  const quantized = r.truthy('load_in_4bit') || r.truthy('load_in_8bit');
  const m: Method = peft ? (quantized ? 'qlora' : 'lora') : 'full';
  const why = peft
    ? '`use_peft: true`'
    : r.has('use_peft')
      ? '`use_peft` is false, which means full fine-tuning'
      : '`use_peft` is not set, which means full fine-tuning';
  return {
    format: 'trl',
    datasets: ['dataset_name', 'train_file', 'validation_file', 'dataset_path', 'train_dataset'].flatMap((k) =>
      r.list(k),
    ),
    method: method(
      r,
      r.has('use_peft') ? 'use_peft' : r.has('model_name_or_path') ? 'model_name_or_path' : 'output_dir',
      m,
      why,
    ),
    baseModel: r.str('model_name_or_path') ? r.located(['model_name_or_path']) : undefined,
    hubPushes:
      r.truthy('push_to_hub') || r.str('hub_model_id')
        ? hubPushes(r, r.truthy('push_to_hub') ? ['hub_model_id'] : [])
        : [],
    ...common(r),
  };
}

/** Maps a parsed fine-tuning config into a training run. */
export function readTrainingConfig(
  format: TrainingConfig['format'],
  doc: Document,
  value: unknown,
): TrainingConfig | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const r = new Reader(doc, value as Value);
  return format === 'axolotl' ? axolotl(r) : format === 'llama-factory' ? llamaFactory(r) : trl(r);
}
