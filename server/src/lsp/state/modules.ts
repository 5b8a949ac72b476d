import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ModuleHost } from '../../core';
import { realFolder } from '../../host/confine';
import { confinedText } from '../../host/modules';
import { fsPath } from './paths';

/** Files whose imports are remembered; past it, the file analysed longest ago is forgotten first. */
const MAX_DEPENDENTS = 10_000;
/** Module texts read from disk and kept until the file changes on disk. */
const MAX_DISK_TEXTS = 8_192;

/** What one analysed file read of the workspace's modules. */
interface Dependencies {
  /** The file system path of the workspace folder the module paths are relative to. */
  readonly root: string;
  /** Every module path the analysis asked for, found or not, transitively: a file created there counts too. */
  readonly paths: ReadonlySet<string>;
}

/**
 * The workspace's modules as the server's analyses see them: an open document's current text
 * first, else the file on disk inside the document's workspace folder (never outside it), and
 * the reverse of the import links: for a changed module, the analysed files whose analysis read it.
 */
export class ServerModules {
  private readonly disk = new Map<string, string | undefined>();
  private readonly reals = new Map<string, string | undefined>();
  private readonly dependencies = new Map<string, Dependencies>();
  /** The last diagnostics computed per file, as text: a re-check compares with them. */
  private readonly lastResults = new Map<string, string>();
  /** Per saved file, how often a re-check found new diagnostics: part of its result id. */
  private readonly revisions = new Map<string, number>();
  /** Changes to what `text` answers: open documents opened, edited or closed, files changed on disk. */
  private changes = 0;
  /** Of those, the changes to each open document itself. */
  private readonly ownChanges = new Map<string, number>();

  constructor(private readonly documents: TextDocuments<TextDocument>) {
    documents.onDidChangeContent((e) => this.changed(e.document.uri));
    documents.onDidClose((e) => {
      this.changed(e.document.uri);
      this.ownChanges.delete(e.document.uri);
    });
  }

  private changed(uri: string): void {
    this.changes++;
    this.ownChanges.set(uri, (this.ownChanges.get(uri) ?? 0) + 1);
  }

  /**
   * A host for one analysis of the file `uri` of the folder at `root` (a file system path):
   * module paths are relative to the folder, `/` separated, and each one asked for is added to
   * `reads`. Its revision counts the changes to every text but the file's own, which the engine
   * follows itself: typing in the file leaves it as it was.
   */
  hostFor(root: string, reads: Set<string>, uri?: string): ModuleHost {
    return {
      read: (relative: string): string | undefined => {
        reads.add(relative);
        return this.text(root, relative);
      },
      revision: this.changes - (uri === undefined ? 0 : (this.ownChanges.get(uri) ?? 0)),
    };
  }

  private text(root: string, relative: string): string | undefined {
    if (relative === '' || relative.startsWith('..') || relative.startsWith('/') || relative.includes('\\'))
      return undefined;
    const abs = path.join(root, relative);
    const open = this.documents.get(pathToFileURL(abs).href);
    if (open) return open.getText();
    if (this.disk.has(abs)) return this.disk.get(abs);
    if (!this.reals.has(root)) this.reals.set(root, realFolder(root));
    const real = this.reals.get(root);
    const text = real ? confinedText(real, relative) : undefined;
    if (this.disk.size >= MAX_DISK_TEXTS) this.disk.delete(this.disk.keys().next().value!);
    this.disk.set(abs, text);
    return text;
  }

  /** Remembers what an analysis of `uri` read; a file that read no module is no dependent. */
  record(uri: string, root: string, reads: ReadonlySet<string>): void {
    this.dependencies.delete(uri);
    if (reads.size === 0) return;
    this.dependencies.set(uri, { root, paths: reads });
    if (this.dependencies.size > MAX_DEPENDENTS) this.dependencies.delete(this.dependencies.keys().next().value!);
  }

  /** True when one of the module paths `reads` of the folder at `root` is a document open in the editor. */
  readsOpen(root: string, reads: ReadonlySet<string>): boolean {
    for (const relative of reads) if (this.documents.get(pathToFileURL(path.join(root, relative)).href)) return true;
    return false;
  }

  /** Files changed on disk: their texts are read again when next asked for. */
  forget(uris: readonly string[]): void {
    this.changes++;
    for (const uri of uris) {
      const abs = fsPath(uri);
      if (abs) this.disk.delete(abs);
    }
  }

  /** The analysed files that read one of the modules at `uris` other than themselves. */
  dependentsOf(uris: ReadonlySet<string>): string[] {
    const changed = [...uris].flatMap((u) => {
      const abs = fsPath(u);
      return abs ? [{ uri: u, abs }] : [];
    });
    const out: string[] = [];
    for (const [uri, deps] of this.dependencies) {
      // A file edited itself is still a dependent of the other modules that changed with it.
      const hit = changed.some(({ uri: module, abs }) => {
        if (module === uri) return false;
        const rel = path.relative(deps.root, abs);
        return !rel.startsWith('..') && !path.isAbsolute(rel) && deps.paths.has(rel.split(path.sep).join('/'));
      });
      if (hit) out.push(uri);
    }
    return out;
  }

  /** Notes a file's diagnostics; true when they differ from the ones noted before (false the first time). */
  noteResult(uri: string, items: readonly Diagnostic[]): boolean {
    const key = JSON.stringify(items);
    const before = this.lastResults.get(uri);
    this.lastResults.set(uri, key);
    if (this.lastResults.size > MAX_DEPENDENTS) this.lastResults.delete(this.lastResults.keys().next().value!);
    return before !== undefined && before !== key;
  }

  /** A saved file's diagnostics changed with no change to the file: its result id must change. */
  bumpRevision(uri: string): void {
    this.revisions.set(uri, (this.revisions.get(uri) ?? 0) + 1);
  }

  /** What a saved file's result id adds for the re-checks that changed its diagnostics ('' when none did). */
  revisionSuffix(uri: string): string {
    const n = this.revisions.get(uri);
    return n ? `.m${n}` : '';
  }
}
