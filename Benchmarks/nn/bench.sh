#!/usr/bin/env bash
# ckpt run / ckpt verify --backward beside the same work in PyTorch (2 threads). Usage, from the repo root after
# `swift build -c release --product ckpt`: Benchmarks/nn/bench.sh [runs]   (env CKPT: the binary; MODELS: a subset of "lenet mlp lstm").
# Needs python3 with torch and numpy. Data (inputs, checkpoints from `ckpt init`) goes to Benchmarks/data/nn/.
set -euo pipefail
CKPT=${CKPT:-.build/release/ckpt}
RUNS=${1:-3}
MODELS=${MODELS:-lenet mlp lstm}
D=Benchmarks/data/nn
N=Benchmarks/nn
mkdir -p "$D"
export OPENBLAS_NUM_THREADS=2
python3 - "$D" <<'PY'
import sys, os, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(0)
for name, shape in [("lenet", (64, 1, 32, 32)), ("mlp", (256, 784)), ("lstm", (50, 16, 128))]:
    if not os.path.exists(f"{d}/{name}_x.npy"):
        np.save(f"{d}/{name}_x.npy", rng.standard_normal(shape, dtype=np.float32))
PY
model() { [ "$1" = lenet ] && echo Fixtures/models/lenet.model || echo "$N/$1.model"; }
for m in $MODELS; do
  [ -f "$D/$m.pt" ] || "$CKPT" init "$(model $m)" -o "$D/$m.pt" --seed 0
done
# best wall time, its user+sys CPU and peak RSS over RUNS runs (after one warm-up run). For the PyTorch script
# the wall time is process launch to output saved (it prints `output_at`), before its timing loop; CPU and RSS
# are of the whole process.
best() {
  local label=$1; shift
  "$@" >/dev/null 2>&1
  local bw=999999 bc=0 bm=0 w u s kb t0 at
  for _ in $(seq "$RUNS"); do
    t0=$(date +%s.%N)
    /usr/bin/time -f "%e %U %S %M" -o /tmp/nnbench.time "$@" > /tmp/nnbench.out 2>&1
    read -r w u s kb < /tmp/nnbench.time
    at=$(awk '/^output_at/ {print $2}' /tmp/nnbench.out)
    [ -n "$at" ] && w=$(awk "BEGIN{printf \"%.3f\", $at - $t0}")
    if awk "BEGIN{exit !($w < $bw)}"; then bw=$w; bc=$(awk "BEGIN{print $u + $s}"); bm=$((kb / 1024)); fi
  done
  printf "%-44s wall %7.3f s  cpu %7.3f s  rss %5d MB\n" "$label" "$bw" "$bc" "$bm"
}
uptime
for m in $MODELS; do
  echo "== $m ($(python3 -c "import numpy as np; print('x'.join(map(str, np.load('$D/${m}_x.npy').shape)))"))"
  best "ckpt run" "$CKPT" run "$(model $m)" "$D/$m.pt" --input "$D/${m}_x.npy" -o "$D/${m}_ckpt.npy"
  best "torch: load + forward + save" python3 $N/torch_nn.py $m "$D/$m.pt" "$D/${m}_x.npy" "$D/${m}_torch.npy"
  echo "   torch $(grep -v output_at /tmp/nnbench.out)"
  python3 -c "import numpy as np; a=np.load('$D/${m}_ckpt.npy'); b=np.load('$D/${m}_torch.npy'); \
print('   outputs', a.shape, 'max |ckpt - torch| = %.3g' % abs(a - b).max())"
  best "ckpt verify --backward" "$CKPT" verify "$(model $m)" "$D/$m.pt" --input "$D/${m}_x.npy" --backward
  best "torch: load + forward + backward" python3 $N/torch_nn.py $m "$D/$m.pt" "$D/${m}_x.npy" "$D/${m}_torch_b.npy" --backward
  echo "   torch $(grep -v output_at /tmp/nnbench.out)"
done
uptime
