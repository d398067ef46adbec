#!/usr/bin/env bash
# In-process compute of the four nn workloads of issue 5 (LeNet forward, MLP forward, 2-layer LSTM forward, MLP
# SGD training step): bench-nn beside torch_compute.py on the same thread count (ckpt: OpenBLAS's threads and
# its own loops' threads, OPENBLAS_NUM_THREADS and CKPT_KERNEL_THREADS; torch: set_num_threads), alternating ckpt and torch
# for ROUNDS rounds. Prints each round's lines, then a table: the fastest run over all rounds and the median of
# the rounds' medians, with ckpt/torch ratios (below 1: ckpt is faster).
# Usage (from the repo root): Benchmarks/nn/compute.sh [runs] [threads] [rounds] [workload...]
set -euo pipefail
RUNS=${1:-20}
THREADS=${2:-2}
ROUNDS=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
# CKPT_BENCH: another bench-nn binary to time (e.g. one built from an earlier commit); default: build this one.
if [ -n "${CKPT_BENCH:-}" ]; then
  BIN=$CKPT_BENCH
else
  swift build -c release --package-path Benchmarks --product bench-nn >/dev/null
  BIN=$(swift build -c release --package-path Benchmarks --show-bin-path)/bench-nn
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "$(uptime); threads $THREADS, $RUNS runs after 3 warm-up calls, $ROUNDS rounds"
for r in $(seq "$ROUNDS"); do
  CKPT_KERNEL_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS "$BIN" "$RUNS" 3 "$@" | sed 's/^/ckpt /' | tee -a "$OUT/all"
  THREADS=$THREADS OMP_NUM_THREADS=$THREADS python3 Benchmarks/nn/torch_compute.py "$RUNS" 3 "$@" |
    sed 's/^/torch /' | tee -a "$OUT/all"
done
echo "$(uptime)"
python3 - "$OUT/all" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    side, name, _, lo, _, med = line.split()
    r = rows.setdefault(name, {"ckpt": ([], []), "torch": ([], [])})[side]
    r[0].append(float(lo)); r[1].append(float(med))
print(f"| workload | ckpt min / median (ms) | torch min / median (ms) | ratio ckpt/torch (min, median) |")
print("|---|---|---|---|")
for name, r in rows.items():
    c = (min(r["ckpt"][0]), statistics.median(r["ckpt"][1]))
    t = (min(r["torch"][0]), statistics.median(r["torch"][1]))
    print(f"| {name} | {c[0]:.2f} / {c[1]:.2f} | {t[0]:.2f} / {t[1]:.2f} | {c[0] / t[0]:.2f}, {c[1] / t[1]:.2f} |")
PY
