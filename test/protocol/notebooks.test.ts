import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionRequest,
  DocumentDiagnosticRequest,
  type CodeAction,
  type Diagnostic,
  type FullDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { FIXTURES } from '../support/paths';
import { TestClient } from '../support/lsp-client';

const CODE = 2;
const MARKUP = 1;

/** A notebook as an editor opens it: cells with their kinds, languages and texts. */
class OpenNotebook {
  version = 1;
  readonly cells: { uri: string; kind: number; languageId: string; text: string; version: number }[];

  constructor(
    readonly client: TestClient,
    readonly uri: string,
    cells: { kind: number; languageId: string; text: string }[],
  ) {
    this.cells = cells.map((c, i) => ({
      ...c,
      uri: `${uri.replace(/^file:/, 'vscode-notebook-cell:')}#cell${i}`,
      version: 1,
    }));
  }

  async open(): Promise<void> {
    await this.client.connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: {
        uri: this.uri,
        notebookType: 'jupyter-notebook',
        version: this.version,
        cells: this.cells.map((c) => ({ kind: c.kind, document: c.uri })),
      },
      cellTextDocuments: this.cells.map((c) => ({ uri: c.uri, languageId: c.languageId, version: 1, text: c.text })),
    });
  }

  /** Replaces one cell's whole text. */
  async edit(index: number, text: string): Promise<void> {
    const cell = this.cells[index];
    cell.text = text;
    cell.version++;
    this.version++;
    await this.client.connection.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: this.uri, version: this.version },
      change: {
        cells: { textContent: [{ document: { uri: cell.uri, version: cell.version }, changes: [{ text }] }] },
      },
    });
  }

  async close(): Promise<void> {
    await this.client.connection.sendNotification('notebookDocument/didClose', {
      notebookDocument: { uri: this.uri },
      cellTextDocuments: this.cells.map((c) => ({ uri: c.uri })),
    });
  }

  async pull(index: number): Promise<Diagnostic[]> {
    const report = (await this.client.connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri: this.cells[index].uri },
    })) as FullDocumentDiagnosticReport;
    return report.items;
  }
}

function workspace(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-nb-lsp-'));
  copyFileSync(path.join(FIXTURES, 'notebooks', 'governance.yaml'), path.join(dir, 'governance.yaml'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const CELLS = () => [
  {
    kind: CODE,
    languageId: 'python',
    text: '%pip install acme-privacy\nimport logging\nlogger = logging.getLogger("x")\nrow = customer.ssn\n',
  },
  { kind: MARKUP, languageId: 'markdown', text: 'Questions to jane.doe@acme-corp.com\n' },
  { kind: CODE, languageId: 'python', text: '!ls data\nlogger.info("customer %s", row)\n' },
];

const summary = (items: Diagnostic[]) =>
  items.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.character}`);

describe('notebooks over the protocol (pull diagnostics)', () => {
  let ws: ReturnType<typeof workspace>;
  let client: TestClient;
  let nb: OpenNotebook;
  before(async () => {
    ws = workspace();
    client = await TestClient.start({ folder: ws.dir, pull: true });
    nb = new OpenNotebook(client, client.uri('prepare.ipynb'), CELLS());
    await nb.open();
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  it('the server offers notebook document sync for Jupyter notebooks with Python cells', () => {
    assert.deepEqual(client.initializeResult?.capabilities.notebookDocumentSync, {
      notebookSelector: [
        { notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }, { language: 'markdown' }] },
      ],
    });
  });

  it('a cell gets the findings of the whole program that fall in it, at its own positions', async () => {
    assert.deepEqual(summary(await nb.pull(0)), []);
    assert.deepEqual(summary(await nb.pull(1)), ['CG202 0:13-35']);
    const third = await nb.pull(2);
    assert.deepEqual(summary(third), ['CG101 1:27-30']);
    assert.match(String(third[0].message), /through local variable 'row' \(assigned in cell 1, line 4\)/);
  });

  it("the quick fixes edit the cell itself: the redaction, its import at the cell's top, and a Python comment waiver", async () => {
    const diagnostic = (await nb.pull(2))[0];
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: nb.cells[2].uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    for (const a of actions) assert.deepEqual(Object.keys(a.edit!.changes!), [nb.cells[2].uri], a.title);
    const apply = (title: RegExp) => {
      const action = actions.find((a) => title.test(a.title))!;
      assert.ok(action, `${title} among ${actions.map((a) => a.title).join(', ')}`);
      const doc = TextDocument.create(nb.cells[2].uri, 'python', 1, nb.cells[2].text);
      return TextDocument.applyEdits(doc, action.edit!.changes![nb.cells[2].uri]);
    };
    assert.equal(
      apply(/^Wrap the whole/),
      'from acme_privacy import redact\n!ls data\nlogger.info("customer %s", redact(row))\n',
    );
    assert.match(
      apply(/^Waive CG101/),
      /^!ls data\n# crownguard: waive CG101 reason="" expires=\d{4}-\d\d-\d\d\nlogger\.info/,
    );
  });

  it('an edit in one cell changes what another reports, and the client is asked to pull again', async () => {
    const refreshes = client.refreshRequests;
    await nb.edit(0, 'import logging\nlogger = logging.getLogger("x")\nrow = customer.region\n');
    await client.waitFor('a diagnostics refresh', () => client.refreshRequests > refreshes);
    assert.deepEqual(summary(await nb.pull(2)), []);
    await nb.edit(2, 'logger.info("customer %s", customer.account_number)\n');
    assert.deepEqual(summary(await nb.pull(2)), ['CG101 0:27-50']);
  });

  it('closing the notebook forgets its cells', async () => {
    await nb.close();
    assert.deepEqual(await nb.pull(2), []);
  });

  it('a malformed notebook notification is dropped, and the server keeps serving', async () => {
    await client.connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: { uri: null },
      cellTextDocuments: 3,
    });
    const again = new OpenNotebook(client, client.uri('again.ipynb'), CELLS());
    await again.open();
    assert.deepEqual(summary(await again.pull(2)), ['CG101 1:27-30']);
  });
});

describe('notebooks over the protocol (push diagnostics)', () => {
  it('every cell of an opened notebook is published', async () => {
    const ws = workspace();
    const client = await TestClient.start({ folder: ws.dir, pull: false });
    try {
      const nb = new OpenNotebook(client, client.uri('prepare.ipynb'), CELLS());
      await nb.open();
      const published = await client.waitFor('the third cell', () =>
        client.published.find((p) => p.uri === nb.cells[2].uri && p.diagnostics.length > 0),
      );
      assert.deepEqual(summary(published.diagnostics), ['CG101 1:27-30']);
    } finally {
      await client.stop();
      ws.remove();
    }
  });
});
