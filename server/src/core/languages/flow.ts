import type { RedactionFunction } from '../governance/model';
import type { Budget } from '../budget';
import type { Catalog, Classification } from '../sensitivity/catalog';
import type { Flow, Origin, Sink, SinkKind } from './sink';
import { isPlaceholderValue } from '../sensitivity/literals';
import { namesAKey } from '../sensitivity/names';
import { NOT_THE_DATA, splitWords } from '../sensitivity/words';
import { matchesCallee, type CustomFlow } from './custom';
import { isAuthKey, isOptionsArgument, isRedactingCall, lastSegment, spanOf } from './common';
import type { SyntaxNode } from './parsers';
import type { ColdDefinition } from './hot';
import { mayReturnData, SOURCES_WITHOUT_NAMES, summaryCounts, type LazySummaries } from './lazy';
import {
  MAX_PATH_STEPS,
  MAX_SUMMARISED_FUNCTIONS,
  MAX_SUMMARY_ROUNDS,
  isEmptySummary,
  summaryKey,
  type FunctionSummary,
  type ParamSink,
  type ReturnedElement,
  type SummaryTable,
} from './summaries';
import type { Prefilter } from '../sensitivity/prefilter';

/**
 * What a language's syntax tree looks like, as far as following data is concerned: which node
 * types assign, read members, call, interpolate. The walker below is the same for every
 * language; a dialect is the table that tells it how to read one grammar.
 */
export interface Dialect {
  /** Node types that open a scope: functions, classes, lambdas. */
  readonly scopes: ReadonlySet<string>;
  /** Assignment-like nodes, with the fields holding the target and the value. */
  readonly assignments: Readonly<Record<string, { target: string; value: string; augmented?: boolean }>>;
  readonly identifiers: ReadonlySet<string>;
  /** Member reads such as `a.b`: node type -> object and property fields. */
  readonly members: Readonly<Record<string, { object: string; property: string }>>;
  /** Index reads such as `a["b"]`: node type -> object and index fields. */
  readonly subscripts: Readonly<Record<string, { object: string; index: string }>>;
  /** Calls (and `new`): node type -> callee and arguments fields. */
  readonly calls: Readonly<Record<string, { callee: string; args: string }>>;
  /** String interpolation nodes (`{...}` in an f-string, `${...}` in a template literal). */
  readonly interpolations: ReadonlySet<string>;
  /** Key-value nodes whose value is data (`key=value`, `{key: value}`): node type -> value field. */
  readonly pairs: Readonly<Record<string, string>>;
  /**
   * Statements whose call becomes an exception message (`raise X(...)`, `throw new X(...)`):
   * node type -> the keyword the sink is named by.
   */
  readonly raises: Readonly<Record<string, string>>;
  /** Nodes that wrap a top-level definition (decorators, `export`): walked as the definition. */
  readonly definitionWrappers: ReadonlySet<string>;
  /** Nodes whose children are statements run in order: a function's or a branch's body. */
  readonly blocks: ReadonlySet<string>;
  /** Object shorthand properties (`{ password }`): the name is both the key and the value. */
  readonly shorthands: ReadonlySet<string>;
  /**
   * Conditional expressions, which carry their branches but never their condition: node type ->
   * the condition's field, or its position among the named children when it has no field.
   */
  readonly conditionals: Readonly<Record<string, { readonly field?: string; readonly child?: number }>>;
  /** Tuple and list literals (`a, b`, `[a, b]`): an unpacking assignment reads them element by element. */
  readonly tuples: ReadonlySet<string>;
  /** Unpacking targets (`a, b = ...`, `const [a, b] = ...`). */
  readonly tuplePatterns: ReadonlySet<string>;
  /** True for expressions whose value is never the data itself (comparisons, negations, numbers). */
  isOpaque(node: SyntaxNode): boolean;
  /** The text of a string literal without interpolation, or undefined. */
  stringValue(node: SyntaxNode): string | undefined;
  /** A scope's parameters that carry a type annotation: the name node and the type's text. */
  typedParameters(scope: SyntaxNode): { name: SyntaxNode; type: string }[];
  /** Variables assigned from these callees become sinks of that kind (loggers, trackers). */
  readonly factories: readonly { readonly pattern: RegExp; readonly kind: SinkKind }[];
  /** The kind of sink a call is, from its callee, or undefined. */
  sinkOf(call: CallShape, bound: ReadonlyMap<string, SinkKind>): SinkKind | undefined;
  /** Statements that return a value from a function. */
  readonly returns: ReadonlySet<string>;
  /** The names a method calls its own object by: `self` and `cls`, `this`. */
  readonly selfNames: ReadonlySet<string>;
  /**
   * A function's name as callers write it (`my_log`, `self.my_log` for a method) and its
   * parameters in call order, `self` left out; a rest parameter (`*args`, `...rest`) ends the
   * list as `rest`. Undefined for scopes that are not named functions.
   */
  functionOf(scope: SyntaxNode): { name: string; params: string[]; rest?: string } | undefined;
  /** Calls that return sensitive data whatever their name says (`getpass.getpass()`): callee pattern -> name classified. */
  readonly sources: readonly { readonly pattern: RegExp; readonly name: string }[];
  /** Objects that are sensitive as a whole (`process.env`, `os.environ`), and the name they are classified by. */
  readonly wholeSources: ReadonlyMap<string, string>;
  /** Methods that read a key given as their first argument: `row.get("ssn")`, `os.getenv("API_KEY")`. */
  readonly keyReaders: ReadonlySet<string>;
}

/** A call, split the way sink tables want it: `self.logger.info` is receiver `self.logger`, method `info`. */
export interface CallShape {
  readonly callee: string;
  readonly receiver: string;
  readonly method: string;
}

/** Calls that return their argument's data in another shape: taint passes through. */
const PASS_THROUGH = new Set([
  'str',
  'repr',
  'format',
  'dumps',
  'pformat',
  'dict',
  'list',
  'tuple',
  'set',
  'sorted',
  'reversed',
  'vars',
  'asdict',
  'join',
  'encode',
  'decode',
  'stringify',
  'String',
  'concat',
  'toString',
  'from',
  'assign',
  'values',
  'entries',
  'DataFrame',
  'Series',
  'json',
  'to_json',
  'to_dict',
  'model_dump',
  'inspect',
]);
/** Methods that take more data as arguments: `"{}".format(ssn)`, `", ".join(emails)`, `parts.push(ssn)`. */
const ARGUMENT_METHODS = new Set([
  'format',
  'format_map',
  'join',
  'replace',
  'append',
  'extend',
  'update',
  'concat',
  'push',
  'assign',
  'add',
  'insert',
]);
/** Methods whose result says something about the data, not the data itself. */
const SUMMARY_METHODS = new Set([
  'count',
  'startswith',
  'endswith',
  'isdigit',
  'isalpha',
  'isalnum',
  'isnumeric',
  'islower',
  'isupper',
  'find',
  'index',
  'keys',
  '__len__',
  'startsWith',
  'endsWith',
  'includes',
  'indexOf',
  'test',
  'has',
  'size',
  'length',
  'sum',
  'mean',
  'median',
  'std',
  'var',
  'min',
  'max',
  'nunique',
  'isna',
  'isnull',
  'notna',
  'notnull',
  'any',
  'all',
  'shape',
  'dtype',
  'dtypes',
]);

export interface Taint {
  readonly classification: Classification;
  readonly offset: number;
  /** The expression the value came from, when exactly one did (see `Origin`). */
  readonly origin?: Origin;
}

/**
 * How an expression is used where it is read. A whole record (or a dataset read from an
 * asset's location) leaks as a value or through a method that returns it whole
 * (`customer.to_dict()`, `df.head()`), not through `customer.id`.
 */
type Use = { readonly as: 'value' } | { readonly as: 'object' } | { readonly as: 'receiver'; readonly method: string };
const VALUE: Use = { as: 'value' };
const OBJECT: Use = { as: 'object' };

/** Methods that return the whole of the data they are called on, or a sample of it. */
const WHOLE_METHODS = new Set([
  'head',
  'tail',
  'sample',
  'to_dict',
  'to_json',
  'to_string',
  'to_csv',
  'to_markdown',
  'to_records',
  'to_list',
  'tolist',
  'dict',
  'json',
  'model_dump',
  'model_dump_json',
  'values',
  'items',
  'collect',
  'show',
  'take',
  'toJSON',
  'toString',
  'copy',
  'select',
  'filter',
  'map',
]);

/** Objects that stand for a person, and their fields that name them. */
const PERSONS =
  /^_*(current_?|the_?|auth_?|logged_?in_?)?(user|customer|person|member|patient|employee|author|owner)$/i;
// A user name is an account's handle, as the bare name `username` is taken to be: not the person's name.
const PERSON_NAMES = new Set(['name', 'displayName', 'display_name']);
const PERSON_NAME: Classification = {
  name: 'user_name',
  category: 'personal',
  crownJewel: false,
  source: 'builtin',
  lowConfidence: true,
};

const WHOLE_SOURCES = new Map<string, Classification>();
/** The classification of an object that is sensitive as a whole: the process environment holds its credentials. */
function wholeSource(name: string): Classification {
  let c = WHOLE_SOURCES.get(name);
  if (!c) WHOLE_SOURCES.set(name, (c = { name, category: 'credential', crownJewel: false, source: 'builtin' }));
  return c;
}

function isWhole(c: Classification): boolean {
  return c.record === true || c.viaLocation === true;
}

/** Whether a whole record reaches its use: as a value, or through a method that returns it whole. */
function wholeReaches(use: Use): boolean {
  return (
    use.as === 'value' || (use.as === 'receiver' && (WHOLE_METHODS.has(use.method) || PASS_THROUGH.has(use.method)))
  );
}

interface Hit {
  readonly node: SyntaxNode;
  readonly classification: Classification;
  readonly via?: { name: string; offset: number; origin?: Origin };
  /**
   * What the walk down to the node saw on the way: whether it is the object of a member read
   * or call, and the nearest interpolation around it. Asking the node's parents instead costs
   * a walk from the root per parent in tree-sitter, which is quadratic in a deep expression.
   */
  readonly found?: { readonly asObject: boolean; readonly interpolation?: SyntaxNode };
}

