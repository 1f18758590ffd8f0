import { join, resolve } from 'node:path';
import type { Command } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';
import type { ExportFormat } from '../export-maps.js';

const options = {
  format: { type: 'string', value: '<nifti|gifti|npy>', description: 'What to write (default: gifti for surface runs, else nifti)' },
  mask: {
    type: 'string',
    value: '<mask.nii.gz>',
    description:
      "A mask whose non-zero voxels are the run's columns (x fastest): rebuilds\nthe volume of a run that records none (ds003020: the subject's mask.nii.gz)",
  },
  out: { type: 'string', value: '<dir>', description: 'The folder to write (default <run-dir>/export)' },
  force: { type: 'boolean', description: 'Replace the folder if it exists' },
} as const;

const FORMATS: readonly ExportFormat[] = ['nifti', 'gifti', 'npy'];

/** `voxelwise export`: a run's r, p, q, alpha and significance maps for brain viewers. */
export const exportCommand: Command = {
  help: formatHelp({
    usage: [
      'voxelwise export <run-dir> [--format nifti|gifti|npy] [--mask <mask.nii.gz>] [--out <dir>] [--force]',
      'voxelwise export web <run-dir> …   (a static web page of the model: see voxelwise export web --help)',
    ],
    description: `Writes the per-voxel maps of a run (test r, p, BH-FDR q, alpha, significance as 0/1) in the
subject's space, readable by nibabel, FSLeyes, pycortex and Niivue:
  nifti  one <map>.nii.gz per map on the run's volume grid, with the header and affine of its
         reference image; voxels outside the mask are 0
  gifti  one <map>_hemi-L|R.func.gii per map and hemisphere (surface runs)
  npy    maps.npy (maps × columns, float32) and maps.json naming its rows
A run that records no brain geometry (ds003020 from its hf5 files) is rebuilt through --mask;
without it the maps keep the flat column order (n×1×1 volumes) and a note says so.`,
    options,
    examples: [
      'voxelwise export results/narratives-20260101-120000-1a2b3c4d',
      'voxelwise export results/uts03-20260101-120000-1a2b3c4d --mask UTS03/mask.nii.gz',
      'voxelwise export results/lpp-20260101-120000-1a2b3c4d --format npy --out maps',
    ],
  }),
  async run(args, env) {
    if (args[0] === 'web') {
      // `voxelwise export web <run>`: the static web page of a model (commands/export-web.ts).
      return (await import('./export-web.js')).exportWebCommand.run(args.slice(1), env);
    }
    const { values, positionals } = parseOptions('export', options, args);
    if (positionals.length !== 1) throw usageError('export needs one run directory: voxelwise export <run-dir> [--format nifti|gifti|npy]');
    const format = values.format as ExportFormat | undefined;
    if (format !== undefined && !FORMATS.includes(format))
      throw usageError(`export --format must be nifti, gifti or npy (got "${format}")`);
    const runDir = resolve(positionals[0]!);
    const { readRunJson, readScores } = await import('@voxelwise/trainer');
    const { exportMaps } = await import('../export-maps.js');
    const run = await readRunJson(runDir);
    const scores = await readScores(join(runDir, run.files.scores));
    const result = await exportMaps({
      run,
      scores,
      format: format ?? (run.assembly.geometry?.kind === 'surface' ? 'gifti' : 'nifti'),
      outDir: values.out ? resolve(values.out) : join(runDir, 'export'),
      ...(values.mask ? { maskFile: resolve(values.mask) } : {}),
      overwrite: values.force === true,
    });
    for (const f of result.files) env.out.write(`${join(result.outDir, f)}\n`);
    for (const n of result.notes) env.err.write(`note: ${n}\n`);
    return 0;
  },
};
