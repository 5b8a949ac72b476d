// The waiver injection grammar, tokenized with VS Code's TextMate engine over the Python,
// TypeScript, JavaScript and YAML grammars VS Code 1.100 itself ships (from code-server), and
// over our prompt-template grammar.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry } from 'vscode-textmate';
import { CODE_SERVER_ENTRY, REPO } from './workbench';

const BUILTIN = path.join(path.dirname(CODE_SERVER_ENTRY), '..', '..', 'lib', 'vscode', 'extensions');
const INJECTION = 'crownguard.waiver.injection';
const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  contributes: { grammars: { scopeName: string; path: string; injectTo?: string[] }[] };
};
const ours = manifest.contributes.grammars.find((g) => g.scopeName === INJECTION)!;

/** Every grammar file by scope: VS Code's built-in ones and ours, as their manifests declare them. */
function grammarFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const ext of readdirSync(BUILTIN)) {
    let pkg: { contributes?: { grammars?: { scopeName: string; path: string }[] } };
    try {
      pkg = JSON.parse(readFileSync(path.join(BUILTIN, ext, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    for (const g of pkg.contributes?.grammars ?? []) files.set(g.scopeName, path.join(BUILTIN, ext, g.path));
  }
  for (const g of manifest.contributes.grammars) files.set(g.scopeName, path.join(REPO, g.path));
  return files;
}

let registry: Registry;
before(async () => {
  await oniguruma.loadWASM(
    readFileSync(path.join(REPO, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm')).buffer as ArrayBuffer,
  );
  const files = grammarFiles();
  registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      const file = files.get(scope);
      return file ? parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
    },
    // As VS Code does for `injectTo`.
    getInjections: (scope) => (ours.injectTo?.includes(scope) ? [INJECTION] : undefined),
  });
});

/** The scopes of the token covering `needle` on the last line of `text`. */
async function scopesAt(scope: string, text: string, needle: string): Promise<string[]> {
  const grammar = await registry.loadGrammar(scope);
  assert.ok(grammar, `grammar ${scope}`);
  let state = INITIAL;
  let tokens: { startIndex: number; endIndex: number; scopes: string[] }[] = [];
  const lines = text.split('\n');
  for (const line of lines) ({ ruleStack: state, tokens } = grammar.tokenizeLine(line, state));
  const last = lines[lines.length - 1];
  const at = last.indexOf(needle);
  assert.ok(at >= 0, needle);
  return tokens.find((t) => t.startIndex <= at && at < t.endIndex)!.scopes;
}

const WAIVER =
  'crownguard: waive CG101 policy=no-pii-in-logs reason="join key only" expires=2027-01-31 approver=privacy-office';

for (const [scope, comment] of [
  ['source.python', `# ${WAIVER}`],
  ['source.ts', `  // ${WAIVER}`],
  ['source.js', `// ${WAIVER}`],
  ['source.yaml', `key: value  # ${WAIVER}`],
  ['source.crownguard-prompt', `{# ${WAIVER} #}`],
] as const) {
  it(`a waiver in a ${scope} comment is highlighted, and the comment stays a comment`, async () => {
    const keyword = await scopesAt(scope, comment, 'waive ');
    assert.ok(
      keyword.some((s) => s.startsWith('comment.')),
      keyword.join(' '),
    );
    assert.ok(keyword.includes('keyword.other.waiver.crownguard'), keyword.join(' '));
    assert.ok((await scopesAt(scope, comment, 'CG101')).includes('constant.language.rule-id.crownguard'));
    assert.ok((await scopesAt(scope, comment, 'policy=')).includes('entity.other.attribute-name.waiver.crownguard'));
    assert.ok((await scopesAt(scope, comment, '"join')).includes('string.quoted.double.waiver.crownguard'));
    assert.ok((await scopesAt(scope, comment, '2027-01-31')).includes('constant.numeric.date.waiver.crownguard'));
  });
}

it('the same words outside a comment are not a waiver', async () => {
  const scopes = await scopesAt('source.python', 'x = "crownguard: waive CG101"', 'CG101');
  assert.ok(!scopes.some((s) => s.includes('waiver.crownguard')), scopes.join(' '));
  const plain = await scopesAt('source.python', '# see CG101 in the docs', 'CG101');
  assert.ok(
    !plain.includes('constant.language.rule-id.crownguard'),
    'a rule id outside a waiver is plain comment text',
  );
});
