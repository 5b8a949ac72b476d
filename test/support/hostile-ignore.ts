/**
 * A workspace whose ignore files attack the tool: patterns that a backtracking translation of
 * gitignore syntax takes minutes (or forever) to reject against a deep folder, next to ordinary
 * rules whose meaning must survive.
 */

/** Folders `d01` to `d24` below `a/`: deep enough that many `/**\/` in a row backtrack for minutes. */
export const DEEP = ['a', ...Array.from({ length: 24 }, (_, i) => `d${String(i + 1).padStart(2, '0')}`)].join('/');

/** A file name of many `a`s not ending in `b`, for `*a*a*a…*b`. */
export const LONG_NAME = `${'a'.repeat(120)}c.py`;

const LEAK =
  'import logging\nlog = logging.getLogger(__name__)\n\ndef f(customer):\n    log.info("ssn %s", customer.ssn)\n';

/** Relative path to text. Folders are created as needed. */
export const HOSTILE_IGNORE_FILES: Record<string, string> = {
  '.gitignore': [
    '# Hostile: matches nothing here, but only after trying every way to split the folders.',
    `a/${'**/'.repeat(16)}x`,
    `${'*a'.repeat(20)}*b`,
    '',
    '# Ordinary: a folder that is ignored cannot have a file re-included.',
    'generated/',
    '!generated/keep.py',
    '',
  ].join('\n'),
  [`${DEEP}/.crownguardignore`]: [`${'**/'.repeat(16)}x/`, `${'?*'.repeat(30)}z`, ''].join('\n'),
  [`${DEEP}/leak.py`]: LEAK,
  [`${DEEP}/x/leak.py`]: LEAK,
  [LONG_NAME]: LEAK,
  'generated/leak.py': LEAK,
  'generated/keep.py': LEAK,
};

/** The files of the workspace that are analysed (each has one CG101); the rest are ignored. */
export const HOSTILE_IGNORE_REPORTED = [`${DEEP}/leak.py`, LONG_NAME].sort();
