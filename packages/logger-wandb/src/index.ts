/** Weights & Biases logger plugin for voxelwise (implemented in the trainer issue). */
export const WANDB_LOGGER_NAME = 'wandb';
