import type { Flow, SinkKind } from '../languages/adapter';
import { lastSegment } from '../languages/common';
import { FlowWalker, MAX_FLOWS, type ModuleStep, type Taint } from '../languages/flow';
import type { PathStep } from '../languages/sink';
import { MAX_SUMMARISED_FUNCTIONS, type FunctionSummary } from '../languages/summaries';
import { readFrom, textEdit, type Parsers, type Point, type SyntaxNode, type Tree } from '../languages/parsers';
import { LineIndex } from '../text';
import type { Finding } from '../types';
import type { Prefilter } from '../sensitivity/prefilter';

/** A plain string literal assigned to one name, as the flow walker reports it. */
type LiteralAssignment = FlowWalker['literalAssignments'][number];

/** One top-level statement of the last analysis, with the walk's state as it reached it. */
interface Step {
  start: number;
  end: number;
  readonly type: string;
  /** A function or class (or an export of one): edits inside it may be re-analysed alone. */
  readonly alone: boolean;
  env: ReadonlyMap<string, Taint>;
  readonly bound: ReadonlyMap<string, SinkKind>;
  /** Index of its first flow and first literal assignment. */
  flows: number;
  literals: number;
  /** The scopes inside it in source order, by name when they are named functions. */
  functions: readonly (string | undefined)[];
  /** The file's index of its first scope: the summary pass reads only the first `MAX_SUMMARISED_FUNCTIONS`. */
  firstScope: number;
}

/** A top-level definition re-parsed on its own; its tree's offsets are the whole text's. */
interface Fragment {
  start: number;
  end: number;
  /** The white space and comments between two statements, rather than one definition. */
  readonly gap: boolean;
  readonly tree: Tree;
}

/** One replaced range of the text: [start, oldEnd) became [start, newEnd). */
interface Edit {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
  readonly delta: number;
}

/** What the last update changed: the edit, and the top-level statements it replaced and put in their place. */
export interface LastEdit extends Edit {
  /** The types of the statements the edit replaced. */
  readonly replaced: readonly string[];
  /** A root whose named children are the statements put in their place (a fragment's tree, valid until the next update). */
  readonly root: SyntaxNode | undefined;
}

/** Steps [from, to) of the last analysis, replaced by `steps` after an edit inside them. */
interface Replacement {
  readonly from: number;
  readonly to: number;
  readonly steps: Step[];
  /** The walk of the re-parsed definition; none for a gap, where nothing is walked. */
  readonly walker: FlowWalker | undefined;
  readonly fragment: Fragment;
  /** The file's summaries after the edit, and the functions of the definition whose summary changed. */
  readonly summaries?: Map<string, FunctionSummary>;
  readonly functions?: readonly (string | undefined)[];
  readonly changed?: readonly string[];
}

/**
 * How many edits the fast path took, and how many it left to a full analysis, since the
 * process started, and how many of the fast ones changed a helper's summary and re-walked its
 * callers: for the tests, which must see every path taken, and for benchmarks.
 */
export const incrementalCounts = { patched: 0, declined: 0, callers: 0 };

/** Characters compared at once when looking for where two versions of a text differ. */
const CHUNK = 1024;

/** More re-parsed definitions than this and the next edit re-parses the whole file. */
const MAX_FRAGMENTS = 64;

/**
 * Rounds of re-summarising the callers of a helper whose summary changed, each round the
 * callers of the last one's changes; past it the whole file is analysed again.
 */
const MAX_CALLER_ROUNDS = 8;

/** Node types whose whole text is one definition that nothing after it can extend. */
const ALONE = new Set([
  'function_definition',
  'class_definition',
  'decorated_definition',
  'function_declaration',
  'generator_function_declaration',
  'class_declaration',
  'abstract_class_declaration',
]);

function isAlone(node: SyntaxNode): boolean {
  if (ALONE.has(node.type)) return true;
  // `export function f() {}`: the declaration ends the statement. `export const x = a` could
  // run on into the next line, so it is never re-parsed alone.
  if (node.type !== 'export_statement') return false;
  const declaration = node.childForFieldName('declaration');
  return declaration !== null && ALONE.has(declaration.type);
}

