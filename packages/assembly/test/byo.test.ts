import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as A from 'apache-arrow';
import type { Assembly } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import {
  encodeNpy,
  encodeText,
  importByo,
  openAssembly,
  openByo,
  openNpyMatrix,
  parseWordsTsv,
  simulateSubject,
  writeHdf5Matrix,
} from '../src/index.js';
import { expectBitEqual, expectSameAssembly, tmp } from './helpers.js';

/** Writes a simulated subject in the bring-your-own layout, one response format per story. */
async function writeByo(source: Assembly, root: string, settings: Record<string, unknown> | null): Promise<void> {
  if (settings) writeFileSync(join(root, 'byo.json'), JSON.stringify(settings));
  for (const [i, name] of source.storyNames.entries()) {
    const s = await source.story(name);
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    const lines = s.words.text.map((w, j) => `${w}\t${s.words.onset[j]}\t${s.words.offset[j]}`);
    // Story 0: header, LF; story 1: no header, CRLF, UTF-16; story 2: reordered header columns.
    if (i === 0) writeFileSync(join(dir, 'words.tsv'), `word\tonset\toffset\n${lines.join('\n')}\n`);
    else if (i === 1) writeFileSync(join(dir, 'words.tsv'), encodeText(`${lines.join('\n')}\n`, 'utf-16le', 'crlf'));
    else
      writeFileSync(
        join(dir, 'words.tsv'),
        `start\tend\ttext\n${s.words.text.map((w, j) => `${s.words.onset[j]}\t${s.words.offset[j]}\t${w}`).join('\n')}`,
      );
    const r = await s.responses();
    if (i % 3 === 0) writeFileSync(join(dir, 'responses.npy'), encodeNpy(r));
    else if (i % 3 === 1) await writeHdf5Matrix(join(dir, 'responses.hf5'), r);
    else {
      const cols: Record<string, Float32Array> = {};
      for (let v = 0; v < r.cols; v++) cols[`v${v}`] = Float32Array.from({ length: r.rows }, (_, k) => r.data[k * r.cols + v]!);
      writeFileSync(join(dir, 'responses.arrow'), A.tableToIPC(A.tableFromArrays(cols), 'file'));
    }
    if (i === 1) writeFileSync(join(dir, 'trs.tsv'), `time\n${Array.from(s.trTimes).join('\n')}\n`);
  }
}

describe('bring-your-own layout', () => {
  it('opens .npy, .hf5 and .arrow responses with words.tsv variants, and imports bit-exactly', async () => {
    const sim = await simulateSubject({ seed: 12, stories: 3, duration: 40, voxels: 7, subject: 'sub-9', testRepeats: 1 });
    const root = tmp();
    await writeByo(sim.assembly, root, {
      subject: 'sub-9',
      tr: 2,
      firstTrTime: -9,
      trim: { start: 10, end: 5 },
      testStories: ['wheretheressmoke'],
    });
    const byo = await openByo({ root });
    await expectSameAssembly(byo, sim.assembly);
    expect(byo.metadata.subject).toBe('sub-9');
    const out = join(tmp(), 'byo.vw');
    await importByo({ root }, out, { voxelChunk: 3 });
    await expectSameAssembly(await openAssembly(out), sim.assembly);
  });

  it('takes options over byo.json and derives the TR from trs.tsv files', async () => {
    const sim = await simulateSubject({ seed: 13, stories: 2, duration: 30, voxels: 3, testRepeats: 1 });
    const root = tmp();
    await writeByo(sim.assembly, root, null);
    await expectVoxelwiseError(() => openByo({ root }), 'E_CONFIG_INVALID', 'repetition time is unknown', '--tr');
    const a = await openByo({ root, tr: 2, firstTrTime: -9, trim: { start: 10, end: 5 }, stories: ['wheretheressmoke'] });
    expect(a.storyNames).toEqual(['wheretheressmoke']);
    expect(a.metadata.trimming).toBe('start 10, end 5');
    const s = await a.story('wheretheressmoke');
    expect(Array.from(s.trTimes)).toEqual(Array.from((await sim.assembly.story('wheretheressmoke')).trTimes));
  });

  it('names bad words.tsv lines, missing and duplicate response files, voxel mismatches', async () => {
    await expectVoxelwiseError(
      () => parseWordsTsv('a\t0\t1\nb\t1\n', 'w.tsv'),
      'E_FILE_FORMAT',
      'w.tsv line 2: expected 3 tab-separated fields',
    );
    await expectVoxelwiseError(
      () => parseWordsTsv('a\t0\tx\n', 'w.tsv'),
      'E_FILE_FORMAT',
      'w.tsv line 1: the offset is not a number',
      'got x',
    );
    await expectVoxelwiseError(
      () => parseWordsTsv('token\tonset\toffset\n', 'w.tsv'),
      'E_FILE_FORMAT',
      'header must name the columns word, onset and offset',
    );
    expect(parseWordsTsv('\t0.5\t0.7\nhi\t0.7\t0.9', 'w').text).toEqual(['', 'hi']);
    const root = tmp();
    mkdirSync(join(root, 'a'));
    writeFileSync(join(root, 'a', 'words.tsv'), 'x\t0\t1\n');
    await expectVoxelwiseError(() => openByo({ root, tr: 1 }), 'E_FILE_NOT_FOUND', 'story "a" has no response file');
    writeFileSync(join(root, 'a', 'responses.npy'), encodeNpy({ rows: 3, cols: 2, data: new Float32Array(6) }));
    writeFileSync(join(root, 'a', 'responses.arrow'), new Uint8Array(8));
    await expectVoxelwiseError(() => openByo({ root, tr: 1 }), 'E_DATA_INVALID', 'several response files (responses.npy, responses.arrow)');
    writeFileSync(join(root, 'a', 'responses.arrow'), new Uint8Array(0));
    mkdirSync(join(root, 'b'));
    writeFileSync(join(root, 'b', 'words.tsv'), 'x\t0\t1\n');
    writeFileSync(join(root, 'b', 'responses.npy'), encodeNpy({ rows: 3, cols: 3, data: new Float32Array(9) }));
    rmSync(join(root, 'a', 'responses.arrow'));
    await expectVoxelwiseError(
      () => openByo({ root, tr: 1, stories: ['b', 'a'] }),
      'E_SHAPE_MISMATCH',
      'story "a" has 2 voxels',
      'responses.npy) but story "b" has 3',
    );
    await expectVoxelwiseError(() => openByo({ root, tr: 1, stories: ['b', 'c'] }), 'E_FILE_NOT_FOUND', 'story "c" has no');
    writeFileSync(join(root, 'byo.json'), '{"tr": "two"}');
    await expectVoxelwiseError(() => openByo({ root, stories: ['b'] }), 'E_CONFIG_INVALID', 'byo.json', 'option "tr"');
  });
});

