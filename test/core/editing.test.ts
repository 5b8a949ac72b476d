import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completeAt, describeKeyAt, linkCandidates, type ManifestIndex, type SchemaKind } from '../../server/src/core';
import { DEFAULT_GOVERNANCE } from '../../server/src/core/governance/model';

/**
 * Editing help in manifests, one case per fixture: the fixture is the manifest's text with the
 * cursor written as `$0`, and the expectation sits right below it.
 */
function cursor(fixture: string): { text: string; offset: number } {
  const offset = fixture.indexOf('$0');
  assert.ok(offset >= 0, 'the fixture has no cursor marker');
  return { text: fixture.slice(0, offset) + fixture.slice(offset + 2), offset };
}

const INDEX: ManifestIndex = {
  declarations: [
    { id: 'customer-profiles', kind: 'asset', path: 'governance.yaml', span: { offset: 0, length: 1 } },
    { id: 'sft-train', kind: 'output', path: 'p.pipeline.yaml', span: { offset: 0, length: 1 } },
  ],
  references: [],
  carried: new Map(),
  governance: {
    ...DEFAULT_GOVERNANCE,
    assets: [
      {
        id: 'customer-profiles',
        tier: 'restricted',
        fields: [],
        records: [],
        locations: [],
        allowedUses: [],
        span: { offset: 0, length: 1 },
      },
    ],
  },
};

function labels(kind: SchemaKind, fixture: string): string[] {
  const { text, offset } = cursor(fixture);
  return completeAt(text, offset, kind, INDEX).map((c) => c.label);
}

function completion(kind: SchemaKind, fixture: string, label: string) {
  const { text, offset } = cursor(fixture);
  const found = completeAt(text, offset, kind, INDEX).find((c) => c.label === label);
  assert.ok(found, `no completion ${label}`);
  return found;
}

function hover(kind: SchemaKind, fixture: string): string | undefined {
  const { text, offset } = cursor(fixture);
  return describeKeyAt(text, offset, kind)?.markdown;
}

const STAGE = `apiVersion: crownguard/v1
kind: Pipeline
stages:
  - id: tune
    type: fine-tune
`;

describe('completion of keys', () => {
  it('offers the keys a stage may still have, not those it has', () => {
    const got = labels('pipeline', `${STAGE}    $0\n    method: lora\n  - id: next\n    type: evaluate\n`);
    assert.deepEqual(got, [
      'inputs',
      'outputs',
      'removes',
      'config',
      'baseModel',
      'privacy',
      'compute',
      'logging',
      'approvals',
      'retentionDays',
      'description',
      'domain',
    ]);
  });

  it('documents each key and inserts a value of its shape at the right indentation', () => {
    const privacy = completion('pipeline', `${STAGE}    pri$0\n`, 'privacy');
    assert.equal(privacy.insert?.snippet, 'privacy:\n      $0');
    assert.equal(privacy.insert?.plain, 'privacy:\n      ');
    assert.match(privacy.documentation ?? '', /^\*\*Privacy\*\* \(`privacy`\)\n\nHow training protects/);
    assert.equal(completion('pipeline', `${STAGE}    $0\n`, 'approvals').insert?.snippet, 'approvals:\n      - $0');
    assert.equal(completion('pipeline', `${STAGE}    $0\n`, 'inputs').insert?.snippet, 'inputs: [$1]');
    assert.equal(
      completion('pipeline', `${STAGE}    $0\n`, 'method').insert?.snippet,
      'method: ${1|full,lora,qlora,adapter,prompt-tuning,rag|}',
    );
    assert.equal(completion('governance', '$0\n', 'apiVersion').insert?.snippet, 'apiVersion: crownguard/v1');
    assert.equal(
      completion('governance', 'defaults:\n  $0\n', 'builtinNames').insert?.snippet,
      'builtinNames: ${1|true,false|}',
    );
  });

  it('offers the keys of a nested mapping and of a new list item, required ones marked', () => {
    assert.deepEqual(labels('pipeline', `${STAGE}    privacy:\n      $0\n`), ['differentialPrivacy', 'redaction']);
    const { text, offset } = cursor(`${STAGE}    approvals:\n      - $0\n`);
    assert.deepEqual(
      completeAt(text, offset, 'pipeline', INDEX).map((c) => `${c.label}: ${c.detail}`),
      ['by: required, Approved by', 'role: Role', 'date: required, Date', 'expires: Expires'],
    );
  });

  it('offers the top-level keys a manifest lacks, while a line below does not parse', () => {
    assert.deepEqual(labels('model', 'apiVersion: crownguard/v1\nkind: ModelRelease\n$0\ndatasets: [unclosed\n'), [
      'name',
      'version',
      'status',
      'artifact',
      'baseModel',
      'pipeline',
      'hyperparameters',
      'evaluation',
      'approvals',
      'deployments',
    ]);
  });

  it('replaces the whole word under the cursor, and only renames a key that has its value', () => {
    const { text, offset } = cursor(`${STAGE}    me$0thod: lora\n`);
    const method = completeAt(text, offset, 'pipeline', INDEX).find((c) => c.label === 'method')!;
    assert.equal(text.slice(method.replace.offset, method.replace.offset + method.replace.length), 'method');
    assert.equal(method.insert, undefined);
    const value = cursor(`${STAGE}    method: lo$0ra\n`);
    const [lora] = completeAt(value.text, value.offset, 'pipeline', INDEX);
    assert.equal(lora.label, 'lora');
    assert.equal(value.text.slice(lora.replace.offset, lora.replace.offset + lora.replace.length), 'lora');
  });

  it('offers nothing inside a block scalar', () => {
    assert.deepEqual(labels('pipeline', `${STAGE}    description: |\n      Trains the $0\n`), []);
  });
});

