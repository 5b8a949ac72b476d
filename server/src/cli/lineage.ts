import * as path from 'node:path';
import {
  didYouMean,
  LineIndexes,
  maskedHop,
  maskedSource,
  maskId,
  unmaskId,
  type Engine,
  type Governance,
  type Hop,
  type Source,
  type Subgraph,
} from '../core';
import { contentLine, readDataset, streamedFormatOf } from '../host/datasets';
import { producerUri } from '../host/docs';
import { MASK_KEY_VARIABLE } from '../host/mask-key';
import { readWorkspace } from '../host/workspace-files';
import { lineageContents } from '../host/lineage-data';
import {
  lineageDot,
  lineageJson,
  lineageMermaid,
  lineageOpenLineage,
  lineageText,
  type LineOf,
} from './formats/lineage';

export interface LineageOptions {
  readonly root: string;
  readonly id?: string;
  readonly direction: 'upstream' | 'downstream' | 'both';
  readonly depth: number;
  readonly format: 'text' | 'json' | 'mermaid' | 'dot' | 'openlineage';
  readonly explain: boolean;
  readonly governance?: string;
}

export type LineageOutcome = { ok: true; output: string } | { ok: false; message: string };

/** `crownguard lineage`: the workspace's lineage graph, or one node's neighbourhood, in a chosen format. */
export async function runLineage(makeEngine: () => Promise<Engine>, o: LineageOptions): Promise<LineageOutcome> {
  const engine = await makeEngine();
  const ws = readWorkspace(o.root, { enable: true, governanceManifest: '' }, undefined, o.governance);
  const gov = engine.governance(ws.governance);
  // Explaining a tier reads the data files the lineage names: what a derived file shows can decide it.
  const data = o.explain && o.id !== undefined ? await lineageContents(engine, ws.files, gov, o.root) : undefined;
  const graph = engine.lineage(ws.files, gov, data);
  const texts = new Map(ws.files.map((f) => [f.path, f.text]));
  if (ws.governance) texts.set(ws.governance.path, ws.governance.text);
  const indexes = new LineIndexes((p) => texts.get(p));
  const lineOf: LineOf = (p, offset) => indexes.of(p).position(offset).line + 1;

  let sub: Subgraph = { nodes: graph.all(), edges: [...graph.edges] };
  if (o.id !== undefined) {
    // An id as printed (masked) or as written in the file.
    const id = unmaskId(graph.nodes.keys(), o.id);
    if (id === undefined) {
      const guess = didYouMean(
        maskId(o.id),
        [...graph.nodes.keys()].map((k) => maskId(k)),
      );
      const hint = /<[a-z_]+:[0-9a-f]{8}>/.test(o.id)
        ? `; masked names differ between runs unless ${MASK_KEY_VARIABLE} is set, so name the node as its file writes it`
        : '';
      return {
        ok: false,
        message: `no node \`${maskId(o.id)}\` in the lineage of ${maskId(o.root)}${guess ? ` (did you mean \`${guess}\`?)` : ''}${hint}`,
      };
    }
    if (o.explain)
      return {
        ok: true,
        output: explain(graph.explain(id).map(maskedHop), graph.sources(id).map(maskedSource), lineOf, o.format),
      };
    const up = o.direction === 'downstream' ? undefined : graph.walk(id, 'upstream', o.depth);
    const down = o.direction === 'upstream' ? undefined : graph.walk(id, 'downstream', o.depth);
    const nodes = new Map([...(up?.nodes ?? []), ...(down?.nodes ?? [])].map((n) => [n.id, n]));
    sub = { nodes: [...nodes.values()], edges: [...(up?.edges ?? []), ...(down?.edges ?? [])] };
  } else if (o.explain) return { ok: false, message: '--explain needs a node id' };

  switch (o.format) {
    case 'json':
      return { ok: true, output: lineageJson(sub, lineOf) };
    case 'mermaid':
      return { ok: true, output: lineageMermaid(sub) };
    case 'dot':
      return { ok: true, output: lineageDot(sub) };
    case 'openlineage':
      return {
        ok: true,
        output: lineageOpenLineage(sub, {
          namespace: `crownguard://${maskId(path.basename(path.resolve(o.root)))}`,
          producer: producerUri(),
          eventTime: new Date().toISOString(),
        }),
      };
    default:
      return { ok: true, output: lineageText(sub, lineOf, await datasetContents(engine, o.root, sub, gov.governance)) };
  }
}

/**
 * The chain back to the declaration the tier was traced to, then every source that contributes
 * data, which one decides the tier, and where a redacting stage lowered one.
 */
function explain(hops: readonly Hop[], sources: readonly Source[], lineOf: LineOf, format: string): string {
  // A hop whose reason is `redacted` got its tier from the redacting stage that is the next hop.
  const redactedBy = (i: number) => (hops[i].reason === 'redacted' ? hops[i + 1]?.id : undefined);
  const rows = hops.map((h, i) => ({
    id: h.id,
    kind: h.kind,
    tier: h.tier,
    reason: h.reason,
    ...(h.content ? { content: h.content } : {}),
    ...(redactedBy(i) ? { redactedBy: redactedBy(i) } : {}),
    file: maskId(h.path),
    line: lineOf(h.path, h.span.offset),
  }));
  const from = sources.map((s) => ({
    id: s.id,
    kind: s.kind,
    declaredTier: s.declaredTier,
    tier: s.tier,
    ...(s.redactedBy ? { redactedBy: s.redactedBy } : {}),
    decides: s.decides,
    file: maskId(s.path),
    line: lineOf(s.path, s.span.offset),
  }));
  if (format === 'json') return JSON.stringify({ chain: rows, sources: from }, null, 2) + '\n';
  const chain = rows.map(
    (r, i) =>
      `${'  '.repeat(i)}${i ? '<- ' : ''}${r.id} (${r.kind}, ${r.tier ?? 'unclassified'}; ${r.redactedBy ? `redacted by ${r.redactedBy}` : r.content ? `content: ${r.content}` : r.reason}) ${r.file}:${r.line}`,
  );
  const list = from.map((s) => {
    const tier = s.redactedBy
      ? `${s.declaredTier}, lowered to ${s.tier ?? 'unclassified'} by ${s.redactedBy}`
      : s.declaredTier;
    return `  ${s.id} (${s.kind}, ${tier}${s.decides ? '; decides the tier' : ''}) ${s.file}:${s.line}`;
  });
  return [...chain, ...(list.length ? ['sources:', ...list] : [])].join('\n') + '\n';
}

/** The content lines of the shown dataset nodes that name a data file under `root`, by masked id. */
async function datasetContents(
  engine: Engine,
  root: string,
  shown: Subgraph,
  governance: Governance,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const n of shown.nodes) {
    // Only files inside the folder: a remote URI or a path leading out of it is never read.
    if (n.kind !== 'dataset' || path.isAbsolute(n.id) || n.id.split('/').includes('..') || n.id.includes('://'))
      continue;
    const abs = path.join(root, n.id);
    const format = streamedFormatOf(abs);
    if (!format) continue;
    const read = await readDataset(abs, format);
    if (!read.ok) continue;
    const findings = engine.analyzeDataset(n.id, read.sample, governance).findings;
    out.set(maskId(n.id), contentLine(findings, read.sample));
  }
  return out;
}