/** What the walk and the literal scans found in the current text, as the engine assembles findings from. */
export interface Walked {
  readonly flows: readonly Flow[];
  readonly literalAssignments: readonly LiteralAssignment[];
  readonly secrets: Finding[];
  readonly piiCandidates: Finding[];
}

/** What an incremental analysis needs from the engine: how to parse, walk and scan literals. */
export interface Analysis {
  readonly parsers: Parsers;
  readonly grammar: string;
  readonly prefilter: Prefilter;
  walker(): FlowWalker;
  /** The literal findings of one class within `region` of `text`. */
  literals(text: string, classes: 'secret' | 'pii', region: { offset: number; length: number }): Finding[];
}

/**
 * What is kept of an open document's last analysis, so that an edit inside one top-level
 * definition re-parses and re-walks that definition alone. `tree` is the whole-file tree of
 * some earlier text, edited in place (never re-parsed) to follow every edit since; the
 * definitions edited since are the fragments, and `view` answers for the two together.
 */
export class IncrementalDocument {
  private fragments: Fragment[] = [];
  private lines: LineIndex;
  /**
   * How many times each function name is defined among the scopes the summary pass reads: a
   * name defined twice has no summary.
   */
  private readonly names = new Map<string, number>();
  private scopes = 0;
  private spoilt = false;
  private edited: LastEdit | undefined;

  private constructor(
    private text: string,
    readonly tree: Tree,
    private readonly steps: Step[],
    private flows: readonly Flow[],
    private literalAssignments: readonly LiteralAssignment[],
    private secrets: Finding[],
    private piiCandidates: Finding[],
    /** The summaries of the file's functions, offsets in the current text. */
    private summaries: Map<string, FunctionSummary>,
  ) {
    this.lines = LineIndex.of(text);
    for (const s of steps) {
      this.scopes += s.functions.length;
      s.functions.forEach((n, i) => {
        if (n !== undefined && s.firstScope + i < MAX_SUMMARISED_FUNCTIONS)
          this.names.set(n, (this.names.get(n) ?? 0) + 1);
      });
    }
  }

  /**
   * True once an update was applied only in part (a helper's callers could not be brought up
   * to date): `tree` follows the new text, but nothing else of this document may be used.
   */
  get spoiled(): boolean {
    return this.spoilt;
  }

  /** What the last successful update changed; undefined after one that did not apply. */
  get lastEdit(): LastEdit | undefined {
    return this.edited;
  }

  /** Keeps what a full analysis of `text` found; `steps` are `walkModule`'s. */
  static after(
    text: string,
    tree: Tree,
    steps: readonly ModuleStep[],
    walker: FlowWalker,
    secrets: Finding[],
    piiCandidates: Finding[],
  ): IncrementalDocument {
    // The scopes of the whole file at once, shared out among the statements that hold them.
    const scopes = walker.scopesIn(tree.rootNode);
    let at = 0;
    const kept = steps.map((s) => {
      while (at < scopes.length && scopes[at].offset < s.node.startIndex) at++;
      const firstScope = at;
      const functions: (string | undefined)[] = [];
      for (; at < scopes.length && scopes[at].offset < s.node.endIndex; at++) functions.push(scopes[at].name);
      return {
        start: s.node.startIndex,
        end: s.node.endIndex,
        type: s.node.type,
        alone: isAlone(s.node),
        env: s.env,
        bound: s.bound,
        flows: s.flows,
        literals: s.literals,
        functions,
        firstScope,
      };
    });
    return new IncrementalDocument(
      text,
      tree,
      kept,
      walker.flows,
      walker.literalAssignments,
      secrets,
      piiCandidates,
      walker.summaryTable(),
    );
  }

  /** The whole-file tree as it stands: the edited definitions from their fragments, the rest from `tree`. */
  get view(): Tree {
    return patchedTree(this.tree, this.fragments);
  }

  /** Frees the fragments' trees (the caller owns `tree`). */
  dispose(): void {
    for (const f of this.fragments) f.tree.delete();
    this.fragments = [];
  }