describe('completion of values', () => {
  it("offers the values the schema allows at the cursor's path", () => {
    assert.deepEqual(labels('pipeline', `${STAGE}    method: $0\n`), [
      'full',
      'lora',
      'qlora',
      'adapter',
      'prompt-tuning',
      'rag',
    ]);
    assert.deepEqual(labels('pipeline', 'stages:\n  - id: a\n    type: fi$0\n'), ['fine-tune']);
    assert.deepEqual(labels('model', 'deployments:\n  - target: hub\n    visibility: $0\n'), [
      'private',
      'internal',
      'public',
    ]);
    assert.deepEqual(labels('governance', 'assets:\n  - id: a\n    allowedUses: [rag, l$0\n'), ['lora-finetune']);
  });

  it('tells keys of the same name apart by where they are', () => {
    assert.deepEqual(labels('governance', 'kind: $0\n'), ['Governance']);
    assert.deepEqual(labels('governance', 'assets:\n  - id: a\n    kind: $0\n'), [
      'dataset',
      'table',
      'bucket',
      'file',
      'stream',
      'document-store',
      'feature-store',
    ]);
    assert.deepEqual(labels('governance', 'policies:\n  - id: p\n    severity: $0\n'), ['error', 'warning', 'note']);
  });

  it('still offers declared ids where an id belongs', () => {
    assert.deepEqual(labels('pipeline', `${STAGE}    inputs: [sft-train, cu$0\n`), ['customer-profiles']);
    assert.deepEqual(labels('model', 'datasets:\n  - $0\n'), ['customer-profiles', 'sft-train']);
  });
});

