"""pandas.read_csv reference for bench/data.ts: loads one CSV and prints seconds and peak RSS as JSON.

    /usr/bin/python3 bench/data.py FILE
"""
import json
import resource
import sys
import time

import pandas as pd

path = sys.argv[1]
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
start = time.perf_counter()
df = pd.read_csv(path)
seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds,
    "rows": int(df.shape[0]),
    "cols": int(df.shape[1]),
    "peakRss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    "baselineRss": baseline,
}))
