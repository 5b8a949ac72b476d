import type { Flow, SinkKind } from '../languages/adapter';
import { FlowWalker, MAX_FLOWS, moveFlow, type ModuleStep, type Taint } from '../languages/flow';
import { readFrom, textEdit, type Parsers, type Point, type SyntaxNode, type Tree } from '../languages/parsers';
import { LineIndex } from '../text';
import type { Finding } from '../types';

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

/** Steps [from, to) of the last analysis, replaced by `steps` after an edit inside them. */
interface Replacement {
  readonly from: number;
  readonly to: number;
  readonly steps: Step[];
  /** The walk of the re-parsed definition; none for a gap, where nothing is walked. */
  readonly walker: FlowWalker | undefined;
  readonly fragment: Fragment;
}

/**
 * How many edits the fast path took, and how many it left to a full analysis, since the
 * process started: for the tests, which must see both paths taken, and for benchmarks.
 */
export const incrementalCounts = { patched: 0, declined: 0 };

/** Characters compared at once when looking for where two versions of a text differ. */
const CHUNK = 1024;

/** More re-parsed definitions than this and the next edit re-parses the whole file. */
const MAX_FRAGMENTS = 64;

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
  readonly prefilter: RegExp;
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

  private constructor(
    private text: string,
    readonly tree: Tree,
    private readonly steps: Step[],
    private flows: readonly Flow[],
    private literalAssignments: readonly LiteralAssignment[],
    private secrets: Finding[],
    private piiCandidates: Finding[],
  ) {
    this.lines = LineIndex.of(text);
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
    const kept = steps.map((s) => ({
      start: s.node.startIndex,
      end: s.node.endIndex,
      type: s.node.type,
      alone: isAlone(s.node),
      env: s.env,
      bound: s.bound,
      flows: s.flows,
      literals: s.literals,
    }));
    return new IncrementalDocument(text, tree, kept, walker.flows, walker.literalAssignments, secrets, piiCandidates);
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
    if (text === old) return this.walked();
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
    this.apply(text, edit, replaced, flows, assignments, flowsFrom, flowsEnd, literalsFrom, literalsEnd);
    [this.secrets, this.piiCandidates] = literals;
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
    // A helper that now passes data on changes its callers' findings: the whole file is walked again.
    if (walker.summarisesWithin(node)) {
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
      steps: [{ ...step, end: range.end }],
      walker,
      fragment: { ...range, gap: false, tree },
    };
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
    this.flows = [
      ...this.flows.slice(0, flowsFrom),
      ...flows,
      ...this.flows.slice(flowsEnd).map((f) => moveFlow(f, delta, start)),
    ];
    this.literalAssignments = [
      ...this.literalAssignments.slice(0, literalsFrom),
      ...assignments,
      ...this.literalAssignments.slice(literalsEnd).map((l) => ({ ...l, span: moveSpan(l.span, delta) })),
    ];
    const flowShift = flows.length - (flowsEnd - flowsFrom);
    const literalShift = assignments.length - (literalsEnd - literalsFrom);
    const after = this.steps.slice(r.to);
    for (const s of after) {
      s.start += delta;
      s.end += delta;
      s.flows += flowShift;
      s.literals += literalShift;
      if (delta !== 0) s.env = movedTaints(s.env, start, delta);
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

  /** The re-parsable definition that holds [start, oldEnd) strictly inside, or -1. */
  private stepAround(start: number, oldEnd: number): number {
    let lo = 0;
    let hi = this.steps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.steps[mid].start <= start) lo = mid;
      else hi = mid - 1;
    }
    const s = this.steps[lo];
    return s && s.alone && s.start < start && oldEnd <= s.end ? lo : -1;
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
