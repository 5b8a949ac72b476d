import { TICKETS_GOVERNANCE } from './data-files';

/** The made-up values of the DVC workspace: no output may show any of them. */
export const DVC_FAKES = ['ann.lee', 'raj.pal', 'fernmail', '512-44-1234', '513-44-2345'];

/**
 * A small DVC project, by path: an import from a data registry (pinned), a `dvc add` of a file
 * the governance asset's glob covers, a `dvc add` of a folder, and a dvc.yaml stage that reads
 * the imported and added files. DVC lists its outs in .gitignore, so only the lineage finds them.
 */
export const DVC_WORKSPACE: Readonly<Record<string, string>> = {
  'governance.yaml': TICKETS_GOVERNANCE,
  '.dvc/config': '[core]\n    remote = storage\n',
  '.dvc/.gitignore': '/config.local\n/tmp\n/cache\n',
  '.gitignore': '/data/customers.csv\n/data/tickets/march.jsonl\n/data/corpus\n',
  'data/customers.csv.dvc': [
    'md5: 4f1c0c6b3f3e2c1f9a1b8d7e6c5b4a39',
    'frozen: true',
    'deps:',
    '- path: raw/customers.csv',
    '  repo:',
    '    url: https://github.com/acme/data-registry',
    '    rev_lock: 0123456789abcdef0123456789abcdef01234567',
    'outs:',
    '- md5: 22a1a2931c8370d3aeedd7183606fd7f',
    '  size: 61',
    '  hash: md5',
    '  path: customers.csv',
    '',
  ].join('\n'),
  'data/customers.csv': 'id,ssn,plan\n1,512-44-1234,basic\n2,513-44-2345,pro\n',
  'data/tickets/march.jsonl.dvc': [
    'outs:',
    '- md5: 0cc175b9c0f1b6a831c399e269772661',
    '  size: 68',
    '  hash: md5',
    '  path: march.jsonl',
    '',
  ].join('\n'),
  'data/tickets/march.jsonl': '{"ticket_body": "printer jams", "contact": "ann.lee@fernmail.org"}\n',
  'data/corpus.dvc': [
    'outs:',
    '- md5: b6923e1e4ad16ea1a7e2b328842d56a2.dir',
    '  size: 120',
    '  nfiles: 2',
    '  hash: md5',
    '  path: corpus',
    '',
  ].join('\n'),
  'data/corpus/part-0.jsonl': '{"text": "how do I sort a list"}\n',
  'data/corpus/part-1.jsonl': '{"text": "reach me at raj.pal@fernmail.org"}\n',
  'dvc.yaml': [
    'stages:',
    '  prepare:',
    '    cmd: python prepare.py',
    '    deps:',
    '      - prepare.py',
    '      - data/customers.csv',
    '      - data/tickets/march.jsonl',
    '      - data/corpus',
    '    outs:',
    '      - data/prepared',
    '',
  ].join('\n'),
};
