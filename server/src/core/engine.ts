import { Budget } from './budget';
import { loadGovernance, type GovernanceResult } from './governance/load';
import { DEFAULT_GOVERNANCE, type Governance } from './governance/model';
import type { LanguageAdapter } from './languages/adapter';
import { adapterFor, languageById as adapterForLanguage, LANGUAGES } from './languages/registry';
import { customFlow } from './languages/custom';
import { python } from './languages/python';
import { FlowWalker, MAX_FLOWS, type CachedDefinition, type ModuleStep } from './languages/flow';
import { fitsPlan, hotCounts, hotPlan } from './languages/hot';
import { linksOf, SummaryIndex, tableKey, usageIn, type ModuleHost } from './languages/modules/summary-index';
import { keptImports, type Imports, type ImportsBasis } from './languages/modules/kept-imports';
import { isWarm } from './languages/modules/warm';
import type { FunctionSummary } from './languages/summaries';
import { IncrementalDocument, type Walked } from './incremental/document';
import { FinishMemo, stillWithout } from './incremental/finish-memo';
import { Parsers, type Tree, type WasmLoader } from './languages/parsers';
import { fileKindOf, isGovernanceManifest, isWorkspaceFile } from './files/kinds';
import type { Declaration } from './manifests/load';
import type { ManifestIndex } from './ide/navigate';
import { WorkspaceCache, type WorkspaceModel } from './lineage/workspace';
import type { LineageGraph } from './lineage/graph';
import { templateComment } from './prompts/template';
import { flowFindings, redactionFor, type FileContext } from './rules/flow-findings';
import {
  assignedCredentials,
  boundLiteralFindings,
  literalFindings,
  literalTuning,
  withoutAllowed,
} from './rules/literal-findings';
import { FLOW_RULES, rulesFor } from './rules/registry';
import { Catalog } from './sensitivity/catalog';
import { LineIndex, LineIndexes } from './text';
import {
  DEFAULT_SETTINGS,
  type ArtifactLookup,
  type Finding,
  type Note,
  type Settings,
  type SourceFile,
  type Waiver,
} from './types';
import { applyWaivers, waiverFixer } from './waivers';
import { ANNOTATION_MARKER } from './annotation-marker';
import { withFingerprints } from './fingerprint';
import { masked, maskedNote } from './safe';
import { notFullyAnalysedFinding, shortfallOf, type Shortfall } from './rules/not-fully-analysed';
import { analyzeCells, notebookFileFindings, type CellSource, type CellsResult } from './notebooks/analyze';
import { MAX_NOTEBOOK_CHARS, parseNotebook } from './notebooks/notebook';
import { datasetFormatOf, isJsonRecords } from './datasets/format';
import {
  profileSample,
  summarizeProfile,
  type DataContent,
  type DataContents,
  type ProfileSummary,
} from './datasets/profile';
import { LineageDataFiles, type FolderLister } from './lineage/data-files';
import { folderOf } from './lineage/contribute';
import { DatasetScanner, type DatasetSample } from './datasets/sample';
import { trainingFileFindings } from './rules/sensitive-data-in-training-file';
import { undeclaredDataFindings } from './rules/undeclared-data';

export { LANGUAGES, adapterFor } from './languages/registry';
export { isAnalysable, isDatasetPath, isGovernanceManifest } from './files/kinds';

/** Source files larger than this are not analysed; a CG005 finding says so. */
export const MAX_SOURCE_CHARS = 2 * 1024 * 1024;
/** Time one file's parse may take before it is abandoned (CG005); literal secrets are still reported. */
export const PARSE_BUDGET_MS = 2000;
/**
 * Time one file's whole analysis may take, parse included. Past it the analysis stops with a
 * CG005 finding and keeps what it found. It is generous, so that a busy CI machine does not
 * turn an ordinary file into a finding; it exists to bound hostile input.
 */
export const FILE_BUDGET_MS = 10_000;
/**
 * The part of a file's budget the modules it imports may take. Past it, the helpers not yet
 * summarised are calls like any other: the file's own analysis keeps the rest.
 */
const IMPORTS_BUDGET_SHARE = 0.25;
/** Open documents whose tree and flows are kept for fast re-analysis; the oldest is dropped. */
const MAX_RETAINED = 32;

/** What is kept of an open document between analyses. */
interface Retained {
  readonly text: string;
  readonly grammar: string;
  readonly tree: Tree;
  readonly catalog: Catalog;
  readonly definitions: Map<string, CachedDefinition>;
  /** What an edit inside one definition needs to re-analyse that definition alone. */
  /** Absent when the file's summaries are not a fixed point: an edit then walks the whole file again. */
  readonly incremental?: IncrementalDocument;
  /**
   * The imported summaries the file was analysed with and their `tableKey` ('' for none): an
   * edit is analysed incrementally only while the imports of its new text read the same.
   */
  readonly imported?: Imports;
  /** What finishing its findings worked out, for the next version of its text. */
  readonly finished: FinishMemo;
}

export interface EngineOptions {
  /** Overrides `FILE_BUDGET_MS` (tests use a small budget to reach it on small inputs). */
  readonly fileBudgetMs?: number;
}

export interface AnalyzeOptions {
  /**
   * Keep this file's syntax tree and per-definition results, so that analysing the next
   * version re-parses incrementally and re-walks only what changed. For documents open in an
   * editor; release them with `Engine.release`.
   */
  readonly retain?: boolean;
  /**
   * The workspace's other files, for following calls into the modules this file imports. Without
   * it, a call to an imported helper is a call like any other.
   */
  readonly modules?: ModuleHost;
  /** For a data file: what the workspace's lineage declares (`dataLineage`), which decides CG405. */
  readonly lineage?: Pick<LineageDataFiles, 'declaredBy'>;
  /**
   * The file's path as `modules` names paths, when the file's own path is another kind of name
   * (the language server names a document by its URI, its modules relative to the folder).
   */
  readonly modulePath?: string;
}

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

