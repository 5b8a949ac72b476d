import { RE2JS } from 're2js';

/** What ajv and the schema walker need of a regular expression. */
export interface LinearRegExp {
  test(text: string): boolean;
}

/**
 * Compiles a pattern written in a workspace (a team policy's `pattern` or `patternProperties`)
 * with RE2's linear-time engine, so that no pattern and no input can make matching backtrack:
 * `^(a+)+$` takes as long as the text is. RE2 has no lookaround and no back-references; a
 * pattern that uses them does not compile, which the caller reports. Throws on such a pattern.
 */
export function linearRegExp(source: string): LinearRegExp {
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(source));
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : 'not a regular expression';
    throw new Error(`a pattern cannot run in linear time (no lookaround or back-references): ${reason}`);
  }
  return { test: (text: string) => re.test(text) };
}

/** The same, in the shape ajv's `code.regExp` option takes (the flag is always `u`). */
export const linearRegExpEngine = Object.assign((source: string) => linearRegExp(source), {
  // ajv names the engine in code it generates for standalone output, which is never used here.
  code: 'linearRegExp',
});
