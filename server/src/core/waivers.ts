import { ANNOTATION_MARKER } from './annotation-marker';
import type { Governance } from './governance/model';
import type { SyntaxNode, Tree } from './languages/parsers';
import { LANGUAGES } from './languages/registry';
import { TEMPLATE_COMMENT_OPENERS } from './prompts/template';
import { RULES } from './rules/registry';
import { annotationProblems, invalidWaiverFindings, mayNotWaive } from './rules/invalid-waiver';
import { maskText } from './safe';
import { LineIndex } from './text';
import type { Finding, Fix, Span, Waiver } from './types';

/**
 * Policy annotations (waivers): one comment line in the file's own comment syntax,
 *
 *     # crownguard: waive CG101 policy=pii-logging reason="ids only, checked" expires=2027-03-31 approver=jane
 *
 * covering the statement on the line below it (or, written at the end of a line, that line).
 * Anchoring to the statement rather than to a line number means a formatter that moves the
 * comment or wraps the statement does not detach it.
 *
 * Where a waiver may be written: after each language's line comment, `#` in config files, and in
 * the template engines' comments. Any of them is read in any file, so that a waiver moved between
 * kinds of file is still seen (and reported if it covers nothing).
 */
const COMMENT_OPENERS = [
  ...new Set([...LANGUAGES.map((a) => a.lineComment), '#'].map((c) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))),
  ...TEMPLATE_COMMENT_OPENERS,
].join('|');
const ANNOTATION = new RegExp(`(${COMMENT_OPENERS})[ \\t]*crownguard:[ \\t]*waive\\b([^\\n]*)`, 'g');
/** A comment line on its own (or an empty line): skipped when looking for what a waiver covers. */
const COMMENT_LINE = new RegExp(`^\\s*(${COMMENT_OPENERS}|$)`);
const ATTRIBUTE = /([a-z]+)=("([^"]*)"|(\S+))/g;

