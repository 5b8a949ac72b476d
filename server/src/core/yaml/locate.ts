import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Span } from '../types';

/** A path into a YAML document: map keys as strings, sequence indexes as numbers. */
export type YamlPath = readonly (string | number)[];

/** Splits a JSON Pointer (as ajv reports it) into a YAML path. */
export function pathFromPointer(pointer: string): YamlPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The human spelling of a path, e.g. `assets[2].tier`. */
export function describePath(path: YamlPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || 'the document';
}

function nodeSpan(node: { range?: [number, number, number] | null } | null | undefined): Span | undefined {
  const r = node?.range;
  if (!r || r[1] <= r[0]) return undefined;
  return { offset: r[0], length: r[1] - r[0] };
}

/**
 * Each mapping's pairs by key, built on first lookup. A manifest with thousands of errors asks
 * for thousands of nodes of the same mapping; scanning its pairs for each (as `getIn` does)
 * made reporting 20,000 unknown keys quadratic. Documents are never changed once parsed.
 */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairOf(map: YAMLMap, key: string | number): Pair | undefined {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) {
      // The first of duplicate keys wins, as a scan would find it.
      if (isPair(p) && isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
    }
    pairIndex.set(map, index);
  }
  return index.get(String(key));
}

/** The node at `path` (map keys compared as text, sequence items by index), or undefined. */
export function nodeAt(doc: Document, path: YamlPath): unknown {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) node = pairOf(node, seg)?.value;
    else if (isSeq(node)) node = typeof seg === 'number' || /^\d+$/.test(seg) ? node.items[Number(seg)] : undefined;
    else return undefined;
  }
  return node;
}

/** The pair whose value is at `path` (undefined for the root or a sequence item). */
export function pairAt(doc: Document, path: YamlPath): Pair | undefined {
  if (path.length === 0) return undefined;
  const parent = nodeAt(doc, path.slice(0, -1));
  return isMap(parent) ? pairOf(parent, path[path.length - 1]) : undefined;
}

/** The span of the key naming `path`, or of its closest ancestor that has one. */
export function keySpan(doc: Document, path: YamlPath): Span {
  for (let n = path.length; n > 0; n--) {
    const pair = pairAt(doc, path.slice(0, n));
    const span = nodeSpan(pair?.key as Node | undefined);
    if (span) return span;
    // A sequence item has no key: point at its first key instead.
    const item = nodeAt(doc, path.slice(0, n));
    if (isMap(item) && item.items.length > 0) {
      const first = nodeSpan(item.items[0].key as Node);
      if (first) return first;
    }
  }
  return firstKeySpan(doc);
}

/** The span of the value at `path`; falls back to its key when the value is empty. */
export function valueSpan(doc: Document, path: YamlPath): Span {
  return nodeSpan(nodeAt(doc, path) as Node | undefined) ?? keySpan(doc, path);
}

/** The span of the key `key` inside the map at `path`, or of the map itself. */
export function childKeySpan(doc: Document, path: YamlPath, key: string): Span {
  return keySpan(doc, [...path, key]);
}

function firstKeySpan(doc: Document): Span {
  const root = doc.contents;
  if (isMap(root) && root.items.length > 0) {
    const span = nodeSpan(root.items[0].key as Node);
    if (span) return span;
  }
  return nodeSpan(root as Node | undefined) ?? { offset: 0, length: 0 };
}

/** A short, human description of what kind of YAML value sits at `path`. */
export function describeValueKind(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}
