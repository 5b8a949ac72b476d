import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  NotebookCellKind,
  TextDocuments,
  type NotebookDocuments,
  type NotebookDocument,
  type Connection,
  type Diagnostic,
  type DocumentLink,
  type Location,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  completeAt,
  describeKeyAt,
  linkCandidates,
  DEFAULT_SETTINGS,
  maskId,
  idAt,
  isGovernanceManifest,
  isNotebookPath,
  isWorkspaceFile,
  MAX_NOTEBOOK_CHARS,
  type CellsResult,
  type CellSource,
  LineIndex,
  manifestKindOf,
  type Engine,
  type Finding,
  type ManifestIndex,
  type Note,
  type RelatedInformation,
  type SchemaKind,
  type Settings,
  type SourceFile,
  type Span,
  type Completion,
  type LineageGraph,
} from '../core';
import type { GovernanceResult } from '../core/governance/load';
import { artifactLookup } from '../host/digest';
import { discover, nearestGovernanceManifest } from '../host/discover';
import { ruleDocText, ruleDocUrl } from '../host/docs';
import { resolveLink } from '../host/links';
import { readWorkspace } from '../host/workspace-files';
import { MAX_FILE_BYTES, readText } from '../host/read';
import { noteDiagnostic, toDiagnostic, toRange, type RelatedResolver } from './convert';

/** A folder's lineage graph, and how to turn its spans into LSP locations. */
export interface LineageView {
  readonly graph: LineageGraph;
  toLocation(path: string, span: Span): Location;
  /** A document's path relative to the folder, as the graph names files. */
  relative(uri: string): string | undefined;
}

/** A saved file's diagnostics; `computed` is true when they were computed for this request. */
export interface SavedResult {
  readonly resultId: string;
  readonly items: Diagnostic[];
  readonly computed: boolean;
}

/** What the diagnostics of a folder's saved files depend on besides each file's own text. */
export interface FolderIdentity {
  readonly settings: Settings;
  /** Names the settings value. */
  readonly id: string;
  /** A digest of the folder's manifests' texts. */
  readonly manifests: string;
}

interface ManifestContext {
  readonly root: string;
  readonly sources: SourceFile[];
  readonly governance: GovernanceResult;
  readonly governanceText?: string;
}

export interface Navigation {
  readonly index: ManifestIndex;
  readonly at: NonNullable<ReturnType<typeof idAt>>;
  toLocation(path: string, span: Span): Location;
  lineOf(d: { path: string; span: Span }): number;
}

/** Files that may be a manifest, a fine-tuning config, a DVC pipeline or a model card. */
const WORKSPACE_FILE = /\.(ya?ml|json|md)$/i;

function fsPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The server's view of the workspace: open documents, per-resource settings, and the
 * governance manifest of each folder. Caches are keyed so that a change can clear them
 * wholesale (`invalidate`) rather than patch them.
 */
