import type { SyntaxNode } from '../parsers';
import { resolveEs, resolvePython, type ModuleHost } from './resolve';

/**
 * A name a file binds from another workspace module: `my_log` from `from utils.log import
 * my_log`, `log` for the whole of `utils/log.py` from `import utils.log as log`.
 */
export interface Binding {
  /** The name as the file's calls write it: `my_log`, `log`, `utils.log`. */
  readonly local: string;
  /** The module's path, as the host names it. */
  readonly from: string;
  /** The export bound (`default` for a default import), `*` for all of them unqualified, or undefined for the module as a namespace. */
  readonly imported?: string;
}

/** How one module links to others: what it imports, and what it exports under names other than its functions'. */
export interface ModuleLinks {
  readonly imports: readonly Binding[];
  /** Exports that are another name for something the module holds: `export {f as g}`, `module.exports = f` (`default`). */
  readonly aliases: readonly { readonly name: string; readonly local: string }[];
  /** Exports that pass on another module's: `export {f} from './m'`, Python's `from .m import f` in a package. */
  readonly reexports: readonly { readonly name: string; readonly from: string; readonly imported: string }[];
  /** Modules whose every export is passed on: `export * from './m'`. */
  readonly stars: readonly string[];
}

/** Imports per module file read; past it, the rest are not followed. */
const MAX_IMPORTS = 512;

const stringOf = (n: SyntaxNode | null | undefined): string | undefined => {
  if (!n || n.type !== 'string') return undefined;
  const fragment = n.namedChildren.filter((c) => c.type === 'string_fragment' || c.type === 'string_content');
  return fragment.length === 1 ? fragment[0].text : fragment.length === 0 ? '' : undefined;
};

/** The links of a Python module: `import`, `from ... import`, relative imports and packages. */
function pythonLinks(root: SyntaxNode, path: string, host: ModuleHost): ModuleLinks {
  const imports: Binding[] = [];
  const reexports: { name: string; from: string; imported: string }[] = [];
  for (const stmt of root.namedChildren) {
    if (imports.length >= MAX_IMPORTS) break;
    if (stmt.type === 'import_statement') {
      for (const n of stmt.childrenForFieldName('name')) {
        const aliased = n.type === 'aliased_import';
        const dotted = aliased ? n.childForFieldName('name')?.text : n.text;
        const from = dotted && resolvePython(host, path, dotted);
        if (!from) continue;
        imports.push({ local: aliased ? (n.childForFieldName('alias')?.text ?? dotted) : dotted, from });
      }
      continue;
    }
    if (stmt.type !== 'import_from_statement') continue;
    const moduleName = stmt.childForFieldName('module_name')?.text.replace(/\s+/g, '');
    if (!moduleName) continue;
    const sep = moduleName.endsWith('.') ? '' : '.';
    const module = resolvePython(host, path, moduleName);
    if (stmt.namedChildren.some((c) => c.type === 'wildcard_import')) {
      if (module) imports.push({ local: '*', from: module, imported: '*' });
      continue;
    }
    for (const n of stmt.childrenForFieldName('name')) {
      const aliased = n.type === 'aliased_import';
      const name = aliased ? n.childForFieldName('name')?.text : n.text;
      if (!name) continue;
      const local = aliased ? (n.childForFieldName('alias')?.text ?? name) : name;
      // `from pkg import log` binds the submodule `pkg/log.py` when there is one, else a name of `pkg`.
      const sub = resolvePython(host, path, `${moduleName}${sep}${name}`);
      if (sub) imports.push({ local, from: sub });
      else if (module) {
        imports.push({ local, from: module, imported: name });
        // A name imported into a module is one of its names too: packages pass helpers on this way.
        reexports.push({ name: local, from: module, imported: name });
      }
    }
  }
  return { imports, aliases: [], reexports, stars: [] };
}

/** `require("./m")`'s specifier, or undefined for any other expression. */
function requireOf(n: SyntaxNode | null | undefined): string | undefined {
  if (!n || n.type !== 'call_expression' || n.childForFieldName('function')?.text !== 'require') return undefined;
  const args = n.childForFieldName('arguments')?.namedChildren ?? [];
  return args.length === 1 ? stringOf(args[0]) : undefined;
}

/** `{f, g: h}` as export names and the local names they stand for. */
function objectAliases(obj: SyntaxNode): { name: string; local: string }[] {
  const out: { name: string; local: string }[] = [];
  for (const c of obj.namedChildren) {
    if (c.type === 'shorthand_property_identifier') out.push({ name: c.text, local: c.text });
    else if (c.type === 'pair') {
      const key = c.childForFieldName('key');
      const value = c.childForFieldName('value');
      if (key && value?.type === 'identifier') out.push({ name: stringOf(key) ?? key.text, local: value.text });
    }
  }
  return out;
}

