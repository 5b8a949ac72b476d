/**
 * The text every policy annotation (waiver) holds, as written: a file without it has no
 * annotation, so the passes that read annotations (waivers.ts) and the scan's first pass over a
 * file (catalog.ts) look for it before anything else.
 */
export const ANNOTATION_MARKER = 'crownguard:';
