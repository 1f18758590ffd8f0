import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withChromium } from '@voxelwise/io';

/** One chart of a report as a PNG. */
export interface ChartImage {
  /** The chart's element id (`chart-…`). */
  id: string;
  /** Its title (`aria-label`). */
  title: string;
  png: Uint8Array;
}

/**
 * Screenshots every `svg.chart` of an HTML report in headless Chromium, talking the DevTools
 * protocol over a pipe (no port, no npm package). Rejects after `timeoutMs`, killing the browser.
 */
export async function screenshotCharts(
  htmlPath: string,
  executablePath: string,
  options: { timeoutMs: number; width?: number; maxCharts?: number },
): Promise<ChartImage[]> {
  const width = options.width ?? 1000;
  return withChromium(
    { executablePath, args: ['--hide-scrollbars'], profilePrefix: 'vw-tb-chromium-', timeoutMs: options.timeoutMs },
    async (browser) => {
      const page = await browser.openPage();
      const loaded = page.next('Page.loadEventFired');
      await page.send('Page.enable');
      await page.send('Emulation.setDeviceMetricsOverride', { width, height: 900, deviceScaleFactor: 1, mobile: false });
      await page.send('Page.navigate', { url: pathToFileURL(resolve(htmlPath)).href });
      await loaded;
      const probe = `(() => ({
        height: Math.ceil(document.documentElement.scrollHeight),
        charts: Array.from(document.querySelectorAll('svg.chart')).map((s) => {
          const r = s.getBoundingClientRect();
          return { id: s.id, title: s.getAttribute('aria-label') || s.id, x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height };
        }),
      }))()`;
      const seen = await page.evaluate<{
        height: number;
        charts: Array<{ id: string; title: string; x: number; y: number; width: number; height: number }>;
      }>(probe);
      const charts = seen.charts.filter((c) => c.width > 0 && c.height > 0).slice(0, options.maxCharts ?? Infinity);
      const out: ChartImage[] = [];
      for (const c of charts) {
        const png = await page.screenshot({ x: c.x, y: c.y, width: c.width, height: c.height });
        out.push({ id: c.id, title: c.title, png: new Uint8Array(png) });
      }
      return out;
    },
  );
}