describe('hover on keys', () => {
  it("shows the schema's title, description and allowed values", () => {
    assert.equal(
      hover('pipeline', `${STAGE}    met$0hod: lora\n`),
      "**Fine-tuning method** (`method`)\n\nFor fine-tune stages: how the model is trained. `full` updates every weight; `lora`, `qlora`, `adapter` and `prompt-tuning` are parameter-efficient; `rag` trains nothing. Policy `finetune-method` checks it against the assets' `allowedUses`.\n\nValue: one of a set. Allowed values: `full`, `lora`, `qlora`, `adapter`, `prompt-tuning`, `rag`.",
    );
  });

  it('finds keys in flow mappings, through $ref and list items', () => {
    assert.match(
      hover('pipeline', `${STAGE}    privacy: { differentialPrivacy: { eps$0ilon: 8 } }\n`) ?? '',
      /^\*\*Epsilon\*\* \(`epsilon`\)\n\nPrivacy budget.*\n\nValue: number\.\n\nExample: `8`$/,
    );
    assert.match(
      hover('pipeline', `${STAGE}    approvals:\n      - { by: jane, da$0te: "2026-11-20" }\n`) ?? '',
      /^\*\*Date\*\* \(`date`\)\n\nWhen it was approved/,
    );
    assert.match(
      hover('governance', 'redaction:\n  python:\n    imp$0ort: from acme import redact\n') ?? '',
      /^\*\*Import line\*\* \(`import`\)/,
    );
  });

  it('states a one-sided bound as a minimum, not as a range ending in dots', () => {
    const doc = hover('governance', 'assets:\n  - id: a\n    tier: t\n    retent$0ionDays: 30\n') ?? '';
    assert.match(doc, /Value: whole number\. Minimum: 0\.$/m);
    assert.doesNotMatch(doc, /Range:|\.\.\./);
  });

  it('renders a structured example as YAML', () => {
    assert.match(
      hover('governance', 'ti$0ers:\n  - id: public\n') ?? '',
      /Example:\n\n```yaml\ntiers:\n  - id: public\n  - id: internal\n  - id: restricted\n    crownJewel: true\n```$/,
    );
  });

  it('says nothing off a key, or on a key the schema does not know', () => {
    assert.equal(hover('pipeline', `${STAGE}    method: lo$0ra\n`), undefined);
    assert.equal(hover('pipeline', `${STAGE}    meth$0od_x: lora\n`), undefined);
  });
});

describe('document links', () => {
  const linked = (kind: SchemaKind, text: string) =>
    linkCandidates(text, kind).map((c) => [
      text.slice(c.span.offset, c.span.offset + c.span.length),
      c.targets.map((t) => `${t.base}:${t.path}`),
    ]);

  it('proposes the paths the schemas mark, relative to the manifest and to the workspace', () => {
    assert.deepEqual(linked('pipeline', `${STAGE}    config: configs/axolotl.yaml\n`), [
      ['configs/axolotl.yaml', ['manifest:configs/axolotl.yaml', 'root:configs/axolotl.yaml']],
    ]);
    assert.deepEqual(linked('model', 'artifact:\n  path: "./out/adapter.safetensors"\n'), [
      ['./out/adapter.safetensors', ['manifest:out/adapter.safetensors', 'root:out/adapter.safetensors']],
    ]);
  });

  it('links a local asset location, never a URI or a glob', () => {
    const text =
      'assets:\n  - id: a\n    tier: internal\n    locations: [s3://bucket/x/**, data/customers.csv, "data/*.csv", /etc/passwd]\n';
    assert.deepEqual(linked('governance', text), [
      ['data/customers.csv', ['manifest:data/customers.csv', 'root:data/customers.csv']],
    ]);
  });

  it('links the module of a redaction import line when it can be a workspace file', () => {
    const text =
      'redaction:\n  python:\n    function: redact\n    import: from acme.privacy import redact\n  typescript:\n    function: redact\n    import: import { redact } from "./lib/privacy";\n  javascript:\n    function: redact\n    import: import { redact } from "@acme/privacy";\n';
    const got = linked('governance', text);
    assert.deepEqual(
      got.map(([span]) => span),
      ['acme.privacy', './lib/privacy'],
    );
    assert.deepEqual(got[0][1], [
      'manifest:acme/privacy.py',
      'root:acme/privacy.py',
      'manifest:acme/privacy/__init__.py',
      'root:acme/privacy/__init__.py',
    ]);
    assert.ok((got[1][1] as string[]).includes('root:lib/privacy.ts'));
  });
});
