/**
 * How long after an edit (or an open) the workspace scan waits for that document's pull. A
 * pull client sends the pull right after the change; one that does not pull on typing (the
 * `crownguard.run: onSave` setting) holds the scan up only this long after its last keystroke.
 */
export const PULL_EXPECTED_MS = 1000;

/** Resolves on the next turn of the event loop, after the I/O and timers due now. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * When the workspace scan may analyse its next saved file. The scan shares the server's one
 * thread with the editor, and the JSON-RPC connection handles one incoming message per turn of
 * the event loop; a scan that analysed a file at every turn let an edit and its pull (two
 * messages) each wait for a saved file, so a typed leak waited for several. So between files
 * the scan gives the messages already read their turns, then waits while a document the editor
 * changed or opened has not been pulled yet, and while a request the user waits for is served.
 */
export class ScanTurns {
  /** Documents changed or opened whose pull has not arrived, with when that happened. */
  private readonly expected = new Map<string, number>();
  /** Scans waiting for an expected pull (a cancelled scan may still be finishing its file). */
  private readonly waiters = new Set<() => void>();

  constructor(private readonly foregroundIdle: () => Promise<void>) {}

  /** A document was opened or changed: its pull follows, and goes before the scan's next file. */
  edited(uri: string): void {
    this.expected.set(uri, Date.now());
  }

  /** The document's pull arrived (or it was closed): the scan waits for foreground work only. */
  pulled(uri: string): void {
    if (this.expected.delete(uri)) for (const wake of [...this.waiters]) wake();
  }

  /** Lets the messages already read be handled before the scan goes on (two turns: see the class comment). */
  async yieldToMessages(): Promise<void> {
    await nextTurn();
    await nextTurn();
  }

  /** Resolves when the scan may analyse its next file. */
  async ready(): Promise<void> {
    for (;;) {
      await this.foregroundIdle();
      const wait = this.waitForPulls();
      if (wait <= 0) return;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, wait);
        this.waiters.add(wake);
      });
    }
  }

  /** Milliseconds until the last expected pull is given up on; 0 when none is expected. */
  private waitForPulls(): number {
    const now = Date.now();
    let wait = 0;
    for (const [uri, at] of this.expected) {
      const left = at + PULL_EXPECTED_MS - now;
      if (left <= 0) this.expected.delete(uri);
      else wait = Math.max(wait, left);
    }
    return wait;
  }
}
