/**
 * How long after an edit (or an open) the workspace scan waits for that document's pull. A
 * pull client sends the pull right after the change; one that does not pull on typing (the
 * `crownguard.run: onSave` setting) holds the scan up only this long after its last keystroke.
 */
export const PULL_EXPECTED_MS = 1000;

/** Turns given to the connection after input was read: one message is handled per turn. */
const TURNS_AFTER_INPUT = 4;

/** Resolves on the next turn of the event loop, after the I/O and timers due now. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * When the workspace scan may analyse its next saved file. The scan shares the server's one
 * thread with the editor, and the JSON-RPC connection handles one incoming message per turn of
 * the event loop and writes an answer over the turns after it; a scan that analysed a file at
 * every turn made an edit, its pull and the answer each wait for a saved file, so a typed leak
 * waited for several. So between files the scan gives the messages read and the answers being
 * written their turns, then waits while a document the editor changed or opened has not been
 * pulled yet, and while a request the user waits for is served. What remains is the one file
 * the scan is in the middle of when the edit arrives.
 */
export class ScanTurns {
  /** Documents changed or opened whose pull has not arrived, with when that happened. */
  private readonly expected = new Map<string, number>();
  /**
   * Turns of the event loop the scan gave away, and the count when input was last read or a
   * pull answered (the answer is written over the next turns, as the output stream takes it).
   */
  private turns = 0;
  private lastInput = -Infinity;
  /** Scans waiting for an expected pull (a cancelled scan may still be finishing its file). */
  private readonly waiters = new Set<() => void>();

  constructor(private readonly foreground: { readonly foregroundBusy: boolean; foregroundIdle(): Promise<void> }) {}

  /** A document was opened or changed: its pull follows, and goes before the scan's next file. */
  edited(uri: string): void {
    this.expected.set(uri, Date.now());
  }

  /** The document's pull was answered: the scan may go on once the answer is written. */
  pulled(uri: string): void {
    this.lastInput = this.turns;
    if (this.expected.delete(uri)) for (const wake of [...this.waiters]) wake();
  }

  /** Input from the client was read: its messages are handled one per turn from now on. */
  inputRead(): void {
    this.lastInput = this.turns;
  }

  /**
   * Lets the messages already read be handled before the scan goes on: at least two turns, and
   * after input was read, as many as a burst of an editor's messages needs (an edit and its pull,
   * a code action, a hover), so that the edit is seen before the next file and its pull waited
   * for; after a pull was answered, as many as writing the answer takes.
   */
  async yieldToMessages(): Promise<void> {
    const start = this.turns;
    while (this.turns - start < 2 || this.turns - this.lastInput < TURNS_AFTER_INPUT) {
      await nextTurn();
      this.turns++;
    }
  }

  /**
   * Resolves when the scan may analyse its next file. After waiting for a request, it gives
   * the connection turns to write the answer: the connection writes on the next turn, and a
   * file analysed first would hold the answer back for as long as that takes.
   */
  async ready(): Promise<void> {
    for (;;) {
      const wait = this.waitForPulls();
      if (this.foreground.foregroundBusy) await this.foreground.foregroundIdle();
      else if (wait > 0) await this.waitForPull(wait);
      else return;
      await this.yieldToMessages();
    }
  }

  /** Waits until an expected pull arrives, or `ms` have passed. */
  private waitForPull(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
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
