import { createTinyGpt2, lmFeatures } from './src/index.js';
import { createRegistry, createContext, memoryStory } from '@voxelwise/core';
const m = await createTinyGpt2('/tmp/lmx/tiny', { seed: 1 });
const words = 'once upon a time there was a  little cat who sat on the mat and  thought about the world'.split(' ');
const n = words.length;
const onset = Float64Array.from(words, (_, i) => i * 0.5); const offset = Float64Array.from(words, (_, i) => i * 0.5 + 0.4);
const story = memoryStory({ name: 's1', words: { text: words, onset, offset }, trTimes: Float64Array.from([1, 3, 5, 7, 9]), trim: { start: 0, end: 0 }, responses: { rows: 5, cols: 1, data: new Float32Array(5) } });
const events: any[] = [];
const reg = createRegistry().use(lmFeatures());
const ctx = createContext({ cacheDir: '/tmp/lmx/cache', emit: (e) => events.push(e), registry: reg });
for (const contextType of ['fullcontext', 'nocontext', 'halfcontext', 'sliding'] as const) {
  const ex = await reg.create('extractor', { name: 'lm', options: { model: m.dir, layer: 1, lookback: 8, contextType } }, ctx);
  let t0 = performance.now();
  const f = await ex.extract(story, ctx);
  console.log(contextType, f.data.rows, f.data.cols, Array.from(f.data.data.slice(64 * 3, 64 * 3 + 3)), (performance.now() - t0).toFixed(0), 'ms');
  t0 = performance.now();
  const g = await ex.extract(story, ctx);
  console.log(' again', (performance.now() - t0).toFixed(0), 'ms equal', g.data.data.every((v, i) => v === f.data.data[i]));
  await ex.dispose?.();
}
console.log(events.filter((e) => e.type === 'log').map((e) => e.message));
