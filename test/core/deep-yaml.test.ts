import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { tooDeepAt, MAX_YAML_DEPTH } from '../../server/src/core/yaml/depth';

const CORE = path.resolve(__dirname, '../../server/src/core/index.js');

/**
 * Runs `body` in a fresh Node process, so that an abort (which no try/catch sees) shows as a
 * non-zero exit instead of killing the test runner. `text` is the document, `core` the core.
 */
function inChild(
  body: string,
  text: string,
): { status: number | null; signal: string | null; stdout: string; stderr: string; ms: number } {
  const script = `const core = require(${JSON.stringify(CORE)}); const text = require('node:fs').readFileSync(0, 'utf8'); ${body}`;
  const t = Date.now();
  const r = spawnSync(process.execPath, ['-e', script], { input: text, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t };
}

const GOVERNANCE = path.resolve(__dirname, '../../server/src/core/governance/model.js');
const N = 20_000;
const DOCUMENTS: Record<string, string> = {
  'nested flow sequences': 'stages: ' + '['.repeat(N) + ']'.repeat(N) + '\n',
  'nested flow mappings': 'stages: ' + '{a: '.repeat(N) + '1' + '}'.repeat(N) + '\n',
  'nested block sequences on one line': 'stages:\n' + '- '.repeat(N) + 'x\n',
  'nested block mappings': Array.from({ length: 2_000 }, (_, i) => ' '.repeat(i) + `k${i}:`).join('\n') + ' 1\n',
};

describe('editing help on YAML nested far deeper than any manifest', () => {
  for (const [name, text] of Object.entries(DOCUMENTS)) {
    it(`hover, completion, links and outline answer on ${name}, in a process that survives`, () => {
      const offsets = [2, 9, Math.floor(text.length / 2), text.length - 2];
      const body = `
        const index = { declarations: [], references: [], carried: new Map(), governance: require(${JSON.stringify(GOVERNANCE)}).DEFAULT_GOVERNANCE };
        for (const offset of ${JSON.stringify(offsets)}) {
          core.describeKeyAt(text, offset, 'pipeline');
          core.completeAt(text, offset, 'pipeline', index);
        }
        core.linkCandidates(text, 'pipeline');
        core.outline(text);
        console.log('alive');`;
      const r = inChild(body, text);
      assert.equal(r.signal, null, r.stderr.slice(0, 400));
      assert.equal(r.status, 0, r.stderr.slice(0, 400));
      assert.match(r.stdout, /alive/);
      assert.ok(r.ms < 30_000, `took ${r.ms} ms`);
    });
  }

  it('finds the spot where nesting passes the limit, and passes over what only looks deep', () => {
    assert.equal(
      tooDeepAt('a: ' + '['.repeat(MAX_YAML_DEPTH) + ']'.repeat(MAX_YAML_DEPTH)),
      'a: '.length + MAX_YAML_DEPTH - 1,
    );
    assert.equal(tooDeepAt('a: ' + '['.repeat(MAX_YAML_DEPTH - 1) + ']'.repeat(MAX_YAML_DEPTH - 1)), undefined);
    assert.equal(tooDeepAt(`a: "${'['.repeat(1000)}"\nb: '${'{'.repeat(1000)}'\n# ${'['.repeat(1000)}\n`), undefined);
    assert.equal(tooDeepAt(`a: |\n  ${'['.repeat(1000)}\n  more\nb: 1\n`), undefined);
  });
});
