/** Language-model features for voxelwise (implemented in the features-lm issue). */
export const LM_EXTRACTOR_NAME = 'lm';
