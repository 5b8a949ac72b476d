import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONTENT_PENDING, LineageRequests, type LineageGraphInfo } from '../../shared/lineage-protocol';
import { DATA_LINEAGE_FAKES, DATA_LINEAGE_WORKSPACE } from '../support/data-files';
import { TestClient } from '../support/lsp-client';
import { CLI } from '../support/paths';
import { writeFiles } from '../support/workspace';

// The lineage view's first answer never waits for the data files its nodes name; it is then
// completed, and what it shows is what `crownguard lineage` shows.
describe('the editor answers the lineage before the data files are read, then shows what they hold', () => {
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cg-lineage-pending-'));
    writeFiles(dir, DATA_LINEAGE_WORKSPACE);
    client = await TestClient.start({ folder: dir, pull: true });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const graph = () => client.connection.sendRequest(LineageRequests.graph, {}) as Promise<LineageGraphInfo>;
  const contents = (g: LineageGraphInfo) =>
    Object.fromEntries(
      g.nodes
        .filter((n) => n.content !== undefined)
        .map((n) => [n.id, n.content])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );

  it('shows content lines as pending first, then as `crownguard lineage --format json` does, after a change notification', async () => {
    const first = await graph();
    const pending = first.nodes.filter((n) => n.content === CONTENT_PENDING).map((n) => n.id);
    assert.ok(pending.includes('support-tickets'), JSON.stringify(contents(first)));
    assert.ok(pending.includes('data/splits'), JSON.stringify(contents(first)));

    let last = first;
    while (last.nodes.some((n) => n.content === CONTENT_PENDING)) {
      const seen = client.lineageChanges;
      await client.waitFor('the lineage changed notification', () => client.lineageChanges > seen || undefined);
      last = await graph();
    }
    const cli = spawnSync(process.execPath, [CLI, 'lineage', '--root', dir, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const expected = contents(JSON.parse(cli.stdout) as LineageGraphInfo);
    assert.deepEqual(contents(last), expected);
    assert.equal(expected['support-tickets'], 'content: 3 sensitive fields in 2 files (all 2 records read)');
    for (const v of DATA_LINEAGE_FAKES) assert.ok(!JSON.stringify(last).includes(v), `the graph shows ${v}`);
  });

  it('answers a second request from what was read: nothing is pending, no file is read again', async () => {
    const seen = client.lineageChanges;
    const again = await graph();
    assert.ok(!again.nodes.some((n) => n.content === CONTENT_PENDING), JSON.stringify(contents(again)));
    // No reading was started, so no change is announced.
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(client.lineageChanges, seen);
  });
});
