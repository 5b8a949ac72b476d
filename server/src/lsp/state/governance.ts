import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Engine, Finding, SourceFile } from '../../core';
import type { GovernanceResult } from '../../core/governance/load';
import { nearestGovernanceManifest } from '../../host/discover';
import type { SavedFiles } from './files';
import { fsPath } from './paths';
import type { SettingsState } from './settings';

/**
 * Which governance manifest governs each document, and the governance it puts in force:
 * decided as the CLI decides (the nearest manifest at or above the file, within its folder),
 * read from the open document or the saved text.
 */
export class GovernanceState {
  /** Per directory: the manifest that governs its files. */
  private readonly manifestPaths = new Map<string, string | undefined>();
  /** Per manifest: its current text, the governance in force, and the text that governance was read from. */
  private readonly cache = new Map<string, { text: string; result: GovernanceResult; source: string }>();
  /**
   * Per manifest: the last version that parsed as YAML, and its text. While a manifest does not
   * parse (an unclosed bracket half typed), it stays in force: falling back to the built-in
   * default would turn every other file's findings into a cascade of wrong ones.
   */
  private readonly lastParsed = new Map<string, { text: string; result: GovernanceResult }>();

  constructor(
    private readonly engine: Engine,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly files: SavedFiles,
    private readonly settings: SettingsState,
    private readonly folderOf: (uri: string) => string | undefined,
  ) {}

  /** The governance in force for a document: its folder's manifest, or the built-in default. */
  async for(uri: string): Promise<GovernanceResult> {
    const folder = this.folderOf(uri);
    const root = folder ? fsPath(folder) : undefined;
    const own = fsPath(uri);
    if (!root || !own) return this.engine.governance(undefined);
    const settings = await this.settings.of(folder!);
    // The nearest manifest at or above the document, as the CLI decides, within the folder.
    const dir = path.dirname(own);
    if (!this.manifestPaths.has(dir)) this.manifestPaths.set(dir, nearestGovernanceManifest(dir, settings, root));
    const manifest = this.manifestPaths.get(dir);
    if (!manifest) return this.engine.governance(undefined);
    const manifestUri = pathToFileURL(manifest).href;
    const open = this.documents.get(manifestUri);
    // Read once until it changes on disk: a workspace scan asks for it once per file.
    const text = open ? open.getText() : this.files.text(manifest);
    // An unreadable manifest on disk is reported when it is opened; code keeps the default.
    if (text === undefined) return this.engine.governance(undefined);
    const cached = this.cache.get(manifestUri);
    if (cached && cached.text === text) return cached.result;
    const inForce = this.inForce(manifestUri, {
      path: path.relative(root, manifest).split(path.sep).join('/') || manifest,
      text,
    });
    this.cache.set(manifestUri, { text, result: inForce.result, source: inForce.text });
    return inForce.result;
  }

  /** The governance in force for a document, with the manifest's text (for cross-file messages). */
  async withText(uri: string): Promise<{ result: GovernanceResult; text?: string }> {
    const result = await this.for(uri);
    return { result, text: result.governance.path ? this.cache.get(this.manifestUri(uri) ?? '')?.source : undefined };
  }

  private manifestUri(uri: string): string | undefined {
    const own = fsPath(uri);
    const manifest = own ? this.manifestPaths.get(path.dirname(own)) : undefined;
    return manifest ? pathToFileURL(manifest).href : undefined;
  }

  /** True when `uri` is a manifest already found to govern some document. */
  governsSome(uri: string): boolean {
    return [...this.manifestPaths.values()].some((m) => m && pathToFileURL(m).href === uri);
  }

  /** The governance a manifest's text puts in force: its own, or while it does not parse, the last that did. */
  inForce(manifestUri: string, file: SourceFile): { result: GovernanceResult; text: string; stale: boolean } {
    const result = this.engine.governance(file);
    if (!result.unparsed) {
      this.lastParsed.set(manifestUri, { text: file.text, result });
      return { result, text: file.text, stale: false };
    }
    const last = this.lastParsed.get(manifestUri);
    return last
      ? { result: { ...last.result, findings: result.findings, broken: true }, text: last.text, stale: true }
      : { result, text: file.text, stale: false };
  }

  /** The manifest's own findings; while it does not parse, the first says which version is in force. */
  ownFindings(manifestUri: string, file: SourceFile): Finding[] {
    const own = this.engine.governance(file).findings;
    if (!this.inForce(manifestUri, file).stale) return own;
    const first = own.findIndex((f) => f.ruleId === 'CG001');
    return own.map((f, i) =>
      i === first
        ? {
            ...f,
            message: `${f.message}. Until the file parses again, CrownGuard checks the workspace against its last version that did`,
          }
        : f,
    );
  }

  /** Forgets which manifest governs what and what each says (settings or files changed). */
  clear(): void {
    this.manifestPaths.clear();
    this.cache.clear();
  }
}
