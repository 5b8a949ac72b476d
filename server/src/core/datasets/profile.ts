import type { Catalog, Classification } from '../sensitivity/catalog';
import { scanLiterals, type LiteralClass } from '../sensitivity/literals';
import type { Span } from '../types';
import type { DatasetSample } from './sample';

/** What the sampled values of one field hold, by detector kind. */
export interface KindCount {
  readonly kind: string;
  readonly key: string;
  readonly class: LiteralClass;
  /** Sampled records in which the field held at least one value of this kind. */
  records: number;
  readonly lowConfidence: boolean;
}

/** One field (a column, or a JSON key path such as `messages[].content`) of a data file. */
export interface FieldProfile {
  readonly path: string;
  /** Its last key, which the name heuristics read. */
  readonly name: string;
  /** Sampled records that have the field. */
  records: number;
  readonly kinds: Map<string, KindCount>;
  /** Why its name is sensitive (a declared field, a built-in name), when it is. */
  readonly named?: Classification;
  /** Where it first occurs in the sample's head text; undefined when first seen past the head. */
  first?: Span;
  /** The record it was first seen in. */
  firstIndex: number;
}

export interface DatasetProfile {
  readonly fields: readonly FieldProfile[];
  readonly sampled: number;
  /** Fields past `MAX_FIELDS` are not profiled. */
  readonly truncated: boolean;
}

/** Fields profiled per file: a data file with more distinct key paths is a document store, not a table. */
export const MAX_FIELDS = 256;
/** Nesting followed into a record. */
const MAX_DEPTH = 8;
/** Characters of one value that are scanned: a long text keeps its start, as a prompt's does. */
const MAX_VALUE_CHARS = 8192;
/** Values of one field read per record (an array of messages). */
const MAX_VALUES_PER_FIELD = 64;

function isSensitiveName(c: Classification | undefined): c is Classification {
  return c !== undefined && c.category !== 'proprietary';
}

/**
 * Profiles the sampled records field by field: the validated literal detectors over each
 * value (counted once per record and kind) and the name heuristics over the field's last key.
 * No value is kept: a profile holds names, kinds and counts only.
 */
export function profileSample(
  sample: DatasetSample,
  catalog: Catalog,
  options: { allowedEmailDomains?: readonly string[] } = {},
): DatasetProfile {
  const fields = new Map<string, FieldProfile>();
  let truncated = false;
  for (const record of sample.records) {
    if (!record.value) continue;
    // Per record: each field's values, then each value's kinds, counted once.
    const values = new Map<string, string[]>();
    const visit = (value: unknown, path: string, name: string, depth: number) => {
      if (value === null || value === undefined || depth > MAX_DEPTH) return;
      if (Array.isArray(value)) {
        const items = value.length > MAX_VALUES_PER_FIELD ? value.slice(0, MAX_VALUES_PER_FIELD) : value;
        for (const item of items) visit(item, `${path}[]`, name, depth + 1);
        return;
      }
      if (typeof value === 'object') {
        // Bytes and dates (Parquet columns) hold no field names.
        if (ArrayBuffer.isView(value) || value instanceof Date) return;
        for (const [k, v] of Object.entries(value as Record<string, unknown>))
          visit(v, path ? `${path}.${k}` : k, k, depth + 1);
        return;
      }
      let profile = fields.get(path);
      if (!profile) {
        if (fields.size >= MAX_FIELDS) {
          truncated = true;
          return;
        }
        const named = catalog.classify(name);
        profile = {
          path,
          name,
          records: 0,
          kinds: new Map(),
          named: isSensitiveName(named) ? named : undefined,
          first: firstSpan(sample, record.index, name),
          firstIndex: record.index,
        };
        fields.set(path, profile);
      }
      const text =
        typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : '';
      const list = values.get(path);
      if (list) {
        if (list.length < MAX_VALUES_PER_FIELD) list.push(text);
      } else values.set(path, [text]);
    };
    visit(record.value, '', '', 0);
    for (const [path, list] of values) {
      const profile = fields.get(path)!;
      profile.records++;
      const kinds = new Set<string>();
      for (const text of list) {
        if (text.length < 5) continue;
        // Quoted as JSON, so that a value is seen whole, as the detectors expect a string literal.
        const quoted = JSON.stringify(text.length > MAX_VALUE_CHARS ? text.slice(0, MAX_VALUE_CHARS) : text);
        for (const m of scanLiterals(quoted, ['secret', 'pii'], { allowedEmailDomains: options.allowedEmailDomains })) {
          if (kinds.has(m.kind)) continue;
          kinds.add(m.kind);
          const count = profile.kinds.get(m.kind);
          if (count) count.records++;
          else
            profile.kinds.set(m.kind, {
              kind: m.kind,
              key: m.key,
              class: m.class,
              records: 1,
              lowConfidence: m.lowConfidence === true,
            });
        }
      }
    }
  }
  const sampled = sample.records.filter((r) => r.value).length;
  return { fields: [...fields.values()], sampled, truncated };
}

/** A field's first occurrence in the head text: its key in a JSON record, its header cell in CSV. */
function firstSpan(sample: DatasetSample, index: number, name: string): Span | undefined {
  const record = sample.records.find((r) => r.index === index);
  if (!record || record.offset === undefined) return undefined;
  if (sample.columns) {
    const i = sample.columns.names.indexOf(name);
    const at = sample.columns.offsets?.[i];
    return at === undefined ? { offset: record.offset, length: 0 } : { offset: at, length: name.length };
  }
  const key = JSON.stringify(name);
  const text = record.text ?? '';
  for (let at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + 1)) {
    if (/^\s*:/.test(text.slice(at + key.length, at + key.length + 16)))
      return { offset: record.offset + at, length: key.length };
  }
  return { offset: record.offset, length: 0 };
}

/** The fields that hold personal data or secrets, or whose names say they do. */
export function sensitiveFields(profile: DatasetProfile): FieldProfile[] {
  return profile.fields.filter((f) => f.kinds.size > 0 || f.named);
}
