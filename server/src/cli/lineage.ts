import * as path from 'node:path';
import {
  contentFilesOf,
  contentLineFrom,
  didYouMean,
  folderDataFiles,
  type DataContent,
  LineIndexes,
  maskedHop,
  maskedSource,
  maskId,
  maskText,
  unmaskId,
  type Classified,
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
import { confinedFile, folderLister, lineageContents } from '../host/lineage-data';
import { discover } from '../host/discover';
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
  const settings = { enable: true, governanceManifest: '' };
  const listed = discover([o.root], settings).files;
  const ws = readWorkspace(o.root, settings, undefined, o.governance, listed);
  const gov = engine.governance(ws.governance);
  // The workspace's data files, for the assets whose locations match them: those listed, and
  // those the lineage names (inside folder outs, which version control often ignores).
  let dataFiles: string[] | undefined;
  const contents = (shown: readonly Classified[]) =>
    nodeContents(
      engine,
      o.root,
      shown,
      gov.governance,
      (dataFiles ??= [
        ...new Set([
          ...listed
            .filter((abs) => streamedFormatOf(abs) !== undefined)
            .map((abs) => path.relative(o.root, abs).split(path.sep).join('/')),
          ...engine.lineageDataFiles(ws.files, gov, folderLister(o.root, o.root)),
        ]),
      ]),
      ws.governance?.path,
    );
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
    if (o.explain) {
      const hops = graph.explain(id);
      const shown = hops.map((h) => graph.node(h.id)).filter((n): n is Classified => n !== undefined);
      return {
        ok: true,
        output: explain(
          hops.map(maskedHop),
          graph.sources(id).map(maskedSource),
          lineOf,
          o.format,
          await contents(shown),
        ),
      };
    }
    const up = o.direction === 'downstream' ? undefined : graph.walk(id, 'upstream', o.depth);
    const down = o.direction === 'upstream' ? undefined : graph.walk(id, 'downstream', o.depth);
    const nodes = new Map([...(up?.nodes ?? []), ...(down?.nodes ?? [])].map((n) => [n.id, n]));
    sub = { nodes: [...nodes.values()], edges: [...(up?.edges ?? []), ...(down?.edges ?? [])] };
  } else if (o.explain) return { ok: false, message: '--explain needs a node id' };

  switch (o.format) {
    case 'json':
      return { ok: true, output: lineageJson(sub, lineOf, await contents(sub.nodes)) };
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
      return { ok: true, output: lineageText(sub, lineOf, await contents(sub.nodes)) };
  }
}

/**
 * The chain back to the declaration the tier was traced to, then every source that contributes
 * data, which one decides the tier, and where a redacting stage lowered one.
 */
function explain(
  hops: readonly Hop[],
  sources: readonly Source[],
  lineOf: LineOf,
  format: string,
  /** The content lines of the chain's nodes, by masked id. */
  lines: ReadonlyMap<string, string>,
): string {
  // A hop whose reason is `redacted` got its tier from the redacting stage that is the next hop.
  const redactedBy = (i: number) => (hops[i].reason === 'redacted' ? hops[i + 1]?.id : undefined);
  const rows = hops.map((h, i) => ({
    id: h.id,
    kind: h.kind,
    tier: h.tier,
    reason: h.reason,
    ...(h.content ? { content: h.content } : {}),
    // What the node's data files hold, whatever decided its tier (an asset's located files).
    ...(lines.has(h.id) ? { holds: maskText(lines.get(h.id)!.replace(/^content: /, '')) } : {}),
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
      `${'  '.repeat(i)}${i ? '<- ' : ''}${r.id} (${r.kind}, ${r.tier ?? 'unclassified'}; ${r.redactedBy ? `redacted by ${r.redactedBy}` : r.content ? `content: ${r.content}` : r.reason}${r.holds && !r.content ? `; content: ${r.holds}` : ''}) ${r.file}:${r.line}`,
  );
  const list = from.map((s) => {
    const tier = s.redactedBy
      ? `${s.declaredTier}, lowered to ${s.tier ?? 'unclassified'} by ${s.redactedBy}`
      : s.declaredTier;
    return `  ${s.id} (${s.kind}, ${tier}${s.decides ? '; decides the tier' : ''}) ${s.file}:${s.line}`;
  });
  return [...chain, ...(list.length ? ['sources:', ...list] : [])].join('\n') + '\n';
}

/**
 * The content lines of the shown nodes, by masked id: a dataset whose id names a data file
 * under `root` (its own line), a dataset that names a folder (its data files inside, bounded),
 * and an asset whose locations match data files of the workspace (`dataFiles`, relative to
 * `root`). Only files inside the folder are read: a remote URI or a path out of it never is.
 */
async function nodeContents(
  engine: Engine,
  root: string,
  shown: readonly Classified[],
  governance: Governance,
  dataFiles: readonly string[],
  governancePath: string | undefined,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const read = new Map<string, DataContent | undefined>();
  const contentOf = async (rel: string): Promise<DataContent | undefined> => {
    if (read.has(rel)) return read.get(rel);
    const abs = path.resolve(root, rel);
    const format = streamedFormatOf(abs);
    const r = format && confinedFile(abs, root) ? await readDataset(abs, format) : undefined;
    const c = r?.ok ? engine.analyzeDataset(rel, r.sample, governance).content : undefined;
    read.set(rel, c);
    return c;
  };
  const slash = governancePath?.lastIndexOf('/') ?? -1;
  const manifestFolder = slash > 0 ? governancePath!.slice(0, slash) : '';
  const list = folderLister(root, root);
  for (const n of shown) {
    let line: string | undefined;
    const files = contentFilesOf(n, governance, manifestFolder, dataFiles, (folder) => folderDataFiles(folder, list));
    if (files) line = await contentLineFrom(files, contentOf);
    else if (
      n.kind === 'dataset' &&
      !path.isAbsolute(n.id) &&
      !n.id.includes('://') &&
      !n.id.split('/').includes('..')
    ) {
      const abs = path.join(root, n.id);
      const format = streamedFormatOf(abs);
      const r = format ? await readDataset(abs, format) : undefined;
      if (r?.ok) line = contentLine(engine.analyzeDataset(n.id, r.sample, governance).findings, r.sample);
    }
    if (line !== undefined) out.set(maskId(n.id), line);
  }
  return out;
}
