#!/usr/bin/env python3
"""Huth-lab reference for @voxelwise/assembly's LeBel importer (a tool, never part of the product).

Runs the Huth lab code of HuthLab/deep-fMRI-dataset (encoding/ridge_utils: textgrid.TextGrid,
dsutils.make_word_ds, stimulus_utils.load_simulated_trfiles, DataSequence.from_grid) unmodified
on a LeBel-layout dataset and prints, per story, the words (lower-cased by from_grid), word times
(interval midpoints), TR times and split_inds as JSON. The TypeScript tests compare the importer's
output against this, exactly.

Usage:
  python3 assembly-huth-reference.py HUTH_ENCODING_DIR DATASET_ROOT > out.json

HUTH_ENCODING_DIR is a checkout of HuthLab/deep-fMRI-dataset's `encoding/` folder (it holds
ridge_utils/). The only step done here instead of by Huth's code is reading each TextGrid file:
Huth's load_textgrids() calls open(path).read() with the platform encoding, which cannot read
the UTF-16 TextGrids Praat writes; this script decodes by byte-order mark (UTF-8, UTF-8-BOM,
UTF-16 LE/BE) and applies Python's universal-newline translation, exactly what open() would do
for a UTF-8 file, then hands the text to Huth's TextGrid().
"""
import json
import os
import sys


def read_text(path):
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8")
    elif raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        text = raw.decode("utf-16")
    else:
        text = raw.decode("utf-8")
    # Python text mode (universal newlines): \r\n and \r become \n.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def main():
    huth_dir, root = sys.argv[1], sys.argv[2]
    sys.path.insert(0, huth_dir)
    from ridge_utils.textgrid import TextGrid
    from ridge_utils.dsutils import make_word_ds
    from ridge_utils.stimulus_utils import load_simulated_trfiles

    deriv = os.path.join(root, "derivative")
    with open(os.path.join(deriv, "respdict.json")) as f:
        respdict = json.load(f)
    grid_dir = os.path.join(deriv, "TextGrids")
    stories = sorted(n[: -len(".TextGrid")] for n in os.listdir(grid_dir) if n.endswith(".TextGrid"))
    grids = {s: TextGrid(read_text(os.path.join(grid_dir, s + ".TextGrid"))) for s in stories}
    trfiles = load_simulated_trfiles(respdict)
    wordseqs = make_word_ds(grids, trfiles)
    out = {}
    for s in stories:
        ds = wordseqs[s]
        out[s] = {
            "words": list(ds.data),
            "data_times": [float(x) for x in ds.data_times],
            "tr_times": [float(x) for x in ds.tr_times],
            "split_inds": [int(x) for x in ds.split_inds],
            "text_type": grids[s].text_type,
            "tiers": [t.nameid for t in grids[s].tiers],
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
