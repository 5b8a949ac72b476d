import { loadGovernance, type GovernanceResult } from './governance/load';
import { DEFAULT_GOVERNANCE, type Governance } from './governance/model';
import type { LanguageAdapter } from './languages/adapter';
import { Parsers, type WasmLoader } from './languages/parsers';
import { python } from './languages/python';
import { checkLogFlows } from './rules/sensitive-data-in-log';
import { Catalog } from './sensitivity/catalog';
import { LineIndex } from './text';
import { DEFAULT_SETTINGS, type Finding, type Note, type Settings, type SourceFile } from './types';

export const ADAPTERS: readonly LanguageAdapter[] = [python];

/** Source files larger than this are not analysed; the note says so. */
export const MAX_SOURCE_CHARS = 2 * 1024 * 1024;
/** Time one file's parse may take before it is abandoned with a note. */
export const PARSE_BUDGET_MS = 2000;

export interface FileResult {
  readonly findings: Finding[];
  readonly notes: Note[];
}

export interface WorkspaceResult extends FileResult {
  /** The governance in force: the manifest's, or the built-in default. */
  readonly governance: Governance;
  /** True when the governance manifest has errors, so the default is in force. */
  readonly configurationBroken: boolean;
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** True when `path` is the governance manifest under `settings`. */
export function isGovernanceManifest(path: string, settings: Settings = DEFAULT_SETTINGS): boolean {
  const wanted = settings.governanceManifest.replace(/\\/g, '/').replace(/^\.\//, '');
  if (wanted) return path.replace(/\\/g, '/').endsWith('/' + wanted) || path === wanted;
  return /^governance\.ya?ml$/.test(baseName(path));
}

export function adapterFor(path: string): LanguageAdapter | undefined {
  const lower = path.toLowerCase();
  return ADAPTERS.find((a) => a.extensions.some((e) => lower.endsWith(e)));
}

/** True when the engine has something to say about a file with this path. */
export function isAnalysable(path: string, settings: Settings = DEFAULT_SETTINGS): boolean {
  return isGovernanceManifest(path, settings) || adapterFor(path) !== undefined;
}

/**
 * The analysis core's single entry point, shared by the language server and the CLI. It reads
 * nothing from disk and never throws on bad input: a broken file becomes a finding or a note.
 */
export class Engine {
  private catalogFor: { governance: Governance; catalog: Catalog } | undefined;

  private constructor(private readonly parsers: Parsers) {}

  static async create(loadWasm: WasmLoader): Promise<Engine> {
    return new Engine(await Parsers.create(loadWasm, ADAPTERS.map((a) => a.grammar)));
  }

  /** Reads a governance manifest; with no file, the built-in default governance. */
  governance(file: SourceFile | undefined): GovernanceResult {
    if (!file) return { governance: DEFAULT_GOVERNANCE, findings: [], broken: false };
    if (file.text.trim() === '') {
      return { governance: { ...DEFAULT_GOVERNANCE, path: file.path }, findings: [], broken: false };
    }
    return loadGovernance(file);
  }

  /** Findings for one source file under the given governance. */
  analyzeFile(file: SourceFile, governance: Governance, settings: Settings = DEFAULT_SETTINGS): FileResult {
    if (!settings.enable) return { findings: [], notes: [] };
    const skipped = skipReason(file.text);
    if (skipped) return { findings: [], notes: [{ path: file.path, message: skipped }] };
    const adapter = adapterFor(file.path);
    if (!adapter) return { findings: [], notes: [] };
    const tree = this.parsers.parse(adapter.grammar, file.text, PARSE_BUDGET_MS);
    if (!tree) return { findings: [], notes: [{ path: file.path, message: `not analysed: parsing took longer than ${PARSE_BUDGET_MS} ms` }] };
    try {
      const flows = adapter.findFlows(tree, this.catalog(governance), governance.redaction[adapter.id]);
      const ctx = { path: file.path, text: file.text, tree, lines: new LineIndex(file.text), adapter, governance };
      return { findings: checkLogFlows(ctx, flows), notes: [] };
    } catch (err) {
      // A bug in a rule must cost one file's findings, never the whole run.
      return { findings: [], notes: [{ path: file.path, message: `not analysed: internal error (${err instanceof Error ? err.message : 'unknown'})` }] };
    } finally {
      tree.delete();
    }
  }

  /** Checks a whole set of files: the governance manifest among them applies to the rest. */
  analyze(files: readonly SourceFile[], settings: Settings = DEFAULT_SETTINGS): WorkspaceResult {
    const manifest = files.find((f) => isGovernanceManifest(f.path, settings));
    const gov = this.governance(manifest);
    const findings: Finding[] = [...gov.findings];
    const notes: Note[] = [];
    if (manifest && manifest.text.trim() === '') notes.push({ path: manifest.path, message: 'empty governance manifest: the built-in default applies' });
    for (const file of files) {
      if (file === manifest) continue;
      const r = this.analyzeFile(file, gov.governance, settings);
      findings.push(...r.findings);
      notes.push(...r.notes);
    }
    return { findings, notes, governance: gov.governance, configurationBroken: gov.broken };
  }

  private catalog(governance: Governance): Catalog {
    if (this.catalogFor?.governance !== governance) this.catalogFor = { governance, catalog: new Catalog(governance) };
    return this.catalogFor.catalog;
  }
}

/** Why a text is not worth analysing, or undefined when it is. */
function skipReason(text: string): string | undefined {
  if (text.length === 0) return 'skipped: empty file';
  if (text.length > MAX_SOURCE_CHARS) return `skipped: larger than ${MAX_SOURCE_CHARS / 1024 / 1024} MiB`;
  if (text.slice(0, 8192).includes('\u0000')) return 'skipped: binary file';
  return undefined;
}
