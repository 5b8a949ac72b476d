import { LineIndex } from '../../text';
import type { FlowWalker } from '../flow';
import type { Tree } from '../parsers';
import { adapterFor } from '../registry';
import { MAX_SUMMARY_ROUNDS, summaryKey, type FunctionSummary, type PathStep, type SummaryTable } from '../summaries';
import { linksOf, type Binding, type ModuleLinks } from './imports';
import type { ModuleHost } from './resolve';

export type { ModuleHost } from './resolve';
export { linksOf, type ModuleLinks } from './imports';

/** Import hops followed from the file analysed; a helper further away is a call like any other. */
export const MAX_MODULE_DEPTH = 8;
/** Modules read for one file's imports; past it, the rest are not followed. */
export const MAX_MODULES = 64;
/** Entries one file's table of imported summaries may have (a namespace import brings a module's every export). */
export const MAX_IMPORTED_SUMMARIES = 2_000;
/** Modules whose links and summaries are kept between files; the oldest is forgotten first. */
const MAX_CACHED = 4_096;
/** A module larger than this is not read for its summaries (the core analyses no source file larger). */
const MAX_MODULE_CHARS = 2 * 1024 * 1024;

/** What the index needs of the engine: a parse of a module's text, and a walker for its language. */
export interface ModuleAnalysis {
  parse(grammar: string, text: string): Tree | undefined;
  walker(language: string): FlowWalker;
}

type Exports = ReadonlyMap<string, FunctionSummary>;

interface Entry {
  readonly text: string;
  readonly language: string;
  readonly grammar: string;
  readonly links: ModuleLinks;
  /** The module's own exported summaries, by the key of the imported summaries it was summarised with. */
  readonly own: Map<string, Exports>;
}

/** A stable text of a whole table, for cache keys and for seeing that a fixed point settled. */
export function tableKey(table: SummaryTable): string {
  return summaryKey(table, [...table.keys()].sort());
}

/**
 * The workspace's function summaries across files. A module is read through the host, its
 * links (imports and exports) and its summaries are cached by its text, and the summaries a
 * file imports are computed bottom-up over the import graph from it: dependencies first, a
 * fixed point for cycles, bounded in depth, modules and entries.
 */
export class SummaryIndex {
  private readonly entries = new Map<string, Entry>();
  /** False once a module of the current `imported` call could not be read whole (its parse or walk ran out of budget). */
  private complete = true;

  /**
   * The summaries a file with these links sees, by the callee as its calls write it:
   * `my_log` for `from utils.log import my_log`, `log.my_log` for `import utils.log as log`.
   */
  imported(
    self: string,
    text: string,
    all: ModuleLinks,
    host: ModuleHost,
    analysis: ModuleAnalysis,
    /** Set to whether every module was read whole: a table cut short by the budget may read otherwise next time. */
    outcome?: { complete: boolean },
    usage?: readonly boolean[],
  ): Map<string, FunctionSummary> {
    const links = used(all, text, usage);
    const trees = new Map<string, Tree>();
    this.complete = true;
    try {
      const order = this.closure(links, host, analysis, trees);
      const exported = new Map<string, Exports>();
      for (let round = 0; round < MAX_SUMMARY_ROUNDS; round++) {
        let changed = false;
        for (const path of order) {
          const before = exported.get(path);
          const next = this.exportsOf(path, exported, analysis, trees);
          exported.set(path, next);
          if ((before ? tableKey(before) : '') !== tableKey(next)) changed = true;
        }
        if (!changed) break;
      }
      // A file that imports itself sees its own functions as its own, not as another file's.
      return tableOf({ ...links, imports: links.imports.filter((b) => b.from !== self) }, exported);
    } finally {
      for (const t of trees.values()) t.delete();
      if (outcome) outcome.complete = this.complete;
    }
  }

