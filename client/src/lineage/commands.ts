import {
  commands,
  EventEmitter,
  Range,
  ThemeIcon,
  TreeItem,
  TreeItemCollapsibleState,
  QuickPickItemKind,
  Uri,
  window,
  workspace,
  type ExtensionContext,
  type TreeDataProvider,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { LineageLocation, LineageNodeInfo } from '../../../shared/lineage-protocol';
import { GraphPanel } from './panel';
import { LineageClient } from './requests';

const ICONS: Record<string, string> = {
  asset: 'database',
  dataset: 'file',
  stage: 'gear',
  'training-run': 'beaker',
  model: 'hubot',
  release: 'package',
  deployment: 'cloud-upload',
  'hub-repo': 'repo',
  code: 'file-code',
};

async function open(location: LineageLocation): Promise<void> {
  const doc = await workspace.openTextDocument(Uri.parse(location.uri));
  const { start, end } = location.range;
  await window.showTextDocument(doc, { selection: new Range(start.line, start.character, end.line, end.character) });
}

function describe(n: { kind: string; tier?: string; crownJewel?: boolean }): string {
  return `${n.kind}${n.tier ? ` · ${n.tier}` : ''}${n.crownJewel ? ' · crown-jewel' : ''}`;
}

/** A quick pick of nodes; choosing one opens where it is declared. Not awaited by commands. */
async function pickAndOpen(title: string, nodes: LineageNodeInfo[]): Promise<void> {
  if (nodes.length === 0) {
    void window.showInformationMessage(`${title}: nothing.`);
    return;
  }
  const chosen = await window.showQuickPick(
    nodes.map((n) => ({
      label: `$(${ICONS[n.kind] ?? 'circle-outline'}) ${n.id}`,
      description: describe(n),
      detail: workspace.asRelativePath(Uri.parse(n.location.uri)),
      node: n,
    })),
    { title, matchOnDescription: true },
  );
  if (chosen) await open(chosen.node.location);
}

/** The id a command acts on: its argument, the node under the cursor, or one the user picks. */
async function target(lineage: LineageClient, arg: unknown, title: string): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  if (arg instanceof TreeItem && typeof arg.id === 'string') return arg.id.split('\u0000').pop();
  const here = await lineage.nodeAt(window.activeTextEditor);
  if (here) return here;
  const nodes = await lineage.nodes();
  const chosen = await window.showQuickPick(
    nodes.map((n) => ({ label: n.id, description: describe(n) })),
    { title, placeHolder: 'A dataset, stage, model or asset id' },
  );
  return chosen?.label;
}

/** The lineage tree in the explorer: assets at the top, each node's downstream neighbours below it. */
class LineageTree implements TreeDataProvider<TreeItem> {
  private readonly changed = new EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly lineage: LineageClient) {
    lineage.onDidChange(() => this.changed.fire());
  }

  getTreeItem(item: TreeItem): TreeItem {
    return item;
  }

  async getChildren(parent?: TreeItem): Promise<TreeItem[]> {
    const path = parent?.id ? parent.id.split('\u0000') : [];
    const nodes = parent
      ? (await this.lineage.walk(path[path.length - 1], 'downstream', 1)).nodes.filter(
          (n) => n.id !== path[path.length - 1],
        )
      : (await this.lineage.nodes()).filter((n) => n.kind === 'asset');
    return nodes
      .filter((n) => !path.includes(n.id))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((n) => {
        const item = new TreeItem(
          n.id,
          n.kind === 'code' ? TreeItemCollapsibleState.None : TreeItemCollapsibleState.Collapsed,
        );
        // Unique per path, so the same node can appear under several parents.
        item.id = [...path, n.id].join('\u0000');
        item.description = n.tier ?? '';
        item.tooltip = `${n.id}\n${describe(n)}${n.detail ? `\n${n.detail}` : ''}${n.content ? `\n${n.content}` : ''}`;
        item.iconPath = new ThemeIcon(ICONS[n.kind] ?? 'circle-outline');
        item.contextValue = 'crownguard.lineageNode';
        item.command = { command: 'crownguard.openLineageNode', title: 'Open', arguments: [n.location] };
        return item;
      });
  }
}

