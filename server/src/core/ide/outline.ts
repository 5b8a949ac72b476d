import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { tooDeepAt } from '../yaml/depth';
import { maskId } from '../safe';
import type { Span } from '../types';

/** One entry of a manifest's outline: a top-level section, or an item of a list of ids. */
export interface OutlineEntry {
  readonly name: string;
  readonly kind: 'section' | 'item';
  /** The whole entry, and the part to select (its key or its id). */
  readonly span: Span;
  readonly selection: Span;
  readonly children: OutlineEntry[];
}

function spanOf(node: unknown): Span | undefined {
  const r = (node as Node | null)?.range;
  return r && r[1] >= r[0] ? { offset: r[0], length: r[1] - r[0] } : undefined;
}

/**
 * The outline of a governance, pipeline or model manifest: each top-level key, and under it
 * the items of a list that have an `id` or a `name` (tiers, assets, stages, policies, ...).
 */
export function outline(text: string): OutlineEntry[] {
  let doc;
  // Nesting the yaml library cannot follow could abort the process: such a text gets no help.
  if (tooDeepAt(text) !== undefined) return [];
  try {
    doc = parseDocument(text, { prettyErrors: false });
  } catch {
    return [];
  }
  const root = doc.contents;
  if (!isMap(root)) return [];
  const out: OutlineEntry[] = [];
  for (const pair of root.items) {
    const key = pair.key;
    const keySpan = spanOf(key);
    if (!isScalar(key) || !keySpan) continue;
    const valueSpan = spanOf(pair.value) ?? keySpan;
    const children: OutlineEntry[] = [];
    if (isSeq(pair.value)) {
      for (const item of pair.value.items) {
        if (!isMap(item)) continue;
        const idPair = item.items.find((p) => isScalar(p.key) && (p.key.value === 'id' || p.key.value === 'name'));
        const itemSpan = spanOf(item);
        if (!idPair || !isScalar(idPair.value) || !itemSpan) continue;
        children.push({
          name: maskId(String(idPair.value.value)),
          kind: 'item',
          span: itemSpan,
          selection: spanOf(idPair.value) ?? itemSpan,
          children: [],
        });
      }
    }
    const end = Math.max(keySpan.offset + keySpan.length, valueSpan.offset + valueSpan.length);
    out.push({
      name: maskId(String(key.value)),
      kind: 'section',
      span: { offset: keySpan.offset, length: end - keySpan.offset },
      selection: keySpan,
      children,
    });
  }
  return out;
}
