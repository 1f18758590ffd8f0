import { voxelwiseError } from '@voxelwise/core';
import type { StageContext } from '@voxelwise/core';

/** Throws `E_ABORTED` once the run's signal has fired (checked between phases and batches). */
export function checkAborted(ctx: StageContext, where: string): void {
  if (ctx.signal?.aborted) throw voxelwiseError({ code: 'E_ABORTED', where, message: 'ridge fit aborted' });
}
