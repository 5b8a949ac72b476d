import type { RedactionFunction } from '../governance/model';
import type { Catalog, Classification } from '../sensitivity/catalog';
import type { TextEdit } from '../types';
import type { Flow, LanguageAdapter, Sink } from './adapter';
import { isRedactingCall, lastSegment, spanOf } from './common';
import type { SyntaxNode, Tree } from './parsers';

const LOG_METHODS = new Set(['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log', 'trace', 'success', 'msg']);
const STREAM_WRITES = new Set(['sys.stdout.write', 'sys.stderr.write', 'sys.stdout.writelines', 'sys.stderr.writelines']);
const LOGGER_FACTORIES = /(^|\.)(getLogger|get_logger|getChild|bind|new)$/;

/** Receivers that are loggers by name: `logger`, `log`, `self.logger`, `audit_logger`, `LOG`. */
function isLoggerName(receiver: string): boolean {
  const last = lastSegment(receiver).replace(/^_+/, '').toLowerCase();
  return last === 'log' || last === 'logger' || last.endsWith('_logger') || last.endsWith('_log') || last === 'logging' || last === 'structlog';
}

/** Calls that return their (first) argument's data in another shape: taint passes through. */
const PASS_THROUGH = new Set(['str', 'repr', 'format', 'dumps', 'pformat', 'dict', 'list', 'tuple', 'set', 'sorted', 'reversed', 'vars', 'asdict', 'join', 'encode', 'decode']);
/** Methods on a string that take more data as arguments: `"{}".format(ssn)`, `", ".join(emails)`. */
const ARGUMENT_METHODS = new Set(['format', 'format_map', 'join', 'replace', 'append', 'extend', 'update']);
/** Methods whose result says something about the data, not the data itself. */
const SUMMARY_METHODS = new Set(['count', 'startswith', 'endswith', 'isdigit', 'isalpha', 'isalnum', 'isnumeric', 'islower', 'isupper', 'find', 'index', 'keys', '__len__']);
/** Expressions whose value is never the data: comparisons, `not`, `len(...)`-like checks. */
const OPAQUE_NODES = new Set(['comparison_operator', 'not_operator', 'integer', 'float', 'true', 'false', 'none', 'lambda', 'keyword_separator', 'positional_separator']);

interface Taint {
  readonly classification: Classification;
  /** Where the variable was assigned. */
  readonly offset: number;
}

type Env = Map<string, Taint>;

interface Hit {
  readonly node: SyntaxNode;
  readonly classification: Classification;
  readonly via?: { name: string; offset: number };
}

class PythonFlows {
  readonly flows: Flow[] = [];
  private readonly loggers = new Set<string>();

  constructor(
    private readonly catalog: Catalog,
    private readonly redaction: RedactionFunction | undefined,
  ) {}

