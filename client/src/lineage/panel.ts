import { randomBytes } from 'node:crypto';
import { Range, Uri, ViewColumn, window, workspace, type ExtensionContext, type WebviewPanel } from 'vscode';
import { LINEAGE_NODE_KINDS } from '../../../shared/lineage-protocol';
import type { LineageClient } from './requests';
import { GraphController } from './messages';
import { graphPage } from './page';

/**
 * The lineage graph in a webview: one panel, re-focused when asked again. The page runs only
 * our bundled script (nonce-checked), loads nothing remote, and draws in the theme's colours.
 */
export class GraphPanel {
  private static current: GraphPanel | undefined;
  private readonly controller: GraphController;

  private constructor(
    private readonly panel: WebviewPanel,
    lineage: LineageClient,
    context: ExtensionContext,
    focus: string | undefined,
  ) {
    this.controller = new GraphController(
      {
        graph: () => lineage.graph(),
        open: async (location) => {
          const doc = await workspace.openTextDocument(Uri.parse(location.uri));
          const { start, end } = location.range;
          // Beside the graph, never over it, and the graph keeps the keyboard: a click reads
          // the declaration without losing one's place in the graph.
          const other =
            window.tabGroups.all.find((g) => g.viewColumn !== this.panel.viewColumn)?.viewColumn ?? ViewColumn.Beside;
          await window.showTextDocument(doc, {
            viewColumn: other,
            preserveFocus: true,
            preview: true,
            selection: new Range(start.line, start.character, end.line, end.character),
          });
        },
        post: (message) => void this.panel.webview.postMessage(message),
      },
      { focus },
    );
    const dist = Uri.joinPath(context.extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    panel.webview.html = html(panel, dist);
    panel.webview.onDidReceiveMessage((m) => void this.controller.receive(m));
    // Redrawn when the lineage changes, for as long as the panel is open: a closed panel's
    // webview throws when posted to.
    const redraw = lineage.onDidChange(() => void this.controller.render());
    panel.onDidDispose(() => {
      redraw.dispose();
      if (GraphPanel.current === this) GraphPanel.current = undefined;
    });
  }

  /** Opens the graph (or brings it forward), focused on a node's neighbourhood when given one. */
  static show(context: ExtensionContext, lineage: LineageClient, focus?: string): GraphPanel {
    // A node's neighbourhood opens beside the editor it was asked from; the whole graph takes
    // the active editor group, where it has room to be read.
    const column = focus ? ViewColumn.Beside : ViewColumn.Active;
    if (GraphPanel.current) {
      GraphPanel.current.panel.reveal(column);
      void GraphPanel.current.controller.receive({ type: 'focus', id: focus });
      return GraphPanel.current;
    }
    const panel = window.createWebviewPanel('crownguard.lineage', 'CrownGuard Lineage', column, {
      enableScripts: true,
      retainContextWhenHidden: true,
    });
    GraphPanel.current = new GraphPanel(panel, lineage, context, focus);
    return GraphPanel.current;
  }
}

function html(panel: WebviewPanel, dist: Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    `default-src 'none'`,
    `img-src ${panel.webview.cspSource}`,
    `style-src ${panel.webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const script = panel.webview.asWebviewUri(Uri.joinPath(dist, 'lineage-view.js'));
  const style = panel.webview.asWebviewUri(Uri.joinPath(dist, 'lineage-view.css'));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>CrownGuard Lineage</title>
</head>
<body>
${graphPage(LINEAGE_NODE_KINDS)}
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
