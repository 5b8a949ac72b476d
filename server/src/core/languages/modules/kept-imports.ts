import type { SyntaxNode } from '../parsers';
import type { FunctionSummary } from '../summaries';
import { linksOf, type ModuleLinks } from './imports';
import type { ModuleHost } from './resolve';
import { usageAfterEdit } from './summary-index';

/**
 * What a file's imported summaries were computed from, kept with them so that the next edit of
 * the file can tell whether they still hold without reading its imports and modules again.
 */
export interface ImportsBasis {
  /** The file's links as `linksOf` read them from the whole tree. */
  readonly links: ModuleLinks;
  /** The paths `linksOf` asked the host for while resolving them. */
  readonly linkReads: readonly string[];
  /** Whether the text used each of `links.imports` (see `usageIn`). */
  readonly usage: readonly boolean[];
  /** Every path asked for, `linkReads` included: the modules the summaries came from and those looked for. */
  readonly reads: readonly string[];
  /** The host's revision when they were read. */
  readonly revision: number;
}

/** A file's imported summaries, their `tableKey` ('' for none), and what they were computed from. */
export interface Imports {
  readonly table?: Map<string, FunctionSummary>;
  readonly key: string;
  /** Absent when they cannot be reused: the host has no revision, or the budget cut their reading short. */
  readonly basis?: ImportsBasis;
}

/** One replaced range of a text, and the top-level statements it replaced and put in their place. */
export interface StatementEdit {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
  readonly replaced: readonly string[];
  readonly root: SyntaxNode | undefined;
}

/**
 * How many edits reused their file's imported summaries as they were, and how many recomputed
 * them from kept links (only the names used changed), since the process started: for the tests.
 */
export const keptImportsCounts = { reused: 0, relinked: 0 };

/** Top-level statements whose text `linksOf` reads, by language. */
const LINK_STATEMENTS: Record<string, ReadonlySet<string>> = {
  python: new Set(['import_statement', 'import_from_statement']),
  es: new Set([
    'import_statement',
    'export_statement',
    'lexical_declaration',
    'variable_declaration',
    'expression_statement',
  ]),
};

/**
 * Whether the file's links are still `links` after `edit`: true when neither the statements it
 * replaced nor those it put in their place are of a kind `linksOf` reads, or when (an exported
 * function or class edited) the new statements link nothing and the old file's links held
 * nothing such a statement could have given (an alias, a re-export).
 */
function linksKept(language: string, edit: StatementEdit, links: ModuleLinks, path: string, host: ModuleHost): boolean {
  const read = LINK_STATEMENTS[language === 'python' ? 'python' : 'es'];
  const added = edit.root?.namedChildren ?? [];
  if (!edit.replaced.some((t) => read.has(t)) && !added.some((n) => read.has(n.type))) return true;
  if (links.aliases.length > 0 || links.reexports.length > 0 || links.stars.length > 0) return false;
  if (!edit.root) return false;
  const now = linksOf(language, edit.root, path, host);
  return now.imports.length + now.aliases.length + now.reexports.length + now.stars.length === 0;
}

/**
 * The imports kept from the text before `edit` when they still hold for the new text (same
 * links, same names used, the host unchanged since, the file not among the modules it reads),
 * after asking the host again for every path they read, so that a host that records what an
 * analysis read sees the same reads as when they were computed. `usage` is returned when only
 * the names used changed: the summaries must be computed again, from the same links.
 */
export function keptImports(
  kept: Imports,
  edit: StatementEdit | undefined,
  language: string,
  path: string,
  old: string,
  text: string,
  host: ModuleHost,
): { readonly same: Imports } | { readonly usage: boolean[]; readonly basis: ImportsBasis } | undefined {
  const basis = kept.basis;
  if (!basis || !edit || host.revision === undefined || host.revision !== basis.revision) return undefined;
  if (basis.reads.includes(path) || !linksKept(language, edit, basis.links, path, host)) return undefined;
  const usage = usageAfterEdit(basis.links, basis.usage, old, text, edit);
  if (usage.some((u, i) => u !== basis.usage[i])) {
    keptImportsCounts.relinked++;
    return { usage, basis };
  }
  for (const p of basis.reads) host.read(p);
  keptImportsCounts.reused++;
  return { same: kept };
}
