import { NOTHING, type Carried } from '../lineage/carried';
import { stageNodeId } from '../lineage/contribute';
import type { LineageGraph } from '../lineage/graph';
import type { LoadedManifest } from '../manifests/load';

export type { Carried } from '../lineage/carried';

export interface StageContext {
  readonly manifest: LoadedManifest;
  readonly index: number;
  readonly stage: Record<string, unknown>;
  /** What the stage's inputs carry, through the whole workspace's lineage. */
  readonly data: Carried;
}

/** Each pipeline stage with the classification its data carries, for the policies. */
export function stageContexts(graph: LineageGraph, pipelines: readonly LoadedManifest[]): StageContext[] {
  const out: StageContext[] = [];
  for (const m of pipelines) {
    const name = (m.value?.metadata as Record<string, unknown> | undefined)?.name;
    const pipeline = typeof name === 'string' && name !== '' ? name : m.path;
    const list = Array.isArray(m.value?.stages) ? m.value.stages : [];
    const seen = new Set<string>();
    list.forEach((stage: unknown, index) => {
      if (!stage || typeof stage !== 'object') return;
      const s = stage as Record<string, unknown>;
      let data = NOTHING;
      if (typeof s.id === 'string' && s.id !== '') {
        // Named as manifestContribution names them: a duplicated id gets its position.
        data = graph.carried.get(stageNodeId(pipeline, seen.has(s.id) ? `${s.id}#${index + 1}` : s.id)) ?? NOTHING;
        seen.add(s.id);
      }
      out.push({ manifest: m, index, stage: s, data });
    });
  }
  return out;
}
