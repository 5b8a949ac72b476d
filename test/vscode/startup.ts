// Where a cold window's wait for its first squiggle goes, step by step: the test's own clock
// for what happens in the browser, and the time stamps in the logs code-server writes for the
// extension host (remoteexthost.log), the remote agent (remoteagent.log) and the CrownGuard
// output channel (CrownGuard.log, with the start-up steps at debug level).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** The workbench URL payload that turns CrownGuard's output channel to debug level. */
export const DEBUG_LOG_PAYLOAD: [string, string] = ['logLevel', 'crownguard.crownguard:debug'];

/** A log line's time: VS Code writes local time with milliseconds. */
export function logTime(line: string): number | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) /.exec(line);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number);
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}

/** Every file under a folder whose name is one of `names`. */
function findFiles(dir: string, names: string[]): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) found.push(...findFiles(p, names));
    else if (names.includes(entry)) found.push(p);
  }
  return found;
}

/** The log lines of one kind of log file under a user-data folder, oldest first. */
function lines(logs: string, name: string): string[] {
  return findFiles(logs, [name]).flatMap((f) => readFileSync(f, 'utf8').split('\n'));
}

/** The time of the first line matching `pattern`, and its match. */
function first(ls: string[], pattern: RegExp): { at: number; match: RegExpExecArray } | undefined {
  for (const l of ls) {
    const match = pattern.exec(l);
    const at = match ? logTime(l) : undefined;
    if (match && at !== undefined) return { at, match };
  }
  return undefined;
}

export interface Step {
  readonly what: string;
  /** Date.now() of the step; undefined when no log said when it happened. */
  readonly at: number | undefined;
  /** The server process's CPU time (ms) at the step, for the server's own steps. */
  readonly cpu?: number;
}

/** What activated CrownGuard, as the extension host logged it (e.g. `workspaceContains:governance.yaml`). */
export function activationEvent(userDataDir: string): string | undefined {
  const host = lines(path.join(userDataDir, 'logs'), 'remoteexthost.log');
  return first(host, /_doActivateExtension crownguard\.crownguard, startup: \w+, activationEvent: '([^']+)'/)?.match[1];
}

/** Built-in extensions whose activation shares the extension host with CrownGuard as a window opens. */
const OTHER_EXTENSIONS = ['vscode.typescript-language-features', 'vscode.git', 'vscode.github'];

/** What the server says of its code cache as it starts (server/src/host/code-cache.ts). */
const CODE_CACHE_STATES = ['used', 'none', 'rejected'];

/**
 * The steps from the logs, in the order a cold start goes through them; with `since`, those of
 * the window opened then (the lines logged from then on).
 */
