#!/usr/bin/env bash
# ckpt inspect / convert on a 1 GB .pt beside PyTorch. Usage: Benchmarks/formats/bench.sh (from the repo root,
# after `swift build -c release`). Needs python3 with torch and safetensors. Data goes to Benchmarks/data/.
set -euo pipefail
CKPT=${CKPT:-.build/release/ckpt}
DATA=Benchmarks/data
mkdir -p "$DATA"
[ -f "$DATA/big.pt" ] || python3 Benchmarks/formats/make_big.py "$DATA/big.pt"
measure() { # label, command...: wall seconds and peak RSS (MB) of one run, page cache warm
  local label=$1; shift
  "$@" >/dev/null 2>&1 || true
  /usr/bin/time -f "%e %M" -o /tmp/bench.time "$@" >/dev/null 2>&1
  read -r secs kb < /tmp/bench.time
  printf "%-34s %8.3f s %8d MB\n" "$label" "$secs" $((kb / 1024))
}
ls -l "$DATA/big.pt"
measure "ckpt inspect" "$CKPT" inspect "$DATA/big.pt"
measure "torch.load(mmap=True) + list" python3 Benchmarks/formats/torch_inspect.py "$DATA/big.pt"
rm -f "$DATA/out.safetensors" "$DATA/out.pt"
measure "cp (file bandwidth)" cp "$DATA/big.pt" "$DATA/copy.pt"
measure "ckpt convert .pt -> .safetensors" "$CKPT" convert "$DATA/big.pt" "$DATA/out.safetensors"
measure "torch.load + save_file" python3 Benchmarks/formats/torch_convert.py "$DATA/big.pt" "$DATA/out2.safetensors"
measure "ckpt convert .pt -> .pt" "$CKPT" convert "$DATA/big.pt" "$DATA/out.pt"
rm -f "$DATA/copy.pt" "$DATA/out.safetensors" "$DATA/out2.safetensors" "$DATA/out.pt"
