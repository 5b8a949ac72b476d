import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticRequest,
  FileChangeType,
  WorkspaceDiagnosticRequest,
  type Diagnostic,
  type FullDocumentDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';
import { CLI } from '../support/paths';

const PY_HELPER = [
  'import logging',
  '',
  'logger = logging.getLogger(__name__)',
  '',
  '',
  'def my_log(x):',
  '    logger.info(x)',
  '',
];
const PY_QUIET = [
  'import logging',
  '',
  'logger = logging.getLogger(__name__)',
  '',
  '',
  'def my_log(x):',
  '    return len(x)',
  '',
];
const TS_HELPER = ['export function myLog(x: string): void {', '  console.log(x);', '}', ''];
const TS_QUIET = ['export function myLog(x: string): number {', '  return x.length;', '}', ''];

/** A workspace of its own: a helper module per language, callers, and files that import other helpers. */
function workspace(): { dir: string; folder: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cg-modules-'));
  const folder = path.join(dir, 'app');
  const write = (rel: string, lines: string[]) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), lines.join('\n'));
  };
  write('app/utils/log.py', PY_HELPER);
  write('app/utils/other.py', ['import logging', '', '', 'def shout(x):', '    logging.warning(x)', '']);
  write('app/main.py', ['from utils.log import my_log', '', '', 'def handle(password):', '    my_log(password)', '']);
  // Saved callers: one of the helper that changes, one of a helper that does not.
  write('app/saved_caller.py', [
    'from utils.log import my_log',
    '',
    '',
    'def login(password):',
    '    my_log(password)',
    '',
  ]);
  write('app/unaffected.py', [
    'from utils.other import shout',
    '',
    '',
    'def login(password):',
    '    shout(password)',
    '',
  ]);
  write('app/lib/log.ts', TS_HELPER);
  write('app/main.ts', [
    "import { myLog } from './lib/log';",
    "import { outsideLog } from '../shared/log';",
    "import { linkedLog } from './linked/log';",
    '',
    'export function handle(password: string): void {',
    '  myLog(password);',
    '  outsideLog(password);',
    '  linkedLog(password);',
    '}',
    '',
  ]);
  // Modules outside the workspace folder: one reached by `..`, one through a link inside the folder.
  write('shared/log.ts', [
    'export function outsideLog(x: string): void {',
    '  console.log(x);',
    '}',
    'export function linkedLog(x: string): void {',
    '  console.log(x);',
    '}',
    '',
  ]);
  symlinkSync(path.join(dir, 'shared'), path.join(folder, 'linked'));
  return { dir, folder, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `line rule` of each CG101 finding of `rel` that `crownguard check .` reports in `folder`. */
function cliLines(folder: string, rel: string): string[] {
  const run = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json'], { cwd: folder, encoding: 'utf8' });
  const report = JSON.parse(run.stdout) as { findings: { path: string; startLine: number; ruleId: string }[] };
  return report.findings
    .filter((f) => f.path.replace(/^\.\//, '') === rel)
    .map((f) => `${f.startLine} ${f.ruleId}`)
    .sort();
}

/** The items of a full report of `uri` in a workspace scan; fails on an unchanged or missing one. */
function itemsOf(reports: WorkspaceDocumentDiagnosticReport[], uri: string): Diagnostic[] {
  const report = reports.find((r) => r.uri === uri);
  assert.equal(report?.kind, 'full', `a full report of ${uri}`);
  return report.kind === 'full' ? report.items : [];
}

const lines = (items: Diagnostic[]) => items.map((d) => `${d.range.start.line + 1} ${String(d.code)}`).sort();

describe('calls into other modules in the editor', () => {
  let ws: ReturnType<typeof workspace>;
  let client: TestClient;
  before(async () => {
    ws = workspace();
    client = await TestClient.start({ folder: ws.folder, pull: true });
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  const pull = async (uri: string) =>
    (
      (await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
        textDocument: { uri },
      })) as FullDocumentDiagnosticReport
    ).items;
  const scan = async (previous: WorkspaceDocumentDiagnosticReport[] = []) =>
    (
      await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, {
        previousResultIds: previous.flatMap((r) => (r.resultId ? [{ uri: r.uri, value: r.resultId }] : [])),
      })
    ).items;
  /** Waits for a refresh after `before` refreshes, and then for `uri` to show `expected`. */
  const refreshed = async (uri: string, before: number, expected: string[]) => {
    await client.waitFor('a diagnostics refresh', () => client.refreshRequests > before, 5000);
    assert.deepEqual(lines(await pull(uri)), expected);
  };

  it('follows a Python helper open in the editor, and re-checks its caller when it changes', async () => {
    const main = await client.open('main.py', 'python');
    const first = await pull(main);
    assert.deepEqual(lines(first), ['5 CG101']);
    assert.match(String(first[0].message), /'my_log\(x\)' \(utils\/log\.py:7\) -> 'logger\.info'/);
    // The editor reports what the command line does for the same file.
    assert.deepEqual(lines(first), cliLines(ws.folder, 'main.py'));
    const scanned = await scan();
    const savedCaller = client.uri('saved_caller.py');
    const unaffected = client.uri('unaffected.py');
    assert.deepEqual(lines(itemsOf(scanned, savedCaller)), ['5 CG101']);
    assert.deepEqual(lines(itemsOf(scanned, unaffected)), ['5 CG101']);

    const helper = await client.open('utils/log.py', 'python', PY_HELPER.join('\n'));
    let refreshes = client.refreshRequests;
    const edited = Date.now();
    await client.change(helper, PY_QUIET.join('\n'));
    await refreshed(main, refreshes, []);
    const elapsed = Date.now() - edited;
    assert.ok(elapsed < 1000, `the caller's diagnostics took ${elapsed} ms to refresh`);

    // The saved caller's result is new; the file whose helper did not change keeps its result id.
    const rescanned = await scan(scanned);
    assert.deepEqual(lines(itemsOf(rescanned, savedCaller)), []);
    const unaffectedReport = rescanned.find((r) => r.uri === unaffected)!;
    assert.equal(unaffectedReport.kind, 'unchanged');
    assert.equal(unaffectedReport.resultId, scanned.find((r) => r.uri === unaffected)!.resultId);

    refreshes = client.refreshRequests;
    await client.change(helper, PY_HELPER.join('\n'));
    await refreshed(main, refreshes, ['5 CG101']);
  });

  it('follows a TypeScript helper the same way, and never a module outside the folder', async () => {
    const main = await client.open('main.ts', 'typescript');
    // Only the helper inside the folder is followed: `../shared` and the link to it lie outside.
    assert.deepEqual(lines(await pull(main)), ['6 CG101']);
    assert.deepEqual(cliLines(ws.folder, 'main.ts'), ['6 CG101']);
    const helper = await client.open('lib/log.ts', 'typescript', TS_HELPER.join('\n'));
    let refreshes = client.refreshRequests;
    // The caller and its helper edited in one pause of typing: the caller is still re-checked.
    await client.change(main, `// edited\n${readFileSync(path.join(ws.folder, 'main.ts'), 'utf8')}`);
    await client.change(helper, TS_QUIET.join('\n'));
    await refreshed(main, refreshes, []);
    refreshes = client.refreshRequests;
    await client.change(helper, TS_HELPER.join('\n'));
    await refreshed(main, refreshes, ['7 CG101']);
  });

  it('re-checks the callers of a helper that changed on disk and is not open', async () => {
    const main = await client.open('unaffected.py', 'python');
    assert.deepEqual(lines(await pull(main)), ['5 CG101']);
    const other = path.join(ws.folder, 'utils/other.py');
    writeFileSync(other, ['import logging', '', '', 'def shout(x):', '    return x', ''].join('\n'));
    const refreshes = client.refreshRequests;
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: client.uri('utils/other.py'), type: FileChangeType.Changed }],
    });
    await refreshed(main, refreshes, []);
  });
});
