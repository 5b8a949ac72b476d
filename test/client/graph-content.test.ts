import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { DEFAULT_STATE, layout } from '../../client/src/lineage/layout';
import { graphPage } from '../../client/src/lineage/page';
import { LINEAGE_NODE_KINDS, type LineageGraphInfo } from '../../shared/lineage-protocol';
import { LOOSE_CSV, TRAIN_ON_LOOSE_CSV } from '../support/data-files';
import { TestClient } from '../support/lsp-client';
import { REPO } from '../support/paths';

/** A dataset node's content line, from the real server's graph of a workspace with a data file, drawn by the built webview script. */
describe('lineage graph view: dataset content', () => {
  let graph: LineageGraphInfo;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cg-graph-content-'));
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'train.yaml'), TRAIN_ON_LOOSE_CSV);
    writeFileSync(path.join(dir, 'data', 'loose.csv'), LOOSE_CSV);
    const client = await TestClient.start({ folder: dir, pull: true });
    graph = await client.settledLineage();
    await client.stop();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lays a node with content out one line taller and wide enough, and draws the line and its tooltip', async () => {
    const g = await layout(graph, DEFAULT_STATE);
    const node = g.nodes.find((n) => n.id === 'data/loose.csv');
    assert.equal(node?.content, 'content: 1 sensitive field (all 2 records read)');
    const plain = g.nodes.find((n) => n.id !== node.id && n.content === undefined)!;
    assert.ok(node.height > plain.height);
    assert.ok(node.width >= 7 * node.content.length);
    const dom = new JSDOM(`<!DOCTYPE html><html><body>${graphPage(LINEAGE_NODE_KINDS)}</body></html>`, {
      runScripts: 'outside-only',
      pretendToBeVisual: true,
    });
    try {
      Object.assign(dom.window, { acquireVsCodeApi: () => ({ postMessage: () => undefined }) });
      dom.window.eval(readFileSync(path.join(REPO, 'dist', 'lineage-view.js'), 'utf8'));
      dom.window.dispatchEvent(new dom.window.MessageEvent('message', { data: { type: 'render', graph: g } }));
      const drawn = dom.window.document.querySelector('#viewport g.node[data-id="data/loose.csv"]')!;
      assert.deepEqual(
        [...drawn.querySelectorAll('text')].map((t) => t.textContent),
        // Its SSNs make it crown-jewel: the server's lineage now takes a data file's content into account.
        ['data/loose.csv', 'dataset · restricted', 'content: 1 sensitive field (all 2 records read)'],
      );
      assert.match(drawn.querySelector('title')!.textContent!, /\ncontent: 1 sensitive field \(all 2 records read\)\n/);
    } finally {
      dom.window.close();
    }
  });
});
