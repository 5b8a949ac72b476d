import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar } from 'vscode-textmate';
import { REPO } from '../support/paths';

/** Tokenizes with the TextMate engine VS Code itself uses, on the grammar as shipped. */
let grammar: IGrammar;
before(async () => {
  await oniguruma.loadWASM(
    readFileSync(path.join(REPO, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm')).buffer as ArrayBuffer,
  );
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      if (scope !== 'source.crownguard-prompt') return null;
      const file = path.join(REPO, 'syntaxes', 'crownguard-prompt.tmLanguage.json');
      return parseRawGrammar(readFileSync(file, 'utf8'), file);
    },
  });
  grammar = (await registry.loadGrammar('source.crownguard-prompt'))!;
});

/** The scopes of the token covering `needle` in `line`. */
function scopesAt(line: string, needle: string): string[] {
  const { tokens } = grammar.tokenizeLine(line, INITIAL);
  const at = line.indexOf(needle);
  const token = tokens.find((t) => t.startIndex <= at && at < t.endIndex);
  assert.ok(token, `no token at ${needle}`);
  return token.scopes;
}

it('the prompt grammar highlights placeholders, their fields and filters', () => {
  const line = 'Account: {{ customer.account_number | redact }} for {{name}}';
  assert.ok(scopesAt(line, '{{').includes('punctuation.section.embedded.begin.crownguard-prompt'));
  assert.ok(scopesAt(line, 'customer').includes('variable.other.crownguard-prompt'));
  assert.ok(scopesAt(line, 'account_number').includes('variable.other.property.crownguard-prompt'));
  assert.ok(scopesAt(line, 'redact').includes('support.function.filter.crownguard-prompt'));
  assert.ok(scopesAt(line, 'name').includes('meta.embedded.placeholder.crownguard-prompt'));
  assert.deepEqual(scopesAt(line, 'Account'), ['source.crownguard-prompt']);
});

it('the prompt grammar tells statements and comments from placeholders', () => {
  assert.ok(scopesAt('{% for t in tickets %}', 'for').includes('keyword.control.crownguard-prompt'));
  assert.ok(scopesAt('{# {{ customer.ssn }} #}', 'customer').includes('comment.block.jinja.crownguard-prompt'));
  assert.ok(scopesAt('{{! a note }}', 'note').includes('comment.block.mustache.crownguard-prompt'));
});
