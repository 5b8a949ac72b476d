import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkspaceDiagnosticRequest,
  type CompletionItem,
  type CompletionList,
  type DocumentDiagnosticReport,
  type Hover,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { CLI, EXAMPLES } from '../support/paths';
import { TestClient } from '../support/lsp-client';

/** A folder of 40 saved files that leak, and `opened.py` (the same leak) to open; a server on it. */
async function fortyLeaks(prefix: string): Promise<{ dir: string; client: TestClient }> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  copyFileSync(path.join(EXAMPLES, 'governance.yaml'), path.join(dir, 'governance.yaml'));
  const leak = readFileSync(path.join(EXAMPLES, 'src', 'prepare_data.py'), 'utf8');
  for (let i = 0; i < 40; i++) writeFileSync(path.join(dir, `job_${i}.py`), `${leak}\n# job ${i}\n`);
  writeFileSync(path.join(dir, 'opened.py'), leak);
  return { dir, client: await TestClient.start({ folder: dir, pull: true, workDoneProgress: true }) };
}

/** Pulls the open file, which gets its leak, then lets the waiting scan run to its end. */
async function openFileThenScan(client: TestClient, uri: string, scan: Promise<{ items: unknown[] }>): Promise<void> {
  const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
    textDocument: { uri },
  })) as DocumentDiagnosticReport;
  assert.ok(report.kind === 'full' && report.items.some((d) => d.code === 'CG101'));
  const done = await scan;
  assert.ok(done.items.length >= 40, 'the scan then runs');
}

/**
 * A server on a folder holding the examples' manifest, spoken to directly, with no client
 * library: `talk` sends everything, initialize included; the messages it logs are in `logged`.
 */
