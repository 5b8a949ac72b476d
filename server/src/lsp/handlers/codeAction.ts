import { CodeActionKind, type CodeAction, type CodeActionParams, type Range } from 'vscode-languageserver';
import { combineFixes } from '../../core';
import type { ServerContext } from '../context';
import { toCodeActions, toDiagnostic, toRange } from '../convert';

/** The kind editors ask for on "fix all" (e.g. `editor.codeActionsOnSave`). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.crownguard`;

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

function wants(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

/**
 * textDocument/codeAction: quick fixes are decoded from the diagnostics that carry them; "fix
 * all" combines the safe fixes of the whole document.
 */
export async function onCodeAction(ctx: ServerContext, params: CodeActionParams): Promise<CodeAction[]> {
  const doc = ctx.workspace.documents.get(params.textDocument.uri);
  if (!doc) return [];
  const only = params.context.only;
  const actions: CodeAction[] = [];
  if (wants(only, CodeActionKind.QuickFix)) {
    // Some clients do not send `source` back: a CrownGuard rule id is enough to know the diagnostic.
    const ours = params.context.diagnostics.filter(
      (d) => d.source === 'crownguard' || (d.source === undefined && /^CG\d{3}$/.test(String(d.code))),
    );
    // Clients without `dataSupport` (Neovim 0.7, for one) drop the fixes a diagnostic carries:
    // for those, find the finding again by rule and range.
    const withoutData = ours.some((d) => d.data === undefined);
    const current = withoutData ? (await ctx.workspace.analyze(doc)).findings.map((f) => toDiagnostic(doc, f)) : [];
    for (const d of ours) {
      const carrier = d.data !== undefined ? d : current.find((c) => c.code === d.code && sameRange(c.range, d.range));
      if (carrier) actions.push(...toCodeActions(doc.uri, doc.version, { ...d, data: carrier.data }));
    }
  }
  // "Fix all" is offered only when asked for, since computing it re-analyses the document.
  if (only && wants(only, FIX_ALL_KIND)) {
    const edits = combineFixes((await ctx.workspace.analyze(doc)).findings);
    if (edits.length > 0) {
      actions.push({
        title: 'Fix all CrownGuard problems that have a safe fix',
        kind: FIX_ALL_KIND,
        edit: { changes: { [doc.uri]: edits.map((e) => ({ range: toRange(doc, e), newText: e.newText })) } },
      });
    }
  }
  return actions;
}
