/**
 * The lineage graph webview: draws what the extension laid out (client/src/lineage/layout.ts)
 * as SVG, fitted to the window, with zoom and pan, and a legend for what each colour and border
 * means. It reports clicks and its size. It loads nothing remote; colours come from the theme.
 */
import type { LaidOut, LaidOutNode } from '../src/lineage/view';
import type { FromWebview, ToWebview } from '../src/lineage/view';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };

const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A click waits this long for a second one, so that a double-click focuses without also opening. */
const CLICK_DELAY_MS = 250;
const MIN_SCALE = 0.1;
const MAX_SCALE = 4;
/** Room left around a fitted graph, in pixels. */
const MARGIN = 16;

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  parent: Element,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent.appendChild(e);
  return e;
}

/** The visible drawing area: the window below the toolbar. */
function area(): { width: number; height: number } {
  const main = $('canvas');
  const width = main.clientWidth || window.innerWidth;
  const height = main.clientHeight || Math.max(0, window.innerHeight - ($('toolbar')?.offsetHeight ?? 0));
  return { width: Math.max(width, 1), height: Math.max(height, 1) };
}

/** The pan and zoom: screen = graph * scale + (x, y). */
const view = { x: 0, y: 0, scale: 1 };
let drawn: LaidOut | undefined;
/** What the last drawing showed (state and node ids): a redraw of the same keeps the user's zoom. */
let drawnKey = '';

function applyView(): void {
  $('viewport').setAttribute(
    'transform',
    `translate(${view.x.toFixed(1)},${view.y.toFixed(1)}) scale(${view.scale.toFixed(4)})`,
  );
  $('zoom-level').textContent = `${Math.round(view.scale * 100)}%`;
}

/** Fits the whole graph into the window above the legend, never enlarging it past its natural size. */
function fit(): void {
  if (!drawn) return;
  const { width } = area();
  const height = Math.max(area().height - ($('legend').offsetHeight || 0), 1);
  const w = Math.max(drawn.width, 1);
  const h = Math.max(drawn.height, 1);
  view.scale = Math.max(MIN_SCALE, Math.min(1, (width - 2 * MARGIN) / w, (height - 2 * MARGIN) / h));
  view.x = (width - w * view.scale) / 2;
  view.y = Math.max(MARGIN, (height - h * view.scale) / 2);
  applyView();
}

/** Zooms by `factor` keeping the point (cx, cy) of the window where it is. */
function zoom(factor: number, cx = area().width / 2, cy = area().height / 2): void {
  const scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, view.scale * factor));
  view.x = cx - ((cx - view.x) * scale) / view.scale;
  view.y = cy - ((cy - view.y) * scale) / view.scale;
  view.scale = scale;
  applyView();
}

function draw(g: LaidOut): void {
  const svg = $('graph') as unknown as SVGSVGElement;
  const root = $('viewport') as unknown as SVGGElement;
  root.replaceChildren();
  svg.querySelector('defs')?.remove();
  const defs = el('defs', {}, svg);
  for (const [id, cls] of [
    ['arrow', 'arrow'],
    ['arrow-upstream', 'arrow upstream'],
    ['arrow-downstream', 'arrow downstream'],
  ]) {
    const marker = el(
      'marker',
      { id, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' },
      defs,
    );
    el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: cls }, marker);
  }
  for (const e of g.edges) {
    if (e.points.length < 2) continue;
    const line = el(
      'polyline',
      {
        points: e.points.map((p) => `${p.x},${p.y}`).join(' '),
        class: `edge ${e.role ?? ''}`,
        'marker-end': `url(#${e.role ? `arrow-${e.role}` : 'arrow'})`,
      },
      root,
    );
    el('title', {}, line).textContent = `${e.from} → ${e.to} (${e.relation})`;
  }
  for (const n of g.nodes) drawNode(root, n);
  const status = $('status');
  status.textContent =
    `${g.nodes.length} node${g.nodes.length === 1 ? '' : 's'}` +
    (g.state.focus ? ` around ${g.state.focus} (${g.state.depth} hops)` : '') +
    (g.hidden ? `; ${g.hidden} more not shown: focus on a node or filter` : '');
  drawLegend(g);
  const all = $('all') as HTMLButtonElement;
  all.disabled = !g.state.focus;
  all.title = g.state.focus ? 'Show every node again' : 'Every node is shown';
  drawn = g;
  const key = JSON.stringify([
    g.state.focus,
    g.state.depth,
    g.state.filter,
    g.state.hiddenKinds,
    g.nodes.map((n) => n.id),
  ]);
  if (key !== drawnKey) fit();
  else applyView();
  drawnKey = key;
}

