import { ANNOTATION_MARKER } from '../annotation-marker';
import { findTier, type Category, type Governance } from '../governance/model';
import { BUILTIN_NAMES, BUILTIN_SOURCE_TEXT } from './builtin';
import { compileGlob, type Glob } from './glob';
import { anchoredPrefilter, type Anchor, type FirstPass, type FirstPassPrefilter, type Prefilter } from './prefilter';
import { LITERAL_ANCHORS } from './literals';
import { NOT_THE_DATA, runIndex, splitWords } from './words';

/** What the scan's first pass over a file finds (`Catalog.firstPass`). */
export interface FileFirstPass extends FirstPass {
  /** Whether the text holds a policy annotation's marker (`ANNOTATION_MARKER`), as written. */
  readonly annotated: boolean;
}

/** Why a name is sensitive, in words that never include a value. */
export interface Classification {
  /** The declared field or built-in name that matched, e.g. `ssn`. */
  readonly name: string;
  readonly category?: Category;
  /** The asset that declares the field, when a manifest does. */
  readonly asset?: string;
  readonly tier?: string;
  readonly crownJewel: boolean;
  /** Which source decided: the governance manifest or the built-in default. */
  readonly source: 'governance' | 'builtin';
  /** A built-in guess that is often wrong (account numbers, first names): reported as a note. */
  readonly lowConfidence?: boolean;
  /** True when the data was recognised by the asset's declared location, not by a name. */
  readonly viaLocation?: boolean;
  /** True for a whole record of the asset (by its record type), not one field. */
  readonly record?: boolean;
}

/** A later word of a name as identifiers spell it: `token`, `Token` or `TOKEN`. */
function wordPattern(word: string): string {
  return `(?:${escape(word)}|${escape(capitalised(word))}|${escape(word.toUpperCase())})`;
}

function capitalised(word: string): string {
  return word[0].toUpperCase() + word.slice(1);
}

/**
 * Between two words of a name as code spells it: nothing (`idToken`), or an underscore, hyphen
 * or dot (`id_token`, `ID-TOKEN`, `id.token`). Not a comma, brace or colon: `id, token`,
 * `session {token` and `private key: string` are two names, not one.
 */
const GLUE = '[_.-]{0,2}';
/** Text a quoted key may hold before or after a name written as words (`"Customer Date of Birth"`). */
const IN_QUOTES = '[\\w .-]{0,40}';
/**
 * Read once a name's first character `c` has matched: the character before it is not a letter
 * (`ssn` does not start inside `lessn`), or for an all-capitals spelling not a capital. The
 * lookbehind names `c` itself: one that reads any character there (`[^]`) made the test ten
 * times slower on real files.
 */
const notAfterLetter = (c: string) => `(?<![A-Za-z]${escape(c)})`;
const notAfterCapital = (c: string) => `(?<![A-Z]${escape(c)})`;

/**
 * Every name as code spells it, one alternative per character a spelling starts with. A name
 * starts where a new word can start: `ssn` after a non-letter, `Ssn` anywhere, `SSN` after a
 * non-capital; its later words follow in any of their spellings, glued (`idToken`, `id_token`)
 * or, inside a string, with spaces (`"date of birth"`). Grouping by the first character lets
 * the regular expression engine try at each position only the names that can start there: the
 * test runs over every file a scan reads, and on real repositories a flat alternation of every
 * spelling read 180 MB/s where this reads 270.
 */
export function namesPattern(names: Iterable<readonly string[]>): string[] {
  const byFirst = new Map<string, Set<string>>();
  const add = (spelling: string, after: (c: string) => string, tail: string) => {
    const rests = byFirst.get(spelling[0]) ?? new Set<string>();
    byFirst.set(spelling[0], rests);
    rests.add(`${after(spelling[0])}${escape(spelling.slice(1))}${tail}`);
  };
  for (const words of names) {
    const [first, ...later] = words;
    if (!first) continue;
    const tails = [later.map((w) => GLUE + wordPattern(w)).join('')];
    if (later.length > 0) {
      // Words with spaces between them are one name only inside a string: a key such as `"date of birth"`.
      // The quote is looked for only once the words have matched (they have a fixed length), so
      // the test costs nothing at the places where they do not.
      const length = words.reduce((n, w) => n + w.length, words.length - 1);
      const quoted = `(?:(?<=["'\`]${IN_QUOTES}[^]{${length}})|(?=${IN_QUOTES}["'\`]))`;
      tails.push(later.map((w) => ' ' + wordPattern(w)).join('') + quoted);
    }
    for (const tail of tails) {
      add(first, notAfterLetter, tail);
      add(capitalised(first), () => '', tail);
      add(first.toUpperCase(), notAfterCapital, tail);
    }
  }
  return [...byFirst].map(([c, rests]) => `${escape(c)}(?:${[...rests].join('|')})`);
}

