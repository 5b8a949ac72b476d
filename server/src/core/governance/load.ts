import Ajv, { type ValidateFunction } from 'ajv';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import governanceSchema from '../../../../schemas/governance.schema.json';
import { duplicateId } from '../rules/duplicate-id';
import { schemaFindings } from '../rules/manifest-schema';
import { manifestSyntax } from '../rules/manifest-syntax';
import { unknownReference } from '../rules/unknown-reference';
import { didYouMean } from '../text';
import type { Finding, SourceFile, Span } from '../types';
import { keySpan, valueSpan } from '../yaml/locate';
import { DEFAULT_GOVERNANCE, DEFAULT_TIERS, type Asset, type Governance, type SensitiveIdentifier, type Tier } from './model';

/** Manifests larger than this are refused with a finding rather than parsed. */
export const MAX_MANIFEST_BYTES = 2 * 1024 * 1024;
/** Aliases one document may expand; beyond this it is an alias bomb. */
const MAX_ALIAS_COUNT = 1000;

export interface GovernanceResult {
  readonly governance: Governance;
  readonly findings: Finding[];
  /** True when the manifest could not be read into a model (syntax or schema errors). */
  readonly broken: boolean;
}

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  // Compiled once per process: compiling is the expensive part of ajv.
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(governanceSchema);
  return validator;
}

function finding(rule: { id: string }, path: string, span: Span, message: string, fixes: Finding['fixes'] = []): Finding {
  return { ruleId: rule.id, severity: 'error', message, path, span, fixes };
}

/** Parses YAML into a document and its syntax findings; never throws. */
export function parseYaml(file: SourceFile): { doc?: Document; value?: unknown; findings: Finding[] } {
  if (file.text.length > MAX_MANIFEST_BYTES) {
    return { findings: [finding(manifestSyntax, file.path, { offset: 0, length: 0 }, `Manifest is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB; not parsed`)] };
  }
  const findings: Finding[] = [];
  try {
    const doc = parseDocument(file.text, { prettyErrors: false, uniqueKeys: true, strict: true });
    for (const e of [...doc.errors, ...doc.warnings]) {
      const [start, end] = widenToToken(file.text, e.pos[0], e.pos[1]);
      const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      findings.push(finding(manifestSyntax, file.path, { offset: start, length: Math.max(0, end - start) }, `YAML: ${message}`));
    }
    if (doc.errors.length > 0) return { doc, findings };
    const value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { doc, value, findings };
  } catch (err) {
    // The yaml library throws for alias bombs and exhausts the stack on absurd nesting.
    const reason = err instanceof RangeError ? 'nesting is too deep' : err instanceof Error ? err.message : 'unreadable';
    findings.push(finding(manifestSyntax, file.path, { offset: 0, length: 0 }, `YAML could not be loaded: ${reason}`));
    return { findings };
  }
}

/** yaml reports some errors at a single character; widen those to the word they start. */
function widenToToken(text: string, start: number, end: number): [number, number] {
  if (end - start > 1) return [start, end];
  const word = /^[^\s:,[\]{}#]+/.exec(text.slice(start, start + 200));
  return word ? [start, start + word[0].length] : [start, end];
}

/**
 * Reads a governance manifest into the model, reporting every problem at its node. A broken
 * manifest yields the default governance (so code checks keep working) plus its findings.
 */
export function loadGovernance(file: SourceFile): GovernanceResult {
  const parsed = parseYaml(file);
  if (!parsed.doc || parsed.value === undefined) return { governance: { ...DEFAULT_GOVERNANCE, path: file.path }, findings: parsed.findings, broken: true };
  const { doc, value } = parsed;
  const check = validate();
  if (!check(value)) {
    const findings = [...parsed.findings, ...schemaFindings(file.path, doc, check.errors ?? [])];
    return { governance: { ...DEFAULT_GOVERNANCE, path: file.path }, findings, broken: true };
  }
  const findings = [...parsed.findings];
  const g = value as GovernanceManifest;

  const tiers: Tier[] = g.tiers ? g.tiers.map((t, rank) => ({ id: t.id, rank, crownJewel: t.crownJewel === true })) : [...DEFAULT_TIERS];
  findings.push(...duplicates(file.path, doc, 'tiers', tiers.map((t) => t.id)));
  const tierIds = tiers.map((t) => t.id);

  const assets: Asset[] = (g.assets ?? []).map((a, i) => ({
    id: a.id,
    kind: a.kind,
    tier: a.tier,
    owner: a.owner,
    fields: a.fields ?? [],
    locations: a.locations ?? [],
    allowedUses: a.allowedUses ?? [],
    span: valueSpan(doc, ['assets', i, 'id']),
  }));
  findings.push(...duplicates(file.path, doc, 'assets', assets.map((a) => a.id)));
  assets.forEach((a, i) => findings.push(...unknownTier(file.path, doc, ['assets', i, 'tier'], a.tier, tierIds)));

  const identifiers: SensitiveIdentifier[] = (g.sensitiveIdentifiers ?? []).map((s) => ({ name: s.name, category: s.category, tier: s.tier }));
  identifiers.forEach((s, i) => findings.push(...unknownTier(file.path, doc, ['sensitiveIdentifiers', i, 'tier'], s.tier, tierIds)));

  const governance: Governance = {
    path: file.path,
    tiers,
    assets,
    identifiers,
    redaction: g.redaction ?? {},
    builtinNames: g.defaults?.builtinNames !== false,
  };
  return { governance, findings, broken: false };
}

function unknownTier(path: string, doc: Document, at: (string | number)[], tier: string | undefined, known: string[]): Finding[] {
  if (tier === undefined || known.includes(tier)) return [];
  const span = valueSpan(doc, at);
  const guess = didYouMean(tier, known);
  const message = `Unknown tier \`${tier}\`` + (guess ? ` (did you mean \`${guess}\`?)` : `; declared tiers: ${known.join(', ')}`);
  const fixes = guess ? [{ title: `Replace with \`${guess}\``, edits: [{ ...span, newText: guess }], preferred: true }] : [];
  return [finding(unknownReference, path, span, message, fixes)];
}

function duplicates(path: string, doc: Document, list: string, ids: string[]): Finding[] {
  const out: Finding[] = [];
  const seq = doc.get(list, true);
  if (!isSeq(seq)) return out;
  ids.forEach((id, i) => {
    const others = ids.map((x, j) => (x === id && j !== i ? j : -1)).filter((j) => j >= 0);
    if (others.length === 0) return;
    const item = seq.items[i];
    const span = isMap(item) ? valueSpan(doc, [list, i, 'id']) : keySpan(doc, [list, i]);
    out.push(finding(duplicateId, path, span, `Duplicate id \`${id}\` in ${list} (also at item ${others.map((j) => j + 1).join(', ')})`));
  });
  return out;
}

/** The manifest's shape after schema validation; the schema guarantees these types. */
interface GovernanceManifest {
  tiers?: { id: string; crownJewel?: boolean }[];
  assets?: { id: string; kind?: string; tier: string; owner?: string; fields?: string[]; locations?: string[]; allowedUses?: string[] }[];
  sensitiveIdentifiers?: { name: string; category?: SensitiveIdentifier['category']; tier?: string }[];
  redaction?: Governance['redaction'];
  defaults?: { builtinNames?: boolean };
}

