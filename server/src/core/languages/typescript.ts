import type { RedactionFunction } from '../governance/model';
import type { TextEdit } from '../types';
import type { LanguageAdapter, SinkKind } from './adapter';
import { endOfLine, lastSegment, LLM_CLIENT_CALL, LLM_RECEIVERS, promptBuilders } from './common';
import type { CallShape, Dialect } from './flow';
import type { SyntaxNode, Tree } from './parsers';

const CONSOLE_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']);
const LOG_METHODS = new Set([
  'debug',
  'info',
  'warn',
  'warning',
  'error',
  'fatal',
  'trace',
  'log',
  'verbose',
  'silly',
  'http',
  'notice',
  'crit',
  'alert',
  'emerg',
]);
// The OpenAI v3 SDK's calls are methods of the client itself (`openai.createCompletion`).
const LLM_CALLS = new RegExp(`${LLM_CLIENT_CALL}|(^|\\.)(createCompletion|createChatCompletion|createEmbedding)$`);
const AI_SDK = /(^|\.)(generateText|streamText|generateObject|streamObject|embed|embedMany)$/;
const PROMPT_BUILDERS = promptBuilders(['fromTemplate', 'fromMessages']);
const LLM_METHODS = new Set([
  'invoke',
  'stream',
  'batch',
  'call',
  'query',
  'chat',
  'complete',
  'generateContent',
  'sendMessage',
]);
const UPLOAD_CALLS = /(^|\.)(uploadFile|uploadFiles|uploadFilesWithProgress)$|(^|\.)files\.create$/;
const COMPARISONS = new Set(['===', '!==', '==', '!=', '<', '>', '<=', '>=', 'instanceof', 'in']);
const OPAQUE = new Set([
  'number',
  'true',
  'false',
  'null',
  'undefined',
  'arrow_function',
  'function_expression',
  'regex',
  'type_annotation',
]);

function isLoggerName(receiver: string): boolean {
  // `logger.child({...}).info(...)`: a child logger is the same logger with more context.
  const base = receiver.replace(/\.child\((?:[^()]|\([^()]*\))*\)$/, '');
  const last = lastSegment(base).replace(/^_+/, '').toLowerCase();
  return (
    last === 'log' ||
    last === 'logger' ||
    last.endsWith('logger') ||
    last === 'winston' ||
    last === 'pino' ||
    last === 'bunyan'
  );
}

function sinkOf(shape: CallShape, bound: ReadonlyMap<string, SinkKind>): SinkKind | undefined {
  const { callee, receiver, method } = shape;
  // `console.log.apply(this, arguments)` and `.call(...)` call the same sink.
  if ((method === 'apply' || method === 'call') && receiver.includes('.'))
    return sinkOf(
      { callee: receiver, receiver: receiver.slice(0, receiver.lastIndexOf('.')), method: lastSegment(receiver) },
      bound,
    );
  if (callee === 'Promise.reject' || (!receiver && bound.get(callee) === 'exception')) return 'exception';
  if (
    (receiver === 'console' && CONSOLE_METHODS.has(method)) ||
    /^process\.(stdout|stderr)\.write$/.test(callee) ||
    bound.get(callee) === 'log'
  )
    return 'log';
  if (LOG_METHODS.has(method) && (isLoggerName(receiver) || bound.get(receiver) === 'log')) return 'log';
  // `logger.child(ctx)` logs `ctx` with every line after it.
  if (method === 'child' && isLoggerName(receiver)) return 'log';
  if (LLM_CALLS.test(callee) || AI_SDK.test(callee) || PROMPT_BUILDERS.test(callee)) return 'llm';
  if (LLM_METHODS.has(method) && LLM_RECEIVERS.test(lastSegment(receiver))) return 'llm';
  if (UPLOAD_CALLS.test(callee)) return 'upload';
  return undefined;
}

/** A parameter's name, or a placeholder for a destructured one (which no caller's argument maps to by name). */
function parameterName(p: SyntaxNode): { name: string; rest: boolean } {
  const pattern = p.childForFieldName('pattern') ?? p.childForFieldName('left') ?? p;
  if (pattern.type === 'rest_pattern') return { name: pattern.namedChildren[0]?.text ?? '...', rest: true };
  return { name: pattern.type === 'identifier' ? pattern.text : '', rest: false };
}

