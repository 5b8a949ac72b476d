import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  LSPErrorCodes,
  NotebookCellKind,
  ResponseError,
  TextDocuments,
  type CancellationToken,
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
  datasetFormatOf,
  describeKeyAt,
  isJsonRecords,
  linkCandidates,
  DEFAULT_SETTINGS,
  maskId,
  idAt,
  fileKindOf,
  isGovernanceManifest,
  isWorkspaceFile,
  type CellsResult,
  type CellSource,
  LineIndex,
  LineIndexes,
  mayBeWorkspaceFile,
  scopeOf,
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
  type RecordFormat,
  contentFilesOf,
  contentLineFrom,
  type Classified,
  type DataContent,
  type LineageDataFiles,
} from '../core';
import type { GovernanceResult } from '../core/governance/load';
import { CONTENT_PENDING, LineageNotifications } from '../../../shared/lineage-protocol';
import { artifactLookup } from '../host/digest';
import { ruleDocText, ruleDocUrl } from '../host/docs';
import { contentLine, streamedFormatOf } from '../host/datasets';
import { confinedFile } from '../host/lineage-data';
import { resolveLink } from '../host/links';
import { readText } from '../host/read';
import { ScanThread } from '../host/scan-thread';
import { noteDiagnostic, toDiagnostic, toRange, type RelatedResolver } from './convert';
import { DataSamples, ReadCancelled, type DataOutcome } from './state/datasets';
import { SavedFiles } from './state/files';
import { GovernanceState } from './state/governance';
import { LineageViews, type LineageView } from './state/lineage';
import { ServerModules } from './state/modules';
import { fsPath, relativeTo } from './state/paths';
import { SavedResults, type GovernanceReads, type SavedResult } from './state/results';
import { SettingsState } from './state/settings';
import type { FolderSettings } from '../../../shared/settings';
import { Timers } from './state/timers';

export type { LineageView } from './state/lineage';

export type { SavedResult } from './state/results';

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

/**
 * The server's view of the workspace: open documents, and the state kept for them, one part
 * per concern (settings, governance resolution, saved files and listings, lineage views, saved
 * results, timers). Caches are keyed so that a change can clear them wholesale (`invalidate`)
 * rather than patch them.
 */
export class Workspace {
  folders: string[] = [];
  private readonly settingsState: SettingsState;
  private readonly files = new SavedFiles();
  private readonly governance: GovernanceState;
  private readonly lineageViews: LineageViews;
  private readonly results = new SavedResults();
  /** Delayed work (pushed diagnostics, lineage notifications): cancelled on shutdown. */
  readonly timers = new Timers();
  /** The open notebooks, whose cells are in `documents` too (notebook document sync). */
  notebooks?: NotebookDocuments<TextDocument>;
  /** Per open notebook: its cells' analysis, for the versions of the cells it was computed from. */
  private readonly notebookResults = new Map<string, { key: string; result: CellsResult }>();
  /** Requests the user is waiting for (every one but the workspace scan) now being served. */
  private inForeground = 0;
  private readonly idleWaiters: (() => void)[] = [];
  /** Whether the client shows progress the server starts: a large data file's reading does. */
  workDoneProgress = false;
  /** Called when the data profiles the manifests' checks use change: their diagnostics may differ. */
  profilesChanged?: () => void;
  /** The data files' samples, read once per size and modification time (or open document version). */
  private readonly data: DataSamples;
  /** The modules code analyses follow imports into, and which analysed files read which. */
  private readonly modules: ServerModules;
  /** The thread that analyses saved code files for the workspace scan and background re-checks. */
  private readonly scanThread = new ScanThread();

