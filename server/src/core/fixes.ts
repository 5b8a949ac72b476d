import type { Finding, TextEdit } from './types';

function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.length === 0 && b.length === 0) return a.offset === b.offset;
  return a.offset < b.offset + b.length && b.offset < a.offset + a.length;
}

function same(a: TextEdit, b: TextEdit): boolean {
  return a.offset === b.offset && a.length === b.length && a.newText === b.newText;
}

/**
 * The edits of every safe preferred fix in a file, for "fix all" and `check --fix`. Identical
 * edits (the same import added by several fixes) are kept once; a fix that would touch text
 * another fix already changes is left out whole, never applied in part.
 */
export function combineFixes(findings: readonly Finding[]): TextEdit[] {
  const accepted: TextEdit[] = [];
  for (const f of findings) {
    if (f.waiver) continue;
    const fix = f.fixes.find((x) => x.preferred && x.safe);
    if (!fix) continue;
    const fresh = fix.edits.filter((e) => !accepted.some((a) => same(a, e)));
    if (fresh.some((e) => accepted.some((a) => overlaps(a, e)))) continue;
    accepted.push(...fresh);
  }
  return accepted.sort((a, b) => a.offset - b.offset);
}
