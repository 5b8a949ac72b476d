import { loadGovernance, type GovernanceResult } from './governance/load';
import { DEFAULT_GOVERNANCE, type Governance } from './governance/model';
import type { LanguageAdapter } from './languages/adapter';
import { FlowWalker } from './languages/flow';
import { Parsers, type Tree, type WasmLoader } from './languages/parsers';
import { python } from './languages/python';
import { javascript, typescript } from './languages/typescript';
import { isPromptTemplate } from './prompts/template';
import { flowFindings, redactionFor, type FileContext } from './rules/flow-findings';
import { literalFindings } from './rules/literal-findings';
import { FLOW_RULES } from './rules/registry';
import { checkPromptTemplate } from './rules/sensitive-field-in-prompt-template';
import { Catalog } from './sensitivity/catalog';
import { LineIndex } from './text';
import { DEFAULT_SETTINGS, type Finding, type Note, type Settings, type SourceFile, type Waiver } from './types';
import { applyWaivers, waiverFix } from './waivers';

export const ADAPTERS: readonly LanguageAdapter[] = [python, typescript, javascript];

/** Source files larger than this are not analysed; the note says so. */
export const MAX_SOURCE_CHARS = 2 * 1024 * 1024;
/** Time one file's parse may take before it is abandoned with a note. */
export const PARSE_BUDGET_MS = 2000;

export interface FileResult {
  /** Findings, waived ones included (with `waiver` set). */
  readonly findings: Finding[];
  readonly notes: Note[];
  readonly waivers: Waiver[];
}

export interface WorkspaceResult extends FileResult {
  /** The governance in force: the manifest's, or the built-in default. */
  readonly governance: Governance;
  /** True when the governance manifest has errors. */
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

const CONFIG_EXTENSIONS = ['.yaml', '.yml', '.json', '.jsonc', '.toml', '.ini', '.cfg', '.conf', '.properties'];
/** Generated files that hold no one's data and are large: never scanned. */
const GENERATED = /^(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|Pipfile\.lock|composer\.lock|Cargo\.lock)$/;

function isConfig(path: string): boolean {
  const lower = path.toLowerCase();
  return CONFIG_EXTENSIONS.some((e) => lower.endsWith(e)) && !GENERATED.test(baseName(path));
}

/** True when the engine has something to say about a file with this path. */
export function isAnalysable(path: string, settings: Settings = DEFAULT_SETTINGS): boolean {
  return isGovernanceManifest(path, settings) || adapterFor(path) !== undefined || isPromptTemplate(path) || isConfig(path);
}

function today(settings: Settings): string {
  return settings.today ?? new Date().toISOString().slice(0, 10);
}

/**
 * The analysis core's single entry point, shared by the language server and the CLI. It reads
 * nothing from disk and never throws on bad input: a broken file becomes a finding or a note.
 */
export class Engine {
  private catalogFor: { governance: Governance; catalog: Catalog } | undefined;

  private constructor(private readonly parsers: Parsers) {}

  static async create(loadWasm: WasmLoader): Promise<Engine> {
    return new Engine(await Parsers.create(loadWasm, [...new Set(ADAPTERS.flatMap((a) => a.grammars))]));
  }

  /** Reads a governance manifest; with no file, the built-in default governance. */
  governance(file: SourceFile | undefined): GovernanceResult {
    if (!file) return { governance: DEFAULT_GOVERNANCE, findings: [], broken: false };
    if (file.text.trim() === '') return { governance: { ...DEFAULT_GOVERNANCE, path: file.path }, findings: [], broken: false };
    const result = loadGovernance(file);
    // A manifest is a file like any other: a secret pasted into it is still a secret.
    return { ...result, findings: [...result.findings, ...literalFindings(file.path, file.text, 'a manifest', { classes: ['secret'] })] };
  }

