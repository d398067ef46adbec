#!/usr/bin/env bash
# ckpt inspect of a multi-GB GGUF beside gguf-py's reader (whole process, warm page cache), and the same on a real
# GGUF if one is given. Usage (from the repo root, after `swift build -c release --product ckpt`):
#   Benchmarks/gguf/bench.sh [REAL.gguf]
# env CKPT overrides the binary. Writes Benchmarks/data/big.gguf (2.4 GB, make_big.py) on first use.
set -euo pipefail
CKPT=${CKPT:-.build/release/ckpt}
DATA=Benchmarks/data
G=Benchmarks/gguf
mkdir -p "$DATA"
[ -f "$DATA/big.gguf" ] || python3 $G/make_big.py "$DATA/big.gguf"
measure() { # label, command...: median wall seconds of 5 runs after a warm-up run; CPU and peak RSS of the last
  local label=$1; shift
  "$@" >/dev/null 2>&1 || true
  local walls=()
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%e %U %S %M" -o /tmp/gguf-bench.time "$@" >/dev/null 2>&1
    read -r secs u s kb < /tmp/gguf-bench.time
    walls+=("$secs")
  done
  local median
  median=$(printf "%s\n" "${walls[@]}" | sort -n | sed -n 3p)
  printf "%-44s %8.3f s  (runs %s)  cpu %6.3f s %6d MB\n" "$label" "$median" "${walls[*]}" "$(awk "BEGIN{print $u + $s}")" $((kb / 1024))
}
lscpu | grep "Model name" || true
nproc
uptime
for f in "$DATA/big.gguf" "$@"; do
  ls -l "$f"
  measure "ckpt inspect" "$CKPT" inspect "$f"
  measure "ckpt inspect --json" "$CKPT" inspect "$f" --json
  measure "ckpt count" "$CKPT" count "$f"
  measure "gguf-py GGUFReader + list (py_list.py)" python3 $G/py_list.py "$f"
  measure "gguf-dump (gguf-py's script)" gguf-dump "$f"
  measure "python3 -c 'import gguf'" python3 -c "import gguf"
done
uptime