/**
 * The walk's state as `walkModule` reached one top-level statement: the taints and sink
 * bindings in force, and how many flows and literal assignments were found before it.
 */
export interface ModuleStep {
  readonly node: SyntaxNode;
  readonly env: ReadonlyMap<string, Taint>;
  readonly bound: ReadonlyMap<string, SinkKind>;
  readonly flows: number;
  readonly literals: number;
}

/** What walking one top-level definition produced, with offsets relative to its start. */
export interface CachedDefinition {
  readonly flows: readonly Flow[];
  readonly bound: readonly [string, SinkKind][];
  readonly literals: readonly { name: string; value: string; span: { offset: number; length: number } }[];
  /** For a function's entry (keyed apart from the definitions'), its summary, offsets absolute. */
  readonly summary?: FunctionSummary | null;
}

/** The key of a function's summary in the cache of definitions: its text and what it calls. */
const SUMMARY_PREFIX = '\u0001';

/** Options of one report: only one argument reaches the sink (a helper's parameter), through these helpers. */
interface Through {
  readonly param: number;
  readonly steps: ParamSink['steps'];
}

/** A function the summary pass reads. */
interface FunctionDef {
  readonly node: SyntaxNode;
  readonly name: string;
  readonly params: readonly string[];
  readonly rest?: string;
}

/** What a function being summarised returns, or one element of it: its parameters' data and other sensitive data. */
interface ReturnedTaint {
  readonly params: Set<number>;
  classification?: Classification;
}

/** True when a call to the function reaches sensitive data whatever its caller's text names. */
function readsOwnData(s: FunctionSummary): boolean {
  return s.returns !== undefined || s.sinks.some((p) => p.owned !== undefined);
}

/** Module constants per file entered as names (`nameConstants`); past it, the rest are read by their names. */
const MAX_NAME_CONSTANTS = 512;

