import { open } from 'node:fs/promises';
import { voxelwiseError } from '@voxelwise/core';
import { fsError } from './errors.js';

/** The h5wasm module (its Node build), as {@link loadH5wasm} returns it. */
export type H5wasm = (typeof import('h5wasm/node'))['default'];
/** An open h5wasm file. */
export type H5File = InstanceType<H5wasm['File']>;

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // "\x89HDF\r\n\x1a\n"

let loading: Promise<H5wasm> | undefined;

/**
 * Loads h5wasm (an optional peer dependency) once, on first use: it is a WebAssembly module, so
 * never at import time. HDF5 is switched to h5wasm's throwing error handler, so a damaged file
 * becomes an exception instead of the C library printing its error stack to stderr.
 *
 * @param where `package:stage` named in the error when h5wasm is not installed.
 * @throws VoxelwiseError `E_CONFIG_INVALID` with the install line when h5wasm is missing.
 * @example
 * const h5 = await loadH5wasm('assembly:lebel');
 */
export async function loadH5wasm(where: string): Promise<H5wasm> {
  loading ??= (async () => {
    const h5 = (await import('h5wasm/node')).default;
    const module = await h5.ready;
    module.activate_throwing_error_handler();
    return h5;
  })();
  try {
    return await loading;
  } catch (cause) {
    loading = undefined;
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where,
      message: 'reading HDF5 files needs the h5wasm package, which could not be loaded',
      cause,
      hint: 'Install it next to voxelwise: npm install h5wasm@0.10.3',
    });
  }
}

/**
 * Checks that `path` exists and carries the HDF5 format signature, at byte 0 or 512·2^k as the
 * HDF5 File Format Specification ("Format Signature", superblock) allows.
 */
async function assertHdf5Signature(path: string, where: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fsError(error, path, where, 'read', 'HDF5 file');
  }
  try {
    const { size } = await handle.stat();
    const buf = new Uint8Array(8);
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      await handle.read(buf, 0, 8, at);
      if (SIGNATURE.every((b, i) => buf[i] === b)) return;
    }
  } finally {
    await handle.close();
  }
  throw voxelwiseError({
    code: 'E_FILE_FORMAT',
    where,
    message: `${path} is not an HDF5 file (no HDF5 signature)`,
    details: { file: path },
    hint: 'Pass an .h5/.hdf5/.hf5 file written by h5py, pytables or h5wasm.',
  });
}

/**
 * Opens an HDF5 file read-only with h5wasm ({@link loadH5wasm}); the caller closes it. A missing
 * file, a file without the HDF5 signature and a damaged one (truncated, garbage after the
 * signature) are coded errors naming the file, with nothing printed.
 *
 * @throws VoxelwiseError `E_FILE_NOT_FOUND`, `E_IO` or `E_FILE_FORMAT`.
 * @example
 * const f = await openHdf5File('UTS03/wheretheressmoke.hf5', 'assembly:lebel');
 * try { console.log(f.keys()); } finally { f.close(); }
 */
export async function openHdf5File(path: string, where: string): Promise<H5File> {
  await assertHdf5Signature(path, where);
  const h5 = await loadH5wasm(where);
  try {
    return new h5.File(path, 'r');
  } catch (cause) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where,
      message: `${path} is not a readable HDF5 file (${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)})`,
      cause,
      details: { file: path },
      hint: 'The file may be truncated or damaged; copy or download it again.',
    });
  }
}
