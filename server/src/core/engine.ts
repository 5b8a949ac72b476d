import { Budget } from './budget';
import { loadGovernance, type GovernanceResult } from './governance/load';
import { DEFAULT_GOVERNANCE, type Governance } from './governance/model';
import type { LanguageAdapter } from './languages/adapter';
import { customFlow } from './languages/custom';
import { FlowWalker, MAX_FLOWS, type CachedDefinition } from './languages/flow';
import { Parsers, type Tree, type WasmLoader } from './languages/parsers';
import { python } from './languages/python';
import { javascript, typescript } from './languages/typescript';
import type { Declaration } from './manifests/load';
import type { ManifestIndex } from './manifests/navigate';
import { evaluatePolicies } from './policies/evaluate';
import { stageContexts } from './policies/propagate';
import { evaluateConfigs } from './policies/configs';
import { isWorkspaceFile, WorkspaceCache, type WorkspaceModel } from './lineage/workspace';
import type { LineageGraph } from './lineage/graph';
import { lineageCycle } from './rules/lineage-cycle';
import { checkReferences } from './manifests/references';
import { isPromptTemplate, templateComment } from './prompts/template';
import { flowFindings, redactionFor, type FileContext } from './rules/flow-findings';
import {
  assignedCredentials,
  boundLiteralFindings,
  literalFindings,
  literalTuning,
  withoutAllowed,
} from './rules/literal-findings';
import { FLOW_RULES } from './rules/registry';
import { checkPromptTemplate } from './rules/sensitive-field-in-prompt-template';
import { Catalog } from './sensitivity/catalog';
import { LineIndex } from './text';
import {
  DEFAULT_SETTINGS,
  type ArtifactLookup,
  type Finding,
  type Note,
  type Settings,
  type SourceFile,
  type Waiver,
} from './types';
import { checkArtifacts } from './manifests/artifacts';
import { NOTHING } from './lineage/carried';
import { applyWaivers, waiverFix } from './waivers';
import { withFingerprints } from './fingerprint';
import { masked } from './safe';
import { notFullyAnalysedFinding, shortfallOf, type Shortfall } from './rules/not-fully-analysed';

export const ADAPTERS: readonly LanguageAdapter[] = [python, typescript, javascript];

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
/** Open documents whose tree and flows are kept for fast re-analysis; the oldest is dropped. */
const MAX_RETAINED = 32;

