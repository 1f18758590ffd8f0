import { createRequire } from 'node:module';

const PACKAGES = [
  '@voxelwise/core',
  '@voxelwise/io',
  '@voxelwise/assembly',
  '@voxelwise/features-lm',
  '@voxelwise/features-basic',
  '@voxelwise/downsample',
  '@voxelwise/ridge',
  '@voxelwise/trainer',
  '@voxelwise/logger-wandb',
  '@voxelwise/cli',
  '@huggingface/transformers',
  'onnxruntime-node',
  'apache-arrow',
];

/** Versions of Node and of the packages a run used, for provenance. */
export function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = { node: process.versions.node, platform: `${process.platform}-${process.arch}` };
  for (const name of PACKAGES) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      // Not installed beside the trainer: leave it out.
    }
  }
  return out;
}
