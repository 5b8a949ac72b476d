import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  isGovernanceManifest,
  isNotebookPath,
  MAX_NOTEBOOK_CHARS,
  mayBeWorkspaceFile,
  type Settings,
} from '../../core';
import { discover } from '../../host/discover';
import { MAX_FILE_BYTES, readText } from '../../host/read';
import { fsPath, relativeTo } from './paths';

/** A file of a folder's listing: its path, URI, and path relative to the folder (as the core names files). */
export interface ManifestEntry {
  readonly abs: string;
  readonly uri: string;
  readonly relative: string;
}

/**
 * The folders' listings and the saved texts of their files, each read once until
 * `didChangeWatchedFiles` says a file changed (a created or deleted file changes the listings).
 */
export class SavedFiles {
  /** Saved texts (undefined when unreadable), until a watched file changes on disk. */
  private readonly texts = new Map<string, string | undefined>();
  /** Digests of saved texts, dropped with the texts. */
  private readonly digests = new Map<string, string>();
  /** Per folder: every analysable file, until files are created or deleted. */
  private readonly fileLists = new Map<string, string[]>();
  /** Per folder: the files that may be manifests or known formats, until files are created or deleted. */
  private readonly manifestLists = new Map<string, string[]>();
  private readonly manifestEntryLists = new Map<string, { list: string[]; entries: ManifestEntry[] }>();

  /** A file's saved text (undefined when unreadable). */
  text(abs: string): string | undefined {
    if (!this.texts.has(abs)) {
      // A notebook holds outputs and images: it has its own, larger, bound.
      const read = readText(abs, isNotebookPath(abs) ? MAX_NOTEBOOK_CHARS : MAX_FILE_BYTES);
      this.texts.set(abs, read.ok ? read.text : undefined);
    }
    return this.texts.get(abs);
  }

  /** A short digest of a saved text, kept with it. */
  digest(abs: string, text: string): string {
    let d = this.digests.get(abs);
    if (d === undefined) this.digests.set(abs, (d = createHash('sha1').update(text).digest('hex').slice(0, 16)));
    return d;
  }

  /** Every analysable file of the folder at `root`. */
  files(root: string, settings: Settings): string[] {
    if (!this.fileLists.has(root)) this.fileLists.set(root, discover([root], settings).files);
    return this.fileLists.get(root)!;
  }

  /** The folder's files that may be pipeline or model manifests or known formats (not the governance manifest). */
  manifests(root: string, settings: Settings): string[] {
    if (!this.manifestLists.has(root))
      this.manifestLists.set(
        root,
        discover([root], settings).files.filter(
          (f) => mayBeWorkspaceFile(f, settings) && !isGovernanceManifest(f, settings),
        ),
      );
    return this.manifestLists.get(root)!;
  }

  /**
   * The same listing with each file's URI and path relative to `root`, worked out once per
   * listing: a manifest edit asks for all of them, and 2,000 conversions cost more than the check.
   */
  manifestEntries(root: string, settings: Settings): readonly ManifestEntry[] {
    const list = this.manifests(root, settings);
    const cached = this.manifestEntryLists.get(root);
    if (cached?.list === list) return cached.entries;
    const entries = list.map((abs) => ({ abs, uri: pathToFileURL(abs).href, relative: relativeTo(root, abs) }));
    this.manifestEntryLists.set(root, { list, entries });
    return entries;
  }

  /** Files changed on disk: their saved texts are read again; a created or deleted file changes the listings. */
  forget(changes: readonly { uri: string; listing: boolean }[]): void {
    for (const c of changes) {
      const abs = fsPath(c.uri);
      if (abs) {
        this.texts.delete(abs);
        this.digests.delete(abs);
      }
      if (c.listing) {
        this.fileLists.clear();
        this.manifestLists.clear();
      }
    }
  }

  clear(): void {
    this.texts.clear();
    this.digests.clear();
    this.fileLists.clear();
    this.manifestLists.clear();
  }
}
