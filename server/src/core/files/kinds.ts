import { configFormatOf } from '../formats/recognise';
import type { ConfigFormat } from '../formats/model';
import type { LanguageAdapter } from '../languages/adapter';
import { adapterFor } from '../languages/registry';
import { manifestKindOf, type ManifestKind } from '../manifests/load';
import { datasetFormatOf } from '../datasets/format';
import { isPromptTemplate } from '../prompts/template';
import { DEFAULT_SETTINGS, type Settings } from '../types';

/**
 * What kind of file a file is. Both shells and the engine ask here, so that the CLI and the
 * language server can never disagree about a file.
 */
export type FileKind =
  /** The governance manifest: read first, it governs every other file. */
  | { readonly kind: 'governance' }
  /** A CrownGuard pipeline or model-release manifest. */
  | { readonly kind: 'manifest'; readonly schema: ManifestKind }
  /** A known third-party format (fine-tuning config, DVC pipeline, model card): see `formats/`. */
  | { readonly kind: 'format'; readonly format: ConfigFormat }
  /** Source code in a language an adapter parses. */
  | { readonly kind: 'code'; readonly adapter: LanguageAdapter }
  | { readonly kind: 'prompt-template' }
  /** A training data file (JSON Lines, CSV/TSV, Parquet, compressed JSON): sampled, profiled per field. */
  | { readonly kind: 'dataset' }
  /** A Jupyter notebook: its code cells are one Python program, its outputs are scanned for literals. */
  | { readonly kind: 'notebook' }
  /** Any other configuration file: scanned for literal secrets and personal data. */
  | { readonly kind: 'config' };

/**
 * How a kind is read. `workspace` files are read together (cross-file references, lineage,
 * policies), so a shell keeps them in one batch and re-checks them when any of them changes;
 * `file` files are analysed one at a time against the governance in force.
 */
export type Scope = 'governance' | 'workspace' | 'file';

