#!/usr/bin/env bash
# ckpt inspect / convert on a 1 GB .pt beside PyTorch, plus inspect of the same tensors as .safetensors and .h5.
# Usage: Benchmarks/formats/bench.sh (from the repo root, after `swift build -c release --product ckpt`; env CKPT
# overrides the binary; CKPT_ONLY=1 skips the Python rows). Needs python3 with torch, safetensors and h5py. Data goes to Benchmarks/data/.
set -euo pipefail
CKPT=${CKPT:-.build/release/ckpt}
DATA=Benchmarks/data
F=Benchmarks/formats
mkdir -p "$DATA"
[ -f "$DATA/big.pt" ] || python3 $F/make_big.py "$DATA/big.pt"
measure() { # label, command...: wall seconds, CPU (user + sys) and peak RSS of one run after a warm-up run
  local label=$1; shift
  "$@" >/dev/null 2>&1 || true
  /usr/bin/time -f "%e %U %S %M" -o /tmp/bench.time "$@" >/dev/null 2>&1
  read -r secs u s kb < /tmp/bench.time
  printf "%-40s %8.3f s  cpu %7.3f s %6d MB\n" "$label" "$secs" "$(awk "BEGIN{print $u + $s}")" $((kb / 1024))
}
pymeasure() { [ -n "${CKPT_ONLY:-}" ] || measure "$@"; }
uptime
ls -l "$DATA/big.pt"
measure "ckpt inspect .pt" "$CKPT" inspect "$DATA/big.pt"
pymeasure "torch.load(mmap=True) + list" python3 $F/torch_inspect.py "$DATA/big.pt"
pymeasure "python3 -c 'import torch'" python3 -c "import torch"
rm -f "$DATA/out.safetensors" "$DATA/out.pt" "$DATA/out.h5"
measure "cp (file bandwidth)" cp "$DATA/big.pt" "$DATA/copy.pt"
measure "ckpt convert .pt -> .safetensors" "$CKPT" convert "$DATA/big.pt" "$DATA/out.safetensors"
pymeasure "torch.load + save_file" python3 $F/torch_convert.py "$DATA/big.pt" "$DATA/out2.safetensors"
measure "ckpt convert .pt -> .pt" "$CKPT" convert "$DATA/big.pt" "$DATA/out.pt"
measure "ckpt convert .pt -> .h5" "$CKPT" convert "$DATA/big.pt" "$DATA/out.h5"
measure "ckpt inspect .safetensors" "$CKPT" inspect "$DATA/out.safetensors"
pymeasure "safetensors safe_open + list" python3 $F/py_inspect.py "$DATA/out.safetensors"
measure "ckpt inspect .h5" "$CKPT" inspect "$DATA/out.h5"
pymeasure "h5py File + list" python3 $F/py_inspect.py "$DATA/out.h5"
# what ckpt wrote reads back in the real libraries with the same bytes (first and last tensor)
python3 - "$DATA" <<'PY'
import sys, torch, h5py, numpy as np
from safetensors.torch import load_file
d = sys.argv[1]
ref = torch.load(f"{d}/big.pt", mmap=True, weights_only=True)
st = load_file(f"{d}/out.safetensors")
pt = torch.load(f"{d}/out.pt", mmap=True, weights_only=True)
with h5py.File(f"{d}/out.h5", "r") as h:
    for k in [list(ref)[0], list(ref)[-1]]:
        ok = torch.equal(ref[k], st[k]) and torch.equal(ref[k], pt[k]) and np.array_equal(ref[k].numpy(), h[k][()])
        print("read back", k, "identical" if ok else "DIFFERENT")
    print("keys in order:", list(ref) == list(st) == list(pt) == list(h.keys()) or "NO (h5 order may be by name)")
PY
rm -f "$DATA/copy.pt" "$DATA/out.safetensors" "$DATA/out2.safetensors" "$DATA/out.pt" "$DATA/out.h5"
uptime
