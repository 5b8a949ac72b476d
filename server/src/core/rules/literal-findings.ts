import { isTrainingConfig } from '../formats/model';
import type { Governance } from '../governance/model';
import type { Glob } from '../sensitivity/glob';
import { fileRole, testPathGlob, type FileRole } from '../sensitivity/location';
import {
  isPlaceholderValue,
  isPublishedKey,
  scanLiterals,
  type LiteralClass,
  type LiteralMatch,
} from '../sensitivity/literals';
import { isNameNotSecret } from '../sensitivity/names';
import type { Finding, Fix, Severity, Span } from '../types';
import type { Rule, RuleMeta, WorkspaceRuleContext } from './rule';

export const secretLiteral: Rule = {
  id: 'CG201',
  name: 'secret-literal',
  defaultSeverity: 'error',
  summary:
    'A secret (cloud key, provider or model-hub token, private key, JWT, connection string with a password) is written into a file.',
  // The literals of every file are found with its text; a fine-tuning config also names the keys that hold a credential.
  workspace: (ctx) => configCredentials(ctx),
};

/** Credentials written under a fine-tuning config's credential keys, whatever they look like. */
function configCredentials({ configs }: WorkspaceRuleContext): Finding[] {
  return configs.flatMap((c) =>
    !isTrainingConfig(c)
      ? []
      : c.training.secrets.map((s) => ({
          ruleId: secretLiteral.id,
          severity: 'error' as const,
          message: `\`${s.value}\` holds a credential written into the config; revoke it, and pass it through the environment instead`,
          path: c.path,
          span: s.span,
          fixes: [],
        })),
  );
}

export const piiLiteral: RuleMeta = {
  id: 'CG202',
  name: 'pii-literal',
  defaultSeverity: 'warning',
  summary:
    'Personal data (a valid SSN, card number, IBAN, or an e-mail address or phone number) is written into code, a prompt or a config.',
};

/** Where a scanned text lives, for the message: `code`, `a prompt template`, `a config`. */
export type LiteralPlace =
  | 'code'
  | 'a prompt template'
  | 'a config file'
  | 'a manifest'
  | 'a model card'
  | 'a notebook cell'
  | 'a notebook output';

/** How the governance manifest tunes the literal rules; every field has a default. */
export interface LiteralTuning {
  /** Extra globs for test data, beyond the conventions `fileRole` knows. */
  readonly testPaths?: readonly Glob[];
  /** Finding fingerprints the organisation has reviewed and accepted. */
  readonly allowFingerprints?: ReadonlySet<string>;
  readonly allowedEmailDomains?: readonly string[];
  /** Report literal PII in tests, examples and docs at its usual severity. */
  readonly reportTestData?: boolean;
  /** The governance manifest's folder: paths are classified relative to it. */
  readonly root?: string;
}

const tunings = new WeakMap<Governance, LiteralTuning>();

/** The literal rules' tuning under a governance manifest, compiled once per manifest. */
export function literalTuning(g: Governance): LiteralTuning {
  let t = tunings.get(g);
  if (!t) {
    const l = g.literals;
    const slash = g.path ? Math.max(g.path.lastIndexOf('/'), g.path.lastIndexOf('\\')) : -1;
    t = {
      testPaths: (l?.testPaths ?? []).map(testPathGlob),
      allowFingerprints: new Set(l?.allowFingerprints ?? []),
      allowedEmailDomains: l?.allowedEmailDomains ?? [],
      reportTestData: l?.reportTestData === true,
      root: slash > 0 ? g.path!.slice(0, slash) : undefined,
    };
    tunings.set(g, t);
  }
  return t;
}

/** Literal findings of one rule in one file beyond this many become one summary finding. */
export const DEFAULT_MAX_LITERAL_FINDINGS = 20;

/** Roles whose literal personal data is taken to be synthetic: reported as a note. */
const SYNTHETIC_ROLES: ReadonlySet<FileRole> = new Set(['test', 'example', 'docs']);

function severity(m: LiteralMatch, role: FileRole, tuning: LiteralTuning): Severity {
  const synthetic = SYNTHETIC_ROLES.has(role) && tuning.reportTestData !== true;
  // A secret in a provider's live format is a leak wherever it is; an unstructured one in a test is a fixture.
  if (m.class === 'secret') return m.live || !synthetic ? 'error' : 'note';
  return m.lowConfidence || synthetic ? 'note' : 'warning';
}

/** Lines that credit a person on purpose: licence headers, authors and maintainers lists. */
const CREDIT_LINE = /copyright|\(c\)|licen[cs]ed|spdx|author|maintainer|contributor|owner|contact_?e-?mails?/i;

function creditLine(text: string, offset: number): boolean {
  const start = text.lastIndexOf('\n', offset) + 1;
  const end = text.indexOf('\n', offset);
  return CREDIT_LINE.test(text.slice(start, Math.min(end < 0 ? text.length : end, start + 400)));
}

function message(m: LiteralMatch, place: LiteralPlace): string {
  const masked = m.masked ? ` (${m.masked})` : '';
  if (m.class === 'secret')
    return `Literal ${m.kind} in ${place}; revoke it, and load it from a secret store or the environment instead`;
  return `Literal ${m.kind}${masked} in ${place}; use synthetic data or a placeholder`;
}

