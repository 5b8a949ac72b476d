import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndexes, type Engine, type LineageGraph, type Span } from '../../core';
import { readWorkspace } from '../../host/workspace-files';
import type { SavedFiles } from './files';
import type { GovernanceState } from './governance';
import { fsPath } from './paths';
import type { SettingsState } from './settings';

/** A folder's lineage graph, and how to turn its spans into LSP locations. */
export interface LineageView {
  readonly graph: LineageGraph;
  toLocation(path: string, span: Span): Location;
  /** A document's path relative to the folder, as the graph names files. */
  relative(uri: string): string | undefined;
}

/** Per folder, the lineage graph of every file (open documents with their unsaved text), until a file that contributes changes. */
export class LineageViews {
  private readonly cache = new Map<string, Promise<LineageView>>();

  constructor(
    private readonly engine: Engine,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly files: SavedFiles,
    private readonly settings: SettingsState,
    private readonly governance: GovernanceState,
  ) {}

  of(folder: string): Promise<LineageView | undefined> {
    const root = fsPath(folder);
    if (!root) return Promise.resolve(undefined);
    let view = this.cache.get(root);
    if (!view) {
      view = this.settings.of(folder).then((settings) => {
        const read = (abs: string) => this.documents.get(pathToFileURL(abs).href)?.getText() ?? this.files.text(abs);
        const ws = readWorkspace(
          root,
          settings,
          read,
          settings.governanceManifest || undefined,
          this.files.files(root, settings),
        );
        const inForce = ws.governance
          ? this.governance.inForce(pathToFileURL(path.resolve(root, ws.governance.path)).href, ws.governance)
          : undefined;
        const graph = this.engine.lineage(ws.files, inForce?.result ?? this.engine.governance(undefined));
        const texts = new Map(ws.files.map((f) => [f.path, f.text]));
        if (ws.governance && inForce) texts.set(ws.governance.path, inForce.text);
        const lines = new LineIndexes((p) => texts.get(p));
        const toLocation = (p: string, span: Span): Location => {
          const li = lines.of(p);
          return {
            uri: pathToFileURL(path.join(root, p)).href,
            range: { start: li.position(span.offset), end: li.position(span.offset + span.length) },
          };
        };
        const relative = (u: string) => {
          const own = fsPath(u);
          return own ? path.relative(root, own).split(path.sep).join('/') : undefined;
        };
        return { graph, toLocation, relative };
      });
      this.cache.set(root, view);
    }
    return view;
  }

  clear(): void {
    this.cache.clear();
  }
}
