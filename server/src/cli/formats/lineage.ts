import { createHash } from 'node:crypto';
import type { Classified, LineageEdge } from '../../core/lineage/model';
import type { Subgraph } from '../../core/lineage/graph';
import { maskedGraph, maskId, maskText } from '../../core/safe';

/** Where a node or edge is written: file and 1-based line. */
export type LineOf = (path: string, offset: number) => number;

export interface NodeOut {
  id: string;
  kind: string;
  detail?: string;
  declaredTier?: string;
  tier?: string;
  crownJewel: boolean;
  file: string;
  line: number;
  /** What the node's data files hold (a dataset's file, a folder output's files, an asset's located files). */
  content?: string;
}

function nodeOut(n: Classified, lineOf: LineOf): NodeOut {
  return {
    id: n.id,
    kind: n.kind,
    detail: n.detail,
    declaredTier: n.declaredTier,
    tier: n.tier,
    crownJewel: n.crownJewel,
    file: maskId(n.path),
    line: lineOf(n.path, n.span.offset),
  };
}

function edgeOut(e: LineageEdge, lineOf: LineOf) {
  return { from: e.from, to: e.to, relation: e.relation, file: maskId(e.path), line: lineOf(e.path, e.span.offset) };
}

/**
 * `{"nodes": [...], "edges": [...]}`, sorted so that output is stable. Every format here prints
 * the graph masked (core/safe.ts): ids, details, tiers and file names.
 */
export function lineageJson(shown: Subgraph, lineOf: LineOf, content?: ReadonlyMap<string, string>): string {
  const g = maskedGraph(shown);
  const nodes = g.nodes
    .map((n) => nodeOut(n, lineOf))
    .map((n) => (content?.has(n.id) ? { ...n, content: maskText(content.get(n.id)!) } : n))
    .sort((a, b) => a.id.localeCompare(b.id));
  const edges = uniqueEdges(g.edges).map((e) => edgeOut(e, lineOf));
  return JSON.stringify({ nodes, edges }, null, 2) + '\n';
}

