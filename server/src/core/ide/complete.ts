import { maskId, maskText } from '../safe';
import type { Span } from '../types';
import { cursorAt } from './cursor';
import type { Declaration } from '../manifests/load';
import type { ManifestIndex } from './navigate';
import {
  allowedValues,
  documentKey,
  itemSchemas,
  propertiesAt,
  schemasAt,
  SCHEMAS,
  shapeOf,
  type JsonSchema,
  type SchemaKind,
} from '../schema/manifests';

export interface Completion {
  readonly label: string;
  readonly detail: string;
  /** The text the completion replaces: the word being typed. */
  readonly replace: Span;
  /** What is offered: a key of the mapping, a value from the schema, or a declared id. */
  readonly kind: 'key' | 'value' | 'id';
  /** Markdown: the schema's documentation of a key. */
  readonly documentation?: string;
  /**
   * What to insert instead of the label: a snippet (tab stops, a choice of values) and the same
   * without snippet syntax, for clients that take plain text. Indentation is absolute.
   */
  readonly insert?: { readonly snippet: string; readonly plain: string };
}

/** Keys whose values are ids, and what they may name. */
const ID_KEYS: Record<string, readonly (Declaration['kind'] | 'tier')[]> = {
  inputs: ['asset', 'output'],
  datasets: ['asset', 'output'],
  dataset: ['asset', 'output'],
  pipeline: ['pipeline'],
  tier: ['tier'],
  forbidInlineForTiers: ['tier'],
};

/** The indentation a nested block gets below its key. */
const STEP = 2;

function escapeChoice(text: string): string {
  return text.replace(/[\\$}|,]/g, (c) => `\\${c}`);
}

function escapeText(text: string): string {
  return text.replace(/[\\$}]/g, (c) => `\\${c}`);
}

function firstOf<K extends keyof JsonSchema>(schemas: readonly JsonSchema[], key: K): JsonSchema[K] | undefined {
  return schemas.find((s) => s[key] !== undefined)?.[key];
}

/** `key: ...` shaped as the schema wants the value: a choice of values, a nested block, a list. */
function insertFor(
  root: JsonSchema,
  key: string,
  schemas: readonly JsonSchema[],
  column: number,
): { snippet: string; plain: string } {
  const pad = ' '.repeat(column + STEP);
  const constant = firstOf(schemas, 'const');
  if (constant !== undefined)
    return { snippet: `${key}: ${escapeText(String(constant))}`, plain: `${key}: ${String(constant)}` };
  const type = firstOf(schemas, 'type');
  const values = allowedValues(schemas);
  if (values.length > 0) {
    const def = firstOf(schemas, 'default');
    const ordered = def === undefined ? values : [String(def), ...values.filter((v) => v !== String(def))];
    return { snippet: `${key}: \${1|${ordered.map(escapeChoice).join(',')}|}`, plain: `${key}: ` };
  }
  if (type === 'object') return { snippet: `${key}:\n${pad}$0`, plain: `${key}:\n${pad}` };
  if (type === 'array') {
    const items = itemSchemas(root, schemas);
    if (items.some((i) => i.type === 'object')) return { snippet: `${key}:\n${pad}- $0`, plain: `${key}:\n${pad}- ` };
    return { snippet: `${key}: [$1]`, plain: `${key}: ` };
  }
  const hint = firstOf(schemas, 'default') ?? firstOf(schemas, 'examples')?.[0];
  return {
    snippet:
      hint !== undefined && typeof hint !== 'object' ? `${key}: \${1:${escapeText(String(hint))}}` : `${key}: $1`,
    plain: `${key}: `,
  };
}

/** `dp` finds `differentialPrivacy`: the letters typed, in order, case aside. */
function fuzzy(word: string, label: string): boolean {
  let i = 0;
  const w = word.toLowerCase();
  for (const c of label.toLowerCase()) if (i < w.length && c === w[i]) i++;
  return i === w.length;
}

function ids(
  index: ManifestIndex,
  kinds: readonly (Declaration['kind'] | 'tier')[],
  word: string,
  replace: Span,
): Completion[] {
  const found = new Map<string, string>();
  if (kinds.includes('tier'))
    for (const t of index.governance.tiers) found.set(t.id, `tier${t.crownJewel ? ' (crown-jewel)' : ''}`);
  for (const d of index.declarations) {
    if (!kinds.includes(d.kind)) continue;
    const carried = d.kind === 'output' ? index.carried.get(d.id) : undefined;
    found.set(
      d.id,
      d.kind === 'asset'
        ? `asset, tier ${index.governance.assets.find((a) => a.id === d.id)?.tier}`
        : `${d.kind === 'output' ? 'stage output' : d.kind}${carried?.tier ? `, carries ${carried.tier}` : ''}`,
    );
  }
  // An id a detector recognises (a token pasted as an id) is not offered back.
  return [...found]
    .filter(([id]) => id.startsWith(word) && maskId(id) === id)
    .map(([label, detail]) => ({ label, detail: maskText(detail), replace, kind: 'id' as const }));
}

/**
 * Completions at `offset` of a manifest: the keys the schema allows in the mapping at the
 * cursor that it does not have yet, declared ids where an id belongs, and the schema's values
 * where a value is one of a set. Works from indentation, so it helps while the document does
 * not parse yet.
 */
export function completeAt(text: string, offset: number, kind: SchemaKind, index: ManifestIndex): Completion[] {
  const cursor = cursorAt(text, offset);
  if (!cursor) return [];
  const root = SCHEMAS[kind];
  const word = text.slice(cursor.replace.offset, Math.max(cursor.replace.offset, offset));
  const atValue =
    cursor.at === 'value' ||
    (cursor.item && !schemasAt(root, cursor.path).some((s) => s.type === 'object' || s.properties));
  if (!atValue && cursor.at === 'key') {
    const out: Completion[] = [];
    for (const [name, p] of propertiesAt(root, cursor.path)) {
      if (cursor.present.has(name) || !fuzzy(word, name)) continue;
      const schemas = schemasAt(root, [...cursor.path, name]);
      const title = firstOf(schemas, 'title');
      out.push({
        label: name,
        detail: `${p.required ? 'required, ' : ''}${title ?? shapeOf(root, schemas)}`,
        replace: cursor.replace,
        kind: 'key',
        documentation: documentKey(root, name, schemas),
        // Renaming a key that has its value already: the name alone.
        insert: cursor.keyed ? undefined : insertFor(root, name, schemas, cursor.column),
      });
    }
    return out;
  }
  const key = [...cursor.path].reverse().find((s): s is string => typeof s === 'string');
  if (!key) return [];
  const kinds = ID_KEYS[key];
  if (kinds) return ids(index, kinds, word, cursor.replace);
  const values = allowedValues(schemasAt(root, cursor.path));
  return values
    .filter((v) => v.startsWith(word))
    .map((label) => ({ label, detail: `${key} value`, replace: cursor.replace, kind: 'value' as const }));
}
