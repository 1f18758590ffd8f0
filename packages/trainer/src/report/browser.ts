import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { voxelwiseError } from '@voxelwise/core';
import { CHROMIUM_PATHS, findChromium, watchPage, withChromium } from '@voxelwise/io';
import type { CdpBrowser } from '@voxelwise/io';

/** Options of {@link inspectReport}. */
export interface InspectOptions {
  /** @default findChromium() */
  executablePath?: string;
  /** Write a full-page PNG here. */
  screenshotPath?: string;
  /** Viewport width in CSS pixels. @default 1280 */
  width?: number;
  /** Give up after this long. @default 60000 */
  timeoutMs?: number;
  /**
   * A JavaScript expression evaluated in the page after the probe (awaited when it is a promise);
   * its JSON value comes back as `evaluated`. Tests use it to read pixels of the brain maps.
   */
  evaluate?: string;
}

/** What a headless browser saw of a report. */
export interface InspectResult {
  /** Console errors, uncaught exceptions and failed loads. */
  errors: string[];
  /** Requests the page made to anything but its own file (must be none: the report is self-contained). */
  requests: string[];
  /** Whether the report's script ran to the end (`<html data-ready="true">`). */
  ready: boolean;
  /** Each `svg.chart` by id with its rendered size and number of drawn marks. */
  charts: Array<{ id: string; width: number; height: number; marks: number }>;
  /** Page height in CSS pixels. */
  pageHeight: number;
  /** Where the screenshot went. */
  screenshotPath?: string;
  /** The value of {@link InspectOptions.evaluate}. */
  evaluated?: unknown;
}

/**
 * Opens a report in headless Chromium over the DevTools protocol (through a pipe, so no port and
 * no extra npm package), and returns what rendered: console errors, network requests, chart sizes;
 * optionally saves a full-page screenshot.
 *
 * @example
 * const seen = await inspectReport('results/demo-…/report.html', { screenshotPath: 'report.png' });
 */
export async function inspectReport(htmlPath: string, options: InspectOptions = {}): Promise<InspectResult> {
  const exe = options.executablePath ?? findChromium();
  if (!exe) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: 'trainer:browser',
      message: 'no Chromium executable found',
      expected: CHROMIUM_PATHS,
      hint: 'Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.',
    });
  }
  const width = options.width ?? 1280;
  const timeout = options.timeoutMs ?? 60_000;
  const work = async (browser: CdpBrowser): Promise<InspectResult> => {
    const errors: string[] = [];
    const requests: string[] = [];
    const fileUrl = pathToFileURL(resolve(htmlPath)).href;
    const page = await browser.openPage();
    const loaded = page.next('Page.loadEventFired');
    watchPage(page, errors, (url) => {
      if (url !== fileUrl && !url.startsWith('data:') && url !== 'about:blank') requests.push(url);
    });
    for (const method of ['Runtime.enable', 'Log.enable', 'Page.enable', 'Network.enable']) await page.send(method);
    await page.send('Emulation.setDeviceMetricsOverride', { width, height: 900, deviceScaleFactor: 1, mobile: false });
    await page.send('Page.navigate', { url: fileUrl });
    await loaded;
    const probe = `(() => {
      const charts = Array.from(document.querySelectorAll('svg.chart')).map((s) => {
        const r = s.getBoundingClientRect();
        return { id: s.id, width: r.width, height: r.height, marks: s.querySelectorAll('rect.bar, polyline, circle.point').length };
      });
      return { ready: document.documentElement.getAttribute('data-ready') === 'true', charts, pageHeight: Math.ceil(document.documentElement.scrollHeight) };
    })()`;
    const seen = await page.evaluate<{ ready: boolean; charts: InspectResult['charts']; pageHeight: number }>(probe);
    const out: InspectResult = { errors, requests, ready: seen.ready, charts: seen.charts, pageHeight: seen.pageHeight };
    if (options.evaluate) {
      try {
        out.evaluated = await page.evaluate<unknown>(options.evaluate);
      } catch (error) {
        errors.push(`evaluate: ${(error as Error).message}`);
      }
    }
    if (options.screenshotPath) {
      await page.send('Emulation.setDeviceMetricsOverride', {
        width,
        height: Math.min(16000, Math.max(900, seen.pageHeight)),
        deviceScaleFactor: 1,
        mobile: false,
      });
      await writeFile(options.screenshotPath, await page.screenshot());
      out.screenshotPath = resolve(options.screenshotPath);
    }
    return out;
  };
  try {
    return await withChromium(
      {
        executablePath: exe,
        args: [`--window-size=${width},900`],
        timeoutMs: timeout,
        timeoutError: () =>
          voxelwiseError({
            code: 'E_IO',
            where: 'trainer:browser',
            message: `Chromium did not render ${htmlPath} within ${timeout} ms`,
          }),
      },
      work,
    );
  } catch (error) {
    if (error instanceof Error && !('code' in error)) {
      throw voxelwiseError({
        code: 'E_IO',
        where: 'trainer:browser',
        message: `headless Chromium failed on ${htmlPath}: ${error.message}`,
        cause: error,
      });
    }
    throw error;
  }
}