  constructor(
    private readonly connection: Connection,
    private readonly engine: Engine,
    readonly documents: TextDocuments<TextDocument> = new TextDocuments(TextDocument),
  ) {
    this.settingsState = new SettingsState(connection);
    this.modules = new ServerModules(documents);
    this.governance = new GovernanceState(engine, documents, this.files, this.settingsState, (u) => this.folderOf(u));
    this.data = new DataSamples(async (title) => {
      if (!this.workDoneProgress) return undefined;
      const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
      progress?.begin(title, 0, undefined, true);
      return progress;
    });
    this.lineageViews = new LineageViews(
      engine,
      documents,
      this.files,
      this.settingsState,
      this.governance,
      {
        keyOf: (abs) => {
          const open = this.documents.get(pathToFileURL(abs).href);
          return open && textDataFormat(open.uri, open.getText()) ? `text-${open.version}` : this.data.statKey(abs);
        },
        sample: async (abs) => {
          const uri = pathToFileURL(abs).href;
          const open = this.documents.get(uri);
          const format = (open && textDataFormat(uri, open.getText())) || streamedFormatOf(abs);
          const outcome = format ? await this.dataSample(abs, format) : undefined;
          return outcome?.ok ? outcome.sample : undefined;
        },
        dataFiles: (list) => this.data.dataFiles(list),
      },
      () => this.profilesChanged?.(),
      () => this.contentRead(),
    );
  }

  /** Whether the client answers workspace/configuration; without it, every resource has the defaults. */
  get configurationSupported(): boolean {
    return this.settingsState.configurationSupported;
  }

  set configurationSupported(supported: boolean) {
    this.settingsState.configurationSupported = supported;
  }

  /** The server is shutting down: no delayed work runs any more. */
  dispose(): void {
    this.timers.dispose();
    this.data.dispose();
    this.scanThread.dispose();
  }

