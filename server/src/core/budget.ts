/**
 * A time budget for one file's analysis. Work that can run long on hostile input (parsing,
 * walking a syntax tree) asks it whether to go on, so that no file holds up a run or the
 * language server for longer than the budget.
 */
export class Budget {
  private readonly deadline: number;

  constructor(readonly ms: number) {
    this.deadline = Date.now() + ms;
  }

  /** Milliseconds left, never negative. */
  remaining(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  expired(): boolean {
    return Date.now() > this.deadline;
  }
}