  /**
   * Brings the analysis up to `text` when the edit since the last one lies inside one
   * top-level definition and changes nothing that the statements after it read (the sink
   * bindings it leaves). Returns undefined, and changes nothing, when it cannot; the caller
   * then analyses the whole file, which is always correct.
   */
  update(text: string, analysis: Analysis): Walked | undefined {
    const walked = this.patch(text, analysis);
    if (walked) incrementalCounts.patched++;
    else incrementalCounts.declined++;
    return walked;
  }

  private patch(text: string, analysis: Analysis): Walked | undefined {
    const old = this.text;
    this.edited = undefined;
    if (text === old) {
      this.edited = { start: 0, oldEnd: 0, newEnd: 0, delta: 0, replaced: [], root: undefined };
      return this.walked();
    }
    // The one replaced range: [start, oldEnd) of the old text became [start, newEnd).
    const max = Math.min(old.length, text.length);
    // Whole chunks compared natively first, then characters: a large file's common prefix and
    // suffix cost little that way.
    let start = 0;
    while (start + CHUNK <= max && old.slice(start, start + CHUNK) === text.slice(start, start + CHUNK)) start += CHUNK;
    while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
    let oldEnd = old.length;
    let newEnd = text.length;
    while (
      oldEnd - CHUNK >= start &&
      newEnd - CHUNK >= start &&
      old.slice(oldEnd - CHUNK, oldEnd) === text.slice(newEnd - CHUNK, newEnd)
    ) {
      oldEnd -= CHUNK;
      newEnd -= CHUNK;
    }
    while (oldEnd > start && newEnd > start && old.charCodeAt(oldEnd - 1) === text.charCodeAt(newEnd - 1)) {
      oldEnd--;
      newEnd--;
    }
    if (this.fragments.length >= MAX_FRAGMENTS) return undefined;
    const edit = { start, oldEnd, newEnd, delta: newEnd - oldEnd };
    const k = this.stepAround(start, oldEnd);
    const replaced = k >= 0 ? this.definition(text, analysis, k, edit) : this.gap(text, analysis, edit);
    if (!replaced) return undefined;
    const literals = this.rescanLiterals(text, analysis, start, oldEnd, newEnd);
    const { from, to, walker, fragment } = replaced;
    const next = this.steps[to];
    const flowsFrom = this.steps[from]?.flows ?? this.flows.length;
    const literalsFrom = this.steps[from]?.literals ?? this.literalAssignments.length;
    const flowsEnd = next ? next.flows : this.flows.length;
    const literalsEnd = next ? next.literals : this.literalAssignments.length;
    const flows = walker?.flows ?? [];
    const assignments = walker?.literalAssignments ?? [];
    if (!literals || this.flows.length - (flowsEnd - flowsFrom) + flows.length >= MAX_FLOWS) {
      fragment.tree.delete();
      return undefined;
    }
    const replacedTypes = this.steps.slice(from, to).map((s) => s.type);
    this.apply(text, edit, replaced, flows, assignments, flowsFrom, flowsEnd, literalsFrom, literalsEnd);
    [this.secrets, this.piiCandidates] = literals;
    if (replaced.summaries) this.summaries = replaced.summaries;
    if (replaced.changed?.length) {
      if (!this.updateCallers(analysis, replaced.changed)) {
        this.spoilt = true;
        return undefined;
      }
      incrementalCounts.callers++;
    }
    this.edited = { ...edit, replaced: replacedTypes, root: fragment.tree.rootNode };
    return this.walked();
  }