  /** Walks statements in source order, so an assignment taints only the code after it. */
  walk(node: SyntaxNode, env: Env): void {
    switch (node.type) {
      case 'function_definition':
      case 'class_definition':
      case 'lambda': {
        // A nested scope sees the enclosing taints; its own assignments stay inside it.
        const inner = new Map(env);
        for (const c of node.namedChildren) if (c) this.walk(c, inner);
        return;
      }
      case 'assignment':
      case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (right) this.walk(right, env);
        if (left && right) this.assign(left, right, env, node.type === 'augmented_assignment');
        return;
      }
      case 'named_expression': {
        const name = node.childForFieldName('name');
        const value = node.childForFieldName('value');
        if (value) this.walk(value, env);
        if (name && value) this.assign(name, value, env, false);
        return;
      }
      case 'call': {
        const sink = this.sinkOf(node);
        if (sink) this.report(node, sink, env);
        break;
      }
    }
    for (const c of node.namedChildren) if (c) this.walk(c, env);
  }

  private assign(left: SyntaxNode, right: SyntaxNode, env: Env, augmented: boolean): void {
    const fn = right.type === 'call' ? right.childForFieldName('function') : null;
    if (fn && LOGGER_FACTORIES.test(fn.text) && left.type === 'identifier') this.loggers.add(left.text);
    const hits = this.hits(right, env);
    const targets = left.type === 'identifier' ? [left] : left.descendantsOfType('identifier').filter((n): n is SyntaxNode => n !== null);
    for (const t of targets) {
      if (hits.length > 0) env.set(t.text, { classification: hits[0].classification, offset: t.startIndex });
      else if (!augmented) env.delete(t.text);
    }
  }

  private sinkOf(call: SyntaxNode): Sink | undefined {
    const fn = call.childForFieldName('function');
    if (!fn) return undefined;
    const callee = fn.text;
    const span = spanOf(call);
    if (fn.type === 'identifier' && callee === 'print') return { kind: 'log', callee, span };
    if (fn.type !== 'attribute') return undefined;
    if (STREAM_WRITES.has(callee) || callee === 'warnings.warn') return { kind: 'log', callee, span };
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const receiver = fn.childForFieldName('object')?.text ?? '';
    if (LOG_METHODS.has(method) && (isLoggerName(receiver) || this.loggers.has(receiver))) return { kind: 'log', callee, span };
    return undefined;
  }

  private report(call: SyntaxNode, sink: Sink, env: Env): void {
    const args = call.childForFieldName('arguments');
    if (!args) return;
    const seen = new Set<number>();
    for (const arg of args.namedChildren) {
      if (!arg) continue;
      for (const h of this.hits(arg, env)) {
        if (seen.has(h.node.startIndex)) continue;
        seen.add(h.node.startIndex);
        const interpolation = enclosingInterpolation(h.node, arg);
        this.flows.push({
          sink,
          span: spanOf(h.node),
          interpolation: interpolation ? spanOf(interpolation) : undefined,
          classification: h.classification,
          via: h.via,
        });
      }
    }
  }

  /** The sensitive values an expression carries, each at the smallest node that carries it. */
  hits(n: SyntaxNode, env: Env): Hit[] {
    if (OPAQUE_NODES.has(n.type)) return [];
    switch (n.type) {
      case 'identifier': {
        const t = env.get(n.text);
        if (t) return [{ node: n, classification: t.classification, via: { name: n.text, offset: t.offset } }];
        return this.named(n, n.text);
      }
      case 'attribute': {
        const attr = n.childForFieldName('attribute');
        const own = attr ? this.named(n, attr.text) : [];
        if (own.length) return own;
        const obj = n.childForFieldName('object');
        return obj ? this.hits(obj, env) : [];
      }
      case 'subscript': {
        const key = n.childForFieldName('subscript');
        const keyName = key ? stringValue(key) : undefined;
        const own = keyName ? this.named(n, keyName) : [];
        if (own.length) return own;
        const value = n.childForFieldName('value');
        return value ? this.hits(value, env) : [];
      }
      case 'call':
        return this.callHits(n, env);
      case 'string':
        return n.namedChildren
          .filter((c): c is SyntaxNode => c?.type === 'interpolation')
          .flatMap((i) => {
            const e = i.childForFieldName('expression');
            return e ? this.hits(e, env) : [];
          });
      case 'keyword_argument':
      case 'pair': {
        const value = n.childForFieldName('value');
        return value ? this.hits(value, env) : [];
      }
      default:
        return n.namedChildren.flatMap((c) => (c ? this.hits(c, env) : []));
    }
  }

  private callHits(n: SyntaxNode, env: Env): Hit[] {
    const fn = n.childForFieldName('function');
    const args = n.childForFieldName('arguments');
    if (!fn) return [];
    if (isRedactingCall(fn.text, this.redaction)) return [];
    const name = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text ?? '' : fn.text;
    const argList = args?.namedChildren.filter((c): c is SyntaxNode => c !== null) ?? [];
    // row.get("ssn") reads a field as surely as row["ssn"].
    if (name === 'get' && argList[0]) {
      const key = stringValue(argList[0]);
      const own = key ? this.named(n, key) : [];
      if (own.length) return own;
    }
    // A getter whose name names the data: get_password(), load_api_key().
    const own = this.named(n, name);
    if (own.length) return own;
    const argHits = () => argList.flatMap((a) => this.hits(a, env));
    if (fn.type === 'attribute') {
      if (SUMMARY_METHODS.has(name)) return [];
      const receiver = fn.childForFieldName('object');
      const receiverHits = receiver ? this.hits(receiver, env) : [];
      return ARGUMENT_METHODS.has(name) || PASS_THROUGH.has(name) ? [...receiverHits, ...argHits()] : receiverHits;
    }
    return PASS_THROUGH.has(name) ? argHits() : [];
  }

  private named(node: SyntaxNode, name: string): Hit[] {
    const c = this.catalog.classify(name);
    return c ? [{ node, classification: c }] : [];
  }
}

