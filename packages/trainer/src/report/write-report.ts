import { writeFileAtomic } from '@voxelwise/io';
import { loadReportData } from './load.js';
import { renderReportHtml } from './render.js';

/**
 * Renders `<runDir>/report.html` (or `outPath`) from the files of a run directory; used when a
 * run finishes and by `voxelwise report <run-dir>`. Written atomically.
 *
 * @example
 * await writeReport('results/demo-20260101-120000-abcd1234');
 */
export async function writeReport(runDir: string, outPath = `${runDir}/report.html`): Promise<string> {
  const data = await loadReportData(runDir);
  await writeFileAtomic(outPath, renderReportHtml(data));
  return outPath;
}
