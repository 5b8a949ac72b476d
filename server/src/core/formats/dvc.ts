import { isMap, isScalar, isSeq, type Document } from 'yaml';
import { keySpan, valueSpan } from '../yaml/locate';
import type { DvcArtifact, DvcStage, Located } from './model';

/**
 * DVC pipelines as DVC 3 reads `dvc.yaml` (checked against iterative/example-get-started at
 * 06ea4898, docs/formats.md): stages with their `deps` and `outs`, and the `artifacts:`
 * section, where each entry's `type` (`model`, `dataset`) says what its `path` holds.
 */
export function readDvc(doc: Document): { stages: DvcStage[]; artifacts: DvcArtifact[] } {
  return { stages: readDvcStages(doc), artifacts: readDvcArtifacts(doc) };
}

function readDvcArtifacts(doc: Document): DvcArtifact[] {
  const list = doc.getIn(['artifacts'], true);
  if (!isMap(list)) return [];
  return list.items.flatMap((pair): DvcArtifact[] => {
    if (!isScalar(pair.key)) return [];
    const name = String(pair.key.value);
    const type = doc.getIn(['artifacts', name, 'type']);
    const p = doc.getIn(['artifacts', name, 'path']);
    return [
      {
        name,
        span: keySpan(doc, ['artifacts', name]),
        type: typeof type === 'string' ? type : undefined,
        path:
          typeof p === 'string'
            ? { value: p, span: valueSpan(doc, ['artifacts', name, 'path']), at: ['artifacts', name, 'path'] }
            : undefined,
      },
    ];
  });
}

/**
 * `dvc.yaml`: each stage's `deps` and `outs` (plain paths or `- path: {options}` maps);
 * a `foreach`/`matrix` stage is read from its `do` block.
 */
export function readDvcStages(doc: Document): DvcStage[] {
  const stages = doc.getIn(['stages'], true);
  if (!isMap(stages)) return [];
  const out: DvcStage[] = [];
  for (const pair of stages.items) {
    if (!isScalar(pair.key)) continue;
    const name = String(pair.key.value);
    const body = doc.getIn(['stages', name, 'do'], true) ? ['stages', name, 'do'] : ['stages', name];
    const paths = (k: string): Located[] => {
      const list = doc.getIn([...body, k], true);
      if (!isSeq(list)) return [];
      return list.items.flatMap((item, i): Located[] => {
        if (isScalar(item) && typeof item.value === 'string')
          return [{ value: item.value, span: valueSpan(doc, [...body, k, i]), at: [...body, k, i] }];
        // `- data/model.pkl: {cache: false}`: the path is the map's only key.
        if (isMap(item) && item.items.length > 0 && isScalar(item.items[0].key)) {
          const p = String(item.items[0].key.value);
          return [{ value: p, span: keySpan(doc, [...body, k, i, p]), at: [...body, k, i, p] }];
        }
        return [];
      });
    };
    out.push({ name, span: keySpan(doc, ['stages', name]), deps: paths('deps'), outs: paths('outs') });
  }
  return out;
}
