import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEFAULT_SETTINGS, type Engine, type Finding, type SourceFile } from '../../server/src/core';
import { fileRole } from '../../server/src/core/sensitivity/location';
import { engine } from '../support/engine';
import { Synthetic, checksummedToken, luhnNumber } from '../quality/synthetic';

let e: Engine;
before(async () => {
  e = await engine();
});

const SETTINGS = { ...DEFAULT_SETTINGS, today: '2026-11-28' };
const run = (...files: SourceFile[]): Finding[] => e.analyze(files, SETTINGS).findings;
const at = (fs: readonly Finding[], path: string) =>
  fs.filter((f) => f.path === path).map((f) => `${f.ruleId} ${f.severity}`);
const s = new Synthetic(7);

describe('context for literals', () => {
  it('the digits of floats in a metrics file are not card numbers', () => {
    const floats = Array.from({ length: 200 }, () => `"snr": 28.${luhnNumber(s, '4', 16)}`).join(',\n');
    assert.deepEqual(at(run({ path: 'results/snr.json', text: `{\n${floats}\n}` }), 'results/snr.json'), []);
  });

  it('a resource id, an arithmetic result and digits inside a hash are not card numbers', () => {
    const text = [
      `name = "projects/1/cachedContents/${luhnNumber(s, '3', 19)}"`,
      `answer = "1646615806005 + 2566267206991 =\\n\\nThe result is:\\n\\n${luhnNumber(s, '4', 13)}"`,
      `wheel = "torch.whl#sha256=e5ba${luhnNumber(s, '4', 16)}ebfd"`,
    ].join('\n');
    assert.deepEqual(at(run({ path: 'src/ids.py', text }), 'src/ids.py'), []);
  });

  it("a constant holding an environment variable's name, or its own name, is not a secret", () => {
    const ts =
      'const LANGSMITH_API_KEY = "LANGSMITH_API_KEY";\nexport const AUTH_TOKEN_KEY = "app_auth_token";\nconst API_KEY_PREFIX = "sk-app-";\n';
    const py =
      'OPENAI_API_KEY = "OPENAI_API_KEY"\n_IDENTITY_SECRET_DB_KEY = "studio_identity_secret"\nsecret_root = "/managed/native/root"\n';
    const fs = run({ path: 'src/gateway.ts', text: ts }, { path: 'src/storage.py', text: py });
    assert.deepEqual(
      fs.map((f) => f.ruleId),
      [],
    );
  });

  it('a private-key placeholder in a doc comment is not a key', () => {
    const text =
      '/**\n * credentials: {\n *   private_key: "-----BEGIN PRIVATE KEY-----\\n...",\n * }\n */\nexport const x = 1;\n';
    assert.deepEqual(at(run({ path: 'src/clients/index.ts', text }), 'src/clients/index.ts'), []);
  });
});

