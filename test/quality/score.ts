/**
 * Precision and recall of each literal detector over its sample set (test/quality/samples.ts):
 * every sample is placed in a Python file, a YAML config and a prompt template, and counts once
 * per placement. A positive is found when a finding of the detector's kind covers it; a negative
 * is a false positive when any finding of that kind does.
 *
 *     npm run quality
 */
import type { Engine, Finding } from '../../server/src/core';
import { sampleSets, type Sample, type SampleSet } from './samples';

export interface DetectorScore {
  kind: string;
  truePositives: number;
  falsePositives: string[];
  falseNegatives: string[];
  trueNegatives: number;
}

type Placement = { name: string; path: string; wrap(text: string): string };

const PLACEMENTS: readonly Placement[] = [
  { name: 'py', path: 'src/quality_sample.py', wrap: (t) => `sample = '''${t}'''\n` },
  {
    name: 'yaml',
    path: 'src/quality_sample.yaml',
    wrap: (t) =>
      `sample: |\n${t
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n')}\n`,
  },
  { name: 'prompt', path: 'src/quality_sample.prompt', wrap: (t) => `Answer the customer.\n${t}\n` },
];

function found(findings: readonly Finding[], set: SampleSet): boolean {
  return findings.some(
    (f) =>
      f.ruleId === set.rule &&
      (f.message.includes(`Literal ${set.kind} `) || f.message.includes(`Literal ${set.kind};`)),
  );
}

/** A short, value-free label for a sample in the report: its set, its reason and its placement. */
function label(set: SampleSet, sample: Sample, p: Placement): string {
  return `${set.kind} [${p.name}] ${sample.why}`;
}

export function scoreDetectors(engine: Engine): DetectorScore[] {
  return sampleSets().map((set) => {
    const score: DetectorScore = {
      kind: set.kind,
      truePositives: 0,
      falsePositives: [],
      falseNegatives: [],
      trueNegatives: 0,
    };
    for (const sample of set.samples) {
      for (const p of PLACEMENTS) {
        const hit = found(engine.analyze([{ path: p.path, text: p.wrap(sample.text) }]).findings, set);
        if (sample.positive && hit) score.truePositives++;
        else if (sample.positive) score.falseNegatives.push(label(set, sample, p));
        else if (hit) score.falsePositives.push(label(set, sample, p));
        else score.trueNegatives++;
      }
    }
    return score;
  });
}

export function formatDetectorScores(scores: readonly DetectorScore[]): string {
  const pct = (n: number, d: number) => (d === 0 ? '    -  ' : `${((100 * n) / d).toFixed(1).padStart(6)}%`);
  const rows = scores.map((s) => {
    const tp = s.truePositives;
    const fp = s.falsePositives.length;
    const fn = s.falseNegatives.length;
    return `${s.kind.padEnd(36)} ${String(tp).padStart(4)} ${String(fp).padStart(4)} ${String(fn).padStart(4)} ${String(s.trueNegatives).padStart(4)} ${pct(tp, tp + fp)} ${pct(tp, tp + fn)}`;
  });
  const misses = scores.flatMap((s) => [
    ...s.falsePositives.map((x) => `  false positive: ${x}`),
    ...s.falseNegatives.map((x) => `  missed: ${x}`),
  ]);
  return (
    ['detector                               TP   FP   FN   TN  precision  recall', ...rows, ...misses].join('\n') +
    '\n'
  );
}

if (require.main === module) {
  void (async () => {
    const { Engine: E } = await import('../../server/src/core/index.js');
    const { loadWasm } = await import('../../server/src/host/wasm.js');
    process.stdout.write(formatDetectorScores(scoreDetectors(await E.create(loadWasm))));
  })();
}
