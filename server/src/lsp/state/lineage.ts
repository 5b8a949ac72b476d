import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  LineIndexes,
  type DataContent,
  type DatasetSample,
  type Engine,
  type Governance,
  type LineageDataFiles,
  type LineageGraph,
  type Settings,
  type Span,
} from '../../core';
import { confinedFile, folderLister } from '../../host/lineage-data';
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
  /** The data files the lineage knows, with what declares each (decides CG405), and those inside folder outs. */
  readonly dataLineage: LineageDataFiles;
  /** The profiles of those data files that were read, by their path relative to the folder. */
  readonly data: ReadonlyMap<string, DataContent>;
  /** The governance the graph was built under, and its manifest's path relative to the folder. */
  readonly governance: Governance;
  readonly governancePath?: string;
  /** False for a view answered before the data files it names were profiled: their content lines are pending. */
  readonly complete: boolean;
}

/** Where the lineage reads the data files it names (see `LineageViews`). */
export interface LineageData {
  /** What a file holds now, as a key (an open document's version, a saved file's size and time); undefined when it is no data file. */
  keyOf(abs: string): string | undefined;
  /** Its bounded sample; undefined when it could not be read. */
  sample(abs: string): Promise<DatasetSample | undefined>;
  /** Which of a folder's listed files are data files: their text is no manifest, so the graph never reads it. */
  dataFiles(list: readonly string[]): { has(abs: string): boolean };
}

/** Data files profiled at once for one view, at most (the readings themselves are bounded too, see `DataSamples`). */
const CONCURRENT_PROFILES = 4;

interface CachedView {
  /** The graph with every data file it names profiled: tiers that rest on what the files hold are final. */
  readonly view: Promise<LineageView>;
  /** The graph as soon as the manifests are read, with the profiles already known (`pending` names the others). */
  readonly now: Promise<LineageView>;
  /** Set once `view` is built: `now` is then the same view. */
  complete?: LineageView;
  /** What the lineage declares, known before any data file is read. */
  readonly declared: Promise<LineageDataFiles>;
  /** The data files the graph's tiers rest on, with the key each was read at; set once they are read. */
  keys?: readonly (readonly [string, string])[];
}

/**
 * Per folder, the lineage graph of every file (open documents with their unsaved text), until a
 * file that contributes changes. The data files the lineage names are profiled as `crownguard
 * lineage --explain` profiles them, so that a derived file found holding crown-jewel data raises
 * its node's tier; a new version of one of them (saved, or edited in the editor) is a new graph.
 */
export class LineageViews {
  private readonly cache = new Map<string, CachedView>();
  /** Per data file, its profile under the governance it was computed with, while its key is unchanged. */
  private readonly profiles = new Map<string, { key: string; governance: Governance; content?: DataContent }>();
  /** Per folder, the last contents given to the engine: unchanged contents keep their identity, so the graph is patched, not rebuilt. */
  private readonly lastData = new Map<string, ReadonlyMap<string, DataContent>>();

  constructor(
    private readonly engine: Engine,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly files: SavedFiles,
    private readonly settings: SettingsState,
    private readonly governance: GovernanceState,
    private readonly data?: LineageData,
    /** Called when a folder's profiles change, once they are read (diagnostics that use them may differ). */
    private readonly profilesChanged?: () => void,
    /** Called when a graph answered before its data files were read is complete (views showing it refresh). */
    private readonly completed?: () => void,
  ) {}

  /**
   * The profiles of the folder's lineage data files read so far, without waiting for any: a
   * manifest's diagnostics use them (CG406) and are refreshed when newer ones are read.
   */
  profiled(folder: string): ReadonlyMap<string, DataContent> | undefined {
    const root = fsPath(folder);
    return root ? this.lastData.get(root) : undefined;
  }