  /** The edit lies inside definition `k`: parse and walk it alone. */
  private definition(text: string, analysis: Analysis, k: number, edit: Edit): Replacement | undefined {
    const step = this.steps[k];
    const next = this.steps[k + 1];
    const range = { start: step.start, end: step.end + edit.delta };
    const tree = this.parseRange(text, analysis, range);
    if (!tree) return undefined;
    const root = tree.rootNode;
    const node = root.namedChildCount === 1 ? root.namedChildren[0] : undefined;
    // The definition must still be one whole definition of the same kind, with no syntax error:
    // otherwise the text around it may read differently too.
    if (
      !node ||
      root.hasError ||
      node.type !== step.type ||
      !isAlone(node) ||
      node.startIndex !== range.start ||
      node.endIndex !== range.end
    ) {
      tree.delete();
      return undefined;
    }
    const walker = analysis.walker();
    const summarised = this.summariseAgain(walker, node, step, edit);
    if (!summarised) {
      tree.delete();
      return undefined;
    }
    const env = new Map(step.env);
    const bound = walker.walkAlone(node, step.bound, analysis.prefilter, env);
    // What follows reads the taints and bindings this definition leaves: they must be as before.
    if (walker.stopped || (next && !(sameBindings(bound, next.bound) && sameTaints(env, next.env)))) {
      tree.delete();
      return undefined;
    }
    return {
      from: k,
      to: k + 1,
      steps: [{ ...step, end: range.end, functions: summarised.functions }],
      walker,
      fragment: { ...range, gap: false, tree },
      ...summarised,
    };
  }

  /**
   * Summarises the functions of the edited definition again, the other functions' summaries
   * (moved by the edit) held fixed, and gives `walker` the result to walk the definition with.
   * Undefined when the summary pass over the whole file could read otherwise: a function
   * added, removed or renamed, a name defined twice, more scopes than it reads.
   */
  private summariseAgain(
    walker: FlowWalker,
    node: SyntaxNode,
    step: Step,
    edit: Edit,
  ): { summaries: Map<string, FunctionSummary>; changed: string[]; functions: (string | undefined)[] } | undefined {
    const functions = walker.scopesIn(node).map((s) => s.name);
    const named = (list: readonly (string | undefined)[]) => list.filter((n) => n !== undefined);
    const [now, was] = [named(functions), named(step.functions)];
    const total = this.scopes - step.functions.length + functions.length;
    // Past the scopes the summary pass reads, which functions it reads depends on each scope's place.
    const placed = total <= MAX_SUMMARISED_FUNCTIONS && this.scopes <= MAX_SUMMARISED_FUNCTIONS;
    if (
      now.length !== was.length ||
      now.some((n, i) => n !== was[i]) ||
      (!placed && (functions.length !== step.functions.length || functions.some((n, i) => n !== step.functions[i])))
    )
      return undefined;
    const before = new Map<string, FunctionSummary>();
    for (const [name, s] of this.summaries) before.set(name, movedSummary(s, edit.start, edit.delta));
    walker.adoptSummaries(before);
    const read = this.summarisedIn({ ...step, functions });
    if (read.size > 0 && !walker.summariseAgain([node], (n) => read.has(n))) return undefined;
    const summaries = walker.summaryTable();
    const changed = [...read].filter((n) => !sameSummary(before.get(n), summaries.get(n)));
    // A helper that returns a logger binds a sink in every statement after the summaries: those
    // bindings are part of each statement's state, which only a whole walk recomputes.
    if (changed.some((n) => before.get(n)?.returnsSink !== summaries.get(n)?.returnsSink)) return undefined;
    return { summaries, changed, functions };
  }

  /** The functions of a statement that the summary pass reads: named once, among the first scopes. */
  private summarisedIn(step: Pick<Step, 'functions' | 'firstScope'>): Set<string> {
    const out = new Set<string>();
    step.functions.forEach((n, i) => {
      if (n !== undefined && step.firstScope + i < MAX_SUMMARISED_FUNCTIONS && this.names.get(n) === 1) out.add(n);
    });
    return out;
  }

