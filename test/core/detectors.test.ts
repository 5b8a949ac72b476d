import assert from 'node:assert/strict';
import { it } from 'node:test';
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
