import type { Document } from 'yaml';
import type { LoadedConfig } from '../formats/model';
import type { Governance } from '../governance/model';
import type { DeclarationIndex } from '../lineage/declarations';
import type { LineageGraph } from '../lineage/graph';
import type { Declaration, LoadedManifest, ManifestKind, Reference } from '../manifests/load';
import type { Catalog } from '../sensitivity/catalog';
import type { ArtifactLookup, Finding } from '../types';
import type { RuleMeta } from './meta';
import type { DataContents } from '../datasets/profile';

export type { RuleMeta } from './meta';

/** One document on its own: a prompt template, a config file (code's flows go to the flow rules). */
export interface FileRuleContext {
  readonly path: string;
  readonly text: string;
  /** The kind of file, as `files/kinds.ts` decides it. */
  readonly kind: 'prompt-template' | 'config';
  readonly governance: Governance;
  readonly catalog: Catalog;
}

/**
 * One manifest: the governance manifest (as it was just read), or a pipeline or model-release
 * manifest (with the workspace it belongs to). Only manifests that parsed reach a rule.
 */
export interface ManifestRuleContext {
  readonly path: string;
  readonly text: string;
  readonly kind: 'governance' | ManifestKind;
  readonly doc: Document;
  readonly value: unknown;
  /** The governance in force; for the governance manifest, the one read from it. */
  readonly governance: Governance;
  /** Looks up files the manifest names (release artifacts); absent where files cannot be read. */
  readonly artifacts?: ArtifactLookup;
}

/** The workspace's manifests and configs together, and the lineage graph built from them. */
export interface WorkspaceRuleContext {
  readonly governance: Governance;
  readonly graph: LineageGraph;
  readonly declarations: readonly Declaration[];
  readonly references: readonly Reference[];
  /** The pipeline and model manifests whose findings are wanted (all, or the one of `only`). */
  readonly manifests: readonly LoadedManifest[];
  /** The fine-tuning configs, DVC pipelines and model cards whose findings are wanted. */
  readonly configs: readonly LoadedConfig[];
  /** When set, only this file's findings are wanted (an editor asking for one document). */
  readonly only?: string;
  /** The date waivers and policies are evaluated on (YYYY-MM-DD). */
  readonly today: string;
  /** Profiled data files by path, when a shell read them: what the data rules check claims against. */
  readonly data?: DataContents;
  textOf(path: string): string;
  /** The 1-based line of a declaration, for messages that point into another file. */
  lineOf(d: Declaration): number;
  /** The declarations and references per file, kept up to date file by file: what one document's checks read. */
  readonly index?: DeclarationIndex;
}

/**
 * A rule: its metadata and its checks, one per scope it reads. The engine calls every rule of
 * the registry that has a check for the scope at hand, so a rule holds its own decision and
 * finding and the engine names no rule. A rule about sensitive data reaching a sink is a
 * `FlowRule` (`flow-findings.ts`) instead: the flow walker finds the flows, one rule per sink.
 */
export interface Rule extends RuleMeta {
  /** One prompt template or config file. */
  readonly file?: (ctx: FileRuleContext) => Finding[];
  /** One manifest that parsed. */
  readonly manifest?: (ctx: ManifestRuleContext) => Finding[];
  /** The workspace's manifests and configs together. */
  readonly workspace?: (ctx: WorkspaceRuleContext) => Finding[];
}

/** Where a rule's page lives, relative to the repository (and the packaged extension). */
export function rulePagePath(id: string): string {
  return `docs/rules/${id}.md`;
}
