import { EventEmitter, window, type Event, type TextEditor } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ExplainHop, ExplainSource, LineageGraphInfo, LineageNodeInfo } from '../../../shared/lineage-protocol';
import { LineageDidChange, LineageRequestTypes } from '../../../shared/lineage-requests';

/** The lineage requests, typed, for the folder of the active editor. */
export class LineageClient {
  private readonly changed = new EventEmitter<void>();
  readonly onDidChange: Event<void> = this.changed.event;

  constructor(private readonly client: LanguageClient) {
    client.onNotification(LineageDidChange, () => this.changed.fire());
  }

  private scope(): { uri?: string } {
    return { uri: window.activeTextEditor?.document.uri.toString() };
  }

  async nodes(): Promise<LineageNodeInfo[]> {
    return (await this.client.sendRequest(LineageRequestTypes.nodes, this.scope())).nodes;
  }

  graph(): Promise<LineageGraphInfo> {
    return this.client.sendRequest(LineageRequestTypes.graph, this.scope());
  }

  walk(id: string, direction: 'upstream' | 'downstream', depth?: number): Promise<LineageGraphInfo> {
    return this.client.sendRequest(LineageRequestTypes[direction], { ...this.scope(), id, depth });
  }

  explain(id: string): Promise<{ hops: ExplainHop[]; sources: ExplainSource[] }> {
    return this.client.sendRequest(LineageRequestTypes.explain, { ...this.scope(), id });
  }

  async modelsCarrying(id: string): Promise<LineageNodeInfo[]> {
    return (await this.client.sendRequest(LineageRequestTypes.modelsCarrying, { ...this.scope(), id })).nodes;
  }

  /** The node named under the cursor of `editor`, if any. */
  async nodeAt(editor: TextEditor | undefined): Promise<string | undefined> {
    if (!editor) return undefined;
    const position = editor.selection.active;
    const r = await this.client.sendRequest(LineageRequestTypes.nodeAt, {
      textDocument: { uri: editor.document.uri.toString() },
      position: { line: position.line, character: position.character },
    });
    return r?.id;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
