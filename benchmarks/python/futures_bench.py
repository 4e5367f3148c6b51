"""The seed's own system, for comparison: Python's concurrent.futures.ProcessPoolExecutor.

Run by benchmarks/contenders/python.ts as
    python3 futures_bench.py <overhead|cold> <items> <workers>
and prints one JSON line of timings in ms (interpreter start-up excluded):
    startMs  executor creation to the first results of a warm-up map (one item per worker)
    workMs   ex.map(inc, range(items)) with the default chunksize (1), consumed in order
    closeMs  ex.shutdown(wait=True)
In 'cold' mode startMs is the time to the first result of one submit() and workMs is 0.
"""
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def inc(x):
    return x + 1


def main():
    mode, items, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    clock = time.perf_counter
    t0 = clock()
    ex = ProcessPoolExecutor(workers)
    if mode == 'cold':
        assert ex.submit(inc, 1).result() == 2
    else:
        assert list(ex.map(inc, range(workers))) == list(range(1, workers + 1))
    t1 = clock()
    work = 0.0
    if mode == 'overhead':
        total = 0
        count = 0
        for r in ex.map(inc, range(items)):
            total += r
            count += 1
        work = clock() - t1
        assert count == items and total == items * (items + 1) // 2, 'wrong results'
    t2 = clock()
    ex.shutdown(wait=True)
    t3 = clock()
    print(json.dumps({'startMs': (t1 - t0) * 1e3, 'workMs': work * 1e3, 'closeMs': (t3 - t2) * 1e3}))


if __name__ == '__main__':
    main()
