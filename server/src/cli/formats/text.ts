import type { Finding } from '../../core';
import type { CheckResult } from '../check';
import type { Regions } from './location';

/** `file:line:col: severity rule-id message`, one line per finding: clickable in terminals and CI logs. */
export function formatText(result: CheckResult, regions: Regions, elapsedMs: number): string {
  const active = result.findings.filter((f) => !f.waiver);
  const lines = active.map((f: Finding) => {
    const r = regions.of(f);
    return `${f.path}:${r.startLine}:${r.startColumn}: ${f.severity} ${f.ruleId} ${f.message}`;
  });
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const count = (s: string) => plural(active.filter((f) => f.severity === s).length, s);
  const waived = result.findings.length - active.length;
  const skipped = [...result.skipped].map(([why, n]) => `${n} ${why}`);
  const summary = [
    `${plural(active.length, 'finding')} (${count('error')}, ${count('warning')}, ${count('note')})`,
    waived ? `${waived} waived` : '',
    `in ${plural(result.filesChecked, 'file')}`,
    skipped.length ? `passed over ${skipped.join(', ')}` : '',
    `${(elapsedMs / 1000).toFixed(2)} s`,
  ].filter(Boolean);
  lines.push(summary.join('; '));
  return lines.join('\n') + '\n';
}
