import { maskId, plainText, type Finding } from '../../core';
import type { CheckResult } from '../check';
import type { Regions } from './location';

/** The discovery's reasons for passing something over, in the singular. */
const SINGULAR: Record<string, string> = {
  'dependency or build folders': 'dependency or build folder',
  'ignored entries': 'ignored entry',
  'folders reached twice through links': 'folder reached twice through a link',
  'unreadable entries': 'unreadable entry',
  'files reached twice through links': 'file reached twice through a link',
  'links leading outside the folder': 'link leading outside the folder',
  'special files': 'special file',
};

/** A skipped file's note, reduced to its kind for the summary line. */
function noteKind(message: string): [string, string] {
  if (message.includes('binary')) return ['binary file', 'binary files'];
  if (message.includes('empty')) return ['empty file', 'empty files'];
  if (message.includes('limit') || message.includes('larger than'))
    return ['file over the size limit', 'files over the size limit'];
  if (message.includes('UTF-8')) return ['file that is not UTF-8', 'files that are not UTF-8'];
  if (message.startsWith('not analysed')) return ['file not analysed', 'files not analysed'];
  return ['unreadable file', 'unreadable files'];
}

/** `file:line:col`, or in a notebook `file cell 3, line 2, column 9` (`file cell 3 output` for what it printed). */
export function where(f: Finding, regions: Regions): string {
  const c = f.cell;
  if (c?.output) return `${maskId(f.path)} cell ${c.number} output`;
  if (c) return `${maskId(f.path)} cell ${c.number}, line ${c.line}, column ${c.column}`;
  const r = regions.of(f);
  return `${maskId(f.path)}:${r.startLine}:${r.startColumn}`;
}

/** `file:line:col: severity rule-id message`, one line per finding: clickable in terminals and CI logs. */
export function formatText(result: CheckResult, regions: Regions, elapsedMs: number, inBaseline = 0): string {
  const active = result.findings.filter((f) => !f.waiver);
  const lines = active.map((f: Finding) => {
    return `${where(f, regions)}: ${f.severity} ${f.ruleId} ${plainText(f.message)}`;
  });
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const count = (s: string) => plural(active.filter((f) => f.severity === s).length, s);
  const waived = result.findings.length - active.length;
  const skippedFiles = new Map<string, [number, string, string]>();
  for (const n of result.notes) {
    const [one, many] = noteKind(n.message);
    skippedFiles.set(one, [(skippedFiles.get(one)?.[0] ?? 0) + 1, one, many]);
  }
  const skipped = [
    ...[...result.skipped].map(([why, n]) => `${n} ${n === 1 ? (SINGULAR[why] ?? why) : why}`),
    ...[...skippedFiles.values()].map(([n, one, many]) => `${n} ${n === 1 ? one : many}`),
  ];
  const summary = [
    `${plural(active.length, 'finding')} (${count('error')}, ${count('warning')}, ${count('note')})`,
    waived ? `${waived} waived` : '',
    inBaseline ? `${inBaseline} in the baseline` : '',
    `in ${plural(result.filesChecked, 'file')}`,
    skipped.length ? `passed over ${skipped.join(', ')}` : '',
    `${(elapsedMs / 1000).toFixed(2)} s`,
  ].filter(Boolean);
  lines.push(summary.join('; '));
  return lines.join('\n') + '\n';
}
