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
