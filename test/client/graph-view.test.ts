import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GraphController, type ToWebview } from '../../client/src/lineage/messages';
import { MAX_NODES, type LaidOut } from '../../client/src/lineage/layout';
import { type LineageGraphInfo, type LineageLocation } from '../../shared/lineage-protocol';
import { TestClient } from '../support/lsp-client';
import { copyOfExamples } from '../support/workspace';

/** The graph view's message handling, fed by the real server's graph of examples/ and laid out by the real elkjs. */
describe('lineage graph view: webview messages', () => {
  let ws: ReturnType<typeof copyOfExamples>;
  let client: TestClient;
  let graph: LineageGraphInfo;
  before(async () => {
    ws = copyOfExamples();
    client = await TestClient.start({ folder: ws.dir, pull: true });
    graph = await client.settledLineage();
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  const harness = (g: () => LineageGraphInfo) => {
    const posted: ToWebview[] = [];
    const opened: LineageLocation[] = [];
    const controller = new GraphController({
      graph: async () => g(),
      open: async (l) => void opened.push(l),
      post: (m) => posted.push(m),
    });
    const last = () => {
      const m = posted[posted.length - 1];
      assert.equal(m?.type, 'render', JSON.stringify(m));
      return (m as Extract<ToWebview, { type: 'render' }>).graph;
    };
    return { controller, posted, opened, last };
  };

  it('renders the whole graph, laid out left to right, when the page is ready', async () => {
    const h = harness(() => graph);
    await h.controller.receive({ type: 'ready' });
    const g = h.last();
    assert.equal(g.nodes.length, graph.nodes.length);
    assert.ok(g.width > 0 && g.height > 0);
    const x = (id: string) => g.nodes.find((n) => n.id === id)!.x;
    // Layered left to right: an asset sits left of the stage that reads it, which sits left of its output.
    assert.ok(x('customer-profiles') < x('support-bot/ingest') && x('support-bot/ingest') < x('raw-joined'));
    assert.ok(g.edges.every((e) => e.points.length >= 2));
    assert.deepEqual(g.tiers, [
      { tier: 'confidential', shade: 0, crownJewel: false },
      { tier: 'restricted', shade: 3, crownJewel: true },
    ]);
    assert.equal(g.nodes.find((n) => n.id === 'raw-joined')?.shade, 3);
    assert.equal(g.nodes.find((n) => n.id === 'customer-profiles')?.crownJewel, true);
  });

  it('focuses on a neighbourhood, marking upstream and downstream; filters by text and kind', async () => {
    const h = harness(() => graph);
    await h.controller.receive({ type: 'focus', id: 'raw-joined', depth: 1 });
    const g = h.last();
    assert.deepEqual(Object.fromEntries(g.nodes.map((n) => [n.id, n.role])), {
      'raw-joined': 'focus',
      'support-bot/ingest': 'upstream',
      'support-bot/redact-pii': 'downstream',
    });
    await h.controller.receive({ type: 'focus' });
    await h.controller.receive({ type: 'filter', text: 'support-bot/', hiddenKinds: ['dataset'] });
    assert.deepEqual(
      h
        .last()
        .nodes.map((n) => n.id)
        .sort(),
      ['support-bot/finetune', 'support-bot/ingest', 'support-bot/redact-pii'],
    );
  });

  it('opens where a clicked node is declared; ignores unknown ids and malformed messages', async () => {
    const h = harness(() => graph);
    await h.controller.receive({ type: 'open', id: 'customer-profiles' });
    assert.deepEqual(
      h.opened.map((l) => l.uri),
      [client.uri('governance.yaml')],
    );
    for (const junk of [
      null,
      42,
      'open',
      { type: 'open', id: 7 },
      { type: 'open', id: 'nope' },
      { type: 'explode' },
      { type: 'filter', text: {}, hiddenKinds: 'x' },
    ])
      await h.controller.receive(junk);
    assert.equal(h.opened.length, 1);
  });

  /** The scale at which the laid-out graph fits a window (less a margin), as the view fits it. */
  const fitScale = (g: LaidOut, width: number, height: number) =>
    Math.min(1, (width - 32) / g.width, (height - 32) / g.height);

  it('lays out to the window it is drawn in: at 1280x800 every node fits at a readable size', async () => {
    const h = harness(() => graph);
    // The editor area of a 1280x800 window, as the webview reports it with "ready".
    await h.controller.receive({ type: 'ready', width: 1240, height: 640 });
    const g = h.last();
    assert.equal(g.nodes.length, graph.nodes.length);
    const scale = fitScale(g, 1240, 640);
    assert.ok(scale >= 0.75, `the ${g.width}x${g.height} layout fits at ${Math.round(scale * 100)}%`);
    // No node overlaps another once the layers wrap onto rows.
    for (const a of g.nodes) {
      for (const b of g.nodes) {
        if (a !== b)
          assert.ok(
            a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y,
            `${a.id} overlaps ${b.id}`,
          );
      }
    }
    // A tall, narrow view gets a taller layout; a small change of size keeps the one it has.
    const posted = h.posted.length;
    await h.controller.receive({ type: 'resize', width: 1250, height: 660 });
    assert.equal(h.posted.length, posted, 'no new layout for the same shape');
    await h.controller.receive({ type: 'resize', width: 500, height: 900 });
    const tall = h.last();
    assert.ok(
      tall.width / tall.height < g.width / g.height,
      `${tall.width}x${tall.height} after ${g.width}x${g.height}`,
    );
    for (const junk of [
      { type: 'resize', width: 0, height: 10 },
      { type: 'resize', width: 'wide', height: 10 },
      { type: 'resize', width: Infinity, height: 1 },
    ])
      await h.controller.receive(junk);
    assert.equal(h.last(), tall);
  });

  it(`stays readable: at most ${MAX_NODES} nodes at once, the rest counted, and focus narrows it`, async () => {
    const loc = graph.nodes[0].location;
    const big: LineageGraphInfo = { nodes: [], edges: [] };
    for (let i = 0; i < 500; i++) big.nodes.push({ id: `d${i}`, kind: 'dataset', crownJewel: false, location: loc });
    for (let i = 1; i < 500; i++)
      big.edges.push({ from: `d${Math.floor((i - 1) / 2)}`, to: `d${i}`, relation: 'output', location: loc });
    const h = harness(() => big);
    await h.controller.receive({ type: 'ready' });
    assert.equal(h.last().nodes.length, MAX_NODES);
    assert.equal(h.last().hidden, 500 - MAX_NODES);
    await h.controller.receive({ type: 'focus', id: 'd10', depth: 2 });
    assert.deepEqual(
      h
        .last()
        .nodes.map((n) => n.id)
        .sort(),
      ['d1', 'd10', 'd21', 'd22', 'd4', 'd43', 'd44', 'd45', 'd46'].sort(),
    );
  });
});