/**
 * The governance in force without a manifest, one object: the language server names a
 * result's governance by its identity, so a folder with no manifest keeps its result ids.
 */
const NO_MANIFEST: GovernanceResult = Object.freeze({
  governance: DEFAULT_GOVERNANCE,
  findings: Object.freeze([]) as unknown as Finding[],
  broken: false,
});

/** The CG005 finding for a file a shell could not hand to the core at all (too large, not text). */
export function notAnalysed(path: string, shortfall: Shortfall): Finding {
  return masked(withFingerprints(path, '', [notFullyAnalysedFinding(path, shortfall, false)]))[0];
}

function today(settings: Settings): string {
  return settings.today ?? new Date().toISOString().slice(0, 10);
}

/**
 * The analysis core's single entry point, shared by the language server and the CLI. It reads
 * nothing from disk and never throws on bad input: a broken file becomes a finding or a note.
 */
export class Engine {
  /**
   * One catalog per governance in use: a server with several folders, each with its own
   * manifest, keeps each folder's catalog. A governance that is no longer held (its manifest
   * was edited) takes its catalog with it.
   */
  private readonly catalogs = new WeakMap<Governance, Catalog>();
  private readonly retained = new Map<string, Retained>();
  private readonly workspace = new WorkspaceCache();
  /** The workspace's summaries across files, per governance (its catalog and redaction decide them). */
  private readonly summaryIndexes = new WeakMap<Governance, SummaryIndex>();
  private readonly fileBudgetMs: number;

  private constructor(
    private readonly parsers: Parsers,
    options: EngineOptions,
  ) {
    this.fileBudgetMs = options.fileBudgetMs ?? FILE_BUDGET_MS;
  }

  static async create(loadWasm: WasmLoader, options: EngineOptions = {}): Promise<Engine> {
    return new Engine(await Parsers.create(loadWasm), options);
  }

  /** Compiles every language's grammars in the background, once (a server does this at start-up). */
  prepareGrammars(): Promise<void> {
    return (this.grammarsPrepared ??= this.parsers.prepare([...new Set(LANGUAGES.flatMap((a) => a.grammars))]));
  }

  private grammarsPrepared?: Promise<void>;

  /** Reads a governance manifest; with no file, the built-in default governance. */
  governance(file: SourceFile | undefined): GovernanceResult {
    if (!file) return NO_MANIFEST;
    // A check reads the same manifest for each of its tasks, several times each: one result (one
    // Governance object) lets the catalog, policies and summaries built for it serve them all.
    const last = this.lastGovernance;
    if (last?.path === file.path && last.text === file.text) return last.result;
    const result = this.readGovernance(file);
    this.lastGovernance = { path: file.path, text: file.text, result };
    return result;
  }

  private lastGovernance?: { readonly path: string; readonly text: string; readonly result: GovernanceResult };

  private readGovernance(file: SourceFile): GovernanceResult {
    if (file.text.trim() === '')
      return { governance: { ...DEFAULT_GOVERNANCE, path: file.path }, findings: [], broken: false };
    const { doc, value, ...result } = loadGovernance(file);
    const checked = doc
      ? rulesFor('manifest').flatMap((rule) =>
          rule.manifest!({
            path: file.path,
            text: file.text,
            kind: 'governance',
            doc,
            value,
            governance: result.governance,
          }),
        )
      : [];
    // A manifest is a file like any other: a secret pasted into it is still a secret.
    const findings = [
      ...result.findings,
      ...checked,
      ...literalFindings(file.path, file.text, 'a manifest', { classes: ['secret'] }),
    ];
    return {
      ...result,
      broken: result.broken || checked.some((f) => f.severity === 'error'),
      findings: masked(withFingerprints(file.path, file.text, findings)),
    };
  }

  /** Findings for one file (code, prompt template or config) under the given governance. */
  analyzeFile(
    file: SourceFile,
    governance: Governance,
    settings: Settings = DEFAULT_SETTINGS,
    options: AnalyzeOptions = {},
  ): FileResult & { readonly content?: DataContent } {
    const none: FileResult = { findings: [], notes: [], waivers: [] };
    if (!settings.enable) return none;
    if (file.text.length === 0) return { ...none, notes: [{ path: file.path, message: 'skipped: empty file' }] };
    // Alone, a file is read as what it is by itself: manifests and formats are read together in `manifestFindings`.
    const kind = fileKindOf(file.path, file.text, settings, ['file']);
    // A notebook is JSON around code, text and outputs, with its own size bound (images make it large).
    if (kind?.kind === 'notebook') return this.analyzeNotebookFile(file, governance, settings, options.modules);
    // A data file held as text (an open document, a small file) is sampled like a streamed one.
    const data = datasetFormatOf(file.path);
    if (
      (data && !data.compression && data.format !== 'parquet') ||
      (/\.json$/i.test(file.path) && isJsonRecords(file.text))
    ) {
      const scanner = new DatasetScanner(
        data?.format === 'jsonl' || data?.format === 'csv' || data?.format === 'tsv' ? data.format : 'json',
      );
      scanner.push(new TextEncoder().encode(file.text));
      return this.analyzeDataset(file.path, scanner.finish(), governance, settings, undefined, options.lineage);
    }
    const skipped = skipReason(file.text);
    // A file too large or too strange to read is a finding, so that it cannot slip through a check unseen.
    if (skipped)
      return {
        ...none,
        findings: masked(withFingerprints(file.path, '', [notFullyAnalysedFinding(file.path, skipped, false)])),
      };
    if (kind?.kind === 'code')
      return this.analyzeCode(
        file,
        kind.adapter,
        governance,
        settings,
        options.retain === true,
        options.modules,
        options.modulePath,
      );
    if (kind?.kind === 'prompt-template') {
      const literals = literalFindings(file.path, file.text, 'a prompt template', {
        placeholderFix: true,
        tuning: literalTuning(governance),
      });
      const comment = templateComment(file.path);
      try {
        const ctx = { ...file, kind: 'prompt-template' as const, governance, catalog: this.catalog(governance) };
        const findings = [...rulesFor('file').flatMap((rule) => rule.file!(ctx)), ...literals];
        return this.finish(file, undefined, findings, governance, settings, comment);
      } catch (err) {
        return this.shortOf(file, literals, shortfallOf(err), governance, settings, comment);
      }
    }
    if (kind?.kind === 'config') {
      // JSON has no comments, so no waiver can be written there.
      const comment = /\.jsonc?$/i.test(file.path) ? undefined : { open: '#' };
      const ctx = { ...file, kind: 'config' as const, governance, catalog: this.catalog(governance) };
      return this.finish(
        file,
        undefined,
        [
          ...literalFindings(file.path, file.text, 'a config file', { tuning: literalTuning(governance) }),
          ...rulesFor('file').flatMap((rule) => rule.file!(ctx)),
        ],
        governance,
        settings,
        comment,
      );
    }
    return none;
  }