/** A function's name as a call writes it (`myLog`, `this.myLog`) and its parameters. */
function functionOf(scope: SyntaxNode): { name: string; params: string[]; rest?: string } | undefined {
  let name: string | undefined;
  if (scope.type === 'function_declaration' || scope.type === 'generator_function_declaration')
    name = scope.childForFieldName('name')?.text;
  else if (scope.type === 'method_definition') {
    const n = scope.childForFieldName('name')?.text;
    name = n && n !== 'constructor' ? `this.${n}` : undefined;
  } else if (scope.type === 'arrow_function' || scope.type === 'function_expression') {
    const parent = scope.parent;
    if (parent?.type === 'variable_declarator') name = parent.childForFieldName('name')?.text;
    else name = scope.childForFieldName('name')?.text;
  }
  if (!name || !/^[\w$.]+$/.test(name)) return undefined;
  const params: string[] = [];
  let rest: string | undefined;
  const single = scope.childForFieldName('parameter');
  const list = single ? [single] : (scope.childForFieldName('parameters')?.namedChildren ?? []);
  for (const p of list) {
    if (p.type === 'comment') continue;
    const { name: pn, rest: isRest } = parameterName(p);
    if (isRest) {
      rest = pn;
      break;
    }
    params.push(pn);
  }
  // A non-arrow function reads all its arguments through `arguments`.
  if (
    rest === undefined &&
    scope.type !== 'arrow_function' &&
    /\barguments\b/.test(scope.childForFieldName('body')?.text ?? '')
  )
    rest = 'arguments';
  return { name, params, rest };
}

function stringValue(n: SyntaxNode): string | undefined {
  if (n.type !== 'string' && n.type !== 'template_string') return undefined;
  let out = '';
  for (const c of n.namedChildren) {
    if (c.type === 'template_substitution') return undefined;
    if (c.type === 'string_fragment' || c.type === 'escape_sequence') out += c.text;
  }
  return out;
}

