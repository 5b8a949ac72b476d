import type { Finding, TextEdit } from './types';

function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.length === 0 && b.length === 0) return a.offset === b.offset;
  return a.offset < b.offset + b.length && b.offset < a.offset + a.length;
}

/**
 * The edits of every safe preferred fix in a file, for "fix all" and `check --fix`. Identical
 * edits (the same import added by several fixes) are kept once; a fix that would touch text
 * another fix already changes is left out whole, never applied in part.
 */
export function combineFixes(findings: readonly Finding[]): TextEdit[] {
  const accepted: TextEdit[] = []; // kept sorted by offset
  const seen = new Set<string>();
  const key = (e: TextEdit) => `${e.offset}:${e.length}:${e.newText}`;
  const insertAt = (e: TextEdit) => {
    let lo = 0;
    let hi = accepted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (accepted[mid].offset < e.offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Only the neighbours of an edit's place in the sorted list can overlap it.
  const clashes = (e: TextEdit) => {
    const i = insertAt(e);
    for (let j = Math.max(0, i - 2); j < Math.min(accepted.length, i + 2); j++)
      if (overlaps(accepted[j], e)) return true;
    return false;
  };
  for (const f of findings) {
    if (f.waiver) continue;
    const fix = f.fixes.find((x) => x.preferred && x.safe);
    if (!fix) continue;
    const fresh = fix.edits.filter((e) => !seen.has(key(e)));
    if (fresh.some(clashes)) continue;
    for (const e of fresh) {
      seen.add(key(e));
      accepted.splice(insertAt(e), 0, e);
    }
  }
  return accepted;
}