  /**
   * A notebook's cells as an editor holds them (notebook document sync): the code cells are one
   * Python program when `language` is Python, the other cells are read for literals. Findings
   * and fixes are placed in their cells, spans relative to each cell's text.
   */
  analyzeNotebook(
    path: string,
    cells: readonly CellSource[],
    language: string,
    governance: Governance,
    settings: Settings = DEFAULT_SETTINGS,
    options: AnalyzeOptions = {},
  ): CellsResult {
    if (!settings.enable) return { findings: [], waivers: [] };
    return analyzeCells(path, cells, language, governance, (program) =>
      this.analyzeProgram(program, governance, settings, options.retain === true, options.modules),
    );
  }

  private analyzeNotebookFile(
    file: SourceFile,
    governance: Governance,
    settings: Settings,
    modules?: ModuleHost,
  ): FileResult {
    const none: FileResult = { findings: [], notes: [], waivers: [] };
    if (file.text.length > MAX_NOTEBOOK_CHARS)
      return { ...none, findings: [notAnalysed(file.path, { cause: 'size', limit: '64 MiB' })] };
    const notebook = parseNotebook(file.text);
    if (!notebook) {
      // Not a notebook after all: its secrets are still found in the text.
      const secrets = literalFindings(file.path, file.text, 'a notebook cell', { classes: ['secret'] });
      const why = notFullyAnalysedFinding(file.path, { cause: 'binary', detail: 'not nbformat 4 JSON' }, true);
      return { ...none, findings: masked(withFingerprints(file.path, file.text, [...secrets, why])) };
    }
    const result = notebookFileFindings(file, notebook, governance, (program) =>
      this.analyzeProgram(program, governance, settings, false, modules),
    );
    return { ...result, notes: [] };
  }

  /**
   * A notebook's code cells as one Python program. Its path is the notebook's, so that its
   * imports resolve from the notebook's folder, as the kernel started there finds them.
   */
  private analyzeProgram(
    program: SourceFile,
    governance: Governance,
    settings: Settings,
    retain: boolean,
    modules?: ModuleHost,
  ): FileResult {
    const skipped = skipReason(program.text);
    if (skipped)
      return {
        findings: masked(withFingerprints(program.path, '', [notFullyAnalysedFinding(program.path, skipped, false)])),
        notes: [],
        waivers: [],
      };
    return this.analyzeCode(program, python, governance, settings, retain, modules);
  }

  /**
   * A data file's profile summary (counts per field, kinds, never a value) under `governance`:
   * what hovers on a data file and the lineage graph's dataset nodes show.
   */
  datasetSummary(sample: DatasetSample, governance: Governance): ProfileSummary {
    const tuning = literalTuning(governance);
    const profile = profileSample(sample, this.catalog(governance), {
      allowedEmailDomains: tuning.allowedEmailDomains,
    });
    return summarizeProfile(profile, sample);
  }

  /**
   * Findings for a training data file from a sample of its records (read by a shell, streamed
   * and bounded, or from a text): one per sensitive field, counts and kinds only.
   */
  analyzeDataset(
    path: string,
    sample: DatasetSample,
    governance: Governance,
    settings: Settings = DEFAULT_SETTINGS,
    /** The governance manifest's text, for the fix that declares a field (CG404 is reported on it). */
    governanceText?: string,
    /** What the workspace's lineage declares (`dataLineage`): a declared stage output is no CG405 candidate. */
    lineage?: Pick<LineageDataFiles, 'declaredBy'>,
  ): FileResult & { readonly content?: DataContent } {
    if (!settings.enable) return { findings: [], notes: [], waivers: [] };
    const tuning = literalTuning(governance);
    const catalog = this.catalog(governance);
    const profile = profileSample(sample, catalog, { allowedEmailDomains: tuning.allowedEmailDomains });
    const { findings, notes } = trainingFileFindings(path, profile, sample, tuning);
    const checked = undeclaredDataFindings(path, profile, sample, governance, catalog, governanceText, lineage);
    const own = withFingerprints(
      path,
      sample.headText,
      checked.filter((f) => f.path === path),
    );
    const onManifest = withFingerprints(
      governance.path ?? '',
      governanceText ?? '',
      checked.filter((f) => f.path !== path),
    );
    return {
      findings: masked(withoutAllowed([...findings, ...own, ...onManifest], tuning.allowFingerprints)),
      notes: notes.map(maskedNote),
      waivers: [],
      content: { profile, total: sample.total, exact: sample.exact },
    };
  }

