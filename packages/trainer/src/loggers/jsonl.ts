import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger, VoxelwiseEvent } from '@voxelwise/core';

/** Appends every event as one JSON line to `path`. */
export function jsonlLogger(path: string): Logger {
  mkdirSync(dirname(path), { recursive: true });
  return {
    id: `jsonl:${path}`,
    handle(e: VoxelwiseEvent) {
      appendFileSync(path, `${JSON.stringify(e)}\n`);
    },
  };
}