/** The text of a plain string literal (no interpolation), or undefined. */
function stringValue(n: SyntaxNode): string | undefined {
  if (n.type !== 'string') return undefined;
  const parts = n.namedChildren.filter((c) => c?.type !== 'string_start' && c?.type !== 'string_end');
  if (parts.some((c) => c?.type === 'interpolation')) return undefined;
  return parts.map((c) => c?.text ?? '').join('');
}

/** The nearest `{...}` interpolation around `node`, without leaving `limit`. */
function enclosingInterpolation(node: SyntaxNode, limit: SyntaxNode): SyntaxNode | undefined {
  for (let p = node.parent; p && p.startIndex >= limit.startIndex && p.endIndex <= limit.endIndex; p = p.parent) {
    if (p.type === 'interpolation') return p;
  }
  return undefined;
}

/** The names an import statement binds at module level. */
function importedNames(stmt: SyntaxNode): string[] {
  const names: string[] = [];
  if (stmt.type === 'import_from_statement') {
    for (const n of stmt.childrenForFieldName('name')) {
      if (!n) continue;
      names.push(n.type === 'aliased_import' ? n.childForFieldName('alias')?.text ?? '' : n.text);
    }
    if (stmt.namedChildren.some((c) => c?.type === 'wildcard_import')) names.push('*');
  } else if (stmt.type === 'import_statement') {
    for (const n of stmt.childrenForFieldName('name')) {
      if (!n) continue;
      names.push(n.type === 'aliased_import' ? n.childForFieldName('alias')?.text ?? '' : n.text.split('.')[0]);
    }
  }
  return names;
}

const IMPORT_TYPES = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

export const python: LanguageAdapter = {
  id: 'python',
  grammar: 'python',
  extensions: ['.py', '.pyw'],
  lineComment: '#',

  findFlows(tree: Tree, catalog: Catalog, redaction: RedactionFunction | undefined): Flow[] {
    const walker = new PythonFlows(catalog, redaction);
    walker.walk(tree.rootNode, new Map());
    return walker.flows;
  },

  importEdit(tree: Tree, text: string, redaction: RedactionFunction): TextEdit | undefined {
    if (!redaction.import) return undefined;
    const bound = redaction.function.split('.')[0];
    const top = tree.rootNode.namedChildren.filter((c): c is SyntaxNode => c !== null);
    const imports = top.filter((c) => IMPORT_TYPES.has(c.type));
    if (imports.some((i) => importedNames(i).includes(bound) || i.text.trim() === redaction.import?.trim())) return undefined;
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const lastImport = imports[imports.length - 1];
    if (lastImport) return { offset: lastImport.endIndex, length: 0, newText: eol + redaction.import };
    // No imports yet: after the module docstring, or at the top below shebang and coding lines.
    const first = top.find((c) => c.type !== 'comment');
    if (first && first.type === 'expression_statement' && first.namedChildren[0]?.type === 'string') {
      return { offset: first.endIndex, length: 0, newText: eol + redaction.import };
    }
    let offset = 0;
    for (const line of text.split(/(?<=\n)/)) {
      if (!/^#!|^#.*coding[:=]/.test(line)) break;
      offset += line.length;
    }
    return { offset, length: 0, newText: redaction.import + eol };
  },

  stringLiteral(value: string): string {
    return JSON.stringify(value);
  },
};