  /** The modules reachable from `links` within the bounds, each after the modules it imports. */
  private closure(links: ModuleLinks, host: ModuleHost, analysis: ModuleAnalysis, trees: Map<string, Tree>): string[] {
    const order: string[] = [];
    const seen = new Set<string>();
    // Depth-first with an explicit stack, so a chain of a thousand modules cannot overflow the call stack.
    const stack: { path: string; depth: number; expanded: boolean }[] = targets(links)
      .reverse()
      .map((path) => ({ path, depth: 1, expanded: false }));
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.expanded) {
        stack.pop();
        order.push(top.path);
        continue;
      }
      if (seen.has(top.path) || seen.size >= MAX_MODULES) {
        stack.pop();
        continue;
      }
      seen.add(top.path);
      const entry = this.entry(top.path, host, analysis, trees);
      if (!entry) {
        stack.pop();
        continue;
      }
      top.expanded = true;
      if (top.depth < MAX_MODULE_DEPTH)
        for (const t of targets(entry.links).reverse())
          if (!seen.has(t)) stack.push({ path: t, depth: top.depth + 1, expanded: false });
    }
    return order;
  }

  /** A module's cached entry, read again when its text changed; undefined for what is not an analysable module. */
  private entry(path: string, host: ModuleHost, analysis: ModuleAnalysis, trees: Map<string, Tree>): Entry | undefined {
    const text = host.read(path);
    const adapter = adapterFor(path);
    if (text === undefined || !adapter || text.length > MAX_MODULE_CHARS || text.slice(0, 8192).includes('\u0000'))
      return undefined;
    const cached = this.entries.get(path);
    if (cached && cached.text === text) return cached;
    const grammar = adapter.grammarFor(path);
    const tree = analysis.parse(grammar, text);
    if (!tree) {
      this.complete = false;
      return undefined;
    }
    trees.set(path, tree);
    const entry: Entry = {
      text,
      language: adapter.id,
      grammar,
      links: used(linksOf(adapter.id, tree.rootNode, path, host), text),
      own: new Map(),
    };
    this.entries.delete(path);
    this.entries.set(path, entry);
    if (this.entries.size > MAX_CACHED) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  /** What a module exports, given what the modules it imports export so far. */
  private exportsOf(
    path: string,
    exported: ReadonlyMap<string, Exports>,
    analysis: ModuleAnalysis,
    trees: Map<string, Tree>,
  ): Exports {
    const entry = this.entries.get(path);
    if (!entry) return new Map();
    const given = tableOf(entry.links, exported);
    const key = tableKey(given);
    let own = entry.own.get(key);
    if (!own) {
      let tree = trees.get(path);
      if (!tree) {
        tree = analysis.parse(entry.grammar, entry.text);
        if (tree) trees.set(path, tree);
      }
      const walker = analysis.walker(entry.language);
      walker.give(given, path);
      const found = tree ? walker.exported(tree.rootNode) : new Map<string, FunctionSummary>();
      own = placed(found, path, entry.text);
      // Summaries the budget cut short are not remembered: the next file reads the module again.
      if (tree && !walker.stopped) entry.own.set(key, own);
      else this.complete = false;
    }
    const out = new Map(own);
    const add = (name: string, s: FunctionSummary | undefined) => {
      if (s && !out.has(name) && out.size < MAX_IMPORTED_SUMMARIES) out.set(name, s);
    };
    for (const a of entry.links.aliases) add(a.name, own.get(a.local) ?? given.get(a.local));
    for (const r of entry.links.reexports) add(r.name, exported.get(r.from)?.get(r.imported));
    for (const from of entry.links.stars)
      for (const [name, s] of exported.get(from) ?? []) if (name !== 'default') add(name, s);
    return out;
  }
}

/**
 * The links a text uses: an imported name it calls (`my_log(`), a module whose members it
 * reaches (`log.`), a constant it reads (`API_KEY_KIND`). A name that is imported and never
 * called brings no summary worth reading its module for. Exports are kept whole: they are there for other files.
 */
export function used(links: ModuleLinks, text: string, usage: readonly boolean[] = usageIn(links, text)): ModuleLinks {
  const imports = links.imports.filter((_, i) => usage[i]);
  return imports.length === links.imports.length ? links : { ...links, imports };
}