  /**
   * The result of a file whose analysis stopped short: the findings it has (literal secrets
   * at least, found from the text alone) and the CG005 finding that says why it stopped.
   */
  /** A flow walker for a file of this language under this governance, given the summaries it imports. */
  private walkerFor(
    adapter: LanguageAdapter,
    catalog: Catalog,
    governance: Governance,
    budget: Budget,
    imported: Parameters<FlowWalker['give']>[0] | undefined,
    modulePath: string | undefined,
  ): FlowWalker {
    const walker = new FlowWalker(
      adapter.dialect,
      catalog,
      redactionFor(governance, adapter.id),
      budget,
      customFlow(governance, adapter.id),
    );
    if (imported) walker.give(imported, modulePath);
    return walker;
  }

  private shortOf(
    file: SourceFile,
    kept: Finding[],
    shortfall: Shortfall,
    governance: Governance,
    settings: Settings,
    comment: { open: string; close?: string } | undefined,
  ): FileResult {
    const findings = [...kept, notFullyAnalysedFinding(file.path, shortfall, true)];
    try {
      return this.finish(file, undefined, findings, governance, settings, comment);
    } catch {
      // Waivers could not be read either: report everything, waived or not.
      return { findings: masked(withFingerprints(file.path, file.text, findings)), notes: [], waivers: [] };
    }
  }

  /** Forgets what was retained for a file (its document was closed). */
  release(path: string): void {
    const kept = this.retained.get(path);
    kept?.incremental?.dispose();
    kept?.tree.delete();
    this.retained.delete(path);
  }

  private analyzeCode(
    file: SourceFile,
    adapter: LanguageAdapter,
    governance: Governance,
    settings: Settings,
    retain: boolean,
    modules?: ModuleHost,
    modulePath = file.path,
  ): FileResult {
    const budget = new Budget(this.fileBudgetMs);
    const catalog = this.catalog(governance);
    const tuning = literalTuning(governance);
    const fast = retain
      ? this.incrementally(file, adapter, governance, settings, catalog, budget, modules, modulePath)
      : undefined;
    if (fast) return fast;
    // One read of the file for the prefilter and the secret detectors' anchors (catalog.ts).
    const first = catalog.firstPass(file.text);
    // Secrets anywhere in the file, comments included; personal data only in string literals.
    const secrets = literalFindings(file.path, file.text, 'code', {
      classes: ['secret'],
      tuning,
      anchorsHeld: first.holds,
    });
    const piiCandidates = literalFindings(file.path, file.text, 'code', { classes: ['pii'], tuning });
    // The cheap test first: most files name nothing sensitive and need no syntax tree at all,
    // unless they import a name from a workspace module that does (a warm file).
    if (
      !first.named &&
      piiCandidates.length === 0 &&
      !first.annotated &&
      !(modules && isWarm(adapter.id, file.path, file.text, modules, catalog.prefilter))
    ) {
      this.release(file.path);
      // Nothing found and no annotation to read: most files of a scan end here.
      if (secrets.length === 0) return { findings: [], notes: [], waivers: [] };
      return this.finish(file, undefined, secrets, governance, settings, { open: adapter.lineComment });
    }
    const grammar = adapter.grammarFor(file.path);
    const previous = retain ? this.retained.get(file.path) : undefined;
    const reusable = previous?.grammar === grammar ? previous : undefined;
    // Kept by the text of each definition, which reads the same under the same grammar.
    const finished = reusable?.finished ?? new FinishMemo();
    const parseBudget = Math.min(PARSE_BUDGET_MS, budget.remaining());
    // A scan parses only the definitions the walk can read (see hot.ts); the editor keeps whole trees.
    let plan = retain ? undefined : hotPlan(grammar, file.text, catalog.prefilter, [...secrets, ...piiCandidates]);
    let tree = this.parsers.parse(grammar, file.text, parseBudget, reusable, plan?.ranges);
    if (plan && tree && !fitsPlan(plan, tree.rootNode)) {
      tree.delete();
      hotCounts.fallbacks++;
      plan = undefined;
      tree = this.parsers.parse(grammar, file.text, Math.min(PARSE_BUDGET_MS, budget.remaining()));
    }
    // The previous tree was edited in place for the re-parse: it is of no further use.
    this.release(file.path);
    const comment = { open: adapter.lineComment };
    // Without a tree, the secrets found in the text are still the file's findings.
    // The message names the limit that was reached: the parse's own, or what the file's budget had left.
    const limit = parseBudget < PARSE_BUDGET_MS ? budget.ms : PARSE_BUDGET_MS;
    const parseCutShort = () =>
      this.shortOf(file, secrets, { cause: 'time', budgetMs: limit, during: 'parsing' }, governance, settings, comment);
    if (!tree) return parseCutShort();
    let keep = false;
    try {
      const imports = modules
        ? this.importedSummaries(modulePath, file.text, adapter, tree, governance, modules, budget)
        : undefined;
      const walkerOf = () => this.walkerFor(adapter, catalog, governance, budget, imports?.table, modulePath);
      let walker = walkerOf();
      const steps: ModuleStep[] | undefined = retain ? [] : undefined;
      let definitions = walker.walkModule(
        tree.rootNode,
        catalog.prefilter,
        reusable?.catalog === catalog ? reusable.definitions : undefined,
        steps,
        plan?.cold,
      );
      if (walker.needsFull) {
        // A definition left out would have been walked: the whole file is parsed and walked after all.
        hotCounts.fallbacks++;
        tree.delete();
        const full = this.parsers.parse(grammar, file.text, Math.min(PARSE_BUDGET_MS, budget.remaining()));
        if (!full) {
          tree = undefined;
          return parseCutShort();
        }
        tree = full;
        walker = walkerOf();
        definitions = walker.walkModule(tree.rootNode, catalog.prefilter);
      }
      // A walk the budget cut short is not kept for the next edit: what it left unread must be read then.
      if (retain && !walker.stopped) {
        // Summaries that still changed in the last round are not what an edit's re-summarising would settle on.
        const incremental = walker.summariesSettled
          ? IncrementalDocument.after(file.text, tree, steps!, walker, secrets, piiCandidates)
          : undefined;
        this.retained.set(file.path, {
          text: file.text,
          grammar,
          tree,
          catalog,
          definitions,
          incremental,
          imported: imports,
          finished,
        });
        keep = true;
        if (this.retained.size > MAX_RETAINED) this.release(this.retained.keys().next().value!);
        finished.begin(file.text, incremental && ((offset) => incremental.definitionAt(offset)));
      }
      return this.codeResult(
        file,
        adapter,
        governance,
        settings,
        tree,
        walker,
        secrets,
        piiCandidates,
        budget,
        keep ? finished : undefined,
      );
    } catch (err) {
      // A bug in a rule, or nesting deeper than a library can follow, costs the file's flow
      // findings, never its literal secrets and never the run.
      return this.shortOf(file, secrets, shortfallOf(err), governance, settings, comment);
    } finally {
      if (!keep) tree?.delete();
    }
  }

