import type { Classification } from '../sensitivity/catalog';
import type { PathStep, SinkKind } from './sink';

export type { PathStep } from './sink';

/** A parameter that reaches a sink inside the function, and how. */
export interface ParamSink {
  /** The parameter's position among the call's arguments; -1 for every argument (`*args`, `arguments`). */
  readonly param: number;
  readonly kind: SinkKind;
  /** The sink at the end of the path, e.g. `logger.info`. */
  readonly callee: string;
  /** The helpers the value goes through, outermost first. */
  readonly steps: readonly PathStep[];
  /**
   * Set when the sink is another parameter: a logger passed in (`def report(log, x): log.info(x)`),
   * called with `method`, or called itself when `method` is empty (`def tell(emit, x): emit(x)`).
   * `kind` and `callee` are then what the summary saw inside; the caller decides from its argument.
   */
  readonly receiver?: { readonly param: number; readonly method: string };
  /**
   * Set when the data is the helper's own rather than a parameter's (`log.info(self.password)`
   * in `def report(self, log)`): the sink is always `receiver`, and `param` is its position.
   */
  readonly owned?: Classification;
}

/**
 * What a function does with data, as seen from a call to it: which parameters reach which
 * sinks, what its return value carries, and whether it returns a logger or another sink. A
 * parameter that only passes through a redacting call reaches nothing.
 */
export interface FunctionSummary {
  readonly sinks: readonly ParamSink[];
  /** The parameters whose data the return value carries. */
  readonly returnsParams: readonly number[];
  /** Sensitive data the return value carries whatever the arguments. */
  readonly returns?: Classification;
  /** The kind of sink the function returns (`def get_logger(): return LOGGER`). */
  readonly returnsSink?: SinkKind;
  /**
   * When every return statement returns a tuple (or array) literal of the same length: what
   * each element carries, so that `base_url, api_key = connect(key)` taints `api_key` alone.
   */
  readonly elements?: readonly ReturnedElement[];
  /**
   * Set for a module constant that holds a name rather than data (`API_KEY_KIND = "api_key"`):
   * reading it reads no one's data, whatever its name says. Such an entry has no sinks.
   */
  readonly nameOnly?: boolean;
}

/** What one element of a returned tuple carries. */
export interface ReturnedElement {
  readonly params: readonly number[];
  readonly returns?: Classification;
}

/** Summaries of functions the walker may meet at a call, by the callee as written there: `my_log`, `self.my_log`. */
export type SummaryTable = ReadonlyMap<string, FunctionSummary>;

/** Functions per file that get a summary; past it, the rest are calls like any other. */
export const MAX_SUMMARISED_FUNCTIONS = 2_000;
/** Rounds of the fixed point over a file's functions; recursion settles in two or three. */
export const MAX_SUMMARY_ROUNDS = 4;
/** Hops a path may have: deeper chains are cut, which can only lose a finding, never invent one. */
export const MAX_PATH_STEPS = 8;

export function isEmptySummary(s: FunctionSummary): boolean {
  return s.sinks.length === 0 && s.returnsParams.length === 0 && !s.returns && !s.returnsSink && !s.nameOnly;
}

/** A stable text of a table's entries for the given names, for cache keys. */
export function summaryKey(table: SummaryTable, names: readonly string[]): string {
  return names
    .map((n) => {
      const s = table.get(n);
      if (!s) return '';
      const sinks = s.sinks.map(
        (p) =>
          `${p.param}:${p.kind}:${p.callee}:${p.receiver ? `${p.receiver.param}.${p.receiver.method}` : ''}:${p.owned?.name ?? ''}:${p.steps.map((x) => `${x.path ?? ''}@${x.span.offset}`).join('>')}`,
      );
      const elements = s.elements?.map((e) => `${e.params.join('+')}/${e.returns?.name ?? ''}`).join(',') ?? '';
      return `${n}=${sinks.join(',')};${s.returnsParams.join(',')};${s.returns?.name ?? ''};${s.returnsSink ?? ''};${elements};${s.nameOnly ? 'name' : ''}`;
    })
    .join('|');
}
