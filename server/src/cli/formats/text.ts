import type { Finding } from '../../core';
import type { CheckResult } from '../check';
import type { Regions } from './location';

/** `file:line:col: severity rule-id message`, one line per finding: clickable in terminals and CI logs. */
export function formatText(result: CheckResult, regions: Regions, elapsedMs: number): string {
  const lines = result.findings.map((f: Finding) => {
    const r = regions.of(f);
    return `${f.path}:${r.startLine}:${r.startColumn}: ${f.severity} ${f.ruleId} ${f.message}`;
  });
  const count = (s: string) => result.findings.filter((f) => f.severity === s).length;
  const skipped = [...result.skipped].map(([why, n]) => `${n} ${why}`);
  const summary = [
    `${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} (${count('error')} errors, ${count('warning')} warnings, ${count('note')} notes)`,
    `in ${result.filesChecked} file${result.filesChecked === 1 ? '' : 's'}`,
    skipped.length ? `passed over ${skipped.join(', ')}` : '',
    `${(elapsedMs / 1000).toFixed(2)} s`,
  ].filter(Boolean);
  lines.push(summary.join('; '));
  return lines.join('\n') + '\n';
}