/** The pattern of a use of an imported binding in a text; undefined for `*`, which is always used. */
function usePattern(b: Binding): RegExp | undefined {
  if (b.imported === '*') return undefined;
  const name = b.local.replace(/[$.]/g, (c) => `\\${c}`);
  // A constant (`API_KEY_KIND`) is read, not called: its module may say it holds a name.
  const after = b.imported === undefined ? '\\s*\\.' : /^[A-Z][A-Z0-9_]*$/.test(b.local) ? '(?![\\w$])' : '\\s*\\(';
  return new RegExp(`(^|[^\\w$.])${name}${after}`);
}

/** Whether `text` uses each import of `links`, in their order. */
export function usageIn(links: ModuleLinks, text: string): boolean[] {
  return links.imports.map((b) => usePattern(b)?.test(text) ?? true);
}

/**
 * `usageIn(links, text)` from the usage of the text before one edit, [start, oldEnd) of `old`
 * replaced by [start, newEnd) of `text`: only a use that overlaps the edit can appear or go, so
 * only the text around the edit is read, and the whole text only for a name whose use there went.
 */
export function usageAfterEdit(
  links: ModuleLinks,
  before: readonly boolean[],
  old: string,
  text: string,
  edit: { readonly start: number; readonly oldEnd: number; readonly newEnd: number },
): boolean[] {
  const oldAround = around(old, edit.start, edit.oldEnd);
  const newAround = around(text, edit.start, edit.newEnd);
  return links.imports.map((b, i) => {
    const pattern = usePattern(b);
    if (!pattern) return true;
    if (pattern.test(newAround)) return true;
    return pattern.test(oldAround) ? pattern.test(text) : before[i];
  });
}

const NAME_CHAR = /[\w$.]/;
const SPACE = /\s/;

/**
 * [from, to) of `text` widened to every use (`name`, white space, `(` or `.`) that overlaps it,
 * with the character either side that decides whether one starts or ends there.
 */
function around(text: string, from: number, to: number): string {
  let a = from;
  while (a > 0 && SPACE.test(text[a - 1])) a--;
  while (a > 0 && NAME_CHAR.test(text[a - 1])) a--;
  if (a > 0) a--;
  let b = to;
  while (b < text.length && NAME_CHAR.test(text[b])) b++;
  while (b < text.length && SPACE.test(text[b])) b++;
  if (b < text.length) b++;
  return text.slice(a, b);
}

/** The modules a module's links lead to, each once, in the order written. */
function targets(links: ModuleLinks): string[] {
  return [...new Set([...links.imports.map((b) => b.from), ...links.reexports.map((r) => r.from), ...links.stars])];
}

/** The summaries a module with these links sees, by the callee its calls write. */
function tableOf(links: ModuleLinks, exported: ReadonlyMap<string, Exports>): Map<string, FunctionSummary> {
  const out = new Map<string, FunctionSummary>();
  const add = (name: string, s: FunctionSummary | undefined) => {
    if (s && out.size < MAX_IMPORTED_SUMMARIES) out.set(name, s);
  };
  for (const b of links.imports) {
    const ex = exported.get(b.from);
    if (!ex) continue;
    if (b.imported === undefined) {
      for (const [name, s] of ex) if (name !== 'default') add(`${b.local}.${name}`, s);
    } else if (b.imported === '*') {
      for (const [name, s] of ex) if (name !== 'default') add(name, s);
    } else add(b.local, ex.get(b.imported));
  }
  return out;
}

/** A module's summaries with each step inside it marked with its file and line, as another file's findings name them. */
function placed(found: Exports, path: string, text: string): Exports {
  if (found.size === 0) return found;
  const lines = LineIndex.of(text);
  const place = (s: PathStep): PathStep => (s.path ? s : { ...s, path, line: lines.position(s.span.offset).line + 1 });
  const out = new Map<string, FunctionSummary>();
  for (const [name, s] of found)
    out.set(name, { ...s, sinks: s.sinks.map((p) => ({ ...p, steps: p.steps.map(place) })) });
  return out;
}
