/** This package's name, recorded in the manifests it writes. */
export const PACKAGE_NAME = '@voxelwise/assembly';

/** This package's version, recorded in the manifests it writes (kept in step with package.json by a test). */
export const PACKAGE_VERSION = '0.1.0';
