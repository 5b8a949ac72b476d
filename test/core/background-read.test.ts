import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_BOUNDS } from '../../server/src/core';
import { BackgroundReader, DATA_WORKER } from '../../server/src/host/background-read';

describe('the background reader of data files', () => {
  let dir: string;
  let data: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cg-background-read-'));
    data = path.join(dir, 'tickets.jsonl');
    writeFileSync(data, '{"id": 1, "contact": "ann.lee@fernmail.org"}\n{"id": 2, "contact": "raj.pal@fernmail.org"}\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the sample its worker thread read', async () => {
    const reader = new BackgroundReader(DATA_WORKER);
    try {
      const read = await reader.read(data, 'jsonl', DEFAULT_BOUNDS);
      assert.ok(read.ok, JSON.stringify(read));
      assert.equal(read.sample.total, 2);
      assert.deepEqual(
        read.sample.records.map((r) => (r.value as { id: number }).id),
        [1, 2],
      );
    } finally {
      reader.dispose();
    }
  });

  it('says so when its thread fails, whether it throws or exits, and starts a new one for the next file', async () => {
    for (const [name, text] of [
      ['throws.js', "throw new Error('not a reader');\n"],
      ['exits.js', "require('node:worker_threads').parentPort.on('message', () => process.exit(3));\n"],
    ]) {
      const entry = path.join(dir, name);
      writeFileSync(entry, text);
      const reader = new BackgroundReader(entry);
      try {
        assert.deepEqual(await reader.read(data, 'jsonl', DEFAULT_BOUNDS), {
          ok: false,
          reason: 'the background reader failed',
        });
        // The failed thread is not reused: the next reading starts another (which fails the same way here).
        assert.deepEqual(await reader.read(data, 'jsonl', DEFAULT_BOUNDS), {
          ok: false,
          reason: 'the background reader failed',
        });
      } finally {
        reader.dispose();
      }
    }
  });

  it('drops a reading that waits its turn when it is cancelled, and reads the next', async () => {
    const reader = new BackgroundReader(DATA_WORKER);
    try {
      const first = reader.read(data, 'jsonl', DEFAULT_BOUNDS);
      const controller = new AbortController();
      const signal = {
        get cancelled() {
          return controller.signal.aborted;
        },
        abort: controller.signal,
      };
      const waiting = reader.read(data, 'jsonl', DEFAULT_BOUNDS, signal);
      const third = reader.read(data, 'jsonl', DEFAULT_BOUNDS);
      controller.abort();
      assert.deepEqual(await waiting, { ok: false, reason: 'reading was cancelled' });
      assert.ok((await first).ok);
      assert.ok((await third).ok);
    } finally {
      reader.dispose();
    }
  });
});
