/**
 * The lineage requests between the CrownGuard extension and its language server, defined once
 * and imported by both sides. Every request travels client -> server; the one notification
 * travels server -> client. Positions and ranges are LSP's (zero-based, UTF-16). Documented for
 * other editors in docs/lineage-protocol.md.
 */

/** A position in a file, as LSP's `Location`. */
export interface LineageLocation {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** Every kind a lineage node can be, in the order views list them. */
export const LINEAGE_NODE_KINDS = [
  'asset',
  'dataset',
  'stage',
  'training-run',
  'model',
  'release',
  'deployment',
  'hub-repo',
  'code',
] as const;

export interface LineageNodeInfo {
  id: string;
  /** One of LINEAGE_NODE_KINDS. */
  kind: string;
  /** The stage type, the config format, a repository's visibility. */
  detail?: string;
  /** The tier written on the node (assets). */
  declaredTier?: string;
  /** The tier the node carries through lineage. */
  tier?: string;
  /** The tier's position in the governance manifest's order (0 the least sensitive), for colouring. */
  tierRank?: number;
  crownJewel: boolean;
  /**
   * For a dataset whose data file is in the workspace: what its sampled records hold, in counts,
   * e.g. `content: 3 sensitive fields (sampled 1,000 of ~2.1M records)`. Never a value.
   */
  content?: string;
  /** Where the node is declared. */
  location: LineageLocation;
}

export interface LineageEdgeInfo {
  from: string;
  to: string;
  /** input, output, runs, trains, base-model, releases, deploys, pushes or reads. */
  relation: string;
  location: LineageLocation;
}

export interface LineageGraphInfo {
  nodes: LineageNodeInfo[];
  edges: LineageEdgeInfo[];
}

/** Which workspace folder to answer for: the folder of `uri`, or the first folder. */
export interface ScopeParams {
  uri?: string;
}

export interface NodeParams extends ScopeParams {
  id: string;
}

export interface WalkParams extends NodeParams {
  /** At most this many hops; every hop when absent. */
  depth?: number;
}

export interface PathParams extends ScopeParams {
  from: string;
  to: string;
}

export interface ExplainHop {
  id: string;
  kind: string;
  tier?: string;
  /** `declared` on the node, `content` of its data file, `unclassified`, `redacted` by the stage before, or the relation to the previous hop's source. */
  reason: string;
  /** For `content`: what the node's data file was found to hold, in counts and kinds (never a value). */
  content?: string;
  location: LineageLocation;
}

/** A declared source whose data reaches the explained node. */
export interface ExplainSource {
  id: string;
  kind: string;
  /** The tier declared on the source. */
  declaredTier: string;
  /** The tier its data arrives with: lower than declared when a redacting stage removed its crown-jewel fields. */
  tier?: string;
  /** The redacting stage that lowered it. */
  redactedBy?: string;
  /** Its tier is the node's tier: it decides it. */
  decides: boolean;
  location: LineageLocation;
}

export interface NodeAtParams {
  textDocument: { uri: string };
  position: { line: number; character: number };
}

export const LineageRequests = {
  /** client -> server. `ScopeParams` -> `{ nodes: LineageNodeInfo[] }`: every node of the folder's graph. */
  nodes: 'crownguard/lineage/nodes',
  /** client -> server. `WalkParams` -> `LineageGraphInfo`: the node and everything upstream of it. */
  upstream: 'crownguard/lineage/upstream',
  /** client -> server. `WalkParams` -> `LineageGraphInfo`: the node and everything downstream of it. */
  downstream: 'crownguard/lineage/downstream',
  /** client -> server. `PathParams` -> `LineageGraphInfo | null`: the shortest path between two nodes. */
  path: 'crownguard/lineage/path',
  /**
   * client -> server. `NodeParams` -> `{ hops: ExplainHop[]; sources: ExplainSource[] }`: why the node has its
   * tier, back to a declaration, and every declared source that contributes data (the deciding ones first).
   */
  explain: 'crownguard/lineage/explain',
  /** client -> server. `NodeParams` -> `{ nodes: LineageNodeInfo[] }`: models, releases, deployments and hub repositories downstream. */
  modelsCarrying: 'crownguard/lineage/modelsCarrying',
  /** client -> server. `NodeAtParams` -> `{ id: string } | null`: the node under the cursor (an id, a config, a code file). */
  nodeAt: 'crownguard/lineage/nodeAt',
  /** client -> server. `ScopeParams` -> `LineageGraphInfo`: the whole graph, for the graph view. */
  graph: 'crownguard/lineage/graph',
} as const;

/**
 * A node's content line while the data files it names are still read; the server sends
 * `LineageNotifications.didChange` once they are, and the view asks again.
 */
export const CONTENT_PENDING = 'content: reading…';

export const LineageNotifications = {
  /** server -> client. No parameters: the graph may have changed (a manifest or config changed, data files were read); views refresh. */
  didChange: 'crownguard/lineage/didChange',
} as const;
