import type { ValidateFunction } from 'ajv';
import { CST, isMap, isPair, isScalar, isSeq, Parser, parseDocument, YAMLParseError, type Document } from 'yaml';
import governanceSchema from '../../../../schemas/governance.schema.json';
import { duplicateId } from '../rules/duplicate-id';
import { manifestSchema, schemaFindings } from '../rules/manifest-schema';
import { ajv } from '../schema/ajv';
import { compilePolicySchema } from '../policies/compile';
import { manifestSyntax } from '../rules/manifest-syntax';
import { unknownReference } from '../rules/unknown-reference';
import { didYouMean } from '../text';
import type { Finding, SourceFile, Span } from '../types';
import { keySpan, valueSpan } from '../yaml/locate';
import { MAX_YAML_DEPTH, tooDeepAt } from '../manifests/depth';
import { validateInChunks } from '../manifests/validate';
import {
  DEFAULT_GOVERNANCE,
  DEFAULT_TIERS,
  type Asset,
  type Category,
  type Governance,
  type SensitiveIdentifier,
  type Policy,
  type Tier,
  type WaiverPolicy,
  type CustomSink,
  type RedactionLanguage,
} from './model';

/** Manifests larger than this are refused with a finding rather than parsed. */
export const MAX_MANIFEST_BYTES = 2 * 1024 * 1024;
/** Aliases one document may expand; beyond this it is an alias bomb. */
const MAX_ALIAS_COUNT = 1000;

export interface GovernanceResult {
  readonly governance: Governance;
  readonly findings: Finding[];
  /** True when the manifest could not be read into a model (syntax or schema errors). */
  readonly broken: boolean;
  /** True when the manifest is not YAML at all, so nothing of it could be read. */
  readonly unparsed?: boolean;
}

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  // Compiled once per process: compiling is the expensive part of ajv.
  validator ??= ajv.compile(governanceSchema);
  return validator;
}

function finding(
  rule: { id: string },
  path: string,
  span: Span,
  message: string,
  fixes: Finding['fixes'] = [],
): Finding {
  return { ruleId: rule.id, severity: 'error', message, path, span, fixes };
}

/** Parses YAML into a document and its syntax findings; never throws. */
export function parseYaml(file: SourceFile): { doc?: Document; value?: unknown; findings: Finding[] } {
  if (file.text.length > MAX_MANIFEST_BYTES) {
    return {
      findings: [
        finding(
          manifestSyntax,
          file.path,
          { offset: 0, length: 0 },
          `Manifest is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB; not parsed`,
        ),
      ],
    };
  }
  // The yaml library recurses once per level: past this depth it would exhaust the stack, or abort the process.
  const deep = tooDeepAt(file.text);
  if (deep !== undefined) {
    return {
      findings: [
        finding(
          manifestSyntax,
          file.path,
          { offset: deep, length: 1 },
          `YAML nests more than ${MAX_YAML_DEPTH} levels deep here; not parsed`,
        ),
      ],
    };
  }
  const findings: Finding[] = [];
  try {
    // yaml's own duplicate-key check compares each key with every earlier one of its mapping
    // (20,000 keys took seconds); the same check with a set per mapping is linear.
    const doc = parseDocument(file.text, { prettyErrors: false, uniqueKeys: false, strict: true });
    doc.errors.push(...duplicateKeys(doc));
    // yaml reports an unclosed bracket where the text after it stops making sense (the next
    // line, often three times over); the mistake is at the bracket, so it is reported there alone.
    const unclosed = doc.errors.length > 0 ? firstUnclosedFlow(file.text) : undefined;
    if (unclosed) {
      findings.push(
        finding(
          manifestSyntax,
          file.path,
          { offset: unclosed.offset, length: 1 },
          `YAML: this \`${unclosed.open}\` is never closed with \`${unclosed.close}\``,
        ),
      );
    }
    for (const e of [...doc.errors, ...doc.warnings]) {
      if (unclosed && e.pos[0] >= unclosed.offset) continue;
      const [start, end] = widenToToken(file.text, e.pos[0], e.pos[1]);
      const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      findings.push(
        finding(manifestSyntax, file.path, { offset: start, length: Math.max(0, end - start) }, `YAML: ${message}`),
      );
    }
    if (doc.errors.length > 0) return { doc, findings };
    const value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { doc, value, findings };
  } catch (err) {
    // The yaml library throws for alias bombs and exhausts the stack on absurd nesting.
    const reason =
      err instanceof RangeError ? 'nesting is too deep' : err instanceof Error ? err.message : 'unreadable';
    findings.push(finding(manifestSyntax, file.path, { offset: 0, length: 0 }, `YAML could not be loaded: ${reason}`));
    return { findings };
  }
}