describe('where a finding is', () => {
  it('knows tests, fixtures, examples, docs and package metadata by their conventions', () => {
    for (const p of [
      'tests/test_x.py',
      'pkg/x_test.py',
      'src/__tests__/a.ts',
      'src/a.test.ts',
      'src/a.spec.js',
      'lib/chat_models/tests/universal.int.test.ts',
      'test/fixtures/a.json',
      'pkg/testdata/a.yaml',
    ]) {
      assert.equal(fileRole(p), 'test', p);
    }
    for (const p of ['examples/a.py', 'data/dpo_en_demo.json', 'demo/app.ts']) assert.equal(fileRole(p), 'example', p);
    for (const p of ['docs/guide.yaml', 'README.md']) assert.equal(fileRole(p), 'docs', p);
    for (const p of ['pyproject.toml', 'package.json', 'CITATION.cff', '.github/CODEOWNERS'])
      assert.equal(fileRole(p), 'metadata', p);
    assert.equal(fileRole('src/app/main.py'), 'source');
  });

  it('literal personal data in a test is a note; a live-format secret there is still an error', () => {
    const token = checksummedToken(s, 'ghp_');
    const text = `CARD = "${luhnNumber(s, '4', 16)}"\nSSN = "512-44-8712"\nTOKEN = "${token}"\n`;
    assert.deepEqual(at(run({ path: 'tests/test_billing.py', text }), 'tests/test_billing.py').sort(), [
      'CG201 error',
      'CG202 note',
      'CG202 note',
    ]);
    assert.deepEqual(at(run({ path: 'src/billing.py', text }), 'src/billing.py').sort(), [
      'CG201 error',
      'CG202 warning',
      'CG202 warning',
    ]);
  });

  it('maintainers in package metadata and licence headers are not personal data', () => {
    const toml =
      '[project]\nname = "pkg"\nauthors = [{ name = "Priya Raman", email = "priya.raman@northwind-clinic.com" }]\n';
    const yaml =
      '# Copyright 2026 Priya Raman <priya.raman@northwind-clinic.com>\nnotify: ops-team@northwind-clinic.com\n';
    const fs = run({ path: 'pyproject.toml', text: toml }, { path: 'config/notify.yaml', text: yaml });
    assert.deepEqual(at(fs, 'pyproject.toml'), []);
    assert.deepEqual(at(fs, 'config/notify.yaml'), ['CG202 note']);
  });

  it('the governance manifest adds test paths, published e-mail domains and accepted fingerprints', () => {
    const config = {
      path: 'qa/seed/customers.yaml',
      text: `card: "${luhnNumber(s, '4', 16)}"\nsupport: help@northwind-clinic.com\n`,
    };
    const plain = run(config);
    assert.deepEqual(at(plain, config.path).sort(), ['CG202 note', 'CG202 warning']);
    const fingerprint = plain.find((f) => f.severity === 'warning')!.fingerprint!;
    const gov = (extra: string) => ({
      path: 'governance.yaml',
      text: `apiVersion: crownguard/v1\nkind: Governance\nliterals:\n${extra}`,
    });
    assert.deepEqual(at(run(gov('  testPaths: ["qa/seed/**"]\n'), config), config.path).sort(), [
      'CG202 note',
      'CG202 note',
    ]);
    assert.deepEqual(at(run(gov('  allowedEmailDomains: [northwind-clinic.com]\n'), config), config.path), [
      'CG202 warning',
    ]);
    assert.deepEqual(at(run(gov(`  allowFingerprints: ["${fingerprint}"]\n`), config), config.path), ['CG202 note']);
    const manifest = e.governance(gov('  testPaths: ["qa/seed/**"]\n  maxPerFile: 5\n  reportTestData: true\n'));
    assert.deepEqual(manifest.findings, []);
  });
});

describe("a credential passed as the call's own authentication", () => {
  it('is not data sent to the model; the prompt and messages still are', () => {
    const ts = [
      'export async function ask(model: any, client: any, openAIApiKey: string, apiKey: string, prompt: string) {',
      '  await model.invoke(prompt, { configurable: { model: "gpt-4o-mini", apiKey: openAIApiKey } });',
      '  await client.embeddings.create({ input: prompt }, { headers: { "api-key": apiKey } });',
      '  await model.invoke(`Summarise ${apiKey}`);',
      '}',
    ].join('\n');
    const py =
      'def publish(card, hf_token, api_key):\n    card.push_to_hub("org/model", token=hf_token)\n    llm.invoke(f"use {api_key}")\n';
    const fs = run({ path: 'src/ask.ts', text: ts }, { path: 'src/publish.py', text: py });
    assert.deepEqual(
      fs.filter((f) => f.path === 'src/ask.ts').map((f) => `${f.ruleId}:${f.span.offset}`),
      [`CG104:${ts.indexOf('${apiKey}') + 2}`],
    );
    assert.deepEqual(
      fs.filter((f) => f.path === 'src/publish.py').map((f) => f.ruleId),
      ['CG104'],
    );
  });
});

describe('JavaScript sanitisers', () => {
  it('a replace that masks every character, crypt(), hashed and encoded names and a ternary condition are not the value', () => {
    const ts = [
      'export function show(password: string, config: any, encodedPassword: string, hashedSecret: string) {',
      '  console.log(password.replace(/./g, "*"));',
      '  console.log(crypt(password));',
      '  console.log(encodedPassword, hashedSecret);',
      '  console.log(password ? "(set)" : "(empty)");',
      '  const options = { hostname: config.host, password };',
      '  console.log(options.hostname);',
      '}',
    ].join('\n');
    assert.deepEqual(
      run({ path: 'src/show.ts', text: ts }).map((f) => `${f.ruleId} ${f.message}`),
      [],
    );
  });
});

