import { LineIndex } from './text';
import type { Finding } from './types';

/** FNV-1a, 32 bits, from a seed: two seeds give a 64-bit fingerprint without any I/O or crypto. */
function fnv(text: string, seed: number): string {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * Gives each finding a fingerprint that survives unrelated edits: it hashes the rule, the file
 * and the text of the finding's line (white space folded) with the flagged span itself masked,
 * not the line number. Masking matters: a hash of a short value such as an SSN could be
 * reversed by trying every number. Identical lines in one file are told apart by their order.
 */
export function withFingerprints(
  path: string,
  text: string,
  findings: readonly Finding[],
  /**
   * Where a finding's hash before numbering may come from instead (what was kept of an
   * unchanged definition): `line` is the finding's line, which the hash reads.
   */
  kept?: (f: Finding, line: { start: number; end: number }, compute: () => string) => string,
): Finding[] {
  if (findings.length === 0) return [];
  const lines = LineIndex.of(text);
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const line = lines.position(f.span.offset).line;
    const start = lines.lineStart(line);
    const end = lines.lineEnd(line);
    const hashOf = () => {
      const from = Math.max(start, f.span.offset);
      const to = Math.min(end, f.span.offset + f.span.length);
      // At most 100 characters either side: enough to tell findings apart, bounded on long lines.
      const context = (
        text.slice(Math.max(start, from - 100), from) +
        '\u0000' +
        text.slice(to, Math.min(end, to + 100))
      )
        .replace(/\s+/g, ' ')
        .trim();
      const base = `${f.ruleId}\u0000${path}\u0000${context}`;
      return fnv(base, 0x811c9dc5) + fnv(base, 0x050c5d1f);
    };
    const baseHash = kept ? kept(f, { start, end }, hashOf) : hashOf();
    const n = seen.get(baseHash) ?? 0;
    seen.set(baseHash, n + 1);
    const key = `${baseHash}\u0000${n}`;
    return { ...f, fingerprint: fnv(key, 0x811c9dc5) + fnv(key, 0x050c5d1f) };
  });
}
