import { defineConfig } from 'tsup';
import { preset } from '../../tools/tsup-preset';

// nifti-reader-js publishes an `import`-only export map. Loaders that turn ES modules into
// CommonJS on the fly (tsx reading a `.ts` config in a `"type": "commonjs"` project) resolve it
// with `require` conditions and fail, so it is bundled into dist (MIT; notice in
// THIRD-PARTY-NOTICES.md); its one dependency, fflate, stays a normal dependency.
export default defineConfig(preset({ noExternal: ['nifti-reader-js'] }));
