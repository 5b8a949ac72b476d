/**
 * Manifests that once made the checks quadratic (ajv's errors located by scanning their mapping,
 * yaml's duplicate-key check, did-you-mean over every declared id), generated rather than
 * stored. test/core/bad-input.test.ts bounds their CPU time; bench/large-manifests.mjs prints it.
 */
export const LARGE_MANIFESTS = {
  /** 20,000 unknown top-level keys, ~190 KB. */
  unknownKeys: () =>
    'apiVersion: crownguard/v1\nkind: Pipeline\nmetadata:\n  name: big\nstages: []\n' +
    Array.from({ length: 20_000 }, (_, i) => `k${i}: 1\n`).join(''),
  /** 5,000 stages, each reading an id nothing declares, ~360 KB. */
  stages: () =>
    'apiVersion: crownguard/v1\nkind: Pipeline\nmetadata:\n  name: big\nstages:\n' +
    Array.from(
      { length: 5_000 },
      (_, i) => `  - id: s${i}\n    type: transform\n    inputs: [s${i ? i - 1 : 0}]\n    outputs: [o${i}]\n`,
    ).join(''),
  /** 13,500 fine-tuning stages with an unknown key and an unknown input each, ~1.6 MB. */
  large: () =>
    'apiVersion: crownguard/v1\nkind: Pipeline\nmetadata:\n  name: big\nstages:\n' +
    Array.from(
      { length: 13_500 },
      (_, i) =>
        `  - id: stage-${i}\n    type: fine-tune\n    inputs: [crm, x${i}]\n    outputs: [o${i}]\n    method: full\n    unknown${i}: 1\n`,
    ).join(''),
};
