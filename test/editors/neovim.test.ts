import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { CLI, REPO } from '../support/paths';
import { copyOfExamples } from '../support/workspace';

/**
 * `crownguard lsp --stdio` in an LSP client that is not VS Code: Neovim's built-in client,
 * headless. Needs Neovim 0.7 or later on PATH (`apt-get install neovim`; .ci/run installs it).
 */
it('Neovim receives the diagnostics and applies the quick fix', () => {
  const probe = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  assert.equal(probe.status, 0, 'Neovim is not installed: apt-get install neovim (the editor test needs it)');
  const ws = copyOfExamples();
  try {
    const home = path.join(ws.dir, '.nvim-home');
    mkdirSync(home);
    const out = path.join(home, 'results.json');
    const r = spawnSync(
      'nvim',
      [
        '--headless',
        '--clean',
        '-n',
        '-i',
        'NONE',
        '-c',
        `luafile ${path.join(REPO, 'test', 'editors', 'neovim.lua')}`,
      ],
      {
        cwd: ws.dir,
        encoding: 'utf8',
        timeout: 90_000,
        env: {
          ...process.env,
          HOME: home,
          XDG_CONFIG_HOME: home,
          XDG_DATA_HOME: home,
          XDG_STATE_HOME: home,
          XDG_CACHE_HOME: home,
          CROWNGUARD_CMD: JSON.stringify([process.execPath, CLI, 'lsp', '--stdio']),
          CROWNGUARD_FILE: 'src/prepare_data.py',
          CROWNGUARD_OUT: out,
        },
      },
    );
    assert.equal(r.status, 0, `nvim failed: ${r.stderr}`);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(results.error, undefined, results.error);
    assert.deepEqual(
      results.before.map((d: { line: number; col: number; code: string; source: string }) => [
        d.line,
        d.col,
        d.code,
        d.source,
      ]),
      [[12, 16, 'CG101', 'crownguard']],
    );
    assert.deepEqual(results.actions, [
      'Wrap `customer.ssn` in redact() where it enters `summary` (line 12)',
      'Wrap the whole `summary` in redact() here',
      'Waive CG101 for this statement (write the reason and the approver)',
    ]);
    // The first action redacts the SSN where it enters the summary; the log line stays as written.
    const fixed = readFileSync(path.join(ws.dir, 'src', 'prepare_data.py'), 'utf8');
    assert.match(fixed, /\{redact\(customer\.ssn\)\}"\n    logger\.info\(summary\)\n/);
    assert.equal(results.after, 0, 'the diagnostic did not clear after the fix');
  } finally {
    ws.remove();
  }
});
