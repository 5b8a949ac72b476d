import governanceSchema from '../../../../schemas/governance.schema.json';
import modelSchema from '../../../../schemas/model.schema.json';
import pipelineSchema from '../../../../schemas/pipeline.schema.json';
import { maskSensitive } from '../sensitivity/literals';
import type { Span } from '../types';
import type { Declaration } from './load';
import type { ManifestIndex } from './navigate';

export interface Completion {
  readonly label: string;
  readonly detail: string;
  /** The text the completion replaces: the word being typed. */
  readonly replace: Span;
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

/** Every property name with an `enum` in a schema, and its values. */
function enumsOf(schema: unknown, out = new Map<string, string[]>()): Map<string, string[]> {
  if (!schema || typeof schema !== 'object') return out;
  const s = schema as { properties?: Record<string, { enum?: unknown[] }>; items?: unknown; definitions?: Record<string, unknown> };
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    if (Array.isArray(prop.enum)) out.set(name, prop.enum.map(String));
    enumsOf(prop, out);
  }
  enumsOf(s.items, out);
  for (const d of Object.values(s.definitions ?? {})) enumsOf(d, out);
  return out;
}

const ENUMS = { governance: enumsOf(governanceSchema), pipeline: enumsOf(pipelineSchema), model: enumsOf(modelSchema) };

/** The key a value at `line` belongs to: on the line itself, or the parent of a `- item`. */
function keyAt(lines: string[], line: number, prefix: string): string | undefined {
  const own = /^\s*(?:-\s+)?([A-Za-z_]\w*):\s*(?:\[[^\]]*)?[\w.-]*$/.exec(prefix);
  if (own) return own[1];
  const item = /^(\s*)-\s*[\w.-]*$/.exec(prefix);
  if (!item) return undefined;
  for (let l = line - 1; l >= 0; l--) {
    const m = /^(\s*)(?:-\s+)?([A-Za-z_]\w*):\s*$/.exec(lines[l]);
    if (m && m[1].length <= item[1].length) return m[2];
    if (lines[l].trim() && /^\s*/.exec(lines[l])![0].length < item[1].length && !m) return undefined;
  }
  return undefined;
}

/**
 * Completions at `offset` of a manifest: declared ids where an id belongs, enum values from the
 * schema where a value is one of a set. Works from the line's text, so it helps while the
 * document does not parse yet.
 */
export function completeAt(text: string, offset: number, kind: 'governance' | 'pipeline' | 'model', index: ManifestIndex): Completion[] {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const prefix = text.slice(lineStart, offset);
  const word = /[\w.-]*$/.exec(prefix)![0];
  const replace = { offset: offset - word.length, length: word.length };
  const lines = text.slice(0, offset).split('\n');
  const key = keyAt(lines, lines.length - 1, prefix);
  if (!key) return [];
  const kinds = ID_KEYS[key];
  if (kinds) {
    const ids = new Map<string, string>();
    if (kinds.includes('tier')) for (const t of index.governance.tiers) ids.set(t.id, `tier${t.crownJewel ? ' (crown-jewel)' : ''}`);
    for (const d of index.declarations) {
      if (!kinds.includes(d.kind)) continue;
      const carried = d.kind === 'output' ? index.carried.get(d.id) : undefined;
      ids.set(d.id, d.kind === 'asset' ? `asset, tier ${index.governance.assets.find((a) => a.id === d.id)?.tier}` : `${d.kind === 'output' ? 'stage output' : d.kind}${carried?.tier ? `, carries ${carried.tier}` : ''}`);
    }
    // An id a detector recognises (a token pasted as an id) is not offered back.
    return [...ids].filter(([id]) => id.startsWith(word) && maskSensitive(id) === id).map(([label, detail]) => ({ label, detail, replace }));
  }
  const values = ENUMS[kind].get(key);
  return values ? values.filter((v) => v.startsWith(word)).map((label) => ({ label, detail: `${key} value`, replace })) : [];
}
