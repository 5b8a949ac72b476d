import governanceSchema from '../../../../schemas/governance.schema.json';
import modelSchema from '../../../../schemas/model.schema.json';
import pipelineSchema from '../../../../schemas/pipeline.schema.json';
import { stringify } from 'yaml';
import type { Block } from '../yaml/edit';
import type { YamlPath } from '../yaml/locate';

/** The three manifests CrownGuard publishes a JSON Schema for. */
export type SchemaKind = 'governance' | 'pipeline' | 'model';

/** The part of JSON Schema (draft-07) the editing help reads. */
export interface JsonSchema {
  readonly $ref?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly patternProperties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema | readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
  /**
   * CrownGuard's annotation for a value that names a file: `file` (a path, relative to the
   * manifest's folder or the workspace) or `import` (an import line whose module is a file).
   */
  readonly 'x-crownguard-path'?: 'file' | 'import';
}

export const SCHEMAS: Readonly<Record<SchemaKind, JsonSchema>> = {
  governance: governanceSchema as JsonSchema,
  pipeline: pipelineSchema as JsonSchema,
  model: modelSchema as JsonSchema,
};

/** References are followed at most this deep: a schema that refers to itself cannot loop. */
const MAX_REF_DEPTH = 16;

/**
 * Follows `$ref` (local `#/...` pointers only). Keywords beside the `$ref` win over those of
 * its target, since our schemas document an id field beside the reference to the id pattern.
 */
export function resolve(root: JsonSchema, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let depth = 0; s.$ref && depth < MAX_REF_DEPTH; depth++) {
    const { $ref, ...rest } = s;
    if (!$ref.startsWith('#/')) return rest;
    let target: unknown = root;
    for (const part of $ref.slice(2).split('/')) {
      target =
        target && typeof target === 'object'
          ? (target as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')]
          : undefined;
    }
    if (!target || typeof target !== 'object') return rest;
    s = { ...(target as JsonSchema), ...rest };
  }
  return s;
}

/** The schemas a value must (allOf) or may (oneOf, anyOf) match, resolved and flattened. */
export function alternatives(root: JsonSchema, schema: JsonSchema, depth = 0): JsonSchema[] {
  const s = resolve(root, schema);
  const branches = [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])];
  if (branches.length === 0 || depth > MAX_REF_DEPTH) return [s];
  return [s, ...branches.flatMap((b) => alternatives(root, b, depth + 1))];
}

