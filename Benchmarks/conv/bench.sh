#!/usr/bin/env bash
# conv2d 64→128, 3×3, padding 1, 56×56, batch 8: ckpt's engine beside PyTorch, both on the same thread
# count. Usage (from the repo root): Benchmarks/conv/bench.sh [runs] [threads]
set -euo pipefail
RUNS=${1:-10}
THREADS=${2:-2}
swift build -c release --package-path Benchmarks --product bench-conv >/dev/null
BIN=$(swift build -c release --package-path Benchmarks --show-bin-path)
echo "ckpt (OpenBLAS, OPENBLAS_NUM_THREADS=$THREADS):"
OPENBLAS_NUM_THREADS=$THREADS "$BIN/bench-conv" "$RUNS" | tee /tmp/ckpt-conv.txt
echo "PyTorch $(python3 -c 'import torch; print(torch.__version__)') (torch.set_num_threads($THREADS)):"
OMP_NUM_THREADS=$THREADS python3 Benchmarks/conv/torch_conv.py "$RUNS" "$THREADS" | tee /tmp/torch-conv.txt
paste /tmp/ckpt-conv.txt /tmp/torch-conv.txt |
  awk '{ printf "%-9s ckpt/torch time ratio: min %.2f, median %.2f\n", $1, $3 / $14, $6 / $17 }'
