import { ErrorCodes, ResponseError, type Connection } from 'vscode-languageserver';

/**
 * Shape checks for what clients send, applied once at the protocol edge so the handlers can
 * trust their parameters. A client is not an attacker here, but a buggy or foreign one must
 * get an answer (InvalidParams) or a log line, never a stack trace or a wedged server.
 */
export type Check = (p: unknown) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || v === null || check(v);

const position: Check = (v) => isObject(v) && isCount(v.line) && isCount(v.character);
const range: Check = (v) => isObject(v) && position(v.start) && position(v.end);
const uri: Check = (v) => isString(v) && v.length > 0;
const documentId: Check = (v) => isObject(v) && uri(v.uri);

/** `{ textDocument: { uri } }`, the parameters of most document requests. */
export const onDocument: Check = (p) => isObject(p) && documentId(p.textDocument);
/** A document and a position in it: hover, definition, references, completion, nodeAt. */
export const atPosition: Check = (p) => onDocument(p) && position((p as Record<string, unknown>).position);

export const codeActionParams: Check = (p) =>
  isObject(p) &&
  onDocument(p) &&
  range(p.range) &&
  isObject(p.context) &&
  Array.isArray(p.context.diagnostics) &&
  p.context.diagnostics.every((d: unknown) => isObject(d) && range(d.range)) &&
  optional((v) => Array.isArray(v) && v.every(isString))(p.context.only);

export const workspaceSymbolParams: Check = (p) => isObject(p) && isString(p.query);

export const workspaceDiagnosticParams: Check = (p) =>
  isObject(p) &&
  Array.isArray(p.previousResultIds) &&
  p.previousResultIds.every((r) => isObject(r) && uri(r.uri) && isString(r.value));

/** The lineage requests' parameters (shared/lineage-protocol.ts). */
export const scopeParams: Check = (p) => isObject(p) && optional(uri)(p.uri);
export const nodeParams: Check = (p) => scopeParams(p) && isString((p as Record<string, unknown>).id);
export const walkParams: Check = (p) => nodeParams(p) && optional(isCount)((p as Record<string, unknown>).depth);
export const pathParams: Check = (p) =>
  scopeParams(p) && isString((p as Record<string, unknown>).from) && isString((p as Record<string, unknown>).to);

/** Document notifications, as TextDocuments reads them. */
export const didOpenParams: Check = (p) =>
  isObject(p) &&
  isObject(p.textDocument) &&
  uri(p.textDocument.uri) &&
  isString(p.textDocument.languageId) &&
  typeof p.textDocument.version === 'number' &&
  isString(p.textDocument.text);
export const didChangeParams: Check = (p) =>
  isObject(p) &&
  isObject(p.textDocument) &&
  uri(p.textDocument.uri) &&
  typeof p.textDocument.version === 'number' &&
  Array.isArray(p.contentChanges) &&
  p.contentChanges.every((c) => isObject(c) && isString(c.text) && optional(range)(c.range));
export const didChangeWatchedFilesParams: Check = (p) =>
  isObject(p) && Array.isArray(p.changes) && p.changes.every((c) => isObject(c) && uri(c.uri) && isCount(c.type));
export const workspaceFoldersChange: Check = (p) => {
  const folders = (v: unknown) => Array.isArray(v) && v.every((f) => isObject(f) && uri(f.uri));
  return isObject(p) && folders(p.added) && folders(p.removed);
};

/** A request handler that answers InvalidParams, naming the method, when its parameters are malformed. */
export function request<A extends unknown[], R>(
  method: string,
  check: Check,
  handler: (...args: A) => R,
): (...args: A) => R {
  return (...args: A): R => {
    if (!check(args[0]))
      throw new ResponseError(
        ErrorCodes.InvalidParams,
        `${method}: the parameters do not have the shape the protocol defines`,
      );
    return handler(...args);
  };
}

/** A notification handler that ignores malformed parameters, with one line in the server's log. */
export function notification<A extends unknown[]>(
  connection: Connection,
  method: string,
  check: Check,
  handler: (...args: A) => void,
): (...args: A) => void {
  return (...args: A): void => {
    if (!check(args[0]))
      return connection.console.warn(`Ignored ${method}: the parameters do not have the shape the protocol defines.`);
    handler(...args);
  };
}

/**
 * The connection as TextDocuments sees it, with the document notifications checked first: a
 * malformed didOpen (a `null` uri) is dropped before it reaches the document store.
 */
export function checkedDocumentEvents(connection: Connection): Connection {
  const wrap =
    (method: string, check: Check, register: (h: (p: never) => void) => unknown) => (h: (p: never) => void) =>
      register(notification(connection, method, check, h));
  return new Proxy(connection, {
    get(target, prop, receiver) {
      switch (prop) {
        case 'onDidOpenTextDocument':
          return wrap('textDocument/didOpen', didOpenParams, (h) => target.onDidOpenTextDocument(h as never));
        case 'onDidChangeTextDocument':
          return wrap('textDocument/didChange', didChangeParams, (h) => target.onDidChangeTextDocument(h as never));
        case 'onDidCloseTextDocument':
          return wrap('textDocument/didClose', onDocument, (h) => target.onDidCloseTextDocument(h as never));
        case 'onWillSaveTextDocument':
          return wrap('textDocument/willSave', onDocument, (h) => target.onWillSaveTextDocument(h as never));
        case 'onDidSaveTextDocument':
          return wrap('textDocument/didSave', onDocument, (h) => target.onDidSaveTextDocument(h as never));
        case 'onWillSaveTextDocumentWaitUntil':
          return (h: (p: unknown, token: unknown) => unknown) =>
            target.onWillSaveTextDocumentWaitUntil(request('textDocument/willSaveWaitUntil', onDocument, h) as never);
        default:
          return Reflect.get(target, prop, receiver);
      }
    },
    set(target, prop, value) {
      return Reflect.set(target, prop, value);
    },
  });
}
