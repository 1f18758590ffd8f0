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
  /**
   * The story's audio file, when the source knows it (ds003020's `stimuli/<story>.wav`, a BYO
   * audio path). The audio stays where it is; speech extractors read it from `path`.
   */
  readonly audio?: StoryAudio;
  /** Free-form per-story metadata (source files, hashes). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Where a story's audio lives, and its content hash when the source computed it. */
export interface StoryAudio {
  /** Absolute path of the audio file (WAV or FLAC). */
  readonly path: string;
  /** SHA-256 of the file's bytes, hex; a cache key for features computed from it. */
  readonly sha256?: string;
}

/**
 * Where the voxel columns of an assembly lie in the brain, so results can be drawn as maps and
 * exported in the subject's space. Kept in {@link AssemblyMetadata.geometry} as plain JSON.
 */
export type BrainGeometry = SurfaceGeometry | VolumeGeometry;

/**
 * Columns are surface vertices: hemisphere after hemisphere in the order listed, each
 * hemisphere's vertices 0..nVertices−1 in order (fMRIPrep `hemi-L`/`hemi-R` GIfTI data arrays).
 */
export interface SurfaceGeometry {
  readonly kind: 'surface';
  /** The surface space, e.g. `fsaverage5`, `fsaverage6`, or `fsnative`. */
  readonly space: string;
  /** Hemispheres in column order. */
  readonly hemispheres: readonly SurfaceHemisphere[];
}

/** One hemisphere of a {@link SurfaceGeometry}. */
export interface SurfaceHemisphere {
  readonly hemi: 'L' | 'R';
  readonly nVertices: number;
  /**
   * Mesh files for drawing maps (GIfTI `.surf.gii` or FreeSurfer binaries such as `lh.pial`),
   * absolute paths; any subset.
   */
  readonly meshes?: Readonly<Partial<Record<'pial' | 'white' | 'inflated' | 'midthickness' | 'sphere', string>>>;
}

/**
 * Columns are voxels of a 3-D volume: the non-zero voxels of `maskFile`, in NIfTI storage order
 * (x fastest, then y, then z), or all voxels of `shape` in that order when there is no mask.
 */
export interface VolumeGeometry {
  readonly kind: 'volume';
  /** Template or subject space, e.g. `MNI152NLin2009cAsym`, when known. */
  readonly space?: string;
  /** Voxels along x, y, z. */
  readonly shape: readonly [number, number, number];
  /** Voxel-to-world (scanner/MNI mm) affine, row-major 4×4 (16 numbers). */
  readonly affine: readonly number[];
  /** Voxel size in mm along x, y, z. */
  readonly zooms?: readonly [number, number, number];
  /** Absolute path of the NIfTI mask whose non-zero voxels are the columns. */
  readonly maskFile?: string;
  /** Absolute path of a NIfTI whose header exports copy (the source BOLD or the mask). */
  readonly referenceFile?: string;
}

/** Provenance and description of an assembly. */
export interface AssemblyMetadata {
  readonly subject: string;
  /** Repetition time, seconds. */
  readonly tr: number;
  readonly nVoxels: number;
  /** Name of the trimming convention (e.g. `lebel`). */
  readonly trimming?: string;
  /** Where the voxel columns lie in the brain, when the source knows it. */
  readonly geometry?: BrainGeometry;
  /**
   * How the dataset is evaluated when a config names no split: `nested-cv` for datasets without
   * a held-out story (Narratives, Le Petit Prince: LITcoder's `validation_method: inner`).
   * Absent: held-out test stories.
   */
  readonly defaultSplit?: 'nested-cv' | 'test-stories';
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
