import type { Finding } from '../types';
import type { RuleMeta } from './meta';

export const notFullyAnalysed: RuleMeta = {
  id: 'CG005',
  name: 'not-fully-analysed',
  defaultSeverity: 'warning',
  summary:
    'A file was not analysed, or only in part: it is too large, binary, too deeply nested, took longer than its time budget, or hit an internal error.',
};

/** Why a file's analysis stopped short. */
export type Shortfall =
  | { readonly cause: 'time'; readonly budgetMs: number; readonly during: 'parsing' | 'analysis' }
  | { readonly cause: 'size'; readonly limit: string }
  | { readonly cause: 'binary'; readonly detail: string }
  | { readonly cause: 'depth' }
  | { readonly cause: 'findings'; readonly limit: number }
  | { readonly cause: 'error'; readonly detail: string };

/**
 * What a thrown error says about the file. A stack overflow comes from nesting deeper than a
 * parser or a library can follow, which is the file's doing, not a bug of ours; anything else
 * is an internal error, named by its class only (a message could quote the file's text).
 */
export function shortfallOf(err: unknown): Shortfall {
  if (err instanceof RangeError && /call stack/i.test(err.message)) return { cause: 'depth' };
  return { cause: 'error', detail: err instanceof Error ? err.name : 'unknown error' };
}

function reason(s: Shortfall): string {
  switch (s.cause) {
    case 'time':
      return `its ${s.during} took longer than the ${s.budgetMs} ms budget`;
    case 'size':
      return `it is larger than ${s.limit}`;
    case 'binary':
      return `it is ${s.detail}`;
    case 'depth':
      return 'it is nested too deeply';
    case 'findings':
      return `values reach sinks in more than ${s.limit} places`;
    case 'error':
      return `of an internal error (${s.detail})`;
  }
}

/**
 * The finding for a file that was not fully analysed. It is a warning, not a note, so that a
 * file cannot escape a check by being made slow, huge or deep: CI sees it like any other
 * finding. `partial` says whether the findings reported with it are all the file has or only
 * those found before the analysis stopped.
 */
export function notFullyAnalysedFinding(path: string, shortfall: Shortfall, partial: boolean): Finding {
  const what = partial ? 'Only partly analysed' : 'Not analysed';
  const kept = partial ? ': literal secrets were looked for in the whole file, other findings may be missing' : '';
  return {
    ruleId: notFullyAnalysed.id,
    severity: 'warning',
    message: `${what}, because ${reason(shortfall)}${kept}`,
    path,
    span: { offset: 0, length: 0 },
    fixes: [],
  };
}
