import { SymbolKind, type Location, type SymbolInformation, type WorkspaceSymbolParams } from 'vscode-languageserver';
import {
  maskedEdge,
  maskedHop,
  maskedNode,
  maskedSource,
  maskId,
  maskText,
  MODEL_KINDS,
  unmaskId,
  type Classified,
  type LineageEdge,
  type NodeKind,
  type Subgraph,
} from '../../core';
import {
  LineageNotifications,
  type ExplainHop,
  type ExplainSource,
  type LineageGraphInfo,
  type LineageNodeInfo,
  type NodeAtParams,
  type NodeParams,
  type PathParams,
  type ScopeParams,
  type WalkParams,
} from '../../../../shared/lineage-protocol';
import type { LineageHandlers } from '../../../../shared/lineage-requests';
import type { ServerContext } from '../context';
import type { LineageView } from '../workspace';

/** A node as the client sees it: masked (see core/safe.ts); its location is the file the editor already shows. */
function nodeInfo(v: LineageView, raw: Classified): LineageNodeInfo {
  const rank = raw.tier === undefined ? undefined : v.graph.tierRank(raw.tier);
  const n = maskedNode(raw);
  return {
    id: n.id,
    kind: n.kind,
    detail: n.detail,
    declaredTier: n.declaredTier,
    tier: n.tier,
    tierRank: rank !== undefined && rank >= 0 ? rank : undefined,
    crownJewel: n.crownJewel,
    location: v.toLocation(n.path, n.span) as LineageNodeInfo['location'],
  };
}

