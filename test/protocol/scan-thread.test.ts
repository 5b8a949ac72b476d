import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DocumentDiagnosticRequest,
  WorkspaceDiagnosticRequest,
  type Diagnostic,
  type FullDocumentDiagnosticReport,
  type WorkspaceDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';
import { EXAMPLES } from '../support/paths';
import { writeFiles } from '../support/workspace';

/**
 * A saved module of `functions` small functions: a few hundred milliseconds of analysis each.
 * Each names a sensitive field harmlessly, so that the whole module is parsed and walked (a
 * module that names nothing is passed over by the prefilter in a few milliseconds).
 */
function slowModule(seed: number, functions: number): string {
  const out = ['import logging', '', 'logger = logging.getLogger(__name__)', ''];
  for (let i = 0; i < functions; i++)
    out.push(
      '',
      `def step_${seed}_${i}(row):`,
      `    total = row.amount + ${i}`,
      `    label = "step ${i}"`,
      '    known = row.ssn is not None',
      '    logger.info("done %s %s", label, total)',
      '    return total',
    );
  return `${out.join('\n')}\n`;
}

const OPENED = ['import logging', '', 'logger = logging.getLogger(__name__)', ''].join('\n');

async function documentPull(client: TestClient, uri: string): Promise<Diagnostic[]> {
  const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
    textDocument: { uri },
  })) as FullDocumentDiagnosticReport;
  return report.items;
}

describe('the workspace scan runs beside the editor', () => {
  const FILES = 24;
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'crownguard-scan-thread-'));
    copyFileSync(path.join(EXAMPLES, 'governance.yaml'), path.join(dir, 'governance.yaml'));
    mkdirSync(path.join(dir, 'src'));
    for (let i = 0; i < FILES; i++) writeFileSync(path.join(dir, 'src', `job_${i}.py`), slowModule(i, 5000));
    writeFileSync(path.join(dir, 'opened.py'), OPENED);
    client = await TestClient.start({ folder: dir, pull: true, workDoneProgress: true });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a typed leak while a saved file is being analysed, not after it', async (t) => {
    const uri = await client.open('opened.py', 'python', OPENED);
    assert.deepEqual(await documentPull(client, uri), []);
    let scan: WorkspaceDiagnosticReport | undefined;
    const scanning = client.connection
      .sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] })
      .then((r) => (scan = r));
    const reports = () => client.progress.filter((p) => p.kind === 'report').length;
    await client.waitFor('the scan to analyse its first file', () => reports() > 0, 120000);
    // Each leak is typed while the scan is in the middle of a saved file (a moment after it
    // reported the one before). Analysed in the editor's thread, that file is finished before
    // the edit is even read, so its progress would always arrive before the leak's answer.
    const finishedMeanwhile: number[] = [];
    let text = OPENED;
    for (let i = 0; i < 5; i++) {
      const seen = reports();
      await client.waitFor('the scan to go on', () => scan !== undefined || reports() > seen, 120000);
      if (scan) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
      text += `\n\ndef typed_${i}(customer):\n    logger.info("ssn %s", customer.ssn)\n`;
      const before = reports();
      await client.change(uri, text);
      const items = await documentPull(client, uri);
      assert.equal(items.filter((d) => d.code === 'CG101').length, i + 1, 'the typed leak is reported');
      assert.equal(scan, undefined, 'the leak was answered while the scan still ran');
      finishedMeanwhile.push(reports() - before);
    }
    t.diagnostic(`saved files finished between an edit and its answer: ${finishedMeanwhile.join(', ')}`);
    assert.equal(finishedMeanwhile.length, 5, 'the scan ran long enough to type five leaks');
    // In the editor's thread none can be (all five count 1). In the scan thread a file may still
    // finish in the moment between the last report and the edit's arrival (about one round in
    // five on this machine), so two answered first already show the scan no longer blocks them.
    assert.ok(
      finishedMeanwhile.filter((n) => n === 0).length >= 2,
      `leaks were answered before the scan finished the file it was analysing: ${finishedMeanwhile.join(', ')}`,
    );
    await scanning;
    assert.equal(scan!.items.length, FILES + 1, 'every saved file but the open one is reported');
    assert.ok(!scan!.items.some((r) => r.uri === uri), 'the open file is left to its own pulls');
  });
});

describe('open documents win over the files the scan reads', () => {
  let dir: string;
  let client: TestClient;
  const write = (rel: string, lines: string[]) => writeFiles(dir, { [rel]: lines.join('\n') });
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'crownguard-scan-open-'));
    copyFileSync(path.join(EXAMPLES, 'governance.yaml'), path.join(dir, 'governance.yaml'));
    // On disk the helper logs what it is given; opened, it no longer does.
    write('utils/log.py', [
      'import logging',
      '',
      'logger = logging.getLogger(__name__)',
      '',
      '',
      'def my_log(x):',
      '    logger.info(x)',
      '',
    ]);
    write('caller.py', ['from utils.log import my_log', '', '', 'def login(password):', '    my_log(password)', '']);
    // On disk a leak; opened, the leak is gone and another one is typed further down.
    write('saved.py', [
      'import logging',
      '',
      '',
      'def show(customer):',
      '    logging.info("ssn %s", customer.ssn)',
      '',
    ]);
    client = await TestClient.start({ folder: dir, pull: true });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a saved file from the open text of the module it imports, and an open file from its own text', async () => {
    const quiet = [
      'import logging',
      '',
      'logger = logging.getLogger(__name__)',
      '',
      '',
      'def my_log(x):',
      '    return len(x)',
      '',
    ];
    const helper = await client.open('utils/log.py', 'python', quiet.join('\n'));
    const savedText = readFileSync(path.join(dir, 'saved.py'), 'utf8');
    const edited =
      savedText.replace('logging.info("ssn %s", customer.ssn)', 'return None') +
      '\n\ndef later(customer):\n    logging.info("email %s", customer.email)\n';
    const saved = await client.open('saved.py', 'python', edited);
    const report = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const caller = report.items.find((r) => r.uri === client.uri('caller.py'));
    assert.ok(caller && caller.kind === 'full', 'the saved caller is reported');
    assert.deepEqual(
      caller.items.map((d) => d.code),
      [],
      'the caller is checked against the helper as it is open, which logs nothing',
    );
    assert.ok(!report.items.some((r) => r.uri === saved || r.uri === helper), 'open files are left to their own pulls');
    const own = await documentPull(client, saved);
    assert.deepEqual(
      own.filter((d) => d.code === 'CG101').map((d) => d.range.start.line),
      [edited.split('\n').findIndex((l) => l.includes('customer.email'))],
      "the open file's own text decides its diagnostics",
    );
  });
});
