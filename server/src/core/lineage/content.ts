import { datasetFormatOf } from '../datasets/format';
import type { DataContent, DataContents } from '../datasets/profile';
import type { Governance } from '../governance/model';
import type { LiteralClass } from '../sensitivity/literals';
import { count, plural, sampleWords } from '../datasets/words';
import type { LineageNode, NodeContent } from './model';

export type { NodeContent } from './model';
import { normalisePath } from './paths';

/**
 * Kinds whose presence alone makes data crown-jewel: identity and payment numbers, and any
 * secret. E-mail addresses and phone numbers are personal data too, but public instruction
 * datasets hold them in passing, so they do not raise a tier by themselves.
 */
const CROWN_JEWEL_KINDS = new Set(['US social security number', 'payment card number', 'IBAN']);

export function isCrownJewelKind(kind: string, cls: LiteralClass): boolean {
  return cls === 'secret' || CROWN_JEWEL_KINDS.has(kind);
}

/** A path written in a file that names a local file: not a URI, not a hub id form, not a node of another kind. */
export function isLocalPath(p: string): boolean {
  return p !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(p) && !p.includes('#') && !/[*?[\]{}]/.test(p);
}

/** A local path a dataset reader can read by its name (`.json` only when its content is records, decided on reading). */
export function isDataFilePath(p: string): boolean {
  return isLocalPath(p) && (datasetFormatOf(p) !== undefined || /\.json$/i.test(p));
}

/** The data file of a node: its `location`, or its id when the id is a local data file path (a config's dataset, a DVC out). */
export function nodeFile(n: LineageNode): string | undefined {
  if (n.location !== undefined) return isLocalPath(n.location) ? n.location : undefined;
  return n.kind === 'dataset' && isDataFilePath(n.id) ? n.id : undefined;
}

/** The crown-jewel part of a file's profile, or undefined when it shows none. */
export function crownJewelContent(file: string, data: DataContent): NodeContent | undefined {
  const kinds = [...data.profile.kinds.values()]
    .filter((k) => isCrownJewelKind(k.kind, k.class))
    .sort((a, b) => b.records - a.records || a.kind.localeCompare(b.kind))
    .map((k) => ({ kind: k.kind, class: k.class, records: k.records }));
  if (kinds.length === 0) return undefined;
  return { file, kinds, sampled: data.profile.sampled, total: data.total, exact: data.exact };
}

/** `41 of 1,000 sampled records hold US social security numbers (outputs/clean.jsonl)`. */
export function contentWords(c: NodeContent): string {
  const of = sampleWords(c, c.sampled);
  const parts = c.kinds.map((k, i) =>
    i === 0 ? `${count(k.records)} of ${of} hold ${plural(k.kind)}` : `${count(k.records)} hold ${plural(k.kind)}`,
  );
  return `${parts.join(', ')} (${c.file})`;
}

/** What each node's data file shows, looked up by node id among the profiled files. */
export function contentIndex(
  nodes: ReadonlyMap<string, LineageNode>,
  data: DataContents | undefined,
): { get(id: string): NodeContent | undefined } {
  const cache = new Map<string, NodeContent | undefined>();
  return {
    get(id: string) {
      if (!data || data.size === 0) return undefined;
      if (cache.has(id)) return cache.get(id);
      const n = nodes.get(id);
      const file = n && nodeFile(n);
      const profiled = file === undefined ? undefined : data.get(file);
      const c = file !== undefined && profiled ? crownJewelContent(file, profiled) : undefined;
      cache.set(id, c);
      return c;
    },
  };
}

/**
 * The local data files the lineage knows, as file paths are written: nodes' files (stage
 * outputs' locations, configs' local datasets, LLaMA-Factory registry entries, DVC outs) and
 * the assets' locations that name one file. URIs are never listed: nothing is fetched.
 */
export function lineageDataFiles(nodes: Iterable<LineageNode>, governance: Governance, root: string): string[] {
  const out = new Set<string>();
  for (const n of nodes) {
    const file = nodeFile(n);
    if (file !== undefined) out.add(file);
  }
  for (const a of governance.assets)
    for (const l of a.locations) if (isDataFilePath(l)) out.add(normalisePath(l, root));
  return [...out].sort();
}
