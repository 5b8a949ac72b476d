import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ErrorCodes,
  ResponseError,
  WorkspaceDiagnosticRequest,
  type WorkspaceDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-robust-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('malformed parameters at the protocol edge', () => {
  let dir: string;
  let client: TestClient;
  const logs: string[] = [];
  before(async () => {
    dir = folder({ 'a.py': 'print(password)\n' });
    client = await TestClient.start({ folder: dir, pull: true });
    client.connection.onNotification('window/logMessage', (p: { message: string }) => {
      logs.push(p.message);
    });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ignores a malformed notification with one log line each, and prints no stack', async () => {
    const bad: [string, unknown][] = [
      [
        'textDocument/didOpen',
        { textDocument: { uri: null, languageId: 'python', version: 1, text: 'print(password)\n' } },
      ],
      [
        'textDocument/didOpen',
        { textDocument: { uri: client.uri('b.py'), languageId: 'python', version: 1, text: 42 } },
      ],
      ['textDocument/didChange', { textDocument: { uri: null, version: 2 }, contentChanges: [{ text: 'x' }] }],
      [
        'textDocument/didChange',
        {
          textDocument: { uri: client.uri('a.py'), version: 2 },
          contentChanges: [{ text: 'x', range: { start: null } }],
        },
      ],
      ['textDocument/didClose', { textDocument: { uri: 7 } }],
      ['textDocument/didSave', { textDocument: {} }],
      ['workspace/didChangeWatchedFiles', { changes: [{ uri: null, type: 1 }] }],
      ['workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: null }], removed: [] } }],
    ];
    for (const [method, params] of bad) await client.connection.sendNotification(method, params);
    // The server still works: a real document is analysed. Messages travel in order, so the
    // log lines about the notifications above have arrived once this answer has.
    const uri = await client.open('a.py', 'python');
    const report = await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    assert.deepEqual(
      (report as { items: { code: string }[] }).items.map((d) => d.code),
      ['CG101'],
    );
    assert.doesNotMatch(client.serverStderr(), /TypeError|at \w+ \(/);
    assert.deepEqual(
      logs.filter((l) => l.startsWith('Ignored ')).map((l) => l.split(':')[0]),
      bad.map(([method]) => `Ignored ${method}`),
    );
  });

  it('answers InvalidParams to every request with malformed parameters', async () => {
    const uri = client.uri('a.py');
    const requests: [string, unknown][] = [
      ['textDocument/hover', { textDocument: { uri: null }, position: { line: 0, character: 0 } }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: -1, character: 0 } }],
      ['textDocument/definition', { textDocument: { uri } }],
      ['textDocument/references', { textDocument: { uri: 5 }, position: { line: 0, character: 0 } }],
      ['textDocument/completion', {}],
      [
        'textDocument/codeAction',
        {
          textDocument: { uri },
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          context: null,
        },
      ],
      [
        'textDocument/codeAction',
        {
          textDocument: { uri },
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          context: { diagnostics: [{ range: null }] },
        },
      ],
      ['textDocument/documentSymbol', { textDocument: null }],
      ['textDocument/documentLink', {}],
      ['textDocument/diagnostic', { textDocument: { uri: null } }],
      ['workspace/symbol', { query: 5 }],
      ['workspace/diagnostic', { previousResultIds: 'x' }],
      ['crownguard/lineage/nodes', { uri: 9 }],
      ['crownguard/lineage/graph', { uri: {} }],
      ['crownguard/lineage/upstream', { id: 7 }],
      ['crownguard/lineage/downstream', { id: 'x', depth: 'deep' }],
      ['crownguard/lineage/path', { from: 'a' }],
      ['crownguard/lineage/explain', {}],
      ['crownguard/lineage/modelsCarrying', { id: null }],
      ['crownguard/lineage/nodeAt', { textDocument: { uri }, position: null }],
    ];
    for (const [method, params] of requests) {
      await assert.rejects(
        client.connection.sendRequest(method, params),
        (err: unknown) =>
          err instanceof ResponseError && err.code === ErrorCodes.InvalidParams && err.message.startsWith(`${method}:`),
        `${method} ${JSON.stringify(params)}`,
      );
    }
    assert.doesNotMatch(client.serverStderr(), /TypeError|at \w+ \(/);
  });
});

describe('links and special files in the workspace scan', () => {
  let dir: string;
  let outside: string;
  let client: TestClient;
  before(async () => {
    outside = folder({ 'leak.py': 'print(password)\n', 'weights.bin': 'outside weights\n' });
    dir = folder({
      'app.py': 'print(password)\n',
      'release.model.yaml': `apiVersion: crownguard/v1\nkind: ModelRelease\nname: r\nversion: "1"\nartifact:\n  path: out/environ\n  sha256: ${'a'.repeat(64)}\n`,
    });
    symlinkSync(outside, path.join(dir, 'shared'));
    symlinkSync('/', path.join(dir, 'everything'));
    symlinkSync('app.py', path.join(dir, 'again.py'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.py')]);
    symlinkSync('pipe.py', path.join(dir, 'to-pipe.py'));
    mkdirSync(path.join(dir, 'out'));
    symlinkSync('/proc/self/environ', path.join(dir, 'out', 'environ'));
    client = await TestClient.start({ folder: dir, pull: true });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('reports only the files inside the folder, each once, without blocking', async () => {
    const report: WorkspaceDiagnosticReport = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, {
      previousResultIds: [],
    });
    const reported = report.items.map((r) => path.basename(new URL(r.uri).pathname)).sort();
    assert.deepEqual(reported, ['app.py', 'release.model.yaml']);
    const release = report.items.find((r) => r.uri.endsWith('release.model.yaml'));
    const messages = release?.kind === 'full' ? release.items.map((d) => String(d.message)) : [];
    assert.ok(
      messages.some((m) => /is not in the workspace, so its sha256 is not verified/.test(m)),
      messages.join('\n'),
    );
  });
});