/**
 * The lineage commands, tree view and graph. Each command returns what it found, so that it can
 * be driven (and tested) through `commands.executeCommand` as well as from the palette.
 */
export function registerLineage(context: ExtensionContext, client: LanguageClient): LineageClient {
  const lineage = new LineageClient(client);
  context.subscriptions.push(
    lineage,
    window.registerTreeDataProvider('crownguard.lineage', new LineageTree(lineage)),
    commands.registerCommand('crownguard.openLineageNode', (location: LineageLocation) => open(location)),
    commands.registerCommand('crownguard.showLineage', async (arg?: unknown) => {
      const id = await target(lineage, arg, 'Show Lineage');
      if (id) GraphPanel.show(context, lineage, id);
      return id;
    }),
    commands.registerCommand('crownguard.showLineageGraph', () => {
      GraphPanel.show(context, lineage);
    }),
    ...(['upstream', 'downstream'] as const).map((direction) => {
      const title = direction === 'upstream' ? 'Show Upstream' : 'Show Downstream';
      return commands.registerCommand(
        direction === 'upstream' ? 'crownguard.showUpstream' : 'crownguard.showDownstream',
        async (arg?: unknown) => {
          const id = await target(lineage, arg, title);
          if (!id) return undefined;
          const nodes = (await lineage.walk(id, direction)).nodes.filter((n) => n.id !== id);
          void pickAndOpen(`${direction === 'upstream' ? 'Upstream' : 'Downstream'} of ${id}`, nodes);
          return nodes.map((n) => n.id);
        },
      );
    }),
    commands.registerCommand('crownguard.whichModels', async (arg?: unknown) => {
      const id = await target(lineage, arg, 'Which Models Carry This Asset?');
      if (!id) return undefined;
      const nodes = await lineage.modelsCarrying(id);
      void pickAndOpen(`Models carrying ${id}`, nodes);
      return nodes.map((n) => n.id);
    }),
    commands.registerCommand('crownguard.explainClassification', async (arg?: unknown) => {
      const id = await target(lineage, arg, 'Explain Classification');
      if (!id) return undefined;
      const { hops, sources } = await lineage.explain(id);
      // A `redacted` hop got its tier from the redacting stage listed right after it.
      const reason = (r: string, i: number) =>
        r === 'declared'
          ? 'declared here'
          : r === 'redacted'
            ? `redacted by ${hops[i + 1]?.id ?? 'a redacting stage'}`
            : r === 'unclassified'
              ? 'nothing classified flows here'
              : r === 'content'
                ? `content: ${hops[i].content ?? 'its data file'}`
                : `via ${r}`;
      const sourceItems = sources.map((s) => ({
        label: s.id,
        description: `${s.kind} · ${s.redactedBy ? `${s.declaredTier}, lowered to ${s.tier ?? 'unclassified'} by ${s.redactedBy}` : s.declaredTier}${s.decides ? ' · decides the tier' : ''}`,
        detail: workspace.asRelativePath(Uri.parse(s.location.uri)),
        location: s.location,
      }));
      const hopItems = hops.map((h, i) => ({
        label: `${'  '.repeat(i)}${i ? '← ' : ''}${h.id}`,
        description: `${h.kind} · ${h.tier ?? 'unclassified'} · ${reason(h.reason, i)}`,
        detail: workspace.asRelativePath(Uri.parse(h.location.uri)),
        location: h.location,
      }));
      const separator = (label: string) => ({ label, kind: QuickPickItemKind.Separator, location: undefined });
      void window
        .showQuickPick(
          [
            ...(sourceItems.length ? [separator('Sources'), ...sourceItems, separator('Traced to a declaration')] : []),
            ...hopItems,
          ],
          {
            title: `Why ${id} is ${hops[0]?.tier ?? 'unclassified'}`,
          },
        )
        .then((chosen) => chosen?.location && open(chosen.location));
      return hops.map((h) => ({ id: h.id, tier: h.tier, reason: h.reason }));
    }),
  );
  return lineage;
}
