import type { RedactionFunction } from '../governance/model';
import type { TextEdit } from '../types';
import type { LanguageAdapter, SinkKind } from './adapter';
import { endOfLine, lastSegment, LLM_CLIENT_CALL, LLM_RECEIVERS, promptBuilders } from './common';
import type { CallShape, Dialect } from './flow';
import type { SyntaxNode, Tree } from './parsers';

const LOG_METHODS = new Set([
  'debug',
  'info',
  'warning',
  'warn',
  'error',
  'exception',
  'critical',
  'fatal',
  'log',
  'trace',
  'success',
  'msg',
]);
const STREAM_WRITES = new Set([
  'sys.stdout.write',
  'sys.stderr.write',
  'sys.stdout.writelines',
  'sys.stderr.writelines',
  'warnings.warn',
  'pprint',
  'pprint.pprint',
  'pp',
  'pprint.pp',
]);
const MLFLOW_METHODS = new Set([
  'log_param',
  'log_params',
  'log_text',
  'log_dict',
  'log_table',
  'log_input',
  'set_tag',
  'set_tags',
  'log_metric',
  'log_metrics',
]);
const LLM_CALLS = new RegExp(
  `${LLM_CLIENT_CALL}|(^|\\.)(ChatCompletion|Completion)\\.create$|^litellm\\.a?completion$`,
);
const PROMPT_BUILDERS = promptBuilders(['from_template', 'from_messages']);
const LLM_METHODS = new Set([
  'invoke',
  'ainvoke',
  'stream',
  'astream',
  'batch',
  'abatch',
  'query',
  'aquery',
  'chat',
  'achat',
  'complete',
  'acomplete',
  'generate_content',
  'send_message',
]);
const UPLOAD_METHODS = new Set(['push_to_hub', 'upload_file', 'upload_folder', 'upload_large_folder', 'create_commit']);
const OPAQUE = new Set([
  'comparison_operator',
  'not_operator',
  'integer',
  'float',
  'true',
  'false',
  'none',
  'lambda',
  'keyword_separator',
  'positional_separator',
]);

/** Receivers that are loggers by name: `logger`, `log`, `self.logger`, `audit_logger`, `LOG`. */
function isLoggerName(receiver: string): boolean {
  const last = lastSegment(receiver).replace(/^_+/, '').toLowerCase();
  return (
    last === 'log' ||
    last === 'logger' ||
    last.endsWith('_logger') ||
    last.endsWith('_log') ||
    last === 'logging' ||
    last === 'structlog'
  );
}

