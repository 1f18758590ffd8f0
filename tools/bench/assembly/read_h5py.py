#!/usr/bin/env python3
"""Plain numpy/h5py read of LeBel response files, for tools/bench/assembly/bench.ts (never part of
the product). Reads every derivative/preprocessed_data/<subject>/*.hf5 dataset "data" completely
(hf["data"][:], as Huth's encoding_utils.get_response does) and prints JSON: seconds, bytes, peak
RSS, and a checksum so the read cannot be skipped.

Usage: /usr/bin/python3 read_h5py.py DATASET_ROOT SUBJECT
"""
import json
import os
import resource
import sys
import time

try:
    import h5py
    import numpy as np
except ImportError as e:  # reported by the bench script
    print(json.dumps({"error": f"{e}"}))
    sys.exit(3)

root, subject = sys.argv[1], sys.argv[2]
d = os.path.join(root, "derivative", "preprocessed_data", subject)
files = sorted(f for f in os.listdir(d) if f.endswith(".hf5"))
def peak_rss_kb():
    # VmHWM: this process's own peak (getrusage's maxrss is inherited from the spawning parent).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


t0 = time.perf_counter()
c0 = time.process_time()
total = 0
checksum = 0.0
for f in files:
    with h5py.File(os.path.join(d, f), "r") as hf:
        a = hf["data"][:]
    total += a.nbytes
    checksum += float(a[:, :: max(1, a.shape[1] // 97)].astype(np.float64).sum())
    del a
dt = time.perf_counter() - t0
cpu = time.process_time() - c0
print(json.dumps({"seconds": dt, "cpuSeconds": cpu, "bytes": total, "files": len(files), "maxRssKB": peak_rss_kb(), "checksum": checksum, "numpy": np.__version__, "h5py": h5py.__version__}))
