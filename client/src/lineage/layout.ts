import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type ELKConstructor from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { LineageGraphInfo } from '../../../shared/lineage-protocol';

export * from './view';
import { DEFAULT_ASPECT_RATIO, MAX_NODES, type LaidOut, type ViewState } from './view';

const NODE_HEIGHT = 36;
/** A node with a content line is one line taller. */
const CONTENT_HEIGHT = 14;
const CHAR_WIDTH = 7;

/** The node ids within `depth` hops of `focus`, each marked upstream or downstream. */
function neighbourhood(
  g: LineageGraphInfo,
  focus: string,
  depth: number,
): Map<string, 'focus' | 'upstream' | 'downstream'> {
  const roles = new Map<string, 'focus' | 'upstream' | 'downstream'>([[focus, 'focus']]);
  for (const direction of ['upstream', 'downstream'] as const) {
    let frontier = [focus];
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const e of g.edges) {
          const other =
            direction === 'upstream' ? (e.to === id ? e.from : undefined) : e.from === id ? e.to : undefined;
          if (other !== undefined && !roles.has(other)) {
            roles.set(other, direction);
            next.push(other);
          }
        }
      }
      frontier = next;
    }
  }
  return roles;
}

let elk: InstanceType<typeof ELKConstructor> | undefined;

/**
 * elkjs is three quarters of the extension's code, so it is loaded when a graph is first laid
 * out rather than when the extension activates. The packaged extension ships it beside the
 * bundle (build.mjs copies it to dist/elk.js); compiled sources in tests load it from
 * node_modules.
 */
function layoutEngine(): InstanceType<typeof ELKConstructor> {
  if (!elk) {
    const beside = path.join(__dirname, 'elk.js');
    // A computed name, so that esbuild leaves this require to run time instead of bundling elkjs.
    const id = existsSync(beside) ? beside : 'elkjs/lib/elk.bundled.js';
    const ELK = require(id) as typeof ELKConstructor;
    elk = new ELK();
  }
  return elk;
}

/**
 * Filters the graph by the view state and lays it out left to right, in layers that wrap onto
 * further rows when one row would be far wider than the view, so that a long pipeline uses the
 * view's height instead of becoming one row too wide to read when fitted.
 */
export async function layout(g: LineageGraphInfo, state: ViewState): Promise<LaidOut> {
  const roles =
    state.focus && g.nodes.some((n) => n.id === state.focus) ? neighbourhood(g, state.focus, state.depth) : undefined;
  const text = state.filter.trim().toLowerCase();
  const matching = g.nodes.filter(
    (n) =>
      (!roles || roles.has(n.id)) &&
      (n.id === state.focus || (!state.hiddenKinds.includes(n.kind) && (!text || n.id.toLowerCase().includes(text)))),
  );
  const shown = matching.slice(0, MAX_NODES);
  const ids = new Set(shown.map((n) => n.id));
  const edges = g.edges.filter((e) => ids.has(e.from) && ids.has(e.to));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '60',
      'elk.spacing.nodeNode': '18',
      'elk.edgeRouting': 'POLYLINE',
      'elk.layered.wrapping.strategy': 'MULTI_EDGE',
      'elk.aspectRatio': String(Math.min(4, Math.max(0.5, state.aspectRatio ?? DEFAULT_ASPECT_RATIO))),
    },
    children: shown.map((n) => ({
      id: n.id,
      width: Math.min(
        n.content ? 440 : 320,
        24 + CHAR_WIDTH * Math.max(n.id.length, n.kind.length + (n.tier?.length ?? 0) + 3, n.content?.length ?? 0),
      ),
      height: NODE_HEIGHT + (n.content ? CONTENT_HEIGHT : 0),
    })),
    edges: edges.map((e, i): ElkExtendedEdge => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  };
  const out = await layoutEngine().layout(graph);
  const pos = new Map((out.children ?? []).map((c) => [c.id, c]));
  const role = (id: string) => roles?.get(id);
  // Shades spread the tiers present over four colours, least sensitive first.
  const ranked = [
    ...new Map(
      shown
        .filter((n) => n.tier !== undefined)
        .map((n) => [n.tier!, { rank: n.tierRank ?? 0, crownJewel: n.crownJewel }]),
    ).entries(),
  ].sort((a, b) => a[1].rank - b[1].rank);
  const shadeOf = new Map(
    ranked.map(([tier], i) => [tier, ranked.length <= 1 ? 3 : Math.round((i * 3) / (ranked.length - 1))]),
  );
  return {
    nodes: shown.map((n) => {
      const p = pos.get(n.id)!;
      return {
        id: n.id,
        kind: n.kind,
        tier: n.tier,
        shade: n.tier !== undefined ? shadeOf.get(n.tier) : undefined,
        crownJewel: n.crownJewel,
        ...(n.content ? { content: n.content } : {}),
        location: n.location,
        x: p.x ?? 0,
        y: p.y ?? 0,
        width: p.width ?? 0,
        height: p.height ?? 0,
        role: role(n.id),
      };
    }),
    edges: edges.map((e, i) => {
      const section = (out.edges ?? []).find((x) => x.id === `e${i}`)?.sections?.[0];
      const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
      const r =
        role(e.from) === 'upstream' || role(e.to) === 'upstream'
          ? 'upstream'
          : role(e.from) === 'downstream' || role(e.to) === 'downstream'
            ? 'downstream'
            : undefined;
      return { from: e.from, to: e.to, relation: e.relation, points, role: r };
    }),
    width: out.width ?? 0,
    height: out.height ?? 0,
    hidden: matching.length - shown.length,
    tiers: ranked.map(([tier, r]) => ({ tier, shade: shadeOf.get(tier)!, crownJewel: r.crownJewel })),
    state,
  };
}
