import { isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Span } from '../types';
import { keySpan, valueSpan, type YamlPath } from '../yaml/locate';
import { hubRepo, isPlaceholder } from './hub';
import type { DatasetRef, HubPush, Located, Method, Setting, TrainingConfig } from './model';

export type Value = Record<string, unknown>;

/** Reads facts out of a parsed config: values with their spans. */
export class Reader {
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

export function secrets(r: Reader): Located[] {
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

export function trackers(r: Reader): Located[] {
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
export function sampleLogging(r: Reader): Located[] {
  return ['log_completions', 'eval_table_size', 'num_completions_to_print', 'wandb_log_model', 'log_predictions']
    .filter((k) => r.has(k) && r.truthy(k) && String(r.get(k)).toLowerCase() !== 'false')
    .map((k) => r.keyAt(k));
}

/**
 * How a config's dataset reference is found: a placeholder is unknown, a hub id (in any of its
 * forms) is a hub repository, anything else a local path or storage URI relative to `base`.
 */
export function datasetRef(l: Located, base: string): DatasetRef {
  if (isPlaceholder(l.value)) return { ...l, via: 'unknown' };
  const repo = hubRepo(l.value);
  return repo ? { ...l, via: 'hub', repo } : { ...l, via: 'path', base };
}

/** The last folder name of `output_dir`, as `Path(output_dir).name` gives it. */
function folderName(dir: string): string | undefined {
  const name = dir
    .replace(/[\\/]+$/, '')
    .split(/[\\/]/)
    .pop();
  return name && name !== '.' && name !== '..' ? name : undefined;
}

/**
 * `push_to_hub` / `hub_model_id` as TrainingArguments reads them (transformers 4.57.6,
 * `training_args.py` and `Trainer.init_hf_repo`): a push only with `push_to_hub` (its default is
 * false), public unless `hub_private_repo` is true. The repository is, in this order:
 * `push_to_hub_model_id` under `push_to_hub_organization` (or the pushing account);
 * `push_to_hub_organization` with the output folder's name (this replaces `hub_model_id`);
 * `hub_model_id`; else the output folder's name (default `trainer_output`) under the pushing
 * account. The two deprecated keys were removed in transformers 5, whose parser rejects unknown
 * keys, so a config that has them runs on 4.
 */
export function trainingArgsPush(r: Reader): HubPush[] {
  const isPublic = !(r.get('hub_private_repo') === true || String(r.get('hub_private_repo')).toLowerCase() === 'true');
  const why = isPublic ? '`hub_private_repo` is not true, so the repository is public' : '`hub_private_repo: true`';
  if (!r.truthy('push_to_hub')) return [];
  const org = r.str('push_to_hub_organization');
  const legacy = r.str('push_to_hub_model_id');
  const out = r.str('output_dir');
  const named = (key: string, target: string | undefined): HubPush[] => [
    {
      what: 'model',
      target: target && !isPlaceholder(target) ? target : undefined,
      public: isPublic,
      why,
      span: valueSpan(r.doc, [key]),
      at: [key],
    },
  ];
  // A placeholder anywhere in the name leaves the repository unknown (`named` drops it).
  if (legacy) return named('push_to_hub_model_id', org === undefined ? legacy : `${org}/${legacy}`);
  // With no `output_dir`, TrainingArguments writes (and names the repository) `trainer_output`.
  const dirName = out === undefined ? 'trainer_output' : isPlaceholder(out) ? undefined : folderName(out);
  if (org) return named('push_to_hub_organization', dirName ? `${org}/${dirName}` : undefined);
  const target = r.str('hub_model_id');
  if (target) return named('hub_model_id', target);
  const at = ['push_to_hub'];
  return [{ what: 'model', target: dirName, public: isPublic, why, span: keySpan(r.doc, at), at }];
}

/** The keys a TrainingArguments push is found at (see `trainingArgsPush`). */
const TRAINING_ARGS_PUSH = new Set(['push_to_hub_model_id', 'push_to_hub_organization', 'hub_model_id', 'push_to_hub']);

/**
 * The setting that makes a TrainingArguments push private: `hub_private_repo: true`, which
 * `Trainer.init_hf_repo` passes to `create_repo` as `private`.
 */
export function privateTrainingArgsPush(push: HubPush): Setting | undefined {
  return TRAINING_ARGS_PUSH.has(String(push.at[0])) ? { key: 'hub_private_repo', value: true } : undefined;
}

/** Every top-level string value that is a placeholder: unknown values the summary names. */
export function placeholders(r: Reader, keys: readonly string[]): Located[] {
  return keys.flatMap((k) => {
    const v = r.str(k);
    return v && isPlaceholder(v) ? [r.located([k])!] : [];
  });
}

/** What every fine-tuning format shares: the output folder, trackers, sample logging, credentials. */
export function common(r: Reader) {
  return {
    outputDir: r.str('output_dir') && !isPlaceholder(r.str('output_dir')!) ? r.located(['output_dir']) : undefined,
    trackers: trackers(r),
    sampleLogging: sampleLogging(r),
    secrets: secrets(r),
  };
}

export function methodAt(r: Reader, k: YamlPath, value: Method, why: string): TrainingConfig['method'] {
  return { value, why, at: k, span: valueSpan(r.doc, k) };
}

/** The top-level keys of a config's text, read without parsing (YAML at column 0; JSON parsed). */
export function topLevelKeys(text: string, json: boolean): Set<string> {
  if (json) {
    try {
      const v: unknown = JSON.parse(text);
      return v && typeof v === 'object' && !Array.isArray(v) ? new Set(Object.keys(v)) : new Set();
    } catch {
      return new Set();
    }
  }
  const out = new Set<string>();
  for (const m of text.matchAll(/^["']?([A-Za-z_][\w.-]{0,80})["']?[ \t]*:/gm)) out.add(m[1]);
  return out;
}