describe('.npy responses', () => {
  it('reads C and Fortran order, little and big endian, float32 and float64, by range', () => {
    const dir = tmp();
    const rows = 3;
    const cols = 4;
    const value = (i: number, j: number) => i * 10 + j + 0.25;
    const header = (descr: string, fortran: boolean) => {
      let h = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${rows}, ${cols}), }`;
      h += ' '.repeat((64 - ((10 + h.length + 1) % 64)) % 64) + '\n';
      const pre = Buffer.alloc(10);
      pre.write('\x93NUMPY', 'latin1');
      pre[6] = 1;
      pre.writeUInt16LE(h.length, 8);
      return Buffer.concat([pre, Buffer.from(h, 'latin1')]);
    };
    for (const descr of ['<f4', '>f4', '<f8', '>f8']) {
      for (const fortran of [false, true]) {
        const size = Number(descr[2]);
        const body = Buffer.alloc(rows * cols * size);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            const at = (fortran ? j * rows + i : i * cols + j) * size;
            if (size === 4) (descr[0] === '<' ? body.writeFloatLE : body.writeFloatBE).call(body, value(i, j), at);
            else (descr[0] === '<' ? body.writeDoubleLE : body.writeDoubleBE).call(body, value(i, j), at);
          }
        }
        const file = join(dir, `${descr.replace(/[<>]/, (c) => (c === '<' ? 'le' : 'be'))}-${fortran}.npy`);
        writeFileSync(file, Buffer.concat([header(descr, fortran), body]));
        const m = openNpyMatrix(file);
        expect([m.rows, m.cols, m.dtype]).toEqual([rows, cols, size === 4 ? 'float32' : 'float64']);
        expectBitEqual(m.read(1, 3, 1, 3), [value(1, 1), value(1, 2), value(2, 1), value(2, 2)]);
        expectBitEqual(
          m.read(0, 3, 0, 4),
          Array.from({ length: 12 }, (_, k) => value(Math.floor(k / 4), k % 4)),
        );
        m.close();
      }
    }
  });

  it('rejects other arrays with the file named', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.npy'), 'not numpy');
    await expectVoxelwiseError(() => openNpyMatrix(join(dir, 'a.npy')), 'E_FILE_FORMAT', 'a.npy: not a .npy file');
    const int = Buffer.from(encodeNpy({ rows: 1, cols: 2, data: new Float32Array(2) }));
    int.write("'<i4'", int.indexOf("'<f4'"), 'latin1');
    writeFileSync(join(dir, 'b.npy'), int);
    await expectVoxelwiseError(
      () => openNpyMatrix(join(dir, 'b.npy')),
      'E_FILE_FORMAT',
      'b.npy: the array does not hold float32 or float64 values',
      '<i4',
    );
    await expectVoxelwiseError(() => openNpyMatrix(join(dir, 'c.npy')), 'E_FILE_NOT_FOUND', 'c.npy does not exist');
  });
});
