#!/bin/sh
# ckpt run beside transformers on CPU on a LLaMA-shaped folder of just over 2^31 bf16 parameters (make_big_llama.py),
# at the same thread count: wall time and peak RSS of each whole process (/usr/bin/time), transformers' load and
# forward apart, for a few tokens and a 128-token prompt; then ckpt's logits against transformers' float32 ones.
#
#   swift build -c release --product ckpt && python3 Benchmarks/hf_models/make_big_llama.py
#   sh Benchmarks/hf_models/bench_big.sh [FOLDER]          (from the repo root)
#
# THREADS (default 2) sets OPENBLAS_NUM_THREADS, CKPT_KERNEL_THREADS, OMP_NUM_THREADS and torch.set_num_threads.
# TORCH_DTYPES (default "float32 bfloat16") lists the transformers runs.
set -eu
CKPT=${CKPT:-.build/release/ckpt}
DIR=${1:-Benchmarks/data/big_llama}
OUT=${OUT:-Benchmarks/data/big_llama_out}
THREADS=${THREADS:-2}
TORCH_DTYPES=${TORCH_DTYPES:-"float32 bfloat16"}
export OPENBLAS_NUM_THREADS=$THREADS CKPT_KERNEL_THREADS=$THREADS OMP_NUM_THREADS=$THREADS
mkdir -p "$OUT"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB"
echo "weights: $(du -cb "$DIR"/*.safetensors | tail -1 | cut -f1) bytes on disk"
FEW=1,450,2000,31000
PROMPT=$(python3 -c "print(','.join(str((i * 7919 + 13) % 32000) for i in range(128)))")
# Page cache warm for both sides.
cat "$DIR"/*.safetensors > /dev/null
for case in few prompt; do
    if [ $case = few ]; then TOKENS=$FEW; else TOKENS=$PROMPT; fi
    echo "== $case ($(echo $TOKENS | tr ',' '\n' | wc -l) tokens), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/time -f "ckpt run: wall %e s, user %U s, sys %S s, peak RSS %M KB" \
        "$CKPT" run "$DIR" --tokens "$TOKENS" -o "$OUT/ckpt_$case.npy" -q
    for dtype in $TORCH_DTYPES; do
        /usr/bin/time -f "transformers $dtype: wall %e s, user %U s, sys %S s, peak RSS %M KB" \
            python3 Benchmarks/hf_models/torch_big.py "$DIR" --tokens "$TOKENS" --out "$OUT/torch_${dtype}_$case.npy" \
            --dtype "$dtype" --threads "$THREADS"
    done
    python3 - "$OUT/ckpt_$case.npy" "$OUT/torch_float32_$case.npy" <<'PY'
import sys
import numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
rel = np.abs(a - b).max() / np.abs(b).max()
def logsoftmax(x):
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))
pa, pb = logsoftmax(a.astype(np.float64)), logsoftmax(b.astype(np.float64))
kl = (np.exp(pa) * (pa - pb)).sum(-1).mean()
top1 = (a.argmax(-1) == b.argmax(-1)).mean()
print(f"ckpt vs transformers float32: max |a-b| / max |b| = {rel:.2e}, mean KL = {kl:.2e}, top-1 agreement = {top1:.3f}")
PY
done