function uniqueEdges(edges: readonly LineageEdge[]): LineageEdge[] {
  const seen = new Set<string>();
  return edges.filter((e) => {
    const k = `${e.from}\u0000${e.to}\u0000${e.relation}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * One line per node (id, kind, tier, where), the content line of a dataset or asset under it
 * when its data files were read (`content`, by masked id), then one line per edge.
 */
export function lineageText(shown: Subgraph, lineOf: LineOf, content?: ReadonlyMap<string, string>): string {
  const g = maskedGraph(shown);
  const nodes = g.nodes.map((n) => nodeOut(n, lineOf)).sort((a, b) => a.id.localeCompare(b.id));
  const width = Math.min(60, Math.max(0, ...nodes.map((n) => n.id.length)));
  const lines = nodes.flatMap((n) => [
    `  ${n.id.padEnd(width)}  ${n.kind.padEnd(12)} ${(n.tier ?? '-').padEnd(12)} ${n.file}:${n.line}`,
    ...(content?.has(n.id) ? [`  ${' '.repeat(width)}  ${maskText(content.get(n.id)!)}`] : []),
  ]);
  const edges = uniqueEdges(g.edges).map((e) => `  ${e.from} -> ${e.to} (${e.relation})`);
  return (
    [
      `${nodes.length} node${nodes.length === 1 ? '' : 's'} (id, kind, tier, declared at):`,
      ...lines,
      ...(edges.length ? ['', `${edges.length} edge${edges.length === 1 ? '' : 's'}:`, ...edges] : []),
    ].join('\n') + '\n'
  );
}

/** Node ids become short identifiers; labels are quoted and escaped for each language. */
function shortIds(g: Subgraph): Map<string, string> {
  return new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
}

const tierClass = (tier: string | undefined) => `tier_${(tier ?? 'none').replace(/[^A-Za-z0-9_]/g, '_')}`;

/** A Mermaid flowchart, left to right, with a class per tier (crown-jewel tiers in red). */
export function lineageMermaid(shown: Subgraph): string {
  const g = maskedGraph(shown);
  const ids = shortIds(g);
  const label = (s: string) => s.replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;'));
  const out = ['flowchart LR'];
  for (const n of g.nodes)
    out.push(`  ${ids.get(n.id)}["${label(n.id)}<br/>${label(n.kind)}${n.tier ? ' · ' + label(n.tier) : ''}"]`);
  for (const e of uniqueEdges(g.edges)) out.push(`  ${ids.get(e.from)} -->|${e.relation}| ${ids.get(e.to)}`);
  const tiers = new Map<string, boolean>();
  for (const n of g.nodes) tiers.set(tierClass(n.tier), (tiers.get(tierClass(n.tier)) ?? false) || n.crownJewel);
  for (const [cls, crown] of tiers) {
    out.push(`  classDef ${cls} ${crown ? 'fill:#fdd,stroke:#c00' : 'fill:#eef,stroke:#669'}`);
    out.push(
      `  class ${g.nodes
        .filter((n) => tierClass(n.tier) === cls)
        .map((n) => ids.get(n.id))
        .join(',')} ${cls}`,
    );
  }
  return out.join('\n') + '\n';
}

/** A Graphviz digraph, left to right, crown-jewel nodes filled red. */
export function lineageDot(shown: Subgraph): string {
  const g = maskedGraph(shown);
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, ' ');
  const q = (s: string) => `"${esc(s)}"`;
  const out = [
    'digraph lineage {',
    '  rankdir=LR;',
    '  node [shape=box, style="rounded,filled", fillcolor="#eeeeff"];',
  ];
  for (const n of g.nodes) {
    const fill = n.crownJewel ? ', fillcolor="#ffdddd", color="#cc0000"' : '';
    // `\n` inside a DOT string is Graphviz's line break, not a newline in the file.
    out.push(`  ${q(n.id)} [label="${esc(n.id)}\\n${esc(n.kind)}${n.tier ? ' · ' + esc(n.tier) : ''}"${fill}];`);
  }
  for (const e of uniqueEdges(g.edges)) out.push(`  ${q(e.from)} -> ${q(e.to)} [label=${q(e.relation)}];`);
  out.push('}');
  return out.join('\n') + '\n';
}

const JOB_KINDS = new Set(['stage', 'training-run']);
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const TAGS_URL = 'https://openlineage.io/spec/facets/1-0-0/TagsDatasetFacet.json#/$defs/TagsDatasetFacet';

/** A stable UUID (version 4 layout) from a name, so the same workspace gives the same run ids. */
function uuidFrom(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A dataset's OpenLineage namespace and name: a URI's scheme and bucket, else the workspace. */
function datasetName(id: string, namespace: string): { namespace: string; name: string } {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/]+)\/?(.*)$/i.exec(id);
  return m ? { namespace: `${m[1]}://${m[2]}`, name: m[3] || '/' } : { namespace, name: id };
}

/**
 * OpenLineage RunEvents, one JSON object per line: one COMPLETE event per job (pipeline stage,
 * training run, DVC stage) with its inputs and outputs, each dataset tagged with its tier.
 */
export function lineageOpenLineage(
  shown: Subgraph,
  options: { namespace: string; producer: string; eventTime: string },
): string {
  // Run ids are digests of masked names too: a plain hash of a short value could be reversed.
  const g = maskedGraph(shown);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const dataset = (id: string) => {
    const n = byId.get(id)!;
    const tags: { key: string; value: string; source: string }[] = [
      { key: 'crownguard.kind', value: n.kind, source: 'CROWNGUARD' },
    ];
    if (n.tier) tags.push({ key: 'crownguard.tier', value: n.tier, source: 'CROWNGUARD' });
    if (n.crownJewel) tags.push({ key: 'crown-jewel', value: 'true', source: 'CROWNGUARD' });
    return {
      ...datasetName(id, options.namespace),
      facets: { tags: { _producer: options.producer, _schemaURL: TAGS_URL, tags } },
    };
  };
  const lines: string[] = [];
  for (const job of g.nodes.filter((n) => JOB_KINDS.has(n.kind)).sort((a, b) => a.id.localeCompare(b.id))) {
    const inputs = [
      ...new Set(
        g.edges.filter((e) => e.to === job.id && !JOB_KINDS.has(byId.get(e.from)?.kind ?? '')).map((e) => e.from),
      ),
    ];
    const outputs = [
      ...new Set(
        g.edges.filter((e) => e.from === job.id && !JOB_KINDS.has(byId.get(e.to)?.kind ?? '')).map((e) => e.to),
      ),
    ];
    lines.push(
      JSON.stringify({
        eventType: 'COMPLETE',
        eventTime: options.eventTime,
        producer: options.producer,
        schemaURL: SCHEMA_URL,
        run: { runId: uuidFrom(`${options.namespace}/${job.id}`) },
        job: { namespace: options.namespace, name: job.id },
        inputs: inputs.filter((i) => byId.has(i)).map(dataset),
        outputs: outputs.filter((o) => byId.has(o)).map(dataset),
      }),
    );
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}
