import { isPlaceholderValue, scanLiterals, type LiteralClass, type LiteralMatch } from '../sensitivity/literals';
import type { Finding, Fix, Severity, Span } from '../types';
import type { RuleMeta } from './rule';

export const secretLiteral: RuleMeta = {
  id: 'CG201',
  name: 'secret-literal',
  defaultSeverity: 'error',
  summary: 'A secret (cloud key, provider or model-hub token, private key, JWT, connection string with a password) is written into a file.',
};

export const piiLiteral: RuleMeta = {
  id: 'CG202',
  name: 'pii-literal',
  defaultSeverity: 'warning',
  summary: 'Personal data (a valid SSN, card number, IBAN, or an e-mail address or phone number) is written into code, a prompt or a config.',
};

/** Where a scanned text lives, for the message: `code`, `a prompt template`, `a config`. */
export type LiteralPlace = 'code' | 'a prompt template' | 'a config file' | 'a manifest' | 'a model card';

function severity(m: LiteralMatch): Severity {
  if (m.class === 'secret') return 'error';
  return m.lowConfidence ? 'note' : 'warning';
}

function message(m: LiteralMatch, place: LiteralPlace): string {
  const masked = m.masked ? ` (${m.masked})` : '';
  if (m.class === 'secret') return `Literal ${m.kind} in ${place}; revoke it, and load it from a secret store or the environment instead`;
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
  opts: { classes?: readonly LiteralClass[]; regions?: readonly Span[]; placeholderFix?: boolean } = {},
): Finding[] {
  const regions = opts.regions ?? [{ offset: 0, length: text.length }];
  const out: Finding[] = [];
  for (const r of regions) {
    for (const m of scanLiterals(text.slice(r.offset, r.offset + r.length), opts.classes)) {
      const span = { offset: r.offset + m.offset, length: m.length };
      const fixes: Fix[] =
        opts.placeholderFix && m.class === 'pii' ? [{ title: `Replace with the placeholder <redacted:${m.key}>`, edits: [{ ...span, newText: `<redacted:${m.key}>` }], preferred: true, safe: false }] : [];
      out.push({ ruleId: m.class === 'secret' ? secretLiteral.id : piiLiteral.id, severity: severity(m), message: message(m, place), path, span, fixes });
    }
  }
  return out;
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
): Finding[] {
  const out: Finding[] = [];
  for (const a of assignments) {
    if (a.value.length < 8 || /\s/.test(a.value) || isPlaceholderValue(a.value) || !isCredential(a.name)) continue;
    out.push({
      ruleId: secretLiteral.id,
      severity: 'error',
      message: `Literal credential assigned to \`${a.name}\` in code; revoke it, and load it from a secret store or the environment instead`,
      path,
      span: a.span,
      fixes: [],
    });
  }
  return out;
}
