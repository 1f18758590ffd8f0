export { writeFileAtomic, writeFileAtomicWith, writeJsonAtomic, isTempFileName, tempPathFor } from './atomic-file.js';
export { writeDirAtomic } from './atomic-dir.js';
export type { WriteDirOptions } from './atomic-dir.js';
export { sha256File, sha256Bytes } from './hash.js';
export { parseNpyHeader, readNpy } from './npy.js';
export type { NpyHeader } from './npy.js';
export { loadH5wasm, openHdf5File } from './hdf5.js';
export type { H5wasm, H5File } from './hdf5.js';
export { readArrowTable, parseArrowTable, writeArrowFileAtomic } from './arrow.js';