/**
 * The fixed text every spelling of a name holds, for the prefilter's scan: its longest word, and
 * how far into the name it begins (the words before it, with up to two characters of glue, or
 * one space, after each).
 */
export function nameAnchor(words: readonly string[]): Anchor {
  let k = 0;
  for (let i = 1; i < words.length; i++) if (words[i].length > words[k].length) k = i;
  const min = words.slice(0, k).reduce((n, w) => n + w.length, 0);
  return { text: words[k], min, max: min + 2 * k };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Entry {
  readonly words: readonly string[];
  readonly classification: Classification;
}

/**
 * Everything the workspace treats as sensitive, in order of authority: fields of declared
 * assets, declared identifiers, then the built-in names. `classify` is called for every
 * identifier the analysers meet, so entries are pre-split and results memoised.
 */
export class Catalog {
  private readonly entries: Entry[] = [];
  private readonly locations: { pattern: Glob; source: string; classification: Classification }[] = [];
  private prefilterTest: FirstPassPrefilter | undefined;
  private readonly records: { words: string; classification: Classification }[] = [];
  private readonly memo = new Map<string, Classification | null>();

  constructor(readonly governance: Governance) {
    const ranked = [...governance.assets].sort(
      (a, b) => (findTier(governance, b.tier)?.rank ?? 0) - (findTier(governance, a.tier)?.rank ?? 0),
    );
    for (const asset of ranked) {
      const tier = findTier(governance, asset.tier);
      for (const location of asset.locations) {
        this.locations.push({
          pattern: compileGlob(location),
          source: location.replace(/^\.\//, '').split('*')[0],
          classification: {
            name: asset.id,
            asset: asset.id,
            tier: asset.tier,
            crownJewel: tier?.crownJewel ?? false,
            source: 'governance',
            viaLocation: true,
          },
        });
      }
      for (const record of asset.records) {
        this.records.push({
          words: splitWords(record).join(' '),
          classification: {
            name: record,
            asset: asset.id,
            tier: asset.tier,
            crownJewel: tier?.crownJewel ?? false,
            source: 'governance',
            record: true,
          },
        });
      }
      for (const field of asset.fields) {
        this.entries.push({
          words: splitWords(field),
          classification: {
            name: field,
            asset: asset.id,
            tier: asset.tier,
            crownJewel: tier?.crownJewel ?? false,
            source: 'governance',
          },
        });
      }
    }
    for (const id of governance.identifiers) {
      const tier = findTier(governance, id.tier);
      this.entries.push({
        words: splitWords(id.name),
        classification: {
          name: id.name,
          category: id.category,
          tier: id.tier,
          crownJewel: tier?.crownJewel ?? false,
          source: 'governance',
        },
      });
    }
    if (governance.builtinNames) {
      for (const b of BUILTIN_NAMES) {
        this.entries.push({
          words: b.words,
          classification: {
            name: b.words.join('_'),
            category: b.category,
            crownJewel: false,
            source: 'builtin',
            lowConfidence: b.lowConfidence,
          },
        });
      }
    }
  }

  /**
   * Matches any text that could hold a sensitive name or an asset location: a cheap test that
   * lets the analysers skip code that cannot produce a finding. It may match more than
   * `classify` does, never less.
   */
  get prefilter(): Prefilter {
    return this.anchoredPrefilter;
  }

  /**
   * One read of a whole file for what the scan asks of every file: the prefilter's answer,
   * which of the secret detectors' anchors (`LITERAL_ANCHORS`) it holds, for `scanLiterals`,
   * and whether it holds a policy annotation.
   */
  firstPass(text: string): FileFirstPass {
    const pass = this.anchoredPrefilter.firstPass(text);
    const marker = pass.holds?.[LITERAL_ANCHORS.length];
    return {
      named: pass.named,
      holds: pass.holds?.subarray(0, LITERAL_ANCHORS.length),
      // The automaton folds case: where it saw the marker, the text is asked for it as written.
      annotated:
        marker === undefined ? text.includes(ANNOTATION_MARKER) : marker === 1 && text.includes(ANNOTATION_MARKER),
    };
  }

  private get anchoredPrefilter(): FirstPassPrefilter {
    if (!this.prefilterTest) {
      const { source, anchors } = this.prefilterParts();
      this.prefilterTest = anchoredPrefilter(source, anchors, [...LITERAL_ANCHORS, ANNOTATION_MARKER]);
    }
    return this.prefilterTest;
  }

  /** The prefilter as the regular expression it answers for (what `prefilter` tests, found faster). */
  get prefilterExpression(): RegExp {
    return new RegExp(this.prefilterParts().source);
  }

  private prefilterParts(): { source: string; anchors: Anchor[] } {
    // Each name as identifiers spell it, with the words in order and any separators between:
    // `id_token`, `idToken`, `ID_TOKEN`, `idtoken`. A word starts a name only where a new word
    // can start, so `tin` does not match inside `setting`.
    const names = [...this.entries.map((e) => e.words), ...this.records.map((r) => r.words.split(' '))];
    const locationHeads = this.locations.map((l) => l.source.slice(0, 12)).filter((h) => h.length >= 3);
    // The manifest's own sources, by their last name: `get_customer()` is read wherever it is called.
    const sourceNames = (this.governance.flow?.sources ?? [])
      .map((s) => (s.call ?? s.attribute ?? '').split('.').pop() ?? '')
      .filter((n) => n && n !== '*');
    const builtin = this.governance.builtinNames ? BUILTIN_SOURCE_TEXT : [];
    const alternatives = [
      ...namesPattern(names),
      ...locationHeads.map(escape),
      ...builtin.map((b) => b.source),
      ...sourceNames.map((n) => `\\b${escape(n)}\\b`),
    ];
    // What every match of each alternative holds, for the scan that finds them (prefilter.ts),
    // with the alternatives that hold it: the names sharing an anchor (`token` for `auth token`
    // and `api token`) make one small expression, tried where that anchor is found.
    const nameAnchors = names.map(nameAnchor);
    const byAnchor = new Map<string, (readonly string[])[]>();
    names.forEach((words, i) => {
      const group = byAnchor.get(nameAnchors[i].text) ?? [];
      byAnchor.set(nameAnchors[i].text, group);
      group.push(words);
    });
    const groupSource = new Map([...byAnchor].map(([text, group]) => [text, namesPattern(group).join('|')]));
    const anchors: Anchor[] = [
      ...nameAnchors.map((a) => ({ ...a, source: groupSource.get(a.text) })),
      ...locationHeads.map((text) => ({ text, min: 0, max: 0, source: escape(text) })),
      ...builtin.flatMap((b) => b.anchors.map((a) => ({ ...a, source: b.source }))),
      ...sourceNames.map((text) => ({ text, min: 0, max: 0, source: `\\b${escape(text)}\\b` })),
    ];
    return { source: alternatives.length ? alternatives.join('|') : '(?!)', anchors };
  }

  /** The classification of an identifier or key name, or undefined when it is not sensitive. */
  classify(name: string): Classification | undefined {
    const cached = this.memo.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const result = this.compute(name);
    this.memo.set(name, result ?? null);
    return result;
  }

  /**
   * The record type a variable name or a type annotation names: `customer`, `customer_profile`
   * and `CustomerProfile` for record `CustomerProfile`; `customers` and `list[Customer]` too.
   */
  classifyRecord(nameOrType: string): Classification | undefined {
    if (this.records.length === 0) return undefined;
    for (const token of nameOrType.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
      const words = splitWords(token).join(' ');
      const match = this.records.find((r) => r.words === words || `${r.words}s` === words);
      if (match) return match.classification;
    }
    return undefined;
  }

  /** The asset whose declared location (path or URI glob) contains `path`, if any. */
  classifyLocation(path: string): Classification | undefined {
    if (this.locations.length === 0 || path.length > 2048 || !/[/\\]/.test(path)) return undefined;
    const p = path.replace(/\\/g, '/').replace(/^\.\//, '');
    for (const l of this.locations) if (l.pattern.test(p) || l.pattern.test(p + '/')) return l.classification;
    return undefined;
  }

  private compute(name: string): Classification | undefined {
    // Names are identifiers and keys: anything longer is not one, and would cost regex time.
    if (name.length > 128) return undefined;
    const words = splitWords(name);
    if (words.length === 0) return undefined;
    // Glued names such as `apikey` or `creditcardnumber` are compared without separators too.
    const glued = words.join('');
    for (const e of this.entries) {
      const at = glued === e.words.join('') ? 0 : runIndex(words, e.words);
      if (at < 0) continue;
      // The words around the match decide whether the name holds the data or something about it.
      const around = [...words.slice(0, at), ...words.slice(at + e.words.length)];
      if (around.some((w) => NOT_THE_DATA.has(w))) return undefined;
      return this.readAsName(name) ? e.classification : undefined;
    }
    return undefined;
  }

  /**
   * Whether the prefilter reads `name` as a name. The scan skips the files it stops, so a name
   * it does not read as one (`cv_c`: the words of `cvc` cut in two; `api_ key`: two separators;
   * `SsN`) is not classified either: it would be a finding only in the files admitted for
   * something else. Between quotes, as a key is written: words with spaces between them are a
   * name only in a string.
   */
  private readAsName(name: string): boolean {
    return this.anchoredPrefilter.test(`"${name}"`);
  }
}
