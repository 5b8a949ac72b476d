import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CancellationTokenSource,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticRequest,
  FileChangeType,
  LSPErrorCodes,
  ResponseError,
  type Diagnostic,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';
import { CLI } from '../support/paths';

/**
 * A Parquet file of `rows` made-up tickets in one row group, uncompressed: decoding it takes
 * long enough (hundreds of milliseconds) to be seen. One in 25 rows has an address at a domain
 * of our own invention, one in 200 a number in the SSN shape.
 */
async function writeParquet(file: string, rows: number): Promise<void> {
  const { ParquetWriter, fileWriter } = await import('hyparquet-writer');
  const writer = fileWriter(file);
  const pq = new ParquetWriter({
    writer,
    codec: 'UNCOMPRESSED',
    statistics: false,
    schema: [
      { name: 'root', num_children: 3 },
      { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
      { name: 'contact', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'ssn', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    ],
  });
  const ids = Array.from({ length: rows }, (_, i) => i);
  pq.write({
    columnData: [
      { name: 'id', data: ids },
      { name: 'contact', data: ids.map((i) => (i % 25 === 0 ? `user${i}@fernmail.org` : `customer ${i} `.repeat(8))) },
      { name: 'ssn', data: ids.map((i) => (i % 200 === 0 ? `512-44-${String(1000 + (i % 9000))}` : '')) },
    ],
    rowGroupSize: rows,
  });
  pq.finish();
}

/** The server process's threads (Linux): a reading thread is one more. */
function threads(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

/** Polls until `predicate` holds, or fails after `ms`. */
async function until(what: string, predicate: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('Parquet files are decoded in a worker thread of the language server', () => {
  let dir: string;
  let client: TestClient;
  let pid: number;
  /** The server's threads with the file system's thread pool started and no reading thread. */
  let baseline: number;
  const touch = (relative: string, offset: number) => {
    const when = new Date(Date.now() + offset);
    utimesSync(path.join(dir, relative), when, when);
  };
  const pull = (relative: string, token?: CancellationTokenSource) =>
    client.connection.sendRequest(
      DocumentDiagnosticRequest.type,
      { textDocument: { uri: client.uri(relative) } },
      token?.token,
    ) as Promise<{ items: Diagnostic[] }>;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cg-data-worker-'));
    mkdirSync(path.join(dir, 'data'));
    await writeParquet(path.join(dir, 'data', 'tickets.parquet'), 80_000);
    await writeParquet(path.join(dir, 'data', 'more.parquet'), 80_000);
    writeFileSync(path.join(dir, 'data', 'small.jsonl'), '{"id": 1, "contact": "ann.lee@fernmail.org"}\n');
    client = await TestClient.start({ folder: dir, pull: true });
    pid = client.process.pid!;
    // A small file is read in the server's own thread, with the thread pool every reading uses.
    const small = await pull('data/small.jsonl');
    assert.ok(small.items.some((d) => d.code === 'CG203'));
    baseline = threads(pid);
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads in one more thread, and a cancelled request terminates it', async () => {
    const source = new CancellationTokenSource();
    const cancelled = pull('data/tickets.parquet', source);
    await until('the reading thread', () => threads(pid) === baseline + 1);
    source.cancel();
    await assert.rejects(
      cancelled,
      (err) => err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled,
    );
    await until('the reading thread to end', () => threads(pid) === baseline);
  });

  it('a file changed on disk while it is read stops its reading', async () => {
    touch('data/tickets.parquet', 5_000);
    const pulled = pull('data/tickets.parquet');
    await until('the reading thread', () => threads(pid) === baseline + 1);
    touch('data/tickets.parquet', 10_000);
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: client.uri('data/tickets.parquet'), type: FileChangeType.Changed }],
    });
    await until('the reading thread to end', () => threads(pid) === baseline);
    // The request that waited for the old version is answered, and says why there are no findings.
    assert.deepEqual(
      (await pulled).items.map((d) => d.message),
      ['CrownGuard data file not read: reading was cancelled'],
    );
  });

  it('reads one file at a time in at most one thread, with the findings the CLI reads in its own thread', async () => {
    touch('data/tickets.parquet', 15_000);
    let most = 0;
    let done = false;
    const watch = (async () => {
      while (!done) {
        most = Math.max(most, threads(pid));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const [one, two] = await Promise.all([pull('data/tickets.parquet'), pull('data/more.parquet')]);
    done = true;
    await watch;
    assert.equal(most, baseline + 1);
    const cli = spawnSync(process.execPath, [CLI, 'check', 'data', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    const found = JSON.parse(cli.stdout).findings as { ruleId: string; path: string; message: string }[];
    for (const [report, file] of [
      [one, 'data/tickets.parquet'],
      [two, 'data/more.parquet'],
    ] as const) {
      // The editor shows code spans as quoted names: the same words otherwise.
      const expected = found.filter((f) => f.path === file).map((f) => `${f.ruleId} ${f.message.replace(/`/g, "'")}`);
      assert.equal(expected.length, 2, cli.stdout);
      assert.deepEqual(report.items.map((d) => `${d.code} ${d.message}`).sort(), expected.sort());
    }
  });
});
