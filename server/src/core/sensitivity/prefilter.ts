import { AnchorAutomaton } from './anchors';

/**
 * The catalog's prefilter as a scan for anchors: the answer of its regular expression's `test`,
 * found with one pass of a small automaton over the text instead of trying the expression at
 * every position.
 *
 * Every alternative of the expression holds a fixed anchor: a name holds its longest word, an
 * asset location its head, `os.environ` itself. The automaton (anchors.ts, with ASCII letters
 * folded to lower case, so `SSN`, `Ssn` and `ssn` are one anchor) finds each place an anchor
 * ends; there the expression, sticky, is tried at each position a
 * match holding that anchor can start. A match anywhere holds its anchor, so it is found; a
 * sticky match is a match, so nothing else is. The expression reads the whole text around the
 * position, lookbehinds included: the answer is exactly the expression's. Where an anchor names
 * the alternatives that hold it (its `source`), those alone are tried there: a small expression
 * is compiled on its first use in a fraction of the whole one's time (the whole catalog's is
 * 20 KB, 30-40 ms before its first answer, paid by every process and thread, and in front of
 * a cold window's first file), and a file compiles only the few its anchors need.
 *
 * Scans run over every file and, in the walk, over every statement a file holds: on real
 * repositories the expression tested 200-235 MB/s, the automaton reads 350-520 MB/s.
 */

/** What a text's test needs: the catalog's regular expression satisfies it too. */
export interface Prefilter {
  test(text: string): boolean;
}

/** What one pass over a whole file finds: the prefilter's answer, and which of some other fixed texts it holds. */
export interface FirstPass {
  /** The prefilter's answer for the text. */
  readonly named: boolean;
  /**
   * For each of the other texts, by index: 1 where the text may hold it (compared as the
   * automaton compares, a superset of where it is written), 0 where it cannot. Undefined when
   * the pass could not look for them (the caller then looks itself).
   */
  readonly holds?: Uint8Array;
}

/** The prefilter, and a pass that also looks for `others` (the literal detectors' anchors) in the same read. */
export interface FirstPassPrefilter extends Prefilter {
  firstPass(text: string): FirstPass;
}

/** A fixed text that every match of one alternative holds. */
export interface Anchor {
  /**
   * The anchor: ASCII letters are compared without case, other ASCII exactly, and any code unit
   * past ASCII matches any other (a looser test, which the expression then confirms).
   */
  readonly text: string;
  /** How many characters before the anchor a match holding it starts: at least `min`, at most `max`. */
  readonly min: number;
  readonly max: number;
  /**
   * The alternatives of the expression that hold this anchor, as an expression of their own:
   * tried alone where the anchor is found. Without it, the whole expression is tried there.
   */
  readonly source?: string;
}

/**
 * A prefilter answering `new RegExp(source).test`; `anchors` must hold one for every alternative
 * of `source`, and an anchor's own `source` every alternative that holds it. Its `firstPass`
 * also finds which of `others` (none empty) a text holds, in the same pass: a scan reads every
 * file once for both, not once each.
 */
export function anchoredPrefilter(
  source: string,
  anchors: readonly Anchor[],
  others: readonly string[] = [],
): FirstPassPrefilter {
  if (anchors.length === 0 || anchors.some((a) => a.text.length === 0 || a.min < 0 || a.max < a.min)) {
    const expression = new RegExp(source);
    return { test: (text) => expression.test(text), firstPass: (text) => ({ named: expression.test(text) }) };
  }
  // One sticky expression per distinct source, shared by the anchors that name it.
  const bySource = new Map<string, number>();
  const stickies: RegExp[] = [];
  const stickyOf = anchors.map((a) => {
    const text = a.source ?? source;
    let i = bySource.get(text);
    if (i === undefined) {
      bySource.set(text, (i = stickies.length));
      stickies.push(new RegExp(text, 'y'));
    }
    return i;
  });
  const scan = new AnchorScan(stickies, stickyOf, anchors, []);
  // The file-level pass has its own automaton: the per-statement tests stay free of the others' anchors.
  const both =
    others.length && others.every((o) => o.length > 0) ? new AnchorScan(stickies, stickyOf, anchors, others) : scan;
  return { test: (text) => scan.test(text), firstPass: (text) => both.firstPass(text) };
}

class AnchorScan implements Prefilter {
  private readonly automaton: AnchorAutomaton;
  /**
   * For each state, by index: how far back from the end of the anchors ending there a match
   * holding one of them can start, and which expression to try there (an index in `stickies`),
   * each pair once and nearest first (`token` ends `auth token`, `api token` and `id token`,
   * whose starts overlap).
   */
  private readonly reach: Int32Array[];
  private readonly tried: Int32Array[];

  /** For each state, by index: the other texts (by their index in `others`) that end there. */
  private readonly othersAt: Int32Array[];
  private readonly others: number;

  constructor(
    private readonly stickies: readonly RegExp[],
    stickyOf: readonly number[],
    anchors: readonly Anchor[],
    others: readonly string[],
  ) {
    // The anchors first, then the other texts: an index past the anchors' is another text's.
    this.automaton = new AnchorAutomaton([...anchors.map((a) => a.text), ...others]);
    this.others = others.length;
    const pairs = this.automaton.endingAt.map((ending) => {
      const seen = new Map<string, [number, number]>();
      for (const i of ending) {
        if (i >= anchors.length) continue;
        for (let d = anchors[i].min; d <= anchors[i].max; d++) {
          const distance = anchors[i].text.length + d;
          seen.set(`${distance} ${stickyOf[i]}`, [distance, stickyOf[i]]);
        }
      }
      return [...seen.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    });
    this.reach = pairs.map((p) => Int32Array.from(p, ([distance]) => distance));
    this.tried = pairs.map((p) => Int32Array.from(p, ([, sticky]) => sticky));
    this.othersAt = this.automaton.endingAt.map((ending) =>
      Int32Array.from(ending.filter((i) => i >= anchors.length).map((i) => i - anchors.length)),
    );
  }

  /** Whether a match of the expression holds the anchors ending at `end`, in the automaton's state there. */
  private confirmed(text: string, end: number, state: number): boolean {
    const reach = this.reach[state];
    const tried = this.tried[state];
    for (let k = 0; k < reach.length; k++) {
      if (reach[k] > end) break;
      const sticky = this.stickies[tried[k]];
      sticky.lastIndex = end - reach[k];
      if (sticky.test(text)) return true;
    }
    return false;
  }

  test(text: string): boolean {
    const automaton = this.automaton;
    for (let end = automaton.next(text, 0, 0); end !== -1; end = automaton.next(text, end, automaton.state))
      if (this.confirmed(text, end, automaton.state)) return true;
    return false;
  }

  /** The test's answer and the other texts held, from one pass; it stops once both are known. */
  firstPass(text: string): FirstPass {
    const automaton = this.automaton;
    const holds = new Uint8Array(this.others);
    let missing = this.others;
    let named = false;
    for (let end = automaton.next(text, 0, 0); end !== -1; end = automaton.next(text, end, automaton.state)) {
      const state = automaton.state;
      for (const other of this.othersAt[state])
        if (!holds[other]) {
          holds[other] = 1;
          missing--;
        }
      if (!named && this.confirmed(text, end, state)) named = true;
      if (named && missing === 0) break;
    }
    // With no other texts to look for, none was looked for: the caller looks itself.
    return { named, holds: this.others > 0 ? holds : undefined };
  }
}
