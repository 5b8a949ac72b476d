import type { Connection } from 'vscode-languageserver';
import type { Workspace } from './workspace';

/** What the client can do, read once from its initialize request. */
export interface ClientCapabilities {
  pullDiagnostics: boolean;
  diagnosticRefresh: boolean;
  watchedFilesRegistration: boolean;
  /** The client shows progress the server starts (window/workDoneProgress/create). */
  workDoneProgress: boolean;
  /** Completion items may be snippets (tab stops, choices). */
  snippets: boolean;
}

/** Passed to every handler: the connection, the workspace state and the client's capabilities. */
export interface ServerContext {
  readonly connection: Connection;
  readonly workspace: Workspace;
  readonly capabilities: ClientCapabilities;
  /**
   * Resolves once the first document diagnostics request has been answered: the workspace scan
   * waits for it, so that the file the user opened is analysed before the files they did not.
   */
  readonly firstPullAnswered: Promise<void>;
  /**
   * Resolves once the first document is opened. An editor that restores its tabs asks for the
   * workspace's problems a moment before it opens them: the first scan waits briefly for it.
   */
  readonly firstOpened: Promise<void>;
  /** Writes a start-up step to the log at debug level, with the time since the process started. */
  readonly startupStep: (what: string) => void;
}
