// Stands in for the VS Code executable that @vscode/test-electron's runTests starts. It takes
// the same command line (a folder, --extensionDevelopmentPath, --extensionTestsPath,
// --user-data-dir, --extensions-dir; the Electron flags are ignored), starts code-server on
// loopback, opens the workbench in headless chromium with the extension-test payload in its
// URL, prints what the extension host logs, and exits with the suite's code.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { CACHE, launchBrowser, newPage, startCodeServer } from './workbench';

/** A whole run (start, activation, suite) longer than this is a hang, reported as a failure. */
const RUN_LIMIT_MS = Number(process.env.CROWNGUARD_E2E_LIMIT_MS ?? 10 * 60 * 1000);

/** Workbench chatter that says nothing about the suite (the gallery is disabled on purpose). */
const NOISE =
  /^(Ignoring fetching additional builtin extensions from gallery|Creating a socket|Resolving connection token|Resolved connection token|ChatSessionStore: Migrating|\[Service Worker\] registered|Updating additional builtin extensions cache)/;

function parse(argv: string[]): { folder?: string; flags: Map<string, string> } {
  const flags = new Map<string, string>();
  let folder: string | undefined;
  for (const a of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (m) flags.set(m[1], m[2]);
    else if (!a.startsWith('--') && folder === undefined) folder = a;
  }
  return { folder, flags };
}

async function main(): Promise<number> {
  const { folder, flags } = parse(process.argv.slice(2));
  const dev = flags.get('extensionDevelopmentPath');
  const tests = flags.get('extensionTestsPath');
  if (!dev || !tests || !folder) {
    console.error('usage: code-server-shim FOLDER --extensionDevelopmentPath=DIR --extensionTestsPath=FILE');
    return 2;
  }
  mkdirSync(path.join(CACHE, 'runs'), { recursive: true });
  const runDir = mkdtempSync(path.join(CACHE, 'runs', 'host-'));
  const serverLog: string[] = [];
  // --user-data-dir and --extensions-dir are not followed: every run gets fresh ones in runDir.
  const server = await startCodeServer({ runDir, log: (l) => serverLog.push(l) });
  // Stopped from outside (runTests on Ctrl+C, CI's time limit): take code-server's process
  // group down too, rather than leave it running detached.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void server.stop().finally(() => process.exit(1)));
  }
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let code = 1;
  try {
    browser = await launchBrowser();
    const page = await newPage(browser);
    const exit = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (c: number) => resolve(c));
    });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      // The host's console calls arrive as their arguments, printf-style (mocha's reporter uses %s).
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (NOISE.test(text)) return;
      (type === 'error' ? console.error : console.log)(text);
    });
    const url = server.url(path.resolve(folder), [
      ['extensionDevelopmentPath', server.remote(path.resolve(dev))],
      ['extensionTestsPath', server.remote(path.resolve(tests))],
    ]);
    // The workbench's first load can take over a minute on a busy two-core machine.
    await page.goto(url, { timeout: 180_000 });
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        console.error(`The extension test run did not finish within ${RUN_LIMIT_MS / 1000} s.`);
        resolve(1);
      }, RUN_LIMIT_MS);
    });
    code = await Promise.race([exit, limit]);
    clearTimeout(timer);
  } catch (err) {
    console.error(err instanceof Error ? err.stack : String(err));
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
  }
  // A failed run's folder (settings, logs) is kept for a look; a passing one is removed.
  if (code !== 0)
    console.error(`code-server's last lines:\n${serverLog.slice(-40).join('\n')}\n(run folder kept: ${runDir})`);
  else rmSync(runDir, { recursive: true, force: true });
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exit(1);
  },
);
