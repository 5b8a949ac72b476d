import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  CancellationTokenSource,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  LSPErrorCodes,
  ResponseError,
  WorkspaceDiagnosticRequest,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';
import { CLI, EXAMPLES } from '../support/paths';
import { copyOfExamples } from '../support/workspace';

/** `file:line rule` for each finding, the shape both shells can be compared in. */
type Lines = string[];

function cliFindings(dir: string): Lines {
  const run = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
  const report = JSON.parse(run.stdout) as { findings: { path: string; startLine: number; ruleId: string }[] };
  return report.findings.map((f) => `${f.path.replace(/^\.\//, '')}:${f.startLine} ${f.ruleId}`).sort();
}

function serverFindings(dir: string, items: readonly WorkspaceDocumentDiagnosticReport[]): Lines {
  return items
    .flatMap((r) =>
      r.kind === 'full'
        ? r.items.map(
            (d) =>
              `${path.relative(dir, fileURLToPath(r.uri)).split(path.sep).join('/')}:${d.range.start.line + 1} ${String(d.code)}`,
          )
        : [],
    )
    .sort();
}

function pull(
  client: TestClient,
  previous: WorkspaceDocumentDiagnosticReport[] = [],
  token?: CancellationTokenSource,
): Promise<WorkspaceDiagnosticReport> {
  const previousResultIds = previous.flatMap((r) => (r.resultId ? [{ uri: r.uri, value: r.resultId }] : []));
  return client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds }, token?.token);
}

describe('workspace diagnostics over stdio', () => {
  let ws: ReturnType<typeof copyOfExamples>;
  let client: TestClient;
  let first: WorkspaceDiagnosticReport;
  let openUri: string;
  before(async () => {
    ws = copyOfExamples();
    client = await TestClient.start({ folder: ws.dir, pull: true, workDoneProgress: true });
    openUri = await client.open('src/notify.ts', 'typescript');
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  it('reports every file that is not open, with the findings the CLI reports, and shows progress', async (t) => {
    const start = Date.now();
    first = await pull(client);
    t.diagnostic(`examples: first scan of ${first.items.length} files ${Date.now() - start} ms`);
    assert.ok(
      first.items.every((r) => r.version === null && r.resultId),
      'every report has a result id and no version',
    );
    assert.ok(!first.items.some((r) => r.uri === openUri), 'the open file is left to document pulls');
    const expected = cliFindings(ws.dir).filter((l) => !l.startsWith('src/notify.ts:'));
    assert.ok(expected.length >= 5, expected.join('\n'));
    assert.deepEqual(serverFindings(ws.dir, first.items), expected);
    // Clean files are reported too (empty), so their old problems would be cleared.
    assert.ok(first.items.some((r) => r.uri.endsWith('/governance.yaml') && r.kind === 'full' && r.items.length === 0));
    await client.waitFor(
      'the scan progress to end',
      () => client.progress.some((p) => p.kind === 'begin') && client.progress.at(-1)?.kind === 'end',
    );
    assert.match(client.progress.find((p) => p.kind === 'begin')!.title!, /CrownGuard/);
    assert.ok(client.progress.some((p) => p.kind === 'report' && /of \d+ files/.test(p.message ?? '')));
  });

  it('answers unchanged for files whose text did not change, and shows no progress for it', async () => {
    const seen = client.progress.length;
    const second = await pull(client, first.items);
    assert.equal(second.items.length, first.items.length);
    assert.deepEqual(
      second.items.filter((r) => r.kind !== 'unchanged').map((r) => r.uri),
      [],
    );
    assert.equal(client.progress.length, seen, 'nothing was analysed, so no progress was shown');
  });

  it('recomputes a file changed on disk after didChangeWatchedFiles, and only it', async () => {
    const train = path.join(ws.dir, 'src', 'train.py');
    const text = readFileSync(train, 'utf8');
    const lines = text.split('\n');
    // Remove the line of the first of the two leaks; the second moves up a line.
    const leakLine = lines.findIndex((l) => l.includes('date_of_birth') && l.includes('print'));
    assert.ok(leakLine >= 0);
    lines.splice(leakLine, 1);
    writeFileSync(train, lines.join('\n'));
    const refreshes = client.refreshRequests;
    const uri = client.uri('src/train.py');
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri, type: FileChangeType.Changed }],
    });
    await client.waitFor('a diagnostics refresh', () => client.refreshRequests > refreshes);
    const third = await pull(client, first.items);
    assert.deepEqual(
      third.items.filter((r) => r.kind === 'full').map((r) => r.uri),
      [uri],
    );
    assert.deepEqual(
      serverFindings(ws.dir, third.items),
      cliFindings(ws.dir).filter((l) => l.startsWith('src/train.py:')),
    );
    assert.deepEqual(serverFindings(ws.dir, third.items), ['src/train.py:9 CG101']);
  });

  it('an unsaved edit to a pipeline manifest recomputes the manifests, not the code', async () => {
    const before = await pull(client, first.items);
    const manifest = 'models/support-bot.model.yaml';
    const uri = await client.open(manifest, 'yaml');
    await client.change(uri, `${readFileSync(path.join(ws.dir, manifest), 'utf8')}\n# reviewed\n`);
    const after = await pull(client, before.items);
    const full = after.items
      .filter((r) => r.kind === 'full')
      .map((r) => path.relative(ws.dir, fileURLToPath(r.uri)).split(path.sep).join('/'));
    assert.ok(!full.some((f) => /\.(py|ts|prompt)$/.test(f)), full.join(', '));
    assert.ok(full.includes('pipelines/support-bot.pipeline.yaml'), full.join(', '));
  });

  it('keeps a closed file problems: a document pull after close answers from the saved text', async () => {
    const report = await client.connection.sendRequest('textDocument/diagnostic', {
      textDocument: { uri: client.uri('src/prepare_data.py') },
    });
    assert.deepEqual(
      (report as { items: { code: string }[] }).items.map((d) => d.code),
      ['CG101'],
    );
  });
});

