import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { decodeText, encodeText, formatTextGrid, parseTextGrid } from '../src/index.js';
import type { TextGridInput } from '../src/index.js';

// Praat's own long and short layouts of the same TextGrid (the example from the Praat manual,
// "TextGrid file formats"), with an escaped quote and a point tier added.
const LONG = `File type = "ooTextFile"
Object class = "TextGrid"

xmin = 0 
xmax = 2.3 
tiers? <exists> 
size = 3 
item []: 
    item [1]:
        class = "IntervalTier" 
        name = "Mary" 
        xmin = 0 
        xmax = 2.3 
        intervals: size = 1 
        intervals [1]:
            xmin = 0 
            xmax = 2.3 
            text = "" 
    item [2]:
        class = "IntervalTier" 
        name = "John" 
        xmin = 0 
        xmax = 2.3 
        intervals: size = 2 
        intervals [1]:
            xmin = 0 
            xmax = 1.5 
            text = "say ""hi""" 
        intervals [2]:
            xmin = 1.5 
            xmax = 2.3 
            text = "Zoë" 
    item [3]:
        class = "TextTier" 
        name = "bell" 
        xmin = 0 
        xmax = 2.3 
        points: size = 2 
        points [1]:
            number = 0.9 
            mark = "ding" 
        points [2]:
            number = 1.3 
            mark = "dong" 
`;

const SHORT = `File type = "ooTextFile"
Object class = "TextGrid"

0
2.3
<exists>
3
"IntervalTier"
"Mary"
0
2.3
1
0
2.3
""
"IntervalTier"
"John"
0
2.3
2
0
1.5
"say ""hi"""
1.5
2.3
"Zoë"
"TextTier"
"bell"
0
2.3
2
0.9
"ding"
1.3
"dong"
`;

const CHRON = `"Praat chronological TextGrid text file"
0 2.3   ! Time domain.
3   ! Number of tiers.
"IntervalTier" "Mary" 0 2.3
"IntervalTier" "John" 0 2.3
"TextTier" "bell" 0 2.3
1 0 2.3
""
2 0 1.5
"say ""hi"""
3 0.9
"ding"
3 1.3
"dong"
2 1.5 2.3
"Zoë"
`;

const expected = {
  xmin: 0,
  xmax: 2.3,
  tiers: [
    { kind: 'interval', name: 'Mary', xmin: 0, xmax: 2.3, intervals: [{ xmin: 0, xmax: 2.3, text: '' }] },
    {
      kind: 'interval',
      name: 'John',
      xmin: 0,
      xmax: 2.3,
      intervals: [
        { xmin: 0, xmax: 1.5, text: 'say "hi"' },
        { xmin: 1.5, xmax: 2.3, text: 'Zoë' },
      ],
    },
    {
      kind: 'point',
      name: 'bell',
      xmin: 0,
      xmax: 2.3,
      points: [
        { time: 0.9, mark: 'ding' },
        { time: 1.3, mark: 'dong' },
      ],
    },
  ],
};

