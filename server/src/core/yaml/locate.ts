import { isMap, isPair, isScalar, type Document, type Node, type Pair } from 'yaml';
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

/** The pair whose value is at `path` (undefined for the root or a sequence item). */
export function pairAt(doc: Document, path: YamlPath): Pair | undefined {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (!isMap(parent)) return undefined;
  return parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last));
}

/** The span of the key naming `path`, or of its closest ancestor that has one. */
export function keySpan(doc: Document, path: YamlPath): Span {
  for (let n = path.length; n > 0; n--) {
    const pair = pairAt(doc, path.slice(0, n));
    const span = nodeSpan(pair?.key as Node | undefined);
    if (span) return span;
    // A sequence item has no key: point at its first key instead.
    const item = doc.getIn(path.slice(0, n), true);
    if (isMap(item) && item.items.length > 0) {
      const first = nodeSpan(item.items[0].key as Node);
      if (first) return first;
    }
  }
  return firstKeySpan(doc);
}

/** The span of the value at `path`; falls back to its key when the value is empty. */
export function valueSpan(doc: Document, path: YamlPath): Span {
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  return nodeSpan(node as Node | undefined) ?? keySpan(doc, path);
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

