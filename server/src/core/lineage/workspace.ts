import { configFormatOf } from '../formats/recognise';
import { loadConfig } from '../formats/load';
import type { LoadedConfig } from '../formats/model';
import type { Governance } from '../governance/model';
import { loadManifest, manifestKindOf, type Declaration, type LoadedManifest, type Reference } from '../manifests/load';
import { globToRegExp } from '../sensitivity/catalog';
import type { SourceFile } from '../types';
import { codeContribution, configContribution, folderOf, governanceContribution, manifestContribution } from './contribute';
import { LineageGraph } from './graph';
import type { Contribution } from './model';

/** True when a file is one the workspace-wide checks read: a pipeline or release manifest, or a known format. */
export function isWorkspaceFile(path: string, text: string): boolean {
  return manifestKindOf(path, text) !== undefined || configFormatOf(path, text) !== undefined;
}

/** Everything the workspace-wide checks and lineage know about the workspace's files. */
export interface WorkspaceModel {
  readonly manifests: readonly LoadedManifest[];
  readonly configs: readonly LoadedConfig[];
  readonly declarations: readonly Declaration[];
  readonly references: readonly Reference[];
  readonly graph: LineageGraph;
}

interface Entry {
  readonly text: string;
  readonly loaded?: LoadedManifest | LoadedConfig;
  readonly contribution?: Contribution;
}

/** Files kept parsed between runs: about 2,000 manifests of a large workspace, and room to spare. */
const MAX_ENTRIES = 50_000;

/**
 * Reads the workspace's manifests and configs, each parsed and validated once per text: after
 * an edit only the edited file is parsed and validated again, and the graph is reassembled
 * from every file's cached contribution.
 */
export class WorkspaceCache {
  private readonly entries = new Map<string, Entry>();

  private entry(file: SourceFile, make: () => Omit<Entry, 'text'>): Entry {
    const cached = this.entries.get(file.path);
    if (cached && cached.text === file.text) return cached;
    const e = { text: file.text, ...make() };
    this.entries.delete(file.path);
    this.entries.set(file.path, e);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return e;
  }

  /** Loads `files` (manifests and configs; code files for lineage) under `governance`. */
  model(files: readonly SourceFile[], governance: Governance, code: readonly SourceFile[] = []): WorkspaceModel {
    const manifests: LoadedManifest[] = [];
    const configs: LoadedConfig[] = [];
    const contributions: Contribution[] = [];
    const own = governanceContribution(governance);
    if (own) contributions.push(own);
    for (const f of files) {
      const e = this.entry(f, () => {
        const kind = manifestKindOf(f.path, f.text);
        if (kind) {
          const loaded = loadManifest(f, kind);
          return { loaded, contribution: manifestContribution(loaded) };
        }
        const format = configFormatOf(f.path, f.text);
        if (!format) return {};
        const loaded = loadConfig(f, format);
        return { loaded, contribution: configContribution(loaded) };
      });
      if (!e.loaded) continue;
      if ('kind' in e.loaded) manifests.push(e.loaded);
      else configs.push(e.loaded);
      contributions.push(e.contribution!);
    }
    if (code.length > 0) {
      const locations = governance.assets.flatMap((a) => a.locations.map((l) => ({ re: globToRegExp(l), asset: a.id })));
      const match = (p: string) => locations.find((l) => l.re.test(p.replace(/^\.\//, '')) || l.re.test(p.replace(/^\.\//, '') + '/'))?.asset;
      for (const f of code) {
        const c = codeContribution(f.path, f.text, match);
        if (c) contributions.push(c);
      }
    }
    const declarations: Declaration[] = governance.path ? governance.assets.map((a) => ({ id: a.id, kind: 'asset' as const, path: governance.path!, span: a.span })) : [];
    const references: Reference[] = [];
    for (const m of manifests) {
      declarations.push(...m.declarations);
      references.push(...m.references);
    }
    const root = governance.path ? folderOf(governance.path) : '';
    return { manifests, configs, declarations, references, graph: new LineageGraph(governance, contributions, root) };
  }
}