function child(schema: JsonSchema, segment: string | number): JsonSchema | undefined {
  if (typeof segment === 'number') {
    if (Array.isArray(schema.items)) return (schema.items as readonly JsonSchema[])[segment];
    return schema.items as JsonSchema | undefined;
  }
  const own = schema.properties?.[segment];
  if (own) return own;
  for (const [pattern, s] of Object.entries(schema.patternProperties ?? {})) {
    try {
      if (new RegExp(pattern, 'u').test(segment)) return s;
    } catch {
      // A pattern JavaScript cannot compile says nothing about this key.
    }
  }
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

/**
 * The schemas that describe the value at `path` of a manifest: one per branch of a oneOf or
 * anyOf that allows it, empty when the schema says nothing about that place.
 */
export function schemasAt(root: JsonSchema, path: YamlPath): JsonSchema[] {
  let current = alternatives(root, root);
  for (const segment of path) {
    current = current.flatMap((s) => {
      const c = child(s, segment);
      return c ? alternatives(root, c) : [];
    });
    if (current.length === 0) return [];
  }
  return current;
}

/** The properties a mapping at `path` may have, in the schema's order, and whether each is required. */
export function propertiesAt(root: JsonSchema, path: YamlPath): Map<string, { schema: JsonSchema; required: boolean }> {
  const out = new Map<string, { schema: JsonSchema; required: boolean }>();
  const schemas = schemasAt(root, path);
  for (const s of schemas) {
    for (const [name, p] of Object.entries(s.properties ?? {})) {
      const required = s.required?.includes(name) ?? false;
      const known = out.get(name);
      out.set(name, { schema: known?.schema ?? p, required: (known?.required ?? false) || required });
    }
  }
  return out;
}

/** One documented fact of a schema, merged over its alternatives: the first that says it. */
function first<K extends keyof JsonSchema>(schemas: readonly JsonSchema[], key: K): JsonSchema[K] | undefined {
  return schemas.find((s) => s[key] !== undefined)?.[key];
}

/** The values a scalar may take, when the schema lists them: enum, const, or true and false. */
export function allowedValues(schemas: readonly JsonSchema[]): string[] {
  const out = new Set<string>();
  for (const s of schemas) {
    if (s.const !== undefined) out.add(String(s.const));
    for (const v of s.enum ?? []) out.add(String(v));
    if (s.type === 'boolean') ['true', 'false'].forEach((v) => out.add(v));
  }
  return [...out];
}

/** The schemas of a list's items, or the schemas themselves when they are not lists. */
export function itemSchemas(root: JsonSchema, schemas: readonly JsonSchema[]): JsonSchema[] {
  return schemas.flatMap((s) => (s.items && !Array.isArray(s.items) ? alternatives(root, s.items as JsonSchema) : []));
}

const TYPE_NAMES: Record<string, string> = {
  object: 'mapping',
  array: 'list',
  string: 'text',
  integer: 'whole number',
  number: 'number',
  boolean: 'true or false',
  null: 'nothing',
};

/** The shape of a value in words: `list of text`, `mapping`, `one of ...`. */
export function shapeOf(root: JsonSchema, schemas: readonly JsonSchema[]): string {
  const values = allowedValues(schemas);
  if (values.length > 0 && first(schemas, 'type') !== 'boolean')
    return values.length === 1 ? `\`${values[0]}\`` : 'one of a set';
  const type = first(schemas, 'type');
  if (type === 'array') {
    const items = itemSchemas(root, schemas);
    const plural: Record<string, string> = {
      'one of a set': 'values from a set',
      mapping: 'mappings',
      number: 'numbers',
      'whole number': 'whole numbers',
      list: 'lists',
    };
    const of = items.length ? shapeOf(root, items) : '';
    return of ? `list of ${plural[of] ?? of}` : 'list';
  }
  const names = (Array.isArray(type) ? type : type ? [type] : []).map((t) => TYPE_NAMES[t as string] ?? String(t));
  return names.join(' or ') || 'any value';
}

function inline(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `\`${text.length > 120 ? `${text.slice(0, 117)}...` : text}\``;
}

/**
 * The schema's documentation of a key, in Markdown: title, description, shape, allowed
 * values, default and examples. Undefined when the schema does not know the key.
 */
export function documentKey(root: JsonSchema, key: string, schemas: readonly JsonSchema[]): string | undefined {
  if (schemas.length === 0) return undefined;
  const title = first(schemas, 'title');
  const description = first(schemas, 'description');
  const parts = [title ? `**${title}** (\`${key}\`)` : `**\`${key}\`**`];
  if (description) parts.push(description);
  const facts: string[] = [`Value: ${shapeOf(root, schemas)}.`];
  const values = allowedValues(schemas);
  const listed =
    values.length > 1 || (values.length === 1 && first(schemas, 'const') === undefined)
      ? values
      : allowedValues(itemSchemas(root, schemas));
  if (listed.length > 0 && first(schemas, 'type') !== 'boolean')
    facts.push(`Allowed values: ${listed.map((v) => `\`${v}\``).join(', ')}.`);
  const def = first(schemas, 'default');
  if (def !== undefined) facts.push(`Default: ${inline(def)}.`);
  const min = first(schemas, 'minimum');
  const max = first(schemas, 'maximum');
  // A bound on one side only reads as a bound, not as a range ending in dots.
  if (min !== undefined && max !== undefined) facts.push(`Range: ${min} to ${max}.`);
  else if (min !== undefined) facts.push(`Minimum: ${min}.`);
  else if (max !== undefined) facts.push(`Maximum: ${max}.`);
  parts.push(facts.join(' '));
  const examples = first(schemas, 'examples') ?? [];
  const scalars = examples.filter((e) => e === null || typeof e !== 'object');
  if (scalars.length > 0)
    parts.push(`Example${scalars.length > 1 ? 's' : ''}: ${scalars.slice(0, 3).map(inline).join(', ')}`);
  // A structured example reads best as the YAML a user would write.
  const structured = examples.find((e) => e !== null && typeof e === 'object');
  if (structured !== undefined)
    parts.push(
      'Example:\n\n```yaml\n' + stringify({ [key]: structured }, { flowCollectionPadding: true }).trimEnd() + '\n```',
    );
  return parts.join('\n\n');
}

/** What a placeholder for a date looks like: it fails the pattern until a real date is written. */
export const DATE_PLACEHOLDER = 'YYYY-MM-DD';
export const TEXT_PLACEHOLDER = 'TODO';

/**
 * A value of the shape the schema wants, for a key a quick fix adds. Only a `const` or a
 * `default` is a real value; anything the user must decide is a placeholder that the schema
 * or the policies still reject (`TODO`, `YYYY-MM-DD`), so it cannot pass unnoticed. Mappings
 * get their required keys, lists with `minItems` one item.
 */
export function placeholder(root: JsonSchema, schema: JsonSchema, depth = 0): Block {
  const s = resolve(root, schema);
  if (s.const !== undefined) return s.const as Block;
  if (s.default !== undefined && (s.default === null || typeof s.default !== 'object')) return s.default as Block;
  if (s.enum) return TEXT_PLACEHOLDER;
  if (s.type === 'object' || s.properties) {
    if (depth > 3) return {};
    const out: Record<string, Block> = {};
    for (const name of s.required ?? []) {
      const p = s.properties?.[name];
      if (p) out[name] = placeholder(root, p, depth + 1);
    }
    return out;
  }
  if (s.type === 'array') {
    const items = s.items && !Array.isArray(s.items) ? (s.items as JsonSchema) : undefined;
    return (s.minItems ?? 0) > 0 && items && depth <= 3 ? [placeholder(root, items, depth + 1)] : [];
  }
  if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 0;
  if (s.type === 'boolean') return false;
  if (s.pattern?.includes('\\d{4}-\\d{2}-\\d{2}')) return DATE_PLACEHOLDER;
  return TEXT_PLACEHOLDER;
}