  /**
   * The summaries of the functions a file imports from other workspace modules, by the callee
   * as its calls write it; undefined when it imports none.
   */
  private importedSummaries(
    path: string,
    text: string,
    adapter: LanguageAdapter,
    tree: Tree,
    governance: Governance,
    modules: ModuleHost,
    budget: Budget,
    /** The links, as read before an edit that left them as they were, and the names the new text uses. */
    given?: { readonly basis: ImportsBasis; readonly usage: readonly boolean[] },
  ): Imports {
    // What is asked of the host is noted, so that an edit which touches no import can reuse the result.
    const reads = new Set<string>(given?.basis.linkReads ?? []);
    const host: ModuleHost = {
      read: (p) => {
        reads.add(p);
        return modules.read(p);
      },
    };
    const revision = modules.revision;
    const links = given?.basis.links ?? linksOf(adapter.id, tree.rootNode, path, host);
    const linkReads = [...reads];
    const usage = given?.usage ?? usageIn(links, text);
    const outcome = { complete: true };
    let table: Map<string, FunctionSummary> | undefined;
    if (links.imports.length > 0) {
      let index = this.summaryIndexes.get(governance);
      if (!index) this.summaryIndexes.set(governance, (index = new SummaryIndex()));
      const catalog = this.catalog(governance);
      // The imported modules get a share of the file's budget, so that reading them never costs the file its own findings.
      const share = new Budget(Math.min(budget.remaining(), budget.ms * IMPORTS_BUDGET_SHARE));
      table = index.imported(
        path,
        text,
        links,
        host,
        {
          parse: (grammar, text) => this.parsers.parse(grammar, text, Math.min(PARSE_BUDGET_MS, share.remaining())),
          walker: (language) =>
            new FlowWalker(
              (adapterForLanguage(language) ?? adapter).dialect,
              catalog,
              redactionFor(governance, language),
              share,
              customFlow(governance, language),
            ),
        },
        outcome,
        usage,
      );
    }
    const basis =
      revision !== undefined && outcome.complete ? { links, linkReads, usage, reads: [...reads], revision } : undefined;
    return { table, key: table ? tableKey(table) : '', basis };
  }

