import { readFileSync, writeFileSync } from 'node:fs';
import type { Finding } from '../core';

/**
 * A baseline: the findings a team has accepted when adopting CrownGuard, by fingerprint, so
 * that moving code around does not bring them back. Messages are kept for people reading the
 * file; they never contain a sensitive value.
 */
interface BaselineFile {
  version: 1;
  findings: { fingerprint: string; ruleId: string; path: string; message: string }[];
}

export function writeBaseline(file: string, findings: readonly Finding[]): number {
  const active = findings.filter((f) => !f.waiver && f.fingerprint);
  const doc: BaselineFile = {
    version: 1,
    findings: active.map((f) => ({ fingerprint: f.fingerprint!, ruleId: f.ruleId, path: f.path, message: f.message })),
  };
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  return active.length;
}

/** Reads a baseline; throws an Error with a one-line reason when it is not one. */
export function readBaseline(file: string): Map<string, number> {
  let doc: BaselineFile;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as BaselineFile;
  } catch (err) {
    throw new Error(
      `cannot read baseline ${file}: ${err instanceof SyntaxError ? 'not JSON' : ((err as NodeJS.ErrnoException).code ?? 'unreadable')}`,
    );
  }
  if (doc?.version !== 1 || !Array.isArray(doc.findings))
    throw new Error(`${file} is not a CrownGuard baseline (version 1)`);
  const counts = new Map<string, number>();
  for (const f of doc.findings)
    if (typeof f.fingerprint === 'string') counts.set(f.fingerprint, (counts.get(f.fingerprint) ?? 0) + 1);
  return counts;
}

/** Splits findings into those the baseline accepts and the new ones (each entry accepts one). */
export function applyBaseline(
  findings: readonly Finding[],
  baseline: Map<string, number>,
): { fresh: Finding[]; known: number } {
  const left = new Map(baseline);
  const fresh: Finding[] = [];
  let known = 0;
  for (const f of findings) {
    const n = f.fingerprint ? (left.get(f.fingerprint) ?? 0) : 0;
    if (!f.waiver && n > 0) {
      left.set(f.fingerprint!, n - 1);
      known++;
    } else fresh.push(f);
  }
  return { fresh, known };
}
