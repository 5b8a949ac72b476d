/**
 * Precision and recall of each rule family over the labelled corpus in test/corpus/files.
 * A line labelled `expect: CG101` (in the file's own comment syntax) must have a finding of
 * that rule starting on it; a finding on any other line is a false positive.
 *
 *     npm run quality
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, LineIndex, type Engine } from '../../server/src/core';

export const CORPUS = path.resolve(__dirname, '..', '..', '..', 'test', 'corpus', 'files');

const FAMILIES: Record<string, string> = {
  CG101: 'logs',
  CG102: 'exceptions',
  CG103: 'trackers',
  CG104: 'LLM calls',
  CG105: 'uploads',
  CG106: 'prompt templates',
  CG201: 'secret literals',
  CG202: 'PII literals',
};

export interface Score {
  family: string;
  truePositives: number;
  falsePositives: string[];
  falseNegatives: string[];
}

export function scoreCorpus(engine: Engine): Score[] {
  const names = readdirSync(CORPUS).sort();
  const files = names.map((n) => ({ path: n, text: readFileSync(path.join(CORPUS, n), 'utf8') }));
  const result = engine.analyze(files, { ...DEFAULT_SETTINGS, today: '2026-11-28' });
  const scores = new Map<string, Score>(
    Object.entries(FAMILIES).map(([, f]) => [
      f,
      { family: f, truePositives: 0, falsePositives: [], falseNegatives: [] },
    ]),
  );
  for (const file of files) {
    const expected = new Set<string>();
    file.text.split(/\r?\n/).forEach((line, i) => {
      const m = /expect:\s*(CG\d{3}(?:\s*,\s*CG\d{3})*)/.exec(line);
      if (m) for (const rule of m[1].split(/\s*,\s*/)) expected.add(`${i + 1} ${rule}`);
    });
    const index = new LineIndex(file.text);
    const actual = new Set(
      result.findings
        .filter((f) => f.path === file.path && !f.waiver && FAMILIES[f.ruleId])
        .map((f) => `${index.position(f.span.offset).line + 1} ${f.ruleId}`),
    );
    for (const key of new Set([...expected, ...actual])) {
      const rule = key.split(' ')[1];
      const score = scores.get(FAMILIES[rule])!;
      if (expected.has(key) && actual.has(key)) score.truePositives++;
      else if (actual.has(key)) score.falsePositives.push(`${file.path}:${key}`);
      else score.falseNegatives.push(`${file.path}:${key}`);
    }
  }
  return [...scores.values()];
}

export function formatScores(scores: Score[]): string {
  const pct = (n: number, d: number) => (d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);
  const rows = scores.map((s) => {
    const tp = s.truePositives;
    const fp = s.falsePositives.length;
    const fn = s.falseNegatives.length;
    return `${s.family.padEnd(18)} ${String(tp).padStart(4)} ${String(fp).padStart(4)} ${String(fn).padStart(4)}  ${pct(tp, tp + fp)}  ${pct(tp, tp + fn)}`;
  });
  const misses = scores.flatMap((s) => [
    ...s.falsePositives.map((x) => `  false positive ${x}`),
    ...s.falseNegatives.map((x) => `  missed ${x}`),
  ]);
  return ['family               TP   FP   FN  precision  recall', ...rows, ...misses].join('\n') + '\n';
}

if (require.main === module) {
  void (async () => {
    const { Engine: E } = await import('../../server/src/core/index.js');
    const { loadWasm } = await import('../../server/src/host/wasm.js');
    process.stdout.write(formatScores(scoreCorpus(await E.create(loadWasm))));
  })();
}