  /**
   * The fast path for an open document: when the edit since its last analysis lies inside one
   * top-level definition, that definition alone is parsed, walked and scanned again, and the
   * rest of the file's flows and literals are moved by the edit. Undefined when it does not
   * apply; the full analysis then runs.
   */
  private incrementally(
    file: SourceFile,
    adapter: LanguageAdapter,
    governance: Governance,
    settings: Settings,
    catalog: Catalog,
    budget: Budget,
    modules: ModuleHost | undefined,
    modulePath: string,
  ): FileResult | undefined {
    const kept = this.retained.get(file.path);
    const grammar = adapter.grammarFor(file.path);
    if (!kept?.incremental || kept.grammar !== grammar || kept.catalog !== catalog) return undefined;
    // Kept without a module host (or with one), the imports were read otherwise than they are now.
    if ((modules === undefined) !== (kept.imported === undefined)) return undefined;
    const tuning = literalTuning(governance);
    const walked = kept.incremental.update(file.text, {
      parsers: this.parsers,
      grammar,
      prefilter: catalog.prefilter,
      walker: () => this.walkerFor(adapter, catalog, governance, budget, kept.imported?.table, modulePath),
      literals: (text, cls, region) =>
        literalFindings(file.path, text, 'code', { classes: [cls], tuning, regions: [region] }),
    });
    if (!walked) {
      // An update applied in part leaves a tree that follows the new text: it cannot be re-parsed from.
      if (kept.incremental.spoiled) this.release(file.path);
      return undefined;
    }
    let imported = kept.imported;
    if (modules && kept.imported) {
      // The update walked with the summaries the old text imported. If the new text imports
      // others (an import line edited, a helper changed on disk or in an editor), the result is
      // not what a fresh analysis finds: the whole file is analysed again from scratch. An edit
      // that touches no import, no use of an imported name and no module keeps them as they were.
      const edit = kept.incremental.lastEdit;
      const reuse = keptImports(kept.imported, edit, adapter.id, modulePath, kept.text, file.text, modules);
      const now =
        reuse && 'same' in reuse
          ? reuse.same
          : this.importedSummaries(
              modulePath,
              file.text,
              adapter,
              kept.incremental.view,
              governance,
              modules,
              budget,
              reuse,
            );
      if (now.key !== kept.imported.key) {
        this.release(file.path);
        return undefined;
      }
      imported = now;
    }
    // A file that no longer needs a tree at all is analysed as a fresh one would be.
    if (
      !catalog.prefilter.test(file.text) &&
      walked.piiCandidates.length === 0 &&
      !file.text.includes(ANNOTATION_MARKER)
    ) {
      this.release(file.path);
      return undefined;
    }
    // Most recently used last, as the eviction of the oldest expects.
    this.retained.delete(file.path);
    this.retained.set(file.path, { ...kept, text: file.text, imported });
    const incremental = kept.incremental;
    const tree = incremental.view;
    const edit = incremental.lastEdit;
    kept.finished.begin(file.text, (offset) => incremental.definitionAt(offset), edit && { before: kept.text, edit });
    try {
      return this.codeResult(
        file,
        adapter,
        governance,
        settings,
        tree,
        walked,
        walked.secrets,
        walked.piiCandidates,
        budget,
        kept.finished,
      );
    } catch (err) {
      return this.shortOf(file, walked.secrets, shortfallOf(err), governance, settings, { open: adapter.lineComment });
    }
  }

  /** A code file's findings from its tree, its flows and its literal findings. */
  private codeResult(
    file: SourceFile,
    adapter: LanguageAdapter,
    governance: Governance,
    settings: Settings,
    tree: Tree,
    walker: Pick<Walked, 'flows' | 'literalAssignments'> & { readonly stoppedBy?: FlowWalker['stoppedBy'] },
    secrets: Finding[],
    piiCandidates: Finding[],
    budget: Budget,
    /** What finishing the last version of an open document worked out, begun for this text. */
    memo?: FinishMemo,
  ): FileResult {
    const catalog = this.catalog(governance);
    const tuning = literalTuning(governance);
    const comment = { open: adapter.lineComment };
    {
      const inBrowser = adapter.runsInBrowser;
      const unchanged = adapter.runsInBrowserUnchanged;
      const ctx: FileContext = {
        path: file.path,
        text: file.text,
        tree,
        lines: LineIndex.of(file.text),
        adapter,
        governance,
        ...(memo && inBrowser && unchanged && { runsInBrowser: () => memo.wholeText('browser', inBrowser, unchanged) }),
      };
      const isCredential = (name: string) => catalog.classify(name)?.category === 'credential';
      const findings = [
        ...FLOW_RULES.flatMap((rule) => flowFindings(rule, ctx, walker.flows)),
        ...secrets,
        // A credential-named variable given a literal, unless a token pattern already found it.
        ...assignedCredentials(file.path, walker.literalAssignments, isCredential, tuning).filter(
          (f) => !secrets.some((s) => s.span.offset >= f.span.offset && s.span.offset < f.span.offset + f.span.length),
        ),
        ...piiCandidates.filter((f) => adapter.isInLiteral(tree, f.span.offset)),
        // The flows found before the budget ran out are real; the finding says the rest was not read.
        ...(walker.stoppedBy === 'time'
          ? [notFullyAnalysedFinding(file.path, { cause: 'time', budgetMs: budget.ms, during: 'analysis' }, true)]
          : []),
        ...(walker.stoppedBy === 'flows'
          ? [notFullyAnalysedFinding(file.path, { cause: 'findings', limit: MAX_FLOWS }, true)]
          : []),
      ];
      return this.finish(file, tree, findings, governance, settings, comment, adapter, memo);
    }
  }

  /** Adds the waiver fix to every finding, then applies the file's waivers. */
  private finish(
    file: SourceFile,
    tree: Tree | undefined,
    findings: Finding[],
    governance: Governance,
    settings: Settings,
    comment: { open: string; close?: string } | undefined,
    adapter?: LanguageAdapter,
    /** An open document's memo, begun for this text: what its unchanged definitions gave before. */
    memo?: FinishMemo,
  ): FileResult {
    const day = today(settings);
    // Bounded first, so that a data dump's thousands of values cost nothing further.
    findings = boundLiteralFindings(findings, governance.literals?.maxPerFile);
    const lines = findings.length > 0 && comment ? LineIndex.of(file.text) : undefined;
    // A comment line cannot go where the line above starts inside a string (a docstring, a template literal).
    const annotatable = (start: number) => !adapter!.isInLiteral(tree!, start);
    const canAnnotate = (f: Finding) => {
      if (!tree || !adapter) return true;
      const start = lines!.lineStart(lines!.position(f.span.offset).line);
      return memo ? memo.annotatable(start, () => annotatable(start)) : annotatable(start);
    };
    const crlf = memo?.wholeText('crlf', (t) => t.includes('\r\n'), stillWithout('\r\n'));
    const fixer =
      lines && comment
        ? waiverFixer(file.text, lines, comment, governance, day, crlf === undefined ? undefined : crlf ? '\r\n' : '\n')
        : undefined;
    const withWaiver = (f: Finding): Finding => {
      const fix = canAnnotate(f) ? fixer!(f) : undefined;
      return fix ? { ...f, fixes: [...f.fixes, fix] } : f;
    };
    const withWaiverFix = fixer ? findings.map(withWaiver) : findings;
    // A text with no annotation has no waivers to read: the memo knows without reading the text again.
    const waived =
      memo?.wholeText('annotations', (t) => t.includes(ANNOTATION_MARKER), stillWithout(ANNOTATION_MARKER)) === false
        ? { findings: withWaiverFix, waivers: [] }
        : applyWaivers(file.path, file.text, tree, withWaiverFix, governance, {
            today: day,
            inline: settings.inlineWaivers !== false,
          });
    const allowed = withoutAllowed(
      withFingerprints(
        file.path,
        file.text,
        waived.findings,
        memo && ((f, line, compute) => memo.fingerprint(f.ruleId, f.span, line, compute)),
      ),
      literalTuning(governance).allowFingerprints,
    );
    memo?.end();
    return { findings: masked(allowed), notes: [], waivers: waived.waivers };
  }