describe('parseTextGrid', () => {
  it('reads the long, short and chronological layouts to the same grid', () => {
    expect(parseTextGrid(LONG)).toMatchObject({ ...expected, format: 'long' });
    expect(parseTextGrid(SHORT)).toMatchObject({ ...expected, format: 'short' });
    expect(parseTextGrid(CHRON)).toMatchObject({ ...expected, format: 'chronological' });
  });

  it.each([
    ['utf-8', 'lf'],
    ['utf-8-bom', 'crlf'],
    ['utf-16le', 'crlf'],
    ['utf-16be', 'lf'],
    ['utf-16le', 'lf'],
  ] as const)('decodes %s with %s line endings', (encoding, eol) => {
    for (const text of [LONG, SHORT]) {
      const bytes = encodeText(text, encoding, eol);
      const grid = parseTextGrid(bytes, 'x.TextGrid');
      expect(grid.encoding).toBe(encoding);
      expect(grid).toMatchObject(expected);
    }
  });

  it('reads BOM-less UTF-16 and lone CR line endings', () => {
    const le = encodeText(LONG, 'utf-16le').subarray(2);
    expect(decodeText(le, 'a').encoding).toBe('utf-16le');
    expect(parseTextGrid(le, 'a')).toMatchObject(expected);
    expect(parseTextGrid(new TextEncoder().encode(SHORT.replace(/\n/g, '\r')), 'b')).toMatchObject(expected);
  });

  it('round-trips what formatTextGrid writes, exactly', () => {
    const grid: TextGridInput = {
      xmin: 0,
      xmax: 12.345678901234567,
      tiers: [
        {
          kind: 'interval',
          name: 'phone',
          xmin: 0,
          xmax: 12.345678901234567,
          intervals: [{ xmin: 0, xmax: 12.345678901234567, text: 'AH0' }],
        },
        {
          kind: 'interval',
          name: 'word',
          xmin: 0,
          xmax: 12.345678901234567,
          intervals: [
            { xmin: 0, xmax: 0.1 + 0.2, text: '{SP}' },
            { xmin: 0.1 + 0.2, xmax: 12.345678901234567, text: 'a "quoted"\nline' },
          ],
        },
        { kind: 'point', name: 'events', xmin: 0, xmax: 12.345678901234567, points: [{ time: 1 / 3, mark: 'x' }] },
      ],
    };
    for (const layout of ['long', 'short'] as const) expect(parseTextGrid(formatTextGrid(grid, { layout }))).toMatchObject(grid);
  });

  it('reads an empty TextGrid (<absent> tiers)', () => {
    const g = parseTextGrid('File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0\nxmax = 1\ntiers? <absent>\n');
    expect(g.tiers).toEqual([]);
  });

  it('names the file and line of an unterminated string', async () => {
    const bad = LONG.replace('text = "Zoë" ', 'text = "Zoë ');
    await expectVoxelwiseError(
      () => parseTextGrid(bad, 'story.TextGrid'),
      'E_FILE_FORMAT',
      'never closed',
      'text starting at line 32 runs over several lines',
    );
  });

  it('names the file and line of a value that is not a number', async () => {
    const bad = LONG.replace('            xmax = 1.5 ', '            xmax = 1,5 ');
    await expectVoxelwiseError(
      () => parseTextGrid(bad, 'story.TextGrid'),
      'E_FILE_FORMAT',
      'story.TextGrid line 27',
      'xmax of interval 1 of tier "John"',
      'got 1,5',
    );
  });

  it('rejects truncated files, unknown tier classes, reversed intervals and other files', async () => {
    await expectVoxelwiseError(
      () => parseTextGrid(LONG.slice(0, LONG.indexOf('    item [3]')), 'cut.TextGrid'),
      'E_FILE_FORMAT',
      'cut.TextGrid end of file',
      'tier class',
    );
    await expectVoxelwiseError(
      () => parseTextGrid(LONG.replace('"TextTier"', '"PitchTier"'), 'p.TextGrid'),
      'E_FILE_FORMAT',
      'p.TextGrid line 34',
      'unknown tier class "PitchTier"',
    );
    await expectVoxelwiseError(
      () => parseTextGrid(SHORT.replace('0\n1.5\n"say', '1.6\n1.5\n"say'), 'r.TextGrid'),
      'E_FILE_FORMAT',
      'r.TextGrid line 21',
      'interval 1 of tier "John" ends before it starts',
    );
    await expectVoxelwiseError(
      () => parseTextGrid('File type = "ooTextFile"\nObject class = "Pitch"\n', 'q'),
      'E_FILE_FORMAT',
      'object class is not TextGrid',
    );
    await expectVoxelwiseError(() => parseTextGrid('"hello"\n', 'h.txt'), 'E_FILE_FORMAT', 'h.txt line 1: not a Praat text file');
    await expectVoxelwiseError(
      () => parseTextGrid(`${SHORT}"extra"\n`, 'e.TextGrid'),
      'E_FILE_FORMAT',
      'e.TextGrid line 36',
      'end of the file after the last tier',
    );
  });

  it('rejects bytes that are neither UTF-8 nor UTF-16', async () => {
    const latin1 = Uint8Array.from([...new TextEncoder().encode('File type = "ooTextFile"\n"caf'), 0xe9, 0x22]);
    await expectVoxelwiseError(() => parseTextGrid(latin1, 'l.TextGrid'), 'E_FILE_FORMAT', 'l.TextGrid is not valid UTF-8');
  });
});