  /**
   * After a helper's summary changed: the functions that call it are summarised again, then
   * theirs, until nothing changes; then every statement that names one of the changed functions
   * is walked again from the state it started in. False when that cannot be done exactly.
   */
  private updateCallers(analysis: Analysis, changed: readonly string[]): boolean {
    const view = this.view.rootNode.namedChildren;
    const nodeOf = (s: Step) => view.find((n) => n.startIndex === s.start && n.endIndex === s.end);
    const summariser = analysis.walker();
    summariser.adoptSummaries(this.summaries);
    const all = new Set(changed);
    let frontier = changed;
    for (let round = 0; frontier.length > 0; round++) {
      if (round === MAX_CALLER_ROUNDS) return false;
      const callers = this.stepsNaming(frontier).filter((i) => this.summarisedIn(this.steps[i]).size > 0);
      const nodes = callers.map((i) => nodeOf(this.steps[i]));
      if (nodes.some((n) => !n)) return false;
      const read = new Set(callers.flatMap((i) => [...this.summarisedIn(this.steps[i])]));
      const before = summariser.summaryTable();
      if (!summariser.summariseAgain(nodes as SyntaxNode[], (n) => read.has(n))) return false;
      const after = summariser.summaryTable();
      frontier = [...read].filter((n) => !sameSummary(before.get(n), after.get(n)));
      if (frontier.some((n) => before.get(n)?.returnsSink !== after.get(n)?.returnsSink)) return false;
      for (const n of frontier) all.add(n);
    }
    this.summaries = summariser.summaryTable();
    for (const i of this.stepsNaming([...all])) {
      const step = this.steps[i];
      const next = this.steps[i + 1];
      const node = nodeOf(step);
      if (!node) return false;
      const walker = analysis.walker();
      walker.adoptSummaries(this.summaries);
      const env = new Map(step.env);
      const bound = walker.walkAlone(node, step.bound, analysis.prefilter, env);
      if (walker.stopped || (next && !(sameBindings(bound, next.bound) && sameTaints(env, next.env)))) return false;
      const flowsEnd = next ? next.flows : this.flows.length;
      const literalsEnd = next ? next.literals : this.literalAssignments.length;
      if (this.flows.length - (flowsEnd - step.flows) + walker.flows.length >= MAX_FLOWS) return false;
      const flowShift = walker.flows.length - (flowsEnd - step.flows);
      const literalShift = walker.literalAssignments.length - (literalsEnd - step.literals);
      this.flows = [...this.flows.slice(0, step.flows), ...walker.flows, ...this.flows.slice(flowsEnd)];
      this.literalAssignments = [
        ...this.literalAssignments.slice(0, step.literals),
        ...walker.literalAssignments,
        ...this.literalAssignments.slice(literalsEnd),
      ];
      for (const s of this.steps.slice(i + 1)) {
        s.flows += flowShift;
        s.literals += literalShift;
      }
    }
    return true;
  }

