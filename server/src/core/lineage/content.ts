import { datasetFormatOf } from '../datasets/format';
import type { DataContent, DataContents } from '../datasets/profile';
import type { LiteralClass } from '../sensitivity/literals';
import { count, plural, roughCount, sampleWords } from '../datasets/words';
import type { LineageNode, NodeContent } from './model';

export type { NodeContent } from './model';

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

/** A dataset node that names a local folder: a DVC out or a stage output's location without a data file's name. */
export function nodeFolder(n: LineageNode): string | undefined {
  const p = n.location ?? (n.kind === 'dataset' ? n.id : undefined);
  if (p === undefined || !isLocalPath(p) || isDataFilePath(p) || /\s/.test(p)) return undefined;
  // A name with an extension is a file of some other kind (`model.pkl`), not a folder.
  return /\.[A-Za-z0-9]{1,8}$/.test(p) ? undefined : p;
}

/** The crown-jewel part of a file's profile, or undefined when it shows none. */
export function crownJewelContent(file: string, data: DataContent): NodeContent | undefined {
  return crownJewelOf(file, [data]);
}

/**
 * The crown-jewel part of several files' profiles together (the data files of a folder output),
 * named `file`: counts add up over the files; undefined when none shows any.
 */
export function crownJewelOf(file: string, data: readonly DataContent[], files?: number): NodeContent | undefined {
  const byKind = new Map<string, { kind: string; class: LiteralClass; records: number }>();
  for (const d of data)
    for (const k of d.profile.kinds.values()) {
      if (!isCrownJewelKind(k.kind, k.class)) continue;
      const seen = byKind.get(k.kind);
      if (seen) seen.records += k.records;
      else byKind.set(k.kind, { kind: k.kind, class: k.class, records: k.records });
    }
  const kinds = [...byKind.values()].sort((a, b) => b.records - a.records || a.kind.localeCompare(b.kind));
  if (kinds.length === 0) return undefined;
  return {
    file,
    kinds,
    sampled: data.reduce((n, d) => n + d.profile.sampled, 0),
    total: data.reduce((n, d) => n + d.total, 0),
    exact: data.every((d) => d.exact),
    ...(files !== undefined ? { files } : {}),
  };
}

/** `41 of 1,000 sampled records hold US social security numbers (outputs/clean.jsonl)`. */
export function contentWords(c: NodeContent): string {
  const of = sampleWords(c, c.sampled);
  const parts = c.kinds.map((k, i) =>
    i === 0 ? `${count(k.records)} of ${of} hold ${plural(k.kind)}` : `${count(k.records)} hold ${plural(k.kind)}`,
  );
  const where = c.files === undefined ? c.file : `${c.file}, ${count(c.files)} ${c.files === 1 ? 'file' : 'files'}`;
  return `${parts.join(', ')} (${where})`;
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
      let c = file !== undefined && profiled ? crownJewelContent(file, profiled) : undefined;
      // A folder output shows what its data files show together.
      const folder = n && file === undefined ? nodeFolder(n) : undefined;
      if (folder !== undefined) {
        const inside = [...data.entries()].filter(([p]) => p.startsWith(`${folder}/`)).map(([, d]) => d);
        if (inside.length > 0) c = crownJewelOf(folder, inside, inside.length);
      }
      cache.set(id, c);
      return c;
    },
  };
}

/**
 * What several data files hold together, in one line for a lineage node (an asset whose
 * locations match them, a folder output): `content: 3 sensitive fields in 2 files (sampled
 * 1,000 of ~2.1M records)`. A field is counted once however many files hold it; a field is
 * sensitive when a detector recognised its values or its name is. Never a value.
 */
export function contentLineOf(parts: readonly DataContent[]): string {
  const fields = new Set<string>();
  for (const d of parts) for (const f of d.profile.fields) if (f.kinds.size > 0 || f.named) fields.add(f.path);
  const sampled = parts.reduce((n, d) => n + d.profile.sampled, 0);
  const total = parts.reduce((n, d) => n + d.total, 0);
  const exact = parts.every((d) => d.exact);
  const of =
    exact && sampled >= total
      ? `all ${count(sampled)} records read`
      : `sampled ${count(sampled)} of ${exact ? count(total) : `~${roughCount(total)}`} records`;
  const n = fields.size;
  const files = parts.length === 1 ? '' : ` in ${count(parts.length)} files`;
  return `content: ${n === 0 ? 'no' : count(n)} sensitive field${n === 1 ? '' : 's'}${files} (${of})`;
}