  /** Runs a request the user waits for; the workspace scan pauses until none is running. */
  async foreground<T>(work: () => Promise<T> | T): Promise<T> {
    this.inForeground++;
    try {
      return await work();
    } finally {
      if (--this.inForeground === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** Whether saved code files are analysed in the scan thread (false where it cannot start). */
  get scanThreadAvailable(): boolean {
    return this.scanThread.available;
  }

  /** Whether a request the user waits for is being served now. */
  get foregroundBusy(): boolean {
    return this.inForeground > 0;
  }

  /** Resolves when no foreground request is running: the scan waits for this between files. */
  foregroundIdle(): Promise<void> {
    return this.inForeground === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Each folder's settings as the client read them when it started the server (initializationOptions). */
  set initialSettings(folders: FolderSettings[]) {
    this.settingsState.initial = folders;
  }

  /** Settings for a resource, asked of the client once per resource until they change. */
  settings(uri: string): Promise<Settings> {
    return this.settingsState.of(uri);
  }

  /** Whether the client's settings differ from those the server is using (asked of it again). */
  settingsChanged(): Promise<boolean> {
    return this.settingsState.changed();
  }

  /** Forgets cached settings and manifests; the next diagnostics request recomputes them. */
  invalidate(): void {
    this.settingsState.clear();
    this.governance.clear();
    this.lineageViews.clear();
    this.files.clear();
    this.scanThread.forgetAll();
  }

  /**
   * The lineage node named at `offset` of a document: a node it declares there, or the node an
   * edge written there points at (an input, a dataset path in a config); with the span.
   */
  async lineageAt(uri: string, offset: number): Promise<{ view: LineageView; id: string; span: Span } | undefined> {
    // Where nothing is named, the answer does not wait for the data files; where a node is, its
    // tier may rest on them.
    const early = await this.lineageNow(uri);
    const file = early?.relative(uri);
    if (!early || !file || !early.graph.nameAt(file, offset)) return undefined;
    const view = early.complete ? early : await this.lineage(uri);
    const at = view?.graph.nameAt(file, offset);
    return view && at ? { view, ...at } : undefined;
  }

  /** Files changed on disk: their saved texts are read again; a created or deleted file changes the listings. */
  forgetSaved(changes: readonly { uri: string; listing: boolean }[]): void {
    this.files.forget(changes);
    this.data.changed(changes.flatMap((c) => fsPath(c.uri) ?? []));
    this.modules.forget(changes.map((c) => c.uri));
    this.scanThread.forget(changes.flatMap((c) => fsPath(c.uri) ?? []));
  }

  /** Forgets the lineage graphs only (an open manifest, config or code file was edited). */
  invalidateLineage(): void {
    this.lineageViews.clear();
  }

  /**
   * The lineage graph of the folder containing `uri` (or of the first folder): every file of the
   * folder, open documents with their unsaved text. Kept until a contributing file changes.
   */
  lineage(uri: string | undefined): Promise<LineageView | undefined> {
    const folder = (uri && this.folderOf(uri)) ?? this.folders[0];
    return folder ? this.lineageViews.of(folder) : Promise.resolve(undefined);
  }

  /**
   * The same graph without waiting for the data files it names: what the lineage views show
   * first. Until they are read, its tiers rest on the manifests alone and content lines are
   * pending (see `nodeContent`); the client is told when to ask again.
   */
  lineageNow(uri: string | undefined): Promise<LineageView | undefined> {
    const folder = (uri && this.folderOf(uri)) ?? this.folders[0];
    return folder ? this.lineageViews.now(folder) : Promise.resolve(undefined);
  }

  /** Data files shown pending were read: the lineage views ask again (once, after a pause). */
  private contentRead(): void {
    this.timers.schedule('lineage', 300, () => {
      void this.connection.sendNotification(LineageNotifications.didChange);
    });
  }

  /** The workspace folder containing `uri` (the innermost, for nested folders). */
  folderOf(uri: string): string | undefined {
    return this.folders
      .filter((f) => uri.startsWith(f.endsWith('/') ? f : f + '/'))
      .sort((a, b) => b.length - a.length)[0];
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
    const relative = (abs: string) => relativeTo(root, abs);
    const sources: SourceFile[] = [];
    for (const { abs, uri: fileUri, relative: rel } of this.files.manifestEntries(root, settings)) {
      const open = this.documents.get(fileUri);
      const text = open ? open.getText() : this.files.text(abs);
      // The engine remembers per text whether a file is a manifest or config at all.
      if (text !== undefined) sources.push({ path: rel, text });
    }
    // A document not yet on disk (new, unsaved) counts too.
    const own = fsPath(uri);
    const doc = this.documents.get(uri);
    // The document's own path, computed once: the folder may have thousands of manifests.
    const ownPath = doc && own ? relative(own) : undefined;
    if (
      doc &&
      ownPath !== undefined &&
      !sources.some((s) => s.path === ownPath) &&
      isWorkspaceFile(own!, doc.getText())
    )
      sources.push({ path: ownPath, text: doc.getText() });
    const governance = await this.governance.withText(uri);
    return { root, sources, governance: governance.result, governanceText: governance.text };
  }

  /** Findings of the workspace-wide manifest checks for the file at `relative`. */
  private async manifestFindings(uri: string, relative: string): Promise<Finding[]> {
    const c = await this.manifestContext(uri);
    if (!c) return [];
    const settings = await this.settings(uri);
    // Redaction claims (CG406) are checked against the profiles already read: the manifest's own
    // diagnostics never wait for data files. Reading them starts here; when they are read, the
    // diagnostics are refreshed (see `profilesChanged`).
    const folder = this.folderOf(uri);
    if (folder) void this.lineageViews.of(folder).catch(() => undefined);
    const data = folder ? this.lineageViews.profiled(folder) : undefined;
    return (
      this.engine
        .manifestFindings(c.sources, c.governance, c.governanceText, settings, artifactLookup(c.root), relative, data)
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
    const lines = new LineIndexes((p) => texts.get(p));
    const indexOf = (p: string) => lines.of(p);
    const toLocation = (p: string, span: Span): Location => {
      const li = indexOf(p);
      return {
        uri: pathToFileURL(path.join(c.root, p)).href,
        range: { start: li.position(span.offset), end: li.position(span.offset + span.length) },
      };
    };
    return { index, at, toLocation, lineOf: (d) => indexOf(d.path).position(d.span.offset).line + 1 };
  }

  /**
   * `index` with the lineage graph of the document's folder, whose tiers take into account
   * what the data files it names hold (the index's own graph is built from the manifests alone).
   */
  async withDataTiers(uri: string, index: ManifestIndex): Promise<ManifestIndex> {
    const view = await this.lineage(uri);
    return view ? { ...index, graph: view.graph, carried: view.graph.carried } : index;
  }

  /** Which manifest schema a document follows, if any. */
  async schemaKind(doc: TextDocument): Promise<SchemaKind | undefined> {
    const settings = await this.settings(doc.uri);
    const kind = fileKindOf(doc.uri, doc.getText(), settings, ['governance', 'workspace']);
    return kind?.kind === 'governance' ? 'governance' : kind?.kind === 'manifest' ? kind.schema : undefined;
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
    const governance = await this.governance.withText(uri);
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
  governanceFor(uri: string): Promise<GovernanceResult> {
    return this.governance.for(uri);
  }

  /**
   * The core's findings and notes for one document at its current version: an open one (whose
   * tree is kept for the next keystroke) or a saved file's text (`open: false`).
   */
  async analyze(
    doc: TextDocument,
    open = true,
    token?: CancellationToken,
  ): Promise<{ findings: Finding[]; notes: Note[] }> {
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
    const data = textDataFormat(doc.uri, file.text);
    if (data)
      return this.analyzeData(
        doc.uri,
        relative,
        settings,
        this.data.fromText(doc.uri, doc.version, file.text, data, token),
      );
    const kind = fileKindOf(doc.uri, file.text, settings);
    const scope = kind ? scopeOf(kind) : 'file';
    if (scope === 'governance') {
      // The manifest's own findings, those of the workspace-wide checks about its assets, and
      // those its assets' data files show (fields they hold that the assets do not declare).
      return {
        findings: [
          ...this.governance.ownFindings(doc.uri, file),
          ...(await this.manifestFindings(doc.uri, relative)),
          ...(await this.dataFindingsOnManifest(doc.uri, token)),
        ],
        notes: [],
      };
    }
    if (scope === 'workspace') return { findings: await this.manifestFindings(doc.uri, relative), notes: [] };
    const governance = await this.governanceFor(doc.uri);
    // Calls into the folder's other modules are followed, and what was read is remembered, so
    // that a change to one of them re-checks this file. A file outside the folders follows none.
    const reads = new Set<string>();
    const modules = root && own ? { modules: this.modules.hostFor(root, reads, doc.uri), modulePath: relative } : {};
    // Open documents keep their tree, so the next keystroke re-parses only what changed.
    const result = this.engine.analyzeFile(file, governance.governance, settings, { retain: open, ...modules });
    if (root && own) this.modules.record(doc.uri, root, reads);
    return result;
  }

  /**
   * A data file's own findings (CG203, CG405) and notes from its sample, once it is read. The
   * request waits for the reading without holding up any other: the reading is streamed.
   */
  private async analyzeData(
    uri: string,
    relative: string,
    settings: Settings,
    reading: Promise<DataOutcome> | DataOutcome,
  ): Promise<{ findings: Finding[]; notes: Note[] }> {
    const outcome = await cancellable(Promise.resolve(reading));
    if (!outcome.ok)
      return { findings: [], notes: [{ path: relative, message: `data file not read: ${outcome.reason}` }] };
    const governance = await this.governance.withText(uri);
    const result = this.engine.analyzeDataset(
      relative,
      outcome.sample,
      governance.result.governance,
      settings,
      governance.text,
      await this.declaredLineage(uri),
    );
    return { findings: result.findings.filter((f) => f.path === relative), notes: result.notes };
  }

  /**
   * What the lineage of the folder holding `uri` declares (a stage output's location is no stray
   * file, CG405), as `crownguard check` decides it; undefined outside the folders.
   */
  private async declaredLineage(uri: string): Promise<LineageDataFiles | undefined> {
    const folder = this.folderOf(uri);
    if (!folder) return undefined;
    return this.lineageViews.declared(folder).catch(() => undefined);
  }

  /** A data file's sample: from the open document's text, or from disk. */
  private dataSample(abs: string, format: RecordFormat, token?: CancellationToken): Promise<DataOutcome> {
    const uri = pathToFileURL(abs).href;
    const open = this.documents.get(uri);
    const fromText = open ? textDataFormat(uri, open.getText()) : undefined;
    return open && fromText
      ? this.data.fromText(uri, open.version, open.getText(), fromText, token)
      : this.data.fromDisk(abs, format, token);
  }

  /** The findings about the manifest at `uri` that the data files it governs show (CG404, with the fix). */
  private async dataFindingsOnManifest(uri: string, token?: CancellationToken): Promise<Finding[]> {
    const folder = this.folderOf(uri);
    const root = folder ? fsPath(folder) : undefined;
    if (!folder || !root) return [];
    const settings = await this.settings(folder);
    const governance = await this.governance.withText(uri);
    const own = governance.result.governance.path;
    if (!own || !settings.enable) return [];
    const findings: Finding[] = [];
    const declared = await this.declaredLineage(uri);
    for (const [abs, format] of await this.folderData(folder, root, settings)) {
      // A data file governed by a nearer manifest is that manifest's business.
      if ((await this.governanceFor(pathToFileURL(abs).href)).governance.path !== own) continue;
      const outcome = await cancellable(this.dataSample(abs, format, token));
      if (!outcome.ok) continue;
      const result = this.engine.analyzeDataset(
        relativeTo(root, abs),
        outcome.sample,
        governance.result.governance,
        settings,
        governance.text,
        declared,
      );
      findings.push(...result.findings.filter((f) => f.path === own));
    }
    return findings;
  }

  /**
   * A data file's outcome without waiting: an open document's or a saved file's sample already
   * read, else undefined, and the reading starts (a lineage view is told to ask again once it ends).
   */
  private dataSampleNow(abs: string, format: RecordFormat): DataOutcome | undefined {
    const uri = pathToFileURL(abs).href;
    const open = this.documents.get(uri);
    if (!(open && textDataFormat(uri, open.getText()))) {
      const settled = this.data.settledFromDisk(abs);
      if (settled) return settled;
    }
    void this.dataSample(abs, format).then(
      () => this.contentRead(),
      () => undefined,
    );
    return undefined;
  }

  /**
   * The content line of a lineage node of `view`, as `crownguard lineage` shows it: a dataset
   * naming a data file (its own line), a dataset naming a folder (its data files inside,
   * bounded), an asset whose locations match data files of the folder. Only files inside the
   * folder are read. Never waits for a reading: a file not read yet makes the line
   * `CONTENT_PENDING`, and the reading starts.
   */
  async nodeContent(scope: string | undefined, node: Classified, view: LineageView): Promise<string | undefined> {
    if (node.kind !== 'asset' && node.kind !== 'dataset') return undefined;
    const folder = (scope && this.folderOf(scope)) ?? this.folders[0];
    const root = folder ? fsPath(folder) : undefined;
    if (!folder || !root) return undefined;
    const settings = await this.settings(folder);
    if (!settings.enable) return undefined;
    const listed = this.data.dataFiles(this.files.files(root, settings));
    let pending = false;
    const contentOf = async (rel: string): Promise<DataContent | undefined> => {
      const known = view.data.get(rel);
      if (known) return known;
      const abs = path.resolve(root, rel);
      const format = listed.get(abs) ?? streamedFormatOf(abs);
      if (!format || !confinedFile(abs, root)) return undefined;
      const outcome = this.dataSampleNow(abs, format);
      if (!outcome) pending = true;
      return outcome?.ok
        ? this.engine.analyzeDataset(rel, outcome.sample, view.governance, settings).content
        : undefined;
    };
    // The folder's data files (listed, and those inside folder outs, which version control often ignores).
    const files = new Set(
      node.kind === 'asset'
        ? [...[...listed.keys()].map((abs) => relativeTo(root, abs)), ...view.dataLineage.files]
        : [],
    );
    const gp = view.governancePath;
    const slash = gp?.lastIndexOf('/') ?? -1;
    const manifestFolder = slash > 0 ? gp!.slice(0, slash) : '';
    const shown = contentFilesOf(
      node,
      view.governance,
      manifestFolder,
      files,
      (inside) => view.dataLineage.inFolders.get(inside) ?? [],
    );
    if (shown) {
      const line = await contentLineFrom(shown, contentOf);
      return pending ? CONTENT_PENDING : line;
    }
    // A dataset naming a data file of the folder: its own line.
    const relative = node.id;
    if (path.isAbsolute(relative) || relative.includes('://') || relative.includes('..')) return undefined;
    const abs = path.join(root, relative);
    // A file the lineage names (a `.dvc` out) is read even when version control ignores it.
    const named = view.dataLineage.files.includes(relative) && confinedFile(abs, root);
    const format = listed.get(abs) ?? (named ? streamedFormatOf(abs) : undefined);
    if (!format) return undefined;
    const outcome = this.dataSampleNow(abs, format);
    if (!outcome) return CONTENT_PENDING;
    if (!outcome.ok) return undefined;
    const governance = await this.governanceFor(pathToFileURL(abs).href);
    return contentLine(
      this.engine.analyzeDataset(relative, outcome.sample, governance.governance, settings).findings,
      outcome.sample,
    );
  }

  /**
   * What was found in the field whose first occurrence is at `offset` of a data document:
   * kinds and counts of the sampled records, never a value.
   */
  async dataFieldAt(doc: TextDocument, offset: number): Promise<{ markdown: string; span: Span } | undefined> {
    if (!textDataFormat(doc.uri, doc.getText())) return undefined;
    const { findings } = await this.analyze(doc);
    const at = findings.find(
      (f) =>
        f.ruleId === 'CG203' && f.span.length > 0 && offset >= f.span.offset && offset <= f.span.offset + f.span.length,
    );
    if (!at) return undefined;
    // The finding's message already says it in counts and kinds: the hover says it as the field's.
    const said = /^Training data field (`[^`]*`): (.*)$/s.exec(at.message);
    return { markdown: said ? `field ${said[1]}: ${said[2]}` : at.message, span: at.span };
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
  async diagnose(doc: TextDocument, open = true, token?: CancellationToken): Promise<Diagnostic[]> {
    return (await this.diagnoseNoting(doc, open, token)).items;
  }

  /** A document's diagnostics, and whether they differ from the ones computed for it before. */
  private async diagnoseNoting(
    doc: TextDocument,
    open: boolean,
    token?: CancellationToken,
    analysed?: { findings: Finding[]; notes: Note[] },
  ): Promise<{ items: Diagnostic[]; changed: boolean }> {
    const { findings, notes } = analysed ?? (await this.analyze(doc, open, token));
    const resolve = findings.some((f) => f.related?.length) ? await this.relatedResolver(doc.uri) : undefined;
    const items = [
      ...findings.filter((f) => !f.waiver).map((f) => toDiagnostic(doc, f, resolve)),
      ...notes.map(noteDiagnostic),
    ];
    return { items, changed: this.modules.noteResult(doc.uri, items) };
  }

  /** The analysed files whose analysis read one of the modules at `uris` (directly or through other modules). */
  dependentsOf(uris: ReadonlySet<string>): string[] {
    return this.modules.dependentsOf(uris);
  }

  /**
   * Analyses a dependent of a changed module again: its open text, else its saved text. True
   * when its diagnostics changed; a saved file's result id then changes, an unaffected one's stays.
   */
  async recheckDependent(uri: string): Promise<boolean> {
    const open = this.documents.get(uri);
    const abs = open ? undefined : fsPath(uri);
    const text = abs ? this.files.text(abs) : undefined;
    const doc = open ?? (text === undefined ? undefined : TextDocument.create(uri, 'plaintext', 0, text));
    if (!doc) return false;
    const { changed } = await this.diagnoseNoting(
      doc,
      open !== undefined,
      undefined,
      open ? undefined : await this.analyzeInScanThread(doc),
    );
    if (changed && !open) this.modules.bumpRevision(uri);
    return changed;
  }

  /**
   * The analysable files of a workspace folder (from the folder's listing, kept until files are
   * created or deleted), and the data files its lineage names that the listing leaves out.
   */
  async folderFiles(folder: string): Promise<string[]> {
    const root = fsPath(folder);
    if (!root) return [];
    const settings = await this.settings(folder);
    const listed = this.files.files(root, settings);
    const data = await this.folderData(folder, root, settings);
    const known = new Set(listed);
    return [...listed, ...[...data.keys()].filter((abs) => !known.has(abs))];
  }

  /**
   * The data files of a folder by absolute path: those of its listing, and those its lineage names
   * (a DVC out, a stage output's location) inside the folder, which version control often ignores
   * (DVC lists its outs in .gitignore), as `crownguard check` reads them.
   */
  private async folderData(
    folder: string,
    root: string,
    settings: Settings,
  ): Promise<ReadonlyMap<string, RecordFormat>> {
    const listed = this.data.dataFiles(this.files.files(root, settings));
    const named = settings.enable ? await this.lineageViews.declared(folder).catch(() => undefined) : undefined;
    if (!named?.files.length) return listed;
    const all = new Map(listed);
    for (const rel of named.files) {
      const abs = path.resolve(root, rel);
      const format = all.has(abs) ? undefined : streamedFormatOf(abs);
      if (format && confinedFile(abs, root)) all.set(abs, format);
    }
    return all;
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
    // The governance manifest's findings name what its data files hold: a changed data file changes them.
    const root = fsPath(folder);
    if (root)
      for (const abs of (await this.folderData(folder, root, settings)).keys())
        hash
          .update(abs)
          .update('\0')
          .update(this.data.statKey(abs) ?? '')
          .update('\0');
    return { settings, id: this.results.settingsKey(settings), manifests: hash.digest('hex').slice(0, 12) };
  }

  /**
   * Diagnostics of a file that is not open, from its saved text; undefined for a file that is
   * not read (missing, empty, binary, over the size limit). A result is kept with the key of
   * what it read (the text, the settings, the part of the governance in force it reads, and for
   * manifests the folder's manifests) and reused while that key is unchanged: editing or saving a
   * manifest re-checks only the files whose inputs it changes.
   */
  async diagnoseSaved(
    uri: string,
    folder: FolderIdentity,
    token?: CancellationToken,
  ): Promise<SavedResult | undefined> {
    const abs = fsPath(uri);
    const data = abs ? await this.savedDataFormat(uri, abs, folder.settings) : undefined;
    if (abs && data) return this.diagnoseSavedData(uri, abs, data, folder, token);
    const text = abs ? this.files.text(abs) : undefined;
    if (!abs || text === undefined) return undefined;
    const governance = await this.governance.withText(uri);
    const readsManifests = isGovernanceManifest(uri, folder.settings) || isWorkspaceFile(uri, text);
    const own = `${this.files.digest(abs, text)}.${folder.id}${readsManifests ? `.${folder.manifests}` : ''}${this.modules.revisionSuffix(uri)}`;
    const keyOf = (reads: GovernanceReads) =>
      `${own}.${reads}.${this.results.governanceKey(governance.result, governance.text, reads)}`;
    const cached = this.results.reuse(uri, keyOf);
    if (cached) return cached;
    const doc = TextDocument.create(uri, 'plaintext', 0, text);
    const { items } = await this.diagnoseNoting(doc, false, undefined, await this.analyzeInScanThread(doc, token));
    const reads = readsManifests || this.pointsIntoGovernance(uri, items, governance.result) ? 'all' : 'rules';
    return this.results.keep(uri, items, reads, keyOf(reads));
  }

  /**
   * A saved file's findings from the scan thread, when it is code of a workspace folder: the
   * thread reads the modules it imports from disk, and an analysis that read a module open in
   * the editor is done again here (undefined), from the module's current text, which only this
   * thread has. Manifests, configs and data files read the folder's other files and their data:
   * they are analysed here too, and so is every file when the thread is unavailable.
   */
  private async analyzeInScanThread(
    doc: TextDocument,
    token?: CancellationToken,
  ): Promise<{ findings: Finding[]; notes: Note[] } | undefined> {
    if (!this.scanThread.available || this.notebooks?.findNotebookDocumentForCell(doc.uri)) return undefined;
    const folder = this.folderOf(doc.uri);
    const root = folder ? fsPath(folder) : undefined;
    const own = fsPath(doc.uri);
    if (!folder || !root || !own) return undefined;
    const settings = await this.settings(folder);
    const text = doc.getText();
    if (!settings.enable || textDataFormat(doc.uri, text)) return undefined;
    const kind = fileKindOf(doc.uri, text, settings);
    if (kind && scopeOf(kind) !== 'file') return undefined;
    const governance = await this.governance.withText(doc.uri);
    const manifest = governance.result.governance.path;
    if (manifest && governance.text === undefined) return undefined;
    const answer = await untilCancelled(
      this.scanThread.analyze({
        path: doc.uri,
        text,
        settings,
        governance: manifest ? { path: manifest, text: governance.text! } : undefined,
        modules: { root, modulePath: path.relative(root, own).split(path.sep).join('/') },
      }),
      token,
    );
    if (!answer) return undefined;
    const reads = new Set(answer.reads);
    if (this.modules.readsOpen(root, reads)) return undefined;
    this.modules.record(doc.uri, root, reads);
    return { findings: answer.findings, notes: answer.notes };
  }

  /** True when some diagnostic of `uri` points into the governance manifest, so its positions depend on that file's text. */
  private pointsIntoGovernance(uri: string, items: readonly Diagnostic[], governance: GovernanceResult): boolean {
    const folder = this.folderOf(uri);
    const root = folder ? fsPath(folder) : undefined;
    const own = governance.governance.path;
    if (!root || !own) return false;
    const target = pathToFileURL(path.join(root, own)).href;
    return items.some((d) => d.relatedInformation?.some((r) => r.location.uri === target));
  }

  /** The record format of a saved file of a workspace folder that is read as data. */
  private async savedDataFormat(uri: string, abs: string, settings: Settings): Promise<RecordFormat | undefined> {
    const folder = this.folderOf(uri);
    const root = folder ? fsPath(folder) : undefined;
    return folder && root ? (await this.folderData(folder, root, settings)).get(abs) : undefined;
  }

  /**
   * A saved data file's diagnostics, streamed from disk. The result id names its size and
   * modification time and the governance in force: a manifest edit re-checks it from the
   * sample already read.
   */
  private async diagnoseSavedData(
    uri: string,
    abs: string,
    format: RecordFormat,
    folder: FolderIdentity,
    token?: CancellationToken,
  ): Promise<SavedResult | undefined> {
    const stat = this.data.statKey(abs);
    if (!stat) return undefined;
    const governance = await this.governance.withText(uri);
    // A data file's findings may point into the governance manifest (the asset claiming its data).
    const key = `data-${stat}.${folder.id}.${this.results.governanceKey(governance.result, governance.text, 'all')}`;
    const cached = this.results.reuse(uri, () => key);
    if (cached) return cached;
    const root = fsPath(this.folderOf(uri) ?? '') ?? path.dirname(abs);
    const outcome = await cancellable(this.data.fromDisk(abs, format, token));
    const { findings, notes } = await this.analyzeData(uri, relativeTo(root, abs), folder.settings, outcome);
    // Positions are in the file's first records, which a document of the head's text locates.
    const head = TextDocument.create(uri, 'plaintext', 0, outcome.ok ? outcome.sample.headText : '');
    const items = [
      ...findings.filter((f) => !f.waiver).map((f) => toDiagnostic(head, f)),
      ...notes.map(noteDiagnostic),
    ];
    return this.results.keep(uri, items, 'all', key);
  }

  /** Forgets what was read from a closed document's text. */
  forgetDataText(uri: string): void {
    this.data.forgetText(uri);
  }

  /**
   * True when a changed file may change other documents' findings: the governance manifest
   * (the configured one, as the folder's settings name it), or any manifest or known format.
   */
  async affectsOthers(uri: string, text?: string): Promise<boolean> {
    const folder = this.folderOf(uri);
    const settings = folder ? await this.settings(folder) : DEFAULT_SETTINGS;
    if (isGovernanceManifest(uri, settings) || this.governance.governsSome(uri)) return true;
    return mayBeWorkspaceFile(uri, settings) && (text === undefined || isWorkspaceFile(uri, text));
  }
}

/** The record format of a document held as text that is sampled as data (Parquet is binary, never a text). */
function textDataFormat(uri: string, text: string): Exclude<RecordFormat, 'parquet'> | undefined {
  const named = datasetFormatOf(uri);
  if (named) return named.compression || named.format === 'parquet' ? undefined : named.format;
  return /\.json$/i.test(uri) && isJsonRecords(text) ? 'json' : undefined;
}

/**
 * Waits for the scan thread's answer; a request cancelled meanwhile answers as cancelled at once
 * (the thread finishes the file, and the answer is dropped).
 */
function untilCancelled<T>(answer: Promise<T>, token?: CancellationToken): Promise<T> {
  if (!token) return answer;
  if (token.isCancellationRequested)
    return Promise.reject(new ResponseError(LSPErrorCodes.RequestCancelled, 'The workspace scan was cancelled.'));
  return new Promise<T>((resolve, reject) => {
    const listener = token.onCancellationRequested(() =>
      reject(new ResponseError(LSPErrorCodes.RequestCancelled, 'The workspace scan was cancelled.')),
    );
    answer.then(resolve, reject).finally(() => listener.dispose());
  });
}

/** Waits for a reading; a request cancelled while it waits answers as cancelled. */
async function cancellable(reading: Promise<DataOutcome>): Promise<DataOutcome> {
  try {
    return await reading;
  } catch (err) {
    if (err instanceof ReadCancelled)
      throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The reading was cancelled.');
    throw err;
  }
}
