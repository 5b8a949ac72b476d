import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../support/lsp-client';

/** `stages: ` and 20,000 nested flow sequences: deep enough to exhaust a recursive walker. */
const DEEP = 'stages: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n';

describe('editing help on a hostile manifest over the protocol', () => {
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'crownguard-hostile-'));
    client = await TestClient.start({ folder: dir, pull: true });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers hover, completion, links, symbols and definition on 20,000 nested brackets, and stays alive', async () => {
    const uri = await client.open('deep.pipeline.yaml', 'yaml', DEEP);
    const at = (character: number) => ({ textDocument: { uri }, position: { line: 0, character } });
    for (const character of [2, 8, 9, 10_000, 20_008, 30_000, 40_008]) {
      await client.connection.sendRequest('textDocument/hover', at(character));
      await client.connection.sendRequest('textDocument/completion', at(character));
      await client.connection.sendRequest('textDocument/definition', at(character));
      await client.connection.sendRequest('textDocument/references', {
        ...at(character),
        context: { includeDeclaration: true },
      });
    }
    await client.connection.sendRequest('textDocument/documentLink', { textDocument: { uri } });
    await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
    const report = (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as {
      items: { code?: unknown; range: { start: { character: number } } }[];
    };
    // The finding sits at the bracket that nests one level too deep (`stages:` is the first level).
    const deep = report.items.find((d) => d.code === 'CG001');
    assert.ok(deep, 'a CG001 finding for the nesting');
    assert.equal(deep.range.start.character, 'stages: '.length + 255);
    assert.equal(client.process.exitCode, null, 'the server is still running');
    assert.doesNotMatch(client.serverStderr(), /Allocation failed|FATAL/);
  });

  it('answers a pull for 40,000 bad stages within a bound, with every schema finding and the secret in the file', async () => {
    const token = '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';
    const text =
      `apiVersion: crownguard/v1\nkind: Pipeline\nmetadata:\n  name: big\n  description: "${token}"\nstages: [` +
      Array.from({ length: 40_000 }, (_, i) => `s${i}`).join(', ') +
      ']\n';
    const uri = await client.open('big.pipeline.yaml', 'yaml', text);
    const t = Date.now();
    // One schema check took over 50 s on this document; the bound is generous for a busy machine.
    const pull = client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as Promise<{
      items: { code?: unknown }[];
    }>;
    const report = await Promise.race([
      pull,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 25 s')), 25_000).unref()),
    ]);
    assert.ok(Date.now() - t < 25_000);
    assert.equal(report.items.filter((d) => d.code === 'CG002').length, 40_000);
    assert.ok(
      report.items.some((d) => d.code === 'CG201'),
      'the token is reported',
    );
  });
});