async function bareServer(
  prefix: string,
  talk: (server: { dir: string; connection: ProtocolConnection; logged: string[] }) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  copyFileSync(path.join(EXAMPLES, 'governance.yaml'), path.join(dir, 'governance.yaml'));
  const child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const logged: string[] = [];
  connection.onNotification('window/logMessage', (p: { message: string }) => void logged.push(p.message));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  try {
    await talk({ dir, connection, logged });
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
  } finally {
    connection.dispose();
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The server's start-up order: what the editor asks at once is answered in full, the open file before the scan. */
describe('server start-up', () => {
  it('answers a document opened, a hover and a completion sent at once after initialize, while the parsers still load', async () => {
    await bareServer('crownguard-start-', async ({ dir, connection }) => {
      const root = pathToFileURL(dir).href;
      const uri = pathToFileURL(path.join(dir, 'governance.yaml')).href;
      const text = readFileSync(path.join(dir, 'governance.yaml'), 'utf8');
      const line = text.split('\n').findIndex((l) => l.startsWith('tiers:'));
      // Sent back to back, as an editor does the moment the server is up: nothing waits for
      // the initialize answer, so these arrive while the server still loads its parsers.
      const initialized = connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: root,
        workspaceFolders: [{ uri: root, name: 'start' }],
        capabilities: { textDocument: { diagnostic: {} } },
      });
      void connection.sendNotification(InitializedNotification.type, {});
      void connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'yaml', version: 1, text },
      });
      const hover = connection.sendRequest(HoverRequest.type, {
        textDocument: { uri },
        position: { line, character: 2 },
      }) as Promise<Hover | null>;
      const tierLine = text.split('\n').findIndex((l) => /^\s+tier: /.test(l));
      const completion = connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position: { line: tierLine, character: text.split('\n')[tierLine].indexOf('tier: ') + 'tier: '.length },
      }) as Promise<CompletionItem[] | CompletionList | null>;
      const diagnostics = connection.sendRequest(DocumentDiagnosticRequest.type, {
        textDocument: { uri },
      }) as Promise<DocumentDiagnosticReport>;
      await initialized;
      const h = await hover;
      assert.ok(h, 'the hover is answered once the server is ready, not empty');
      assert.match(JSON.stringify(h.contents), /tier/i);
      const c = await completion;
      const labels = (Array.isArray(c) ? c : (c?.items ?? [])).map((i) => i.label);
      assert.ok(
        labels.includes('confidential'),
        `the completion offers the declared tiers, not nothing: ${labels.join(', ')}`,
      );
      assert.equal((await diagnostics).kind, 'full');
    });
  });

  it('compiles its grammars and runs its analysis once while it waits for initialize', async () => {
    await bareServer('crownguard-early-', async ({ dir, connection, logged }) => {
      // The editor takes a while to send initialize after the early fork: here, long enough
      // for the warm-up to end on a busy machine (it takes a few hundred milliseconds at most).
      await new Promise((resolve) => setTimeout(resolve, 4000));
      assert.equal(logged.length, 0, 'nothing is sent before initialize');
      const root = pathToFileURL(dir).href;
      await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: root,
        workspaceFolders: [{ uri: root, name: 'early' }],
        capabilities: { textDocument: { diagnostic: {} } },
      });
      const clock = (what: string) => {
        const line = logged.find((l) => l.startsWith(`start-up: ${what} `));
        return line ? Number(/\(clock (\d+)\)/.exec(line)?.[1]) : undefined;
      };
      const warmed = clock('analysis warmed up before initialize');
      const received = clock('initialize received');
      assert.ok(warmed !== undefined && received !== undefined, `the steps were logged:\n${logged.join('\n')}`);
      assert.ok(warmed <= received, 'the warm-up ended before initialize arrived');
    });
  });

  describe('the opened file before the workspace scan', () => {
    let dir: string;
    let client: TestClient;
    before(async () => ({ dir, client } = await fortyLeaks('crownguard-opened-')));
    after(async () => {
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a scan asked for before the open file is pulled analyses no saved file until that pull is answered', async () => {
      const uri = await client.open('opened.py', 'python');
      let scanned = false;
      const scan = client.connection
        .sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [], workDoneToken: 'scan' })
        .then((r) => {
          scanned = true;
          return r;
        });
      // An editor slow to pull its open file: the scan, which would have analysed most of
      // these 40 files in this time, waits for that file instead of competing with it.
      await new Promise((resolve) => setTimeout(resolve, 4000));
      assert.equal(scanned, false, 'the scan finished before the open file was pulled');
      assert.equal(client.progress.filter((p) => p.kind === 'report').length, 0, 'the scan analysed saved files first');
      await openFileThenScan(client, uri, scan);
    });
  });

  describe('a window restoring its tabs', () => {
    let dir: string;
    let client: TestClient;
    before(async () => ({ dir, client } = await fortyLeaks('crownguard-restored-')));
    after(async () => {
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a scan asked for just before the first file is opened waits for that file too', async () => {
      // VS Code asks for the workspace's problems first and sends the tab it restores a moment
      // later: in a cold window on a busy machine, a second and a half or more.
      const scan = client.connection.sendRequest(WorkspaceDiagnosticRequest.type, {
        previousResultIds: [],
        workDoneToken: 'scan',
      });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const uri = await client.open('opened.py', 'python');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.equal(client.progress.filter((p) => p.kind === 'report').length, 0, 'the scan analysed saved files first');
      await openFileThenScan(client, uri, scan);
    });
  });

  describe('an open file while the workspace scan runs', () => {
    const FILES = 600;
    let dir: string;
    let client: TestClient;
    let release: () => void = () => undefined;
    let held: Promise<void> | undefined;
    let asked: () => void = () => undefined;
    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'crownguard-first-'));
      copyFileSync(path.join(EXAMPLES, 'governance.yaml'), path.join(dir, 'governance.yaml'));
      const leak = readFileSync(path.join(EXAMPLES, 'src', 'prepare_data.py'), 'utf8');
      for (let i = 0; i < FILES; i++) {
        const sub = path.join(dir, `pkg${i % 10}`);
        mkdirSync(sub, { recursive: true });
        writeFileSync(path.join(sub, `job_${i}.py`), `${leak}\n# job ${i}\n`);
      }
      writeFileSync(path.join(dir, 'opened.py'), leak);
      // The opened file's own settings request is held back until the test lets it go: the
      // document pull is then in flight for as long as the test likes.
      client = await TestClient.start({
        folder: dir,
        pull: true,
        workDoneProgress: true,
        configuration: (scope) => {
          if (!scope?.endsWith('/opened.py') || !held) return {};
          asked();
          return held.then(() => ({}));
        },
      });
    });
    after(async () => {
      release();
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the scan analyses no saved file while a document pull is being served', async () => {
      const scan = client.connection.sendRequest(WorkspaceDiagnosticRequest.type, {
        previousResultIds: [],
        workDoneToken: 'scan',
      });
      await client.waitFor('the scan to be under way', () => client.progress.some((p) => p.kind === 'report'), 60000);
      held = new Promise((resolve) => (release = resolve));
      const inFlight = new Promise<void>((resolve) => (asked = resolve));
      const uri = await client.open('opened.py', 'python');
      const answer = client.connection.sendRequest(DocumentDiagnosticRequest.type, {
        textDocument: { uri },
      }) as Promise<DocumentDiagnosticReport>;
      // The pull is being served once the server asks for the file's settings; from then on,
      // count the saved files the scan analyses (it may finish the one it was in the middle of).
      await inFlight;
      const before = client.progress.filter((p) => p.kind === 'report').length;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const during = client.progress.filter((p) => p.kind === 'report').length - before;
      release();
      const report = await answer;
      assert.equal(report.kind, 'full');
      assert.ok(report.kind === 'full' && report.items.some((d) => d.code === 'CG101'));
      assert.ok(during <= 1, `the scan reported progress ${during} time(s) while the open file's pull was in flight`);
      const done = await scan;
      assert.ok(done.items.length >= FILES + 1, 'the scan then finishes');
    });
  });
  describe('an edit while the workspace scan runs', () => {
    // One progress report per file: the percentage moves with each.
    const FILES = 100;
    let dir: string;
    let client: TestClient;
    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'crownguard-edit-'));
      copyFileSync(path.join(EXAMPLES, 'governance.yaml'), path.join(dir, 'governance.yaml'));
      const leak = readFileSync(path.join(EXAMPLES, 'src', 'prepare_data.py'), 'utf8');
      for (let i = 0; i < FILES; i++) {
        const sub = path.join(dir, `pkg${i % 10}`);
        mkdirSync(sub, { recursive: true });
        writeFileSync(path.join(sub, `job_${i}.py`), `${leak}\n# job ${i}\n`);
      }
      writeFileSync(path.join(dir, 'opened.py'), leak);
      client = await TestClient.start({ folder: dir, pull: true, workDoneProgress: true });
    });
    after(async () => {
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('after a change to an open document the scan analyses no saved file until its pull, which it then lets go first', async () => {
      const uri = await client.open('opened.py', 'python');
      const first = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
        textDocument: { uri },
      })) as DocumentDiagnosticReport;
      const scan = client.connection.sendRequest(WorkspaceDiagnosticRequest.type, {
        previousResultIds: [],
        workDoneToken: 'scan',
      });
      await client.waitFor('the scan to be under way', () => client.progress.some((p) => p.kind === 'report'), 60000);
      const text = `${readFileSync(path.join(dir, 'opened.py'), 'utf8')}\ndef typed(customer):\n    logger.info("ssn %s", customer.ssn)\n`;
      await client.change(uri, text);
      // A client slow to send the pull after the edit: the scan waits for it (up to a second)
      // instead of analysing saved files meanwhile; it may finish the one it is in.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = client.progress.filter((p) => p.kind === 'report').length;
      await new Promise((resolve) => setTimeout(resolve, 500));
      const during = client.progress.filter((p) => p.kind === 'report').length - before;
      const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
        textDocument: { uri },
      })) as DocumentDiagnosticReport;
      assert.ok(first.kind === 'full' && report.kind === 'full');
      assert.equal(report.items.length, first.items.length + 1, 'the typed leak is reported');
      assert.equal(during, 0, `the scan reported progress ${during} time(s) while the edited document's pull was due`);
      const done = await scan;
      assert.ok(done.items.length >= FILES, 'the scan then finishes');
    });
  });
});