export function logSteps(userDataDir: string, since?: number): Step[] {
  const logs = path.join(userDataDir, 'logs');
  const from = (ls: string[]) => (since === undefined ? ls : ls.filter((l) => (logTime(l) ?? -Infinity) >= since));
  const agent = from(lines(logs, 'remoteagent.log'));
  const host = from(lines(logs, 'remoteexthost.log'));
  const ours = from(lines(logs, 'CrownGuard.log'));
  const activated = first(
    host,
    /_doActivateExtension crownguard\.crownguard, startup: (\w+), activationEvent: '([^']+)'/,
  );
  const timedOut = first(host, /Not activating extension 'crownguard\.crownguard': Timed out/);
  // Each step carries the clock time it happened at: a log line is stamped when it is written,
  // which is later when the extension host is busy (its first lines wait for the channel).
  const clock = (ls: string[], what: string) => {
    const hit = first(
      ls,
      new RegExp(`start-up: ${what} (-?\\d+) ms after [^(]*?(?:CPU (\\d+) ms )?\\(clock (\\d+)\\)`),
    );
    return hit
      ? { at: Number(hit.match[3]), since: Number(hit.match[1]), cpu: hit.match[2] ? Number(hit.match[2]) : undefined }
      : undefined;
  };
  const clientStep = (what: string) => clock(ours, what)?.at;
  const server = (what: string, label: string): Step => {
    const hit = clock(ours, what);
    return { what: label, at: hit?.at, cpu: hit?.cpu };
  };
  const loaded = clock(ours, 'server code loaded');
  const warmedEarly = server('analysis warmed up before initialize', 'analysis warmed up before initialize');
  return [
    { what: 'extension host launched', at: first(agent, /Launched Extension Host Process/)?.at },
    { what: 'extension host started', at: first(host, /Extension host with pid \d+ started/)?.at },
    ...(timedOut ? [{ what: 'workspaceContains search gave up', at: timedOut.at }] : []),
    {
      what: `activate() called${activated ? ` (startup: ${activated.match[1]}, by ${activated.match[2]})` : ''}`,
      at: activated?.at,
    },
    // Other extensions in the same extension host: while one activates, the host runs nothing else
    // (our messages wait), and TypeScript's activates as a .ts file opens. The log says when each
    // began; when the host's start-up extensions were all active, it says once.
    ...OTHER_EXTENSIONS.map((id) => ({
      what: `${id} began to activate (same extension host)`,
      at: first(host, new RegExp(`_doActivateExtension ${id.replace(/\./g, '\\.')}, `))?.at,
    })),
    { what: "the extension host's start-up extensions all active", at: first(host, /Eager extensions activated/)?.at },
    { what: 'dist/client.js began to load', at: clientStep('dist/client\\.js loading') },
    { what: 'dist/client.js loaded (the editor then prepares the context)', at: clientStep('dist/client\\.js loaded') },
    {
      what: 'server process forked (as dist/client.js began to load)',
      at: clientStep('server process forked as dist/client\\.js began to load'),
    },
    { what: 'activate() entered', at: clientStep('activate\\(\\) entered') },
    { what: 'client asked to start the server', at: clientStep('starting the server process') },
    { what: 'server process started', at: loaded ? loaded.at - loaded.since : undefined },
    { what: 'server code loaded (Node and dist/server.js)', at: loaded?.at, cpu: loaded?.cpu },
    // Whether V8 compiled the server from its code cache (dist/code-cache/), made by an earlier start.
    ...CODE_CACHE_STATES.flatMap((state) => {
      const hit = clock(ours, `code cache ${state}`);
      return hit ? [{ what: `code cache ${state} (V8's compiled server code)`, at: hit.at }] : [];
    }),
    // Logged only when the warm-up ended before initialize arrived.
    ...(warmedEarly.at !== undefined ? [warmedEarly] : []),
    server('initialize received', 'initialize received by the server'),
    server('initialize answered', 'initialize answered (server side)'),
    { what: 'initialize answered (client side)', at: clientStep('the server answered initialize') },
    server('parser runtime ready', 'parser runtime ready'),
    { what: 'first document open sent', at: clientStep('first document open sent') },
    server('first document opened', 'first document opened on the server'),
    server('grammars and governance ready', 'grammars and governance ready (warm-up)'),
    server('analysis warmed up', 'analysis warmed up (warm-up, when no document was open yet)'),
    server('first document analysed as it was opened', 'first document analysed (as it was opened)'),
    { what: 'first document pull sent', at: clientStep('first document diagnostics request sent') },
    server('first document pull received', 'first document pull received by the server'),
    server('first document analysis started', 'first document analysis started'),
    server('first document settings received', 'first document settings received'),
    server('first document diagnostics answered', 'first document diagnostics answered'),
    { what: 'first document diagnostics received', at: clientStep('first document diagnostics received') },
    server('workspace scan started', 'workspace scan started'),
  ];
}

/**
 * Prints the steps as `figure:` lines, each as seconds after the window was opened and the
 * time since the step before; a step no log recorded is shown as n/a. A server step also shows
 * the CPU time its process used since the server step before: a long wait with little CPU
 * was spent waiting, on the editor or on a machine busy with other work.
 */
export function printBreakdown(windowOpened: number, steps: Step[]): void {
  const sorted = [...steps].sort((a, b) => (a.at ?? Infinity) - (b.at ?? Infinity));
  let previous = windowOpened;
  let cpu = 0;
  console.log('figure: cold window, step by step (s after the window was opened, +s since the step before):');
  for (const s of sorted) {
    if (s.at === undefined) {
      console.log(`figure:   ${'n/a'.padStart(6)}           ${s.what}`);
      continue;
    }
    const at = ((s.at - windowOpened) / 1000).toFixed(2).padStart(6);
    const delta = `+${((s.at - previous) / 1000).toFixed(2)}`.padStart(7);
    const used = s.cpu === undefined ? '' : `  (server CPU +${s.cpu - cpu} ms)`;
    if (s.cpu !== undefined) cpu = s.cpu;
    console.log(`figure:   ${at} s ${delta} s  ${s.what}${used}`);
    previous = s.at;
  }
}
