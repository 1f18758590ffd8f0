/** Name of the pooling-weights input the extractor adds: `[batch, targets, tokens]` float32. */
export const POOL_INPUT = 'voxelwise_pool';

/** Name of the pooled output of layer `i`: `[batch, targets, d_model]` float32. */
export function layerOutputName(i: number): string {
  return `voxelwise_layer_${i}`;
}