  of(folder: string): Promise<LineageView | undefined> {
    const root = fsPath(folder);
    if (!root) return Promise.resolve(undefined);
    const cached = this.cache.get(root);
    if (cached && !cached.keys?.some(([abs, key]) => this.data?.keyOf(abs) !== key)) return cached.view;
    return this.build(folder, root).view;
  }

  /**
   * The folder's graph without waiting for its data files: complete when they are already
   * profiled, else built from the manifests and the profiles known so far, while the others are
   * read; `completed` is called once they are.
   */
  now(folder: string): Promise<LineageView | undefined> {
    const root = fsPath(folder);
    if (!root) return Promise.resolve(undefined);
    const cached = this.cache.get(root);
    if (cached && !cached.keys?.some(([abs, key]) => this.data?.keyOf(abs) !== key))
      return cached.complete ? Promise.resolve(cached.complete) : cached.now;
    return this.build(folder, root).now;
  }

  /**
   * What the lineage of the folder declares (stage outputs' locations, folder outs' files), without
   * waiting for its data files to be read: a data file's CG405 depends on it.
   */
  declared(folder: string): Promise<LineageDataFiles | undefined> {
    const root = fsPath(folder);
    if (!root) return Promise.resolve(undefined);
    const cached = this.cache.get(root);
    if (cached && !cached.keys?.some(([abs, key]) => this.data?.keyOf(abs) !== key)) return cached.declared;
    return this.build(folder, root).declared;
  }

  private build(folder: string, root: string): CachedView {
    const entry: {
      view?: Promise<LineageView>;
      now?: Promise<LineageView>;
      declared?: Promise<LineageDataFiles>;
      keys?: CachedView['keys'];
      complete?: LineageView;
    } = {};
    let declare: (d: LineageDataFiles) => void = () => undefined;
    let fail: (e: unknown) => void = () => undefined;
    entry.declared = new Promise<LineageDataFiles>((resolve, reject) => ((declare = resolve), (fail = reject)));
    const base = this.settings.of(folder).then((settings) => {
      const list = this.files.files(root, settings);
      // A data file's text is no manifest or config: the graph never needs it (its profile is read apart).
      const data = this.data?.dataFiles(list);
      const read = (abs: string) =>
        data?.has(abs) ? undefined : (this.documents.get(pathToFileURL(abs).href)?.getText() ?? this.files.text(abs));
      const ws = readWorkspace(root, settings, read, settings.governanceManifest || undefined, list);
      const inForce = ws.governance
        ? this.governance.inForce(pathToFileURL(path.resolve(root, ws.governance.path)).href, ws.governance)
        : undefined;
      const governance = inForce?.result ?? this.engine.governance(undefined);
      // Folder outs list their data files (inside the folder only), as `crownguard check` does.
      const dataLineage = this.engine.dataLineage(ws.files, governance, folderLister(root, root));
      declare(dataLineage);
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
      const viewOf = (data: ReadonlyMap<string, DataContent> | undefined, complete: boolean): LineageView => ({
        graph: this.engine.lineage(ws.files, governance, data),
        toLocation,
        relative,
        dataLineage,
        data: data ?? new Map<string, DataContent>(),
        governance: governance.governance,
        governancePath: ws.governance?.path,
        complete,
      });
      return { settings, ws, governance, dataLineage, viewOf };
    });
    entry.now = base.then(({ settings, governance, dataLineage, viewOf }) => {
      const known = this.known(root, dataLineage.files, governance, settings);
      // Complete already: the versions its profiles were read at decide when it is stale.
      if (known.complete) entry.keys = known.keys;
      return viewOf(known.data, known.complete);
    });
    entry.view = Promise.all([base, entry.now]).then(async ([{ settings, governance, dataLineage, viewOf }, now]) => {
      if (now.complete) return (entry.complete = now);
      const data = await this.contents(root, dataLineage.files, governance, settings, entry);
      const view = viewOf(data, true);
      entry.complete = view;
      // Views shown from the early graph refresh, unless this graph was replaced meanwhile.
      if (this.cache.get(root) === entry) this.completed?.();
      return view;
    });
    entry.view.catch(fail);
    entry.now.catch(() => undefined);
    // A view that failed before declaring anything must not leave an unhandled rejection.
    entry.declared.catch(() => undefined);
    this.cache.set(root, entry as CachedView);
    return entry as CachedView;
  }