/**
 * Findings for the secrets and PII in `text` (or in the given regions of it, e.g. a file's
 * string literals). `placeholderFix` offers to replace a PII value with a placeholder.
 */
export function literalFindings(
  path: string,
  text: string,
  place: LiteralPlace,
  opts: {
    classes?: readonly LiteralClass[];
    regions?: readonly Span[];
    placeholderFix?: boolean;
    tuning?: LiteralTuning;
    /** The literal anchors a pass over the whole text found (see `ScanOptions.anchorsHeld`). */
    anchorsHeld?: Uint8Array;
  } = {},
): Finding[] {
  const regions = opts.regions ?? [{ offset: 0, length: text.length }];
  const tuning = opts.tuning ?? {};
  const role = fileRole(path, tuning.testPaths, tuning.root);
  const out: Finding[] = [];
  for (const r of regions) {
    for (const m of scanLiterals(text.slice(r.offset, r.offset + r.length), opts.classes, {
      allowedEmailDomains: tuning.allowedEmailDomains,
      anchorsHeld: opts.anchorsHeld,
    })) {
      const span = { offset: r.offset + m.offset, length: m.length };
      // Package metadata and credit lines name people on purpose: that is not personal data to report.
      if (m.class === 'pii' && m.lowConfidence && (role === 'metadata' || creditLine(text, span.offset))) continue;
      const fixes: Fix[] =
        opts.placeholderFix && m.class === 'pii'
          ? [
              {
                title: `Replace with the placeholder <redacted:${m.key}>`,
                edits: [{ ...span, newText: `<redacted:${m.key}>` }],
                preferred: true,
                safe: false,
              },
            ]
          : [];
      out.push({
        ruleId: m.class === 'secret' ? secretLiteral.id : piiLiteral.id,
        severity: severity(m, role, tuning),
        message: message(m, place),
        path,
        span,
        fixes,
      });
    }
  }
  return out;
}

/**
 * At most `max` literal findings per rule in one file, and then one summary finding at the next
 * one's place, so that a data dump does not bury every other finding. The most severe are kept.
 */
export function boundLiteralFindings(
  findings: readonly Finding[],
  max: number = DEFAULT_MAX_LITERAL_FINDINGS,
): Finding[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.ruleId !== secretLiteral.id && f.ruleId !== piiLiteral.id) continue;
    const list = byRule.get(f.ruleId);
    if (list) list.push(f);
    else byRule.set(f.ruleId, [f]);
  }
  const dropped = new Set<Finding>();
  const summaries: Finding[] = [];
  for (const [ruleId, list] of byRule) {
    if (list.length <= max) continue;
    const rank = { error: 0, warning: 1, note: 2 } as const;
    const ordered = [...list].sort((a, b) => rank[a.severity] - rank[b.severity] || a.span.offset - b.span.offset);
    const rest = ordered.slice(max);
    for (const f of rest) dropped.add(f);
    const first = rest.reduce((a, b) => (b.span.offset < a.span.offset ? b : a));
    summaries.push({
      ruleId,
      severity: rest.reduce<Severity>((s, f) => (rank[f.severity] < rank[s] ? f.severity : s), 'note'),
      message: `And ${rest.length.toLocaleString('en-US')} more ${ruleId === secretLiteral.id ? 'literal secrets' : 'literal personal values'} in this file, not listed one by one`,
      path: first.path,
      span: first.span,
      fixes: [],
    });
  }
  if (summaries.length === 0) return [...findings];
  return [...findings.filter((f) => !dropped.has(f)), ...summaries];
}

/** Finding fingerprints the governance manifest accepts are not reported. */
export function withoutAllowed(findings: readonly Finding[], allowed: ReadonlySet<string> | undefined): Finding[] {
  if (!allowed || allowed.size === 0) return [...findings];
  return findings.filter((f) => !(f.fingerprint && allowed.has(f.fingerprint)));
}

/**
 * String literals assigned to a name that is a credential (`DB_PASSWORD = "..."`,
 * `const apiKey = "..."`): a secret written into code even when no token pattern matches it.
 * Empty strings, short ones and placeholders (`changeme`, `${VAR}`, `<password>`) are left alone.
 */
export function assignedCredentials(
  path: string,
  assignments: readonly { name: string; value: string; span: Span }[],
  isCredential: (name: string) => boolean,
  tuning: LiteralTuning = {},
): Finding[] {
  const out: Finding[] = [];
  const synthetic = SYNTHETIC_ROLES.has(fileRole(path, tuning.testPaths, tuning.root));
  for (const a of assignments) {
    if (
      a.value.length < 8 ||
      /\s/.test(a.value) ||
      isPlaceholderValue(a.value) ||
      isNameNotSecret(a.name, a.value) ||
      isPublishedKey(a.value) ||
      !isCredential(a.name)
    )
      continue;
    out.push({
      ruleId: secretLiteral.id,
      // A password written into a test is the test's own fixture; elsewhere it is a leak.
      severity: synthetic ? 'note' : 'error',
      message: `Literal credential assigned to \`${a.name}\` in code; revoke it, and load it from a secret store or the environment instead`,
      path,
      span: a.span,
      fixes: [],
    });
  }
  return out;
}
