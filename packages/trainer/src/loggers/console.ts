import type { Logger, VoxelwiseEvent } from '@voxelwise/core';

/** Options of {@link consoleLogger}. */
export interface ConsoleLoggerOptions {
  /** @default process.stderr */
  stream?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
  /** Colours; off when NO_COLOR is set or the stream is not a TTY. */
  color?: boolean;
  /** Show debug messages. @default false */
  verbose?: boolean;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - 60 * m)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * Renders events for a person: progress bars on a TTY, plain lines otherwise; honours NO_COLOR.
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean((stream as { isTTY?: boolean }).isTTY);
  const color = (options.color ?? tty) && !('NO_COLOR' in process.env && process.env['NO_COLOR'] !== '');
  const paint = (code: number, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  let barOpen = false;
  let lastDraw = 0;
  const started = new Map<string, number>();
  const lastPlain = new Map<string, number>();
  const clearBar = () => {
    if (barOpen) {
      stream.write('\r\u001b[2K');
      barOpen = false;
    }
  };
  const line = (s: string) => {
    clearBar();
    stream.write(`${s}\n`);
  };
  return {
    id: 'console',
    handle(e: VoxelwiseEvent) {
      switch (e.type) {
        case 'stage:progress': {
          const frac = e.total > 0 ? Math.min(1, e.done / e.total) : 0;
          if (tty) {
            const now = Date.now();
            const start = started.get(e.stage) ?? now;
            started.set(e.stage, start);
            // Redraw at most ~12 times a second, and always on completion.
            if (now - lastDraw < 80 && e.done !== e.total) break;
            lastDraw = now;
            const width = 24;
            const filled = Math.round(frac * width);
            const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
            const elapsed = (now - start) / 1000;
            const rate = elapsed > 0.5 && e.done > 0 ? e.done / elapsed : 0;
            const eta = rate > 0 && e.done < e.total ? ` ETA ${formatSeconds((e.total - e.done) / rate)}` : '';
            const speed = rate > 0 ? ` ${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)} ${e.unit}/s` : '';
            stream.write(
              `\r\u001b[2K${paint(36, e.stage)} ${bar} ${e.done}/${e.total} ${e.unit}${paint(2, `${speed}${eta}`)}${e.message ? ` ${paint(2, e.message)}` : ''}`,
            );
            barOpen = true;
          } else {
            // Plain output: one line per 10 % step so logs stay readable.
            const step = Math.floor(frac * 10);
            if (lastPlain.get(e.stage) !== step || e.done === e.total) {
              lastPlain.set(e.stage, step);
              line(`${e.stage}: ${e.done}/${e.total} ${e.unit}${e.message ? ` (${e.message})` : ''}`);
            }
          }
          break;
        }
        case 'stage:end':
          started.delete(e.stage);
          // Per-story stages (features/…, downsample/…) are summed in run.json; show the big steps.
          if (!e.stage.startsWith('features/') && !e.stage.startsWith('downsample/'))
            line(`${paint(32, '✓')} ${e.stage} ${paint(2, `${(e.durationMs / 1000).toFixed(2)} s`)}`);
          break;
        case 'log':
          if (e.level === 'debug' && !options.verbose) break;
          line(`${e.level === 'warn' ? paint(33, 'warning') : e.level === 'error' ? paint(31, 'error') : paint(2, e.level)} ${e.message}`);
          break;
        case 'run:start':
          line(`${paint(1, 'voxelwise')} run ${e.runId}`);
          break;
        case 'run:end':
          clearBar();
          break;
        default:
          break;
      }
    },
    async close() {
      clearBar();
    },
  };
}