/** Node types whose value is an object literal: later reads of its other fields are clean. */
const OBJECT_LITERALS = new Set(['dictionary', 'object']);
/** What a masking replacement writes instead of each character. */
const MASKING_REPLACEMENT = /^[*x#\u2022-]+$/i;

/** The flow with its offsets from `from` on moved by `by` (an edit before them changed their place). */
export function moveFlow(f: Flow, by: number, from = -Infinity): Flow {
  const move = <T extends { offset: number }>(x: T): T => (x.offset >= from ? { ...x, offset: x.offset + by } : x);
  return {
    ...f,
    sink: { ...f.sink, span: move(f.sink.span) },
    span: move(f.span),
    interpolation: f.interpolation && move(f.interpolation),
    via: f.via && { ...move(f.via), origin: f.via.origin && { ...f.via.origin, span: move(f.via.origin.span) } },
  };
}

/** A summary with its own first steps (the ones inside the function) moved by `by`. */
function moveSummary(s: FunctionSummary | undefined, by: number): FunctionSummary | undefined {
  if (!s || by === 0) return s;
  return {
    ...s,
    sinks: s.sinks.map((p) => ({
      ...p,
      steps: p.steps.map((x, i) => (i === 0 ? { ...x, span: { ...x.span, offset: x.span.offset + by } } : x)),
    })),
  };
}

/** Sinks whose receiver carries the data too: `dataset.push_to_hub(...)` uploads `dataset`. */
const RECEIVER_SINKS = new Set<SinkKind>(['upload']);

/**
 * How far up from a value an enclosing interpolation is looked for. Interpolations sit a few
 * levels above the value they hold; without a bound, a long chain of values in one expression
 * would be walked up once per value, which is quadratic.
 */
const MAX_INTERPOLATION_DEPTH = 64;
/**
 * Flows one file may yield. Past it the walk stops: thousands of values reaching sinks in one
 * file is generated or hostile code, and each finding costs fixes, fingerprints and masking.
 */
export const MAX_FLOWS = 10_000;

/**
 * Off, a scan reads every statement of the definitions it walks: for the tests that compare the
 * two, and for measuring. `passed` counts the statements passed over since the process started.
 */
export const quietStatements = { enabled: true, passed: 0 };

/**
 * Text that may assign: an `=` that is not part of a comparison (`==`, `!=`, `<=`, `>=`,
 * `===`) or an arrow (`=>`), or a shift that assigns (`<<=`, `>>=`). Keyword arguments read as
 * assignments too, which only keeps a statement that could have been passed over.
 */
const MAY_ASSIGN = /(?<![=!<>])=(?![=>])|<<=|>>=/;
/** Nodes visited between two looks at the clock: often enough to stop on time, rarely enough to cost nothing. */
const STEPS_PER_CLOCK_CHECK = 1024;

/** One pending step of the walk: a node to visit in an environment, or what to do once a subtree is done. */
type Step =
  | { readonly node: SyntaxNode; readonly env: Map<string, Taint>; readonly statement?: boolean }
  | { readonly then: () => void };

/** What an expression carries: the hits found at this node, or the parts whose hits, in order, are its own. */
type Carried = { readonly hits: Hit[] } | { readonly parts: readonly (readonly [SyntaxNode, Use])[] };
/** A part of an expression waiting to be read: the node, how it is used, and what was seen on the way to it. */
type Pending = readonly [SyntaxNode, Use, Hit['found']];

/**
 * Follows sensitive values through one file, scope by scope, in source order: an assignment
 * taints only what comes after it, and a reassignment with clean data clears it.
 */
export class FlowWalker {
  readonly flows: Flow[] = [];
  /** Plain string literals assigned to a single name, for the hard-coded credential check. */
  readonly literalAssignments: { name: string; value: string; span: { offset: number; length: number } }[] = [];
  private bound = new Map<string, SinkKind>();
  /** The summaries of the functions a call may reach: the file's own and those a shell gave. */
  private summaries = new Map<string, FunctionSummary>();
  /** Summary keys by their last segment, to find the ones a text mentions without scanning them all. */
  private summaryNames = new Map<string, string[]>();
  /** While a function is summarised: its parameters' stand-in classifications, by position. */
  private paramOf?: Map<Classification, number>;
  /** While a function is summarised: what its return statements return. */
  private returned?: {
    params: Set<number>;
    classification?: Classification;
    sink?: SinkKind;
    /** Per element, while every return so far returned a tuple literal of one length (or nothing sensitive); null once one did not. */
    elements?: ReturnedTaint[] | null;
  };
  /** The file's own module constants that hold a name (see `nameConstants`): exported with its functions. */
  private readonly ownConstants = new Set<string>();
  /** Fields of `self`/`this` given sensitive data in the definition being walked (`self.x = password`). */
  private fields = new Map<string, Taint>();
  /** Variables last given a literal or a redacted value: they hold no one's data, whatever they are called. */
  private readonly neutral = new Set<string>();
  /** While the arguments of an exception sink are read: any object built there is the error thrown. */
  private thrown = false;
  /** Variables last given an object literal, with what each of its keys holds: `config.hostname` is not `config.password`. */
  private readonly objects = new Map<string, Map<string, Taint>>();
  /** Set once the budget ran out or the flows reached `MAX_FLOWS`: the flows found so far are kept, the rest of the file is not read. */
  stoppedBy: 'time' | 'flows' | undefined;
  /** Set when a definition left out of the parse would have been walked: the file must be parsed and walked whole. */
  needsFull = false;
  /** False when the summaries still changed in the last round allowed: they are then not a fixed point. */
  summariesSettled = true;
  private steps = 0;
  /** The walked file's path, as other files' summaries name it: a path back into it is recursion. */
  private path?: string;
  /** While `walkModule` walks a scanned file: its prefilter, for passing over statements that cannot matter (see `quiet`). */
  private quietPrefilter?: Prefilter;
  /** Set when the file's functions are summarised on demand (`summariseLazily`), shared with the walkers that summarise them. */
  private lazy?: LazySummaries<FlowWalker>;

  get stopped(): boolean {
    return this.stoppedBy !== undefined;
  }

  constructor(
    private readonly d: Dialect,
    private readonly catalog: Catalog,
    private readonly redaction: RedactionFunction | undefined,
    private readonly budget?: Budget,
    /** The governance manifest's own sinks and sources for this language. */
    private readonly custom?: CustomFlow,
  ) {}

  /** Counts one step of work and says whether to stop: the budget is looked at every so many steps. */
  private mustStop(): boolean {
    if (this.stopped) return true;
    if (++this.steps % STEPS_PER_CLOCK_CHECK === 0 && this.budget?.expired()) this.stoppedBy = 'time';
    return this.stopped;
  }

  /**
   * Walks a whole file. A top-level function or class whose text cannot mention anything
   * sensitive (the catalog's prefilter) or any variable tainted so far is skipped unread:
   * most of a large file is, and reading a node costs a call into WASM.
   */
  walkModule(
    root: SyntaxNode,
    prefilter: Prefilter,
    previous?: ReadonlyMap<string, CachedDefinition>,
    steps?: ModuleStep[],
    cold?: readonly ColdDefinition[],
  ): Map<string, CachedDefinition> {
    const env = new Map<string, Taint>();
    const next = new Map<string, CachedDefinition>();
    // Without an earlier walk to reuse or steps to keep (a scan, not an editor), nothing is
    // remembered: a function is summarised only when the walk reaches a call to it.
    const remember = previous !== undefined || steps !== undefined;
    if (remember) this.summarise(root, previous, next);
    else this.summariseLazily(root, prefilter);
    // A scan reads each kept definition once: statements that cannot matter are passed over.
    this.quietPrefilter = !remember && quietStatements.enabled ? prefilter : undefined;
    // A definition that calls a function returning sensitive data reads it, whatever its own text says.
    // So does one that hands a logger to a helper logging data of its own.
    const returning = remember
      ? [...this.summaries].filter(([, s]) => readsOwnData(s)).map(([n]) => lastSegment(n))
      : [];
    let c = 0;
    for (const child of root.namedChildren) {
      this.fields.clear();
      if (this.stopped) break;
      // A definition left out of the parse is one this walk would skip: else the file is parsed whole.
      for (; cold && c < cold.length && cold[c].start < child.startIndex; c++)
        if (this.wouldWalk(cold[c].text, env)) this.needsFull = true;
      if (this.needsFull) break;
      steps?.push({
        node: child,
        env: new Map(env),
        bound: new Map(this.bound),
        flows: this.flows.length,
        literals: this.literalAssignments.length,
      });
      if (!this.isDefinition(child)) {
        this.walk(child, env);
        continue;
      }
      const text = child.text;
      const taintedHere = [...env.keys()].filter((name) => text.includes(name));
      if (!remember) {
        if (prefilter.test(text) || taintedHere.length > 0 || this.callsReturning(text)) this.walk(child, env);
        continue;
      }
      const calls = this.mentioned(text);
      if (!prefilter.test(text) && taintedHere.length === 0 && !returning.some((n) => text.includes(n))) continue;
      // A definition reads only its own text, the taints and the sink bindings it names: with
      // those unchanged, its flows are the same as last time, moved to where it now starts.
      const boundHere = [...this.bound].filter(([name]) => text.includes(name)).map(([n, k]) => `${n}=${k}`);
      // A flow through a taint assigned outside the definition names the line it was assigned
      // on, which does not move with the definition: such a definition is reused only in place.
      const place = taintedHere.length > 0 ? `@${child.startIndex}` : '';
      const key = `${text}\u0000${taintedHere.map((n) => `${n}:${env.get(n)!.classification.name}@${env.get(n)!.offset}`).join(',')}\u0000${boundHere.join(',')}${place}\u0000${summaryKey(this.summaries, calls)}`;
      // A definition that does not parse is read as error recovery decides, which its neighbours
      // can change: it is walked each time, never reused.
      const cached = child.hasError ? undefined : previous?.get(key);
      if (cached) {
        for (const f of cached.flows) this.flows.push(moveFlow(f, child.startIndex));
        for (const [n, k] of cached.bound) this.bound.set(n, k);
        for (const l of cached.literals)
          this.literalAssignments.push({ ...l, span: { ...l.span, offset: l.span.offset + child.startIndex } });
        next.set(key, cached);
        continue;
      }
      const flowsBefore = this.flows.length;
      const literalsBefore = this.literalAssignments.length;
      const boundBefore = new Map(this.bound);
      this.walk(child, env);
      // A definition the budget cut short is not remembered: its flows are incomplete.
      if (this.stopped) break;
      if (child.hasError) continue;
      next.set(key, {
        flows: this.flows.slice(flowsBefore).map((f) => moveFlow(f, -child.startIndex)),
        bound: [...this.bound].filter(([n, k]) => boundBefore.get(n) !== k),
        literals: this.literalAssignments
          .slice(literalsBefore)
          .map((l) => ({ ...l, span: { ...l.span, offset: l.span.offset - child.startIndex } })),
      });
    }
    for (; cold && c < cold.length && !this.stopped && !this.needsFull; c++)
      if (this.wouldWalk(cold[c].text, env)) this.needsFull = true;
    return next;
  }

  /**
   * Whether `walkModule` would walk a definition with this text, for one left out of the parse
   * (it names nothing sensitive): when it names a tainted variable or a function that may
   * return data. Read from the names alone, so that nothing is summarised out of turn.
   */
  private wouldWalk(text: string, env: ReadonlyMap<string, Taint>): boolean {
    for (const name of env.keys()) if (text.includes(name)) return true;
    const lazy = this.lazy;
    if (!lazy) return true;
    lazy.returning ??= mayReturnData(lazy.fns, this.summaries, lazy.prefilter);
    return lazy.returning.some((n) => text.includes(lastSegment(n)));
  }

  /** True for the top-level statements `walkModule` may skip or reuse: functions, classes, exports. */
  isDefinition(node: SyntaxNode): boolean {
    return this.d.scopes.has(node.type) || this.d.definitionWrappers.has(node.type);
  }

  /**
   * Walks one top-level definition alone, from the taints and sink bindings `walkModule` saw
   * before it (a `ModuleStep`), exactly as `walkModule` would have: skipped when its text names
   * nothing sensitive and no tainted variable. Returns the sink bindings after it.
   */
  walkAlone(
    node: SyntaxNode,
    bound: ReadonlyMap<string, SinkKind>,
    prefilter: Prefilter,
    env: Map<string, Taint>,
  ): Map<string, SinkKind> {
    this.bound.clear();
    this.fields.clear();
    for (const [n, k] of bound) this.bound.set(n, k);
    const text = node.text;
    // A statement that is not a definition is always walked, as `walkModule` walks it.
    if (
      !this.isDefinition(node) ||
      prefilter.test(text) ||
      [...env.keys()].some((name) => text.includes(name)) ||
      [...this.summaries].some(([n, s]) => readsOwnData(s) && text.includes(lastSegment(n)))
    )
      this.walk(node, env);
    return new Map(this.bound);
  }

  /** The summaries the walk used, by function name: what an incremental analysis keeps between edits. */
  summaryTable(): Map<string, FunctionSummary> {
    return new Map(this.summaries);
  }

  /** Takes the summaries of an earlier walk of the file instead of summarising its functions. */
  adoptSummaries(table: ReadonlyMap<string, FunctionSummary>): void {
    this.summaries = new Map();
    this.summaryNames = new Map();
    for (const [name, summary] of table) this.setSummary(name, summary);
  }

  /**
   * Takes the summaries of functions other files define, by the callee as this file's calls
   * write it (`my_log`, `log.my_log`): before `walkModule`, so that the file's own functions
   * and calls see them; a function of the file's own with the same name replaces its entry.
   */
  give(imported: SummaryTable, path?: string): void {
    this.path = path;
    for (const [name, summary] of imported) this.setSummary(name, summary);
  }

  /**
   * The summaries of the file's top-level functions, by name: what another file that imports
   * them sees. The file is summarised, not walked for flows.
   */
  exported(root: SyntaxNode): Map<string, FunctionSummary> {
    this.summariseLazily(root);
    const out = new Map<string, FunctionSummary>();
    for (const fn of this.lazy!.fns.values()) {
      if (fn.name.includes('.') || this.nested(fn.node)) continue;
      const summary = this.summaryOf(fn.name);
      if (summary) out.set(fn.name, summary);
    }
    for (const name of this.ownConstants) {
      const summary = this.summaries.get(name);
      if (summary?.nameOnly && !out.has(name)) out.set(name, summary);
    }
    return out;
  }

  /** True when a scope sits inside another: a nested function is not a module's export. */
  private nested(node: SyntaxNode): boolean {
    for (let p = node.parent; p; p = p.parent) if (this.d.scopes.has(p.type)) return true;
    return false;
  }

  /**
   * The scopes inside `node` (itself included), in source order, with the name callers use
   * when the scope is a named function: the summary pass reads the named ones, unless a name
   * is defined twice in the file, and only the file's first `MAX_SUMMARISED_FUNCTIONS` scopes.
   */
  scopesIn(node: SyntaxNode): { name?: string; offset: number }[] {
    return node
      .descendantsOfType([...this.d.scopes])
      .map((n) => ({ name: this.d.functionOf(n)?.name, offset: n.startIndex }));
  }

  /**
   * Summarises the named functions inside `roots` that `include` admits again, the adopted
   * summaries of the rest of the file held fixed, until none of theirs changes. False when
   * the rounds or the budget ran out first: the summaries are then not what a whole walk finds.
   */
  summariseAgain(roots: readonly SyntaxNode[], include: (name: string) => boolean): boolean {
    const fns = roots.flatMap((r) => this.functionsOf(r)).filter((fn) => include(fn.name));
    for (let round = 0; round < MAX_SUMMARY_ROUNDS; round++) {
      let changed = false;
      for (const fn of fns) {
        const before = summaryKey(this.summaries, [fn.name]);
        const summary = this.summariseOne(fn);
        if (this.stopped) return false;
        this.setSummary(fn.name, summary);
        if (summaryKey(this.summaries, [fn.name]) !== before) changed = true;
      }
      if (!changed) return true;
    }
    return false;
  }

  /** The summarised functions a text may call: those whose name, as its last segment, appears in it. */
  private mentioned(text: string): string[] {
    if (this.summaryNames.size === 0) return [];
    const out = new Set<string>();
    for (const word of text.match(/[A-Za-z_$][\w$]{0,127}/g) ?? [])
      for (const k of this.summaryNames.get(word) ?? []) out.add(k);
    return [...out].sort();
  }

  private setSummary(name: string, summary: FunctionSummary | undefined): void {
    const last = lastSegment(name);
    const names = this.summaryNames.get(last) ?? [];
    if (summary && !isEmptySummary(summary)) {
      this.summaries.set(name, summary);
      if (!names.includes(name)) this.summaryNames.set(last, [...names, name]);
      if (summary.returnsSink) {
        this.bound.set(`${name}()`, summary.returnsSink);
        this.lazy?.bound.set(`${name}()`, summary.returnsSink);
      }
    } else {
      this.summaries.delete(name);
      if (names.includes(name))
        this.summaryNames.set(
          last,
          names.filter((n) => n !== name),
        );
    }
  }

  /** The named functions of a file, by the name callers use; a name defined twice is left out, since a call could mean either. */
  private functionsOf(root: SyntaxNode): FunctionDef[] {
    const byName = new Map<string, FunctionDef | null>();
    const nodes = root.descendantsOfType([...this.d.scopes]);
    for (const node of nodes.slice(0, MAX_SUMMARISED_FUNCTIONS)) {
      const fn = this.d.functionOf(node);
      if (!fn) continue;
      byName.set(fn.name, byName.has(fn.name) ? null : { node, ...fn });
    }
    return [...byName.values()].filter((f): f is FunctionDef => f !== null);
  }

  /**
   * Summarises the file's functions bottom-up: each is walked with its parameters standing in
   * for data, seeing the summaries known so far, until no summary changes (recursion) or the
   * rounds run out. A summary is cached by the function's text and the summaries it uses.
   */
  private summarise(
    root: SyntaxNode,
    previous: ReadonlyMap<string, CachedDefinition> | undefined,
    next: Map<string, CachedDefinition>,
  ): void {
    this.nameConstants(root);
    const fns = this.functionsOf(root);
    for (let round = 0; round < MAX_SUMMARY_ROUNDS; round++) {
      let changed = false;
      for (const fn of fns) {
        if (this.stopped) return;
        const before = summaryKey(this.summaries, [fn.name]);
        // Cached with the function's own step relative to its start, so that an edit above it costs nothing.
        const key = `${SUMMARY_PREFIX}${fn.name}\u0000${fn.node.text}\u0000${summaryKey(this.summaries, this.mentioned(fn.node.text))}`;
        const cached = previous?.get(key) ?? next.get(key);
        const at = fn.node.startIndex;
        const summary = cached ? moveSummary(cached.summary ?? undefined, at) : this.summariseOne(fn);
        if (this.stopped) return;
        next.set(key, { flows: [], bound: [], literals: [], summary: moveSummary(summary, -at) ?? null });
        this.setSummary(fn.name, summary);
        if (summaryKey(this.summaries, [fn.name]) !== before) changed = true;
      }
      if (!changed) return;
    }
    this.summariesSettled = false;
  }

  /**
   * Prepares the file's functions to be summarised on demand: `summaryOf` summarises one when
   * a call to it is first reached, and the functions it calls in turn, each once. A walk of the
   * hot code then never pays for the functions it does not call.
   */
  private summariseLazily(root: SyntaxNode, prefilter?: Prefilter): void {
    // Module constants that hold a name are known before any call is read, as in a summary pass.
    this.nameConstants(root);
    const fns = new Map<string, FunctionDef>();
    for (const fn of this.functionsOf(root)) fns.set(fn.name, fn);
    this.lazy = { fns, state: new Map(), bound: new Map(this.bound), owner: this, prefilter, cyclic: false };
  }

  /**
   * The summary of a callee as written at a call. A function of the file not summarised yet is
   * summarised now. A call back into one still being summarised (recursion) sees what it has
   * so far; the functions summarised since the outermost one began are then summarised again,
   * in source order, until none changes: the fixed point a summary pass over the file reaches.
   */
  private summaryOf(callee: string): FunctionSummary | undefined {
    const lazy = this.lazy;
    const fn = lazy?.fns.get(callee);
    if (!lazy || !fn) return this.summaries.get(callee);
    const state = lazy.state.get(callee);
    if (state === 'active') lazy.cyclic = true;
    if (state !== undefined || this.stopped) return this.summaries.get(callee);
    const outermost = lazy.component === undefined;
    if (outermost) {
      lazy.component = [];
      lazy.cyclic = false;
    }
    lazy.state.set(callee, 'active');
    lazy.component!.push(fn);
    const summary = this.summariseOne(fn);
    lazy.state.set(callee, 'done');
    lazy.owner.setSummary(callee, summary);
    if (outermost) {
      if (lazy.cyclic && !this.settle(lazy.component!)) lazy.owner.summariesSettled = false;
      lazy.component = undefined;
    }
    return this.summaries.get(callee);
  }

  /** Summarises `component` again until no summary changes; false when the rounds or the budget ran out first. */
  private settle(component: FunctionDef[]): boolean {
    const lazy = this.lazy!;
    for (let round = 0; round < MAX_SUMMARY_ROUNDS; round++) {
      let changed = false;
      // Functions first reached in a round join the next one.
      for (const fn of [...component].sort((a, b) => a.node.startIndex - b.node.startIndex)) {
        const before = summaryKey(this.summaries, [fn.name]);
        const summary = this.summariseOne(fn);
        if (this.stopped) return false;
        lazy.owner.setSummary(fn.name, summary);
        if (summaryKey(this.summaries, [fn.name]) !== before) changed = true;
      }
      if (!changed) return true;
    }
    return false;
  }

  /**
   * Summarised on demand, binds `name()` to the sink a function of the file returns before
   * a lookup of it, as a summary pass before the walk would have.
   */
  private bindCall(text: string): void {
    if (!this.lazy || !text.endsWith('()')) return;
    const sink = this.summaryOf(text.slice(0, -2))?.returnsSink;
    if (sink) this.bound.set(text, sink);
  }

  /**
   * Whether a definition's text names a function whose return value carries sensitive data,
   * as `walkModule`'s test over every summary would find: only the functions that may return
   * such data (`mayReturnData`) and that the text names are summarised to find out.
   */
  private callsReturning(text: string): boolean {
    const lazy = this.lazy!;
    lazy.returning ??= mayReturnData(lazy.fns, this.summaries, lazy.prefilter);
    for (const name of lazy.returning)
      if (text.includes(lastSegment(name))) {
        // A helper that returns data, or logs data of its own on a logger it is handed.
        const summary = this.summaryOf(name);
        if (summary && readsOwnData(summary)) return true;
      }
    return false;
  }

  /** Walks one function with stand-ins for its parameters and reads off where they went. */
  private summariseOne(fn: FunctionDef): FunctionSummary | undefined {
    summaryCounts.summarised++;
    const w = new FlowWalker(this.d, this.catalog, this.redaction, this.budget, this.custom);
    w.summaries = this.summaries;
    w.summaryNames = this.summaryNames;
    w.path = this.path;
    w.lazy = this.lazy;
    // Summarised on demand, a function sees the bindings a summary pass before the walk would have, not the walk's.
    w.bound = new Map(this.lazy?.bound ?? this.bound);
    w.paramOf = new Map();
    w.returned = { params: new Set() };
    const env = new Map<string, Taint>();
    const names = fn.rest ? [...fn.params, fn.rest] : fn.params;
    names.forEach((p, i) => {
      if (!p) return;
      const stand: Classification = { name: p, crownJewel: false, source: 'builtin' };
      w.paramOf!.set(stand, names[i] === fn.rest ? -1 : i);
      env.set(p, { classification: stand, offset: fn.node.startIndex });
    });
    const body = fn.node.childForFieldName('body');
    if (!body) return undefined;
    // An arrow function's expression body is its return value.
    if (!this.d.scopes.has(body.type) && body.type !== 'block' && body.type !== 'statement_block')
      w.returnValue(body, env);
    w.walk(body, env);
    if (w.stoppedBy === 'time') this.stoppedBy = 'time';
    const sinks: ParamSink[] = [];
    const seen = new Set<string>();
    for (const f of w.flows) {
      // Data of the helper's own reaches a sink only through a logger its caller passes in.
      const owned = w.paramOf.has(f.classification) ? undefined : f.sink.receiver && f.classification;
      const param = owned ? f.sink.receiver!.param : w.paramOf.get(f.classification);
      if (param === undefined || (f.steps?.length ?? 0) >= MAX_PATH_STEPS) continue;
      // A recursive call reaches nothing its own body does not: the path would only repeat.
      if (f.steps?.some((x) => x.callee.startsWith(`${lastSegment(fn.name)}(`) && (!x.path || x.path === this.path)))
        continue;
      const id = `${param}:${f.sink.kind}:${f.sink.callee}:${f.sink.receiver?.param ?? ''}:${owned ? owned.name : ''}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const shown = param < 0 ? (fn.rest ?? '...') : names[param];
      sinks.push({
        param,
        kind: f.sink.kind,
        callee: f.sink.callee,
        steps: [{ callee: `${lastSegment(fn.name)}(${shown})`, span: f.sink.span }, ...(f.steps ?? [])],
        ...(f.sink.receiver ? { receiver: f.sink.receiver } : {}),
        ...(owned ? { owned } : {}),
      });
    }
    const r = w.returned;
    const elements: ReturnedElement[] | undefined = r.elements?.map((e) => ({
      params: [...e.params].sort(),
      ...(e.classification ? { returns: e.classification } : {}),
    }));
    return {
      sinks,
      returnsParams: [...r.params].sort(),
      returns: r.classification,
      returnsSink: r.sink,
      ...(elements && elements.length > 0 && (r.params.size > 0 || r.classification) ? { elements } : {}),
    };
  }

  /**
   * Enters the module's constants that hold a name rather than data as summaries: a top-level
   * name assigned once, a short string literal with no secret's shape (`API_KEY_KIND =
   * "api_key"`, `TOKEN_HEADER = "Authorization"`). Its name, or the name of the module it is
   * read from (`credential_secrets.API_KEY_KIND`), would otherwise be taken for the data. Held
   * with the summaries, they are seen by the file's functions, kept across
   * an edit inside a function, and exported to the files that import the module.
   */
  private nameConstants(root: SyntaxNode): void {
    const literals = new Map<string, string | null>();
    const note = (n: SyntaxNode) => {
      const a = this.d.assignments[n.type];
      const target = a && n.childForFieldName(a.target);
      const value = a && n.childForFieldName(a.value);
      if (!a || !target || !this.d.identifiers.has(target.type)) return;
      const literal = !a.augmented && value ? this.d.stringValue(value) : undefined;
      // A name assigned twice, or once from anything but a literal, may hold data after all.
      literals.set(target.text, literals.has(target.text) || literal === undefined ? null : literal);
    };
    for (const stmt of root.namedChildren) {
      if (this.d.scopes.has(stmt.type)) continue;
      note(stmt);
      for (const c of stmt.namedChildren) {
        if (this.d.scopes.has(c.type)) continue;
        note(c);
        for (const g of c.namedChildren) note(g);
      }
    }
    for (const [name, value] of literals) {
      if (this.ownConstants.size >= MAX_NAME_CONSTANTS) break;
      if (value === null || value.length > 64) continue;
      const isName = value.length < 8 || /\s/.test(value) || isPlaceholderValue(value) || namesAKey(name, value);
      if (!isName) continue;
      this.ownConstants.add(name);
      this.setSummary(name, { sinks: [], returnsParams: [], nameOnly: true });
    }
  }

  /** True for a name that is a module constant holding a name (its own file's or an imported module's). */
  private isNameConstant(name: string): boolean {
    return this.summaries.get(name)?.nameOnly === true;
  }

  /** Records what a return statement of the function being summarised returns. */
  private returnValue(value: SyntaxNode, env: Map<string, Taint>): void {
    const r = this.returned;
    if (!r || !this.paramOf) return;
    const text = value.text.replace(/\s+/g, '');
    const sink = this.sinkNamed(text);
    if (sink) r.sink ??= sink;
    const hits = this.hits(value, env);
    for (const h of hits) {
      const param = this.paramOf.get(h.classification);
      if (param !== undefined) r.params.add(param);
      else r.classification ??= h.classification;
    }
    this.returnElements(value, hits, env);
  }

  /** Records what each element of a returned tuple carries, while every return returns one of the same length. */
  private returnElements(value: SyntaxNode, hits: readonly Hit[], env: Map<string, Taint>): void {
    const r = this.returned!;
    if (r.elements === null) return;
    const parts = this.d.tuples.has(value.type) ? value.namedChildren : undefined;
    if (!parts || parts.length === 0 || parts.some((p) => /splat|spread/.test(p.type))) {
      // A return of nothing sensitive (`return None`) says nothing about the elements.
      if (hits.length > 0) r.elements = null;
      return;
    }
    if (r.elements && r.elements.length !== parts.length) {
      r.elements = null;
      return;
    }
    const elements = (r.elements ??= parts.map(() => ({ params: new Set<number>() }) as ReturnedTaint));
    parts.forEach((p, i) => {
      for (const h of this.hits(p, env)) {
        const param = this.paramOf!.get(h.classification);
        if (param !== undefined) elements[i].params.add(param);
        else elements[i].classification ??= h.classification;
      }
    });
  }

  /**
   * Walks a subtree in source order. The pending work is an explicit stack, not the call
   * stack, so that no depth of nesting can overflow it.
   */
  walk(root: SyntaxNode, env: Map<string, Taint>): void {
    const stack: Step[] = [{ node: root, env }];
    while (stack.length > 0) {
      if (this.mustStop()) return;
      const step = stack.pop()!;
      if ('then' in step) step.then();
      else if (!step.statement || !this.quiet(step.node, step.env)) this.visit(step.node, step.env, stack);
    }
  }

  /** One node of `walk`: what it does here, and its children pushed to be visited next, first child on top. */
  private visit(node: SyntaxNode, env: Map<string, Taint>, stack: Step[]): void {
    const children = (of: SyntaxNode, inEnv: Map<string, Taint>) => {
      const list = of.namedChildren;
      // Only a scan's walk has a quiet prefilter: a summary (its own walker) reads every statement,
      // since what each return gives is part of it.
      const statement = this.quietPrefilter !== undefined && this.d.blocks.has(of.type);
      for (let i = list.length - 1; i >= 0; i--) stack.push({ node: list[i], env: inEnv, statement });
    };
    const t = node.type;
    if (this.d.scopes.has(t)) {
      // A nested scope sees the enclosing taints; its own assignments stay inside it.
      const inner = new Map(env);
      // A parameter annotated with a record type holds a whole record: `def f(c: Customer)`.
      for (const p of this.d.typedParameters(node)) {
        const record = this.catalog.classifyRecord(p.type);
        if (record) inner.set(p.name.text, { classification: record, offset: p.name.startIndex });
        else inner.delete(p.name.text);
      }
      // What the scope learns of literals and object literals stays in it; its parameters are new names.
      const neutral = [...this.neutral];
      const objects = [...this.objects].map(([k, v]) => [k, new Map(v)] as const);
      const fn = this.d.functionOf(node);
      for (const p of fn ? [...fn.params, ...(fn.rest ? [fn.rest] : [])] : []) {
        this.neutral.delete(p);
        this.objects.delete(p);
      }
      stack.push({
        then: () => {
          this.neutral.clear();
          for (const n of neutral) this.neutral.add(n);
          this.objects.clear();
          for (const [k, v] of objects) this.objects.set(k, v);
        },
      });
      children(node, inner);
      return;
    }
    if (this.returned && this.d.returns.has(t)) {
      const value = node.namedChildren[0];
      if (value) this.returnValue(value, env);
    }
    const assignment = this.d.assignments[t];
    if (assignment) {
      const target = node.childForFieldName(assignment.target);
      const value = node.childForFieldName(assignment.value);
      // The value is walked first; the target is assigned once all of it has been.
      if (target && value) stack.push({ then: () => this.assign(target, value, env, assignment.augmented === true) });
      if (value) stack.push({ node: value, env });
      return;
    }
    const raise = this.d.raises[t];
    if (raise) {
      const thrown = node.namedChildren[0];
      if (thrown && this.d.calls[thrown.type]) {
        const shape = this.shape(thrown);
        if (shape)
          this.report(thrown, { kind: 'exception', callee: `${raise} ${shape.callee}`, span: spanOf(thrown) }, env);
      } else if (thrown) {
        // ``throw `${user.email}` `` and `throw message` throw the value itself.
        this.reportValues([thrown], { kind: 'exception', callee: raise, span: spanOf(thrown) }, env);
      }
    } else if (this.d.calls[t]) {
      const shape = this.shape(node);
      const kind = shape && this.sinkKindOf(shape);
      if (shape && kind) this.report(node, { kind, callee: shape.callee, span: spanOf(node) }, env);
      else if (shape && this.paramOf) {
        // Summarising, a call on a parameter is a sink if the caller passes one: `log.info(x)` in `def report(log, x)`.
        const receiver = this.paramNamed(shape.receiver === '' ? shape.callee : shape.receiver, env);
        if (receiver !== undefined)
          this.report(
            node,
            {
              kind: 'log',
              callee: shape.callee,
              span: spanOf(node),
              receiver: {
                param: receiver,
                method: shape.receiver === '' ? '' : shape.method,
              },
            },
            env,
          );
      }
      const summary = shape && this.summaryOf(shape.callee);
      if (summary)
        for (const s of summary.sinks) {
          const sink = s.receiver
            ? this.passedSink(node, s.receiver, s.callee, env)
            : { kind: s.kind, callee: s.callee, span: spanOf(node) };
          if (sink && s.owned) this.reportOwned(node, sink, s);
          else if (sink) this.report(node, sink, env, { param: s.param, steps: s.steps });
        }
      if (shape?.callee === 'Promise') this.bindReject(node);
    }
    children(node, env);
  }

  /**
   * Whether a statement of a scanned file can be passed over unread, decided when the walk
   * reaches it: it may assign nothing, and names nothing sensitive, no variable, field or
   * object literal's variable the walk holds, no function that may return data, no promise.
   * Reading it could then report nothing, since a flow needs data, and change nothing a later
   * statement reads: what the walk carries from one statement to the next (taints, sink
   * bindings, literal and object-literal variables, fields, a promise's reject) changes only
   * by assignment or by a promise's executor. Most statements of a function that names data
   * somewhere are such; the functions they call are summarised when a read statement calls them.
   */
  private quiet(node: SyntaxNode, env: ReadonlyMap<string, Taint>): boolean {
    const text = node.text;
    if (MAY_ASSIGN.test(text) || text.includes('Promise')) return false;
    if (this.quietPrefilter!.test(text) || SOURCES_WITHOUT_NAMES.test(text)) return false;
    for (const names of [env.keys(), this.fields.keys(), this.objects.keys()])
      for (const name of names) if (text.includes(name)) return false;
    const lazy = this.lazy;
    if (!lazy) return false;
    lazy.returning ??= mayReturnData(lazy.fns, this.summaries, lazy.prefilter);
    if (lazy.returning.some((n) => text.includes(lastSegment(n)))) return false;
    quietStatements.passed++;
    return true;
  }

  /** The sink kind of a call: the governance manifest's own sinks first, then the language's. */
  private sinkKindOf(shape: CallShape): SinkKind | undefined {
    // `get_logger().info(x)` is a log call when the helper returns a logger.
    this.bindCall(shape.callee);
    this.bindCall(shape.receiver);
    return (
      this.custom?.sinks.find((s) => matchesCallee(s.segments, shape.callee))?.kind ?? this.d.sinkOf(shape, this.bound)
    );
  }

  /** While a function is summarised: the position of the parameter a plain name holds, if it holds one. */
  private paramNamed(name: string, env: Map<string, Taint>): number | undefined {
    if (!this.paramOf || !/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
    const taint = env.get(name);
    const param = taint && this.paramOf.get(taint.classification);
    return param !== undefined && param >= 0 ? param : undefined;
  }

  /**
   * The sink a helper's call reaches through the argument passed as its `receiver` parameter:
   * `report(LOGGER, password)` logs when `report` calls `log.info` on its first parameter, and
   * `report(response, password)` does not. Summarising, an argument that is itself a parameter
   * passes the question on to the caller.
   */
  private passedSink(
    call: SyntaxNode,
    receiver: NonNullable<ParamSink['receiver']>,
    inside: string,
    env: Map<string, Taint>,
  ): Sink | undefined {
    const args = (call.childForFieldName(this.d.calls[call.type].args)?.namedChildren ?? []).filter(
      (a) => !this.d.pairs[a.type],
    );
    const arg = args[receiver.param];
    if (!arg) return undefined;
    const text = arg.text.replace(/\s+/g, '');
    if (text.length > 80) return undefined;
    const outer = this.paramNamed(text, env);
    if (outer !== undefined)
      return { kind: 'log', callee: inside, span: spanOf(call), receiver: { param: outer, method: receiver.method } };
    const callee = receiver.method ? `${text}.${receiver.method}` : text;
    const dot = callee.lastIndexOf('.');
    const kind = this.sinkKindOf({
      callee,
      receiver: dot < 0 ? '' : callee.slice(0, dot),
      method: lastSegment(callee),
    });
    return kind && { kind, callee, span: spanOf(call) };
  }

  /**
   * `report(LOGGER)` where `report` logs data of its own on the logger it is given: the flow is
   * at the logger passed, the path names the helper and the sink inside it.
   */
  private reportOwned(call: SyntaxNode, sink: Sink, s: ParamSink): void {
    const args = (call.childForFieldName(this.d.calls[call.type].args)?.namedChildren ?? []).filter(
      (a) => !this.d.pairs[a.type],
    );
    const arg = args[s.param];
    if (!arg || !s.owned) return;
    if (this.flows.length >= MAX_FLOWS) {
      this.stoppedBy = 'flows';
      return;
    }
    this.flows.push({ sink, span: spanOf(arg), classification: s.owned, form: 'passed', steps: s.steps });
  }

  /** `new Promise((resolve, reject) => ...)`: the executor's second parameter rejects the promise, a sink like `throw`. */
  private bindReject(call: SyntaxNode): void {
    const executor = call.childForFieldName(this.d.calls[call.type].args)?.namedChildren[0];
    const params = executor?.childForFieldName('parameters')?.namedChildren ?? [];
    const reject = params[1] && (params[1].childForFieldName('pattern') ?? params[1]);
    if (reject && this.d.identifiers.has(reject.type)) this.bound.set(reject.text, 'exception');
  }

  private shape(call: SyntaxNode): CallShape | undefined {
    const fn = call.childForFieldName(this.d.calls[call.type].callee);
    if (!fn) return undefined;
    const callee = fn.text.replace(/\s+/g, '');
    const dot = callee.lastIndexOf('.');
    return {
      callee: callee.length > 80 ? lastSegment(callee) : callee,
      receiver: dot < 0 ? '' : callee.slice(0, dot),
      method: lastSegment(callee),
    };
  }

  private assign(target: SyntaxNode, value: SyntaxNode, env: Map<string, Taint>, augmented: boolean): void {
    if (!augmented && this.d.tuplePatterns.has(target.type) && this.assignElements(target, value, env)) return;
    if (this.d.identifiers.has(target.type)) {
      const literal = this.d.stringValue(value);
      if (literal !== undefined)
        this.literalAssignments.push({ name: target.text, value: literal, span: spanOf(value) });
    }
    const valueCall = this.d.calls[value.type] ? this.shape(value) : undefined;
    const member = this.d.members[target.type];
    const onSelf = member && this.d.selfNames.has(target.childForFieldName(member.object)?.text ?? '');
    if (this.d.identifiers.has(target.type) || onSelf) {
      const name = target.text.replace(/\s+/g, '');
      const factory = valueCall && this.d.factories.find((f) => f.pattern.test(valueCall.callee));
      if (valueCall) this.bindCall(`${valueCall.callee}()`);
      // `foo = LOGGER`, `self.out = logger`, `log = get_logger()`: the new name is the same sink.
      const alias = valueCall
        ? this.bound.get(`${valueCall.callee}()`)
        : this.sinkNamed(value.text.replace(/\s+/g, ''));
      const kind = factory?.kind ?? alias;
      if (kind) this.bound.set(name, kind);
      else if (!augmented) this.bound.delete(name);
    }
    const hits = this.hits(value, env);
    if (onSelf) {
      // `self.api_key = key` in `__init__` is read by the other methods: a field of the object, not a local.
      const key = target.text.replace(/\s+/g, '');
      if (hits.length > 0)
        this.fields.set(key, {
          classification: hits[0].classification,
          offset: target.startIndex,
          origin: this.originOf(hits),
        });
      else if (!augmented) this.fields.delete(key);
      return;
    }
    if (this.d.identifiers.has(target.type) && !augmented) {
      // A literal, a redacted value or a name that says it is hashed holds no one's data.
      const words = splitWords(target.text.replace(/\d+$/, ''));
      if ((hits.length === 0 && this.isNeutral(value)) || words.some((w) => NOT_THE_DATA.has(w)))
        this.neutral.add(target.text);
      else this.neutral.delete(target.text);
      if (OBJECT_LITERALS.has(value.type)) this.objects.set(target.text, this.keysOf(value, env));
      else this.objects.delete(target.text);
    }
    const object = member && target.childForFieldName(member.object);
    const fieldsOfObject = object && this.objects.get(object.text);
    const prop = member && target.childForFieldName(member.property);
    if (fieldsOfObject && prop) {
      if (hits.length > 0)
        fieldsOfObject.set(prop.text, { classification: hits[0].classification, offset: target.startIndex });
      else fieldsOfObject.delete(prop.text);
    }
    // `models[name]["token"] = token` stores into `models`; the index `name` is only read.
    const names = this.d.identifiers.has(target.type)
      ? [target]
      : target.descendantsOfType([...this.d.identifiers]).filter((n) => !this.inIndex(n, target));
    // `hashed = digest_of(password)`: a name that says the value is hashed or masked is taken at its word.
    const neutralName =
      this.d.identifiers.has(target.type) &&
      splitWords(target.text.replace(/\d+$/, '')).some((w) => NOT_THE_DATA.has(w));
    if (neutralName) env.delete(target.text);
    for (const n of neutralName ? [] : names) {
      // `s += x` keeps what `s` held before: then no single expression is where its data came from.
      const origin = augmented && env.has(n.text) ? undefined : this.originOf(hits);
      if (hits.length > 0) env.set(n.text, { classification: hits[0].classification, offset: n.startIndex, origin });
      else if (!augmented) env.delete(n.text);
    }
  }

  /**
   * `base_url, api_key = url, key` and `base_url, api_key = connect(key)` when the helper's
   * summary says what each element of its return carries: each name gets its own element's
   * data. False when the unpacking cannot be read element by element (a starred target, a
   * length that differs, a call with no such summary): the whole value then taints every name.
   */
  private assignElements(target: SyntaxNode, value: SyntaxNode, env: Map<string, Taint>): boolean {
    const targets = target.namedChildren;
    if (
      targets.length === 0 ||
      targets.some((t) => !this.d.identifiers.has(t.type) && !this.d.members[t.type] && !this.d.subscripts[t.type])
    )
      return false;
    if (this.d.tuples.has(value.type)) {
      const values = value.namedChildren;
      if (values.length !== targets.length || values.some((v) => /splat|spread/.test(v.type))) return false;
      // Every value is read before any name is assigned: `a, b = b, a` swaps.
      const hits = values.map((v) => this.hits(v, env));
      targets.forEach((t, i) => {
        if (this.d.stringValue(values[i]) !== undefined) this.assign(t, values[i], env, false);
        else this.assignHits(t, values[i], hits[i], env);
      });
      return true;
    }
    if (!this.d.calls[value.type]) return false;
    const shape = this.shape(value);
    const elements = shape && this.summaries.get(shape.callee)?.elements;
    if (!shape || !elements || elements.length !== targets.length || isRedactingCall(shape.callee, this.redaction))
      return false;
    const args = (value.childForFieldName(this.d.calls[value.type].args)?.namedChildren ?? []).filter(
      (a) => !this.d.pairs[a.type],
    );
    const hits = elements.map((e) => [
      ...(e.returns ? [{ node: value, classification: e.returns }] : []),
      ...e.params.flatMap((j) => (j < 0 ? args : args[j] ? [args[j]] : []).flatMap((a) => this.hits(a, env))),
    ]);
    targets.forEach((t, i) => this.assignHits(t, value, hits[i], env));
    return true;
  }

  /** One target of an unpacking given the data of its element, as `assign` gives a whole value's. */
  private assignHits(target: SyntaxNode, value: SyntaxNode, hits: readonly Hit[], env: Map<string, Taint>): void {
    const member = this.d.members[target.type];
    if (member && this.d.selfNames.has(target.childForFieldName(member.object)?.text ?? '')) {
      const key = target.text.replace(/\s+/g, '');
      if (hits.length > 0)
        this.fields.set(key, {
          classification: hits[0].classification,
          offset: target.startIndex,
          origin: this.originOf(hits),
        });
      else this.fields.delete(key);
      return;
    }
    if (this.d.identifiers.has(target.type)) {
      this.bound.delete(target.text);
      this.objects.delete(target.text);
      if (hits.length === 0 && this.isNeutral(value)) this.neutral.add(target.text);
      else this.neutral.delete(target.text);
    }
    const names = this.d.identifiers.has(target.type)
      ? [target]
      : target.descendantsOfType([...this.d.identifiers]).filter((n) => !this.inIndex(n, target));
    for (const n of names) {
      if (hits.length > 0)
        env.set(n.text, { classification: hits[0].classification, offset: n.startIndex, origin: this.originOf(hits) });
      else env.delete(n.text);
    }
  }

  /** What each key of an object literal holds, for the keys that hold sensitive data. */
  private keysOf(literal: SyntaxNode, env: Map<string, Taint>): Map<string, Taint> {
    const out = new Map<string, Taint>();
    for (const entry of literal.namedChildren) {
      const keyNode = this.d.pairs[entry.type]
        ? entry.childForFieldName('key')
        : this.d.identifiers.has(entry.type)
          ? entry
          : null;
      if (!keyNode) continue;
      const hits = this.hits(entry, env);
      if (hits.length > 0)
        out.set(this.d.stringValue(keyNode) ?? keyNode.text, {
          classification: hits[0].classification,
          offset: entry.startIndex,
          origin: this.originOf(hits),
        });
    }
    return out;
  }

  /** The sink kind a name already stands for: bound earlier, or a logger by its name. */
  private sinkNamed(text: string): SinkKind | undefined {
    if (!/^[\w$.]{1,128}$/.test(text)) return undefined;
    return (
      this.bound.get(text) ??
      (this.d.sinkOf({ callee: `${text}.info`, receiver: text, method: 'info' }, this.bound) === 'log'
        ? 'log'
        : undefined)
    );
  }

  /** A value that is nobody's data: a literal, a constant, a redacting call, or a choice between such. */
  private isNeutral(value: SyntaxNode): boolean {
    // A short, spaced or placeholder literal is no secret (`"123"`, `"(hidden)"`); a real-looking
    // one is, and printing it leaks it further than the source file it is written in.
    const literal = this.d.stringValue(value);
    if (literal !== undefined)
      return (
        literal.length < 8 || /\s/.test(literal) || /^[(<[]\w*[)>\]]$/.test(literal) || isPlaceholderValue(literal)
      );
    if (this.d.isOpaque(value)) return true;
    const t = value.type;
    if (t === 'ternary_expression' || t === 'conditional_expression') {
      const condition =
        value.childForFieldName('condition') ?? (t === 'conditional_expression' ? value.namedChildren[1] : null);
      return value.namedChildren.filter((c) => c.id !== condition?.id).every((c) => this.isNeutral(c));
    }
    if (this.d.calls[t]) {
      const shape = this.shape(value);
      // `hashed1()` is as much a hash as `hashed()`.
      return shape !== undefined && isRedactingCall(shape.callee.replace(/\d+$/, ''), this.redaction);
    }
    return false;
  }

  /** True when `n` sits in a subscript's index (or a member's property) somewhere under `top`. */
  private inIndex(n: SyntaxNode, top: SyntaxNode): boolean {
    for (let c: SyntaxNode = n, p = n.parent; p && c.id !== top.id; c = p, p = p.parent) {
      const sub = this.d.subscripts[p.type];
      if (sub && p.childForFieldName(sub.index)?.id === c.id) return true;
    }
    return false;
  }

  private report(call: SyntaxNode, sink: Sink, env: Map<string, Taint>, through?: Through): void {
    const fields = this.d.calls[call.type];
    const args = (call.childForFieldName(fields.args)?.namedChildren ?? []).filter(
      (a, i) => !through || through.param < 0 || i === through.param,
    );
    // A helper's parameter is its position; keyword arguments name theirs, which a summary does not know.
    const positional = through && through.param >= 0 ? args.filter((a) => !this.d.pairs[a.type]) : args;
    this.reportValues(positional, sink, env, through, RECEIVER_SINKS.has(sink.kind) && !through ? call : undefined);
  }

  /** Reports the sensitive values the given expressions carry to a sink. */
  private reportValues(
    args: readonly SyntaxNode[],
    sink: Sink,
    env: Map<string, Taint>,
    through?: Through,
    receiverOf?: SyntaxNode,
  ): void {
    const thrown = this.thrown;
    this.thrown = sink.kind === 'exception';
    try {
      this.reportValuesOf(args, sink, env, through, receiverOf);
    } finally {
      this.thrown = thrown;
    }
  }

  private reportValuesOf(
    args: readonly SyntaxNode[],
    sink: Sink,
    env: Map<string, Taint>,
    through?: Through,
    receiverOf?: SyntaxNode,
  ): void {
    // The spans reported so far, by start: a call can carry very many values, so the lookup is a binary search.
    const reported: [number, number][] = [];
    const push = (h: Hit, within: SyntaxNode) => {
      const start = h.node.startIndex;
      const end = h.node.endIndex;
      let lo = 0;
      let hi = reported.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (reported[mid][0] <= start) lo = mid + 1;
        else hi = mid;
      }
      // One finding per value: a hit inside one already reported is the same data.
      if (lo > 0 && reported[lo - 1][1] >= end) return;
      reported.splice(lo, 0, [start, end]);
      if (this.flows.length >= MAX_FLOWS) {
        this.stoppedBy = 'flows';
        return;
      }
      const interpolation = h.found ? h.found.interpolation : this.enclosingInterpolation(h.node, within);
      this.flows.push({
        sink,
        span: spanOf(h.node),
        interpolation: interpolation && spanOf(interpolation),
        classification: h.classification,
        via: h.via,
        form: this.formOf(h.node, h.found?.asObject),
        ...(through ? { steps: through.steps } : {}),
      });
    };
    const authenticates = sink.kind === 'llm' || sink.kind === 'upload';
    for (const [i, arg] of args.entries()) {
      if (this.stopped) return;
      if (authenticates && i > 0 && this.d.identifiers.has(arg.type) && isOptionsArgument(arg.text)) continue;
      for (const h of this.hits(arg, env)) if (!authenticates || !this.underAuthKey(h.node, arg)) push(h, arg);
      // Uploading a path that is an asset's location uploads the asset.
      if (sink.kind === 'upload') for (const h of this.locatedStrings(arg)) push(h, arg);
    }
    if (receiverOf) {
      const fn = receiverOf.childForFieldName(this.d.calls[receiverOf.type].callee);
      const member = fn && this.d.members[fn.type];
      const receiver = member && fn.childForFieldName(member.object);
      if (receiver) for (const h of this.hits(receiver, env)) push(h, receiver);
    }
  }

  /** True when `node` is passed under an authentication key (`api_key=`, `headers: {...}`) within `arg`. */
  private underAuthKey(node: SyntaxNode, arg: SyntaxNode): boolean {
    for (
      let p: SyntaxNode | null = node;
      p && p.startIndex >= arg.startIndex && p.endIndex <= arg.endIndex;
      p = p.parent
    ) {
      if (this.d.shorthands.has(p.type) && isAuthKey(p.text)) return true;
      const key = this.d.pairs[p.type] ? (p.childForFieldName('name') ?? p.childForFieldName('key')) : null;
      if (key && isAuthKey(key.text)) return true;
    }
    return false;
  }

  /** Where the one sensitive value of an assignment came from: through a variable, that variable's origin. */
  private originOf(hits: readonly Hit[]): Origin | undefined {
    if (hits.length !== 1) return undefined;
    const [h] = hits;
    return h.via
      ? h.via.origin
      : { span: spanOf(h.node), text: h.node.text, form: this.formOf(h.node, h.found?.asObject) };
  }

  /** `{ password }` must be rewritten as `password: ...`; `ds.push_to_hub()` cannot be wrapped at `ds`. */
  private formOf(node: SyntaxNode, asObject?: boolean): Origin['form'] {
    if (this.d.shorthands.has(node.type)) return 'shorthand';
    if (asObject !== undefined) return asObject ? 'object' : 'value';
    const parent = node.parent;
    const member = parent ? (this.d.members[parent.type] ?? this.d.subscripts[parent.type]) : undefined;
    const object = member && parent ? parent.childForFieldName('object' in member ? member.object : '') : null;
    return object && object.startIndex === node.startIndex && object.endIndex === node.endIndex ? 'object' : 'value';
  }

  /** String literals under `root` that name an asset's location, in source order. */
  private locatedStrings(root: SyntaxNode): Hit[] {
    const out: Hit[] = [];
    const stack = [root];
    while (stack.length > 0 && !this.mustStop()) {
      const n = stack.pop()!;
      const value = this.d.stringValue(n);
      if (value !== undefined) {
        const located = this.catalog.classifyLocation(value);
        if (located) out.push({ node: n, classification: located });
        continue;
      }
      const list = n.namedChildren;
      for (let i = list.length - 1; i >= 0; i--) stack.push(list[i]);
    }
    return out;
  }

  private pairValue(n: SyntaxNode): string | undefined {
    const field = this.d.pairs[n.type];
    const v = field ? n.childForFieldName(field) : null;
    return v ? this.d.stringValue(v) : undefined;
  }

  /**
   * The sensitive values an expression carries, each at the smallest node that carries it, in
   * source order. Each node either carries hits itself or passes on to its parts (`carried`);
   * the parts wait on an explicit stack, so no depth of nesting can overflow the call stack.
   */
  private hits(root: SyntaxNode, env: Map<string, Taint>, use: Use = VALUE): Hit[] {
    const out: Hit[] = [];
    const stack: Pending[] = [[root, use, undefined]];
    while (stack.length > 0 && !this.mustStop()) {
      const [n, u, found] = stack.pop()!;
      const c = this.carried(n, env, u);
      if ('hits' in c) {
        for (const h of c.hits) out.push(found ? { ...h, found } : h);
        continue;
      }
      const interpolation = this.d.interpolations.has(n.type) ? n : found?.interpolation;
      for (let i = c.parts.length - 1; i >= 0; i--) {
        const [part, partUse] = c.parts[i];
        stack.push([part, partUse, { asObject: partUse.as !== 'value', interpolation }]);
      }
    }
    return out;
  }

  /** What one node of an expression carries, or which of its parts carry it. */
  private carried(n: SyntaxNode, env: Map<string, Taint>, use: Use): Carried {
    const none: Carried = { hits: [] };
    const t = n.type;
    if (this.d.isOpaque(n)) return none;
    if (this.d.identifiers.has(t)) {
      const taint = env.get(n.text);
      if (taint) {
        if (isWhole(taint.classification) && !wholeReaches(use)) return none;
        return {
          hits: [
            {
              node: n,
              classification: taint.classification,
              via: { name: n.text, offset: taint.offset, origin: taint.origin },
            },
          ],
        };
      }
      const own = this.neutral.has(n.text) || this.isNameConstant(n.text) ? [] : this.named(n, n.text);
      if (own.length || !wholeReaches(use)) return { hits: own };
      const record = this.catalog.classifyRecord(n.text);
      return { hits: record ? [{ node: n, classification: record }] : [] };
    }
    const member = this.d.members[t];
    if (member) {
      const prop = n.childForFieldName(member.property);
      // `ssn.length` is a fact about the value, not the value.
      if (prop && SUMMARY_METHODS.has(prop.text)) return none;
      const text = n.text.replace(/\s+/g, '');
      const field = this.fields.get(text);
      if (field)
        return {
          hits: [
            {
              node: n,
              classification: field.classification,
              via: { name: text, offset: field.offset, origin: field.origin },
            },
          ],
        };
      const declared = this.custom?.attributes.find((s) => matchesCallee(s.segments, text));
      if (declared) return { hits: [{ node: n, classification: declared.classification }] };
      // `secrets.API_KEY_KIND` of an imported module whose constant holds a name.
      if (this.isNameConstant(text)) return none;
      const whole = this.d.wholeSources.get(text);
      if (whole) return { hits: wholeReaches(use) ? [{ node: n, classification: wholeSource(whole) }] : [] };
      const own = prop ? this.named(n, prop.text) : [];
      if (own.length) return { hits: own };
      const obj = n.childForFieldName(member.object);
      // `user.name` is a person's name (a weak guess, reported as a note); `model.name` is not.
      if (prop && obj && PERSON_NAMES.has(prop.text) && PERSONS.test(lastSegment(obj.text)))
        return { hits: [{ node: n, classification: PERSON_NAME }] };
      // `config.x` after `config = {x: password, hostname: "db"}` is the password; `config.hostname` is not.
      const keys = obj && this.d.identifiers.has(obj.type) ? this.objects.get(obj.text) : undefined;
      if (keys && prop && use === VALUE) return this.fieldHit(n, obj!.text, prop.text, keys);
      // `config.hostname` after `config = {hostname, password}`: another field is not the credential.
      const held = obj && this.d.identifiers.has(obj.type) ? env.get(obj.text) : undefined;
      if (held && !isWhole(held.classification) && use === VALUE) return none;
      return obj ? { parts: [[obj, OBJECT]] } : none;
    }
    const subscript = this.d.subscripts[t];
    if (subscript) {
      const index = n.childForFieldName(subscript.index);
      const key = index ? this.d.stringValue(index) : undefined;
      const own = key ? this.named(n, key) : [];
      if (own.length) return { hits: own };
      const obj = n.childForFieldName(subscript.object);
      // `config["timeout"]` or `config[k]` after `config = {"password": ...}`: not the credential's field.
      const keys = obj && this.d.identifiers.has(obj.type) ? this.objects.get(obj.text) : undefined;
      if (keys && use === VALUE) return key === undefined ? none : this.fieldHit(n, obj!.text, key, keys);
      // Inside a helper, `values["lr"]` is one field of what the caller passed, not all of it.
      const held = obj && this.d.identifiers.has(obj.type) ? env.get(obj.text) : undefined;
      if (held && key !== undefined && this.paramOf?.has(held.classification)) return none;
      return obj ? { parts: [[obj, OBJECT]] } : none;
    }
    if (this.d.calls[t]) return this.callHits(n, use);
    // `shown ? password : "****"` carries the branches, never the condition.
    const conditional = this.d.conditionals[t];
    if (conditional) {
      const condition =
        (conditional.field ? n.childForFieldName(conditional.field) : null) ??
        (conditional.child !== undefined ? n.namedChildren[conditional.child] : null);
      return {
        parts: n.namedChildren.filter((c) => c !== condition && c.id !== condition?.id).map((c) => [c, VALUE] as const),
      };
    }
    const pairValue = this.d.pairs[t];
    if (pairValue && !this.d.interpolations.has(t)) {
      const v = n.childForFieldName(pairValue);
      if (!v) return none;
      const byKey = this.d.identifiers.has(v.type) && env.has(v.text) ? undefined : this.underSensitiveKey(n, v);
      return byKey ? { hits: [byKey] } : { parts: [[v, VALUE]] };
    }
    // An interpolation, or any other node: what its parts carry, each read as a value.
    return { parts: n.namedChildren.map((c) => [c, VALUE] as const) };
  }

  private fieldHit(n: SyntaxNode, object: string, key: string, keys: ReadonlyMap<string, Taint>): Carried {
    const f = keys.get(key);
    return {
      hits: f
        ? [
            {
              node: n,
              classification: f.classification,
              via: { name: `${object}.${key}`, offset: f.offset, origin: f.origin },
            },
          ]
        : [],
    };
  }

  /**
   * `{password: x}`: whatever `x` is, the object now holds it under that key. Not when the value
   * is nobody's data (a redacted value, a function, a variable last given a literal), nor a
   * literal under a credential's key (`{"password": "changeme"}` is reported where it is written);
   * a literal e-mail address under `email` is one.
   */
  private underSensitiveKey(pair: SyntaxNode, value: SyntaxNode): Hit | undefined {
    const keyNode = pair.childForFieldName('key') ?? pair.childForFieldName('name');
    if (!keyNode || pair.type === 'keyword_argument') return undefined;
    const key = this.d.stringValue(keyNode) ?? keyNode.text;
    const c = this.catalog.classify(key);
    if (!c) return undefined;
    if (this.d.stringValue(value) !== undefined)
      return c.category === 'credential' ? undefined : { node: value, classification: c };
    if (this.isNeutral(value) || (this.d.identifiers.has(value.type) && this.neutral.has(value.text))) return undefined;
    if (this.d.calls[value.type] || this.d.scopes.has(value.type)) return undefined;
    if (this.d.identifiers.has(value.type) || this.d.members[value.type] || this.d.subscripts[value.type])
      return { node: value, classification: c };
    return undefined;
  }

  private callHits(n: SyntaxNode, use: Use = VALUE): Carried {
    const none: Carried = { hits: [] };
    const fields = this.d.calls[n.type];
    const shape = this.shape(n);
    if (!shape) return none;
    if (isRedactingCall(shape.callee, this.redaction)) return none;
    const args = n.childForFieldName(fields.args)?.namedChildren ?? [];
    const name = shape.method;
    // `password.replace(/./g, "*")` masks every character: what is left says nothing.
    if (
      (name === 'replace' || name === 'replaceAll') &&
      args[1] &&
      MASKING_REPLACEMENT.test(this.d.stringValue(args[1]) ?? '') &&
      args[0] &&
      this.masksEveryCharacter(args[0])
    )
      return none;
    const declared = this.custom?.calls.find((s) => matchesCallee(s.segments, shape.callee));
    if (declared) return { hits: [{ node: n, classification: declared.classification }] };
    const source = this.d.sources.find((s) => s.pattern.test(shape.callee));
    if (source) return { hits: this.named(n, source.name) };
    const summary = this.summaryOf(shape.callee);
    if (summary?.returns) return { hits: [{ node: n, classification: summary.returns }] };
    if (summary && summary.returnsParams.length > 0)
      return {
        parts: summary.returnsParams.includes(-1)
          ? args.map((a) => [a, VALUE] as const)
          : summary.returnsParams.filter((i) => args[i]).map((i) => [args[i], VALUE] as const),
      };
    // row.get("ssn") reads a field as surely as row["ssn"]; os.getenv("API_KEY") a credential.
    if (this.d.keyReaders.has(name) && args[0]) {
      const key = this.d.stringValue(args[0]);
      const own = key ? this.named(n, key) : [];
      if (own.length) return { hits: own };
      // Inside a helper, `values.get("lr")` is one field of what the caller passed, not all of it.
      const receiver = shape.receiver;
      if (key !== undefined && this.paramOf && [...this.paramOf.keys()].some((c) => c.name === receiver)) return none;
    }
    // A getter whose name names the data: get_password(), loadApiKey().
    const own = this.named(n, name);
    if (own.length) return { hits: own };
    // Reading from an asset's location yields the asset's data: read_parquet("s3://crm/...").
    for (const a of args) {
      const value = this.d.stringValue(a) ?? this.pairValue(a);
      const located = value !== undefined ? this.catalog.classifyLocation(value) : undefined;
      if (located) return { hits: wholeReaches(use) ? [{ node: n, classification: located }] : [] };
    }
    const argParts = args.map((a) => [a, VALUE] as const);
    const fn = n.childForFieldName(fields.callee);
    const member = fn && this.d.members[fn.type];
    if (member) {
      if (SUMMARY_METHODS.has(name)) return none;
      const receiver = fn.childForFieldName(member.object);
      // `user.uuid()` on `user = {email, ...}` calls one of its functions, not a copy of its data.
      if (receiver && this.objects.has(receiver.text) && !WHOLE_METHODS.has(name) && !PASS_THROUGH.has(name))
        return none;
      const receiverParts = receiver ? [[receiver, { as: 'receiver', method: name }] as const] : [];
      return {
        parts: ARGUMENT_METHODS.has(name) || PASS_THROUGH.has(name) ? [...receiverParts, ...argParts] : receiverParts,
      };
    }
    // `new PermissionDenied("for " + user.email)`: an error built from data holds it in its message. Other
    // objects are not followed: `new ChatModel({apiKey})` authenticates the client, it is not its data.
    const error = n.type === 'new_expression' && (this.thrown || /(Error|Exception)$/.test(name));
    return PASS_THROUGH.has(name) || error ? { parts: argParts } : none;
  }

  /** `/./g`, `/[\s\S]/g`, `new RegExp(".", "g")`: a pattern that, replaced globally, leaves no character of the value. */
  private masksEveryCharacter(pattern: SyntaxNode): boolean {
    if (/^\/(\.|\[\s\S\]|\\[wdS]|\[\^?[^\]]*\])[+*]?\/g/.test(pattern.text)) return true;
    if (pattern.type !== 'new_expression' || !/^RegExp$/.test(this.shape(pattern)?.callee ?? '')) return false;
    const [source, flags] = pattern.childForFieldName(this.d.calls[pattern.type].args)?.namedChildren ?? [];
    const text = source && this.d.stringValue(source);
    // An unescaped `.` matches every character; flags not written out are taken to be global.
    if (text === undefined || !/(^|[^\\])\./.test(text)) return false;
    const f = flags && this.d.stringValue(flags);
    return flags !== undefined && (f === undefined || f.includes('g'));
  }

  private named(node: SyntaxNode, name: string): Hit[] {
    const c = this.catalog.classify(name);
    return c ? [{ node, classification: c }] : [];
  }

  /** The nearest interpolation around `node`, without leaving `limit`. */
  private enclosingInterpolation(node: SyntaxNode, limit: SyntaxNode): SyntaxNode | undefined {
    let up = 0;
    for (
      let p = node.parent;
      p && up++ < MAX_INTERPOLATION_DEPTH && p.startIndex >= limit.startIndex && p.endIndex <= limit.endIndex;
      p = p.parent
    ) {
      if (this.d.interpolations.has(p.type)) return p;
    }
    return undefined;
  }
}
