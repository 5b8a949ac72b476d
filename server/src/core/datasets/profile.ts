import type { Catalog, Classification } from '../sensitivity/catalog';
import { scanLiterals, type LiteralClass } from '../sensitivity/literals';
import type { Span } from '../types';
import type { DatasetSample } from './sample';
import { count, roughCount } from './words';

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
  /** Sampled records in which the field holds a value that is not empty or a redaction mask (`[REDACTED]`, `***`). */
  filled: number;
}

export interface DatasetProfile {
  readonly fields: readonly FieldProfile[];
  /** Per detector kind, the sampled records in which any field held it: what the whole record shows. */
  readonly kinds: ReadonlyMap<string, KindCount>;
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
  const recordKinds = new Map<string, KindCount>();
  let truncated = false;
  for (const record of sample.records) {
    if (!record.value) continue;
    const inRecord = new Set<string>();
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
          filled: 0,
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
      if (list.some((text) => !isMasked(text))) profile.filled++;
      const kinds = new Set<string>();
      for (const text of list) {
        if (text.length < 5) continue;
        // Quoted as JSON, so that a value is seen whole, as the detectors expect a string literal.
        const quoted = JSON.stringify(text.length > MAX_VALUE_CHARS ? text.slice(0, MAX_VALUE_CHARS) : text);
        for (const m of scanLiterals(quoted, ['secret', 'pii'], { allowedEmailDomains: options.allowedEmailDomains })) {
          if (!inRecord.has(m.kind)) {
            inRecord.add(m.kind);
            const any = recordKinds.get(m.kind);
            if (any) any.records++;
            else
              recordKinds.set(m.kind, {
                kind: m.kind,
                key: m.key,
                class: m.class,
                records: 1,
                lowConfidence: m.lowConfidence === true,
              });
          }
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
  return { fields: [...fields.values()], kinds: recordKinds, sampled, truncated };
}

/**
 * A value that says it was removed: empty, a mask of one repeated character (`***`, `XXX-XX-XXXX`
 * keeps its dashes) or a bracketed marker (`[REDACTED]`, `<ssn>`, `{{email}}`).
 */
export function isMasked(text: string): boolean {
  const t = text.trim();
  if (t === '') return true;
  if (/^[*xX#\u2022_.\s-]+$/.test(t)) return true;
  return t.length <= 40 && /^(\[[^\]]*\]|<[^>]*>|\{\{?[^}]*\}\}?|\([^)]*\))$/.test(t);
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

/**
 * A data file's profile with what its sample covers: what the data rules that check the
 * manifests (a redaction claim, a derived file's tier) read of a file, by its path.
 */
export interface DataContent {
  readonly profile: DatasetProfile;
  /** Records in the whole file: exact when it was read to the end, else estimated. */
  readonly total: number;
  readonly exact: boolean;
}

/** Profiled data files by path (as the file paths given to the engine are written). */
export type DataContents = ReadonlyMap<string, DataContent>;

/** One field of a profile summary: what was found in it, counted, never a value. */
export interface FieldSummary {
  readonly path: string;
  /** Sampled records that have the field. */
  readonly records: number;
  /** Detector kinds its values held, most frequent first, with the records that held each. */
  readonly kinds: readonly { readonly kind: string; readonly class: LiteralClass; readonly records: number }[];
  /** Why its name is sensitive: the asset that declares it, or the category of a built-in name. */
  readonly named?: string;
  /** Its first occurrence in the file's head, when it is there. */
  readonly first?: Span;
}

/** A data file's profile as counts per field, for hovers, the lineage graph's nodes and the editor's progress. */
export interface ProfileSummary {
  readonly sampled: number;
  /** Records in the whole file: exact when it was read to the end, else estimated. */
  readonly total: number;
  readonly exact: boolean;
  /** Fields past `MAX_FIELDS` were not profiled. */
  readonly truncated: boolean;
  /** Fields that hold personal data or secrets, or whose names say they do. */
  readonly sensitive: number;
  readonly fields: readonly FieldSummary[];
}

/** The counts per field of a profile, sensitive fields first; names, kinds and counts only. */
export function summarizeProfile(profile: DatasetProfile, sample: DatasetSample): ProfileSummary {
  const fields = profile.fields.map((f): FieldSummary => ({
    path: f.path,
    records: f.records,
    kinds: [...f.kinds.values()]
      .sort((a, b) => b.records - a.records)
      .map((k) => ({ kind: k.kind, class: k.class, records: k.records })),
    named: f.named ? (f.named.asset ?? f.named.category ?? 'sensitive') : undefined,
    first: f.first,
  }));
  const rank = (f: FieldSummary) => (f.kinds.length > 0 ? 0 : f.named ? 1 : 2);
  fields.sort((a, b) => rank(a) - rank(b));
  return {
    sampled: profile.sampled,
    total: sample.total,
    exact: sample.exact,
    truncated: profile.truncated,
    sensitive: fields.filter((f) => rank(f) < 2).length,
    fields,
  };
}

/** A summary in a few words: `3 sensitive fields (sampled 1,000 of ~2.1M records)`. */
export function summaryWords(summary: ProfileSummary): string {
  const fields = `${count(summary.sensitive)} sensitive field${summary.sensitive === 1 ? '' : 's'}`;
  const whole = summary.exact && summary.sampled >= summary.total;
  const of = whole
    ? `${count(summary.sampled)} record${summary.sampled === 1 ? '' : 's'} read`
    : `sampled ${count(summary.sampled)} of ${summary.exact ? count(summary.total) : `~${roughCount(summary.total)}`} records`;
  return `${fields} (${of})`;
}