function sinkOf({ callee, receiver, method }: CallShape, bound: ReadonlyMap<string, SinkKind>): SinkKind | undefined {
  if (callee === 'print' || STREAM_WRITES.has(callee) || bound.get(callee) === 'log') return 'log';
  if (!receiver && bound.get(callee)) return bound.get(callee);
  if (
    LOG_METHODS.has(method) &&
    (isLoggerName(receiver) ||
      bound.get(receiver) === 'log' ||
      /(getLogger|get_logger)\(/.test(receiver) ||
      /^logging\.root$/.test(receiver))
  )
    return 'log';
  if (receiver === 'mlflow' && MLFLOW_METHODS.has(method)) return 'tracker';
  if (
    (receiver === 'wandb' || bound.get(receiver) === 'tracker') &&
    (method === 'log' || method === 'Table' || method === 'alert')
  )
    return 'tracker';
  if (
    (method === 'add_text' || method === 'add_embedding') &&
    (bound.get(receiver) === 'tracker' || /writer$/i.test(receiver))
  )
    return 'tracker';
  if (LLM_CALLS.test(callee) || PROMPT_BUILDERS.test(callee)) return 'llm';
  if (LLM_METHODS.has(method) && LLM_RECEIVERS.test(lastSegment(receiver))) return 'llm';
  if (UPLOAD_METHODS.has(method) || /(^|\.)files\.create$/.test(callee)) return 'upload';
  return undefined;
}

/** A function's name as a call writes it and its parameters; a method's first parameter (`self`) left out. */
function functionOf(scope: SyntaxNode): { name: string; params: string[]; rest?: string } | undefined {
  if (scope.type !== 'function_definition') return undefined;
  const name = scope.childForFieldName('name')?.text;
  if (!name) return undefined;
  let holder = scope.parent;
  if (holder?.type === 'decorated_definition') holder = holder.parent;
  const inClass = holder?.type === 'block' && holder.parent?.type === 'class_definition';
  const isStatic =
    scope.parent?.type === 'decorated_definition' && /@staticmethod\b/.test(scope.parent.text.slice(0, 200));
  const params: string[] = [];
  let rest: string | undefined;
  for (const p of scope.childForFieldName('parameters')?.namedChildren ?? []) {
    if (rest !== undefined) break;
    if (p.type === 'identifier') params.push(p.text);
    else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter')
      params.push(p.childForFieldName('name')?.text ?? '');
    else if (p.type === 'typed_parameter')
      params.push(p.namedChildren.find((c) => c.type === 'identifier')?.text ?? '');
    else if (p.type === 'list_splat_pattern') rest = p.namedChildren[0]?.text ?? '*';
    else if (p.type === 'dictionary_splat_pattern' || p.type === 'keyword_separator') break;
  }
  if (inClass && !isStatic) params.shift();
  return { name: inClass ? `self.${name}` : name, params, rest };
}

function stringValue(n: SyntaxNode): string | undefined {
  if (n.type === 'concatenated_string') {
    const parts = n.namedChildren.map(stringValue);
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  if (n.type !== 'string') return undefined;
  let out = '';
  for (const c of n.namedChildren) {
    if (c.type === 'interpolation') return undefined;
    if (c.type === 'string_content' || c.type === 'escape_sequence') out += c.text;
  }
  return out;
}

export const pythonDialect: Dialect = {
  scopes: new Set(['function_definition', 'class_definition', 'lambda']),
  assignments: {
    assignment: { target: 'left', value: 'right' },
    augmented_assignment: { target: 'left', value: 'right', augmented: true },
    named_expression: { target: 'name', value: 'value' },
  },
  identifiers: new Set(['identifier']),
  members: { attribute: { object: 'object', property: 'attribute' } },
  subscripts: { subscript: { object: 'value', index: 'subscript' } },
  calls: { call: { callee: 'function', args: 'arguments' } },
  interpolations: new Set(['interpolation']),
  pairs: { keyword_argument: 'value', pair: 'value' },
  raises: { raise_statement: 'raise' },
  definitionWrappers: new Set(['decorated_definition']),
  blocks: new Set(['block']),
  shorthands: new Set(),
  conditionals: { conditional_expression: { field: 'condition', child: 1 } },
  tuples: new Set(['expression_list', 'tuple', 'list']),
  tuplePatterns: new Set(['pattern_list', 'tuple_pattern', 'list_pattern']),
  isOpaque: (n) => OPAQUE.has(n.type),
  typedParameters(scope) {
    const params = scope.childForFieldName('parameters')?.namedChildren ?? [];
    return params.flatMap((p) => {
      if (p.type !== 'typed_parameter' && p.type !== 'typed_default_parameter') return [];
      const name = p.childForFieldName('name') ?? p.namedChildren.find((c) => c.type === 'identifier');
      const type = p.childForFieldName('type');
      return name && type ? [{ name, type: type.text }] : [];
    });
  },
  stringValue,
  returns: new Set(['return_statement']),
  selfNames: new Set(['self', 'cls']),
  functionOf,
  sources: [{ pattern: /^(getpass\.)?getpass$/, name: 'password' }],
  wholeSources: new Map([['os.environ', 'environment']]),
  keyReaders: new Set(['get', 'getenv']),
  factories: [
    { pattern: /(^|\.)(getLogger|get_logger|getChild|bind)$/, kind: 'log' },
    { pattern: /^wandb\.init$/, kind: 'tracker' },
    { pattern: /(^|\.)SummaryWriter$/, kind: 'tracker' },
  ],
  sinkOf,
};

/** The names an import statement binds at module level. */
function importedNames(stmt: SyntaxNode): string[] {
  const names: string[] = [];
  for (const n of stmt.childrenForFieldName('name')) {
    if (n.type === 'aliased_import') names.push(n.childForFieldName('alias')?.text ?? '');
    else names.push(stmt.type === 'import_statement' ? n.text.split('.')[0] : n.text);
  }
  if (stmt.namedChildren.some((c) => c.type === 'wildcard_import')) names.push('*');
  return names;
}

const IMPORT_TYPES = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

export const python: LanguageAdapter = {
  id: 'python',
  extensions: ['.py', '.pyw'],
  languageIds: ['python'],
  grammars: ['python'],
  grammarFor: () => 'python',
  lineComment: '#',
  statementLists: new Set(['module', 'block']),
  dialect: pythonDialect,

  isInLiteral(tree: Tree, offset: number): boolean {
    for (let n: SyntaxNode | null = tree.rootNode.descendantForIndex(offset); n; n = n.parent) {
      if (n.type === 'comment') return false;
      if (n.type === 'string') {
        // Module and function docstrings are prose about the code, not data in it.
        const parent = n.parent;
        return !(parent?.type === 'expression_statement' && parent.namedChildCount === 1);
      }
    }
    return false;
  },

  importEdit(tree: Tree, text: string, redaction: RedactionFunction): TextEdit | undefined {
    if (!redaction.import) return undefined;
    const bound = redaction.function.split('.')[0];
    const top = tree.rootNode.namedChildren;
    const imports = top.filter((c) => IMPORT_TYPES.has(c.type));
    if (imports.some((i) => importedNames(i).includes(bound) || i.text.trim() === redaction.import?.trim()))
      return undefined;
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const lastImport = imports[imports.length - 1];
    // After the whole line, so a trailing `# isort: skip` stays with its own import.
    if (lastImport) return { offset: endOfLine(text, lastImport.endIndex), length: 0, newText: eol + redaction.import };
    // No imports yet: after the module docstring, or at the top below shebang and coding lines.
    const first = top.find((c) => c.type !== 'comment');
    if (first && first.type === 'expression_statement' && first.namedChildren[0]?.type === 'string') {
      return { offset: endOfLine(text, first.endIndex), length: 0, newText: eol + redaction.import };
    }
    let offset = 0;
    for (const line of text.split(/(?<=\n)/)) {
      if (!/^#!|^#.*coding[:=]/.test(line)) break;
      offset += line.length;
    }
    return { offset, length: 0, newText: redaction.import + eol };
  },

  stringLiteral: (value) => JSON.stringify(value),
};