export class Workspace {
  folders: string[] = [];
  configurationSupported = false;
  /** The open notebooks, whose cells are in `documents` too (notebook document sync). */
  notebooks?: NotebookDocuments<TextDocument>;
  /** Per open notebook: its cells' analysis, for the versions of the cells it was computed from. */
  private readonly notebookResults = new Map<string, { key: string; result: CellsResult }>();
  private readonly settingsCache = new Map<string, Promise<Settings>>();
  private readonly manifestPaths = new Map<string, string | undefined>();
  /** Per manifest: its current text, the governance in force, and the text that governance was read from. */
  private governanceCache = new Map<string, { text: string; result: GovernanceResult; source: string }>();
  /**
   * Per manifest: the last version that parsed as YAML, and its text. While a manifest does not
   * parse (an unclosed bracket half typed), it stays in force: falling back to the built-in
   * default would turn every other file's findings into a cascade of wrong ones.
   */
  private lastParsed = new Map<string, { text: string; result: GovernanceResult }>();
  /** Per folder: the pipeline and model manifests found on disk (paths), until files change. */
  private readonly manifestLists = new Map<string, string[]>();
  /** Per folder: every analysable file (for lineage), until files change on disk. */
  private readonly fileLists = new Map<string, string[]>();
  /** Saved texts of the workspace's manifests, until a watched file changes on disk. */
  private readonly diskTexts = new Map<string, string | undefined>();
  /** Per folder: the lineage graph, until a file that contributes to it changes. */
  private readonly lineageCache = new Map<string, Promise<LineageView>>();
  /** Per file not open: its saved text's diagnostics, with the result id they answer to. */
  private readonly savedResults = new Map<string, SavedResult>();
  /** Digests of saved texts, dropped with the texts. */
  private readonly digests = new Map<string, string>();
  /** Small numbers naming the governance and settings objects a result was computed with. */
  private readonly identities = new WeakMap<object, number>();
  private nextIdentity = 0;
  /** Requests the user is waiting for (every one but the workspace scan) now being served. */
  private inForeground = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly engine: Engine,
    readonly documents: TextDocuments<TextDocument> = new TextDocuments(TextDocument),
  ) {}

  /** Runs a request the user waits for; the workspace scan pauses until none is running. */
  async foreground<T>(work: () => Promise<T> | T): Promise<T> {
    this.inForeground++;
    try {
      return await work();
    } finally {
      if (--this.inForeground === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** Resolves when no foreground request is running: the scan waits for this between files. */
  foregroundIdle(): Promise<void> {
    return this.inForeground === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Settings for a resource, asked of the client once per resource until they change. */
  settings(uri: string): Promise<Settings> {
    if (!this.configurationSupported) return Promise.resolve(DEFAULT_SETTINGS);
    let s = this.settingsCache.get(uri);
    if (!s) {
      s = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'crownguard' })
        .then((c: Partial<Settings> | null) => ({
          enable: typeof c?.enable === 'boolean' ? c.enable : DEFAULT_SETTINGS.enable,
          governanceManifest:
            typeof c?.governanceManifest === 'string' ? c.governanceManifest : DEFAULT_SETTINGS.governanceManifest,
        }))
        .catch(() => DEFAULT_SETTINGS);
      this.settingsCache.set(uri, s);
    }
    return s;
  }

  /** Forgets cached settings and manifests; the next diagnostics request recomputes them. */
  invalidate(): void {
    this.settingsCache.clear();
    this.manifestPaths.clear();
    this.governanceCache.clear();
    this.manifestLists.clear();
    this.lineageCache.clear();
    this.diskTexts.clear();
    this.digests.clear();
    this.fileLists.clear();
  }

  /**
   * The lineage node named at `offset` of a document: a node it declares there, or the node an
   * edge written there points at (an input, a dataset path in a config); with the span.
   */
  async lineageAt(uri: string, offset: number): Promise<{ view: LineageView; id: string; span: Span } | undefined> {
    const view = await this.lineage(uri);
    const file = view?.relative(uri);
    if (!view || !file) return undefined;
    const at = view.graph.nameAt(file, offset);
    return at ? { view, ...at } : undefined;
  }

  /** Files changed on disk: their saved texts are read again; a created or deleted file changes the listings. */
  forgetSaved(changes: readonly { uri: string; listing: boolean }[]): void {
    for (const c of changes) {
      const abs = fsPath(c.uri);
      if (abs) {
        this.diskTexts.delete(abs);
        this.digests.delete(abs);
      }
      if (c.listing) {
        this.fileLists.clear();
        this.manifestLists.clear();
      }
    }
  }

  /** A file's saved text (undefined when unreadable), read once until files change on disk. */
  private diskText(abs: string): string | undefined {
    if (!this.diskTexts.has(abs)) {
      // A notebook holds outputs and images: it has its own, larger, bound.
      const read = readText(abs, isNotebookPath(abs) ? MAX_NOTEBOOK_CHARS : MAX_FILE_BYTES);
      this.diskTexts.set(abs, read.ok ? read.text : undefined);
    }
    return this.diskTexts.get(abs);
  }

  /** Forgets the lineage graphs only (an open manifest, config or code file was edited). */
  invalidateLineage(): void {
    this.lineageCache.clear();
  }

  /**
   * The lineage graph of the folder containing `uri` (or of the first folder): every file of the
   * folder, open documents with their unsaved text. Kept until a contributing file changes.
   */
  lineage(uri: string | undefined): Promise<LineageView | undefined> {
    const folder = (uri && this.folderOf(uri)) ?? this.folders[0];
    const root = folder ? fsPath(folder) : undefined;
    if (!folder || !root) return Promise.resolve(undefined);
    let view = this.lineageCache.get(root);
    if (!view) {
      view = this.settings(folder).then((settings) => {
        const read = (abs: string) => this.documents.get(pathToFileURL(abs).href)?.getText() ?? this.diskText(abs);
        if (!this.fileLists.has(root)) this.fileLists.set(root, discover([root], settings).files);
        const ws = readWorkspace(
          root,
          settings,
          read,
          settings.governanceManifest || undefined,
          this.fileLists.get(root),
        );
        const inForce = ws.governance
          ? this.governanceInForce(pathToFileURL(path.resolve(root, ws.governance.path)).href, ws.governance)
          : undefined;
        const graph = this.engine.lineage(ws.files, inForce?.result ?? this.engine.governance(undefined));
        const texts = new Map(ws.files.map((f) => [f.path, f.text]));
        if (ws.governance && inForce) texts.set(ws.governance.path, inForce.text);
        const lines = new Map<string, LineIndex>();
        const toLocation = (p: string, span: Span): Location => {
          if (!lines.has(p)) lines.set(p, new LineIndex(texts.get(p) ?? ''));
          const li = lines.get(p)!;
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
      this.lineageCache.set(root, view);
    }
    return view;
  }

  /** The workspace folder containing `uri` (the innermost, for nested folders). */
  folderOf(uri: string): string | undefined {
    return this.folders
      .filter((f) => uri.startsWith(f.endsWith('/') ? f : f + '/'))
      .sort((a, b) => b.length - a.length)[0];
  }

  /** The governance in force for a document, with the manifest's text (for cross-file messages). */
  private async governanceWithText(uri: string): Promise<{ result: GovernanceResult; text?: string }> {
    const result = await this.governanceFor(uri);
    return {
      result,
      text: result.governance.path ? this.governanceCache.get(this.governanceUri(uri) ?? '')?.source : undefined,
    };
  }

  private governanceUri(uri: string): string | undefined {
    const own = fsPath(uri);
    const manifest = own ? this.manifestPaths.get(path.dirname(own)) : undefined;
    return manifest ? pathToFileURL(manifest).href : undefined;
  }

  /**
   * The pipeline and model manifests of a document's folder (open documents with their unsaved
   * text), and the governance in force: what the workspace-wide checks and navigation read.
   */
  private async manifestContext(uri: string): Promise<ManifestContext | undefined> {
    const folder = this.folderOf(uri);
    const root = folder ? fsPath(folder) : undefined;
    if (!root || !folder) return undefined;
    const settings = await this.settings(folder);
    if (!this.manifestLists.has(root)) {
      const yaml = discover([root], settings).files.filter(
        (f) => WORKSPACE_FILE.test(f) && !isGovernanceManifest(f, settings),
      );
      this.manifestLists.set(root, yaml);
    }
    const relative = (abs: string) => path.relative(root, abs).split(path.sep).join('/');
    const sources: SourceFile[] = [];
    for (const abs of this.manifestLists.get(root)!) {
      const open = this.documents.get(pathToFileURL(abs).href);
      const text = open ? open.getText() : this.diskText(abs);
      // The engine remembers per text whether a file is a manifest or config at all.
      if (text !== undefined) sources.push({ path: relative(abs), text });
    }
    // A document not yet on disk (new, unsaved) counts too.
    const own = fsPath(uri);
    const doc = this.documents.get(uri);
    if (doc && own && !sources.some((s) => s.path === relative(own)) && isWorkspaceFile(own, doc.getText()))
      sources.push({ path: relative(own), text: doc.getText() });
    const governance = await this.governanceWithText(uri);
    return { root, sources, governance: governance.result, governanceText: governance.text };
  }

  /** Findings of the workspace-wide manifest checks for the file at `relative`. */
  private async manifestFindings(uri: string, relative: string): Promise<Finding[]> {
    const c = await this.manifestContext(uri);
    if (!c) return [];
    const settings = await this.settings(uri);
    return (
      this.engine
        .manifestFindings(c.sources, c.governance, c.governanceText, settings, artifactLookup(c.root), relative)
        .get(relative) ?? []
    );
  }

  /**
   * What navigation in a manifest needs: the workspace's id index, the id under `offset` of the
   * document, and a way to turn a span of any manifest into an LSP location.
   */
  async navigation(doc: TextDocument, offset: number): Promise<Navigation | undefined> {
    const c = await this.manifestContext(doc.uri);
    const own = fsPath(doc.uri);
    if (!c || !own) return undefined;
    const index = this.engine.manifestIndex(c.sources, c.governance);
    const at = idAt(index, path.relative(c.root, own).split(path.sep).join('/'), offset);
    if (!at) return undefined;
    const texts = new Map(c.sources.map((s) => [s.path, s.text]));
    if (c.governance.governance.path && c.governanceText !== undefined)
      texts.set(c.governance.governance.path, c.governanceText);
    const lines = new Map<string, LineIndex>();
    const indexOf = (p: string) => {
      if (!lines.has(p)) lines.set(p, new LineIndex(texts.get(p) ?? ''));
      return lines.get(p)!;
    };
    const toLocation = (p: string, span: Span): Location => {
      const li = indexOf(p);
      return {
        uri: pathToFileURL(path.join(c.root, p)).href,
        range: { start: li.position(span.offset), end: li.position(span.offset + span.length) },
      };
    };
    return { index, at, toLocation, lineOf: (d) => indexOf(d.path).position(d.span.offset).line + 1 };
  }

  /** Which manifest schema a document follows, if any. */
  async schemaKind(doc: TextDocument): Promise<SchemaKind | undefined> {
    const settings = await this.settings(doc.uri);
    return isGovernanceManifest(doc.uri, settings) ? 'governance' : manifestKindOf(doc.uri, doc.getText());
  }

  /** Completions in a manifest document: keys, ids where an id belongs, schema values where a value does. */
  async completions(doc: TextDocument, offset: number): Promise<Completion[]> {
    const kind = await this.schemaKind(doc);
    const c = kind ? await this.manifestContext(doc.uri) : undefined;
    if (!kind || !c) return [];
    return completeAt(doc.getText(), offset, kind, this.engine.manifestIndex(c.sources, c.governance));
  }

  /** The schema's documentation of the key under `offset` of a manifest document. */
  async keyDocumentation(doc: TextDocument, offset: number): Promise<{ markdown: string; span: Span } | undefined> {
    const kind = await this.schemaKind(doc);
    return kind ? describeKeyAt(doc.getText(), offset, kind) : undefined;
  }

  /** Links to the files a manifest names that exist in its workspace folder. */
  async links(doc: TextDocument): Promise<DocumentLink[]> {
    const kind = await this.schemaKind(doc);
    const folder = this.folderOf(doc.uri);
    const root = folder ? fsPath(folder) : undefined;
    const own = fsPath(doc.uri);
    if (!kind || !root || !own) return [];
    return linkCandidates(doc.getText(), kind).flatMap((candidate) => {
      const file = resolveLink(candidate, own, root);
      return file
        ? [
            {
              range: toRange(doc, candidate.span),
              target: pathToFileURL(file).href,
              tooltip: maskId(path.relative(root, file).split(path.sep).join('/')),
            },
          ]
        : [];
    });
  }

  /**
   * Resolves what a finding points at besides itself: a span of another manifest of the
   * document's folder (paths are relative to it), or the entry of a rule page.
   */
  private async relatedResolver(uri: string): Promise<RelatedResolver> {
    const folder = this.folderOf(uri);
    const root = folder ? fsPath(folder) : undefined;
    const governance = await this.governanceWithText(uri);
    const lines = new Map<string, LineIndex | undefined>();
    const pages = new Map<string, string[]>();
    const indexOf = (key: string, read: () => string | undefined) => {
      if (!lines.has(key)) {
        const text = read();
        lines.set(key, text === undefined ? undefined : new LineIndex(text));
      }
      return lines.get(key);
    };
    return (r: RelatedInformation): Location | undefined => {
      if (r.rulePage) {
        const { ruleId, anchor } = r.rulePage;
        if (!pages.has(ruleId)) pages.set(ruleId, ruleDocText(ruleId).split(/\r?\n/));
        const page = pages.get(ruleId)!;
        // The policy's row in the page's table of policies, else the page's title.
        const line = Math.max(0, anchor ? page.findIndex((l) => l.startsWith('|') && l.includes(`\`${anchor}\``)) : 0);
        return {
          uri: ruleDocUrl(ruleId),
          range: { start: { line, character: 0 }, end: { line, character: (page[line] ?? '').length } },
        };
      }
      if (!r.path || !r.span || !root) return undefined;
      const abs = path.join(root, r.path);
      const target = pathToFileURL(abs).href;
      const index = indexOf(r.path, () => {
        const open = this.documents.get(target);
        if (open) return open.getText();
        if (r.path === governance.result.governance.path && governance.text !== undefined) return governance.text;
        const read = readText(abs);
        return read.ok ? read.text : undefined;
      });
      if (!index) return undefined;
      return {
        uri: target,
        range: { start: index.position(r.span.offset), end: index.position(r.span.offset + r.span.length) },
      };
    };
  }

  /** The governance in force for a document: its folder's manifest, or the built-in default. */
  async governanceFor(uri: string): Promise<GovernanceResult> {
    const folder = this.folderOf(uri);
    const root = folder ? fsPath(folder) : undefined;
    const own = fsPath(uri);
    if (!root || !own) return this.engine.governance(undefined);
    const settings = await this.settings(folder!);
    // The nearest manifest at or above the document, as the CLI decides, within the folder.
    const dir = path.dirname(own);
    if (!this.manifestPaths.has(dir)) this.manifestPaths.set(dir, nearestGovernanceManifest(dir, settings, root));
    const manifest = this.manifestPaths.get(dir);
    if (!manifest) return this.engine.governance(undefined);
    const manifestUri = pathToFileURL(manifest).href;
    const open = this.documents.get(manifestUri);
    // Read once until it changes on disk: a workspace scan asks for it once per file.
    const text = open ? open.getText() : this.diskText(manifest);
    // An unreadable manifest on disk is reported when it is opened; code keeps the default.
    if (text === undefined) return this.engine.governance(undefined);
    const cached = this.governanceCache.get(manifestUri);
    if (cached && cached.text === text) return cached.result;
    const inForce = this.governanceInForce(manifestUri, {
      path: path.relative(root, manifest).split(path.sep).join('/') || manifest,
      text,
    });
    this.governanceCache.set(manifestUri, { text, result: inForce.result, source: inForce.text });
    return inForce.result;
  }

  /** The governance a manifest's text puts in force: its own, or while it does not parse, the last that did. */
  private governanceInForce(
    manifestUri: string,
    file: SourceFile,
  ): { result: GovernanceResult; text: string; stale: boolean } {
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
  private manifestOwnFindings(manifestUri: string, file: SourceFile): Finding[] {
    const own = this.engine.governance(file).findings;
    if (!this.governanceInForce(manifestUri, file).stale) return own;
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

  /**
   * The core's findings and notes for one document at its current version: an open one (whose
   * tree is kept for the next keystroke) or a saved file's text (`open: false`).
   */
  async analyze(doc: TextDocument, open = true): Promise<{ findings: Finding[]; notes: Note[] }> {
    const notebook = this.notebooks?.findNotebookDocumentForCell(doc.uri);
    if (notebook) return this.analyzeCell(notebook, doc);
    const folder = this.folderOf(doc.uri);
    // A saved file takes its folder's settings: asking the client once per file would cost a
    // round trip per file of a workspace scan.
    const settings = await this.settings(open || !folder ? doc.uri : folder);
    if (!settings.enable) return { findings: [], notes: [] };
    const file = { path: doc.uri, text: doc.getText() };
    const root = folder ? fsPath(folder) : undefined;
    const own = fsPath(doc.uri);
    const relative = root && own ? path.relative(root, own).split(path.sep).join('/') : doc.uri;
    if (isGovernanceManifest(doc.uri, settings)) {
      // The manifest's own findings, and those of the workspace-wide checks about its assets.
      return {
        findings: [...this.manifestOwnFindings(doc.uri, file), ...(await this.manifestFindings(doc.uri, relative))],
        notes: [],
      };
    }
    if (isWorkspaceFile(doc.uri, file.text))
      return { findings: await this.manifestFindings(doc.uri, relative), notes: [] };
    const governance = await this.governanceFor(doc.uri);
    // Open documents keep their tree, so the next keystroke re-parses only what changed.
    return this.engine.analyzeFile(file, governance.governance, settings, { retain: open });
  }

  /**
   * A notebook cell's findings: all the notebook's cells are analysed together (its code cells
   * are one program), once per set of cell versions, and each cell takes its own findings.
   */
  private async analyzeCell(
    notebook: NotebookDocument,
    doc: TextDocument,
  ): Promise<{ findings: Finding[]; notes: Note[] }> {
    const settings = await this.settings(notebook.uri);
    if (!settings.enable) return { findings: [], notes: [] };
    const cells = notebook.cells.map((c) => this.documents.get(c.document));
    const key = cells.map((d) => `${d?.uri} ${d?.version}`).join('\n');
    let cached = this.notebookResults.get(notebook.uri);
    if (cached?.key !== key) {
      const governance = await this.governanceFor(notebook.uri);
      // A code cell in another language is read like text, for literals only.
      const sources: CellSource[] = notebook.cells.map((c, i) => ({
        kind: c.kind === NotebookCellKind.Code ? (cells[i]?.languageId === 'python' ? 'code' : 'raw') : 'markdown',
        text: cells[i]?.getText() ?? '',
      }));
      const result = this.engine.analyzeNotebook(notebook.uri, sources, 'python', governance.governance, settings, {
        retain: true,
      });
      this.notebookResults.set(notebook.uri, (cached = { key, result }));
    }
    const index = notebook.cells.findIndex((c) => c.document === doc.uri);
    return { findings: cached.result.findings.filter((f) => f.cell === index).map((f) => f.finding), notes: [] };
  }

  /** The notebook was closed: drop what was kept for it. */
  releaseNotebook(uri: string): void {
    this.notebookResults.delete(uri);
    this.engine.release(uri);
  }

  /** True when `uri` is a notebook open in the editor: its cells report for it. */
  isOpenNotebook(uri: string): boolean {
    return this.notebooks?.getNotebookDocument(uri) !== undefined;
  }

  /** The document was closed: drop what the engine kept for it. */
  release(uri: string): void {
    this.engine.release(uri);
  }

  /** Diagnostics for one open document; waived findings are not problems and are not shown. */
  async diagnose(doc: TextDocument, open = true): Promise<Diagnostic[]> {
    const { findings, notes } = await this.analyze(doc, open);
    const resolve = findings.some((f) => f.related?.length) ? await this.relatedResolver(doc.uri) : undefined;
    return [
      ...findings.filter((f) => !f.waiver).map((f) => toDiagnostic(doc, f, resolve)),
      ...notes.map(noteDiagnostic),
    ];
  }

  /** The analysable files of a workspace folder (from the folder's listing, kept until files are created or deleted). */
  async folderFiles(folder: string): Promise<string[]> {
    const root = fsPath(folder);
    if (!root) return [];
    const settings = await this.settings(folder);
    if (!this.fileLists.has(root)) this.fileLists.set(root, discover([root], settings).files);
    return this.fileLists.get(root)!;
  }

  /**
   * What a saved file's diagnostics depend on besides its own text and governance, for a
   * folder: its settings, and (for manifests and configs only) the texts of the folder's
   * manifests, which the workspace-wide checks read. A scan computes it once per folder.
   */
  async folderIdentity(folder: string): Promise<FolderIdentity> {
    const settings = await this.settings(folder);
    // The context of a file at the folder's top: the manifests are listed per folder.
    const c = await this.manifestContext(`${folder.replace(/\/$/, '')}/.crownguard`);
    const hash = createHash('sha1');
    for (const s of c?.sources ?? []) hash.update(s.path).update('\0').update(s.text).update('\0');
    return { settings, id: String(this.identity(settings)), manifests: hash.digest('hex').slice(0, 12) };
  }

  /**
   * Diagnostics of a file that is not open, from its saved text; undefined for a file that is
   * not read (missing, empty, binary, over the size limit). The result id names the text, the
   * governance in force and what else the findings depend on, so an unchanged file is answered
   * from here; editing a manifest does not make every code file's result new.
   */
  async diagnoseSaved(uri: string, folder: FolderIdentity): Promise<SavedResult | undefined> {
    const abs = fsPath(uri);
    const text = abs ? this.diskText(abs) : undefined;
    if (!abs || text === undefined) return undefined;
    if (!this.digests.has(abs)) this.digests.set(abs, createHash('sha1').update(text).digest('hex').slice(0, 16));
    const governance = await this.governanceFor(uri);
    const readsManifests = isGovernanceManifest(uri, folder.settings) || isWorkspaceFile(uri, text);
    const resultId = `${this.digests.get(abs)}.${this.identity(governance)}.${folder.id}${readsManifests ? `.${folder.manifests}` : ''}`;
    const cached = this.savedResults.get(uri);
    if (cached?.resultId === resultId) return cached;
    const doc = TextDocument.create(uri, 'plaintext', 0, text);
    const result = { resultId, items: await this.diagnose(doc, false), computed: true };
    this.savedResults.set(uri, { ...result, computed: false });
    return result;
  }

  /** A small number naming an object (a governance, a settings value) for as long as it is cached. */
  private identity(o: object): number {
    let id = this.identities.get(o);
    if (id === undefined) this.identities.set(o, (id = ++this.nextIdentity));
    return id;
  }

  /** True when a changed file may change other documents' findings: the governance manifest, or any manifest. */
  affectsOthers(uri: string, text?: string): boolean {
    const base = uri.slice(uri.lastIndexOf('/') + 1);
    if (
      /^governance\.ya?ml$/.test(base) ||
      [...this.manifestPaths.values()].some((m) => m && pathToFileURL(m).href === uri)
    )
      return true;
    return WORKSPACE_FILE.test(base) && (text === undefined || isWorkspaceFile(base, text));
  }
}
