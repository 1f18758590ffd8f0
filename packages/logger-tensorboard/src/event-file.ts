import { appendFile, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { tfRecord } from './tfrecord.js';

/** The file name TensorFlow's `EventsWriter` uses: `events.out.tfevents.<unix seconds>.<host>`. */
export function eventFileName(wallTimeSeconds: number, host = hostname()): string {
  return `events.out.tfevents.${String(Math.floor(wallTimeSeconds)).padStart(10, '0')}.${host}`;
}

/**
 * Appends TFRecord-framed events to one file. `add` never blocks and never throws: records are
 * buffered and appended in order on `flush` (called on a timer, when the buffer grows and on
 * `close`). The first failed write is reported through `onError`; later records are dropped, so a
 * full disk costs the event file, never the run.
 */
export class EventFile {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private chain: Promise<void> = Promise.resolve();
  private failed = false;
  private timer: NodeJS.Timeout | undefined;
  /** Bytes appended so far. */
  written = 0;
  /** Records added so far (written or pending). */
  records = 0;

  constructor(
    readonly path: string,
    private readonly onError: (error: Error) => void,
    private readonly flushBytes = 1 << 20,
    flushMs = 10_000,
  ) {
    // A timer that never keeps the process alive: a crashed run still leaves what was flushed.
    if (flushMs > 0) {
      this.timer = setInterval(() => void this.flush(), flushMs);
      this.timer.unref();
    }
  }

  /** Queues one event (already encoded). */
  add(event: Uint8Array): void {
    if (this.failed) return;
    const record = tfRecord(event);
    this.pending.push(record);
    this.pendingBytes += record.length;
    this.records++;
    if (this.pendingBytes >= this.flushBytes) void this.flush();
  }

  /** Appends what is queued; resolves when every earlier write has finished. */
  flush(): Promise<void> {
    if (this.pending.length > 0 && !this.failed) {
      const chunk = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      this.chain = this.chain.then(async () => {
        if (this.failed) return;
        try {
          if (this.written === 0) await mkdir(dirname(this.path), { recursive: true });
          await appendFile(this.path, chunk);
          this.written += chunk.length;
        } catch (error) {
          this.failed = true;
          this.onError(error as Error);
        }
      });
    }
    return this.chain;
  }

  /** Flushes and stops the timer. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

/** `<logDir>/<runId>/<events file>`. */
export function eventFilePath(logDir: string, runId: string, wallTimeSeconds: number): string {
  return join(logDir, runId, eventFileName(wallTimeSeconds));
}
