#!/usr/bin/env bash
# ckpt on a 2.5 GB distributed checkpoint (2 gloo ranks) beside DCP's own tools, whole processes, warm page cache.
# Usage (from the repo root, after `swift build -c release --product ckpt`): Benchmarks/dcp/bench.sh
# env CKPT overrides the binary. Writes Benchmarks/data/big.dcp (make_big.py) on first use.
set -euo pipefail
CKPT=${CKPT:-.build/release/ckpt}
DATA=Benchmarks/data
D=Benchmarks/dcp
mkdir -p "$DATA"
[ -f "$DATA/big.dcp/.metadata" ] || python3 $D/make_big.py "$DATA/big.dcp"
measure() { # runs, label, command...: median wall seconds of the runs after a warm-up run; CPU and peak RSS of the last
  local runs=$1 label=$2; shift 2
  "$@" >/dev/null 2>&1 || true
  local walls=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S %M" -o /tmp/dcp-bench.time "$@" >/dev/null 2>&1
    read -r secs u s kb < /tmp/dcp-bench.time
    walls+=("$secs")
  done
  local median
  median=$(printf "%s\n" "${walls[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  printf "%-40s %8.3f s  (runs %s)  cpu %6.3f s %6d MB\n" "$label" "$median" "${walls[*]}" "$(awk "BEGIN{print $u + $s}")" $((kb / 1024))
}
lscpu | grep "Model name" || true
nproc
uptime
du -sb "$DATA/big.dcp"
measure 5 "ckpt inspect" "$CKPT" inspect "$DATA/big.dcp"
measure 5 "ckpt inspect --json" "$CKPT" inspect "$DATA/big.dcp" --json
measure 5 "ckpt count" "$CKPT" count "$DATA/big.dcp"
measure 5 "DCP read_metadata + list (py_metadata.py)" python3 $D/py_metadata.py "$DATA/big.dcp"
measure 5 "python3 -c 'import torch'" python3 -c "import torch"
measure 3 "ckpt convert DIR out.pt" "$CKPT" convert "$DATA/big.dcp" "$DATA/big.ckpt.pt"
measure 3 "dcp_to_torch_save (py_to_torch_save.py)" python3 $D/py_to_torch_save.py "$DATA/big.dcp" "$DATA/big.torch.pt"
measure 3 "ckpt diff DIR dcp_to_torch_save's .pt" "$CKPT" diff "$DATA/big.dcp" "$DATA/big.torch.pt"
"$CKPT" diff "$DATA/big.ckpt.pt" "$DATA/big.torch.pt" | tail -1
python3 -c "
import torch, sys
a = torch.load(sys.argv[1], mmap=True, weights_only=True); b = torch.load(sys.argv[2], mmap=True, weights_only=False)
print('torch reads ckpt convert == dcp_to_torch_save:', list(a) == list(b) and all((torch.equal(a[k], b[k]) if isinstance(a[k], torch.Tensor) else a[k] == b[k]) for k in a))
" "$DATA/big.ckpt.pt" "$DATA/big.torch.pt"
uptime