/** One entry of the registry. */
export interface KindEntry {
  readonly scope: Scope;
  /**
   * By name alone, before the file is read: could a file at `path` be of this kind? Used to
   * list a folder's files and to batch them; it may say yes to files the content then rejects.
   */
  named(path: string, settings: Settings): boolean;
  /** With the text: the file's kind, or undefined when it is not of this kind. */
  of(path: string, text: string, settings: Settings): FileKind | undefined;
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** True when `path` is the governance manifest under `settings` (its `governanceManifest`, else `governance.yaml`). */
export function isGovernanceManifest(path: string, settings: Settings = DEFAULT_SETTINGS): boolean {
  const wanted = settings.governanceManifest.replace(/\\/g, '/').replace(/^\.\//, '');
  if (wanted) return path.replace(/\\/g, '/').endsWith('/' + wanted) || path === wanted;
  return /^governance\.ya?ml$/.test(baseName(path));
}

/** True when a file is a Jupyter notebook by its name. */
export function isNotebookPath(path: string): boolean {
  return path.toLowerCase().endsWith('.ipynb');
}

/** True when a file is training data by its name (JSON Lines, CSV, TSV, Parquet, compressed JSON). */
export function isDatasetPath(path: string): boolean {
  return datasetFormatOf(path) !== undefined;
}

/** Names that may hold a CrownGuard manifest or a known format (a `.dvc` file by its name), recognised by content. */
const WORKSPACE_NAME = /\.(ya?ml|json|md|dvc)$/i;

const CONFIG_EXTENSIONS = ['.yaml', '.yml', '.json', '.jsonc', '.toml', '.ini', '.cfg', '.conf', '.properties'];
/** Generated files that hold no one's data and are large: never scanned. */
const GENERATED =
  /^(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|Pipfile\.lock|composer\.lock|Cargo\.lock)$/;

function isGenerated(path: string): boolean {
  return GENERATED.test(baseName(path));
}

function isConfigName(path: string): boolean {
  const lower = path.toLowerCase();
  return CONFIG_EXTENSIONS.some((e) => lower.endsWith(e)) && !isGenerated(path);
}

/**
 * Every kind, in the order they are tried: the first whose `of` answers decides. A new kind is
 * one entry here (and its case in `FileKind`); a new format of an existing kind belongs in
 * `formats/recognise.ts`, which the `format` entry asks.
 */
export const FILE_KINDS: readonly KindEntry[] = [
  {
    scope: 'governance',
    named: (path, settings) => isGovernanceManifest(path, settings),
    of: (path, _text, settings) => (isGovernanceManifest(path, settings) ? { kind: 'governance' } : undefined),
  },
  {
    scope: 'workspace',
    named: (path) => /\.ya?ml$/i.test(path) && !isGenerated(path),
    of: (path, text) => {
      const schema = manifestKindOf(path, text);
      return schema ? { kind: 'manifest', schema } : undefined;
    },
  },
  {
    scope: 'workspace',
    // Markdown only for a model card's front matter, recognised by content when read.
    named: (path) => WORKSPACE_NAME.test(path) && !isGenerated(path),
    of: (path, text) => {
      const format = configFormatOf(path, text);
      return format ? { kind: 'format', format } : undefined;
    },
  },
  {
    scope: 'file',
    named: (path) => adapterFor(path) !== undefined,
    of: (path) => {
      const adapter = adapterFor(path);
      return adapter ? { kind: 'code', adapter } : undefined;
    },
  },
  {
    scope: 'file',
    named: (path) => isDatasetPath(path),
    of: (path) => (isDatasetPath(path) ? { kind: 'dataset' } : undefined),
  },
  {
    scope: 'file',
    named: (path) => isNotebookPath(path),
    of: (path) => (isNotebookPath(path) ? { kind: 'notebook' } : undefined),
  },
  {
    scope: 'file',
    named: (path) => isPromptTemplate(path),
    of: (path) => (isPromptTemplate(path) ? { kind: 'prompt-template' } : undefined),
  },
  {
    scope: 'file',
    named: (path) => isConfigName(path),
    of: (path) => (isConfigName(path) ? { kind: 'config' } : undefined),
  },
];

/**
 * The kind of a file with this text, or undefined when the engine has nothing to say about it.
 * `scopes` restricts the kinds tried (the engine's single-file analysis asks only `file` kinds).
 */
export function fileKindOf(
  path: string,
  text: string,
  settings: Settings = DEFAULT_SETTINGS,
  scopes?: readonly Scope[],
): FileKind | undefined {
  for (const entry of FILE_KINDS) {
    if (scopes && !scopes.includes(entry.scope)) continue;
    const kind = entry.of(path, text, settings);
    if (kind) return kind;
  }
  return undefined;
}

/** The scope of a kind. */
export function scopeOf(kind: FileKind): Scope {
  return kind.kind === 'governance'
    ? 'governance'
    : kind.kind === 'manifest' || kind.kind === 'format'
      ? 'workspace'
      : 'file';
}

/** True when the engine has something to say about a file with this path (discovery lists it). */
export function isAnalysable(path: string, settings: Settings = DEFAULT_SETTINGS): boolean {
  return FILE_KINDS.some((e) => e.named(path, settings));
}

/**
 * By name alone: could this file be one the workspace-wide checks read together (a manifest
 * or a known format)? Shells batch such files and treat their edits as affecting other files.
 */
export function mayBeWorkspaceFile(path: string, settings: Settings = DEFAULT_SETTINGS): boolean {
  return FILE_KINDS.some((e) => e.scope === 'workspace' && e.named(path, settings));
}

/** True when a file is one the workspace-wide checks read: a pipeline or release manifest, or a known format. */
export function isWorkspaceFile(path: string, text: string): boolean {
  return fileKindOf(path, text, DEFAULT_SETTINGS, ['workspace']) !== undefined;
}