describe('bounded output', () => {
  it('a 10 MB single-line JSON of floats and a file of 100,000 e-mails finish quickly, with at most 20 findings and a summary', () => {
    const big = JSON.stringify(Array.from({ length: 600_000 }, () => Number(`0.${s.digits(16)}`)));
    // Files up to the analysed size: about 2 MB of floats on one line, and 100,000 addresses.
    const floats = JSON.stringify(Array.from({ length: 100_000 }, () => Number(`0.${s.digits(16)}`)));
    const mails = Array.from({ length: 100_000 }, (_, i) => `u${i}@nwclinic.org`).join('\n');
    const started = Date.now();
    const result = e.analyze(
      [
        { path: 'data/big.json', text: big },
        { path: 'data/floats.json', text: floats },
        { path: 'data/mails.yaml', text: mails },
      ],
      SETTINGS,
    );
    const fs = result.findings;
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    // Over the size limit: not analysed, and said so as a finding.
    assert.ok(big.length > 10_000_000 && fs.some((f) => f.path === 'data/big.json' && f.ruleId === 'CG005'));
    assert.deepEqual(at(fs, 'data/floats.json'), []);
    const mailFindings = fs.filter((f) => f.path === 'data/mails.yaml');
    assert.equal(mailFindings.length, 21);
    assert.match(mailFindings[20].message, /^And [\d,]+ more literal personal values in this file/);
  });
});

describe('held-out repositories: published keys, image defaults and escaped line breaks', () => {
  const lineOf = (text: string, f: Finding) => text.slice(0, f.span.offset).split('\n').length;
  const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const jwt = (role: string) =>
    `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ iss: 'supabase', ref: 'qzrkplmnbvcxwe', role, iat: 1767225600, exp: 2082758400 })}.${s.digits(20)}Xk3vQ9LmTz7RwYp2Hn8sJd4Fc6Bg1aE`;

  it("Supabase's anon key is published on purpose; its service-role key is a secret", () => {
    const anon = {
      path: 'src/telemetry.ts',
      text: `const SUPABASE_PUBLIC_API_KEY = "${jwt('anon')}";\nconst headers = { apikey: "${jwt('anon')}" };\n`,
    };
    const service = { path: 'src/admin.ts', text: `const SUPABASE_KEY = "${jwt('service_role')}";\n` };
    const fs = run(anon, service);
    assert.deepEqual(at(fs, anon.path), []);
    assert.deepEqual(at(fs, service.path), ['CG201 error']);
  });

  it('a connection string whose password repeats the user, or that points at loopback, is a default; others are not', () => {
    const text = [
      'BROKER = "amqp://relay_svc:relay_svc@queue:5672/"',
      'LOCAL = "mysql://app:Zq8vN3kLx2pRw@127.0.0.1:3306/app"',
      'LIVE = "postgres://relay_svc:Zq8vN3kLx2pRw@db.internal:5432/app"',
    ].join('\n');
    const fs = run({ path: 'src/settings.py', text });
    assert.deepEqual(
      fs.filter((f) => f.path === 'src/settings.py').map((f) => `${f.ruleId} ${f.severity} ${lineOf(text, f)}`),
      ['CG201 error 3'],
    );
  });

  it('an escaped line break before a decorator is not an e-mail; an address right after one still is', () => {
    const records = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({
        content: `def f${i}():\n    pass\n\n@registry.register\ndef g${i}(): pass`,
        note: i < 3 ? `reach me at\nmira.okafor${i}@northwind-clinic.com` : 'none',
      }),
    ).join('\n');
    const fs = run({ path: 'data/chunks.jsonl', text: `${records}\n` });
    assert.deepEqual(
      fs.filter((f) => f.path === 'data/chunks.jsonl').map((f) => f.message.replace(/ in \d+ of \d+ records/, '')),
      ['Training data field `note`: email addresses'],
    );
  });

  it("a package's contact address is a credit line, like its authors", () => {
    const text = "__contact_names__ = 'Model Tools Team'\n__contact_emails__ = 'model-tools@northwind-clinic.com'\n";
    assert.deepEqual(at(run({ path: 'src/pkg/package_info.py', text }), 'src/pkg/package_info.py'), []);
  });

  it("an account's user name is its handle, not the person's name; a display name still is", () => {
    const py =
      'import logging\n\ndef audit(request):\n    logging.error("failed for %s", request.user.username)\n    logging.error("failed for %s", request.user.display_name)\n';
    assert.deepEqual(
      run({ path: 'src/audit.py', text: py }).map((f) => `${f.ruleId} ${lineOf(py, f)}`),
      ['CG101 5'],
    );
  });
});
