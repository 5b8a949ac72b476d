/**
 * What finishing an open document's findings (waiver fixes, fingerprints) computed, kept from
 * one version of its text to the next. An edit changes one definition; without this, every
 * keystroke asked the syntax tree again about every finding in the file and hashed every
 * finding's line again, and read the whole text for a line break, an annotation and the page's
 * globals.
 *
 * Answers about a finding are kept by the text of the function or class definition that holds
 * it (and the finding's place inside it), never by its position in the file: a definition whose
 * text is unchanged reads the same wherever the edit moved it, and a changed one is asked anew.
 * Answers about the whole text are kept with the text they were given for, and carried over an
 * edit only when the edited lines cannot have changed them.
 */

/** A function or class definition of the current text: its syntax is its text's alone. */
export interface Definition {
  readonly start: number;
  readonly end: number;
}

/** The one replaced range of the last edit: [start, oldEnd) of the text before became [start, newEnd). */
export interface TextEdit {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

/** What is kept of one definition's text. */
interface Entry {
  /** Whether a comment line may be written at a line start, by its offset from the definition's start. */
  readonly annotatable: Map<number, boolean>;
  /** A finding's fingerprint before it is told apart from identical ones, by rule and relative span. */
  readonly fingerprints: Map<string, string>;
}

/** How many times the memo was asked, and answered from what it kept: for the tests and benchmarks. */
export const finishMemoCounts = { asked: 0, kept: 0, wholeText: 0 };

export class FinishMemo {
  private kept = new Map<string, Entry>();
  private used = new Map<string, Entry>();
  private text: string | undefined;
  private definitionAt: (offset: number) => Definition | undefined = () => undefined;
  /** Answers about the whole of `text`, by name. */
  private answers = new Map<string, boolean>();
  private previous: { readonly text: string; readonly answers: Map<string, boolean> } | undefined;
  private edit: TextEdit | undefined;
  /** The entries of this text's definitions, by the definition as `definitionAt` returns it. */
  private entries = new Map<Definition, Entry>();

  /**
   * Starts finishing `text`. `change` is the edit that made it from `before`, when the caller
   * knows it (an incremental update); `definitionAt` finds the definition that holds an offset
   * of `text`.
   */
  begin(
    text: string,
    definitionAt: ((offset: number) => Definition | undefined) | undefined,
    change?: { readonly before: string; readonly edit: TextEdit },
  ): void {
    // An edit from another text than the one last finished says nothing about its answers. The
    // texts are not compared: two large texts of one length compare up to where they differ.
    const known = this.text !== undefined && change !== undefined && change.before === this.text;
    if (known && change.edit.start === change.edit.oldEnd && change.edit.start === change.edit.newEnd) {
      // The same text again: its answers stand.
    } else {
      this.previous = known ? { text: this.text!, answers: this.answers } : undefined;
      this.edit = known ? change.edit : undefined;
      this.answers = new Map();
    }
    this.text = text;
    this.definitionAt = definitionAt ?? (() => undefined);
    this.entries = new Map();
  }

  /** Drops what the text just finished did not use, so that the memo holds one version's definitions. */
  end(): void {
    this.kept = this.used;
    this.used = new Map();
  }

  /**
   * A yes/no question about the whole text: the previous text's answer when `unchanged` says
   * the edit cannot have changed it, else `compute`'s.
   */
  wholeText(
    name: string,
    compute: (text: string) => boolean,
    unchanged: (before: string, was: boolean, text: string, edit: TextEdit) => boolean,
  ): boolean {
    const text = this.text!;
    let answer = this.answers.get(name);
    if (answer !== undefined) return answer;
    const was = this.previous?.answers.get(name);
    if (was !== undefined && this.edit && unchanged(this.previous!.text, was, text, this.edit)) answer = was;
    else {
      finishMemoCounts.wholeText++;
      answer = compute(text);
    }
    this.answers.set(name, answer);
    return answer;
  }

  /** Whether a comment line may go at `lineStart`, from what was kept for its definition or from `compute`. */
  annotatable(lineStart: number, compute: () => boolean): boolean {
    const found = this.entryAt(lineStart, lineStart);
    if (!found) return compute();
    const [entry, from] = found;
    const rel = lineStart - from;
    let answer = entry.annotatable.get(rel);
    if (answer === undefined) entry.annotatable.set(rel, (answer = compute()));
    else finishMemoCounts.kept++;
    return answer;
  }

  /**
   * A finding's fingerprint before numbering, from what was kept for its definition or from
   * `compute`. `line` is the finding's line [start, end): it must lie inside the definition,
   * since the fingerprint reads it.
   */
  fingerprint(
    ruleId: string,
    span: { offset: number; length: number },
    line: Definition,
    compute: () => string,
  ): string {
    const found = this.entryAt(line.start, line.end);
    if (!found) return compute();
    const [entry, from] = found;
    const key = `${ruleId}\u0000${span.offset - from}\u0000${span.length}`;
    let hash = entry.fingerprints.get(key);
    if (hash === undefined) entry.fingerprints.set(key, (hash = compute()));
    else finishMemoCounts.kept++;
    return hash;
  }

  /** The entry of the definition that holds [from, to], with the definition's start. */
  private entryAt(from: number, to: number): [Entry, number] | undefined {
    finishMemoCounts.asked++;
    const d = this.definitionAt(from);
    if (!d || from < d.start || to > d.end) return undefined;
    let entry = this.entries.get(d);
    if (!entry) {
      const key = this.text!.slice(d.start, d.end);
      entry = this.used.get(key);
      if (!entry) {
        entry = this.kept.get(key) ?? { annotatable: new Map(), fingerprints: new Map() };
        this.used.set(key, entry);
      }
      this.entries.set(d, entry);
    }
    return [entry, d.start];
  }
}

/**
 * For `wholeText`: the question "does the text contain `needle`" keeps its answer over an edit
 * when the text before did not and the edited range with its edges does not either, since a
 * match that is new overlaps the range.
 */
export function stillWithout(needle: string) {
  return (_before: string, was: boolean, text: string, edit: TextEdit): boolean =>
    !was &&
    !text
      .slice(Math.max(0, edit.start - needle.length + 1), Math.min(text.length, edit.newEnd + needle.length - 1))
      .includes(needle);
}
