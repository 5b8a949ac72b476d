import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { engine } from '../support/engine';
import { ajv, AJV_OPTIONS, configureAjv } from '../../server/src/core/schema/ajv';
import { ownValidator } from '../../server/src/core/schema/validators';
import { EXAMPLES, REPO } from '../support/paths';

const SCHEMAS = readdirSync(path.join(REPO, 'schemas')).filter((f) => f.endsWith('.schema.json'));

describe('our own schemas are compiled at build time, not when the first file is opened', () => {
  it('reading the governance manifest compiles nothing in the run-time ajv', async () => {
    const e = await engine();
    const governance = readFileSync(path.join(EXAMPLES, 'governance.yaml'), 'utf8');
    const result = e.governance({ path: 'governance.yaml', text: governance });
    assert.equal(result.broken, false);
    // A broken manifest goes through the same validator and is still reported.
    const broken = e.governance({
      path: 'governance.yaml',
      text: governance.replace(/^kind: Governance$/m, 'kind: Governanc'),
    });
    assert.ok(broken.findings.length > 0);
    for (const file of SCHEMAS) {
      const id = (JSON.parse(readFileSync(path.join(REPO, 'schemas', file), 'utf8')) as { $id: string }).$id;
      assert.equal(ajv.getSchema(id), undefined, `${file} was compiled at run time`);
    }
  });

  it('the generated validators give the errors ajv gives at run time, on valid and broken manifests', () => {
    const runtime = configureAjv(new Ajv(AJV_OPTIONS));
    const samples: Record<string, unknown[]> = {
      governance: [
        parse(readFileSync(path.join(EXAMPLES, 'governance.yaml'), 'utf8')),
        { version: 1, assets: [{ id: 'Bad Id', tier: 'secret-ish' }], extra: true },
        { assets: 'none' },
      ],
      pipeline: [
        parse(readFileSync(path.join(EXAMPLES, 'pipelines', 'support-bot.pipeline.yaml'), 'utf8')),
        { apiVersion: 2, kind: 'Pipline', stages: [{ id: 'x', inputs: 'a' }] },
      ],
      model: [
        parse(readFileSync(path.join(EXAMPLES, 'models', 'support-bot.model.yaml'), 'utf8')),
        { kind: 'ModelRelease', name: 3, deployments: [{}] },
      ],
    };
    for (const [name, values] of Object.entries(samples)) {
      const schema = JSON.parse(readFileSync(path.join(REPO, 'schemas', `${name}.schema.json`), 'utf8')) as object;
      const compiled = runtime.compile(schema);
      const generated = ownValidator(name as 'governance');
      for (const value of values) {
        assert.equal(generated(value), compiled(value), name);
        assert.deepEqual(generated.errors ?? null, compiled.errors ?? null, name);
      }
    }
  });

  it('every schema in schemas/ has a generated validator', () => {
    for (const file of SCHEMAS)
      assert.equal(typeof ownValidator(file.replace('.schema.json', '') as 'governance'), 'function', file);
  });
});
