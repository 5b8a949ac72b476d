import type { ValidateFunction } from 'ajv';
import type { Document } from 'yaml';
import governanceSchema from '../../../../schemas/governance.schema.json';
import { manifestSchema, schemaFindings } from '../rules/manifest-schema';
import { ownValidator } from '../schema/validators';
import { compilePolicySchema } from '../schema/policy';
import type { Finding, SourceFile, Span } from '../types';
import { valueSpan } from '../yaml/locate';
import { validateInChunks } from '../schema/validate';
import {
  DEFAULT_GOVERNANCE,
  DEFAULT_TIERS,
  type Asset,
  type Category,
  type Governance,
  type SensitiveIdentifier,
  type Policy,
  type RedactionTarget,
  type Tier,
  type WaiverPolicy,
  type CustomSink,
  type RedactionLanguage,
} from './model';
import { MAX_MANIFEST_BYTES, parseYaml } from '../rules/manifest-syntax';

// The YAML parse is the manifest-syntax rule's (CG001); the loaders of every manifest and config reach it here.
export { MAX_MANIFEST_BYTES, parseYaml };

/** A governance manifest as read, with its document for the rules that check it (`Engine.governance`). */
export interface LoadedGovernance extends GovernanceResult {
  readonly doc?: Document;
  readonly value?: unknown;
}

export interface GovernanceResult {
  readonly governance: Governance;
  readonly findings: Finding[];
  /** True when the manifest could not be read into a model (syntax or schema errors). */
  readonly broken: boolean;
  /** True when the manifest is not YAML at all, so nothing of it could be read. */
  readonly unparsed?: boolean;
}

function validate(): ValidateFunction {
  return ownValidator('governance');
}

/**
 * Reads a governance manifest into the model, reporting every problem at its node. Schema
 * errors do not discard the rest: every well-formed part still applies, so one typo does not
 * switch off the assets and redaction functions declared around it.
 */
const REDACTION_TARGETS = Object.keys(governanceSchema.properties.redaction.properties) as RedactionTarget[];

export function loadGovernance(file: SourceFile): LoadedGovernance {
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
  });

  const identifiers: SensitiveIdentifier[] = [];
  for (const s of records(g.sensitiveIdentifiers)) {
    if (typeof s.name !== 'string') continue;
    const tier = typeof s.tier === 'string' ? s.tier : undefined;
    identifiers.push({
      name: s.name,
      category: typeof s.category === 'string' ? (s.category as Category) : undefined,
      tier,
    });
  }

  const redaction: Governance['redaction'] = {};
  const declared = isRecord(g.redaction) ? g.redaction : {};
  // The schema names the targets: each language adapter's id, and `templates`.
  for (const lang of REDACTION_TARGETS) {
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
  // A team's policy is evaluated as JSON Schema: one that does not compile is reported here, at its node.
  records(g.policies).forEach((p, i) => {
    for (const part of ['when', 'require'] as const) {
      if (!isRecord(p[part])) continue;
      const { error: reason } = compilePolicySchema(p[part]);
      if (reason !== undefined) {
        findings.push({
          ruleId: manifestSchema.id,
          severity: 'error',
          message: `\`policies[${i}].${part}\` is not a valid JSON Schema: ${reason}`,
          path: file.path,
          span: valueSpan(doc, ['policies', i, part]),
          fixes: [],
        });
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
    sources: records(flowSection.sources).flatMap((s) => {
      const call = typeof s.call === 'string' && CALLEE.test(s.call) ? s.call : undefined;
      const attribute = typeof s.attribute === 'string' && CALLEE.test(s.attribute) ? s.attribute : undefined;
      if (typeof s.field !== 'string' || (!call && !attribute)) return [];
      const tier = typeof s.tier === 'string' ? s.tier : undefined;
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
    hub: isRecord(g.hub) && typeof g.hub.namespace === 'string' ? { namespace: g.hub.namespace } : undefined,
  };
  return {
    governance,
    findings,
    broken: errors.length > 0 || findings.some((f) => f.severity === 'error'),
    doc,
    value,
  };
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