/** What is kept of an open document between analyses. */
interface Retained {
  readonly text: string;
  readonly grammar: string;
  readonly tree: Tree;
  readonly catalog: Catalog;
  readonly definitions: Map<string, CachedDefinition>;
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

/** The CG005 finding for a file a shell could not hand to the core at all (too large, not text). */
export function notAnalysed(path: string, shortfall: Shortfall): Finding {
  return masked(withFingerprints(path, '', [notFullyAnalysedFinding(path, shortfall, false)]))[0];
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
const GENERATED =
  /^(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|Pipfile\.lock|composer\.lock|Cargo\.lock)$/;

function isConfig(path: string): boolean {
  const lower = path.toLowerCase();
  return CONFIG_EXTENSIONS.some((e) => lower.endsWith(e)) && !GENERATED.test(baseName(path));
}

/** True when the engine has something to say about a file with this path. */
export function isAnalysable(path: string, settings: Settings = DEFAULT_SETTINGS): boolean {
  // Markdown only for a model card's front matter, recognised by content when read.
  return (
    isGovernanceManifest(path, settings) ||
    adapterFor(path) !== undefined ||
    isPromptTemplate(path) ||
    isConfig(path) ||
    path.toLowerCase().endsWith('.md')
  );
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
  private readonly fileBudgetMs: number;

  private constructor(
    private readonly parsers: Parsers,
    options: EngineOptions,
  ) {
    this.fileBudgetMs = options.fileBudgetMs ?? FILE_BUDGET_MS;
  }

  static async create(loadWasm: WasmLoader, options: EngineOptions = {}): Promise<Engine> {
    return new Engine(await Parsers.create(loadWasm, [...new Set(ADAPTERS.flatMap((a) => a.grammars))]), options);
  }

  /** Reads a governance manifest; with no file, the built-in default governance. */
  governance(file: SourceFile | undefined): GovernanceResult {
    if (!file) return { governance: DEFAULT_GOVERNANCE, findings: [], broken: false };
    if (file.text.trim() === '')
      return { governance: { ...DEFAULT_GOVERNANCE, path: file.path }, findings: [], broken: false };
    const result = loadGovernance(file);
    // A manifest is a file like any other: a secret pasted into it is still a secret.
    const findings = [
      ...result.findings,
      ...literalFindings(file.path, file.text, 'a manifest', { classes: ['secret'] }),
    ];
    return { ...result, findings: masked(withFingerprints(file.path, file.text, findings)) };
  }

  /** Findings for one file (code, prompt template or config) under the given governance. */
  analyzeFile(
    file: SourceFile,
    governance: Governance,
    settings: Settings = DEFAULT_SETTINGS,
    options: AnalyzeOptions = {},
  ): FileResult {
    const none: FileResult = { findings: [], notes: [], waivers: [] };
    if (!settings.enable) return none;
    if (file.text.length === 0) return { ...none, notes: [{ path: file.path, message: 'skipped: empty file' }] };
    const skipped = skipReason(file.text);
    // A file too large or too strange to read is a finding, so that it cannot slip through a check unseen.
    if (skipped)
      return {
        ...none,
        findings: masked(withFingerprints(file.path, '', [notFullyAnalysedFinding(file.path, skipped, false)])),
      };
    const adapter = adapterFor(file.path);
    if (adapter) return this.analyzeCode(file, adapter, governance, settings, options.retain === true);
    if (isPromptTemplate(file.path)) {
      const literals = literalFindings(file.path, file.text, 'a prompt template', {
        placeholderFix: true,
        tuning: literalTuning(governance),
      });
      const comment = templateComment(file.path);
      try {
        const findings = [
          ...checkPromptTemplate(file.path, file.text, this.catalog(governance), governance),
          ...literals,
        ];
        return this.finish(file, undefined, findings, governance, settings, comment);
      } catch (err) {
        return this.shortOf(file, literals, shortfallOf(err), governance, settings, comment);
      }
    }
    if (isConfig(file.path)) {
      // JSON has no comments, so no waiver can be written there.
      const comment = /\.jsonc?$/i.test(file.path) ? undefined : { open: '#' };
      return this.finish(
        file,
        undefined,
        literalFindings(file.path, file.text, 'a config file', { tuning: literalTuning(governance) }),
        governance,
        settings,
        comment,
      );
    }
    return none;
  }

  /**
   * The result of a file whose analysis stopped short: the findings it has (literal secrets
   * at least, found from the text alone) and the CG005 finding that says why it stopped.
   */
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
    this.retained.get(path)?.tree.delete();
    this.retained.delete(path);
  }

  private analyzeCode(
    file: SourceFile,
    adapter: LanguageAdapter,
    governance: Governance,
    settings: Settings,
    retain: boolean,
  ): FileResult {
    const budget = new Budget(this.fileBudgetMs);
    const catalog = this.catalog(governance);
    // Secrets anywhere in the file, comments included; personal data only in string literals.
    const tuning = literalTuning(governance);
    const secrets = literalFindings(file.path, file.text, 'code', { classes: ['secret'], tuning });
    const piiCandidates = literalFindings(file.path, file.text, 'code', { classes: ['pii'], tuning });
    // The cheap test first: most files name nothing sensitive and need no syntax tree at all.
    if (!catalog.prefilter.test(file.text) && piiCandidates.length === 0 && !file.text.includes('crownguard:')) {
      this.release(file.path);
      return this.finish(file, undefined, secrets, governance, settings, { open: adapter.lineComment });
    }
    const grammar = adapter.grammarFor(file.path);
    const previous = retain ? this.retained.get(file.path) : undefined;
    const reusable = previous?.grammar === grammar ? previous : undefined;
    const parseBudget = Math.min(PARSE_BUDGET_MS, budget.remaining());
    const tree = this.parsers.parse(grammar, file.text, parseBudget, reusable);
    // The previous tree was edited in place for the re-parse: it is of no further use.
    this.release(file.path);
    const comment = { open: adapter.lineComment };
    // Without a tree, the secrets found in the text are still the file's findings.
    // The message names the limit that was reached: the parse's own, or what the file's budget had left.
    const limit = parseBudget < PARSE_BUDGET_MS ? budget.ms : PARSE_BUDGET_MS;
    if (!tree)
      return this.shortOf(
        file,
        secrets,
        { cause: 'time', budgetMs: limit, during: 'parsing' },
        governance,
        settings,
        comment,
      );
    let keep = false;
    try {
      const walker = new FlowWalker(
        adapter.dialect,
        catalog,
        redactionFor(governance, adapter.id),
        budget,
        customFlow(governance, adapter.id),
      );
      const definitions = walker.walkModule(
        tree.rootNode,
        catalog.prefilter,
        reusable?.catalog === catalog ? reusable.definitions : undefined,
      );
      // A walk the budget cut short is not kept for the next edit: what it left unread must be read then.
      if (retain && !walker.stopped) {
        this.retained.set(file.path, { text: file.text, grammar, tree, catalog, definitions });
        keep = true;
        if (this.retained.size > MAX_RETAINED) this.release(this.retained.keys().next().value!);
      }
      const ctx: FileContext = {
        path: file.path,
        text: file.text,
        tree,
        lines: new LineIndex(file.text),
        adapter,
        governance,
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
      return this.finish(file, tree, findings, governance, settings, comment, adapter);
    } catch (err) {
      // A bug in a rule, or nesting deeper than a library can follow, costs the file's flow
      // findings, never its literal secrets and never the run.
      return this.shortOf(file, secrets, shortfallOf(err), governance, settings, comment);
    } finally {
      if (!keep) tree.delete();
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
  ): FileResult {
    const day = today(settings);
    // Bounded first, so that a data dump's thousands of values cost nothing further.
    findings = boundLiteralFindings(findings, governance.literals?.maxPerFile);
    const lines = findings.length > 0 && comment ? new LineIndex(file.text) : undefined;
    // A comment line cannot go where the line above starts inside a string (a docstring, a template literal).
    const canAnnotate = (f: Finding) =>
      !tree || !adapter || !adapter.isInLiteral(tree, lines!.lineStart(lines!.position(f.span.offset).line));
    const withWaiver = (f: Finding): Finding => {
      const fix = canAnnotate(f) ? waiverFix(file.text, lines!, f, comment!, governance, day) : undefined;
      return fix ? { ...f, fixes: [...f.fixes, fix] } : f;
    };
    const withWaiverFix = lines && comment ? findings.map(withWaiver) : findings;
    const waived = applyWaivers(file.path, file.text, tree, withWaiverFix, governance, {
      today: day,
      inline: settings.inlineWaivers !== false,
    });
    const allowed = withoutAllowed(
      withFingerprints(file.path, file.text, waived.findings),
      literalTuning(governance).allowFingerprints,
    );
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
  ): Map<string, Finding[]> {
    const out = new Map<string, Finding[]>();
    const wanted = (p: { path: string }) => only === undefined || p.path === only;
    const texts = new Map<string, string>(manifests.filter(wanted).map((m) => [m.path, m.text]));
    const gov = governance.governance;
    if (gov.path && governanceText !== undefined) texts.set(gov.path, governanceText);
    const model = this.workspace.model(manifests, gov);
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
    // Policies see the classification each stage's data carries through the workspace's lineage.
    const pipelines = ownManifests.filter((l) => l.kind === 'pipeline');
    const releases = ownManifests.filter((l) => l.kind === 'model');
    const releaseData = (r: (typeof releases)[number]) =>
      model.graph.carried.get(r.declarations.find((d) => d.kind === 'release')?.id ?? '') ?? NOTHING;
    for (const f of evaluatePolicies(gov, stageContexts(model.graph, pipelines), releases, day, releaseData))
      out.get(f.path)?.push(f);
    for (const f of evaluateConfigs(gov, ownConfigs, model.graph, day, (p) => texts.get(p) ?? ''))
      out.get(f.path)?.push(f);
    for (const f of only === undefined ? cycleFindings(model.graph) : cycleFindingsIn(model.graph, only))
      out.get(f.path)?.push(f);
    if (artifacts) for (const f of checkArtifacts(releases, artifacts)) out.get(f.path)?.push(f);
    const lines = new Map<string, LineIndex>();
    const lineOf = (d: Declaration) => {
      if (!lines.has(d.path))
        lines.set(d.path, new LineIndex(texts.get(d.path) ?? manifests.find((m) => m.path === d.path)?.text ?? ''));
      return lines.get(d.path)!.position(d.span.offset).line + 1;
    };
    for (const f of checkReferences(model.declarations, model.references, lineOf, only)) {
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
  lineage(files: readonly SourceFile[], governance: GovernanceResult): LineageGraph {
    const code = files.filter((f) => adapterFor(f.path) && f.text.length > 0 && skipReason(f.text) === undefined);
    // The model's cache remembers, per text, whether a file is a manifest or config at all.
    return this.model(
      files.filter((f) => !adapterFor(f.path)),
      governance,
      code,
    ).graph;
  }

  private model(
    files: readonly SourceFile[],
    governance: GovernanceResult,
    code: readonly SourceFile[] = [],
  ): WorkspaceModel {
    return this.workspace.model(files, governance.governance, code);
  }

  /** Checks a whole set of files: the governance manifest among them applies to the rest. */
  analyze(
    files: readonly SourceFile[],
    settings: Settings = DEFAULT_SETTINGS,
    artifacts?: ArtifactLookup,
  ): WorkspaceResult {
    const manifest = files.find((f) => isGovernanceManifest(f.path, settings));
    const gov = this.governance(manifest);
    const findings: Finding[] = [...gov.findings];
    const notes: Note[] = [];
    const waivers: Waiver[] = [];
    if (manifest && manifest.text.trim() === '')
      notes.push({ path: manifest.path, message: 'empty governance manifest: the built-in default applies' });
    const manifests = files.filter((f) => f !== manifest && isWorkspaceFile(f.path, f.text));
    const byManifest = this.manifestFindings(manifests, gov, manifest?.text, settings, artifacts);
    for (const list of byManifest.values()) findings.push(...list);
    for (const file of files) {
      if (file === manifest || byManifest.has(file.path)) continue;
      const r = this.analyzeFile(file, gov.governance, settings);
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

/** A finding on every node of each lineage cycle, where its file declares it. */
function cycleFindings(graph: LineageGraph): Finding[] {
  // Each member names the cycle as a path starting from itself, as an editor's single document would.
  return graph.cycles.flatMap((cycle) => cycle.map((id) => cycleFinding(graph, id, graph.cycleThrough(id) ?? cycle)));
}

/** The cycle findings of one file's nodes, found from those nodes alone (an editor's single document). */
function cycleFindingsIn(graph: LineageGraph, path: string): Finding[] {
  const out: Finding[] = [];
  for (const n of graph.nodes.values()) {
    if (n.path !== path) continue;
    const cycle = graph.cycleThrough(n.id);
    if (cycle) out.push(cycleFinding(graph, n.id, cycle));
  }
  return out;
}

function cycleFinding(graph: LineageGraph, id: string, cycle: readonly string[]): Finding {
  const n = graph.nodes.get(id)!;
  const shown =
    cycle
      .slice(0, 6)
      .map((c) => `\`${c}\``)
      .join(' -> ') + (cycle.length > 6 ? ` and ${cycle.length - 6} more` : '');
  return {
    ruleId: lineageCycle.id,
    severity: 'error',
    message: `\`${id}\` is upstream of itself: a lineage cycle through ${shown}`,
    path: n.path,
    span: n.span,
    fixes: [],
  };
}

/** Why a non-empty text cannot be analysed, or undefined when it can. */
function skipReason(text: string): Shortfall | undefined {
  if (text.length > MAX_SOURCE_CHARS) return { cause: 'size', limit: `${MAX_SOURCE_CHARS / 1024 / 1024} MiB` };
  if (text.slice(0, 8192).includes('\u0000')) return { cause: 'binary', detail: 'a binary file' };
  return undefined;
}
