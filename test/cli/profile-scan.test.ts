import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI } from '../support/paths';

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 300 files, enough for worker threads: every third names a sensitive field, one leaks it. */
const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-profile-'));
for (let i = 0; i < 300; i++) {
  const body =
    i === 0
      ? 'def f(record):\n    print(record.ssn)\n'
      : i % 3 === 0
        ? `def f${i}(record):\n    return record.ssn is not None\n`
        : `def f${i}(rows):\n    return len(rows)\n`;
  writeFileSync(path.join(dir, `m${i}.py`), body);
}
after(() => rmSync(dir, { recursive: true, force: true }));

/** The breakdown's rows, by name: milliseconds and the note after them. */
function rows(stderr: string): Map<string, { ms: number; note: string }> {
  const out = new Map<string, { ms: number; note: string }>();
  for (const m of stderr.matchAll(/^ {2}(.+?) +(\d+) ms {2}(.*)$/gm)) out.set(m[1], { ms: Number(m[2]), note: m[3] });
  return out;
}

describe('crownguard check --profile-scan', () => {
  for (const jobs of ['1', '2']) {
    it(`prints where the time went on stderr and leaves the report unchanged (--jobs ${jobs})`, () => {
      const plain = run(['check', '.', '--format', 'json', '--jobs', jobs], dir);
      const profiled = run(['check', '.', '--format', 'json', '--jobs', jobs, '--profile-scan'], dir);
      assert.equal(profiled.code, plain.code, profiled.stderr);
      assert.equal(profiled.stdout, plain.stdout);
      assert.equal(plain.stderr, '');
      assert.match(profiled.stderr, /^crownguard: where the check spent its time \((CPU|wall) time/);
      const r = rows(profiled.stderr);
      // The prefilter admits the 100 files that name `ssn` and rejects the other 200.
      assert.match(r.get('(c) files the prefilter rejects')?.note ?? '', /^200 files, /);
      assert.match(r.get('(d) files the prefilter admits')?.note ?? '', /^100 files, /);
      // One engine per thread that checked files: this one, and with more jobs, workers beside it.
      const note = r.get('(a) engine start-up, per thread')?.note ?? '';
      assert.equal(note.split(' + ').length, Number(jobs), note);
      assert.match(note, jobs === '1' ? /\(this thread\)$/ : /\(1 worker and this thread\)$/);
      for (const name of ['(b) listing, with the ignore files (main thread)', '(e) formatting and writing the output'])
        assert.ok(r.has(name), name);
      // The profile's own clock reads and hot-or-cold tests are a row of their own, not the workspace checks'.
      assert.ok((r.get('(f) the profile itself (clocks, hot-or-cold test)')?.ms ?? 0) > 0, profiled.stderr);
      assert.ok((r.get('process CPU time, all threads')?.ms ?? 0) > 0);
      // Where the threads' clocks are CPU time (Linux), what V8's and Node's own threads used is a row too.
      if (/^crownguard: where the check spent its time \(CPU/.test(profiled.stderr))
        assert.ok(r.has("(g) V8's and Node's own threads (compiler, GC...)"), profiled.stderr);
    });
  }
});