interface Parsed {
  readonly waiver: Waiver;
  /** Problems with the annotation itself (no reason, unknown rule, ...), as messages. */
  readonly problems: string[];
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Nodes that hold a list of statements, in any language: a waiver covers one statement, never the list. */
const CONTAINERS = new Set(LANGUAGES.flatMap((a) => [...a.statementLists]));

/** The largest syntax node starting at `offset` below its statement list: what a waiver covers. */
function statementAt(tree: Tree | undefined, offset: number): Span | undefined {
  if (!tree) return undefined;
  let node: SyntaxNode | null = tree.rootNode.descendantForIndex(offset);
  while (node?.parent && node.parent.startIndex === node.startIndex && !CONTAINERS.has(node.parent.type))
    node = node.parent;
  if (!node || node.startIndex !== offset) return undefined;
  return { offset: node.startIndex, length: node.endIndex - node.startIndex };
}

/** Parses every annotation in a file and decides what each one covers. */
export function parseWaivers(
  path: string,
  text: string,
  tree: Tree | undefined,
  governance: Governance,
  today: string,
): Parsed[] {
  if (!text.includes(ANNOTATION_MARKER)) return [];
  const lines = new LineIndex(text);
  const knownRules = new Set(RULES.map((r) => r.id));
  const out: Parsed[] = [];
  for (const m of text.matchAll(ANNOTATION)) {
    const start = m.index;
    // The closing of a template comment, `#}`, `}}` or `--}}`, is not part of the annotation.
    const body = m[2].replace(/(#\}|(--)?\}\})\s*$/, '');
    const line = lines.position(start).line;
    const rulesText = /^\s*([A-Z]{2}\d{3}(?:\s*,\s*[A-Z]{2}\d{3})*)/.exec(body);
    const attrs = new Map<string, string>();
    // What people wrote in a waiver is shown in reports: mask anything sensitive in it.
    // An empty value (`approver=""`, as the waiver fix writes it) counts as not given.
    for (const a of body.matchAll(ATTRIBUTE)) if ((a[3] ?? a[4]).trim() !== '') attrs.set(a[1], maskText(a[3] ?? a[4]));
    const rules = rulesText ? rulesText[1].split(/\s*,\s*/) : [];

    // Written after code: covers that line. On its own line: the next line with code on it.
    const before = text.slice(lines.lineStart(line), start);
    let covers: Span;
    if (before.trim() !== '') {
      covers = { offset: lines.lineStart(line), length: lines.lineEnd(line) - lines.lineStart(line) };
    } else {
      let next = line + 1;
      while (next < lines.lineCount && COMMENT_LINE.test(text.slice(lines.lineStart(next), lines.lineEnd(next))))
        next++;
      const first =
        lines.lineStart(next) + (/^\s*/.exec(text.slice(lines.lineStart(next), lines.lineEnd(next)))?.[0].length ?? 0);
      covers = statementAt(tree, first) ?? {
        offset: lines.lineStart(next),
        length: lines.lineEnd(next) - lines.lineStart(next),
      };
    }

    const policyId = attrs.get('policy');
    const reason = attrs.get('reason')?.trim();
    const expires = attrs.get('expires');
    const approver = attrs.get('approver');
    const problems = annotationProblems(rules, attrs, knownRules, governance, today);
    out.push({
      waiver: {
        path,
        span: { offset: start, length: m[0].trimEnd().length },
        line: line + 1,
        rules,
        policy: policyId,
        reason,
        expires,
        approver,
        covers,
        valid: problems.length === 0,
      },
      problems,
    });
  }
  return out;
}

/**
 * Applies a file's waivers to its findings: a covered finding gets its waiver attached (and is
 * then hidden in the editor and suppressed in SARIF); each invalid annotation, one that may not
 * waive what it covers, and one that covers nothing become findings of their own. A waiver that
 * may not waive what it covers is returned as invalid, so the waiver report agrees with `check`.
 */
export function applyWaivers(
  path: string,
  text: string,
  tree: Tree | undefined,
  findings: Finding[],
  governance: Governance,
  opts: { today: string; inline: boolean },
): { findings: Finding[]; waivers: Waiver[] } {
  const parsed = parseWaivers(path, text, tree, governance, opts.today);
  if (parsed.length === 0) return { findings, waivers: [] };
  const out: Finding[] = [];
  const used = new Set<Parsed>();
  /** Per waiver, why it may not waive some of what it covers (each reason once). */
  const refused = new Map<Parsed, Set<string>>();
  for (const f of findings) {
    const p = parsed.find(
      (w) =>
        w.waiver.rules.includes(f.ruleId) &&
        f.span.offset >= w.waiver.covers.offset &&
        f.span.offset < w.waiver.covers.offset + Math.max(1, w.waiver.covers.length),
    );
    if (p) used.add(p);
    if (!p || !p.waiver.valid) {
      out.push(f);
      continue;
    }
    const why = mayNotWaive(p.waiver, f, governance.waiverPolicy);
    if (why) {
      refused.set(p, (refused.get(p) ?? new Set()).add(why));
      out.push(f);
    } else {
      out.push(opts.inline ? { ...f, waiver: p.waiver } : f);
    }
  }
  const extra = invalidWaiverFindings(path, parsed, used, refused);
  const waivers = parsed.map((p) => (refused.has(p) ? { ...p.waiver, valid: false } : p.waiver));
  return { findings: [...out, ...extra], waivers };
}

let lastEol: { text: string; eol: string } | undefined;

/** The file's line break. Asked once per finding, it read the whole of a large file each time. */
function eolOf(text: string): string {
  if (lastEol?.text !== text) lastEol = { text, eol: text.includes('\r\n') ? '\r\n' : '\n' };
  return lastEol.eol;
}

/**
 * The fix that writes a waiver for `finding` on the line above it, with every field the
 * governance manifest requires of it. The reason (and an approver or policy that must be named)
 * are left empty on purpose: the waiver only takes effect once a person has filled them in.
 * No fix is offered where the manifest forbids inline waivers, since none could take effect.
 */
export function waiverFix(
  text: string,
  lines: LineIndex,
  finding: Finding,
  comment: { open: string; close?: string },
  governance: Governance,
  today: string,
): Fix | undefined {
  return waiverFixer(text, lines, comment, governance, today)(finding);
}

/**
 * `waiverFix` for the findings of one text: what is the same for all of them (the expiry date,
 * the line break, each rule's policy) is worked out once, not per finding. `eol` is the text's
 * line break when the caller knows it.
 */
export function waiverFixer(
  text: string,
  lines: LineIndex,
  comment: { open: string; close?: string },
  governance: Governance,
  today: string,
  eol?: string,
): (finding: Finding) => Fix | undefined {
  const policy = governance.waiverPolicy;
  const expires = `expires=${addDays(today, Math.min(30, policy.maxDays ?? 30))}`;
  const policies = new Map<string, string | undefined>();
  const policyOf = (ruleId: string) => {
    if (!policies.has(ruleId)) policies.set(ruleId, governance.policies.find((p) => p.rules.includes(ruleId))?.id);
    return policies.get(ruleId);
  };
  let lineBreak = eol;
  return (finding) => {
    const tier = finding.classification?.tier;
    if (tier && policy.forbidInlineForTiers.includes(tier)) return undefined;
    const line = lines.position(finding.span.offset).line;
    const start = lines.lineStart(line);
    const indent = /^[ \t]*/.exec(text.slice(start, lines.lineEnd(line)))?.[0] ?? '';
    const policyId = policyOf(finding.ruleId);
    lineBreak ??= eolOf(text);
    const fields = [
      `crownguard: waive ${finding.ruleId}`,
      policyId ? `policy=${policyId}` : policy.requirePolicy ? 'policy=""' : '',
      'reason=""',
      expires,
      finding.classification?.crownJewel && policy.requireApproverForCrownJewel ? 'approver=""' : '',
    ];
    const annotation = fields.filter(Boolean).join(' ');
    const missing = [
      'the reason',
      ...(fields[4] ? ['the approver'] : []),
      ...(fields[1] === 'policy=""' ? ['the policy'] : []),
    ];
    return {
      title: `Waive ${finding.ruleId} for this statement (write ${missing.join(' and ')})`,
      edits: [
        {
          offset: start,
          length: 0,
          newText: `${indent}${comment.open} ${annotation}${comment.close ? ` ${comment.close}` : ''}${lineBreak}`,
        },
      ],
      safe: false,
    };
  };
}
