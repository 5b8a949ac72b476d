// CPU time and memory of checking large generated manifests with the core (no server): 20,000
// unknown keys, 5,000 stages with unknown inputs, and a 1.6 MB manifest, the inputs that once
// took seconds to minutes. Each is checked in a fresh process, so the figures do not mix.
//
//   node bench/large-manifests.mjs                  # all three
//   node bench/large-manifests.mjs --only stages    # one of them
//
// Needs `npx tsc -p .` first (it runs the compiled core from out/).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { only: { type: 'string' }, child: { type: 'string' } } });

if (values.child) {
  const { Engine } = require(path.join(repo, 'out/server/src/core'));
  const { loadWasm } = require(path.join(repo, 'out/server/src/host/wasm'));
  const { LARGE_MANIFESTS } = require(path.join(repo, 'out/test/support/large-manifests'));
  const engine = await Engine.create(loadWasm);
  const text = LARGE_MANIFESTS[values.child]();
  const start = process.cpuUsage();
  const wall = performance.now();
  const { findings } = engine.analyze([{ path: 'big.pipeline.yaml', text }]);
  const cpu = process.cpuUsage(start);
  console.log(
    JSON.stringify({
      kb: text.length / 1024,
      findings: findings.length,
      cpu: (cpu.user + cpu.system) / 1e6,
      wall: (performance.now() - wall) / 1000,
      rss: process.memoryUsage().rss / 2 ** 20,
    }),
  );
} else {
  const { LARGE_MANIFESTS } = require(path.join(repo, 'out/test/support/large-manifests'));
  console.log('checking one generated manifest per process (engine.analyze)');
  console.log('input          size      findings   CPU s   wall s   RSS MB');
  for (const name of Object.keys(LARGE_MANIFESTS)) {
    if (values.only && values.only !== name) continue;
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', name], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
    const m = JSON.parse(r.stdout.trim().split('\n').pop());
    console.log(
      `${name.padEnd(13)} ${m.kb.toFixed(0).padStart(5)} KB ${String(m.findings).padStart(10)} ${m.cpu.toFixed(1).padStart(7)} ${m.wall.toFixed(1).padStart(8)} ${m.rss.toFixed(0).padStart(8)}`,
    );
  }
}