function graphInfo(v: LineageView, g: Subgraph): LineageGraphInfo {
  const seen = new Set<string>();
  const edges = g.edges.filter((e) => {
    const k = `${e.from}\u0000${e.to}\u0000${e.relation}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  return {
    nodes: g.nodes.map((n) => nodeInfo(v, n)),
    edges: edges.map(maskedEdge).map((e: LineageEdge) => ({
      from: e.from,
      to: e.to,
      relation: e.relation,
      location: v.toLocation(e.path, e.span) as Location,
    })),
  };
}

const EMPTY: LineageGraphInfo = { nodes: [], edges: [] };

/**
 * Dataset nodes that name a data file or a folder of the folder, and assets whose locations
 * match data files, say what they hold (`nodes` as given, in order), as `crownguard lineage` does.
 */
async function withContent(
  ctx: ServerContext,
  scope: string | undefined,
  v: LineageView,
  raw: readonly Classified[],
  nodes: LineageNodeInfo[],
): Promise<LineageNodeInfo[]> {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i].kind !== 'dataset' && raw[i].kind !== 'asset') continue;
    const content = await ctx.workspace.nodeContent(scope, raw[i], v);
    if (content) nodes[i].content = maskText(content);
  }
  return nodes;
}

/**
 * The lineage requests (see shared/lineage-protocol.ts): thin answers over the folder's graph.
 * Unknown ids and folders answer empty, never an error, so a stale client view is harmless.
 */
export function lineageHandlers(ctx: ServerContext): LineageHandlers {
  const view = (p: ScopeParams) => ctx.workspace.lineage(p.uri);
  // What a lineage view draws answers at once: data files not read yet show as pending, and the
  // client is told to ask again when they are (tiers that rest on them may change then).
  const shown = (p: ScopeParams) => ctx.workspace.lineageNow(p.uri);
  // Clients name nodes by the masked ids they were given; a raw id (typed, or from the file) works too.
  const idOf = (v: LineageView | undefined, id: unknown) =>
    v && typeof id === 'string' ? unmaskId(v.graph.nodes.keys(), id) : undefined;
  const contentGraph = async (p: ScopeParams, v: LineageView, g: Subgraph): Promise<LineageGraphInfo> => {
    const info = graphInfo(v, g);
    await withContent(ctx, p.uri, v, g.nodes, info.nodes);
    return info;
  };
  return {
    nodes: async (p: ScopeParams) => {
      const v = await shown(p);
      const all = v ? v.graph.all() : [];
      return {
        nodes: v
          ? await withContent(
              ctx,
              p.uri,
              v,
              all,
              all.map((n) => nodeInfo(v, n)),
            )
          : [],
      };
    },
    graph: async (p: ScopeParams) => {
      const v = await shown(p);
      return v ? contentGraph(p, v, { nodes: v.graph.all(), edges: [...v.graph.edges] }) : EMPTY;
    },
    upstream: async (p: WalkParams) => {
      const v = await shown(p);
      const id = idOf(v, p.id);
      return v && id ? contentGraph(p, v, v.graph.walk(id, 'upstream', p.depth ?? Infinity)) : EMPTY;
    },
    downstream: async (p: WalkParams) => {
      const v = await shown(p);
      const id = idOf(v, p.id);
      return v && id ? contentGraph(p, v, v.graph.walk(id, 'downstream', p.depth ?? Infinity)) : EMPTY;
    },
    path: async (p: PathParams) => {
      const v = await shown(p);
      const from = idOf(v, p.from);
      const to = idOf(v, p.to);
      const found = from && to ? v?.graph.path(from, to) : undefined;
      return v && found ? contentGraph(p, v, found) : null;
    },
    explain: async (p: NodeParams) => {
      const v = await view(p);
      const id = idOf(v, p.id);
      const hops: ExplainHop[] =
        v && id
          ? v.graph
              .explain(id)
              .map(maskedHop)
              .map((h) => ({
                id: h.id,
                kind: h.kind,
                tier: h.tier,
                reason: h.reason,
                ...(h.content ? { content: h.content } : {}),
                location: v.toLocation(h.path, h.span) as ExplainHop['location'],
              }))
          : [];
      const sources: ExplainSource[] =
        v && id
          ? v.graph
              .sources(id)
              .map(maskedSource)
              .map(({ path, span, ...s }) => ({
                ...s,
                location: v.toLocation(path, span) as ExplainSource['location'],
              }))
          : [];
      return { hops, sources };
    },
    modelsCarrying: async (p: NodeParams) => {
      const v = await view(p);
      const id = idOf(v, p.id);
      return { nodes: v && id ? v.graph.modelsCarrying(id, MODEL_KINDS).map((n) => nodeInfo(v, n)) : [] };
    },
    nodeAt: async (p: NodeAtParams) => {
      const doc = ctx.workspace.documents.get(p.textDocument.uri);
      if (!doc) return null;
      const at = await ctx.workspace.lineageAt(p.textDocument.uri, doc.offsetAt(p.position));
      if (at) return { id: maskId(at.id) };
      // Anywhere else in a config or code file: the file's own node.
      const v = await view({ uri: p.textDocument.uri });
      const file = v?.relative(p.textDocument.uri);
      for (const id of file ? [file, `code:${file}`] : []) if (v!.graph.nodes.has(id)) return { id: maskId(id) };
      return null;
    },
  };
}

/** The graph may have changed: drop it, and tell the client once things settle (views refresh). */
export function lineageChanged(ctx: ServerContext): void {
  ctx.workspace.invalidateLineage();
  ctx.workspace.timers.schedule('lineage', 300, () => {
    void ctx.connection.sendNotification(LineageNotifications.didChange);
  });
}

/** workspace/symbol: every lineage node of every folder whose id contains the query. */
export async function onWorkspaceSymbol(
  ctx: ServerContext,
  params: WorkspaceSymbolParams,
): Promise<SymbolInformation[]> {
  const query = params.query.toLowerCase();
  const out: SymbolInformation[] = [];
  for (const folder of ctx.workspace.folders) {
    const v = await ctx.workspace.lineage(folder);
    if (!v) continue;
    for (const raw of v.graph.all()) {
      // Names are matched as they are shown, so a query cannot probe for a masked value.
      const n = maskedNode(raw);
      if (query && !n.id.toLowerCase().includes(query)) continue;
      out.push({
        name: n.id,
        kind: SYMBOL_KINDS[n.kind],
        location: v.toLocation(n.path, n.span),
        containerName: `${n.kind}${n.tier ? `, ${n.tier}` : ''}`,
      });
      if (out.length >= 1000) return out;
    }
  }
  return out;
}

const SYMBOL_KINDS: Record<NodeKind, SymbolKind> = {
  asset: SymbolKind.Struct,
  dataset: SymbolKind.File,
  stage: SymbolKind.Function,
  'training-run': SymbolKind.Event,
  model: SymbolKind.Class,
  release: SymbolKind.Package,
  deployment: SymbolKind.Interface,
  'hub-repo': SymbolKind.Module,
  code: SymbolKind.File,
};