  /** Findings for one file (code, prompt template or config) under the given governance. */
  analyzeFile(file: SourceFile, governance: Governance, settings: Settings = DEFAULT_SETTINGS): FileResult {
    const none: FileResult = { findings: [], notes: [], waivers: [] };
    if (!settings.enable) return none;
    const skipped = skipReason(file.text);
    if (skipped) return { ...none, notes: [{ path: file.path, message: skipped }] };
    const adapter = adapterFor(file.path);
    if (adapter) return this.analyzeCode(file, adapter, governance, settings);
    if (isPromptTemplate(file.path)) {
      const findings = [
        ...checkPromptTemplate(file.path, file.text, this.catalog(governance), governance),
        ...literalFindings(file.path, file.text, 'a prompt template', { placeholderFix: true }),
      ];
      return this.finish(file, undefined, findings, governance, settings, { open: '{#', close: '#}' });
    }
    if (isConfig(file.path)) {
      return this.finish(file, undefined, literalFindings(file.path, file.text, 'a config file'), governance, settings, { open: '#' });
    }
    return none;
  }

  private analyzeCode(file: SourceFile, adapter: LanguageAdapter, governance: Governance, settings: Settings): FileResult {
    const tree = this.parsers.parse(adapter.grammarFor(file.path), file.text, PARSE_BUDGET_MS);
    if (!tree) return { findings: [], waivers: [], notes: [{ path: file.path, message: `not analysed: parsing took longer than ${PARSE_BUDGET_MS} ms` }] };
    try {
      const walker = new FlowWalker(adapter.dialect, this.catalog(governance), redactionFor(governance, adapter.id));
      walker.walk(tree.rootNode, new Map());
      const ctx: FileContext = { path: file.path, text: file.text, tree, lines: new LineIndex(file.text), adapter, governance };
      const literals = adapter.literals(tree).map((l) => ({ offset: l.node.startIndex, length: l.node.endIndex - l.node.startIndex }));
      const findings = [
        ...FLOW_RULES.flatMap((rule) => flowFindings(rule, ctx, walker.flows)),
        // Secrets anywhere in the file, comments included; personal data only in string literals.
        ...literalFindings(file.path, file.text, 'code', { classes: ['secret'] }),
        ...literalFindings(file.path, file.text, 'code', { classes: ['pii'], regions: literals }),
      ];
      return this.finish(file, tree, findings, governance, settings, { open: adapter.lineComment });
    } catch (err) {
      // A bug in a rule must cost one file's findings, never the whole run.
      return { findings: [], waivers: [], notes: [{ path: file.path, message: `not analysed: internal error (${err instanceof Error ? err.message : 'unknown'})` }] };
    } finally {
      tree.delete();
    }
  }

  /** Adds the waiver fix to every finding, then applies the file's waivers. */
  private finish(file: SourceFile, tree: Tree | undefined, findings: Finding[], governance: Governance, settings: Settings, comment: { open: string; close?: string }): FileResult {
    const day = today(settings);
    const withWaiverFix = findings.map((f) => ({ ...f, fixes: [...f.fixes, waiverFix(file.text, f, comment, governance, day)] }));
    const waived = applyWaivers(file.path, file.text, tree, withWaiverFix, governance, { today: day, inline: settings.inlineWaivers !== false });
    return { findings: waived.findings, notes: [], waivers: waived.waivers };
  }

  /** Checks a whole set of files: the governance manifest among them applies to the rest. */
  analyze(files: readonly SourceFile[], settings: Settings = DEFAULT_SETTINGS): WorkspaceResult {
    const manifest = files.find((f) => isGovernanceManifest(f.path, settings));
    const gov = this.governance(manifest);
    const findings: Finding[] = [...gov.findings];
    const notes: Note[] = [];
    const waivers: Waiver[] = [];
    if (manifest && manifest.text.trim() === '') notes.push({ path: manifest.path, message: 'empty governance manifest: the built-in default applies' });
    for (const file of files) {
      if (file === manifest) continue;
      const r = this.analyzeFile(file, gov.governance, settings);
      findings.push(...r.findings);
      notes.push(...r.notes);
      waivers.push(...r.waivers);
    }
    return { findings, notes, waivers, governance: gov.governance, configurationBroken: gov.broken };
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
