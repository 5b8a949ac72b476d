import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { CLI } from '../support/paths';
import { KINDS, leaksIn, plantedWorkspace, type PlantedWorkspace } from '../support/planted';

/**
 * Nothing the tool flagged is ever printed: a workspace with a value of every literal detector's
 * kind in every position (test/support/planted.ts), and every output of the CLI read for them.
 */
const MASKED = /<[a-z_]+:[0-9a-f]{8}>/;

describe('no planted value leaves the CLI', () => {
  let ws: PlantedWorkspace;
  before(() => {
    ws = plantedWorkspace();
  });
  after(() => ws.remove());

  it('plants every literal kind in every position', () => {
    const kinds = new Set(ws.planted.map((p) => p.kind));
    assert.deepEqual([...kinds].sort(), [...KINDS].sort());
    const positions = new Set(ws.planted.map((p) => p.position));
    for (const p of [
      'stage id',
      'stage input',
      'stage output',
      'release name',
      'deployment target',
      'tier id',
      'asset id',
      'file name',
      'field name',
      'policy id',
      'asset description',
      'waiver reason',
    ])
      assert.ok(positions.has(p), p);
  });

  const key = { CROWNGUARD_MASK_KEY: 'masking test key, long enough' };
  // Runs go out together: each is a separate process, and the test waits for all of them.
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ args: string[]; code: number; out: string; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        { cwd: ws.dir, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          resolve({ args, code: err ? Number((err as { code?: unknown }).code) : 0, out: stdout + stderr, stdout });
        },
      );
    });
  const clean = (what: string, text: string) =>
    assert.deepEqual(leaksIn(text, ws.planted), [], `${what} printed planted values`);

  it('check in every format, and waivers', async () => {
    const checks = await Promise.all(
      ['text', 'json', 'sarif'].map((format) => run(['check', '.', '--format', format])),
    );
    const waivers = await Promise.all(['text', 'json'].map((format) => run(['waivers', '.', '--format', format])));
    for (const r of checks) {
      assert.ok(r.stdout.length > 1000, `${r.args.join(' ')} reported: ${r.out.slice(0, 500)}`);
      clean(r.args.join(' '), r.out);
    }
    for (const r of waivers) {
      assert.match(r.stdout, /CG101/);
      clean(r.args.join(' '), r.out);
    }
  });

  it('lineage in every format, and explain, upstream and downstream by masked id', async () => {
    const formats = await Promise.all(
      ['text', 'json', 'mermaid', 'dot', 'openlineage'].map((format) => run(['lineage', '--format', format], key)),
    );
    for (const r of formats) {
      assert.equal(r.code, 0, r.out);
      clean(r.args.join(' '), r.out);
    }
    const graph = JSON.parse(formats[1].stdout) as { nodes: { id: string; kind: string }[] };
    const masked = graph.nodes.filter((n) => MASKED.test(n.id));
    assert.ok(masked.length > 50, 'sensitive ids are shown masked');
    // A masked id names its node in the next run with the same key.
    const stage = masked.find((n) => n.kind === 'stage')!;
    const deployment = masked.find((n) => n.kind === 'deployment')!;
    // As written in the file works too, and is not echoed back.
    const raw = ws.planted.find((p) => p.kind === 'ssn' && p.position === 'stage id')!;
    const pipeline = ws.planted.find((p) => p.position === 'pipeline name')!;
    const lookups = await Promise.all([
      ...[
        [stage.id, '--explain', '--format', 'json'],
        [deployment.id, '--upstream', '--format', 'dot'],
      ].map((args) => run(['lineage', ...args], key)),
      run(['lineage', `${pipeline.written}/${raw.written}`, '--explain']),
    ]);
    for (const r of lookups) {
      assert.equal(r.code, 0, r.out);
      clean(r.args.join(' '), r.out);
    }
    const missing = await run(['lineage', `not-there/${raw.written}`]);
    assert.equal(missing.code, 2);
    clean('an unknown raw id', missing.out);
  });
});