  /** The statements whose text names one of `functions` (by the last segment of its name), in order. */
  private stepsNaming(functions: readonly string[]): number[] {
    const out = new Set<number>();
    const text = this.text;
    for (const word of new Set(functions.map(lastSegment))) {
      for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length)) {
        if (isWordChar(text.charCodeAt(i - 1)) || isWordChar(text.charCodeAt(i + word.length))) continue;
        const k = this.stepAt(i);
        if (k >= 0) out.add(k);
      }
    }
    return [...out].sort((a, b) => a - b);
  }

  /**
   * The edit lies between two statements, in white space and comments only, and leaves only
   * those there: nothing is walked, the comments (where waivers are written) are parsed anew.
   */
  private gap(text: string, analysis: Analysis, edit: Edit): Replacement | undefined {
    // The statements around the gap: the last that is not a comment before it, the first after.
    let from = 0;
    while (from < this.steps.length && this.steps[from].end <= edit.start) from++;
    let to = from;
    while (to < this.steps.length && this.steps[to].type === 'comment') to++;
    const before = from > 0 ? this.steps[from - 1] : undefined;
    const after = this.steps[to];
    // Comments take their state from the statement after them; at the end of the file there is none to take.
    const state = after ?? this.steps[to - 1];
    if (!state || (before && before.end >= edit.start) || (after && edit.oldEnd >= after.start)) return undefined;
    const range = { start: before ? before.end : 0, end: after ? after.start + edit.delta : text.length };
    const tree = this.parseRange(text, analysis, range);
    if (!tree) return undefined;
    const root = tree.rootNode;
    const comments = root.namedChildren;
    if (root.hasError || comments.some((c) => c.type !== 'comment')) {
      tree.delete();
      return undefined;
    }
    const flows = this.steps[from]?.flows ?? this.flows.length;
    const literals = this.steps[from]?.literals ?? this.literalAssignments.length;
    return {
      from,
      to,
      steps: comments.map((c) => ({
        start: c.startIndex,
        end: c.endIndex,
        type: c.type,
        alone: false,
        env: state.env,
        bound: state.bound,
        flows,
        literals,
        functions: [],
        firstScope: state.firstScope,
      })),
      walker: undefined,
      fragment: { ...range, gap: true, tree },
    };
  }

  /** Puts a replacement in place: its steps, flows and fragment; everything after the edit moved by it. */
  private apply(
    text: string,
    edit: Edit,
    r: Replacement,
    flows: readonly Flow[],
    assignments: readonly LiteralAssignment[],
    flowsFrom: number,
    flowsEnd: number,
    literalsFrom: number,
    literalsEnd: number,
  ): void {
    const { start, delta } = edit;
    // Flows before the edit may go through a helper after it: their paths move too.
    this.flows = [
      ...(delta === 0
        ? this.flows.slice(0, flowsFrom)
        : this.flows.slice(0, flowsFrom).map((f) => movedFlow(f, start, delta))),
      ...flows,
      ...this.flows.slice(flowsEnd).map((f) => movedFlow(f, start, delta)),
    ];
    this.literalAssignments = [
      ...this.literalAssignments.slice(0, literalsFrom),
      ...assignments,
      ...this.literalAssignments.slice(literalsEnd).map((l) => ({ ...l, span: moveSpan(l.span, delta) })),
    ];
    const flowShift = flows.length - (flowsEnd - flowsFrom);
    const literalShift = assignments.length - (literalsEnd - literalsFrom);
    const scopeShift =
      r.steps.reduce((n, s) => n + s.functions.length, 0) -
      this.steps.slice(r.from, r.to).reduce((n, s) => n + s.functions.length, 0);
    this.scopes += scopeShift;
    const after = this.steps.slice(r.to);
    // Statements that shared the walk's state still share it once moved: each state is moved
    // once, not once per statement, and the next edit sees the state unchanged where it was.
    const moved = new Map<ReadonlyMap<string, Taint>, ReadonlyMap<string, Taint>>();
    for (const s of after) {
      s.start += delta;
      s.end += delta;
      s.flows += flowShift;
      s.literals += literalShift;
      s.firstScope += scopeShift;
      if (delta !== 0) {
        let env = moved.get(s.env);
        if (!env) moved.set(s.env, (env = movedTaints(s.env, start, delta)));
        s.env = env;
      }
    }
    this.steps.splice(r.from, r.to - r.from, ...r.steps);

    // The new text's line index from the old one, and the points of the edit from the two.
    const oldLines = this.lines;
    this.lines = oldLines.edited(text, start, edit.oldEnd, edit.newEnd);
    const treeEdit = textEdit({
      startIndex: start,
      oldEndIndex: edit.oldEnd,
      newEndIndex: edit.newEnd,
      startPosition: pointOf(oldLines, start),
      oldEndPosition: pointOf(oldLines, edit.oldEnd),
      newEndPosition: pointOf(this.lines, edit.newEnd),
    });
    this.tree.edit(treeEdit);
    readFrom(this.tree, text);
    const kept: Fragment[] = [];
    const oldEnd = r.fragment.end - delta;
    for (const f of this.fragments) {
      // The fragment replaced (the same definition, or a gap overlapping this one) goes.
      if (f.start === r.fragment.start || (f.start < oldEnd && r.fragment.start < f.end)) {
        f.tree.delete();
        continue;
      }
      if (f.start > start) {
        f.tree.edit(treeEdit);
        f.start += delta;
        f.end += delta;
      }
      readFrom(f.tree, text);
      kept.push(f);
    }
    kept.push(r.fragment);
    this.fragments = kept.sort((a, b) => a.start - b.start);
    this.text = text;
  }

  /** Parses `range` of the new text alone. Its points are counted on the lines of the old text, which are the same up to the edit. */
  private parseRange(text: string, analysis: Analysis, range: { start: number; end: number }): Tree | undefined {
    // The points need only be right before the edit (the start) and in the text moved after it (the end).
    const startPosition = pointOf(this.lines, range.start);
    const endLine = startPosition.row + countLines(text, range.start, range.end);
    const lastBreak = text.lastIndexOf('\n', range.end - 1);
    const endPosition = {
      row: endLine,
      column: lastBreak >= range.start ? range.end - lastBreak - 1 : startPosition.column + range.end - range.start,
    };
    return analysis.parsers.parseRanges(analysis.grammar, text, [
      { startIndex: range.start, endIndex: range.end, startPosition, endPosition },
    ]);
  }

  private walked(): Walked {
    return {
      flows: this.flows,
      literalAssignments: this.literalAssignments,
      secrets: this.secrets,
      piiCandidates: this.piiCandidates,
    };
  }

  /**
   * The function or class definition (a statement that is re-parsed alone) that holds
   * `offset` of the current text: what is known of its syntax is known of its text.
   */
  definitionAt(offset: number): { readonly start: number; readonly end: number } | undefined {
    const k = this.stepAt(offset);
    return k >= 0 && this.steps[k].alone ? this.steps[k] : undefined;
  }

  /** The re-parsable definition that holds [start, oldEnd) strictly inside, or -1. */
  private stepAround(start: number, oldEnd: number): number {
    const k = this.lastStartingAt(start);
    const s = this.steps[k];
    return s && s.alone && s.start < start && oldEnd <= s.end ? k : -1;
  }

  /** The statement that holds `offset`, or -1. */
  private stepAt(offset: number): number {
    const k = this.lastStartingAt(offset);
    const s = this.steps[k];
    return s && s.start <= offset && offset < s.end ? k : -1;
  }

  /** The last statement that starts at or before `offset` (the first when none does). */
  private lastStartingAt(offset: number): number {
    let lo = 0;
    let hi = this.steps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.steps[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The literal findings of the new text: those on the edited lines found again, the others
   * kept (moved by the edit). Undefined when a finding crosses the edited lines' edges, or a
   * private key block could, since the rescan sees only those lines.
   */
  private rescanLiterals(
    text: string,
    analysis: Analysis,
    start: number,
    oldEnd: number,
    newEnd: number,
  ): [Finding[], Finding[]] | undefined {
    const delta = newEnd - oldEnd;
    const from = text.lastIndexOf('\n', start - 1) + 1;
    const lineEnd = text.indexOf('\n', newEnd);
    const to = lineEnd < 0 ? text.length : lineEnd;
    const oldTo = to - delta;
    if (text.slice(from, to).includes('-----BEGIN') || this.text.slice(from, oldTo).includes('-----BEGIN'))
      return undefined;
    const region = { offset: from, length: to - from };
    const out: Finding[][] = [];
    for (const [list, cls] of [
      [this.secrets, 'secret'],
      [this.piiCandidates, 'pii'],
    ] as const) {
      const before: Finding[] = [];
      const after: Finding[] = [];
      for (const f of list) {
        const end = f.span.offset + f.span.length;
        if (end <= from) before.push(f);
        else if (f.span.offset > oldTo) after.push(moveFinding(f, delta));
        else if (f.span.offset < from || end > oldTo) return undefined;
      }
      const found = analysis.literals(text, cls, region);
      if (found.some((f) => f.span.offset + f.span.length > to)) return undefined;
      out.push([...before, ...found, ...after]);
    }
    return [out[0], out[1]];
  }
}

function pointOf(lines: LineIndex, offset: number): Point {
  const p = lines.position(offset);
  return { row: p.line, column: p.character };
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function moveSpan<T extends { offset: number }>(span: T, delta: number): T {
  return { ...span, offset: span.offset + delta };
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

/** A path's steps in this file at or after `start` moved by `delta`; steps in other files stay. */
function movedSteps(steps: readonly PathStep[], start: number, delta: number): readonly PathStep[] {
  if (!steps.some((x) => x.path === undefined && x.span.offset >= start)) return steps;
  return steps.map((x) =>
    x.path === undefined && x.span.offset >= start ? { ...x, span: moveSpan(x.span, delta) } : x,
  );
}

/** A flow with its places at or after `start` moved by `delta`, the helpers its path goes through included. */
function movedFlow(f: Flow, start: number, delta: number): Flow {
  const move = <T extends { offset: number }>(x: T): T => (x.offset >= start ? moveSpan(x, delta) : x);
  return {
    ...f,
    sink: { ...f.sink, span: move(f.sink.span) },
    span: move(f.span),
    interpolation: f.interpolation && move(f.interpolation),
    via: f.via && { ...move(f.via), origin: f.via.origin && { ...f.via.origin, span: move(f.via.origin.span) } },
    ...(f.steps && { steps: movedSteps(f.steps, start, delta) }),
  };
}

function movedSummary(s: FunctionSummary, start: number, delta: number): FunctionSummary {
  if (delta === 0) return s;
  return { ...s, sinks: s.sinks.map((p) => ({ ...p, steps: movedSteps(p.steps, start, delta) })) };
}

/** Two summaries alike in everything a caller's finding shows. */
function sameSummary(a: FunctionSummary | undefined, b: FunctionSummary | undefined): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function moveFinding(f: Finding, delta: number): Finding {
  return {
    ...f,
    span: moveSpan(f.span, delta),
    fixes: f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => moveSpan(e, delta)) })),
  };
}

