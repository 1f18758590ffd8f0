"""Second peer for tools/bench/ridge: himalaya's `RidgeCV` (numpy backend) on the same files.

himalaya (gallantlab/himalaya, himalaya/ridge/_sklearn_api.py `RidgeCV`, solver
`solve_ridge_cv_svd`) is not vendored: pass the folder of a checkout of its public source, which
this script puts on sys.path. Settings match the numpy peer as far as himalaya allows: 5
contiguous folds (`KFold(5)` without shuffling), per-voxel alpha, no intercept, correlation score
(himalaya.scoring.correlation_score). himalaya's penalty is λ‖w‖² with λ given directly, so the
Huth/LITcoder grid a·s_max (normalpha) is passed as λ = (a·s_max)² with s_max the largest singular
value of the whole training X (LITcoder rescales per fold; the chosen alphas can differ slightly,
the median r is printed for the comparison). Not part of the product: a yardstick.

Usage: python3 himalaya_ridge.py <himalaya-src> <data-dir> <n> <p> <v> <n_test> <alphas comma-separated> <folds>
Prints one JSON line.
"""
import json
import resource
import sys
import time

import numpy as np


def main():
    src, d = sys.argv[1], sys.argv[2]
    n, p, v, nt = map(int, sys.argv[3:7])
    alphas, k = sys.argv[7], int(sys.argv[8])
    sys.path.insert(0, src)
    import himalaya
    from himalaya.backend import set_backend
    from himalaya.ridge import RidgeCV
    from himalaya.scoring import correlation_score
    from sklearn.model_selection import KFold

    set_backend("numpy")
    a = np.array([float(x) for x in alphas.split(",")], dtype=np.float64)
    X = np.fromfile(f"{d}/X.f32", dtype=np.float32).reshape(n, p)
    Y = np.fromfile(f"{d}/Y.f32", dtype=np.float32).reshape(n, v)
    Xt = np.fromfile(f"{d}/Xt.f32", dtype=np.float32).reshape(nt, p)
    Yt = np.fromfile(f"{d}/Yt.f32", dtype=np.float32).reshape(nt, v)
    t0 = time.perf_counter()
    # s_max by power iteration on XᵀX (a full SVD would add a fold's worth of work to the peer).
    rng = np.random.default_rng(0)
    w = rng.standard_normal(p).astype(np.float64)
    for _ in range(50):
        w = X.T.astype(np.float64) @ (X.astype(np.float64) @ w)
        w /= np.linalg.norm(w)
    s_max = float(np.sqrt(np.linalg.norm(X.T.astype(np.float64) @ (X.astype(np.float64) @ w))))
    lambdas = (a * s_max) ** 2
    model = RidgeCV(
        alphas=lambdas,
        fit_intercept=False,
        cv=KFold(k, shuffle=False),
        solver_params=dict(score_func=correlation_score, local_alpha=True),
    )
    model.fit(X, Y)
    pred = model.predict(Xt)
    pc = pred - pred.mean(0)
    yc = Yt - Yt.mean(0)
    r = np.nan_to_num((pc * yc).sum(0) / np.sqrt((pc * pc).sum(0) * (yc * yc).sum(0)))
    seconds = time.perf_counter() - t0
    best = np.asarray(model.best_alphas_)
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "seconds": seconds,
        "median_r": float(np.median(r)),
        "mean_r": float(np.mean(r)),
        "best_alpha_counts": {str(float(x)): int(np.isclose(best, l, rtol=1e-5).sum()) for x, l in zip(a, lambdas)},
        "peak_rss_bytes": cpu.ru_maxrss * 1024,
        "cpu_seconds": cpu.ru_utime + cpu.ru_stime,
        "himalaya": getattr(himalaya, "__version__", "?"),
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
