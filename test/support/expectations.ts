import assert from 'node:assert/strict';
import { LineIndex, type Finding } from '../../server/src/core';

/**
 * Inline expectations. A comment line of carets marks a span on the nearest code line above it,
 * followed by the rule id, the severity and, optionally, words the message must contain:
 *
 *     logger.info(summary)
 *     #           ^^^^^^^ CG101 error: through local variable `summary`
 *
 * Python and YAML use `#`, TypeScript `//`, prompt templates `{# ... #}`. The severity may be
 * `waived`: the finding exists and a valid waiver covers it. The annotation lines stay in the
 * text the engine sees (they are comments), so offsets match.
 */
export interface Expectation {
  line: number;
  start: number;
  end: number;
  ruleId: string;
  severity: string;
  contains?: string;
}

const ANNOTATION =
  /^(\s*(?:#|\/\/|\{#)\s*?)(\s*)(\^+)\s+(CG\d{3})\s+(error|warning|note|waived)(?::\s*(.*?))?(\s*#\})?$/;

export function parseExpectations(text: string): Expectation[] {
  const lines = text.split(/\r?\n/);
  const out: Expectation[] = [];
  let target = -1;
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m) {
      target = i;
      return;
    }
    const start = line.indexOf('^');
    out.push({
      line: target,
      start,
      end: start + m[3].length,
      ruleId: m[4],
      severity: m[5],
      contains: m[6]?.trim() || undefined,
    });
  });
  return out;
}

/**
 * Expectations kept in a sibling file, for formats with no comments (JSON Lines, CSV): one per
 * line as `LINE:START-END CG203 warning: words`, 1-based, the end column exclusive; `#` lines are
 * comments.
 */
export function parseSiblingExpectations(text: string): Expectation[] {
  const out: Expectation[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^(\d+):(\d+)-(\d+)\s+(CG\d{3})\s+(error|warning|note|waived)(?::\s*(.*))?$/.exec(line.trim());
    if (!m) continue;
    out.push({
      line: Number(m[1]) - 1,
      start: Number(m[2]) - 1,
      end: Number(m[3]) - 1,
      ruleId: m[4],
      severity: m[5],
      contains: m[6]?.trim() || undefined,
    });
  }
  return out;
}

/** Asserts that `findings` for `text` are exactly the annotated ones (or `expected`), no more, no fewer. */
export function assertExpectations(
  name: string,
  text: string,
  findings: readonly Finding[],
  expected: readonly Expectation[] = parseExpectations(text),
): void {
  const index = new LineIndex(text);
  const actual = findings.map((f) => {
    const s = index.position(f.span.offset);
    const e = index.position(f.span.offset + f.span.length);
    const end = e.line === s.line ? e.character : index.lineEnd(s.line) - index.lineStart(s.line);
    return {
      line: s.line,
      start: s.character,
      end,
      ruleId: f.ruleId,
      severity: f.waiver ? 'waived' : f.severity,
      message: f.message,
    };
  });
  const show = (x: { line: number; start: number; end: number; ruleId: string; severity: string; message?: string }) =>
    `${name}:${x.line + 1}:${x.start + 1}-${x.end + 1} ${x.ruleId} ${x.severity}${x.message ? ` ${x.message}` : ''}`;
  const unmatched = [...actual];
  const missing: Expectation[] = [];
  for (const exp of expected) {
    const i = unmatched.findIndex(
      (a) => a.line === exp.line && a.start === exp.start && a.end === exp.end && a.ruleId === exp.ruleId,
    );
    if (i < 0) {
      missing.push(exp);
      continue;
    }
    const [a] = unmatched.splice(i, 1);
    assert.equal(a.severity, exp.severity, `severity at ${show(exp)}: got ${a.severity}`);
    if (exp.contains)
      assert.ok(a.message.includes(exp.contains), `message at ${show(exp)} lacks "${exp.contains}": ${a.message}`);
  }
  assert.deepEqual(
    { missing: missing.map(show), unexpected: unmatched.map(show) },
    { missing: [], unexpected: [] },
    `findings of ${name} differ from its inline expectations`,
  );
}
