import type { RedactionFunction } from '../governance/model';
import type { TextEdit } from '../types';
import type { Dialect } from './flow';
import type { Tree } from './parsers';
import type { Flow, Origin, Sink, SinkKind } from './sink';

export type { Flow, Origin, Sink, SinkKind };

/**
 * Everything that differs between programming languages. Rules speak only to this interface,
 * so a new language is a new adapter (a dialect table, a sink list, import insertion), not a
 * change to the rules.
 */
export interface LanguageAdapter {
  /**
   * The language as the governance manifest names it under `redaction` (the schema's keys are
   * tested against the adapters' ids).
   */
  readonly id: string;
  /** The language whose redaction function stands in when this one declares none (JavaScript for TypeScript). */
  readonly redactionFallback?: string;
  readonly extensions: readonly string[];
  /** The editor's language ids for these files: the client's document selector and activation events. */
  readonly languageIds: readonly string[];
  /** The tree-sitter grammar for a file, as named in `tree-sitter-<grammar>.wasm`. */
  grammarFor(path: string): string;
  readonly grammars: readonly string[];
  /** The line comment, which is also what a waiver annotation is written in. */
  readonly lineComment: string;
  /** Node types that hold a list of statements: a waiver covers one statement in them, never the list. */
  readonly statementLists: ReadonlySet<string>;
  readonly dialect: Dialect;
  /** True when `offset` lies in a string literal that holds data (not a docstring or an import). */
  isInLiteral(tree: Tree, offset: number): boolean;
  /** The edit that adds `redaction.import`, or undefined when its name is already in scope. */
  importEdit(tree: Tree, text: string, redaction: RedactionFunction): TextEdit | undefined;
  /** A string literal in this language holding `value` (which needs no escaping). */
  stringLiteral(value: string): string;
  /**
   * True when the file's code only runs in a web page: its console is the page visitor's
   * browser console, a different risk from a server log.
   */
  runsInBrowser?(text: string): boolean;
  /** Whether `runsInBrowser` still answers `was` after `edit` made `text` from `before` (false when it cannot tell). */
  runsInBrowserUnchanged?(
    before: string,
    was: boolean,
    text: string,
    edit: { readonly start: number; readonly oldEnd: number; readonly newEnd: number },
  ): boolean;
}
