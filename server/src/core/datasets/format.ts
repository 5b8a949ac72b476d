/**
 * Which files are training data, by name: the record formats the dataset readers understand
 * and the compressions the shells can undo while streaming.
 */

export type RecordFormat = 'jsonl' | 'json' | 'csv' | 'tsv' | 'parquet';
export type Compression = 'gzip' | 'zstd';

export interface DatasetFormat {
  readonly format: RecordFormat;
  readonly compression?: Compression;
}

const FORMATS: readonly [string, RecordFormat][] = [
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
  ['.csv', 'csv'],
  ['.tsv', 'tsv'],
  ['.parquet', 'parquet'],
];

/**
 * The format of a data file by its name, or undefined for anything else. Plain `.json` is not
 * listed: a JSON file is a dataset only when its content is an array of records
 * (`isJsonRecords`), since most JSON files in a repository are configs.
 */
export function datasetFormatOf(path: string): DatasetFormat | undefined {
  let lower = path.toLowerCase();
  let compression: Compression | undefined;
  if (lower.endsWith('.gz')) compression = 'gzip';
  else if (lower.endsWith('.zst')) compression = 'zstd';
  if (compression) lower = lower.slice(0, lower.lastIndexOf('.'));
  for (const [ext, format] of FORMATS)
    if (lower.endsWith(ext)) return compression && format === 'parquet' ? undefined : { format, compression };
  // Compressed JSON arrays are read as datasets too: nobody compresses a config.
  if (compression && lower.endsWith('.json')) return { format: 'json', compression };
  return undefined;
}

/** True when a JSON text (its first bytes suffice) is an array whose first element is an object. */
export function isJsonRecords(head: string): boolean {
  return /^\uFEFF?\s*\[\s*\{/.test(head.slice(0, 4096));
}
