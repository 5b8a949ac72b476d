import type { Governance } from '../governance/model';
import { compileGlob } from '../sensitivity/glob';
import type { DataContent } from '../datasets/profile';
import { contentLineOf, isDataFilePath, isLocalPath, nodeFile, nodeFolder } from './content';
import type { LineageNode } from './model';
import { normalisePath } from './paths';

/**
 * What a shell lists of a folder the lineage names (a path as file paths are written): its
 * entries, or undefined when it is no folder, or not one inside the checked folder. The shell
 * confines: the core never reads a folder itself.
 */
export type FolderLister = (
  folder: string,
) => readonly { readonly name: string; readonly folder: boolean }[] | undefined;

/** A folder output holds at most this many data files that are read; the rest are left unread. */
export const MAX_FOLDER_FILES = 100;
/** Folders below a folder output are followed this deep (the output itself is depth 0). */
export const MAX_FOLDER_DEPTH = 3;

/** What declares a data file in the lineage: the node whose data it is, and the asset whose fields it must hold to. */
export interface DataDeclaration {
  readonly node: string;
  /** The asset the file belongs to: a stage output declared under an asset's id. */
  readonly asset?: string;
}

/**
 * The data files inside `folder`, sorted, at most MAX_FOLDER_FILES of them and MAX_FOLDER_DEPTH
 * folders deep; names that are no data file are skipped, as are hidden entries.
 */
export function folderDataFiles(folder: string, list: FolderLister): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    const entries = list(dir);
    if (!entries) return;
    const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of sorted) {
      if (out.length >= MAX_FOLDER_FILES) return;
      if (e.name.startsWith('.') || e.name.includes('/') || e.name.includes('\\')) continue;
      const p = `${dir}/${e.name}`;
      if (e.folder) {
        if (depth < MAX_FOLDER_DEPTH) walk(p, depth + 1);
      } else if (isDataFilePath(e.name)) out.push(p);
    }
  };
  walk(folder, 0);
  return out;
}

/**
 * The data files the lineage knows and what declares each: nodes' files (stage outputs'
 * locations, configs' local datasets, LLaMA-Factory registry entries, DVC outs), the data
 * files inside the folders such nodes name (when a lister is given), and the assets' locations
 * that name one file. URIs are never listed: nothing is fetched.
 */
export class LineageDataFiles {
  /** Every file, sorted, as file paths are written. */
  readonly files: string[];
  /** The data files found inside each folder a node names, by the folder. */
  readonly inFolders = new Map<string, string[]>();
  /** Stage outputs' locations (files and folders), with what declares them. */
  private readonly declared = new Map<string, DataDeclaration>();

  constructor(nodes: Iterable<LineageNode>, governance: Governance, root: string, list?: FolderLister) {
    const out = new Set<string>();
    const assets = new Set(governance.assets.map((a) => a.id));
    for (const n of nodes) {
      const file = nodeFile(n);
      const folder = file === undefined ? nodeFolder(n) : undefined;
      // A stage output with a `location` is declared by its pipeline: its file is no stray.
      const where = n.location !== undefined ? (file ?? folder) : undefined;
      if (where !== undefined && !this.declared.has(where))
        this.declared.set(where, { node: n.id, ...(assets.has(n.id) ? { asset: n.id } : {}) });
      if (file !== undefined) out.add(file);
      else if (folder !== undefined) this.addFolder(folder, out, list);
      // What a `.dvc` file tracks is read even when its path is an asset's rather than a node's own.
      for (const t of n.tracks ?? []) {
        if (isDataFilePath(t)) out.add(t);
        else if (isLocalPath(t) && !/\.[A-Za-z0-9]{1,8}$/.test(t)) this.addFolder(t, out, list);
      }
    }
    for (const a of governance.assets)
      for (const l of a.locations) if (isDataFilePath(l)) out.add(normalisePath(l, root));
    this.files = [...out].sort();
  }

  private addFolder(folder: string, out: Set<string>, list: FolderLister | undefined): void {
    if (!list || this.inFolders.has(folder)) return;
    const inside = folderDataFiles(folder, list);
    this.inFolders.set(folder, inside);
    for (const f of inside) out.add(f);
  }

  /** What declares `file` (as file paths are written): a stage output at it or at a folder holding it. */
  declaredBy(file: string): DataDeclaration | undefined {
    const own = this.declared.get(file);
    if (own) return own;
    for (let cut = file.lastIndexOf('/'); cut > 0; cut = file.lastIndexOf('/', cut - 1)) {
      const d = this.declared.get(file.slice(0, cut));
      if (d) return d;
    }
    return undefined;
  }
}

/** The files among `files` that an asset's locations match (paths relative to the manifest's folder `root`). */
export function assetFiles(locations: readonly string[], files: Iterable<string>, root: string): string[] {
  const globs = locations.filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l)).map((l) => compileGlob(l));
  if (globs.length === 0) return [];
  const prefix = root ? `${root}/` : '';
  const out: string[] = [];
  for (const f of files) {
    if (prefix && !f.startsWith(prefix)) continue;
    const rel = f.slice(prefix.length);
    if (globs.some((g) => g.test(rel) || g.test(rel + '/'))) out.push(f);
  }
  return out.sort();
}

/**
 * The data files whose content a lineage node shows together, at most MAX_FOLDER_FILES: for an
 * asset, the files among `files` its locations match (`manifestFolder` is the governance
 * manifest's folder, which locations are relative to); for a dataset naming a folder, the data
 * files `inFolder` lists inside it. Undefined for any other node: a dataset naming one file
 * shows that file's own line, which the shell reads.
 */
export function contentFilesOf(
  node: LineageNode,
  governance: Governance,
  manifestFolder: string,
  files: Iterable<string>,
  inFolder: (folder: string) => readonly string[],
): string[] | undefined {
  if (node.kind === 'asset') {
    const asset = governance.assets.find((a) => a.id === node.id);
    return asset ? assetFiles(asset.locations, files, manifestFolder).slice(0, MAX_FOLDER_FILES) : [];
  }
  if (node.kind !== 'dataset' || node.id.startsWith('/')) return undefined;
  const folder = nodeFolder(node);
  return folder === undefined ? undefined : inFolder(folder).slice(0, MAX_FOLDER_FILES);
}

/**
 * One content line for several files, each profiled by `contentOf` in turn (the shell reads):
 * undefined when none of them shows anything.
 */
export async function contentLineFrom(
  files: readonly string[],
  contentOf: (file: string) => Promise<DataContent | undefined>,
): Promise<string | undefined> {
  const parts: DataContent[] = [];
  for (const f of files) {
    const c = await contentOf(f);
    if (c) parts.push(c);
  }
  return parts.length > 0 ? contentLineOf(parts) : undefined;
}