/** One legend entry: a small sample drawn with the same classes as the graph, and its meaning. */
function legendItem(encoding: string, label: string, sample: (svg: SVGSVGElement) => void): HTMLElement {
  const item = document.createElement('div');
  item.className = 'legend-item';
  item.dataset.encoding = encoding;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', '34');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  sample(svg);
  const text = document.createElement('span');
  text.textContent = label;
  item.append(svg, text);
  return item;
}

const nodeSample = (classes: string) => (svg: SVGSVGElement) => {
  const g = el('g', { class: `node ${classes}` }, svg);
  el('rect', { x: 2, y: 2, width: 30, height: 12, rx: 3 }, g);
};
const edgeSample = (classes: string) => (svg: SVGSVGElement) => {
  el('line', { x1: 2, y1: 8, x2: 32, y2: 8, class: `edge ${classes}` }, svg);
};

/** A legend entry for every encoding the drawing uses: tier colours, crown-jewel, the focus and its neighbourhood. */
function drawLegend(g: LaidOut): void {
  const items: HTMLElement[] = [];
  for (const t of g.tiers)
    items.push(
      legendItem(
        `shade-${t.shade}`,
        `tier ${t.tier}${t.crownJewel ? ' (crown-jewel)' : ''}`,
        nodeSample(`shade-${t.shade}`),
      ),
    );
  const has = (cls: 'crown' | 'focus' | 'upstream' | 'downstream') =>
    g.nodes.some((n) => (cls === 'crown' ? n.crownJewel : n.role === cls));
  if (has('crown')) items.push(legendItem('crown', 'crown-jewel data (filled)', nodeSample('crown')));
  if (g.nodes.some((n) => n.tier === undefined)) items.push(legendItem('unclassified', 'no tier', nodeSample('')));
  if (has('focus')) items.push(legendItem('focus', 'the focused node (thick border)', nodeSample('focus')));
  if (has('upstream')) items.push(legendItem('upstream', 'upstream of it (dashed border)', nodeSample('upstream')));
  if (has('downstream'))
    items.push(legendItem('downstream', 'downstream of it (dotted border)', nodeSample('downstream')));
  if (g.edges.some((e) => e.role === 'upstream'))
    items.push(legendItem('edge-upstream', 'flow into the focus', edgeSample('upstream')));
  if (g.edges.some((e) => e.role === 'downstream'))
    items.push(legendItem('edge-downstream', 'flow out of the focus', edgeSample('downstream')));
  if (g.edges.some((e) => !e.role)) items.push(legendItem('edge', 'data flow (arrow: direction)', edgeSample('')));
  $('legend').replaceChildren(...items);
}

let clickTimer: ReturnType<typeof setTimeout> | undefined;

function drawNode(root: Element, n: LaidOutNode): void {
  const group = el(
    'g',
    {
      class: `node ${n.shade !== undefined ? `shade-${n.shade}` : ''} ${n.crownJewel ? 'crown' : ''} ${n.role ?? ''}`,
      transform: `translate(${n.x},${n.y})`,
      tabindex: 0,
      role: 'button',
      'data-id': n.id,
    },
    root,
  );
  el('rect', { width: n.width, height: n.height, rx: 6 }, group);
  el('text', { x: 8, y: 15, class: 'id' }, group).textContent = n.id;
  el('text', { x: 8, y: 29, class: 'meta' }, group).textContent = `${n.kind}${n.tier ? ' · ' + n.tier : ''}`;
  if (n.content) el('text', { x: 8, y: 43, class: 'meta content' }, group).textContent = n.content;
  el('title', {}, group).textContent =
    `${n.id}\n${n.kind}${n.tier ? `, tier ${n.tier}` : ''}${n.content ? `\n${n.content}` : ''}\nClick or Enter: open where it is declared, beside the graph. Double-click, Alt+click or Space: focus on it.`;
  group.addEventListener('click', (ev) => {
    clearTimeout(clickTimer);
    if (ev.altKey) return vscode.postMessage({ type: 'focus', id: n.id, depth: depth() });
    // The second click of a double-click cancels this one's open.
    if (ev.detail > 1) return;
    clickTimer = setTimeout(() => vscode.postMessage({ type: 'open', id: n.id }), CLICK_DELAY_MS);
  });
  group.addEventListener('dblclick', () => {
    clearTimeout(clickTimer);
    vscode.postMessage({ type: 'focus', id: n.id, depth: depth() });
  });
  group.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') vscode.postMessage({ type: 'open', id: n.id });
    else if (ev.key === ' ') {
      ev.preventDefault();
      vscode.postMessage({ type: 'focus', id: n.id, depth: depth() });
    }
  });
}

