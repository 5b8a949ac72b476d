import type { CodeLens, CodeLensParams, Hover } from 'vscode-languageserver';
import { placeholderAt, summariseConfig, type ConfigSummary } from '../../core';
import type { ServerContext } from '../context';

/** What CrownGuard recognised in the config open at `uri`, read against its folder's lineage. */
async function summaryOf(ctx: ServerContext, uri: string): Promise<ConfigSummary | undefined> {
  const doc = ctx.workspace.documents.get(uri);
  if (!doc) return undefined;
  // A file that is no config answers without waiting for the data files the lineage names.
  const early = await ctx.workspace.lineageNow(uri);
  const path = early?.relative(uri);
  if (!early || path === undefined) return undefined;
  const summary = summariseConfig({ path, text: doc.getText() }, early.graph);
  if (!summary || early.complete) return summary;
  const view = await ctx.workspace.lineage(uri);
  return view ? summariseConfig({ path, text: doc.getText() }, view.graph) : undefined;
}

/**
 * The hover on a config's first line: the recognised format, method, datasets and pushes,
 * with the facts behind each (masked, like every output).
 */
export async function configSummaryHover(ctx: ServerContext, uri: string, line: number): Promise<Hover | null> {
  if (line !== 0) return null;
  const s = await summaryOf(ctx, uri);
  if (!s) return null;
  return {
    contents: { kind: 'markdown', value: `**${s.line}**\n\n${s.details.map((d) => `- ${d}`).join('\n')}` },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  };
}

/**
 * The hover on a placeholder value in a config: an unknown value filled in later, not a path,
 * hub id or method. Null anywhere else.
 */
export async function configPlaceholderHover(ctx: ServerContext, uri: string, offset: number): Promise<Hover | null> {
  const doc = ctx.workspace.documents.get(uri);
  // Only the file's path in the folder is needed: the data files are not waited for.
  const view = doc && (await ctx.workspace.lineageNow(uri));
  const path = view?.relative(uri);
  if (!doc || path === undefined) return null;
  const at = placeholderAt({ path, text: doc.getText() }, offset);
  if (!at) return null;
  return {
    contents: { kind: 'markdown', value: at.markdown },
    range: { start: doc.positionAt(at.span.offset), end: doc.positionAt(at.span.offset + at.span.length) },
  };
}

/** textDocument/codeLens: the same line above a fine-tuning config, for reading, not a command. */
export async function onCodeLens(ctx: ServerContext, params: CodeLensParams): Promise<CodeLens[]> {
  const s = await summaryOf(ctx, params.textDocument.uri);
  if (!s) return [];
  const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return [{ range: top, command: { title: s.line, command: '' } }];
}