export const typescriptDialect: Dialect = {
  scopes: new Set([
    'function_declaration',
    'generator_function_declaration',
    'function_expression',
    'arrow_function',
    'method_definition',
    'class_declaration',
    'class',
  ]),
  assignments: {
    variable_declarator: { target: 'name', value: 'value' },
    assignment_expression: { target: 'left', value: 'right' },
    augmented_assignment_expression: { target: 'left', value: 'right', augmented: true },
  },
  identifiers: new Set(['identifier', 'shorthand_property_identifier']),
  members: { member_expression: { object: 'object', property: 'property' } },
  subscripts: { subscript_expression: { object: 'object', index: 'index' } },
  calls: {
    call_expression: { callee: 'function', args: 'arguments' },
    new_expression: { callee: 'constructor', args: 'arguments' },
  },
  interpolations: new Set(['template_substitution']),
  pairs: { pair: 'value' },
  raises: { throw_statement: 'throw' },
  definitionWrappers: new Set(['export_statement']),
  blocks: new Set(['statement_block']),
  shorthands: new Set(['shorthand_property_identifier']),
  conditionals: { ternary_expression: { field: 'condition' } },
  tuples: new Set(['array']),
  tuplePatterns: new Set(['array_pattern']),
  isOpaque(n) {
    if (OPAQUE.has(n.type)) return true;
    const op = n.childForFieldName('operator')?.text;
    if (n.type === 'binary_expression') return op !== undefined && COMPARISONS.has(op);
    if (n.type === 'unary_expression') return op === '!' || op === 'typeof' || op === 'void';
    return false;
  },
  stringValue,
  typedParameters(scope) {
    const params = scope.childForFieldName('parameters')?.namedChildren ?? [];
    return params.flatMap((p) => {
      const name = p.childForFieldName('pattern');
      const type = p.childForFieldName('type');
      return name?.type === 'identifier' && type ? [{ name, type: type.text.replace(/^:\s*/, '') }] : [];
    });
  },
  returns: new Set(['return_statement']),
  selfNames: new Set(['this']),
  functionOf,
  sources: [],
  wholeSources: new Map([['process.env', 'environment']]),
  keyReaders: new Set(['get']),
  factories: [
    {
      pattern:
        /(^|\.)(getLogger|createLogger|child)$|^(pino|debug|createDebug|bunyan|winston)$|^require\(["'](pino|debug|bunyan)["']\)$/,
      kind: 'log',
    },
  ],
  sinkOf,
};

/** Globals only a web page has. */
const BROWSER_GLOBALS = /\b(?:document\.|window\.|localStorage\b|sessionStorage\b|navigator\.)|^\s*["']use client["']/m;
/** What only Node.js code reads or imports: such a file may be a server, whatever else it touches. */
const NODE_SIGNS =
  /\b(?:require\s*\(|process\.|module\.exports\b|__dirname\b|__filename\b|Buffer\.)|\bfrom\s+["'](?:node:|fs\b|path\b|http\b|https\b|os\b|child_process\b|net\b|express\b|koa\b|fastify\b)/;

/** A file that touches the page's globals and nothing of Node.js runs in the browser. */
export function runsInBrowser(text: string): boolean {
  return BROWSER_GLOBALS.test(text) && !NODE_SIGNS.test(text);
}

/** Every match of `BROWSER_GLOBALS` and of `NODE_SIGNS` holds one of these words. */
const BROWSER_WORDS =
  /document|window|localStorage|sessionStorage|navigator|use client|require|process|module|__dirname|__filename|Buffer|from/;

/**
 * Whether `runsInBrowser` answers for `text` as it did (`was`) for `before`, the text before
 * `edit`. A match that starts or stops being one holds a word of `BROWSER_WORDS` on the edited
 * lines, or on the nearest line with code above or below them (a match runs across lines only
 * over white space: `require\n(`, `from\n'fs'`, `"use client"` after blank lines): when neither
 * text has one there, the answer stands, and the edit costs no pass over the whole file.
 */
export function runsInBrowserUnchanged(
  before: string,
  _was: boolean,
  text: string,
  edit: { readonly start: number; readonly oldEnd: number; readonly newEnd: number },
): boolean {
  return (
    !BROWSER_WORDS.test(aroundLines(before, edit.start, edit.oldEnd)) &&
    !BROWSER_WORDS.test(aroundLines(text, edit.start, edit.newEnd))
  );
}

/** The lines of [start, end) of `text`, with the nearest line that is not white space on either side. */
function aroundLines(text: string, start: number, end: number): string {
  const lineStart = (at: number) => (at <= 0 ? 0 : text.lastIndexOf('\n', at - 1) + 1);
  let from = lineStart(start);
  while (from > 0 && isSpace(text.charCodeAt(from - 1))) from--;
  from = lineStart(from);
  let to = text.indexOf('\n', end);
  to = to < 0 ? text.length : to;
  while (to < text.length && isSpace(text.charCodeAt(to))) to++;
  const next = text.indexOf('\n', to);
  return text.slice(from, next < 0 ? text.length : next);
}

function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0xfeff ||
    c === 0x2028 ||
    c === 0x2029 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x1680 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Names bound at the top of a module by `import` or `require`. */
function boundNames(tree: Tree): Set<string> {
  const names = new Set<string>();
  for (const stmt of tree.rootNode.namedChildren) {
    if (stmt.type === 'import_statement') {
      for (const id of stmt.descendantsOfType(['identifier'])) names.add(id.text);
    } else if (stmt.type === 'lexical_declaration' || stmt.type === 'variable_declaration') {
      for (const decl of stmt.namedChildren) {
        const value = decl.childForFieldName('value');
        if (!value || !/^(await\s+)?(require|import)\(/.test(value.text)) continue;
        const name = decl.childForFieldName('name');
        for (const id of name
          ? name.type === 'identifier'
            ? [name]
            : name.descendantsOfType(['identifier', 'shorthand_property_identifier_pattern'])
          : [])
          names.add(id.text);
      }
    }
  }
  return names;
}

function isRequireDeclaration(stmt: SyntaxNode): boolean {
  return (
    (stmt.type === 'lexical_declaration' || stmt.type === 'variable_declaration') && /=\s*require\(/.test(stmt.text)
  );
}

/**
 * Writes the declared import in the file's own style: CommonJS `require` when the file uses
 * it and has no `import`, and the file's quote and semicolon habits.
 */
function importInFileStyle(declared: string, tree: Tree): string {
  const top = tree.rootNode.namedChildren;
  const imports = top.filter((s) => s.type === 'import_statement');
  const requires = top.filter(isRequireDeclaration);
  const sample = imports[0] ?? requires[0];
  const quote = sample && /'/.test(sample.text) && !/"/.test(sample.text) ? "'" : sample ? '"' : undefined;
  const semicolon = sample ? sample.text.trimEnd().endsWith(';') : /;\s*$/.test(declared);
  const m = /^import\s+(\{[^}]*\}|[\w$]+|\*\s+as\s+[\w$]+)\s+from\s+(['"])(.+?)\2\s*;?\s*$/.exec(declared.trim());
  if (!m) return declared.trim();
  const [, clause, declaredQuote, module] = m;
  const q = quote ?? declaredQuote;
  const end = semicolon ? ';' : '';
  if (imports.length === 0 && requires.length > 0) {
    const binding = clause.startsWith('* as') ? clause.replace(/^\*\s+as\s+/, '') : clause.replace(/\s+as\s+/g, ': ');
    return `const ${binding} = require(${q}${module}${q})${end}`;
  }
  return `import ${clause} from ${q}${module}${q}${end}`;
}

function makeAdapter(
  id: 'typescript' | 'javascript',
  extensions: string[],
  languageIds: string[],
  grammarFor: (path: string) => string,
  grammars: string[],
): LanguageAdapter {
  return {
    id,
    // Code in one of the two is usually ported from or to the other: one declared function serves both.
    redactionFallback: id === 'typescript' ? 'javascript' : 'typescript',
    extensions,
    languageIds,
    grammars,
    grammarFor,
    lineComment: '//',
    statementLists: new Set(['program', 'statement_block', 'class_body', 'switch_body']),
    dialect: typescriptDialect,

    isInLiteral(tree: Tree, offset: number): boolean {
      for (let n: SyntaxNode | null = tree.rootNode.descendantForIndex(offset); n; n = n.parent) {
        if (n.type === 'comment') return false;
        if (n.type === 'string' || n.type === 'template_string')
          return n.parent?.type !== 'import_statement' && n.parent?.type !== 'export_statement';
      }
      return false;
    },

    importEdit(tree: Tree, text: string, redaction: RedactionFunction): TextEdit | undefined {
      if (!redaction.import) return undefined;
      if (boundNames(tree).has(redaction.function.split('.')[0])) return undefined;
      const line = importInFileStyle(redaction.import, tree);
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      const top = tree.rootNode.namedChildren;
      const last = [...top].reverse().find((s) => s.type === 'import_statement' || isRequireDeclaration(s));
      if (last) return { offset: endOfLine(text, last.endIndex), length: 0, newText: eol + line };
      // Below a leading 'use strict' / shebang / header comment block, else at the very top.
      let offset = 0;
      for (const s of top) {
        if (s.type === 'comment' || (s.type === 'expression_statement' && /^['"]use \w+['"];?$/.test(s.text)))
          offset = s.endIndex;
        else break;
      }
      if (offset === 0 && text.startsWith('#!')) offset = text.indexOf('\n') < 0 ? text.length : text.indexOf('\n');
      return offset === 0 ? { offset: 0, length: 0, newText: line + eol } : { offset, length: 0, newText: eol + line };
    },

    stringLiteral: (value) => JSON.stringify(value),
    runsInBrowser,
    runsInBrowserUnchanged,
  };
}

export const typescript = makeAdapter(
  'typescript',
  ['.ts', '.tsx', '.mts', '.cts'],
  ['typescript', 'typescriptreact'],
  (path) => (path.toLowerCase().endsWith('.tsx') ? 'tsx' : 'typescript'),
  ['typescript', 'tsx'],
);

export const javascript = makeAdapter(
  'javascript',
  ['.js', '.jsx', '.mjs', '.cjs'],
  ['javascript', 'javascriptreact'],
  () => 'javascript',
  ['javascript'],
);
