import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { RULES } from '../../server/src/core';
import { REPO } from '../support/paths';

it('every rule has its page, with the four sections, and every page has its rule', () => {
  const dir = path.join(REPO, 'docs', 'rules');
  for (const rule of RULES) {
    const page = path.join(dir, `${rule.id}.md`);
    assert.ok(existsSync(page), `${rule.id} has no page`);
    const text = readFileSync(page, 'utf8');
    assert.ok(
      text.startsWith(`# ${rule.id} ${rule.name}\n`),
      `${rule.id}: the page title must be "# ${rule.id} ${rule.name}"`,
    );
    for (const section of ['## What it checks', '## Why it matters', '## How to fix'])
      assert.ok(text.includes(section), `${rule.id} lacks "${section}"`);
  }
  const pages = readdirSync(dir).map((f) => f.replace(/\.md$/, ''));
  assert.deepEqual(
    pages.filter((p) => !RULES.some((r) => r.id === p)),
    [],
  );
});

it('README lists every rule', () => {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  for (const rule of RULES)
    assert.ok(readme.includes(`[${rule.id}](docs/rules/${rule.id}.md)`), `README does not list ${rule.id}`);
});