/** Taints assigned after `start` moved by `delta`, with where their value came from. */
function movedTaints(env: ReadonlyMap<string, Taint>, start: number, delta: number): ReadonlyMap<string, Taint> {
  let out: Map<string, Taint> | undefined;
  for (const [name, t] of env) {
    if (t.offset < start) continue;
    out ??= new Map(env);
    out.set(name, {
      ...t,
      offset: t.offset + delta,
      origin: t.origin && { ...t.origin, span: moveSpan(t.origin.span, delta) },
    });
  }
  return out ?? env;
}

function sameBindings(a: ReadonlyMap<string, SinkKind>, b: ReadonlyMap<string, SinkKind>): boolean {
  if (a.size !== b.size) return false;
  for (const [n, k] of a) if (b.get(n) !== k) return false;
  return true;
}

function sameTaints(a: ReadonlyMap<string, Taint>, b: ReadonlyMap<string, Taint>): boolean {
  if (a.size !== b.size) return false;
  for (const [n, t] of a) if (b.get(n) !== t) return false;
  return true;
}

/**
 * A whole-file tree made of `base` (edited in place to follow the text) and the fragments that
 * replace its edited definitions. It answers what the core asks of a file's tree: the node at
 * an offset and the top-level statements.
 */
function patchedTree(base: Tree, fragments: readonly Fragment[]): Tree {
  if (fragments.length === 0) return base;
  // A definition's fragment answers at both its ends, as the definition does in a whole tree;
  // a gap's only strictly inside it, its ends being the statements around it.
  const fragmentAt = (offset: number) =>
    fragments.find((f) => !f.gap && f.start <= offset && offset <= f.end) ??
    fragments.find((f) => f.gap && f.start < offset && offset < f.end);
  let children: SyntaxNode[] | undefined;
  const baseRoot = base.rootNode;
  const rootNode = {
    type: baseRoot.type,
    startIndex: baseRoot.startIndex,
    endIndex: baseRoot.endIndex,
    parent: null,
    get namedChildren(): SyntaxNode[] {
      children ??= [
        ...baseRoot.namedChildren.filter(
          (c) =>
            !fragments.some((f) => (f.gap ? f.start < c.startIndex && c.startIndex < f.end : f.start === c.startIndex)),
        ),
        ...fragments.flatMap((f) => f.tree.rootNode.namedChildren),
      ].sort((a, b) => a.startIndex - b.startIndex);
      return children;
    },
    descendantForIndex(offset: number): SyntaxNode | null {
      const f = fragmentAt(offset);
      return (f ? f.tree.rootNode : baseRoot).descendantForIndex(offset);
    },
  };
  return { rootNode } as unknown as Tree;
}
