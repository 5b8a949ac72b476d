import { fileKindOf } from '../files/kinds';
import { loadConfig } from '../formats/load';
import type { LoadedConfig } from '../formats/model';
import type { Governance } from '../governance/model';
import { loadManifest, type Declaration, type LoadedManifest, type Reference } from '../manifests/load';
import { compileGlob } from '../sensitivity/glob';
import type { SourceFile } from '../types';
import {
  codeContribution,
  configContribution,
  folderOf,
  governanceContribution,
  manifestContribution,
} from './contribute';
import { DeclarationIndex, type IndexedFile } from './declarations';
import { LineageGraph } from './graph';
import type { Contribution } from './model';
import type { DataContents } from '../datasets/profile';

/** Everything the workspace-wide checks and lineage know about the workspace's files. */
export interface WorkspaceModel {
  readonly manifests: readonly LoadedManifest[];
  readonly configs: readonly LoadedConfig[];
  readonly declarations: readonly Declaration[];
  readonly references: readonly Reference[];
  readonly graph: LineageGraph;
  /** The declarations and references per file, updated file by file (what one document's checks read). */
  readonly index: DeclarationIndex;
}

interface Entry {
  readonly text: string;
  readonly loaded?: LoadedManifest | LoadedConfig;
  readonly contribution?: Contribution;
}

const NO_REFERENCES: readonly Reference[] = [];

/** Files kept parsed between runs: about 2,000 manifests of a large workspace, and room to spare. */
const MAX_ENTRIES = 50_000;

/**
 * Reads the workspace's manifests and configs, each parsed and validated once per text: after
 * an edit only the edited file is parsed and validated again, and its contribution is patched
 * into the graph in place. The graph a model returns is live: the next model of the same kind
 * updates it.
 */
export class WorkspaceCache {
  private readonly entries = new Map<string, Entry>();
  private readonly code = new Map<string, { text: string; key: string; contribution?: Contribution }>();
  private readonly graphs = new Map<'manifests' | 'code', LineageGraph>();
  private readonly indexes = new Map<'manifests' | 'code', DeclarationIndex>();
  /** The governance manifest's assets as declarations, the same objects while the governance is. */
  private readonly assetDeclarations = new WeakMap<Governance, Declaration[]>();
  private readonly governanceParts = new WeakMap<Governance, Contribution | undefined>();
  /** The last model, reused while every input is the same (several documents asking after one edit). */
  private last:
    | {
        used: Entry[];
        governance: Governance;
        code: readonly SourceFile[];
        data?: DataContents;
        model: WorkspaceModel;
      }
    | undefined;

  private entry(file: SourceFile, make: () => Omit<Entry, 'text'>): Entry {
    const cached = this.entries.get(file.path);
    if (cached && cached.text === file.text) return cached;
    const e = { text: file.text, ...make() };
    this.entries.delete(file.path);
    this.entries.set(file.path, e);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return e;
  }

  /**
   * Loads `files` (manifests and configs; code files for lineage) under `governance`; `data`
   * holds the profiled data files, whose content can raise a node's tier.
   */
  model(
    files: readonly SourceFile[],
    governance: Governance,
    code: readonly SourceFile[] = [],
    data?: DataContents,
  ): WorkspaceModel {
    const used = files.map((f) =>
      this.entry(f, () => {
        const kind = fileKindOf(f.path, f.text, undefined, ['workspace']);
        if (kind?.kind === 'manifest') {
          const loaded = loadManifest(f, kind.schema);
          return { loaded, contribution: manifestContribution(loaded) };
        }
        if (kind?.kind !== 'format') return {};
        const loaded = loadConfig(f, kind.format);
        return { loaded, contribution: configContribution(loaded) };
      }),
    );
    const last = this.last;
    if (
      last &&
      last.governance === governance &&
      last.data === data &&
      last.code.length === 0 &&
      code.length === 0 &&
      last.used.length === used.length &&
      last.used.every((e, i) => e === used[i])
    )
      return last.model;
    const manifests: LoadedManifest[] = [];
    const configs: LoadedConfig[] = [];
    const contributions: Contribution[] = [];
    // The same object while the governance is: the graph then keeps its part as it is.
    if (!this.governanceParts.has(governance)) this.governanceParts.set(governance, governanceContribution(governance));
    const own = this.governanceParts.get(governance);
    if (own) contributions.push(own);
    for (const e of used) {
      if (!e.loaded) continue;
      if ('kind' in e.loaded) manifests.push(e.loaded);
      else configs.push(e.loaded);
      contributions.push(e.contribution!);
    }
    if (code.length > 0) {
      const locations = governance.assets.flatMap((a) => a.locations.map((l) => ({ re: compileGlob(l), asset: a.id })));
      const match = (p: string) =>
        locations.find((l) => l.re.test(p.replace(/^\.\//, '')) || l.re.test(p.replace(/^\.\//, '') + '/'))?.asset;
      // Code is scanned again only when its text or the assets' locations change.
      const key = JSON.stringify(governance.assets.map((a) => [a.id, a.locations]));
      for (const f of code) {
        const cached = this.code.get(f.path);
        const reuse = cached !== undefined && cached.text === f.text && cached.key === key;
        const c = reuse ? cached.contribution : codeContribution(f.path, f.text, match);
        if (!reuse) this.code.set(f.path, { text: f.text, key, contribution: c });
        if (c) contributions.push(c);
      }
      if (this.code.size > MAX_ENTRIES) this.code.clear();
    }
    let assets = this.assetDeclarations.get(governance);
    if (!assets) {
      assets = governance.path
        ? governance.assets.map((a) => ({ id: a.id, kind: 'asset' as const, path: governance.path!, span: a.span }))
        : [];
      this.assetDeclarations.set(governance, assets);
    }
    const root = governance.path ? folderOf(governance.path) : '';
    // One graph for the manifest checks and one for lineage views (which add code files), each
    // patched in place by the next model's contributions while the governance stays the same.
    const lane = code.length > 0 ? 'code' : 'manifests';
    let graph = this.graphs.get(lane);
    if (graph && graph.governance === governance && graph.root === root && graph.data === data)
      graph.update(contributions);
    else this.graphs.set(lane, (graph = new LineageGraph(governance, contributions, root, data)));
    const indexed: IndexedFile[] = [
      ...(governance.path ? [{ path: governance.path, declarations: assets, references: NO_REFERENCES }] : []),
      ...manifests,
    ];
    let index = this.indexes.get(lane);
    if (!index || !index.update(indexed)) this.indexes.set(lane, (index = new DeclarationIndex(indexed)));
    // Every declaration and reference in one list, made when first read: one document's checks read the index.
    let declarations: Declaration[] | undefined;
    let references: Reference[] | undefined;
    const model: WorkspaceModel = {
      manifests,
      configs,
      get declarations() {
        return (declarations ??= [...assets, ...manifests.flatMap((m) => m.declarations)]);
      },
      get references() {
        return (references ??= manifests.flatMap((m) => m.references));
      },
      graph,
      index,
    };
    this.last = { used, governance, code, data, model };
    return model;
  }
}
