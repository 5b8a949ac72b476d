import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { DEFAULT_STATE, layout, type LaidOut } from '../../client/src/lineage/layout';
import type { FromWebview } from '../../client/src/lineage/messages';
import { graphPage } from '../../client/src/lineage/page';
import { LINEAGE_NODE_KINDS, type LineageGraphInfo } from '../../shared/lineage-protocol';
import { TestClient } from '../support/lsp-client';
import { REPO } from '../support/paths';
import { copyOfExamples } from '../support/workspace';

/** The built webview script (dist/lineage-view.js) on the panel's page, in jsdom, drawing the real server's graph of examples/. */
describe('lineage graph view: the webview page', () => {
  let graph: LineageGraphInfo;
  before(async () => {
    const ws = copyOfExamples();
    const client = await TestClient.start({ folder: ws.dir, pull: true });
    graph = await client.settledLineage();
    await client.stop();
    ws.remove();
  });

  const pages: JSDOM[] = [];
  after(() => {
    for (const p of pages) p.window.close();
  });

  /** A page running the script; `posted` collects what it sends to the extension. */
  function page() {
    const dom = new JSDOM(`<!DOCTYPE html><html><body>${graphPage(LINEAGE_NODE_KINDS)}</body></html>`, {
      runScripts: 'outside-only',
      pretendToBeVisual: true,
    });
    pages.push(dom);
    const posted: FromWebview[] = [];
    Object.assign(dom.window, { acquireVsCodeApi: () => ({ postMessage: (m: FromWebview) => posted.push(m) }) });
    dom.window.eval(readFileSync(path.join(REPO, 'dist', 'lineage-view.js'), 'utf8'));
    const doc = dom.window.document;
    const render = (g: LaidOut) =>
      dom.window.dispatchEvent(new dom.window.MessageEvent('message', { data: { type: 'render', graph: g } }));
    const scale = () =>
      Number(/scale\(([\d.]+)\)/.exec(doc.getElementById('viewport')!.getAttribute('transform') ?? '')?.[1]);
    return { dom, doc, posted, render, scale };
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('says its size when ready, and fits the whole graph into the window', async () => {
    const p = page();
    const ready = p.posted[0];
    assert.equal(ready?.type, 'ready');
    assert.ok(ready.type === 'ready' && ready.width! > 0 && ready.height! > 0);
    const g = await layout(graph, { ...DEFAULT_STATE, aspectRatio: ready.width! / ready.height! });
    p.render(g);
    assert.equal(p.doc.querySelectorAll('#viewport g.node').length, graph.nodes.length);
    const s = p.scale();
    assert.ok(
      s > 0 && g.width * s <= ready.width! && g.height * s <= ready.height!,
      `scale ${s} fits ${g.width}x${g.height} into ${ready.width}x${ready.height}`,
    );
    // Zoom in, then fit again.
    (p.doc.getElementById('zoom-in') as HTMLButtonElement).click();
    assert.ok(p.scale() > s);
    assert.match(p.doc.getElementById('zoom-level')!.textContent!, /^\d+%$/);
    (p.doc.getElementById('fit') as HTMLButtonElement).click();
    assert.equal(p.scale(), s);
  });

  it('has a legend entry for every colour and border it draws, and "Show all" only works when focused', async () => {
    const p = page();
    for (const state of [DEFAULT_STATE, { ...DEFAULT_STATE, focus: 'raw-joined', depth: 1 }]) {
      const g = await layout(graph, state);
      p.render(g);
      const legend = new Set(
        [...p.doc.querySelectorAll<HTMLElement>('#legend [data-encoding]')].map((e) => e.dataset.encoding),
      );
      const used = new Set<string>();
      for (const n of p.doc.querySelectorAll('#viewport g.node')) {
        for (const c of n.classList) if (/^(shade-\d|crown|focus|upstream|downstream)$/.test(c)) used.add(c);
        if (![...n.classList].some((c) => c.startsWith('shade-'))) used.add('unclassified');
      }
      for (const e of p.doc.querySelectorAll('#viewport polyline.edge'))
        used.add(
          [...e.classList].find((c) => c === 'upstream' || c === 'downstream')
            ? `edge-${[...e.classList].find((c) => c === 'upstream' || c === 'downstream')}`
            : 'edge',
        );
      assert.deepEqual(
        [...used].filter((u) => !legend.has(u)),
        [],
        `legend ${[...legend].join(', ')}`,
      );
      assert.equal((p.doc.getElementById('all') as HTMLButtonElement).disabled, !state.focus);
    }
    assert.ok(p.doc.querySelector('#legend [data-encoding="upstream"]')!.textContent!.includes('dashed'));
    assert.ok(p.doc.querySelector('#legend [data-encoding="downstream"]')!.textContent!.includes('dotted'));
  });

  it('a click opens the declaration; a double-click focuses on the node without opening it', async () => {
    const p = page();
    p.render(await layout(graph, DEFAULT_STATE));
    const node = p.doc.querySelector<SVGGElement>('#viewport g.node[data-id="raw-joined"]')!;
    const click = (detail: number) =>
      node.dispatchEvent(new p.dom.window.MouseEvent('click', { bubbles: true, detail }));
    p.posted.length = 0;
    click(1);
    click(2);
    node.dispatchEvent(new p.dom.window.MouseEvent('dblclick', { bubbles: true, detail: 2 }));
    await sleep(400);
    assert.deepEqual(
      p.posted.map((m) => m.type),
      ['focus'],
    );
    p.posted.length = 0;
    click(1);
    await sleep(400);
    assert.equal(JSON.stringify(p.posted), JSON.stringify([{ type: 'open', id: 'raw-joined' }]));
  });
});
