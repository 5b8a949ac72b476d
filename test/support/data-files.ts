/**
 * Small made-up workspaces for the data-file rules, shared by the core, protocol and client
 * tests: the same governance and files, read by each tier its own way.
 */

/** A governance manifest whose restricted asset covers `data/tickets/*.jsonl` and declares only `ticket_body`. */
export const TICKETS_GOVERNANCE = [
  'apiVersion: crownguard/v1',
  'kind: Governance',
  'tiers:',
  '  - id: restricted',
  '    crownJewel: true',
  'assets:',
  '  - id: support-tickets',
  '    tier: restricted',
  '    locations:',
  '      - data/tickets/*.jsonl',
  '    fields:',
  '      - ticket_body',
  '',
].join('\n');

/** An axolotl config that trains on `data/loose.csv`: the file is a dataset node of the lineage graph. */
export const TRAIN_ON_LOOSE_CSV = [
  'base_model: meta-llama/Llama-3.1-8B',
  'datasets:',
  '  - path: data/loose.csv',
  '    type: alpaca',
  'output_dir: ./out',
  '',
].join('\n');

/** `data/loose.csv`: made-up numbers in the SSN shape, in a file no asset covers. */
export const LOOSE_CSV = ['id,ssn,note', '1,512-44-1234,late', '2,513-44-2345,broken', ''].join('\n');

/**
 * The pipeline of the data-lineage workspace: one stage reading `support-tickets` and writing its
 * outputs to the given locations (relative to `pipelines/`).
 */
export function prepPipeline(outputs: readonly { id: string; location: string }[]): string {
  return [
    'apiVersion: crownguard/v1',
    'kind: Pipeline',
    'metadata:',
    '  name: support-prep',
    'stages:',
    '  - id: prepare',
    '    type: transform',
    '    inputs: [support-tickets]',
    '    outputs:',
    ...outputs.flatMap((o) => [`      - id: ${o.id}`, `        location: ${o.location}`]),
    '',
  ].join('\n');
}

/** The made-up values of the data-lineage workspace: no output may show any of them. */
export const DATA_LINEAGE_FAKES = ['ann.lee', 'raj.pal', 'lu.ng', 'fernmail', '512-44-1234', '513-44-2345'];

/**
 * The data-lineage workspace, by path: a declared stage output with a sensitive field
 * (prepared/clean.jsonl), a stray file (exports/dump.jsonl), a DVC folder out that .gitignore
 * hides (data/splits), and the asset's located files (data/tickets/*.jsonl). The CLI and the
 * editor are tested on the same files, so that they must agree.
 */
export const DATA_LINEAGE_WORKSPACE: Readonly<Record<string, string>> = {
  'governance.yaml': TICKETS_GOVERNANCE,
  'pipelines/prep.yaml': prepPipeline([{ id: 'clean-tickets', location: '../prepared/clean.jsonl' }]),
  'dvc.yaml': ['stages:', '  split:', '    cmd: python split.py', '    outs:', '      - data/splits', ''].join('\n'),
  // DVC lists its outs in .gitignore: the folder's files are found through the lineage alone.
  '.gitignore': '/data/splits\n',
  'data/splits/train.tsv': 'id\tquestion\tssn\n1\thow to sort\t512-44-1234\n2\tregex\t513-44-2345\n',
  'data/splits/notes.txt': 'not data\n',
  'prepared/clean.jsonl': '{"ticket_body": "printer jams", "contact": "lu.ng@fernmail.org"}\n',
  'exports/dump.jsonl': '{"ticket_body": "refund", "contact": "raj.pal@fernmail.org"}\n',
  'data/tickets/march.jsonl': '{"ticket_body": "printer jams", "contact": "ann.lee@fernmail.org"}\n',
  'data/tickets/april.jsonl': '{"ticket_body": "refund", "phone_note": "none", "contact": "raj.pal@fernmail.org"}\n',
};
