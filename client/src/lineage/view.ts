import type { LineageLocation } from '../../../shared/lineage-protocol';

// Apart from the layout (layout.ts), which loads elkjs from disk, and the controller
// (messages.ts): the webview imports these types, and it has no Node.

/**
 * What the graph view shows: a filtered, laid-out lineage graph. Pure (no VS Code API): the
 * extension computes it with elkjs's layered layout, the webview only draws it.
 */
export interface ViewState {
  /** The node whose neighbourhood is shown; every node when absent. */
  focus?: string;
  /** Hops around the focus. */
  depth: number;
  /** Only nodes whose id contains this text (and the focus). */
  filter: string;
  /** Kinds left out (e.g. `code`, base models' `model`). */
  hiddenKinds: string[];
  /** The view's width over its height: the layout wraps its layers to about this shape. */
  aspectRatio?: number;
}

export const DEFAULT_STATE: ViewState = { depth: 2, filter: '', hiddenKinds: [] };

/** The shape laid out for before the view has said its size: a landscape editor area. */
export const DEFAULT_ASPECT_RATIO = 1.6;

/** More nodes than this are not drawn at once: the view asks to focus or filter instead. */
export const MAX_NODES = 200;

export interface LaidOutNode {
  id: string;
  kind: string;
  tier?: string;
  /** 0 to 3: the tier's place among the tiers in the graph, least sensitive first, for its colour. */
  shade?: number;
  crownJewel: boolean;
  /** A dataset's content line (what its data file's sampled records hold), when its file was read. */
  content?: string;
  location: LineageLocation;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Its place relative to the focus: the focus itself, upstream of it, downstream of it. */
  role?: 'focus' | 'upstream' | 'downstream';
}

export interface LaidOutEdge {
  from: string;
  to: string;
  relation: string;
  points: { x: number; y: number }[];
  role?: 'upstream' | 'downstream';
}

export interface LaidOut {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  width: number;
  height: number;
  /** Nodes that matched but were not drawn (over MAX_NODES). */
  hidden: number;
  /** Every tier present, least sensitive first, with its shade and whether it is crown-jewel, for the legend. */
  tiers: { tier: string; shade: number; crownJewel: boolean }[];
  state: ViewState;
}

/** Messages from the graph webview to the extension. */
export type FromWebview =
  | { type: 'ready'; width?: number; height?: number }
  /** The view's size changed (the panel was resized or moved). */
  | { type: 'resize'; width: number; height: number }
  | { type: 'open'; id: string }
  | { type: 'focus'; id?: string; depth?: number }
  | { type: 'filter'; text: string; hiddenKinds: string[] };

/** Messages from the extension to the graph webview. */
export type ToWebview = { type: 'render'; graph: LaidOut } | { type: 'error'; message: string };
