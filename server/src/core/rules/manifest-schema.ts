import type { ErrorObject } from 'ajv';
import type { Document } from 'yaml';
import { placeholder, resolve, SCHEMAS, type JsonSchema, type SchemaKind } from '../schema/manifests';
import { didYouMean } from '../text';
import type { Finding, Fix } from '../types';
import { addPair } from '../yaml/edit';
import {
  childKeySpan,
  describePath,
  describeValueKind,
  keySpan,
  pathFromPointer,
  valueSpan,
  type YamlPath,
} from '../yaml/locate';
import type { RuleMeta } from './meta';

export const manifestSchema: RuleMeta = {
  id: 'CG002',
  name: 'manifest-schema',
  defaultSeverity: 'error',
  summary:
    'A manifest does not match its JSON Schema: an unknown or missing key, a wrong type, or a value outside the allowed set.',
};

const typeNames: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
};

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** What the fixes of schema findings need beyond the document: its text, and which schema it has. */
export interface SchemaContext {
  readonly text: string;
  readonly kind: SchemaKind;
}

/**
 * Adds a missing required key with a value of the right shape. `apiVersion` and `kind` go at
 * the top (`kind` below `apiVersion`), where every manifest has them; other keys below the
 * mapping's last entry. Only a
 * key whose value the schema fixes (a `const`) is safe to add unreviewed.
 */
function addRequired(
  context: SchemaContext,
  doc: Document,
  at: YamlPath,
  missing: string,
  parent: JsonSchema | undefined,
): Fix | undefined {
  const root = SCHEMAS[context.kind];
  const property = parent?.properties?.[missing];
  if (!property) return undefined;
  const header = at.length === 0 && (missing === 'apiVersion' || missing === 'kind');
  const edit = addPair(
    context.text,
    doc,
    at,
    missing,
    placeholder(root, property),
    header ? (missing === 'kind' && doc.has('apiVersion') ? { after: 'apiVersion' } : { first: true }) : {},
  );
  if (!edit) return undefined;
  const fixed = resolve(root, property).const !== undefined;
  return {
    title: `Add the required key \`${missing}\`${fixed ? '' : ' (with a placeholder to fill in)'}`,
    edits: [edit],
    preferred: true,
    safe: fixed,
  };
}

/**
 * Turns ajv's errors into findings at the exact YAML node, in words a person understands.
 * ajv is run with `verbose` so each error carries the data and the schema it failed. With the
 * document's text and kind, findings carry fixes that add text (a missing required key).
 */
export function schemaFindings(
  path: string,
  doc: Document,
  errors: readonly ErrorObject[],
  context?: SchemaContext,
): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const at = pathFromPointer(e.instancePath);
    const where = describePath(at);
    let message: string;
    let span = valueSpan(doc, at);
    let fixes: Fix[] = [];
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String((e.params as { additionalProperty: string }).additionalProperty);
        const known = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
        const guess = didYouMean(key, known);
        span = childKeySpan(doc, at, key);
        message =
          `Unknown key \`${key}\` in ${where}` +
          (guess ? ` (did you mean \`${guess}\`?)` : `; allowed keys: ${known.join(', ')}`);
        if (guess)
          fixes = [
            {
              title: `Rename \`${key}\` to \`${guess}\``,
              edits: [{ ...span, newText: guess }],
              preferred: true,
              safe: true,
            },
          ];
        break;
      }
      case 'required': {
        const missing = String((e.params as { missingProperty: string }).missingProperty);
        span = keySpan(doc, at);
        message = `${where === 'the document' ? 'The document' : `\`${where}\``} is missing the required key \`${missing}\``;
        const fix = context
          ? addRequired(context, doc, at, missing, e.parentSchema as JsonSchema | undefined)
          : undefined;
        if (fix) fixes = [fix];
        break;
      }
      case 'enum': {
        const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(show);
        const got = show(e.data);
        const guess = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined;
        message =
          `\`${where}\` must be one of ${allowed.join(', ')}; got \`${got}\`` +
          (guess ? ` (did you mean ${guess}?)` : '');
        if (guess)
          fixes = [
            { title: `Change to \`${guess}\``, edits: [{ ...span, newText: guess }], preferred: true, safe: true },
          ];
        break;
      }
      case 'const': {
        const expected = show((e.params as { allowedValue: unknown }).allowedValue);
        message = `\`${where}\` must be \`${expected}\`; got \`${show(e.data)}\``;
        // With no value written, the span is the key: replacing it would destroy the key.
        const node = doc.getIn(at, true) as { range?: [number, number, number] } | undefined;
        if (node?.range && node.range[1] > node.range[0])
          fixes = [
            {
              title: `Change to \`${expected}\``,
              edits: [{ ...span, newText: expected }],
              preferred: true,
              safe: true,
            },
          ];
        break;
      }
      case 'type': {
        const want = String((e.params as { type: string }).type)
          .split(',')
          .map((t) => typeNames[t] ?? t)
          .join(' or ');
        message = `\`${where}\` must be ${want}; got ${describeValueKind(e.data)}`;
        break;
      }
      case 'pattern': {
        const description = (e.parentSchema as { description?: string })?.description;
        message =
          `\`${where}\` is not valid: \`${show(e.data)}\`` +
          (description ? ` (${description})` : ` does not match ${(e.params as { pattern: string }).pattern}`);
        break;
      }
      case 'minItems':
      case 'minLength':
      case 'minimum':
        message = `\`${where}\` ${e.message}`;
        break;
      default:
        message = `\`${where}\` ${e.message ?? 'is not valid'}`;
    }
    const key = `${span.offset}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({ ruleId: manifestSchema.id, severity: 'error', message, path, span, fixes });
  }
  return findings;
}
