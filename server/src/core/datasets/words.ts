import type { DatasetSample } from './sample';

/** 1234567 as `1,234,567`, the way the messages show counts. */
export function count(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 2_100_000 as `2.1M`, for estimates. */
export function roughCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1).replace(/\.0$/, '')}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1).replace(/\.0$/, '')}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return count(n);
}

export function plural(kind: string): string {
  return /(s|ss)$/.test(kind) ? `${kind}es` : `${kind}s`;
}

/** What the sample covers, in words: `1,000 sampled records` or `1,000 sampled of ~2.1M records`. */
export function sampleWords(sample: Pick<DatasetSample, 'exact' | 'total'>, sampled: number): string {
  if (sample.exact && sampled >= sample.total) return `${count(sampled)} records`;
  return `${count(sampled)} sampled records${sample.exact ? ` of ${count(sample.total)}` : ` of ~${roughCount(sample.total)}`}`;
}
