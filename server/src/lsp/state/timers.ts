/**
 * The server's delayed work (a push client's diagnostics after a pause in typing, the lineage
 * change notification), by key: scheduling a key again replaces its timer. Disposed on
 * shutdown, so no callback runs after the server said it is done.
 */
export class Timers {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private disposed = false;

  /** Runs `work` after `ms`, unless `key` is scheduled again or cancelled first. */
  schedule(key: string, ms: number, work: () => void): void {
    if (this.disposed) return;
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        work();
      }, ms),
    );
  }

  cancel(key: string): void {
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }
}
