import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatScores, scoreCorpus } from '../corpus/score';
import { engine } from '../support/engine';

it('the labelled corpus: every positive found, no negative flagged', async () => {
  const scores = scoreCorpus(await engine());
  assert.ok(scores.reduce((n, s) => n + s.truePositives, 0) >= 40, 'the corpus is smaller than expected');
  const misses = scores.flatMap((s) => [...s.falsePositives, ...s.falseNegatives]);
  assert.deepEqual(misses, [], formatScores(scores));
});