const depth = () => Number(($('depth') as HTMLSelectElement).value) || 2;

function sendFilter(): void {
  const hiddenKinds = [...document.querySelectorAll<HTMLInputElement>('input[data-kind]')]
    .filter((c) => !c.checked)
    .map((c) => c.dataset.kind!);
  vscode.postMessage({ type: 'filter', text: ($('filter') as HTMLInputElement).value, hiddenKinds });
}

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => {
  const m = ev.data;
  if (m.type === 'render') draw(m.graph);
  else if (m.type === 'error') $('status').textContent = `Could not draw the graph: ${m.message}`;
});
$('filter').addEventListener('input', sendFilter);
for (const c of document.querySelectorAll('input[data-kind]')) c.addEventListener('change', sendFilter);
$('depth').addEventListener('change', () => vscode.postMessage({ type: 'focus', id: undefined, depth: depth() }));
$('all').addEventListener('click', () => vscode.postMessage({ type: 'focus', id: undefined }));
$('zoom-in').addEventListener('click', () => zoom(1.25));
$('zoom-out').addEventListener('click', () => zoom(0.8));
$('fit').addEventListener('click', fit);

// Zoom with the wheel (or a pinch, which arrives as a wheel with Ctrl) around the pointer.
const canvas = $('canvas');
canvas.addEventListener(
  'wheel',
  (ev) => {
    ev.preventDefault();
    const box = canvas.getBoundingClientRect();
    zoom(Math.exp(-ev.deltaY * (ev.ctrlKey ? 0.01 : 0.002)), ev.clientX - box.left, ev.clientY - box.top);
  },
  { passive: false },
);
// Pan by dragging the background (a drag that starts on a node is a click on it).
let drag: { x: number; y: number } | undefined;
canvas.addEventListener('pointerdown', (ev) => {
  if ((ev.target as Element).closest?.('g.node, #legend') || ev.button !== 0) return;
  drag = { x: ev.clientX - view.x, y: ev.clientY - view.y };
  canvas.setPointerCapture?.(ev.pointerId);
  canvas.classList.add('panning');
});
canvas.addEventListener('pointermove', (ev) => {
  if (!drag) return;
  view.x = ev.clientX - drag.x;
  view.y = ev.clientY - drag.y;
  applyView();
});
const endDrag = () => {
  drag = undefined;
  canvas.classList.remove('panning');
};
canvas.addEventListener('pointerup', endDrag);
canvas.addEventListener('pointercancel', endDrag);
// Keys while the graph has focus: + and - zoom, 0 fits, arrows pan.
window.addEventListener('keydown', (ev) => {
  if ((ev.target as Element).matches?.('input, select')) return;
  const pan: Record<string, [number, number]> = {
    ArrowLeft: [60, 0],
    ArrowRight: [-60, 0],
    ArrowUp: [0, 60],
    ArrowDown: [0, -60],
  };
  if (ev.key === '+' || ev.key === '=') zoom(1.25);
  else if (ev.key === '-') zoom(0.8);
  else if (ev.key === '0') fit();
  else if (pan[ev.key] && !(ev.target as Element).closest?.('g.node')) {
    view.x += pan[ev.key][0];
    view.y += pan[ev.key][1];
    applyView();
  } else return;
  ev.preventDefault();
});

// The window's shape decides how the layout wraps; its size, how the graph is fitted.
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    fit();
    vscode.postMessage({ type: 'resize', ...area() });
  }, 150);
});
vscode.postMessage({ type: 'ready', ...area() });
