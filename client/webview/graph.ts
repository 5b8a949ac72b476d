/**
 * The lineage graph webview: draws what the extension laid out (client/src/lineage/layout.ts)
 * as SVG, and reports clicks. It loads nothing remote; colours come from the editor's theme.
 */
import type { LaidOut, LaidOutNode } from '../src/lineage/layout';
import type { FromWebview, ToWebview } from '../src/lineage/messages';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };

const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent.appendChild(e);
  return e;
}

function draw(g: LaidOut): void {
  const svg = $('graph') as unknown as SVGSVGElement;
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${Math.max(g.width, 10)} ${Math.max(g.height, 10)}`);
  svg.setAttribute('width', String(Math.max(g.width, 10)));
  svg.setAttribute('height', String(Math.max(g.height, 10)));
  const defs = el('defs', {}, svg);
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, defs);
  el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }, marker);
  for (const e of g.edges) {
    if (e.points.length < 2) continue;
    const line = el('polyline', { points: e.points.map((p) => `${p.x},${p.y}`).join(' '), class: `edge ${e.role ?? ''}`, 'marker-end': 'url(#arrow)' }, svg);
    el('title', {}, line).textContent = `${e.from} → ${e.to} (${e.relation})`;
  }
  for (const n of g.nodes) drawNode(svg, n);
  const status = $('status');
  status.textContent =
    `${g.nodes.length} node${g.nodes.length === 1 ? '' : 's'}` +
    (g.state.focus ? ` around ${g.state.focus} (${g.state.depth} hops)` : '') +
    (g.hidden ? `; ${g.hidden} more not shown: focus on a node or filter` : '');
  $('legend').textContent = g.tiers.length ? `Tiers: ${g.tiers.join(', ')}` : '';
  ($('all') as HTMLButtonElement).disabled = !g.state.focus;
}

function drawNode(svg: Element, n: LaidOutNode): void {
  const group = el('g', { class: `node ${n.crownJewel ? 'crown' : ''} ${n.role ?? ''}`, transform: `translate(${n.x},${n.y})`, tabindex: 0, role: 'button' }, svg);
  el('rect', { width: n.width, height: n.height, rx: 6 }, group);
  el('text', { x: 8, y: 15, class: 'id' }, group).textContent = n.id;
  el('text', { x: 8, y: 29, class: 'meta' }, group).textContent = `${n.kind}${n.tier ? ' · ' + n.tier : ''}`;
  el('title', {}, group).textContent = `${n.id}\n${n.kind}${n.tier ? `, tier ${n.tier}` : ''}\nClick: open where it is declared. Alt+click or double-click: focus on it.`;
  group.addEventListener('click', (ev) => vscode.postMessage(ev.altKey ? { type: 'focus', id: n.id, depth: depth() } : { type: 'open', id: n.id }));
  group.addEventListener('dblclick', () => vscode.postMessage({ type: 'focus', id: n.id, depth: depth() }));
  group.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') vscode.postMessage({ type: 'open', id: n.id });
  });
}

const depth = () => Number(($('depth') as HTMLSelectElement).value) || 2;

function sendFilter(): void {
  const hiddenKinds = [...document.querySelectorAll<HTMLInputElement>('input[data-kind]')].filter((c) => !c.checked).map((c) => c.dataset.kind!);
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
vscode.postMessage({ type: 'ready' });