describe('workspace diagnostics on a large folder', () => {
  const FILES = 2000;
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'crownguard-many-'));
    copyFileSync(path.join(EXAMPLES, 'governance.yaml'), path.join(dir, 'governance.yaml'));
    const leak = readFileSync(path.join(EXAMPLES, 'src', 'prepare_data.py'), 'utf8');
    for (let i = 0; i < FILES; i++) {
      const sub = path.join(dir, `pkg${i % 20}`);
      mkdirSync(sub, { recursive: true });
      writeFileSync(path.join(sub, `job_${i}.py`), `${leak}\n# job ${i}\n`);
    }
    client = await TestClient.start({ folder: dir, pull: true, workDoneProgress: true });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops a cancelled scan between files and answers at once', async () => {
    const source = new CancellationTokenSource();
    const reply = pull(client, [], source);
    await client.waitFor('the scan to be under way', () => client.progress.some((p) => p.kind === 'report'), 60000);
    const cancelledAt = Date.now();
    source.cancel();
    await assert.rejects(
      reply,
      (err: unknown) => err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled,
    );
    const latency = Date.now() - cancelledAt;
    assert.ok(latency < 2000, `answered ${latency} ms after the cancellation`);
    await client.waitFor('the cancelled scan progress to end', () => client.progress.at(-1)?.kind === 'end');
  });

  it('scans the whole folder, and a second scan of it answers unchanged', async (t) => {
    const start = Date.now();
    const report = await pull(client);
    const full = Date.now() - start;
    assert.equal(report.items.length, FILES + 1);
    assert.equal(
      report.items.filter((r) => r.kind === 'full' && r.items.some((d) => d.code === 'CG101')).length,
      FILES,
    );
    const again = Date.now();
    const second = await pull(client, report.items);
    const unchanged = Date.now() - again;
    assert.ok(second.items.every((r) => r.kind === 'unchanged'));
    t.diagnostic(
      `${FILES + 1} files: first scan ${full} ms (after a cancelled partial scan), unchanged re-scan ${unchanged} ms`,
    );
  });
});
