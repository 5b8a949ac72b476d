import assert from 'node:assert/strict';
import { it } from 'node:test';
import { seededRandom } from '../../server/src/core';
import { detectorHints } from '../../server/src/core/sensitivity/literals';
import { formatDetectorScores, scoreDetectors } from '../quality/score';
import { sampleSets } from '../quality/samples';
import { engine } from '../support/engine';

it('every literal detector finds its positives and none of its negatives, in code, config and prompt', async () => {
  const scores = scoreDetectors(await engine());
  assert.equal(scores.length, sampleSets().length);
  for (const s of scores) assert.ok(s.truePositives > 0 && s.trueNegatives > 0, `${s.kind} has no samples of one side`);
  const misses = scores.flatMap((s) => [...s.falsePositives, ...s.falseNegatives]);
  assert.deepEqual(misses, [], formatDetectorScores(scores));
});

it("every match of a detector's hint holds one of its anchors, so one pass can tell which hints to run", () => {
  // Text made of pieces of the hints, in every case, and of single characters: 200,000 strings.
  const r = seededRandom(5);
  const pieces = [
    ...'AKSIBCaksibcghpousr_it-lvexmnfzPRVTEYJyj:/@ 019',
    ...['AKIA', 'ASIA', 'ABIA', 'AIA', 'ACCA', 'aws', 'AWS', 'Aws', 'secret', 'SECRET', 'Secret', 'gh', 'github'],
    ...['_pat_', 'npm', 'xox', 'xapp', '_live', 'live_', 'sk', 'ant', 'hf', 'api_org', 'AIza', 'aIZA', 'PRIVATE'],
    ...['private', 'KEY', 'eyJ', 'EYJ', '://', 'u:p@', 'host', 'sk-', 'ant-', '_live_', 'github_pat_', 'PRIVATE KEY'],
  ];
  const pick = () => pieces[Math.floor(r() * pieces.length)];
  const fold = (t: string) => t.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/[\u0080-\uffff]/g, '\u0080');
  const hints = detectorHints().filter((d) => d.anchors);
  assert.ok(hints.length >= 13, `${hints.length} detectors with anchors`);
  const matched = new Map<string, number>();
  for (let n = 0; n < 200_000; n++) {
    const text = Array.from({ length: 10 }, pick).join('');
    for (const d of hints) {
      const global = new RegExp(d.hint!.source, `${d.hint!.flags}g`);
      for (const m of text.matchAll(global)) {
        assert.ok(
          d.anchors!.some((a) => fold(m[0]).includes(fold(a))),
          `${d.key}: ${JSON.stringify(m[0])} holds none of ${d.anchors!.join(', ')}`,
        );
        matched.set(d.key, (matched.get(d.key) ?? 0) + 1);
      }
    }
  }
  // Every anchored hint must have matched often enough for the check to say something.
  for (const d of hints)
    assert.ok((matched.get(d.key) ?? 0) >= 20, `${d.key} matched ${matched.get(d.key) ?? 0} times`);
});
