import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import type { TextEdit } from '../types';
import type { YamlPath } from './locate';

/**
 * Text edits that add to a YAML document without touching what is there: a key into a
 * mapping, an item onto a list, children under a key that has no value. Block collections get
 * block YAML at their own indentation, flow collections flow YAML; line endings follow the
 * file's. Every edit is an insertion or replaces only the node it is about.
 */

/** A value to write: scalars, lists and mappings (insertion order is kept). */
export type Block = string | number | boolean | null | readonly Block[] | { readonly [key: string]: Block };

/** The indentation a nested block gets below its parent. */
const STEP = 2;

function newline(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** The offset of the end of the line holding `offset`, before its line break. */
function lineEnd(text: string, offset: number): number {
  const n = text.indexOf('\n', offset);
  const end = n < 0 ? text.length : n;
  return text[end - 1] === '\r' ? end - 1 : end;
}

const PLAIN = /^[A-Za-z_./@][\w./@ -]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|~)$/i;

function scalar(value: Exclude<Block, readonly Block[] | { readonly [key: string]: Block }>): string {
  if (typeof value === 'string')
    return PLAIN.test(value) && !RESERVED.test(value) && !value.endsWith(' ') ? value : JSON.stringify(value);
  return String(value);
}

function isList(value: Block): value is readonly Block[] {
  return Array.isArray(value);
}

