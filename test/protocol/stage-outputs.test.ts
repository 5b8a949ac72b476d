import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CompletionRequest, HoverRequest, type CompletionItem, type Hover } from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';
import { FIXTURES } from '../support/paths';

describe('stage outputs written to a file ({id, location}) in the editor', () => {
  let dir: string;
  let client: TestClient;
  let uri: string;
  let text: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'crownguard-outputs-lsp-'));
    cpSync(path.join(FIXTURES, 'datasets', 'redaction'), dir, { recursive: true });
    client = await TestClient.start({ folder: dir, pull: true });
    uri = await client.open('pipelines/support.pipeline.yaml', 'yaml');
    text = readFileSync(path.join(dir, 'pipelines', 'support.pipeline.yaml'), 'utf8');
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const position = (t: string, needle: string, nth = 1) => {
    const lines = t.split('\n');
    let seen = 0;
    for (const [line, l] of lines.entries())
      for (let i = l.indexOf(needle); i >= 0; i = l.indexOf(needle, i + 1))
        if (++seen === nth) return { line, character: i + 1 };
    throw new Error(`${needle} not found`);
  };

  it('hovers an output declared with its location: what it carries and the file it is written to', async () => {
    const h = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: position(text, 'clean-customers'),
    })) as Hover | null;
    const value = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    assert.match(
      value,
      // The file written holds SSNs the redaction left behind: its content, not the redaction, decides the tier.
      /^\*\*stage output\*\* `clean-customers`: carries tier \*\*restricted\*\* \(crown-jewel\); declared in `pipelines\/support\.pipeline\.yaml` line 10; written to `prepared\/clean\.jsonl`/,
    );
  });

  it('completes the keys of an output item, and offers an output declared with a location as an input', async () => {
    const edited = async (added: string[]) => {
      const lines = text.split('\n');
      const at = lines.findIndex((l) => l.includes('- id: finetune'));
      lines.splice(at, 0, ...added);
      await client.change(uri, lines.join('\n'));
      // The cursor at the end of the last line added, before a closing bracket.
      const line = lines[at + added.length - 1];
      const items = (await client.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position: { line: at + added.length - 1, character: line.length - (line.endsWith(']') ? 1 : 0) },
      })) as CompletionItem[];
      return items.map((i) => `${i.label} (${i.detail})`);
    };
    assert.deepEqual(await edited(['  - id: extra', '    type: transform', '    inputs: [clean]']), [
      'clean-customers (stage output, carries internal)',
    ]);
    assert.deepEqual(
      await edited(['  - id: extra', '    type: transform', '    outputs:', '      - id: more', '        lo']),
      ['location (Location)'],
    );
    await client.change(uri, text);
  });
});
