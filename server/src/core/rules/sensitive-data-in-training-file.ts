import type { DatasetProfile, FieldProfile } from '../datasets/profile';
import type { DatasetSample } from '../datasets/sample';
import { withFingerprints } from '../fingerprint';
import { fileRole } from '../sensitivity/location';
import type { Finding, Note, Severity } from '../types';
import type { LiteralTuning } from './literal-findings';
import type { RuleMeta } from './rule';
import { count, plural, sampleWords } from '../datasets/words';

export const sensitiveDataInTrainingFile: RuleMeta = {
  id: 'CG203',
  name: 'sensitive-data-in-training-file',
  defaultSeverity: 'warning',
  summary:
    'A field of a training data file (JSONL, JSON, CSV, TSV, Parquet) holds personal data or secrets in its sampled records, or is named as such.',
};

export { count, plural, roughCount, sampleWords } from '../datasets/words';

/** What one field was found to hold, in words: kinds and counts, never a value. */
export function fieldSummary(f: FieldProfile, sample: DatasetSample, sampled: number): string {
  const of = sampleWords(sample, sampled);
  const kinds = [...f.kinds.values()].sort((a, b) => b.records - a.records);
  if (kinds.length > 0)
    return kinds
      .map((k, i) => `${plural(k.kind)} in ${count(k.records)} of ${i === 0 ? of : count(sampled)}`)
      .join('; ');
  const why = f.named!.asset
    ? `a field of asset \`${f.named!.asset}\``
    : `named as ${f.named!.category ?? 'sensitive'} data`;
  return `${why}; no value in the ${of} matched a detector`;
}

function severityOf(f: FieldProfile, synthetic: boolean): Severity {
  const kinds = [...f.kinds.values()];
  if (kinds.some((k) => k.class === 'secret')) return synthetic ? 'note' : 'error';
  if (synthetic) return 'note';
  if (kinds.length > 0) return 'warning';
  // A name alone: a warning when the governance manifest declares the field, else a note.
  return f.named?.source === 'governance' ? 'warning' : 'note';
}

/**
 * One CG203 finding per sensitive field, at the field's first occurrence (its key in the first
 * record that has it, its header cell in CSV), and a note when a bound cut the reading short.
 */
export function trainingFileFindings(
  path: string,
  profile: DatasetProfile,
  sample: DatasetSample,
  tuning: LiteralTuning,
): { findings: Finding[]; notes: Note[] } {
  const role = fileRole(path, tuning.testPaths, tuning.root);
  const synthetic = (role === 'test' || role === 'example' || role === 'docs') && tuning.reportTestData !== true;
  const findings: Finding[] = [];
  for (const f of profile.fields) {
    if (f.kinds.size === 0 && !f.named) continue;
    // A file read without positions (Parquet) has no first line to point at, only the finding at its top.
    const where = f.first || !sample.headText ? '' : ` (first seen in record ${count(f.firstIndex + 1)})`;
    const finding: Finding = {
      ruleId: sensitiveDataInTrainingFile.id,
      severity: severityOf(f, synthetic),
      message: `Training data field \`${f.path}\`: ${fieldSummary(f, sample, profile.sampled)}${where}`,
      path,
      span: f.first ?? { offset: 0, length: 0 },
      fixes: [],
      classification: f.named ? { tier: f.named.tier, crownJewel: f.named.crownJewel } : undefined,
    };
    // The fingerprint names the rule, the file and the field, never the record's text around it.
    const [printed] = withFingerprints(path, `field ${f.path}`, [{ ...finding, span: { offset: 6, length: 0 } }]);
    findings.push({ ...finding, fingerprint: printed.fingerprint });
  }
  return { findings, notes: boundNotes(path, profile, sample) };
}

/** Notes that say how much of the file the findings rest on, when it was not all read. */
export function boundNotes(path: string, profile: DatasetProfile, sample: DatasetSample): Note[] {
  const notes: Note[] = [];
  if (sample.bound)
    notes.push({
      path,
      message: `data file read in part (the ${sample.bound === 'bytes' ? 'byte' : 'time'} bound was reached): ${sampleWords(sample, profile.sampled)}`,
    });
  if (sample.oversized > 0)
    notes.push({ path, message: `${count(sample.oversized)} records over the size bound were not read` });
  if (sample.unparsed > 0)
    notes.push({ path, message: `${count(sample.unparsed)} sampled records are not JSON objects` });
  if (profile.truncated)
    notes.push({ path, message: 'more distinct fields than are profiled: the rest were not read' });
  return notes;
}
