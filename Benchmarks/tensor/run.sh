#!/bin/sh
# sgemm: ckpt (Tensor.mm, Tensor.linear, bare cblas_sgemm) beside torch.mm / F.linear, same thread count.
#   Benchmarks/tensor/run.sh [threads] [sizes...]      e.g.  Benchmarks/tensor/run.sh 2 256 512 1024 2048
set -e
cd "$(dirname "$0")/../.."
THREADS=${1:-1}; [ $# -gt 0 ] && shift
swift build -c release --package-path Benchmarks --product bench-tensor >/dev/null
BIN=$(swift build -c release --package-path Benchmarks --show-bin-path)
echo "threads=$THREADS"
OPENBLAS_NUM_THREADS=$THREADS "$BIN/bench-tensor" "$@"
THREADS=$THREADS OMP_NUM_THREADS=$THREADS python3 Benchmarks/tensor/bench_torch.py "$@"
