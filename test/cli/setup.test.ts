import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { it } from 'node:test';
import { REPO } from '../support/paths';

it('the test set-up stops before anything runs, naming every missing piece and the one command that installs them', () => {
  // With nothing on PATH, no command the tests need can be found (nor apt-get to install it).
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: path.join(REPO, 'no-such-folder') };
  delete env.CROWNGUARD_CHROMIUM;
  const r = spawnSync(process.execPath, [path.join(REPO, 'test', 'setup.mjs'), '--check'], {
    cwd: REPO,
    env,
    encoding: 'utf8',
  });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  const wanted = ['neovim', 'chromium', 'ripgrep', 'build-essential', 'python3'];
  for (const pkg of wanted) assert.match(r.stderr, new RegExp(`^  ${pkg} +\\S`, 'm'), `names ${pkg}`);
  const commands = r.stderr.split('\n').filter((l) => /apt-get install/.test(l));
  assert.equal(commands.length, 1, r.stderr);
  for (const pkg of wanted) assert.ok(commands[0].split(' ').includes(pkg), `${commands[0]} installs ${pkg}`);
});
