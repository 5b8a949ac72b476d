import type { RedactionFunction } from '../governance/model';
import type { Budget } from '../budget';
import type { Catalog, Classification } from '../sensitivity/catalog';
import type { Flow, Origin, Sink, SinkKind } from './sink';
import { isAuthKey, isOptionsArgument, isRedactingCall, lastSegment, spanOf } from './common';
import type { SyntaxNode } from './parsers';

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
  /** Object shorthand properties (`{ password }`): the name is both the key and the value. */
  readonly shorthands: ReadonlySet<string>;
  /**
   * Conditional expressions, which carry their branches but never their condition: node type ->
   * the condition's field, or its position among the named children when it has no field.
   */
  readonly conditionals: Readonly<Record<string, { readonly field?: string; readonly child?: number }>>;
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
}

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
/** Nodes visited between two looks at the clock: often enough to stop on time, rarely enough to cost nothing. */
const STEPS_PER_CLOCK_CHECK = 1024;

/** One pending step of the walk: a node to visit in an environment, or what to do once a subtree is done. */
type Step = { readonly node: SyntaxNode; readonly env: Map<string, Taint> } | { readonly then: () => void };

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
  private readonly bound = new Map<string, SinkKind>();
  /** Set once the budget ran out or the flows reached `MAX_FLOWS`: the flows found so far are kept, the rest of the file is not read. */
  stoppedBy: 'time' | 'flows' | undefined;
  private steps = 0;

  get stopped(): boolean {
    return this.stoppedBy !== undefined;
  }

  constructor(
    private readonly d: Dialect,
    private readonly catalog: Catalog,
    private readonly redaction: RedactionFunction | undefined,
    private readonly budget?: Budget,
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
    prefilter: RegExp,
    previous?: ReadonlyMap<string, CachedDefinition>,
    steps?: ModuleStep[],
  ): Map<string, CachedDefinition> {
    const env = new Map<string, Taint>();
    const next = new Map<string, CachedDefinition>();
    for (const child of root.namedChildren) {
      if (this.stopped) break;
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
      if (!prefilter.test(text) && taintedHere.length === 0) continue;
      // A definition reads only its own text, the taints and the sink bindings it names: with
      // those unchanged, its flows are the same as last time, moved to where it now starts.
      const boundHere = [...this.bound].filter(([name]) => text.includes(name)).map(([n, k]) => `${n}=${k}`);
      // A flow through a taint assigned outside the definition names the line it was assigned
      // on, which does not move with the definition: such a definition is reused only in place.
      const place = taintedHere.length > 0 ? `@${child.startIndex}` : '';
      const key = `${text}\u0000${taintedHere.map((n) => `${n}:${env.get(n)!.classification.name}@${env.get(n)!.offset}`).join(',')}\u0000${boundHere.join(',')}${place}`;
      const cached = previous?.get(key);
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
      next.set(key, {
        flows: this.flows.slice(flowsBefore).map((f) => moveFlow(f, -child.startIndex)),
        bound: [...this.bound].filter(([n, k]) => boundBefore.get(n) !== k),
        literals: this.literalAssignments
          .slice(literalsBefore)
          .map((l) => ({ ...l, span: { ...l.span, offset: l.span.offset - child.startIndex } })),
      });
    }
    return next;
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
    prefilter: RegExp,
    env: Map<string, Taint>,
  ): Map<string, SinkKind> {
    this.bound.clear();
    for (const [n, k] of bound) this.bound.set(n, k);
    const text = node.text;
    if (prefilter.test(text) || [...env.keys()].some((name) => text.includes(name))) this.walk(node, env);
    return new Map(this.bound);
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
      else this.visit(step.node, step.env, stack);
    }
  }

  /** One node of `walk`: what it does here, and its children pushed to be visited next, first child on top. */
  private visit(node: SyntaxNode, env: Map<string, Taint>, stack: Step[]): void {
    const children = (of: SyntaxNode, inEnv: Map<string, Taint>) => {
      const list = of.namedChildren;
      for (let i = list.length - 1; i >= 0; i--) stack.push({ node: list[i], env: inEnv });
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
      children(node, inner);
      return;
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
          this.report(
            thrown,
            {
              kind: 'exception',
              callee: `${raise} ${shape.callee}`,
              span: spanOf(thrown),
            },
            env,
          );
      }
    } else if (this.d.calls[t]) {
      const shape = this.shape(node);
      const kind = shape && this.d.sinkOf(shape, this.bound);
      if (shape && kind) this.report(node, { kind, callee: shape.callee, span: spanOf(node) }, env);
    }
    children(node, env);
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
    if (this.d.identifiers.has(target.type)) {
      const literal = this.d.stringValue(value);
      if (literal !== undefined)
        this.literalAssignments.push({ name: target.text, value: literal, span: spanOf(value) });
    }
    const valueCall = this.d.calls[value.type] ? this.shape(value) : undefined;
    if (valueCall && this.d.identifiers.has(target.type)) {
      const factory = this.d.factories.find((f) => f.pattern.test(valueCall.callee));
      if (factory) this.bound.set(target.text, factory.kind);
    }
    const hits = this.hits(value, env);
    // `models[name]["token"] = token` stores into `models`; the index `name` is only read.
    const names = this.d.identifiers.has(target.type)
      ? [target]
      : target.descendantsOfType([...this.d.identifiers]).filter((n) => !this.inIndex(n, target));
    for (const n of names) {
      // `s += x` keeps what `s` held before: then no single expression is where its data came from.
      const origin = augmented && env.has(n.text) ? undefined : this.originOf(hits);
      if (hits.length > 0) env.set(n.text, { classification: hits[0].classification, offset: n.startIndex, origin });
      else if (!augmented) env.delete(n.text);
    }
  }

  /** True when `n` sits in a subscript's index (or a member's property) somewhere under `top`. */
  private inIndex(n: SyntaxNode, top: SyntaxNode): boolean {
    for (let c: SyntaxNode = n, p = n.parent; p && c.id !== top.id; c = p, p = p.parent) {
      const sub = this.d.subscripts[p.type];
      if (sub && p.childForFieldName(sub.index)?.id === c.id) return true;
    }
    return false;
  }

  private report(call: SyntaxNode, sink: Sink, env: Map<string, Taint>): void {
    const fields = this.d.calls[call.type];
    const args = call.childForFieldName(fields.args);
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
      });
    };
    const authenticates = sink.kind === 'llm' || sink.kind === 'upload';
    for (const [i, arg] of (args?.namedChildren ?? []).entries()) {
      if (this.stopped) return;
      if (authenticates && i > 0 && this.d.identifiers.has(arg.type) && isOptionsArgument(arg.text)) continue;
      for (const h of this.hits(arg, env)) if (!authenticates || !this.underAuthKey(h.node, arg)) push(h, arg);
      // Uploading a path that is an asset's location uploads the asset.
      if (sink.kind === 'upload') for (const h of this.locatedStrings(arg)) push(h, arg);
    }
    if (RECEIVER_SINKS.has(sink.kind)) {
      const fn = call.childForFieldName(fields.callee);
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
  private formOf(node: SyntaxNode, asObject?: boolean): Flow['form'] {
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
      const own = this.named(n, n.text);
      if (own.length || !wholeReaches(use)) return { hits: own };
      const record = this.catalog.classifyRecord(n.text);
      return { hits: record ? [{ node: n, classification: record }] : [] };
    }
    const member = this.d.members[t];
    if (member) {
      const prop = n.childForFieldName(member.property);
      // `ssn.length` is a fact about the value, not the value.
      if (prop && SUMMARY_METHODS.has(prop.text)) return none;
      const own = prop ? this.named(n, prop.text) : [];
      if (own.length) return { hits: own };
      const obj = n.childForFieldName(member.object);
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
      return v ? { parts: [[v, VALUE]] } : none;
    }
    // An interpolation, or any other node: what its parts carry, each read as a value.
    return { parts: n.namedChildren.map((c) => [c, VALUE] as const) };
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
      /^[*x#\u2022-]+$/i.test(this.d.stringValue(args[1]) ?? '') &&
      /^\/(\.|\[\s\S\]|\\[wdS]|\[\^?[^\]]*\])[+*]?\/g/.test(args[0]?.text ?? '')
    )
      return none;
    // row.get("ssn") reads a field as surely as row["ssn"].
    if (name === 'get' && args[0]) {
      const key = this.d.stringValue(args[0]);
      const own = key ? this.named(n, key) : [];
      if (own.length) return { hits: own };
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
      const receiverParts = receiver ? [[receiver, { as: 'receiver', method: name }] as const] : [];
      return {
        parts: ARGUMENT_METHODS.has(name) || PASS_THROUGH.has(name) ? [...receiverParts, ...argParts] : receiverParts,
      };
    }
    return PASS_THROUGH.has(name) ? { parts: argParts } : none;
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
