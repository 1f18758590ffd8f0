import { resolve } from 'node:path';
import { importOptionalPeer } from '../optional-peer.js';
import type { Command } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';

type Web = typeof import('@voxelwise/web');

/**
 * Imports `@voxelwise/web`, an optional peer of the CLI (it brings the language-model stack the
 * page and `voxelwise predict` need). Throws `E_MODEL_LOAD` with the install line when missing.
 *
 * @param load - how to import it (tests pass a failing loader)
 */
export function importWeb(what: string, load: () => Promise<Web> = () => import('@voxelwise/web')): Promise<Web> {
  return importOptionalPeer(
    { pkg: '@voxelwise/web', where: 'cli:web', install: 'npm install @voxelwise/web @voxelwise/features-lm', load },
    what,
  );
}

const options = {
  out: { type: 'string', value: '<dir>', description: 'The folder to write (a static site: index.html, app.js, model, weights)' },
  rank: {
    type: 'string',
    value: '<auto|full|N>',
    description: 'Weights as fitted (full, the default), or a truncated SVD: auto keeps --keep of\nthe squared weights, N keeps rank N',
  },
  keep: { type: 'string', value: '<share>', description: 'Share of ‖W‖² that --rank auto keeps (default 0.99)' },
  dtype: { type: 'string', value: '<float16|float32>', description: 'Storage of the weights (default float16, half the bytes)' },
  'bundle-model': { type: 'boolean', description: 'Copy a hub model into the export (a local model folder is always bundled)' },
  overwrite: { type: 'boolean', description: 'Replace an existing --out folder (only once the new one is complete)' },
} as const;

/** `voxelwise export web`: a run as a static web page predicting every voxel's response to typed text. */
export const exportWebCommand: Command = {
  help: formatHelp({
    usage: ['voxelwise export web <run-dir> --out <dir> [--rank auto|full|N] [--keep <share>] [--dtype float16|float32] [--bundle-model]'],
    description: `Writes a static folder (no server code) that runs the run's language model, downsampler, delays
and weights in the browser (onnxruntime-web, WASM or WebGPU): type or paste a text, see the
predicted response of every voxel, download it as CSV or NPY. Serve it with any static server,
e.g. npx http-server <dir>, or python3 -m http.server -d <dir>.`,
    options,
    examples: [
      'voxelwise export web results/demo-20260101-120000-1a2b3c4d --out site',
      'voxelwise export web results/demo-20260101-120000-1a2b3c4d --out site --rank auto --keep 0.95',
    ],
  }),
  async run(args, env) {
    const { values, positionals } = parseOptions('export web', options, args);
    if (positionals.length !== 1) throw usageError('export web needs one run directory: voxelwise export web <run-dir> --out <dir>');
    if (!values.out) throw usageError('export web needs --out <dir>');
    const rankText = values.rank ?? 'full';
    let rank: 'full' | 'auto' | number;
    if (rankText === 'full' || rankText === 'auto') rank = rankText;
    else if (/^\d+$/.test(rankText) && Number(rankText) >= 1) rank = Number(rankText);
    else throw usageError(`--rank must be auto, full or a positive integer (got ${rankText})`);
    const keep = values.keep === undefined ? undefined : Number(values.keep);
    if (keep !== undefined && !(keep > 0 && keep <= 1)) throw usageError(`--keep must be a share in (0, 1] (got ${values.keep})`);
    const dtype = values.dtype ?? 'float16';
    if (dtype !== 'float16' && dtype !== 'float32') throw usageError(`--dtype must be float16 or float32 (got ${dtype})`);
    const web = await importWeb('voxelwise export web');
    const { outDir, manifest } = await web.exportWeb(positionals[0]!, resolve(values.out), {
      rank,
      ...(keep !== undefined ? { keep } : {}),
      dtype,
      bundleModel: values['bundle-model'] ?? false,
      overwrite: values.overwrite ?? false,
    });
    const w = manifest.weights;
    const mb = (n = 0): string => `${(n / 1e6).toFixed(2)} MB`;
    env.out.write(
      `exported ${outDir}\n` +
        `  weights  ${w.kind}${w.rank !== undefined ? ` rank ${w.rank}` : ''} ${w.dtype}, kept variance ${w.keptVariance.toFixed(4)}, ${mb(manifest.sizes['weights'])}\n` +
        `  model    ${manifest.features.label} up to layer ${manifest.features.layer}, ${mb(manifest.sizes['model'])}\n` +
        `  app      ${mb(manifest.sizes['app'])}, onnxruntime-web ${mb(manifest.sizes['runtime'])}\n` +
        `serve it: python3 -m http.server -d ${outDir}\n`,
    );
    return 0;
  },
};
