// Runs the in-host mocha suites (suite/) in a real VS Code through @vscode/test-electron's
// runTests. On this kind of machine the "VS Code executable" is code-server-shim (code-server
// in headless chromium); with CROWNGUARD_VSCODE=download, runTests downloads VS Code 1.100.3
// as it does on a connected machine with a display.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { it } from 'node:test';
import { runTests } from '@vscode/test-electron';
import { REPO } from './workbench';

/**
 * Copies the given folders into a temporary workspace and runs one suite there. The copy lives
 * outside the repository: inside it, the repository's .gitignore (which lists .vscode-test/)
 * would hide the copy's manifests from the server's workspace scan.
 */
async function runSuite(
  suite: string,
  folders: Record<string, string>,
  open: (workspace: string) => string,
): Promise<void> {
  const copy = mkdtempSync(path.join(tmpdir(), 'crownguard-e2e-'));
  for (const [name, from] of Object.entries(folders)) cpSync(from, path.join(copy, name), { recursive: true });
  const download = process.env.CROWNGUARD_VSCODE === 'download';
  const started = Date.now();
  try {
    await runTests({
      ...(download
        ? { version: '1.100.3' }
        : { vscodeExecutablePath: path.join(REPO, 'test', 'vscode', 'code-server-shim') }),
      extensionDevelopmentPath: REPO,
      extensionTestsPath: path.join(REPO, 'out', 'test', 'vscode', 'suite', 'index.js'),
      extensionTestsEnv: { CROWNGUARD_E2E_SUITE: suite },
      // Fresh profile folders for a downloaded VS Code; the code-server shim makes its own.
      launchArgs: [
        open(copy),
        '--disable-extensions',
        `--user-data-dir=${path.join(copy, '.profile', 'user-data')}`,
        `--extensions-dir=${path.join(copy, '.profile', 'extensions')}`,
      ],
    });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  console.log(`${suite} suite: ${((Date.now() - started) / 1000).toFixed(1)} s including start-up`);
}

it('the in-editor suite passes in a real VS Code, on a copy of examples/', () =>
  runSuite('extension', { examples: path.join(REPO, 'examples') }, (ws) => path.join(ws, 'examples')));

it('the multi-root suite passes: two folders, each with its own governance manifest', () =>
  runSuite(
    'multiroot',
    { examples: path.join(REPO, 'examples'), clinic: path.join(REPO, 'test', 'vscode', 'multiroot', 'clinic') },
    (ws) => {
      const file = path.join(ws, 'two-teams.code-workspace');
      writeFileSync(file, JSON.stringify({ folders: [{ path: 'examples' }, { path: 'clinic' }] }, null, 2));
      return file;
    },
  ));
