import type { DocumentLink, DocumentLinkParams } from 'vscode-languageserver';
import type { ServerContext } from '../context';

/** textDocument/documentLink: the files a manifest names (training configs, artifacts, modules). */
export async function onDocumentLinks(ctx: ServerContext, params: DocumentLinkParams): Promise<DocumentLink[]> {
  const doc = ctx.workspace.documents.get(params.textDocument.uri);
  return doc ? ctx.workspace.links(doc) : [];
}
