import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import { combineFixes } from '../../core';
import type { ServerContext } from '../context';
import { toCodeActions, toRange } from '../convert';

/** The kind editors ask for on "fix all" (e.g. `editor.codeActionsOnSave`). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.crownguard`;

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
    actions.push(...params.context.diagnostics.filter((d) => d.source === 'crownguard').flatMap((d) => toCodeActions(doc.uri, doc.version, d)));
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
