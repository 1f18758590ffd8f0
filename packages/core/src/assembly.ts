import type { Matrix } from './matrix.js';

/**
 * The words of a story as parallel columns. `text` keeps the transcript's spelling (language
 * models need it as context); empty strings are kept as empty words so rows never shift.
 */
export interface WordTable {
  readonly text: readonly string[];
  /**
   * Lower-cased form of each word (Huth's `DataSequence.from_grid` lower-cases words), when the
   * source provides it; otherwise derive it from `text`.
   */
  readonly lower?: readonly string[];
  /** Onset of each word, seconds from the start of the stimulus. */
  readonly onset: Float64Array;
  /** Offset of each word, seconds. */
  readonly offset: Float64Array;
}

/**
 * How the rows of a story's responses sit on its TR grid: response row `i` is TR
 * `start + i`, and the last `end` TRs of the grid have no response (LeBel: start 10, end 5).
 */
export interface ResponseTrim {
  readonly start: number;
  readonly end: number;
}

/** Rows × voxels float32 responses, and which voxels they are. */
export interface ResponseBlock extends Matrix<Float32Array> {
  /** First voxel index of this block. */
  readonly voxelStart: number;
}

/**
 * Speech that runs past the end of a story's TR grid (a recording that ends before the
 * transcript). Huth's and LITcoder's pipelines keep such words: they only reach the last grid TRs,
 * which the end trim drops. Sources that accept them record what they accepted here.
 */
export interface StoryOverhang {
  /** Words whose time (the interval midpoint) lies past the end of the grid. */
  readonly words: number;
  /** How far the last word time lies past the end of the grid, seconds. */
  readonly seconds: number;
  /** End of the grid: last TR centre plus half a TR, seconds. */
  readonly gridEnd: number;
}

/** One story of an assembly. Words and TR times are in memory; responses load on demand. */
export interface Story {
  readonly name: string;
  readonly words: WordTable;
  /** Time of each word used for resampling (Huth convention: the interval midpoint). */
  readonly wordTimes: Float64Array;
  /** Centre time of every TR of the grid features are resampled to, seconds. */
  readonly trTimes: Float64Array;
  /** Where the response rows sit on the TR grid. */
  readonly trim: ResponseTrim;
  /** Number of response rows (= trTimes.length − trim.start − trim.end). */
  readonly nResponseRows: number;
  /** Number of voxels. */
  readonly nVoxels: number;
  /** Loads responses, all voxels or the range `[voxelStart, voxelEnd)`. */
  responses(range?: { voxelStart?: number; voxelEnd?: number }): Promise<ResponseBlock>;
  /**
   * Number of separately recorded repeats of this story (e.g. a test story heard 10 times), when
   * the source keeps them; `responses()` then returns their mean.
   */
  readonly nRepeats?: number;
  /** Responses of one repeat (`0 <= repeat < nRepeats`), all voxels or a range. */
  repeatResponses?(repeat: number, range?: { voxelStart?: number; voxelEnd?: number }): Promise<ResponseBlock>;
  /** Words past the end of the TR grid that the source accepted (absent when there are none). */
  readonly overhang?: StoryOverhang;
  /**
   * Voxels whose non-finite responses the source replaced by zeros on import (`--zero-nonfinite`),
   * so a run can flag them; absent when none were.
   */
  readonly zeroedVoxels?: readonly number[];
  /** Free-form per-story metadata (source files, hashes). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Provenance and description of an assembly. */
export interface AssemblyMetadata {
  readonly subject: string;
  /** Repetition time, seconds. */
  readonly tr: number;
  readonly nVoxels: number;
  /** Name of the trimming convention (e.g. `lebel`). */
  readonly trimming?: string;
  /** Where the data came from: source paths and content hashes. */
  readonly provenance?: Readonly<Record<string, unknown>>;
  /** Anything else the source recorded (e.g. a simulator's ground truth location). */
  readonly [key: string]: unknown;
}

/** A subject's stories: the unit every stage works on. */
export interface Assembly {
  readonly metadata: AssemblyMetadata;
  /** Story names in canonical order. */
  readonly storyNames: readonly string[];
  /** Names of the stories held out for testing by default. */
  readonly testStories: readonly string[];
  /** Opens one story (words and TR grid; responses stay lazy). */
  story(name: string): Promise<Story>;
}