  /**
   * Pipeline and model manifests, checked together: each file's syntax and schema findings,
   * and the workspace-wide ones (references to undeclared ids, duplicate ids), by path.
   */
  manifestFindings(
    manifests: readonly SourceFile[],
    governance: GovernanceResult,
    governanceText?: string,
    settings: Settings = DEFAULT_SETTINGS,
    artifacts?: ArtifactLookup,
    /** Only this file's findings are wanted (an editor asking for one document): the rest is not computed. */
    only?: string,
    /** Profiled data files by path: their content is checked against redaction claims and raises tiers. */
    data?: DataContents,
  ): Map<string, Finding[]> {
    const out = new Map<string, Finding[]>();
    const wanted = (p: { path: string }) => only === undefined || p.path === only;
    const texts = new Map<string, string>(manifests.filter(wanted).map((m) => [m.path, m.text]));
    const gov = governance.governance;
    if (gov.path && governanceText !== undefined) texts.set(gov.path, governanceText);
    const model = this.workspace.model(manifests, gov, [], data);
    const day = today(settings);
    const ownManifests = model.manifests.filter(wanted);
    const ownConfigs = model.configs.filter(wanted);
    const tuning = literalTuning(gov);
    const literals = (path: string, place: 'a manifest' | 'a model card' | 'a config file') =>
      boundLiteralFindings(literalFindings(path, texts.get(path) ?? '', place, { tuning }), gov.literals?.maxPerFile);
    for (const l of ownManifests) out.set(l.path, [...l.findings, ...literals(l.path, 'a manifest')]);
    for (const c of ownConfigs)
      out.set(c.path, [
        ...c.findings,
        ...literals(c.path, c.format === 'model-card' ? 'a model card' : 'a config file'),
      ]);
    const lines = new LineIndexes((p) => texts.get(p) ?? manifests.find((m) => m.path === p)?.text);
    const lineOf = (d: Declaration) => lines.of(d.path).position(d.span.offset).line + 1;
    // Each manifest that parsed, on its own, then the workspace's files together: every rule with a check for the scope.
    const manifestRules = rulesFor('manifest');
    for (const m of ownManifests) {
      if (!m.doc) continue;
      const ctx = {
        path: m.path,
        text: texts.get(m.path) ?? '',
        kind: m.kind,
        doc: m.doc,
        value: m.value,
        governance: gov,
        artifacts,
      };
      for (const rule of manifestRules) out.get(m.path)!.push(...rule.manifest!(ctx));
    }
    const context = {
      governance: gov,
      graph: model.graph,
      // Read only by checks of the whole workspace: one document's checks read the index.
      get declarations() {
        return model.declarations;
      },
      get references() {
        return model.references;
      },
      index: model.index,
      manifests: ownManifests,
      configs: ownConfigs,
      only,
      today: day,
      data,
      textOf: (p: string) => texts.get(p) ?? '',
      lineOf,
    };
    for (const rule of rulesFor('workspace'))
      for (const f of rule.workspace!(context)) {
        // The workspace-wide checks may point into the governance manifest (a duplicate asset id).
        if (out.has(f.path)) out.get(f.path)!.push(f);
        else if (f.path === gov.path) out.set(f.path, [f]);
      }
    const configPaths = new Set<string>();
    for (const c of ownConfigs) {
      // A config is a file like code: its findings can be waived in its own comments (not JSON's).
      const comment = /\.json$/i.test(c.path)
        ? undefined
        : c.format === 'model-card'
          ? { open: '<!--', close: '-->' }
          : { open: '#' };
      const file = { path: c.path, text: texts.get(c.path) ?? '' };
      // A token written under a credential key is found twice (by its key and by its pattern): once is enough.
      const list = out.get(c.path) ?? [];
      const unique = list.filter(
        (f, i) =>
          !list.some(
            (g, j) =>
              j < i &&
              g.ruleId === f.ruleId &&
              g.span.offset < f.span.offset + f.span.length &&
              f.span.offset < g.span.offset + g.span.length,
          ),
      );
      out.set(c.path, this.finish(file, undefined, unique, gov, settings, comment).findings);
      configPaths.add(c.path);
    }
    for (const [path, list] of out)
      if (!configPaths.has(path))
        out.set(
          path,
          masked(withoutAllowed(withFingerprints(path, texts.get(path) ?? '', list), tuning.allowFingerprints)),
        );
    return out;
  }

  /**
   * The ids of the workspace's manifests: where each is declared and used, and what each
   * dataset carries, for navigation and hovers.
   */
  manifestIndex(manifests: readonly SourceFile[], governance: GovernanceResult): ManifestIndex {
    const gov = governance.governance;
    const { declarations, references, graph } = this.workspace.model(manifests, gov);
    const carried = graph.carried;
    return { declarations, references, carried, governance: gov, graph };
  }

