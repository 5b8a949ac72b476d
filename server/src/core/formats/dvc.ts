import { isMap, isScalar, isSeq, type Document } from 'yaml';
import { keySpan, valueSpan } from '../yaml/locate';
import type { DvcStage, Located } from './model';

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
