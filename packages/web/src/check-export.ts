import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import { CHROMIUM_PATHS, findChromium, watchPage, withChromium } from '@voxelwise/io';
import type { CdpBrowser } from '@voxelwise/io';
import { serveStatic } from './static-server.js';
import type { TimingMode } from './timed-input.js';

/** One text the check predicts in the page. */
export interface CheckInput {
  readonly text: string;
  readonly mode?: TimingMode;
  readonly wordsPerSecond?: number;
}

/** A prediction the page returned (TRs × voxels, row-major). */
export interface PagePrediction {
  readonly words: number;
  readonly trTimes: number[];
  readonly rows: number;
  readonly cols: number;
  readonly data: number[];
  /** Seconds the page spent on this text (features, design, product). */
  readonly seconds: number;
}

/** What {@link checkWebExport} saw. */
export interface CheckResult {
  /** Console errors, uncaught exceptions and failed loads. */
  readonly errors: string[];
  /** Every URL the page requested. */
  readonly requests: string[];
  /** Requests to anything but the local server (must be none). */
  readonly external: string[];
  /** The page's onnxruntime backend (`wasm`, or `webgpu` when the browser has it). */
  readonly backend: string;
  /** onnxruntime-web threads the page used (1 unless the page is cross-origin isolated). */
  readonly threads: number;
  /** Seconds from navigation until the page was ready to predict (model, weights, runtime loaded). */
  readonly readySeconds: number;
  /** Seconds the page itself reports for loading. */
  readonly loadSeconds: number;
  readonly predictions: PagePrediction[];
  /** With `offline`: the first input predicted again after the server stopped and the page reloaded. */
  readonly offlinePrediction?: PagePrediction;
  readonly screenshotPath?: string;
}

/** Options of {@link checkWebExport}. */
export interface CheckOptions {
  readonly inputs: readonly CheckInput[];
  /** @default findChromium() */
  readonly executablePath?: string;
  /** After the predictions, press Predict in the page with the first input and save a PNG here. */
  readonly screenshotPath?: string;
  /** @default 120000 */
  readonly timeoutMs?: number;
  /** Extra query string, e.g. `backend=wasm`. */
  readonly query?: string;
  /**
   * Then wait until the page's service worker has stored the export, stop the server, reload the
   * page and predict the first input again (see {@link CheckResult.offlinePrediction}).
   */
  readonly offline?: boolean;
  /** Serve with COOP/COEP headers, so the page is cross-origin isolated and runs several threads. */
  readonly crossOriginIsolated?: boolean;
}

/**
 * Opens an exported folder in headless Chromium from a static server on 127.0.0.1 (over the
 * DevTools protocol through a pipe, as the trainer's report check does), waits until the page has
 * loaded its model, predicts each input through `window.voxelwise.predict`, and reports console
 * errors and every request, so a test can require no error and nothing leaving 127.0.0.1.
 */