/** The links of an ES or CommonJS module: `import`, `export ... from`, `require`, `module.exports`. */
function esLinks(root: SyntaxNode, path: string, host: ModuleHost): ModuleLinks {
  const imports: Binding[] = [];
  const aliases: { name: string; local: string }[] = [];
  const reexports: { name: string; from: string; imported: string }[] = [];
  const stars: string[] = [];
  const resolve = (s: string | undefined) => (s === undefined ? undefined : resolveEs(host, path, s));
  for (const stmt of root.namedChildren) {
    if (imports.length + reexports.length >= MAX_IMPORTS) break;
    if (stmt.type === 'import_statement') {
      const from = resolve(stringOf(stmt.childForFieldName('source')));
      const clause = stmt.namedChildren.find((c) => c.type === 'import_clause');
      if (!from || !clause) continue;
      for (const c of clause.namedChildren) {
        if (c.type === 'identifier') imports.push({ local: c.text, from, imported: 'default' });
        else if (c.type === 'namespace_import') {
          const id = c.namedChildren.find((x) => x.type === 'identifier');
          if (id) imports.push({ local: id.text, from });
        } else if (c.type === 'named_imports')
          for (const s of c.namedChildren.filter((x) => x.type === 'import_specifier')) {
            const name = s.childForFieldName('name')?.text;
            if (name) imports.push({ local: s.childForFieldName('alias')?.text ?? name, from, imported: name });
          }
      }
      continue;
    }
    if (stmt.type === 'export_statement') {
      const source = stmt.childForFieldName('source');
      const clause = stmt.namedChildren.find((c) => c.type === 'export_clause');
      const specifiers = clause?.namedChildren.filter((x) => x.type === 'export_specifier') ?? [];
      if (source) {
        const from = resolve(stringOf(source));
        if (!from) continue;
        if (!clause && !stmt.namedChildren.some((c) => c.type === 'namespace_export')) stars.push(from);
        for (const s of specifiers) {
          const name = s.childForFieldName('name')?.text;
          if (name) reexports.push({ name: s.childForFieldName('alias')?.text ?? name, from, imported: name });
        }
        continue;
      }
      for (const s of specifiers) {
        const name = s.childForFieldName('name')?.text;
        if (name) aliases.push({ name: s.childForFieldName('alias')?.text ?? name, local: name });
      }
      const isDefault = stmt.children.some((c) => c.type === 'default');
      const value = stmt.childForFieldName('value');
      const declared = stmt.childForFieldName('declaration')?.childForFieldName('name');
      if (isDefault && value?.type === 'identifier') aliases.push({ name: 'default', local: value.text });
      else if (isDefault && declared) aliases.push({ name: 'default', local: declared.text });
      continue;
    }
    if (stmt.type === 'lexical_declaration' || stmt.type === 'variable_declaration') {
      for (const d of stmt.namedChildren.filter((c) => c.type === 'variable_declarator')) {
        const from = resolve(requireOf(d.childForFieldName('value')));
        const name = d.childForFieldName('name');
        if (!from || !name) continue;
        if (name.type === 'identifier') {
          // `const log = require("./log")` is the module, and also what `module.exports = f` made it.
          imports.push({ local: name.text, from });
          imports.push({ local: name.text, from, imported: 'default' });
        } else if (name.type === 'object_pattern')
          for (const p of name.namedChildren) {
            if (p.type === 'shorthand_property_identifier_pattern')
              imports.push({ local: p.text, from, imported: p.text });
            else if (p.type === 'pair_pattern') {
              const key = p.childForFieldName('key');
              const value = p.childForFieldName('value');
              if (key && value?.type === 'identifier')
                imports.push({ local: value.text, from, imported: stringOf(key) ?? key.text });
            }
          }
      }
      continue;
    }
    const assignment = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    if (assignment?.type !== 'assignment_expression') continue;
    const left = assignment.childForFieldName('left')?.text.replace(/\s+/g, '');
    const right = assignment.childForFieldName('right');
    if (!left || !right) continue;
    if (left === 'module.exports') {
      if (right.type === 'identifier') aliases.push({ name: 'default', local: right.text });
      else if (right.type === 'object') aliases.push(...objectAliases(right));
      else {
        // `module.exports = require("./impl")` passes that module on whole.
        const from = resolve(requireOf(right));
        if (from) stars.push(from);
      }
    } else {
      const m = /^(?:module\.)?exports\.([\w$]+)$/.exec(left);
      if (m && right.type === 'identifier') aliases.push({ name: m[1], local: right.text });
    }
  }
  return { imports, aliases, reexports, stars };
}

/** A module's links, for the languages whose imports are followed (Python, TypeScript, JavaScript). */
export function linksOf(language: string, root: SyntaxNode, path: string, host: ModuleHost): ModuleLinks {
  if (language === 'python') return pythonLinks(root, path, host);
  return esLinks(root, path, host);
}