/** The earliest `[` or `{` whose flow collection has no closing bracket, if any. */
function firstUnclosedFlow(text: string): { offset: number; open: string; close: string } | undefined {
  let found: { offset: number; open: string; close: string } | undefined;
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    CST.visit(token, (item) => {
      for (const node of [item.key, item.value]) {
        if (node?.type !== 'flow-collection') continue;
        const close = node.start.source === '{' ? '}' : ']';
        if (!node.end.some((t) => t.source === close) && (!found || node.offset < found.offset))
          found = { offset: node.offset, open: node.start.source, close };
      }
    });
  }
  return found;
}

/** `Map keys must be unique` at every key that repeats an earlier scalar key of its mapping. */
function duplicateKeys(doc: Document): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  // An explicit stack: a document may nest deeper than the call stack allows.
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const v = pair.key.value;
          const id = `${typeof v}:${String(v)}`;
          if (seen.has(id) && pair.key.range)
            errors.push(
              new YAMLParseError([pair.key.range[0], pair.key.range[1]], 'DUPLICATE_KEY', 'Map keys must be unique'),
            );
          seen.add(id);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(isPair(item) ? item.value : item);
    }
  }
  return errors.sort((a, b) => a.pos[0] - b.pos[0]);
}

/** yaml reports some errors at a single character; widen those to the word they start. */
function widenToToken(text: string, start: number, end: number): [number, number] {
  if (end - start > 1) return [start, end];
  const word = /^[^\s:,[\]{}#]+/.exec(text.slice(start, start + 200));
  return word ? [start, start + word[0].length] : [start, end];
}

/**
 * Reads a governance manifest into the model, reporting every problem at its node. Schema
 * errors do not discard the rest: every well-formed part still applies, so one typo does not
 * switch off the assets and redaction functions declared around it.
 */
export function loadGovernance(file: SourceFile): GovernanceResult {
  const parsed = parseYaml(file);
  if (!parsed.doc || parsed.value === undefined)
    return {
      governance: { ...DEFAULT_GOVERNANCE, path: file.path },
      findings: parsed.findings,
      broken: true,
      unparsed: true,
    };
  const { doc, value } = parsed;
  const { errors } = validateInChunks(validate(), value);
  const findings = [
    ...parsed.findings,
    ...(errors.length === 0 ? [] : schemaFindings(file.path, doc, errors, { text: file.text, kind: 'governance' })),
  ];
  const g = (isRecord(value) ? value : {}) as Record<string, unknown>;

  const declaredTiers = records(g.tiers).filter((t) => typeof t.id === 'string');
  const tiers: Tier[] = declaredTiers.length
    ? declaredTiers.map((t, rank) => ({ id: String(t.id), rank, crownJewel: t.crownJewel === true }))
    : [...DEFAULT_TIERS];
  findings.push(
    ...duplicates(
      file.path,
      doc,
      'tiers',
      records(g.tiers).map((t) => (typeof t.id === 'string' ? t.id : undefined)),
    ),
  );
  const tierIds = tiers.map((t) => t.id);

  const assets: Asset[] = [];
  records(g.assets).forEach((a, i) => {
    if (typeof a.id !== 'string' || typeof a.tier !== 'string') return;
    assets.push({
      id: a.id,
      kind: typeof a.kind === 'string' ? a.kind : undefined,
      tier: a.tier,
      owner: typeof a.owner === 'string' ? a.owner : undefined,
      fields: strings(a.fields),
      records: strings(a.records),
      locations: strings(a.locations),
      allowedUses: strings(a.allowedUses),
      retentionDays: typeof a.retentionDays === 'number' ? a.retentionDays : undefined,
      domain: typeof a.domain === 'string' && a.domain !== '' ? a.domain : undefined,
      span: valueSpan(doc, ['assets', i, 'id']),
    });
    findings.push(...unknownTier(file.path, doc, ['assets', i, 'tier'], a.tier, tierIds));
  });
  findings.push(
    ...duplicates(
      file.path,
      doc,
      'assets',
      records(g.assets).map((a) => (typeof a.id === 'string' ? a.id : undefined)),
    ),
  );

  const identifiers: SensitiveIdentifier[] = [];
  records(g.sensitiveIdentifiers).forEach((s, i) => {
    if (typeof s.name !== 'string') return;
    const tier = typeof s.tier === 'string' ? s.tier : undefined;
    identifiers.push({
      name: s.name,
      category: typeof s.category === 'string' ? (s.category as Category) : undefined,
      tier,
    });
    findings.push(...unknownTier(file.path, doc, ['sensitiveIdentifiers', i, 'tier'], tier, tierIds));
  });

  const redaction: Governance['redaction'] = {};
  const declared = isRecord(g.redaction) ? g.redaction : {};
  for (const lang of ['python', 'typescript', 'javascript', 'templates'] as const) {
    const r = declared[lang];
    if (isRecord(r) && typeof r.function === 'string')
      redaction[lang] = { function: r.function, import: typeof r.import === 'string' ? r.import : undefined };
  }

  // Each policy keeps the span of its entry: findings of the policy point back at it.
  const policies = (Array.isArray(g.policies) ? (g.policies as unknown[]) : [])
    .map((p, i) => ({ p, span: withoutTrailingSpace(file.text, valueSpan(doc, ['policies', i])) }))
    .filter((x): x is { p: Record<string, unknown>; span: Span } => isRecord(x.p) && typeof x.p.id === 'string')
    .map(({ p, span }) => ({
      id: String(p.id),
      span,
      description: typeof p.description === 'string' ? p.description : undefined,
      rules: strings(p.rules),
      enabled: typeof p.enabled === 'boolean' ? p.enabled : undefined,
      severity:
        p.severity === 'error' || p.severity === 'warning' || p.severity === 'note'
          ? (p.severity as Policy['severity'])
          : undefined,
      target: p.target === 'release' ? ('release' as const) : p.target === 'stage' ? ('stage' as const) : undefined,
      when: isRecord(p.when) ? p.when : undefined,
      require: isRecord(p.require) ? p.require : undefined,
      at: Array.isArray(p.at) ? strings(p.at) : undefined,
    }));
  findings.push(
    ...duplicates(
      file.path,
      doc,
      'policies',
      records(g.policies).map((p) => (typeof p.id === 'string' ? p.id : undefined)),
    ),
  );
  // A team's policy is evaluated as JSON Schema: one that does not compile is reported here, at its node.
  records(g.policies).forEach((p, i) => {
    for (const part of ['when', 'require'] as const) {
      if (!isRecord(p[part])) continue;
      const { error: reason } = compilePolicySchema(p[part]);
      if (reason !== undefined) {
        findings.push(
          finding(
            manifestSchema,
            file.path,
            valueSpan(doc, ['policies', i, part]),
            `\`policies[${i}].${part}\` is not a valid JSON Schema: ${reason}`,
          ),
        );
      }
    }
  });
  const w = isRecord(g.waivers) ? g.waivers : {};
  const waiverPolicy: WaiverPolicy = {
    reasonRequired: w.reasonRequired !== false,
    requirePolicy: w.requirePolicy === true,
    maxDays: typeof w.maxDays === 'number' ? w.maxDays : undefined,
    requireApproverForCrownJewel: w.requireApproverForCrownJewel === true,
    approvers: strings(w.approvers),
    forbidInlineForTiers: strings(w.forbidInlineForTiers),
  };
  strings(w.forbidInlineForTiers).forEach((t, i) =>
    findings.push(...unknownTier(file.path, doc, ['waivers', 'forbidInlineForTiers', i], t, tierIds)),
  );

  const defaults = isRecord(g.defaults) ? g.defaults : {};
  const flowSection = isRecord(g.flow) ? g.flow : undefined;
  const languagesOf = (v: unknown) => {
    const l = strings(v).filter((x): x is RedactionLanguage => ['python', 'typescript', 'javascript'].includes(x));
    return l.length ? l : undefined;
  };
  const CALLEE = /^(\*|[A-Za-z_$][\w$]*)(\.(\*|[A-Za-z_$][\w$]*))*$/;
  const flow = flowSection && {
    sinks: records(flowSection.sinks).flatMap((s) =>
      typeof s.callee === 'string' && CALLEE.test(s.callee) && typeof s.kind === 'string' && SINK_KINDS.has(s.kind)
        ? [{ callee: s.callee, kind: s.kind as CustomSink['kind'], languages: languagesOf(s.languages) }]
        : [],
    ),
    sources: records(flowSection.sources).flatMap((s, i) => {
      const call = typeof s.call === 'string' && CALLEE.test(s.call) ? s.call : undefined;
      const attribute = typeof s.attribute === 'string' && CALLEE.test(s.attribute) ? s.attribute : undefined;
      if (typeof s.field !== 'string' || (!call && !attribute)) return [];
      const tier = typeof s.tier === 'string' ? s.tier : undefined;
      findings.push(...unknownTier(file.path, doc, ['flow', 'sources', i, 'tier'], tier, tierIds));
      return [
        {
          call,
          attribute,
          field: s.field,
          category: typeof s.category === 'string' ? (s.category as Category) : undefined,
          tier,
          languages: languagesOf(s.languages),
        },
      ];
    }),
  };
  const approvalRoles = strings(isRecord(g.approvals) ? g.approvals.roles : undefined);
  const lit = isRecord(g.literals) ? g.literals : undefined;
  const literals = lit && {
    testPaths: strings(lit.testPaths),
    allowFingerprints: strings(lit.allowFingerprints),
    allowedEmailDomains: strings(lit.allowedEmailDomains),
    reportTestData: lit.reportTestData === true,
    maxPerFile: typeof lit.maxPerFile === 'number' && lit.maxPerFile >= 1 ? Math.floor(lit.maxPerFile) : 20,
  };
  const governance: Governance = {
    path: file.path,
    tiers,
    assets,
    identifiers,
    redaction,
    ...(flow ? { flow } : {}),
    builtinNames: defaults.builtinNames !== false,
    policies,
    waiverPolicy,
    approvalRoles,
    literals,
  };
  return { governance, findings, broken: errors.length > 0 || findings.some((f) => f.severity === 'error') };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A block node's span ends after its line break; a span the editor shows should not. */
function withoutTrailingSpace(text: string, span: Span): Span {
  let end = span.offset + span.length;
  while (end > span.offset && /\s/.test(text[end - 1])) end--;
  return { offset: span.offset, length: end - span.offset };
}

const SINK_KINDS = new Set(['log', 'exception', 'tracker', 'llm', 'upload']);

function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function unknownTier(
  path: string,
  doc: Document,
  at: (string | number)[],
  tier: string | undefined,
  known: string[],
): Finding[] {
  if (tier === undefined || known.includes(tier)) return [];
  const span = valueSpan(doc, at);
  const guess = didYouMean(tier, known);
  const message =
    `Unknown tier \`${tier}\`` + (guess ? ` (did you mean \`${guess}\`?)` : `; declared tiers: ${known.join(', ')}`);
  const fixes = guess
    ? [{ title: `Replace with \`${guess}\``, edits: [{ ...span, newText: guess }], preferred: true }]
    : [];
  return [finding(unknownReference, path, span, message, fixes)];
}

function duplicates(path: string, doc: Document, list: string, ids: (string | undefined)[]): Finding[] {
  const out: Finding[] = [];
  const seq = doc.get(list, true);
  if (!isSeq(seq)) return out;
  const at = new Map<string, number[]>();
  ids.forEach((id, i) => {
    if (id === undefined) return;
    const list = at.get(id);
    if (list) list.push(i);
    else at.set(id, [i]);
  });
  for (const [id, places] of at) {
    if (places.length < 2) continue;
    for (const [at, i] of places.entries()) {
      // Only the first five others are shown: filtering all places for each was quadratic.
      const others = places
        .slice(0, 6)
        .filter((_, k) => k !== at)
        .slice(0, 5);
      const more = places.length - 1 - 5;
      const shown = others.map((j) => j + 1).join(', ') + (more > 0 ? ` and ${more} more` : '');
      const item = seq.items[i];
      const span = isMap(item) ? valueSpan(doc, [list, i, 'id']) : keySpan(doc, [list, i]);
      out.push(finding(duplicateId, path, span, `Duplicate id \`${id}\` in ${list} (also at item ${shown})`));
    }
  }
  return out;
}
