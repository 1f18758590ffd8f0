"""Peer for tools/bench/ridge/banded-bench.ts: himalaya's `BandedRidgeCV` (numpy backend, float32).

himalaya (gallantlab/himalaya, himalaya/ridge/_sklearn_api.py `GroupRidgeCV` = `BandedRidgeCV`,
solver `random_search`: himalaya/ridge/_random_search.py::solve_group_ridge_random_search) is not
vendored: pass the folder of a checkout of its public source, which this script puts on sys.path.
Same data, bands, band-weight candidates (given explicitly, so both sides search the same ones),
alphas (λ = α, himalaya's convention on both sides), 5 contiguous folds (`KFold(5)` without
shuffling), per-voxel alpha, no intercept, correlation score (himalaya.scoring.correlation_score).
Not part of the product: a yardstick.

Usage: python3 himalaya_banded.py <himalaya-src> <data-dir> <n> <p> <v> <n_test> <band sizes comma-separated>
                                  [stop-after-seconds]
Reads X.f32, Y.f32, Xt.f32, Yt.f32 and gammas.json (candidates) and alphas.json from <data-dir>.
Prints one JSON line, with the time at which each candidate ended ("candidate_ends", seconds from
the start of the fit; a candidate's time includes himalaya's refit of the voxels it improved).

With stop-after-seconds, no new candidate starts once the fit has run that long: himalaya's loop
over candidates (the iterator it wraps in its progress bar, `bar` in _random_search.py) simply ends
early, and the fit finishes with the candidates done so far. A file named `stop` in <data-dir>
does the same, for a run that has to end sooner than planned. The bench uses this to bound the
peer's full time from below when a full run would take hours: the time its first k candidates took
is less than the time all of them would.
"""
import json
import os
import resource
import sys
import time

import numpy as np


def main():
    src, d = sys.argv[1], sys.argv[2]
    n, p, v, nt = map(int, sys.argv[3:7])
    sizes = [int(x) for x in sys.argv[7].split(",")]
    sys.path.insert(0, src)
    import himalaya
    from himalaya.backend import set_backend
    from himalaya.ridge import BandedRidgeCV
    from himalaya.scoring import correlation_score
    from sklearn.model_selection import KFold

    import himalaya.ridge._random_search as random_search

    stop_after = float(sys.argv[8]) if len(sys.argv) > 8 else float("inf")
    ends = []

    def timed(iterable, *args, **kwargs):
        for item in iterable:
            if time.perf_counter() - t0 > stop_after or os.path.exists(f"{d}/stop"):
                return
            yield item
            ends.append(time.perf_counter() - t0)
            start = ends[-2] if len(ends) > 1 else 0.0
            print(f"  [{ends[-1]:.1f} s] himalaya candidate {len(ends)}/{len(gammas)}: CV {cv_ends[-1] - start:.1f} s, refit {ends[-1] - cv_ends[-1]:.1f} s", file=sys.stderr, flush=True)

    random_search.bar = timed
    # The end of each candidate's cross-validation (himalaya calls _select_best_alphas once per
    # candidate, after its folds and before the refit of the voxels it improved): splits each
    # candidate's time into its CV part (the same work for every candidate) and its refit part.
    cv_ends = []
    select = random_search._select_best_alphas

    def timed_select(*args, **kwargs):
        cv_ends.append(time.perf_counter() - t0)
        return select(*args, **kwargs)

    random_search._select_best_alphas = timed_select
    set_backend("numpy")
    gammas = np.asarray(json.load(open(f"{d}/gammas.json")), dtype=np.float32)
    alphas = np.asarray(json.load(open(f"{d}/alphas.json")), dtype=np.float32)
    X = np.fromfile(f"{d}/X.f32", dtype=np.float32).reshape(n, p)
    Y = np.fromfile(f"{d}/Y.f32", dtype=np.float32).reshape(n, v)
    Xt = np.fromfile(f"{d}/Xt.f32", dtype=np.float32).reshape(nt, p)
    Yt = np.fromfile(f"{d}/Yt.f32", dtype=np.float32).reshape(nt, v)
    groups = np.concatenate([np.full(s, b) for b, s in enumerate(sizes)])
    t0 = time.perf_counter()
    model = BandedRidgeCV(groups=groups, cv=KFold(5, shuffle=False), solver_params=dict(
        n_iter=gammas, alphas=alphas, score_func=correlation_score, progress_bar=False,
        local_alpha=True, conservative=False))
    model.fit(X, Y)
    fit_seconds = time.perf_counter() - t0
    pred = model.predict(Xt)
    pc = pred - pred.mean(0)
    yc = Yt - Yt.mean(0)
    r = np.nan_to_num((pc * yc).sum(0) / np.sqrt((pc * pc).sum(0) * (yc * yc).sum(0)))
    seconds = time.perf_counter() - t0
    deltas = np.asarray(model.deltas_, dtype=np.float64)
    best_alpha = 1.0 / np.exp(deltas).sum(0)
    best_gamma = np.exp(deltas) * best_alpha
    chosen = np.argmin(np.abs(gammas[:, :, None] - best_gamma[None]).sum(1), axis=0)
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "seconds": seconds,
        "fit_seconds": fit_seconds,
        "candidates_done": len(ends),
        "candidate_ends": ends,
        "cv_ends": cv_ends,
        "median_r": float(np.median(r)),
        "mean_r": float(np.mean(r)),
        "chosen_candidates": np.bincount(chosen, minlength=len(gammas)).tolist(),
        "peak_rss_bytes": cpu.ru_maxrss * 1024,
        "cpu_seconds": cpu.ru_utime + cpu.ru_stime,
        "himalaya": getattr(himalaya, "__version__", "?"),
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
