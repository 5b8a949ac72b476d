// Starts a real VS Code (code-server 4.100.3, installed by install-code-server.mjs) on
// loopback and opens its workbench in Debian's headless chromium through playwright-core.
// Used by the test-electron shim (in-host suite) and by the UI smoke test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const CACHE = path.join(REPO, '.vscode-test');
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_ENTRY = path.join(
  CACHE,
  `code-server-${CODE_SERVER_VERSION}`,
  'node_modules',
  'code-server',
  'out',
  'node',
  'entry.js',
);

/** Debian's chromium; CROWNGUARD_CHROMIUM overrides it. */
export function chromiumPath(): string {
  return process.env.CROWNGUARD_CHROMIUM ?? '/usr/bin/chromium';
}

/** What is missing for a real-editor run, as a message saying how to get it; undefined when ready. */
export function missingPrerequisites(): string | undefined {
  if (!existsSync(CODE_SERVER_ENTRY))
    return `code-server ${CODE_SERVER_VERSION} is not installed: run \`node test/vscode/install-code-server.mjs\``;
  if (!existsSync(chromiumPath()))
    return `no chromium at ${chromiumPath()}: \`apt-get install chromium\` or set CROWNGUARD_CHROMIUM`;
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Settings every run starts with: no auto save (it would rewrite the fixtures), no welcome page. */
const USER_SETTINGS = {
  'files.autoSave': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'editor.hover.delay': 300,
  'window.restoreWindows': 'none',
};

export interface CodeServer {
  readonly port: number;
  readonly origin: string;
  /** The workbench URL for a folder or a .code-workspace file, with the extension-test payload when given. */
  url(folderOrWorkspace: string, payload?: [string, string][]): string;
  /** A vscode-remote URI for a path on this machine (what the payload wants). */
  remote(fsPath: string): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** Per-run folder: HOME, XDG dirs, TMPDIR and logs live here, so nothing is written outside it. */
  readonly runDir: string;
  readonly userDataDir?: string;
  readonly extensionsDir?: string;
  readonly env?: Record<string, string | undefined>;
  readonly settings?: Record<string, unknown>;
  /** Where code-server's own output goes; by default it is kept and shown only on failure. */
  readonly log?: (line: string) => void;
}

/** Kills a detached process group: the server, its extension host and the language server. */
async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}

export async function startCodeServer(o: CodeServerOptions): Promise<CodeServer> {
  const missing = missingPrerequisites();
  if (missing) throw new Error(missing);
  const home = path.join(o.runDir, 'home');
  const tmp = path.join(o.runDir, 'tmp');
  const userDataDir = o.userDataDir ?? path.join(o.runDir, 'user-data');
  const extensionsDir = o.extensionsDir ?? path.join(o.runDir, 'extensions');
  for (const d of [home, tmp, userDataDir, extensionsDir, path.join(userDataDir, 'User')])
    mkdirSync(d, { recursive: true });
  writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...USER_SETTINGS, ...o.settings }, null, 2),
  );
  const port = await freePort();
  const env = {
    ...process.env,
    ...o.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    TMPDIR: tmp,
    // No extension gallery: the run touches no network beyond loopback.
    EXTENSIONS_GALLERY: '{}',
  };
  const args = [
    CODE_SERVER_ENTRY,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--extensions-dir',
    extensionsDir,
    '--user-data-dir',
    userDataDir,
  ];
  // Detached: its own process group, so stop() ends the extension host and language server too.
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const log = o.log ?? ((l: string) => lines.push(l));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const l of chunk.toString().split('\n')) {
        if (l.trim()) log(l);
        if (l.includes('HTTP server listening on')) resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`code-server exited (${code}) before listening:\n${lines.slice(-30).join('\n')}`)),
    );
  });
  const startTimeout = setTimeout(() => void killGroup(child), 120_000);
  try {
    await ready;
  } finally {
    clearTimeout(startTimeout);
  }
  const origin = `http://127.0.0.1:${port}`;
  const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${encodeURI(p)}`;
  return {
    port,
    origin,
    remote,
    url: (target, payload) => {
      const q = new URLSearchParams(target.endsWith('.code-workspace') ? { workspace: target } : { folder: target });
      if (payload) q.set('payload', JSON.stringify(payload));
      return `${origin}/?${q.toString()}`;
    },
    stop: () => killGroup(child),
  };
}

/** Runs code-server's own CLI (e.g. --install-extension) against an extensions folder. */
export function codeServerCli(args: string[], runDir: string): { status: number | null; output: string } {
  const home = path.join(runDir, 'home');
  mkdirSync(home, { recursive: true });
  const r = spawnSync(process.execPath, [CODE_SERVER_ENTRY, ...args], {
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
      TMPDIR: runDir,
      EXTENSIONS_GALLERY: '{}',
    },
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A page with the size the README's screenshots are taken at. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  return context.newPage();
}
