import type { Diagnostic } from 'vscode-languageserver';

/** A saved file's diagnostics; `computed` is true when they were computed for this request. */
export interface SavedResult {
  readonly resultId: string;
  readonly items: Diagnostic[];
  readonly computed: boolean;
}

/**
 * The last diagnostics of each file that is not open, with the result id they answer to, and
 * small numbers naming the governance and settings objects a result was computed with.
 */
export class SavedResults {
  private readonly results = new Map<string, SavedResult>();
  private readonly identities = new WeakMap<object, number>();
  private nextIdentity = 0;

  /** The kept result of `uri` when it answers to `resultId`. */
  get(uri: string, resultId: string): SavedResult | undefined {
    const cached = this.results.get(uri);
    return cached?.resultId === resultId ? cached : undefined;
  }

  set(uri: string, result: SavedResult): void {
    this.results.set(uri, { ...result, computed: false });
  }

  /** A small number naming an object (a governance, a settings value) for as long as it is held. */
  identity(o: object): number {
    let id = this.identities.get(o);
    if (id === undefined) this.identities.set(o, (id = ++this.nextIdentity));
    return id;
  }
}
