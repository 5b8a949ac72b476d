import { type Connection, type NotebookDocument, type NotebookDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../context';
import { notification, type Check } from '../params';
import { cancelPush, schedulePush } from './diagnostics';

/**
 * What the server asks to be told of notebooks (LSP 3.17 notebook document sync): Jupyter
 * notebooks, with their Python cells (one program, in cell order) and their markdown cells
 * (read for literal secrets and personal data).
 */
export const NOTEBOOK_SYNC = {
  notebookSelector: [
    { notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }, { language: 'markdown' }] },
  ],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const cell = (v: unknown) => isObject(v) && typeof v.kind === 'number' && isString(v.document);
const textItem = (v: unknown) =>
  isObject(v) &&
  isString(v.uri) &&
  typeof v.languageId === 'string' &&
  typeof v.version === 'number' &&
  typeof v.text === 'string';
const notebookId = (v: unknown) => isObject(v) && isString(v.uri) && typeof v.version === 'number';
const list = (check: Check) => (v: unknown) => Array.isArray(v) && v.every(check);
const optional = (check: Check) => (v: unknown) => v === undefined || v === null || check(v);

const didOpen: Check = (p) =>
  isObject(p) &&
  notebookId(p.notebookDocument) &&
  list(cell)((p.notebookDocument as Record<string, unknown>).cells) &&
  list(textItem)(p.cellTextDocuments);
const didChange: Check = (p) => {
  if (!isObject(p) || !notebookId(p.notebookDocument) || !isObject(p.change)) return false;
  const cells = p.change.cells;
  if (cells === undefined) return true;
  if (!isObject(cells)) return false;
  const structure = cells.structure;
  const changes = (v: unknown) => list((c) => isObject(c) && typeof c.text === 'string')(v);
  return (
    optional(
      (s) =>
        isObject(s) &&
        isObject(s.array) &&
        typeof s.array.start === 'number' &&
        typeof s.array.deleteCount === 'number' &&
        optional(list(cell))(s.array.cells) &&
        optional(list(textItem))(s.didOpen) &&
        optional(list((d) => isObject(d) && isString(d.uri)))(s.didClose),
    )(structure) &&
    optional(list(cell))(cells.data) &&
    optional(
      list(
        (t) =>
          isObject(t) &&
          isObject(t.document) &&
          isString(t.document.uri) &&
          typeof t.document.version === 'number' &&
          changes(t.changes),
      ),
    )(cells.textContent)
  );
};
const didSaveOrClose: Check = (p) =>
  isObject(p) &&
  isObject(p.notebookDocument) &&
  isString(p.notebookDocument.uri) &&
  optional(list((d) => isObject(d) && isString(d.uri)))(p.cellTextDocuments);

/**
 * The connection as NotebookDocuments sees it, with the notebook notifications checked first:
 * a malformed one is dropped with a line in the log before it reaches the notebook store.
 */
function checkedNotebookEvents(connection: Connection): Connection {
  const sync = connection.notebooks.synchronization;
  const wrap =
    (method: string, check: Check, register: (h: (p: never) => unknown) => unknown) => (h: (p: never) => unknown) =>
      register(notification(connection, method, check, h as (p: never) => void));
  const synchronization = new Proxy(sync, {
    get(target, prop, receiver) {
      switch (prop) {
        case 'onDidOpenNotebookDocument':
          return wrap('notebookDocument/didOpen', didOpen, (h) => target.onDidOpenNotebookDocument(h as never));
        case 'onDidChangeNotebookDocument':
          return wrap('notebookDocument/didChange', didChange, (h) => target.onDidChangeNotebookDocument(h as never));
        case 'onDidSaveNotebookDocument':
          return wrap('notebookDocument/didSave', didSaveOrClose, (h) => target.onDidSaveNotebookDocument(h as never));
        case 'onDidCloseNotebookDocument':
          return wrap('notebookDocument/didClose', didSaveOrClose, (h) =>
            target.onDidCloseNotebookDocument(h as never),
          );
        default:
          return Reflect.get(target, prop, receiver);
      }
    },
  });
  const notebooks = new Proxy(connection.notebooks, {
    get: (target, prop, receiver) =>
      prop === 'synchronization' ? synchronization : Reflect.get(target, prop, receiver),
  });
  return new Proxy(connection, {
    get: (target, prop, receiver) => (prop === 'notebooks' ? notebooks : Reflect.get(target, prop, receiver)),
  });
}

/**
 * The open notebooks. Their cells are kept in the same document store as every other open
 * document, so a cell is pulled, fixed and closed like any document; the workspace finds the
 * notebook a cell belongs to and analyses all its cells together.
 */
export function listenToNotebooks(connection: Connection, documents: NotebookDocuments<TextDocument>): void {
  documents.listen(checkedNotebookEvents(connection));
}

function cellDocuments(ctx: ServerContext, notebook: NotebookDocument): TextDocument[] {
  return notebook.cells.flatMap((c) => {
    const doc = ctx.workspace.documents.get(c.document);
    return doc ? [doc] : [];
  });
}

/** notebookDocument/didOpen: a push client gets every cell's diagnostics (a pull client asks for them). */
export function onDidOpenNotebook(ctx: ServerContext, notebook: NotebookDocument): void {
  if (!ctx.capabilities.pullDiagnostics) for (const doc of cellDocuments(ctx, notebook)) schedulePush(ctx, doc);
}

/**
 * notebookDocument/didChange: an edit in one cell can change another's findings (a value
 * assigned above, printed below), so every cell is diagnosed again: a pull client is asked to
 * pull, a push client is sent them.
 */
export function onDidChangeNotebook(ctx: ServerContext, e: { notebookDocument: NotebookDocument }): void {
  if (ctx.capabilities.pullDiagnostics) {
    if (ctx.capabilities.diagnosticRefresh) void ctx.connection.languages.diagnostics.refresh();
    return;
  }
  for (const doc of cellDocuments(ctx, e.notebookDocument)) schedulePush(ctx, doc);
}

/** notebookDocument/didClose: what was kept for the notebook is dropped; pushed diagnostics were cleared per cell. */
export function onDidCloseNotebook(ctx: ServerContext, notebook: NotebookDocument): void {
  ctx.workspace.releaseNotebook(notebook.uri);
  for (const c of notebook.cells) cancelPush(ctx, c.document);
}
