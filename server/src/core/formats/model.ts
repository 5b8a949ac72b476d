import type { Document } from 'yaml';
import type { Finding, Span } from '../types';
import type { YamlPath } from '../yaml/locate';

/**
 * The formats teams already have, read as they are: fine-tuning configs (Axolotl,
 * LLaMA-Factory, Hugging Face TrainingArguments / TRL), DVC pipelines and Hugging Face model
 * cards. Each is mapped into the few facts governance needs; nothing else is interpreted.
 */
export type ConfigFormat = 'axolotl' | 'llama-factory' | 'trl' | 'dvc' | 'model-card';

/** A value found in the file, where it is, and the YAML path of its node. */
export interface Located {
  readonly value: string;
  readonly span: Span;
  readonly at: YamlPath;
}

export type Method = 'full' | 'lora' | 'qlora' | 'adapter' | 'prompt-tuning' | 'rag';

export interface HubPush {
  /** `model` or `dataset`: what leaves for the hub. */
  readonly what: 'model' | 'dataset';
  /** The repository id, when the config names one. */
  readonly target?: string;
  /** True when the repository is public (an unset private flag means public). */
  readonly public: boolean;
  readonly span: Span;
  readonly at: YamlPath;
}

/** A fine-tuning run as its config describes it. */
export interface TrainingConfig {
  readonly format: 'axolotl' | 'llama-factory' | 'trl';
  /** Dataset references as written: hub ids, local paths, s3:// or gs:// URIs, dataset names. */
  readonly datasets: readonly Located[];
  /** The fine-tuning method, and why it is that (e.g. "`adapter` is not set"). */
  readonly method: Located & { readonly value: Method; readonly why: string };
  readonly baseModel?: Located;
  readonly outputDir?: Located;
  readonly hubPushes: readonly HubPush[];
  /** Experiment trackers the run reports to (`wandb`, `mlflow`, ...), at the key that says so. */
  readonly trackers: readonly Located[];
  /** Settings that log model inputs or outputs (sample completions, eval tables), by key name. */
  readonly sampleLogging: readonly Located[];
  /** Keys that hold a secret written into the file, by key name (the value is never kept). */
  readonly secrets: readonly Located[];
}

export interface DvcStage {
  readonly name: string;
  readonly span: Span;
  readonly deps: readonly Located[];
  readonly outs: readonly Located[];
}

export interface ModelCard {
  /** The model's name: `model-index[0].name`, else the card's folder. */
  readonly name: Located;
  readonly datasets: readonly Located[];
  readonly baseModels: readonly Located[];
}

interface Base {
  readonly path: string;
  readonly findings: Finding[];
  readonly doc?: Document;
}

export type LoadedConfig =
  | (Base & { readonly format: 'axolotl' | 'llama-factory' | 'trl'; readonly training?: TrainingConfig })
  | (Base & { readonly format: 'dvc'; readonly stages: readonly DvcStage[] })
  | (Base & { readonly format: 'model-card'; readonly card?: ModelCard });
