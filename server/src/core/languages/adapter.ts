import type { RedactionFunction, RedactionLanguage } from '../governance/model';
import type { Catalog, Classification } from '../sensitivity/catalog';
import type { Span, TextEdit } from '../types';
import type { Tree } from './parsers';

/** A call that sends its arguments somewhere sensitive data must not go. */
export interface Sink {
  readonly kind: 'log';
  /** The callee as written, e.g. `logger.info`; code, never data. */
  readonly callee: string;
  readonly span: Span;
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
  readonly via?: { readonly name: string; readonly offset: number };
}

/**
 * Everything that differs between programming languages. Rules speak only to this interface,
 * so a new language is a new adapter, not a change to the rules.
 */
export interface LanguageAdapter {
  readonly id: RedactionLanguage;
  /** The tree-sitter grammar, as named in `tree-sitter-<grammar>.wasm`. */
  readonly grammar: string;
  readonly extensions: readonly string[];
  readonly lineComment: string;
  /** Sensitive values reaching sinks, following local assignments within a scope. */
  findFlows(tree: Tree, catalog: Catalog, redaction: RedactionFunction | undefined): Flow[];
  /** The edit that adds `redaction.import`, or undefined when its name is already in scope. */
  importEdit(tree: Tree, text: string, redaction: RedactionFunction): TextEdit | undefined;
  /** A string literal in this language holding `value` (which needs no escaping). */
  stringLiteral(value: string): string;
}
