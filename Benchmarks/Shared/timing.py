"""Wall-clock timing for the PyTorch side of the benchmarks: the same measures as Shared/Timing.swift.

Scripts add this folder to sys.path (`sys.path.insert(0, <Benchmarks>/Shared)`) and `import timing`.
"""
import time


def seconds(fn):
    """Seconds one call of `fn` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(fn, runs, warmup):
    """(fastest, median) milliseconds of `runs` calls of `fn` after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = sorted(seconds(fn) * 1e3 for _ in range(max(runs, 1)))
    return times[0], times[len(times) // 2]


def best(fn, repeats=3):
    """Seconds per call: the best of `repeats` runs after one warm-up call, each run at least 0.2 s or 3 calls."""
    fn()
    result = float('inf')
    for _ in range(repeats):
        calls, elapsed = 0, 0.0
        while elapsed < 0.2 or calls < 3:
            elapsed += seconds(fn)
            calls += 1
        result = min(result, elapsed / calls)
    return result
