import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleLogger } from '../src/loggers/console.js';

function stream(isTTY: boolean) {
  let text = '';
  return {
    isTTY,
    write: (s: string) => ((text += s), true),
    get text() {
      return text;
    },
  };
}

afterEach(() => vi.unstubAllEnvs());

describe('console logger', () => {
  it('draws a progress bar with rate and ETA on a terminal, and clears it before a line', () => {
    vi.stubEnv('NO_COLOR', '');
    const s = stream(true);
    const log = consoleLogger({ stream: s });
    const now = vi.spyOn(Date, 'now');
    now.mockReturnValue(1_000);
    log.handle({ type: 'stage:progress', stage: 'features/lm', done: 0, total: 100, unit: 'words' });
    now.mockReturnValue(3_000);
    log.handle({ type: 'stage:progress', stage: 'features/lm', done: 50, total: 100, unit: 'words', message: 'story01' });
    expect(s.text).toContain('\r\u001b[2K');
    expect(s.text).toMatch(/features\/lm.*█+░+ 50\/100 words.*25 words\/s ETA 2 s/);
    log.handle({ type: 'stage:end', stage: 'model/ridge-cv', durationMs: 1500 });
    expect(s.text).toMatch(/\r\u001b\[2K\u001b\[32m✓\u001b\[0m model\/ridge-cv \u001b\[2m1\.50 s\u001b\[0m\n$/);
    now.mockRestore();
  });

  it('writes plain lines, one per 10 % step, when not a terminal; no colour codes', () => {
    const s = stream(false);
    const log = consoleLogger({ stream: s });
    for (let i = 0; i <= 100; i++) log.handle({ type: 'stage:progress', stage: 'design/train', done: i, total: 100, unit: 'stories' });
    const lines = s.text.trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe('design/train: 100/100 stories');
    expect(s.text).not.toContain('\u001b[');
  });

  it('honours NO_COLOR on a terminal and hides per-story stage timings and debug messages', () => {
    vi.stubEnv('NO_COLOR', '1');
    const s = stream(true);
    const log = consoleLogger({ stream: s });
    log.handle({ type: 'log', level: 'warn', message: 'careful' });
    log.handle({ type: 'log', level: 'debug', message: 'hidden' });
    log.handle({ type: 'stage:end', stage: 'features/lm:gpt2:9', durationMs: 10 });
    log.handle({ type: 'stage:end', stage: 'design', durationMs: 10 });
    expect(s.text).toBe('warning careful\n✓ design 0.01 s\n');
  });
});