export async function checkWebExport(dir: string, options: CheckOptions): Promise<CheckResult> {
  const exe = options.executablePath ?? findChromium();
  if (!exe) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: 'web:check',
      message: 'no Chromium executable found',
      expected: CHROMIUM_PATHS,
      hint: 'Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.',
    });
  }
  const server = await serveStatic(resolve(dir), { crossOriginIsolated: options.crossOriginIsolated ?? false });
  const timeout = options.timeoutMs ?? 120_000;
  const work = async (browser: CdpBrowser): Promise<CheckResult> => {
    const errors: string[] = [];
    const requests: string[] = [];
    const page = await browser.openPage();
    watchPage(page, errors, (url) => requests.push(url));
    for (const method of ['Runtime.enable', 'Log.enable', 'Page.enable', 'Network.enable']) await page.send(method);
    const evaluate = <T>(expression: string): Promise<T> => page.evaluate<T>(expression);
    const t0 = performance.now();
    await page.send('Page.navigate', { url: `${server.url}index.html${options.query ? `?${options.query}` : ''}` });
    let state: string | undefined;
    while (state !== 'true' && state !== 'error') {
      await new Promise((r) => setTimeout(r, 50));
      // While the page navigates, the old document (or none) answers; a destroyed context throws.
      state = await evaluate<string | undefined>('document.documentElement?.dataset.ready').catch(() => undefined);
    }
    const readySeconds = (performance.now() - t0) / 1000;
    if (state === 'error') {
      const text = await evaluate<string>("document.getElementById('status-text').textContent");
      errors.push(`page: ${text}`);
    }
    const info =
      state === 'true'
        ? await evaluate<{ backend: string; loadSeconds: number; threads: number }>(
            '({ backend: window.voxelwise.backend, loadSeconds: window.voxelwise.loadSeconds, threads: window.voxelwise.threads })',
          )
        : { backend: '', loadSeconds: NaN, threads: 0 };
    const predictions: PagePrediction[] = [];
    if (state === 'true') {
      for (const input of options.inputs) {
        predictions.push(
          await evaluate<PagePrediction>(
            `window.voxelwise.predict(${JSON.stringify(input.text)}, ${JSON.stringify(input.mode ?? 'text')}, ${input.wordsPerSecond ?? 2.5})`,
          ),
        );
      }
    }
    let screenshotPath: string | undefined;
    if (options.screenshotPath && state === 'true' && options.inputs[0]) {
      const first = options.inputs[0];
      await evaluate(`(async () => {
        document.getElementById('text').value = ${JSON.stringify(first.text)};
        document.getElementById('predict').click();
        while (document.getElementById('results').hidden || document.getElementById('predict').disabled) await new Promise((r) => setTimeout(r, 50));
        window.scrollTo(0, 0);
      })()`);
      const height = await evaluate<number>('Math.ceil(document.documentElement.scrollHeight)');
      await page.send('Emulation.setDeviceMetricsOverride', { width: 1040, height, deviceScaleFactor: 1, mobile: false });
      screenshotPath = resolve(options.screenshotPath);
      await writeFile(screenshotPath, await page.screenshot());
    }
    let offlinePrediction: PagePrediction | undefined;
    if (options.offline && state === 'true' && options.inputs[0]) {
      let stored: string | undefined;
      while (stored !== 'true' && stored !== 'error') {
        await new Promise((r) => setTimeout(r, 100));
        stored = await evaluate<string | undefined>('document.documentElement.dataset.offline');
      }
      if (stored === 'error') errors.push('page: the service worker could not store the export');
      await server.close();
      await page.send('Page.reload');
      let again: string | undefined;
      while (again !== 'true' && again !== 'error') {
        await new Promise((r) => setTimeout(r, 50));
        again = await evaluate<string | undefined>('document.documentElement?.dataset.ready').catch(() => undefined);
      }
      if (again === 'error') errors.push(`page offline: ${await evaluate<string>("document.getElementById('status-text').textContent")}`);
      else {
        const first = options.inputs[0];
        offlinePrediction = await evaluate<PagePrediction>(
          `window.voxelwise.predict(${JSON.stringify(first.text)}, ${JSON.stringify(first.mode ?? 'text')}, ${first.wordsPerSecond ?? 2.5})`,
        );
      }
    }
    const local = server.url.replace(/\/$/, '');
    const external = requests.filter(
      (u) => !u.startsWith(`${local}/`) && !u.startsWith('data:') && !u.startsWith('blob:') && u !== 'about:blank',
    );
    return {
      errors,
      requests,
      external,
      backend: info.backend,
      threads: info.threads,
      readySeconds,
      loadSeconds: info.loadSeconds,
      predictions,
      ...(offlinePrediction ? { offlinePrediction } : {}),
      ...(screenshotPath ? { screenshotPath } : {}),
    };
  };
  try {
    return await withChromium(
      {
        executablePath: exe,
        args: ['--disable-sync', '--disable-default-apps', '--window-size=1100,1000'],
        profilePrefix: 'vw-web-',
        timeoutMs: timeout,
        timeoutError: () =>
          voxelwiseError({ code: 'E_IO', where: 'web:check', message: `the page in ${dir} did not finish within ${timeout} ms` }),
      },
      work,
    );
  } catch (error) {
    if (error instanceof Error && !('code' in error)) {
      throw voxelwiseError({
        code: 'E_IO',
        where: 'web:check',
        message: `headless Chromium failed on ${dir}: ${error.message}`,
        cause: error,
      });
    }
    throw error;
  } finally {
    await server.close();
  }
}
