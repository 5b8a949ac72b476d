import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS, readSettings, RULE_SETTINGS, SETTING_KEYS } from '../../shared/settings';
import { REPO } from '../support/paths';

interface Property {
  readonly default?: unknown;
  readonly enum?: readonly string[];
  readonly additionalProperties?: { readonly enum?: readonly string[] };
}

const configuration = (
  JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, Property> } };
  }
).contributes.configuration.properties;

// The one settings type is checked against what the extension declares to VS Code.
describe('the shared settings type', () => {
  it('has a key for every setting package.json declares, and no other', () => {
    const declared = Object.keys(configuration)
      .filter((k) => k !== 'crownguard.trace.server')
      .map((k) => k.replace(/^crownguard\./, ''))
      .sort();
    assert.deepEqual(Object.keys(SETTING_KEYS).sort(), declared);
    assert.deepEqual(Object.keys(DEFAULT_SETTINGS).sort(), declared);
  });

  it("has package.json's defaults and allowed values", () => {
    for (const [key, value] of Object.entries(DEFAULT_SETTINGS))
      assert.deepEqual(value, configuration[`crownguard.${key}`].default, key);
    assert.deepEqual(RULE_SETTINGS, configuration['crownguard.rules'].additionalProperties?.enum);
    assert.deepEqual(['onType', 'onSave'], configuration['crownguard.run'].enum);
  });

  it('reads what the editor holds, taking a value of the wrong type as absent', () => {
    const held: Record<string, unknown> = {
      enable: 'no',
      governanceManifest: 'policy/governance.yaml',
      run: 'onSave',
      rules: { CG101: 'warning', CG106: 'off', CG102: 'loud', CG103: 3 },
      include: ['src/**', '', 4],
      exclude: 'tests/**',
    };
    assert.deepEqual(
      readSettings((k) => held[k]),
      {
        enable: true,
        governanceManifest: 'policy/governance.yaml',
        run: 'onSave',
        rules: { CG101: 'warning', CG106: 'off' },
        include: ['src/**'],
        exclude: [],
      },
    );
    assert.deepEqual(
      readSettings(() => undefined),
      DEFAULT_SETTINGS,
    );
  });
});
