import { voxelwiseError } from './errors.js';
import type { Assembly, AssemblyMetadata, ResponseBlock, ResponseTrim, Story, WordTable } from './assembly.js';
import type { Matrix } from './matrix.js';

/** Everything needed to build an in-memory story. */
export interface StoryInput {
  name: string;
  words: WordTable;
  trTimes: Float64Array;
  trim: ResponseTrim;
  /** Response rows × voxels. */
  responses: Matrix<Float32Array>;
  metadata?: Record<string, unknown>;
}

/** Midpoint of each word interval (Huth convention for word times). */
export function wordMidpoints(words: WordTable): Float64Array {
  const out = new Float64Array(words.onset.length);
  for (let i = 0; i < out.length; i++) out[i] = (words.onset[i]! + words.offset[i]!) / 2;
  return out;
}

/**
 * Resolves a story's requested voxel range (defaults: all voxels), throwing `E_DATA_INVALID`
 * naming the story when it is not an integer range inside `[0, nVoxels)`.
 */
export function resolveVoxelRange(
  range: { voxelStart?: number; voxelEnd?: number },
  nVoxels: number,
  story: string,
  where: string,
): [number, number] {
  const v0 = range.voxelStart ?? 0;
  const v1 = range.voxelEnd ?? nVoxels;
  if (!Number.isInteger(v0) || !Number.isInteger(v1) || v0 < 0 || v1 > nVoxels || v0 > v1) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where,
      message: `story "${story}": voxel range [${v0}, ${v1}) is outside [0, ${nVoxels})`,
    });
  }
  return [v0, v1];
}

/** A {@link Story} held in memory. */
export function memoryStory(input: StoryInput): Story {
  const nRows = input.trTimes.length - input.trim.start - input.trim.end;
  if (input.responses.rows !== nRows) {
    throw voxelwiseError({
      code: 'E_ALIGNMENT',
      where: 'core:memory',
      message: `story "${input.name}": response rows do not match the TR grid minus trims (${input.trTimes.length} TRs, trim ${input.trim.start}/${input.trim.end})`,
      got: input.responses.rows,
      expected: nRows,
    });
  }
  const nVoxels = input.responses.cols;
  return {
    name: input.name,
    words: input.words,
    wordTimes: wordMidpoints(input.words),
    trTimes: input.trTimes,
    trim: input.trim,
    nResponseRows: nRows,
    nVoxels,
    metadata: input.metadata ?? {},
    async responses(range = {}): Promise<ResponseBlock> {
      const [v0, v1] = resolveVoxelRange(range, nVoxels, input.name, 'core:memory');
      const w = v1 - v0;
      if (w === nVoxels) return { ...input.responses, voxelStart: 0 };
      const data = new Float32Array(nRows * w);
      for (let i = 0; i < nRows; i++) data.set(input.responses.data.subarray(i * nVoxels + v0, i * nVoxels + v1), i * w);
      return { rows: nRows, cols: w, data, voxelStart: v0 };
    },
  };
}

/** An {@link Assembly} over in-memory stories. */
export function memoryAssembly(metadata: AssemblyMetadata, stories: readonly Story[], testStories: readonly string[]): Assembly {
  const byName = new Map(stories.map((s) => [s.name, s]));
  for (const t of testStories) {
    if (!byName.has(t)) {
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where: 'core:memory',
        message: `test story "${t}" is not in the assembly`,
        expected: [...byName.keys()],
      });
    }
  }
  return {
    metadata,
    storyNames: stories.map((s) => s.name),
    testStories,
    async story(name) {
      const s = byName.get(name);
      if (!s) {
        throw voxelwiseError({
          code: 'E_DATA_INVALID',
          where: 'core:memory',
          message: `no story "${name}" in subject ${metadata.subject}`,
          expected: [...byName.keys()],
        });
      }
      return s;
    },
  };
}
