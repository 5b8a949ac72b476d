// Runs the in-host mocha suite (suite/) in a real VS Code through @vscode/test-electron's
// runTests. On this kind of machine the "VS Code executable" is code-server-shim (code-server
// in headless chromium); with CROWNGUARD_VSCODE=download, runTests downloads VS Code 1.100.3
// as it does on a connected machine with a display.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { it } from 'node:test';
import { runTests } from '@vscode/test-electron';
import { CACHE, REPO } from './workbench';

it('the in-editor suite passes in a real VS Code, on a copy of examples/', async () => {
  mkdirSync(path.join(CACHE, 'runs'), { recursive: true });
  const run = mkdtempSync(path.join(CACHE, 'runs', 'examples-'));
  // The copy lives outside the repository: inside it, the repository's .gitignore (which lists
  // .vscode-test/) would hide the copy's manifests from the server's workspace scan.
  const copy = mkdtempSync(path.join(tmpdir(), 'crownguard-e2e-'));
  const workspace = path.join(copy, 'examples');
  cpSync(path.join(REPO, 'examples'), workspace, { recursive: true });
  const download = process.env.CROWNGUARD_VSCODE === 'download';
  const started = Date.now();
  try {
    await runTests({
      ...(download ? { version: '1.100.3' } : { vscodeExecutablePath: path.join(REPO, 'test', 'vscode', 'code-server-shim') }),
      extensionDevelopmentPath: REPO,
      extensionTestsPath: path.join(REPO, 'out', 'test', 'vscode', 'suite', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${path.join(run, 'user-data')}`, `--extensions-dir=${path.join(run, 'extensions')}`],
    });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  console.log(`in-editor suite: ${((Date.now() - started) / 1000).toFixed(1)} s including start-up`);
});
