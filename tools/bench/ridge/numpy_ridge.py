"""Reference run for tools/bench/ridge: LITcoder's ridge algorithm in numpy (float32).

Mirrors LITcoder `NestedCVModel.fit_predict` in train-test mode
(GT-LIT-Lab/litcoder_core:encoding/models/nested_cv.py) with
`folding_type="kfold"` (5 contiguous folds), `normalpha=True`, `use_corr=True`, per-voxel alphas:
per fold an SVD of X_train, `UR = Uᵀ·Y_train`, `PVh = X_val·Vᵀ`, and one prediction per alpha
(`ridge_corr_torch`), scored with LITcoder's ddof-1 z-scores; then `ridge_torch` on all rows and
Pearson r on the test rows. Not part of the product: a yardstick for the benchmark.

Usage: python3 numpy_ridge.py <data-dir> <n> <p> <v> <n_test> <alphas comma-separated> <folds>
Reads X.f32 (n×p), Y.f32 (n×v), Xt.f32, Yt.f32 from <data-dir>; prints one JSON line.
"""
import json
import resource
import sys
import time

import numpy as np


def zs(x):
    # LITcoder ridge_utils z_score: ddof 1, eps 1e-8 (GT-LIT-Lab/litcoder_core:encoding/models/ridge_utils.py, torch std).
    return (x - x.mean(0)) / (x.std(0, ddof=1) + 1e-8)


def main():
    d, n, p, v, nt, alphas, k = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6], int(sys.argv[7])
    alphas = np.array([float(a) for a in alphas.split(",")], dtype=np.float32)
    X = np.fromfile(f"{d}/X.f32", dtype=np.float32).reshape(n, p)
    Y = np.fromfile(f"{d}/Y.f32", dtype=np.float32).reshape(n, v)
    Xt = np.fromfile(f"{d}/Xt.f32", dtype=np.float32).reshape(nt, p)
    Yt = np.fromfile(f"{d}/Yt.f32", dtype=np.float32).reshape(nt, v)
    t0 = time.perf_counter()
    print(f"  numpy: data loaded", file=sys.stderr, flush=True)
    scores = np.zeros((len(alphas), v), dtype=np.float64)
    # sklearn KFold(k, shuffle=False): the first n % k folds get one more row.
    sizes = [n // k + (1 if f < n % k else 0) for f in range(k)]
    start = 0
    for size in sizes:
        va = np.arange(start, start + size)
        tr = np.concatenate([np.arange(0, start), np.arange(start + size, n)])
        start += size
        U, S, Vh = np.linalg.svd(X[tr], full_matrices=False)
        keep = S > 1e-10
        U, S, Vh = U[:, keep], S[keep], Vh[keep]
        UR = U.T @ Y[tr]
        PVh = X[va] @ Vh.T
        zY = zs(Y[va])
        for ai, a in enumerate(alphas):
            na = a * S[0]
            D = (S / (S ** 2 + na ** 2)).astype(np.float32)
            pred = (PVh * D) @ UR
            scores[ai] += np.nan_to_num((zY * zs(pred)).mean(0))
        print(f"  [{time.perf_counter() - t0:.1f} s] numpy fold done", file=sys.stderr, flush=True)
    scores /= k
    best = alphas[np.argmax(scores, 0)]
    # ridge_torch on all rows with the chosen alphas, grouped by unique alpha.
    U, S, Vh = np.linalg.svd(X, full_matrices=False)
    keep = S > 1e-10
    U, S, Vh = U[:, keep], S[keep], Vh[keep]
    UR = U.T @ Y
    W = np.zeros((p, v), dtype=np.float32)
    for a in np.unique(best):
        sel = best == a
        na = a * S[0]
        W[:, sel] = Vh.T @ ((S / (S ** 2 + na ** 2)).astype(np.float32)[:, None] * UR[:, sel])
    pred = Xt @ W
    pc = pred - pred.mean(0)
    yc = Yt - Yt.mean(0)
    r = (pc * yc).sum(0) / np.sqrt((pc * pc).sum(0) * (yc * yc).sum(0))
    r = np.nan_to_num(r)
    seconds = time.perf_counter() - t0
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "seconds": seconds,
        "median_r": float(np.median(r)),
        "mean_r": float(np.mean(r)),
        "best_alpha_counts": {str(float(a)): int((best == a).sum()) for a in alphas},
        "peak_rss_bytes": cpu.ru_maxrss * 1024,
        "cpu_seconds": cpu.ru_utime + cpu.ru_stime,
        "numpy": np.__version__,
        "r_first": [float(x) for x in r[:8]],
    }))


if __name__ == "__main__":
    main()
