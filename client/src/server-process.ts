import { fork, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { workspace } from 'vscode';

/** An extension host under a debugger starts the server under one too (attach on port 6019). */
const DEBUGGING = process.execArgv.some((a) => /^--(inspect|debug)(-brk)?(=|$)/.test(a));

/**
 * The server, beside this bundle in dist/: through the entry that compiles it with V8's code
 * cache (a start skips most of compiling it), or, under a debugger, the bundle itself.
 */
const SERVER_MODULE = path.join(__dirname, DEBUGGING ? 'server.js' : 'server-cached.js');

/** A process forked early and never claimed (activation failed) is stopped after this long. */
const UNCLAIMED_MS = 60_000;

/** The first workspace folder on disk, the server's working directory as the language client sets it. */
function workingDirectory(): string | undefined {
  const folder = workspace.workspaceFolders?.[0]?.uri;
  if (folder?.scheme !== 'file') return undefined;
  try {
    return statSync(folder.fsPath).isDirectory() ? folder.fsPath : undefined;
  } catch {
    return undefined;
  }
}

function forkServer(): ChildProcess {
  return fork(SERVER_MODULE, ['--stdio', `--clientProcessId=${process.pid}`], {
    // VS Code's own executable is Electron's: this variable makes it run the bundle as Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    execArgv: DEBUGGING ? ['--nolazy', '--inspect=6019'] : [],
    cwd: workingDirectory(),
    // Piped, not inherited: the protocol is spoken over stdin and stdout, stderr goes to the output.
    silent: true,
  });
}

let early: { process: ChildProcess; at: number; timer: NodeJS.Timeout } | undefined;

/**
 * Forks the server as this bundle begins to load (early-fork.ts is its first module), before
 * the language client library is initialised. The editor calls activate() a while later (it prepares
 * the extension's context first: most of a second on a busy machine), and Node then loading the
 * server bundle is the longest step before a first squiggle; forked here, the two overlap.
 * Not under a debugger, where the server waits for one on a fixed port.
 */
export function forkServerEarly(): void {
  if (DEBUGGING || early) return;
  try {
    const p = forkServer();
    const timer = setTimeout(() => {
      if (early?.process === p) early = undefined;
      p.kill();
    }, UNCLAIMED_MS);
    timer.unref();
    early = { process: p, at: Date.now(), timer };
  } catch {
    // The language client forks it in activate() instead.
  }
}

/** When the early fork happened (Date.now()), if it did. */
export function earlyForkTime(): number | undefined {
  return early?.at;
}

/**
 * The server's process for the language client: the one forked as the bundle began to load, the first
 * time if it is still running, otherwise a new one (a restart, or a server that stopped).
 */
export async function serverProcess(): Promise<{ process: ChildProcess; detached: boolean }> {
  const claimed = early;
  early = undefined;
  if (claimed) clearTimeout(claimed.timer);
  if (claimed && claimed.process.exitCode === null && claimed.process.signalCode === null)
    return { process: claimed.process, detached: false };
  return { process: forkServer(), detached: false };
}

/** Stops an early process nobody claimed (the extension is deactivated before it started its client). */
export function stopUnclaimedServer(): void {
  const unclaimed = early;
  early = undefined;
  if (!unclaimed) return;
  clearTimeout(unclaimed.timer);
  unclaimed.process.kill();
}
