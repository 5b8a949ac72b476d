/**
 * The analysis core: parse, validate, classify, detect and fix. It imports nothing from the
 * editor or the language-server protocol and does no I/O; `test/core/boundary.test.ts`
 * keeps it that way.
 */
export type { Shortfall } from './rules/not-fully-analysed';
export {
  Engine,
  isAnalysable,
  notAnalysed,
  isGovernanceManifest,
  isDatasetPath,
  type AnalyzeOptions,
  type FileResult,
  type WorkspaceResult,
} from './engine';
export type { WasmLoader } from './languages/parsers';
export type { ModuleHost } from './languages/modules/resolve';
export { isNotebookPath, MAX_NOTEBOOK_CHARS } from './notebooks/notebook';
export type { CellSource, CellFinding, CellsResult } from './notebooks/analyze';
export { manifestKindOf } from './manifests/load';
export {
  FILE_KINDS,
  fileKindOf,
  isWorkspaceFile,
  mayBeWorkspaceFile,
  scopeOf,
  type FileKind,
  type KindEntry,
  type Scope,
} from './files/kinds';
export { declarationsOf, describeId, idAt, usesOf, type ManifestIndex } from './ide/navigate';
export { completeAt, type Completion } from './ide/complete';
export { describeKeyAt } from './ide/hover';
export { linkCandidates, type LinkCandidate } from './ide/links';
export type { SchemaKind } from './schema/manifests';
export { outline, type OutlineEntry } from './ide/outline';
export type { Governance } from './governance/model';
export { RULES, ruleById, rulePagePath, type RuleMeta } from './rules/registry';
export { combineFixes } from './fixes';
export { LineIndex, LineIndexes, applyEdits, didYouMean, plainText } from './text';
export { maskSensitive } from './sensitivity/literals';
export { Catalog } from './sensitivity/catalog';
export {
  maskId,
  maskKey,
  maskText,
  maskedEdge,
  maskedGraph,
  maskedHop,
  maskedNode,
  maskedSource,
  maskedNote,
  maskedWaiver,
  setMaskKey,
  unmaskId,
} from './safe';
export { LineageGraph, type Subgraph } from './lineage/graph';
export { contentLineOf, nodeFolder } from './lineage/content';
export {
  assetFiles,
  contentFilesOf,
  contentLineFrom,
  folderDataFiles,
  LineageDataFiles,
  MAX_FOLDER_DEPTH,
  MAX_FOLDER_FILES,
  type DataDeclaration,
  type FolderLister,
} from './lineage/data-files';
export type { Classified, Hop, LineageEdge, LineageNode, NodeKind } from './lineage/model';
export { describeSources, type Source } from './lineage/explain';
export { MODEL_KINDS } from './lineage/model';
export { datasetFormatOf, isJsonRecords, type DatasetFormat, type RecordFormat } from './datasets/format';
export {
  summarizeProfile,
  summaryWords,
  type DataContent,
  type DataContents,
  type FieldSummary,
  type ProfileSummary,
} from './datasets/profile';
export {
  DatasetScanner,
  DEFAULT_BOUNDS,
  sampleOf,
  seededRandom,
  type DatasetSample,
  type SampleBounds,
} from './datasets/sample';
export * from './types';
export { placeholderAt, summariseConfig, type ConfigSummary } from './ide/config-summary';
