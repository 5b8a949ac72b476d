import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type DocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { EXAMPLES, REPO } from '../support/paths';

/**
 * The editor starts the server through dist/server-cached.js, which compiles dist/server.js
 * with V8's code cache kept in dist/code-cache/. Each test runs a copy of dist/ (the bundles
 * and their WASM files), so that the cache it writes is its own.
 */
let dist: string;
let workspace: string;
const cacheFolder = () => path.join(dist, 'code-cache');
const caches = () => (existsSync(cacheFolder()) ? readdirSync(cacheFolder()) : []);

before(() => {
  dist = mkdtempSync(path.join(tmpdir(), 'crownguard-dist-'));
  for (const f of readdirSync(path.join(REPO, 'dist')))
    if (/^server(-cached)?\.js$/.test(f) || f.endsWith('.wasm'))
      copyFileSync(path.join(REPO, 'dist', f), path.join(dist, f));
  workspace = mkdtempSync(path.join(tmpdir(), 'crownguard-cached-'));
  cpSync(EXAMPLES, workspace, { recursive: true });
});
after(() => {
  rmSync(dist, { recursive: true, force: true });
  rmSync(workspace, { recursive: true, force: true });
});

/**
 * One editor session: start the server as the client does, open src/notify.ts, pull its
 * diagnostics, wait (when asked) for the server to report what it did with the cache, stop it.
 * Returns the server's log and the diagnostics' rule ids.
 */
async function session(waitForSave: boolean): Promise<{ logged: string[]; codes: string[] }> {
  const child = spawn(process.execPath, [path.join(dist, 'server-cached.js'), '--stdio'], {
    cwd: workspace,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const logged: string[] = [];
  let saved: () => void = () => undefined;
  const save = new Promise<void>((resolve) => (saved = resolve));
  connection.onNotification('window/logMessage', (p: { message: string }) => {
    logged.push(p.message);
    if (p.message.startsWith('code cache: ')) saved();
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  connection.listen();
  try {
    const root = pathToFileURL(workspace).href;
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: root,
      workspaceFolders: [{ uri: root, name: 'cached' }],
      capabilities: { textDocument: { diagnostic: {} }, workspace: { configuration: true } },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    const file = path.join(workspace, 'src', 'notify.ts');
    const uri = pathToFileURL(file).href;
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'typescript', version: 1, text: readFileSync(file, 'utf8') },
    });
    const report = (await connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri },
    })) as DocumentDiagnosticReport;
    if (waitForSave) await save;
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    return { logged, codes: report.kind === 'full' ? report.items.map((d) => String(d.code)) : [] };
  } finally {
    connection.dispose();
    child.kill();
  }
}

const state = (logged: string[]) => logged.find((l) => l.startsWith('start-up: code cache '))?.split(' ')[3];

describe('the server started with its code cache', () => {
  it('makes the cache on its first start and compiles from it on the next', async () => {
    rmSync(cacheFolder(), { recursive: true, force: true });
    const first = await session(true);
    assert.equal(state(first.logged), 'none');
    assert.ok(first.logged.includes('code cache: made'), first.logged.join('\n'));
    assert.deepEqual(first.codes, ['CG101'], 'the leak in notify.ts is found');
    const made = caches();
    assert.equal(made.length, 1, made.join(', '));
    assert.match(made[0], /^server\.js\.[0-9a-f]{16}\..+\.cache$/);

    const second = await session(false);
    assert.equal(state(second.logged), 'used', second.logged.join('\n'));
    assert.deepEqual(second.codes, ['CG101'], 'the same finding with the cached code');
    assert.deepEqual(caches(), made, 'a cache that was used is not written again');
  });

  it('refuses a damaged cache, still answers, and writes a whole one', async () => {
    if (caches().length === 0) await session(true);
    const [name] = caches();
    writeFileSync(path.join(cacheFolder(), name), Buffer.alloc(4096, 7));
    const damaged = await session(true);
    assert.equal(state(damaged.logged), 'rejected', damaged.logged.join('\n'));
    assert.deepEqual(damaged.codes, ['CG101']);
    assert.ok(damaged.logged.includes('code cache: made'));
    assert.equal(state((await session(false)).logged), 'used');
  });

  it('never offers a build the cache of another, and drops the old one once it has its own', async () => {
    if (caches().length === 0) await session(true);
    const before = caches();
    // Another build of the bundle, of the same length (V8 itself compares only the length).
    const bundle = path.join(dist, 'server.js');
    const text = readFileSync(bundle, 'utf8');
    writeFileSync(bundle, text.replace(/\n$/, ' '));
    assert.equal(readFileSync(bundle, 'utf8').length, text.length);
    const rebuilt = await session(true);
    assert.equal(state(rebuilt.logged), 'none', 'the other build has no cache yet');
    assert.deepEqual(rebuilt.codes, ['CG101']);
    const now = caches();
    assert.equal(now.length, 1, now.join(', '));
    assert.notDeepEqual(now, before, 'the old build’s cache is gone, the new one’s is there');
  });

  it('runs without a cache where none can be written', async () => {
    rmSync(cacheFolder(), { recursive: true, force: true });
    // A file where the folder would be: nothing can be written (as root, too).
    writeFileSync(cacheFolder(), '');
    const r = await session(true);
    assert.equal(state(r.logged), 'none');
    assert.ok(r.logged.includes('code cache: unwritable'), r.logged.join('\n'));
    assert.deepEqual(r.codes, ['CG101']);
    rmSync(cacheFolder(), { force: true });
  });
});

describe('a bundle run with its code cache', () => {
  it('runs as Node runs a main module: its `#!` line allowed, `require.main` itself, the same from the cache', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-bundle-'));
    try {
      const bundle = path.join(dir, 'tool.js');
      writeFileSync(
        bundle,
        [
          '#!/usr/bin/env node',
          'const path = require("node:path");',
          'if (require.main === module) console.log(`main ${path.basename(__filename)}`);',
          '',
        ].join('\n'),
      );
      const loader = JSON.stringify(path.join(REPO, 'out', 'server', 'src', 'host', 'code-cache.js'));
      const runner = [
        `const c = require(${loader});`,
        `c.runWithCodeCache(${JSON.stringify(bundle)}, ${JSON.stringify(path.join(dir, 'cache'))});`,
        'c.codeCache().save();',
        'console.log(c.codeCache().state);',
      ].join('\n');
      const first = spawnSync(process.execPath, ['-e', runner], { encoding: 'utf8' });
      assert.equal(first.stdout, 'main tool.js\nmade\n', first.stderr);
      const second = spawnSync(process.execPath, ['-e', runner], { encoding: 'utf8' });
      assert.equal(second.stdout, 'main tool.js\nused\n', second.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
