import type { Document } from 'yaml';
import type { Finding, Span } from '../types';
import type { YamlPath } from '../yaml/locate';

/**
 * The formats teams already have, read as they are: fine-tuning configs (Axolotl,
 * LLaMA-Factory, Hugging Face TrainingArguments / TRL), DVC pipelines and Hugging Face model
 * cards. Each is mapped into the few facts governance needs; nothing else is interpreted.
 */
export type ConfigFormat = 'axolotl' | 'llama-factory' | 'llama-factory-datasets' | 'trl' | 'dvc' | 'model-card';

/** A value found in the file, where it is, and the YAML path of its node. */
export interface Located {
  readonly value: string;
  readonly span: Span;
  readonly at: YamlPath;
}

export type Method = 'full' | 'lora' | 'qlora' | 'adapter' | 'prompt-tuning' | 'rag' | 'unknown';

/**
 * A dataset a config names, and how its tool finds it: a hub repository (`org/name` in any
 * form `hub.ts` reads), a local path or storage URI, a name the tool's own registry resolves
 * (LLaMA-Factory's `dataset_info.json`), or a placeholder filled in later (unknown).
 */
export interface DatasetRef extends Located {
  readonly via: 'hub' | 'path' | 'registry' | 'unknown';
  /** For `hub`: the canonical `org/name`. */
  readonly repo?: string;
  /** For `path`: the folder it is relative to, workspace-relative ('' is the project root). */
  readonly base?: string;
  /** For `registry`: the registry file's path relative to the project root (`data/dataset_info.json`). */
  readonly registry?: string;
}

export interface HubPush {
  /** `model` or `dataset`: what leaves for the hub. */
  readonly what: 'model' | 'dataset';
  /** The repository id, when the config names one. */
  readonly target?: string;
  /** True when the repository is public, as the tool decides it (see each format's defaults). */
  readonly public: boolean;
  /** Why it is public or private, in the format's terms. */
  readonly why: string;
  readonly span: Span;
  readonly at: YamlPath;
}

/** A fine-tuning run as its config describes it. */
export interface TrainingConfig {
  readonly format: 'axolotl' | 'llama-factory' | 'trl';
  /** The format as a person names it: `Axolotl config`, `LLaMA-Factory (v1) config`, `TRL recipe`. */
  readonly label: string;
  /** Dataset references as written: hub ids, local paths, s3:// or gs:// URIs, dataset names. */
  readonly datasets: readonly DatasetRef[];
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
  /** Values left as placeholders (`<your-hf-dataset-id>`, `${ADAPTER}`): unknown until filled in. */
  readonly placeholders: readonly Located[];
}

/** A top-level setting in a config's own terms, as a quick fix writes it (`adapter: lora`). */
export interface Setting {
  readonly key: string;
  readonly value: string | boolean;
}

/** LLaMA-Factory's `dataset_info.json` or a v1 dataset list: each name and where the tool loads it from. */
export interface DatasetRegistry {
  readonly entries: readonly { readonly name: string; readonly span: Span; readonly source?: DatasetRef }[];
  /** A v1 dataset list: a config trains on all its entries at once (it names the file). */
  readonly list?: boolean;
}

export interface DvcStage {
  readonly name: string;
  readonly span: Span;
  readonly deps: readonly Located[];
  readonly outs: readonly Located[];
}

/** A DVC `artifacts:` entry: a model or dataset with its path and declared type. */
export interface DvcArtifact {
  readonly name: string;
  readonly span: Span;
  readonly type?: string;
  readonly path?: Located;
}

/** An out of a `.dvc` file: the data DVC tracks, its path resolved against the file's folder and `wdir`. */
export interface DvcTrackedOut extends Located {
  /** Workspace-relative, as file paths are written. */
  readonly path: string;
  /** A folder out: `nfiles`, or an md5 ending in `.dir` (the digest of its listing). */
  readonly folder: boolean;
  readonly nfiles?: number;
  /** `md5` (DVC 3, `hash: md5`), `md5-dos2unix` (DVC 2, no `hash`), or a cloud `etag` / `checksum`. */
  readonly hash?: 'md5' | 'md5-dos2unix' | 'etag' | 'checksum';
  /** `cache: false`: DVC tracks the file but does not keep it in its cache (nor pushes it). */
  readonly cache: boolean;
  /** `push: false`: never pushed to a remote. */
  readonly push: boolean;
  readonly persist: boolean;
  /** The DVC remote the out is pushed to, when not the default one. */
  readonly remote?: string;
  /** The out's `type` annotation (`dvc/annotations.py`): `model` or `dataset` say what its path holds. */
  readonly type?: 'model' | 'dataset';
}

/** A dep of a `.dvc` file: where imported data comes from. */
export interface DvcTrackedDep extends Located {
  /** `dvc import`: the DVC or git repository, the revision asked for and the commit it resolved to. */
  readonly repo?: { readonly url: string; readonly rev?: string; readonly revLock?: string };
  /** `dvc import-url` from a URL or an absolute path: a source outside the workspace, never read. */
  readonly external?: boolean;
  /** A path inside the workspace, workspace-relative. */
  readonly path?: string;
}

/** A `.dvc` file: what `dvc add`, `dvc import` or `dvc import-url` put under DVC's control. */
export interface DvcTracked {
  readonly how: 'add' | 'import' | 'import-url';
  /** The folder its paths are relative to (the file's folder, or its `wdir`), workspace-relative. */
  readonly wdir: string;
  /** `frozen: true` (or DVC 1's `locked`): `dvc update` is needed to change it. */
  readonly frozen: boolean;
  readonly outs: readonly DvcTrackedOut[];
  readonly deps: readonly DvcTrackedDep[];
  /** Where its node is shown: the first out's path. */
  readonly span: Span;
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
  | (Base & {
      readonly format: 'dvc';
      readonly stages: readonly DvcStage[];
      readonly artifacts?: readonly DvcArtifact[];
      /** For a `.dvc` file (no stages): what it tracks. */
      readonly tracked?: DvcTracked;
    })
  | (Base & { readonly format: 'llama-factory-datasets'; readonly registry?: DatasetRegistry })
  | (Base & { readonly format: 'model-card'; readonly card?: ModelCard });

/** A fine-tuning config that was read into a training model (the formats that train). */
export type TrainedConfig = Extract<LoadedConfig, { format: TrainingConfig['format'] }> & { training: TrainingConfig };

export function isTrainingConfig(c: LoadedConfig): c is TrainedConfig {
  return (c.format === 'axolotl' || c.format === 'llama-factory' || c.format === 'trl') && c.training !== undefined;
}
