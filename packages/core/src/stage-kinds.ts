/** The kinds of stage a registry holds. */
export const STAGE_KINDS = ['assembly-source', 'extractor', 'downsampler', 'model', 'logger'] as const;

/** One of {@link STAGE_KINDS}. */
export type StageKind = (typeof STAGE_KINDS)[number];
