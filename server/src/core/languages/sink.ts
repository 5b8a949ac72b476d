import type { Classification } from '../sensitivity/catalog';
import type { Span } from '../types';

/** Where data goes that must not carry sensitive values. Each kind has its own rule. */
export type SinkKind = 'log' | 'exception' | 'tracker' | 'llm' | 'upload';

/** A call that sends its arguments to a sink. */
export interface Sink {
  readonly kind: SinkKind;
  /** The callee as written, e.g. `logger.info`; code, never data. */
  readonly callee: string;
  readonly span: Span;
  /** While a function is summarised: the sink is its parameter at `param` (a logger passed in), see `ParamSink`. */
  readonly receiver?: { readonly param: number; readonly method: string };
}

/**
 * Where a value that reaches a sink through a variable entered it: the one sensitive expression
 * of the assignment (`customer.ssn` in `summary = f"... {customer.ssn}"`), so a fix can redact
 * it there and keep the rest of the message.
 */
export interface Origin {
  readonly span: Span;
  /** The expression's text, to check that a cached flow still points at it. */
  readonly text: string;
  readonly form: 'value' | 'shorthand' | 'object';
}

/** A sensitive value that reaches a sink. */
export interface Flow {
  readonly sink: Sink;
  /** The expression at the sink that carries the value: what a fix wraps. */
  readonly span: Span;
  /** When the expression sits in a string interpolation, the whole `{...}` / `${...}`. */
  readonly interpolation?: Span;
  readonly classification: Classification;
  /** The local variable the value travelled through, and where it was assigned. */
  readonly via?: { readonly name: string; readonly offset: number; readonly origin?: Origin };
  /**
   * How the flagged expression is written, which decides what a fix may do with it. `passed`:
   * the expression is a logger handed to a helper that logs data of its own, which is redacted
   * inside the helper, not at the call.
   */
  readonly form: 'value' | 'shorthand' | 'object' | 'passed';
  /** The helpers the value went through to reach the sink, outermost first; empty for a direct sink. */
  readonly steps?: readonly PathStep[];
}

/**
 * One hop of a path across functions: the helper a value was passed to and the place inside it
 * where the value goes on (a sink, or the next helper). `path` is set when the helper lives in
 * another file.
 */
export interface PathStep {
  /** The helper as a call with its parameter, e.g. `my_log(x)`; code, never data. */
  readonly callee: string;
  readonly path?: string;
  readonly span: Span;
  /** The 1-based line of `span` when `path` is set: the text of that file is not at hand where the message is written. */
  readonly line?: number;
}
