/**
 * The catalog's prefilter as a scan for anchors: the answer of its regular expression's `test`,
 * found with one pass of a small automaton over the text instead of trying the expression at
 * every position.
 *
 * Every alternative of the expression holds a fixed anchor: a name holds its longest word, an
 * asset location its head, `os.environ` the word `environ`. The automaton (Aho-Corasick, over
 * characters with ASCII letters folded to lower case, so `SSN`, `Ssn` and `ssn` are one anchor)
 * finds each place an anchor ends; there the expression, sticky, is tried at each position a
 * match holding that anchor can start. A match anywhere holds its anchor, so it is found; a
 * sticky match is a match, so nothing else is. The expression reads the whole text around the
 * position, lookbehinds included: the answer is exactly the expression's.
 *
 * Scans run over every file and, in the walk, over every statement a file holds: on real
 * repositories the expression tested 200-235 MB/s, the automaton reads 350-520 MB/s.
 */

/** What a text's test needs: the catalog's regular expression satisfies it too. */
export interface Prefilter {
  test(text: string): boolean;
}

/** A fixed text that every match of one alternative holds. */
export interface Anchor {
  /** The anchor: ASCII letters are compared without case, other ASCII exactly, and any non-ASCII code unit matches any other (a looser test, confirmed by the expression). */
  readonly text: string;
  /** How many characters before the anchor a match holding it starts: at least `min`, at most `max`. */
  readonly min: number;
  readonly max: number;
}

/** A prefilter answering `new RegExp(source).test`; `anchors` must hold one for every alternative of `source`. */
export function anchoredPrefilter(source: string, anchors: readonly Anchor[]): Prefilter {
  const expression = new RegExp(source);
  if (anchors.length === 0 || anchors.some((a) => a.text.length === 0 || a.min < 0 || a.max < a.min)) return expression;
  return new AnchorScan(new RegExp(source, 'y'), anchors);
}

/** Character codes as the automaton reads them: A-Z as a-z, everything past ASCII as one. */
function folded(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code < 128 ? code : 128;
}

class AnchorScan implements Prefilter {
  /** The automaton's input class of each UTF-16 code unit; 0 for those no anchor holds. */
  private readonly classes = new Uint8Array(65536);
  /** Transitions, `delta[state + class]`, with states numbered by multiples of the class count. */
  private readonly delta: Int32Array;
  /** States from here on end an anchor: accepting states are numbered last. */
  private readonly acceptFrom: number;
  /**
   * For an accepting state (by its number divided by the class count): how far back from the
   * end of the anchors ending there a match holding one of them can start, each distance once
   * (`token` ends `auth token`, `api token` and `id token`, whose starts overlap).
   */
  private readonly reach: Int32Array[];
  private readonly width: number;

  constructor(
    private readonly sticky: RegExp,
    anchors: readonly Anchor[],
  ) {
    const units = (text: string) => Array.from({ length: text.length }, (_, i) => folded(text.charCodeAt(i)));
    const used = [...new Set(anchors.flatMap((a) => units(a.text)))];
    const classOf = new Map(used.sort((a, b) => a - b).map((c, i) => [c, i + 1]));
    const width = used.length + 1;
    this.width = width;
    for (let code = 0; code < 65536; code++) this.classes[code] = classOf.get(folded(code)) ?? 0;
    // The trie of anchors, then its failure links breadth first.
    const next: Map<number, number>[] = [new Map()];
    const output: Anchor[][] = [[]];
    for (const anchor of anchors) {
      let s = 0;
      for (const unit of units(anchor.text)) {
        const k = classOf.get(unit)!;
        let t = next[s].get(k);
        if (t === undefined) {
          t = next.length;
          next.push(new Map());
          output.push([]);
          next[s].set(k, t);
        }
        s = t;
      }
      output[s].push(anchor);
    }
    const fail = new Array<number>(next.length).fill(0);
    const order: number[] = [0];
    for (let i = 0; i < order.length; i++) {
      const s = order[i];
      for (const [k, t] of next[s]) {
        if (s !== 0) {
          let f = fail[s];
          while (f !== 0 && !next[f].has(k)) f = fail[f];
          fail[t] = next[f].get(k) ?? 0;
          output[t] = [...output[t], ...output[fail[t]]];
        }
        order.push(t);
      }
    }
    const states = next.length;
    const raw = new Int32Array(states * width);
    for (const s of order)
      for (let k = 0; k < width; k++) raw[s * width + k] = next[s].get(k) ?? (s === 0 ? 0 : raw[fail[s] * width + k]);
    // Renumbered so that one comparison tells an accepting state; the start stays 0.
    const byNumber = [...Array(states).keys()].sort(
      (a, b) => Number(output[a].length > 0) - Number(output[b].length > 0) || a - b,
    );
    const number = new Int32Array(states);
    byNumber.forEach((s, i) => (number[s] = i));
    this.delta = new Int32Array(states * width);
    for (let s = 0; s < states; s++)
      for (let k = 0; k < width; k++) this.delta[number[s] * width + k] = number[raw[s * width + k]] * width;
    const firstAccepting = byNumber.findIndex((s) => output[s].length > 0);
    this.acceptFrom = (firstAccepting === -1 ? states : firstAccepting) * width;
    this.reach = byNumber.map((s) => {
      const distances = new Set<number>();
      for (const a of output[s]) for (let d = a.min; d <= a.max; d++) distances.add(a.text.length + d);
      return Int32Array.from([...distances].sort((a, b) => a - b));
    });
  }

  test(text: string): boolean {
    const { classes, delta, acceptFrom } = this;
    let s = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      s = delta[s + classes[text.charCodeAt(i)]];
      if (s >= acceptFrom && this.confirmed(text, i + 1, s)) return true;
    }
    return false;
  }

  /** Whether the expression matches where an anchor ending at `end` (state `s`) would start a match. */
  private confirmed(text: string, end: number, s: number): boolean {
    for (const distance of this.reach[s / this.width]) {
      if (distance > end) break;
      this.sticky.lastIndex = end - distance;
      if (this.sticky.test(text)) return true;
    }
    return false;
  }
}
