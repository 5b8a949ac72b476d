import type { SyntaxNode } from './parsers';
import type { SinkKind } from './sink';
import type { SummaryTable } from './summaries';
import { lastSegment } from './common';
import type { Prefilter } from '../sensitivity/prefilter';

/** Functions summarised since the process started (each walk of one counts), for tests that check the laziness. */
export const summaryCounts = { summarised: 0 };

/** A function of the file, as the summary pass reads it. */
export interface LazyFunction {
  readonly node: SyntaxNode;
  readonly name: string;
  readonly params: readonly string[];
  readonly rest?: string;
}

/** A walker's state while the functions of its file are summarised on demand. */
export interface LazySummaries<Walker> {
  /** The file's functions that get a summary, by the name callers use, in source order. */
  readonly fns: ReadonlyMap<string, LazyFunction>;
  /** Functions being summarised (`active`, on the stack) or summarised (`done`). */
  readonly state: Map<string, 'active' | 'done'>;
  /** The sink bindings a summary sees: the `name()` of helpers that return a logger, nothing the walk bound. */
  readonly bound: Map<string, SinkKind>;
  /** The walker of the file, which holds its summaries and whether they settled. */
  readonly owner: Walker;
  /** The catalog's prefilter, for `mayReturnData`; absent when only exports are summarised. */
  readonly prefilter?: Prefilter;
  /** The functions summarised since the outermost summary on the stack began. */
  component?: LazyFunction[];
  /** Set when a call reached a function still being summarised: the component needs a fixed point. */
  cyclic: boolean;
  /** The functions that may return sensitive data, computed once when first needed. */
  returning?: readonly string[];
}

/**
 * Text the walker classifies whatever the catalog says: the process environment, `getpass`,
 * a person's name read off `user.name`. The prefilter leaves them out when the built-in names
 * are switched off, yet a summary can still return them.
 */
export const SOURCES_WITHOUT_NAMES =
  /environ|process\.env|getpass|\.(?:name|username|user_name|userName|displayName|display_name)\b/;
const WORD = /[A-Za-z_$][\w$]*/g;

/**
 * The callees whose summary may say the function returns sensitive data whatever its
 * arguments: a given summary that does, and each of the file's functions whose text could
 * classify something (the prefilter, or a source the walker knows by itself) or names such a
 * function, transitively. Read from the texts alone, without walking: a function left out
 * cannot return such data, so its summary need not be computed to know it.
 */
export function mayReturnData(
  fns: ReadonlyMap<string, LazyFunction>,
  given: SummaryTable,
  prefilter: Prefilter | undefined,
): string[] {
  const out: string[] = [];
  const known = new Set<string>();
  for (const [name, s] of given)
    // A helper that logs data of its own on a logger it is handed is read like one returning data.
    if ((s.returns || s.sinks.some((p) => p.owned !== undefined)) && !fns.has(name)) {
      out.push(name);
      known.add(lastSegment(name));
    }
  // Which functions name each word, so that a function found to return data marks its callers.
  const namedBy = new Map<string, LazyFunction[]>();
  const may = new Set<LazyFunction>();
  const queue: LazyFunction[] = [];
  for (const fn of fns.values()) {
    const text = fn.node.text;
    // The cheap tests first: only a function they leave out needs its words.
    const sensitive = !prefilter || prefilter.test(text) || SOURCES_WITHOUT_NAMES.test(text);
    const words = sensitive ? undefined : new Set(text.match(WORD) ?? []);
    if (!words || [...words].some((w) => known.has(w))) {
      may.add(fn);
      queue.push(fn);
      continue;
    }
    for (const w of words) {
      const list = namedBy.get(w);
      if (list) list.push(fn);
      else namedBy.set(w, [fn]);
    }
  }
  while (queue.length > 0) {
    const fn = queue.pop()!;
    for (const caller of namedBy.get(lastSegment(fn.name)) ?? [])
      if (!may.has(caller)) {
        may.add(caller);
        queue.push(caller);
      }
  }
  for (const fn of fns.values()) if (may.has(fn)) out.push(fn.name);
  return out;
}