  /**
   * The workspace's lineage graph: manifests, fine-tuning configs, DVC pipelines and model
   * cards among `files`, and the code files that read an asset's declared location.
   */
  lineage(files: readonly SourceFile[], governance: GovernanceResult, data?: DataContents): LineageGraph {
    const code = files.filter((f) => adapterFor(f.path) && f.text.length > 0 && skipReason(f.text) === undefined);
    // The model's cache remembers, per text, whether a file is a manifest or config at all.
    return this.model(
      files.filter((f) => !adapterFor(f.path)),
      governance,
      code,
      data,
    ).graph;
  }

  /**
   * The local data files the lineage of `files` knows (stage outputs' locations, configs' local
   * datasets, DVC outs, assets' file locations), as the files' paths are written: what a shell
   * reads and profiles, wherever they are, before `analyze`. URIs are never listed.
   */
  lineageDataFiles(files: readonly SourceFile[], governance: GovernanceResult, list?: FolderLister): string[] {
    return this.dataLineage(files, governance, list).files;
  }

  /**
   * The data files the lineage of `files` knows, with what declares each (a stage output's
   * location): `analyzeDataset` decides CG405 with it. With `list`, the data files inside the
   * folders the lineage names (DVC folder outs) are listed too, bounded in count and depth.
   */
  dataLineage(
    files: readonly SourceFile[],
    governance: GovernanceResult,
    list?: FolderLister,
    /** The profiled data files the last model was given, so that its graph is reused as it is. */
    data?: DataContents,
  ): LineageDataFiles {
    const gov = governance.governance;
    const manifests = files.filter((f) => f.path !== gov.path && readTogether(f));
    const graph = this.workspace.model(manifests, gov, [], data).graph;
    // A stage output named like an asset may share its id with the asset's node: every file's own nodes are read.
    const nodes = [...graph.contributions().flatMap((c) => c.nodes), ...graph.nodes.values()];
    return new LineageDataFiles(nodes, gov, gov.path ? folderOf(gov.path) : '', list);
  }

  private model(
    files: readonly SourceFile[],
    governance: GovernanceResult,
    code: readonly SourceFile[] = [],
    data?: DataContents,
  ): WorkspaceModel {
    return this.workspace.model(files, governance.governance, code, data);
  }

  /** Checks a whole set of files: the governance manifest among them applies to the rest. */
  analyze(
    files: readonly SourceFile[],
    settings: Settings = DEFAULT_SETTINGS,
    artifacts?: ArtifactLookup,
    /** Profiled data files by path (see `lineageDataFiles`, `analyzeDataset`). */
    data?: DataContents,
    /** Where imported modules are read; by default, among `files`. */
    modules: ModuleHost = filesHost(files),
    /** Runs each file's own analysis: a shell wraps it to measure what each file costs. */
    each: (file: SourceFile, analyse: () => FileResult) => FileResult = (_, analyse) => analyse(),
  ): WorkspaceResult {
    const manifest = files.find((f) => isGovernanceManifest(f.path, settings));
    const gov = this.governance(manifest);
    const findings: Finding[] = [...gov.findings];
    const notes: Note[] = [];
    const waivers: Waiver[] = [];
    if (manifest && manifest.text.trim() === '')
      notes.push({ path: manifest.path, message: 'empty governance manifest: the built-in default applies' });
    const manifests = files.filter((f) => f !== manifest && readTogether(f));
    const byManifest = this.manifestFindings(manifests, gov, manifest?.text, settings, artifacts, undefined, data);
    for (const list of byManifest.values()) findings.push(...list);
    // Data files held as text are checked against what the lineage declares, as streamed ones are.
    // Made when a data file first asks, from the graph the manifests' checks just built (the same data).
    let made: LineageDataFiles | undefined;
    const lineage = manifest
      ? { declaredBy: (p: string) => (made ??= this.dataLineage(files, gov, undefined, data)).declaredBy(p) }
      : undefined;
    for (const file of files) {
      if (file === manifest || byManifest.has(file.path)) continue;
      const r = each(file, () => this.analyzeFile(file, gov.governance, settings, { modules, lineage }));
      findings.push(...r.findings);
      notes.push(...r.notes);
      waivers.push(...r.waivers);
    }
    return { findings, notes, waivers, governance: gov.governance, configurationBroken: gov.broken };
  }

  private catalog(governance: Governance): Catalog {
    let catalog = this.catalogs.get(governance);
    if (!catalog) this.catalogs.set(governance, (catalog = new Catalog(governance)));
    return catalog;
  }
}

/**
 * Whether the workspace-wide checks read a file (a manifest or a known format): asked of every
 * file by `analyze` and again by `dataLineage`, and read from its text with a few regular
 * expressions, so answered once per file.
 */
const together = new WeakMap<SourceFile, boolean>();
function readTogether(file: SourceFile): boolean {
  let answer = together.get(file);
  if (answer === undefined) together.set(file, (answer = isWorkspaceFile(file.path, file.text)));
  return answer;
}

/** The given files as the only workspace modules there are. */
function filesHost(files: readonly SourceFile[]): ModuleHost {
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  return { read: (path) => byPath.get(path) };
}

/** Why a non-empty text cannot be analysed, or undefined when it can. */
function skipReason(text: string): Shortfall | undefined {
  if (text.length > MAX_SOURCE_CHARS) return { cause: 'size', limit: `${MAX_SOURCE_CHARS / 1024 / 1024} MiB` };
  if (text.slice(0, 8192).includes('\u0000')) return { cause: 'binary', detail: 'a binary file' };
  return undefined;
}