function isRecord(value: Block): value is { readonly [key: string]: Block } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A value in flow style: `{ epsilon: 8 }`, `[a, b]`. */
export function flow(value: Block): string {
  if (isList(value)) return `[${value.map(flow).join(', ')}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value);
    return entries.length ? `{ ${entries.map(([k, v]) => `${k}: ${flow(v)}`).join(', ')} }` : '{}';
  }
  return scalar(value);
}

/** The lines of `key: value` in block style, the key at `indent`. */
function pairLines(key: string, value: Block, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if ((isRecord(value) && Object.keys(value).length > 0) || (isList(value) && value.length > 0))
    return [`${pad}${key}:`, ...valueLines(value, indent + STEP)];
  return [`${pad}${key}: ${flow(value)}`];
}

/** The lines of a non-empty mapping or list in block style, at `indent`. */
function valueLines(value: Block, indent: number): string[] {
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => pairLines(k, v, indent));
  if (isList(value)) return value.flatMap((item) => itemLines(item, indent));
  return [' '.repeat(indent) + scalar(value)];
}

/** One `- item` of a block list, the dash at `indent`. */
function itemLines(item: Block, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (isRecord(item) && Object.keys(item).length > 0) {
    const lines = valueLines(item, indent + STEP);
    return [`${pad}- ${lines[0].trimStart()}`, ...lines.slice(1)];
  }
  return [`${pad}- ${flow(item)}`];
}

/** Where a new line goes after the node ending at `end`: after that line, keeping its comment. */
function afterLine(text: string, end: number, lines: string[]): TextEdit {
  const nl = newline(text);
  if (end > 0 && text[end - 1] === '\n') return { offset: end, length: 0, newText: lines.join(nl) + nl };
  return { offset: lineEnd(text, end), length: 0, newText: nl + lines.join(nl) };
}

function endOf(node: Node | null | undefined): number | undefined {
  return node?.range ? node.range[1] : undefined;
}

function collection(doc: Document, path: YamlPath): unknown {
  return path.length === 0 ? doc.contents : doc.getIn(path, true);
}

/**
 * Adds `key: value` to the mapping at `path`: below its last entry for a block mapping (or
 * below the entry `after`, or above its first with `first`), before the closing brace for a
 * flow mapping.
 */
export function addPair(
  text: string,
  doc: Document,
  path: YamlPath,
  key: string,
  value: Block,
  options: { first?: boolean; after?: string } = {},
): TextEdit | undefined {
  const map = collection(doc, path);
  if (!isMap(map) || !map.range) return undefined;
  if (map.flow) {
    const close = map.range[1] - 1;
    if (text[close] !== '}') return undefined;
    const last = map.items[map.items.length - 1];
    const end = last ? Math.max(endOf(last.value as Node) ?? 0, endOf(last.key as Node) ?? 0) : undefined;
    return end !== undefined
      ? { offset: end, length: 0, newText: `, ${key}: ${flow(value)}` }
      : { offset: close, length: 0, newText: ` ${key}: ${flow(value)} ` };
  }
  const firstKey = map.items[0]?.key as Node | undefined;
  if (!firstKey?.range) return undefined;
  const indent = column(text, firstKey.range[0]);
  const lines = pairLines(key, value, indent);
  if (options.first && indent === /^ */.exec(text.slice(lineStart(text, firstKey.range[0])))![0].length) {
    const nl = newline(text);
    return { offset: firstKey.range[0], length: 0, newText: lines.join(nl).slice(indent) + nl + ' '.repeat(indent) };
  }
  const after =
    options.after === undefined
      ? undefined
      : map.items.find((p) => isScalar(p.key) && String(p.key.value) === options.after);
  const last = after ?? map.items[map.items.length - 1];
  const end = Math.max(endOf(last.value as Node) ?? 0, endOf(last.key as Node) ?? 0);
  return afterLine(text, end, lines);
}

/** Appends an item to the list at `path`: a `- ` line for a block list, `, item` for a flow one. */
export function appendItem(text: string, doc: Document, path: YamlPath, item: Block): TextEdit | undefined {
  const seq = collection(doc, path) as YAMLSeq | undefined;
  if (!isSeq(seq) || !seq.range) return undefined;
  if (seq.flow) {
    const close = seq.range[1] - 1;
    if (text[close] !== ']') return undefined;
    const last = seq.items[seq.items.length - 1] as Node | undefined;
    return last?.range
      ? { offset: last.range[1], length: 0, newText: `, ${flow(item)}` }
      : { offset: close, length: 0, newText: flow(item) };
  }
  const first = seq.items[0] as Node | undefined;
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (!first?.range || !last?.range) return undefined;
  const dash = text.lastIndexOf('-', first.range[0] - 1);
  if (dash < lineStart(text, first.range[0])) return undefined;
  return afterLine(text, last.range[1], itemLines(item, column(text, dash)));
}

/**
 * Gives a key that has no value (`privacy:`) its value as a nested block below it. Nothing is
 * replaced: the new lines go after the key's line, so a comment there stays.
 */
export function fillEmpty(text: string, doc: Document, path: YamlPath, value: Block): TextEdit | undefined {
  const parent = collection(doc, path.slice(0, -1)) as YAMLMap | undefined;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path[path.length - 1]));
  const key = pair?.key as Node | undefined;
  if (!pair || !key?.range) return undefined;
  const v = pair.value as Node | null;
  if (v && !(isScalar(v) && v.value === null && (!v.range || v.range[0] === v.range[1]))) return undefined;
  const nl = newline(text);
  if (!isRecord(value) && !isList(value)) {
    const colon = text.indexOf(':', key.range[1]);
    return colon < 0 ? undefined : { offset: colon + 1, length: 0, newText: ` ${flow(value)}` };
  }
  const lines = valueLines(value, column(text, key.range[0]) + STEP);
  return { offset: lineEnd(text, key.range[1]), length: 0, newText: nl + lines.join(nl) };
}

/** Replaces the scalar at `path` (never a collection: that would discard what it holds). */
export function replaceScalar(doc: Document, path: YamlPath, value: Block): TextEdit | undefined {
  const node = doc.getIn(path, true) as Node | undefined;
  if (!isScalar(node) || !node.range || node.range[1] <= node.range[0]) return undefined;
  return { offset: node.range[0], length: node.range[1] - node.range[0], newText: flow(value) };
}

/** Sets `key` in the mapping at `path` to `value`, whichever way the mapping is written. */
export function setKey(text: string, doc: Document, path: YamlPath, key: string, value: Block): TextEdit | undefined {
  const map = collection(doc, path);
  if (!isMap(map)) return path.length > 0 ? fillEmpty(text, doc, path, { [key]: value }) : undefined;
  if (map.has(key)) return replaceScalar(doc, [...path, key], value) ?? fillEmpty(text, doc, [...path, key], value);
  return addPair(text, doc, path, key, value);
}
