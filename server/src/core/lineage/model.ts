import type { Governance } from '../governance/model';
import type { Span } from '../types';
import type { Carried } from './carried';
import type { LiteralClass } from '../sensitivity/literals';

/**
 * The lineage graph: what the workspace's files say about where data goes. Nodes are the
 * things governance asks about (assets, datasets, stages, training runs, models, releases,
 * deployments, hub repositories, code that reads an asset); edges point downstream.
 */
export type NodeKind =
  'asset' | 'dataset' | 'stage' | 'training-run' | 'model' | 'release' | 'deployment' | 'hub-repo' | 'code';

/** Kinds that are a model in some form: what "which models carry this asset" lists. */
export const MODEL_KINDS: readonly NodeKind[] = ['model', 'release', 'deployment', 'hub-repo'];

export type Relation =
  'input' | 'output' | 'runs' | 'trains' | 'base-model' | 'releases' | 'deploys' | 'pushes' | 'reads';

export interface LineageNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** A short description: the stage type, the config format, the repository's visibility. */
  readonly detail?: string;
  /** The file (workspace-relative) and span that declare it. */
  readonly path: string;
  readonly span: Span;
  /** A tier set on the node itself (assets). */
  readonly declaredTier?: string;
  /** For a redact or anonymise stage that says what it removes: the removed fields. */
  readonly redacts?: readonly string[];
  /** For a hub repository or deployment: whether anyone can reach it. */
  readonly public?: boolean;
  /**
   * The file that holds the node's data (a stage output's `location`), resolved against the
   * folder of the file that names it as file paths are written; a URI as written.
   */
  readonly location?: string;
  /**
   * For a `.dvc` file's node: the data it tracks (workspace-relative paths, files or folders).
   * Its data files are read for content even when version control ignores them (DVC does) and
   * when the path resolves to an asset rather than to a node of its own.
   */
  readonly tracks?: readonly string[];
}

export interface LineageEdge {
  readonly from: string;
  readonly to: string;
  readonly relation: Relation;
  /** Where the edge is written. */
  readonly path: string;
  readonly span: Span;
}

/**
 * An edge end that names data by reference as written (a path, a URI, a dataset name): resolved
 * when the graph is built, against node ids, the assets' declared locations and other files'
 * outputs.
 */
export interface DataRef {
  readonly ref: string;
  /** The folder (workspace-relative) of the file that wrote the reference, for relative paths. */
  readonly base: string;
  /** Resolve only to a declared node or an asset: a name no file declares stays unresolved (no edge). */
  readonly strict?: boolean;
  /** For a strict reference: a name that also matches an asset declared by that id. */
  readonly alias?: string;
}

export type End = string | DataRef;

export interface EdgeSpec {
  readonly from: End;
  readonly to: End;
  readonly relation: Relation;
  readonly path: string;
  readonly span: Span;
}

/** What one file says: replaced whole when the file changes. */
export interface Contribution {
  readonly path: string;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly EdgeSpec[];
}

/** A node with the classification it carries after propagation. */
export interface Classified extends LineageNode {
  readonly tier?: string;
  readonly crownJewel: boolean;
}

/** One hop of "explain classification": this node has its tier because of the previous one. */
export interface Hop {
  readonly id: string;
  readonly kind: NodeKind;
  readonly tier?: string;
  readonly path: string;
  readonly span: Span;
  /**
   * How this node got its tier: declared on it, shown by its file's content, or from the
   * previous hop along `relation`.
   */
  readonly reason: 'declared' | 'content' | 'unclassified' | Relation | 'redacted';
  /** For `content`: what the node's file was found to hold, in words (counts and kinds, never a value). */
  readonly content?: string;
}

/** A node with a declared tier whose data reaches the node being explained. */
export interface Source {
  readonly id: string;
  readonly kind: NodeKind;
  readonly path: string;
  readonly span: Span;
  /** The tier declared on the source. */
  readonly declaredTier: string;
  /** The tier its data has when it arrives: lower than declared when a redacting stage removed its crown-jewel fields on the way. */
  readonly tier?: string;
  /** The redacting stage that lowered it, when one did on every path. */
  readonly redactedBy?: string;
  /** This source's tier is the node's tier: it is the one that decides it. */
  readonly decides: boolean;
}

/**
 * What propagation and explanation read of a lineage graph: its nodes, the edges at each end of
 * a node, what each node carries, and the governance. The graph implements it; the readers take
 * it, so they need not know how the graph is built.
 */
export interface GraphView {
  readonly governance: Governance;
  readonly nodes: ReadonlyMap<string, LineageNode>;
  readonly carried: { get(id: string): Carried | undefined };
  /** What a node's data file was found to hold, when it was read. */
  readonly content?: { get(id: string): NodeContent | undefined };
  into(id: string): readonly LineageEdge[];
  outOf(id: string): readonly LineageEdge[];
}

/**
 * What a lineage node's data file shows, whatever the stages upstream claim: the file was read
 * (sampled) and its records held crown-jewel kinds. Counts and kinds only, never a value.
 */
export interface NodeContent {
  /** The file, as file paths are written. */
  readonly file: string;
  /** Crown-jewel kinds found, most frequent first, with the sampled records that held each. */
  readonly kinds: readonly { readonly kind: string; readonly class: LiteralClass; readonly records: number }[];
  readonly sampled: number;
  readonly total: number;
  readonly exact: boolean;
  /** For a folder output: how many of its data files were read. */
  readonly files?: number;
}
