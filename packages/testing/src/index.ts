export { expectVoxelwiseError } from './errors.js';
