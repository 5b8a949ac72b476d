import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { tooDeepAt } from '../yaml/depth';
import { maskText } from '../safe';
import type { Span } from '../types';
import { documentKey, schemasAt, SCHEMAS, type SchemaKind } from '../schema/manifests';

/** Nesting deeper than this is not searched: a hover must stay cheap on hostile input. */
const MAX_DEPTH = 64;

function contains(node: Node | null | undefined, offset: number): boolean {
  const r = node?.range;
  return !!r && offset >= r[0] && offset <= r[1];
}

/** The key under `offset` and its path, searching block and flow collections alike. */
export function keyAt(text: string, offset: number): { path: (string | number)[]; span: Span } | undefined {
  let doc;
  // Nesting the yaml library cannot follow could abort the process: such a text gets no help.
  if (tooDeepAt(text) !== undefined) return undefined;
  try {
    doc = parseDocument(text, { prettyErrors: false });
  } catch {
    return undefined;
  }
  const visit = (node: unknown, path: (string | number)[]): { path: (string | number)[]; span: Span } | undefined => {
    if (path.length > MAX_DEPTH) return undefined;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (isScalar(key) && key.range && offset >= key.range[0] && offset <= key.range[1]) {
          return {
            path: [...path, String(key.value)],
            span: { offset: key.range[0], length: key.range[1] - key.range[0] },
          };
        }
        if (isScalar(key) && contains(pair.value as Node | null, offset))
          return visit(pair.value, [...path, String(key.value)]);
      }
    } else if (isSeq(node)) {
      const i = node.items.findIndex((item) => contains(item as Node, offset));
      if (i >= 0) return visit(node.items[i], [...path, i]);
    }
    return undefined;
  };
  return visit(doc.contents, []);
}

/**
 * The schema's documentation of the key under `offset` in a manifest, in Markdown, and the
 * key's span; undefined off a key, or on a key the schema does not know.
 */
export function describeKeyAt(
  text: string,
  offset: number,
  kind: SchemaKind,
): { markdown: string; span: Span } | undefined {
  const at = keyAt(text, offset);
  if (!at) return undefined;
  const root = SCHEMAS[kind];
  const markdown = documentKey(root, String(at.path[at.path.length - 1]), schemasAt(root, at.path));
  return markdown ? { markdown: maskText(markdown), span: at.span } : undefined;
}
