export { writeFileAtomic, writeFileAtomicWith, writeJsonAtomic, isTempFileName, tempPathFor } from './atomic-file.js';
export { writeDirAtomic } from './atomic-dir.js';
export type { WriteDirOptions } from './atomic-dir.js';
export { sha256File, sha256Bytes } from './hash.js';
export { parseNpyHeader, readNpy } from './npy.js';
export type { NpyHeader } from './npy.js';
export { readArrowTable, parseArrowTable, writeArrowFileAtomic } from './arrow.js';
