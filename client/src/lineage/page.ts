/**
 * The graph view's page body (toolbar, drawing area, legend), without the script and styles
 * the panel adds. Free of VS Code's API, so the webview script can be tested on it as is.
 */
export function graphPage(kinds: readonly string[]): string {
  return `<header id="toolbar">
  <input id="filter" type="text" placeholder="Filter by id" aria-label="Filter nodes by id">
  <details id="kinds"><summary>Kinds</summary><div class="menu">
  ${kinds.map((k) => `<label><input type="checkbox" data-kind="${k}" checked> ${k}</label>`).join('\n  ')}
  </div></details>
  <label>Hops <select id="depth">${[1, 2, 3, 4, 6].map((d) => `<option${d === 2 ? ' selected' : ''}>${d}</option>`).join('')}</select></label>
  <button id="all" disabled title="Every node is shown">Show all</button>
  <span class="zoom" role="group" aria-label="Zoom">
    <button id="zoom-out" class="icon" title="Zoom out (-)" aria-label="Zoom out">−</button>
    <span id="zoom-level" aria-live="polite">100%</span>
    <button id="zoom-in" class="icon" title="Zoom in (+)" aria-label="Zoom in">+</button>
    <button id="fit" title="Fit the graph to the window (0)">Fit</button>
  </span>
  <span id="status">Loading…</span>
</header>
<main id="canvas" tabindex="-1"><svg id="graph" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Lineage graph"><g id="viewport"></g></svg>
<aside id="legend" aria-label="Legend"></aside></main>`;
}
