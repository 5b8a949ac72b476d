import { isMap, isSeq, parseDocument } from 'yaml';
import type { DatasetProfile, FieldProfile } from '../datasets/profile';
import type { DatasetSample } from '../datasets/sample';
import type { Governance } from '../governance/model';
import type { DataDeclaration } from '../lineage/data-files';
import type { Catalog } from '../sensitivity/catalog';
import type { Finding, Fix } from '../types';
import { appendItem, setKey } from '../yaml/edit';
import type { RuleMeta } from './rule';
import { count, plural, sampleWords } from './sensitive-data-in-training-file';

export const undeclaredSensitiveField: RuleMeta = {
  id: 'CG404',
  name: 'undeclared-sensitive-field',
  defaultSeverity: 'warning',
  summary:
    "An asset's data file holds personal data or secrets in a field that the asset's declared `fields` do not list.",
};

export const undeclaredCrownJewelCandidate: RuleMeta = {
  id: 'CG405',
  name: 'undeclared-crown-jewel-candidate',
  defaultSeverity: 'warning',
  summary:
    'A data file holds personal data or secrets, and no asset of the governance manifest declares it by its locations.',
};

/** Fields whose values the detectors recognised: what the data shows, not what a name suggests. */
function holding(profile: DatasetProfile): FieldProfile[] {
  return profile.fields.filter((f) => f.kinds.size > 0);
}

function kindsOf(f: FieldProfile, sampled: number, sample: DatasetSample): string {
  const top = [...f.kinds.values()].sort((a, b) => b.records - a.records)[0];
  return `${plural(top.kind)} in ${count(top.records)} of ${sampleWords(sample, sampled)}`;
}

/**
 * The data file checked against the governance manifest: a sensitive field its asset does not
 * declare (CG404, on the asset in the manifest, with the fix that declares it), or sensitive data
 * in a file that neither an asset's locations cover nor the lineage declares as a stage output
 * (CG405, on the file). A stage output declared under an asset's id holds to that asset's
 * fields. Nothing without a manifest.
 */
export function undeclaredDataFindings(
  path: string,
  profile: DatasetProfile,
  sample: DatasetSample,
  governance: Governance,
  catalog: Catalog,
  governanceText: string | undefined,
  lineage?: { declaredBy(file: string): DataDeclaration | undefined },
): Finding[] {
  if (!governance.path) return [];
  const fields = holding(profile);
  if (fields.length === 0) return [];
  const slash = governance.path.lastIndexOf('/');
  const root = slash > 0 ? governance.path.slice(0, slash + 1) : '';
  const relative = root && path.startsWith(root) ? path.slice(root.length) : path;
  const owner = catalog.classifyLocation(relative.includes('/') ? relative : `./${relative}`);
  const declared = owner?.asset ? undefined : lineage?.declaredBy(path);
  const assetId = owner?.asset ?? declared?.asset;
  const asset = assetId ? governance.assets.find((a) => a.id === assetId) : undefined;
  // A stage output the pipeline declares is no stray file: its tier comes through the lineage.
  if (!asset && declared) return [];
  if (!asset) {
    const names = fields
      .slice(0, 5)
      .map((f) => `\`${f.path}\``)
      .join(', ');
    const more = fields.length > 5 ? ` and ${fields.length - 5} more` : '';
    return [
      {
        ruleId: undeclaredCrownJewelCandidate.id,
        severity: 'warning',
        message: `Data file with sensitive fields (${names}${more}) that no asset of the governance manifest declares in its locations`,
        path,
        span: fields[0].first ?? { offset: 0, length: 0 },
        fixes: [],
      },
    ];
  }
  const out: Finding[] = [];
  const listed = (f: FieldProfile) =>
    asset.fields.some((d) => d === f.name || d === f.path) || catalog.classify(f.name)?.asset === asset.id;
  for (const f of fields) {
    if (listed(f)) continue;
    const fix = governanceText === undefined ? undefined : declareFix(governanceText, asset.id, f.name);
    out.push({
      ruleId: undeclaredSensitiveField.id,
      severity: 'warning',
      message: `Asset \`${asset.id}\` does not declare field \`${f.name}\`, which holds ${kindsOf(f, profile.sampled, sample)} of ${relative}`,
      path: governance.path,
      span: asset.span,
      fixes: fix ? [fix] : [],
      related: [{ message: `field \`${f.path}\` of the data file`, path, span: f.first ?? { offset: 0, length: 0 } }],
    });
  }
  return out;
}

/** The fix that adds `field` to the asset's `fields` list (or gives the asset one). */
function declareFix(text: string, assetId: string, field: string): Fix | undefined {
  const doc = parseDocument(text, { uniqueKeys: false });
  const assets = doc.get('assets', true);
  if (!isSeq(assets)) return undefined;
  const i = assets.items.findIndex((a) => isMap(a) && String(a.get('id')) === assetId);
  if (i < 0) return undefined;
  const list = doc.getIn(['assets', i, 'fields'], true);
  const edit =
    isSeq(list) && list.items.length > 0
      ? appendItem(text, doc, ['assets', i, 'fields'], field)
      : setKey(text, doc, ['assets', i], 'fields', [field]);
  return edit
    ? { title: `Declare \`${field}\` as a field of asset \`${assetId}\``, edits: [edit], preferred: true, safe: false }
    : undefined;
}
