import { createRegistry } from '@voxelwise/core';
import type { Registry } from '@voxelwise/core';
import { assemblies } from '@voxelwise/assembly';
import { basicFeatures } from '@voxelwise/features-basic';
import { lmFeatures } from '@voxelwise/features-lm';
import { downsamplers } from '@voxelwise/downsample';
import { ridge } from '@voxelwise/ridge';
import { wandb } from '@voxelwise/logger-wandb';
import { builtinLoggers } from '../../src/index.js';

/**
 * The registry the trainer's tests run on: the plugin packages composed directly (they are
 * devDependencies of the trainer; its shipped code never imports them).
 */
export function testRegistry(): Registry {
  return createRegistry()
    .use(assemblies())
    .use(basicFeatures())
    .use(lmFeatures())
    .use(downsamplers())
    .use(ridge())
    .use(builtinLoggers())
    .use(wandb());
}
