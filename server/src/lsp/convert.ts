import {
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type Diagnostic,
  type Location,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  maskText,
  plainText,
  type Finding,
  type Note,
  type RelatedInformation,
  type Severity,
  type Span,
} from '../core';
import { ruleDocUrl } from '../host/docs';

/** The one place where core offsets become LSP positions (UTF-16, as the core's offsets are). */
export function toRange(doc: TextDocument, span: Span): Range {
  return { start: doc.positionAt(span.offset), end: doc.positionAt(span.offset + span.length) };
}

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  note: DiagnosticSeverity.Information,
};

/** What a diagnostic carries for its code actions: the fixes, already in LSP terms. */
export interface DiagnosticData {
  readonly version: number;
  readonly fixes: { title: string; preferred: boolean; edits: TextEdit[] }[];
}

/** Finds the place a related piece of information names, in another file or on a rule page. */
export type RelatedResolver = (related: RelatedInformation) => Location | undefined;

export function toDiagnostic(doc: TextDocument, f: Finding, resolve?: RelatedResolver): Diagnostic {
  const data: DiagnosticData = {
    version: doc.version,
    fixes: f.fixes.map((fix) => ({
      title: fix.title,
      preferred: fix.preferred === true,
      edits: fix.edits.map((e) => ({ range: toRange(doc, e), newText: e.newText })),
    })),
  };
  return {
    range: toRange(doc, f.span),
    severity: severities[f.severity],
    source: 'crownguard',
    code: f.ruleId,
    codeDescription: { href: ruleDocUrl(f.ruleId) },
    message: plainText(f.message),
    data,
    relatedInformation: toRelated(f, resolve),
  };
}

function toRelated(f: Finding, resolve: RelatedResolver | undefined): Diagnostic['relatedInformation'] {
  if (!resolve || !f.related?.length) return undefined;
  const out = f.related.flatMap((r) => {
    const location = resolve(r);
    return location ? [{ location, message: plainText(r.message) }] : [];
  });
  return out.length ? out : undefined;
}

/** A note about an open document (skipped, over budget) shown as an information line at the top. */
export function noteDiagnostic(note: Note): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: 'crownguard',
    message: `CrownGuard ${plainText(maskText(note.message))}`,
  };
}

/** Decodes the fixes a diagnostic carries; the handler does no analysis of its own. */
export function toCodeActions(uri: string, version: number, diagnostic: Diagnostic): CodeAction[] {
  const data = diagnostic.data as DiagnosticData | undefined;
  if (!data || data.version !== version || !Array.isArray(data.fixes)) return [];
  return data.fixes.map((fix) => {
    const edit: WorkspaceEdit = { changes: { [uri]: fix.edits } };
    return {
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: fix.preferred,
      edit,
    };
  });
}