  /** The profiles of `lineageFiles` already computed at their files' current keys, and whether that is all of them. */
  private known(
    root: string,
    lineageFiles: readonly string[],
    governance: ReturnType<Engine['governance']>,
    settings: Settings,
  ): { data?: ReadonlyMap<string, DataContent>; complete: boolean; keys: CachedView['keys'] } {
    const keys: [string, string][] = [];
    if (!this.data || !settings.enable) return { complete: true, keys };
    const found = new Map<string, DataContent>();
    let complete = true;
    for (const p of lineageFiles) {
      const abs = path.resolve(root, p);
      const key = confinedFile(abs, root) ? this.data.keyOf(abs) : undefined;
      if (key === undefined) continue;
      keys.push([abs, key]);
      const profiled = this.profiles.get(abs);
      if (profiled?.key !== key || profiled.governance !== governance.governance) complete = false;
      else if (profiled.content) found.set(p, profiled.content);
    }
    const last = this.lastData.get(root);
    const same = last?.size === found.size && [...found].every(([p, c]) => last.get(p) === c);
    return { data: found.size === 0 ? undefined : same ? last : found, complete, keys };
  }

  /**
   * The profiles of the local data files the lineage names (`lineageFiles`), inside `root` only
   * (nothing elsewhere, no URI, is read); records on `entry` which versions they were read at.
   */
  private async contents(
    root: string,
    lineageFiles: readonly string[],
    governance: ReturnType<Engine['governance']>,
    settings: Settings,
    entry: { keys?: CachedView['keys'] },
  ): Promise<ReadonlyMap<string, DataContent> | undefined> {
    if (!this.data || !settings.enable) return undefined;
    const data = this.data;
    const keys: [string, string][] = [];
    const contents = new Map<string, DataContent | undefined>();
    const wanted: (readonly [string, string, string])[] = [];
    for (const p of lineageFiles) {
      const abs = path.resolve(root, p);
      const key = confinedFile(abs, root) ? data.keyOf(abs) : undefined;
      if (key === undefined) continue;
      keys.push([abs, key]);
      wanted.push([p, abs, key]);
    }
    // A few files at a time: one file's reading overlaps another's profiling. A graph replaced
    // meanwhile (a manifest or file changed) starts no further reading.
    let next = 0;
    const profileNext = async (): Promise<void> => {
      for (let i = next++; i < wanted.length && this.cache.get(root) === entry; i = next++) {
        const [p, abs, key] = wanted[i];
        let profiled = this.profiles.get(abs);
        if (profiled?.key !== key || profiled.governance !== governance.governance) {
          const sample = await data.sample(abs);
          const content = sample && this.engine.analyzeDataset(p, sample, governance.governance, settings).content;
          this.profiles.set(abs, (profiled = { key, governance: governance.governance, content }));
        }
        contents.set(p, profiled.content);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_PROFILES, wanted.length) }, profileNext));
    // In the lineage's order, whatever order the readings ended in.
    const found = new Map<string, DataContent>();
    for (const [p] of wanted) {
      const c = contents.get(p);
      if (c) found.set(p, c);
    }
    entry.keys = keys;
    // A replaced graph's profiles are no folder's latest.
    if (this.cache.get(root) !== entry) return found.size === 0 ? undefined : found;
    if (found.size === 0) {
      if (this.lastData.delete(root)) this.profilesChanged?.();
      return undefined;
    }
    const last = this.lastData.get(root);
    if (last?.size === found.size && [...found].every(([p, c]) => last.get(p) === c)) return last;
    this.lastData.set(root, found);
    this.profilesChanged?.();
    return found;
  }

  clear(): void {
    this.cache.clear();
  }
}
