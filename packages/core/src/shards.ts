import type { FittedModel, Model, StageContext } from './stages.js';
import type { Matrix } from './matrix.js';

/** The numeric part of a shard's state, by name (a trainer writes each as a raw little-endian file). */
export type ShardArrays = Readonly<Record<string, Float32Array | Float64Array | Int32Array | Uint8Array>>;

/** State a model hands to the trainer to be stored between the processes of a sharded fit. */
export interface ShardState {
  readonly arrays: ShardArrays;
  /** Anything else, as plain JSON. */
  readonly meta: Readonly<Record<string, unknown>>;
}

/** Voxels `start … end − 1` of a fit. */
export interface VoxelRange {
  readonly start: number;
  readonly end: number;
}

/** What one shard computed for its voxels. */
export interface ShardPart extends ShardState {
  readonly range: VoxelRange;
}

/** The training design of a sharded fit: everything but the responses. */
export interface ShardDesign {
  /** Samples × features. */
  readonly X: Matrix;
  /** Group label of each row, as `FitData.groups`. */
  readonly groups?: Int32Array;
  /** Voxels of the whole fit. */
  readonly nVoxels: number;
}

/**
 * How a model fits the voxels of one problem in several processes (array tasks of a cluster
 * job) and puts the parts back together. The merged model must equal what
 * {@link Model.fit} gives for the same data: a voxel's numbers may depend only on its own
 * responses and on the shared state.
 */
export interface ModelShards {
  /**
   * Computes what every shard shares (e.g. the fold factorisations), once. Throws
   * `E_OPTIONS_INVALID` when the model's options tie voxels together (e.g. one alpha for all).
   */
  prepare(design: ShardDesign, ctx: StageContext): Promise<ShardState>;
  /** Fits the voxels of `range`; `Y` holds exactly their responses (samples × range voxels). */
  fit(shared: ShardState, design: ShardDesign, Y: Matrix, range: VoxelRange, ctx: StageContext): Promise<ShardPart>;
  /** The fitted model of all voxels from every part, in voxel order, covering every voxel once. */
  merge(shared: ShardState, design: ShardDesign, parts: readonly ShardPart[], ctx: StageContext): Promise<FittedModel>;
}

/** A model that can fit its voxels in shards. */
export interface ShardableModel extends Model {
  readonly shards: ModelShards;
}

/** Whether `model` offers sharded fitting ({@link ModelShards}). */
export function canShard(model: Model): model is ShardableModel {
  const shards = (model as Partial<ShardableModel>).shards;
  return typeof shards === 'object' && shards !== null && typeof shards.fit === 'function';
}
