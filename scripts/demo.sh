#!/bin/sh
# A tour of ckpt on the committed fixtures: inspect, count, convert, show.
# Run through `make demo` (which builds .build/release/ckpt), or with CKPT=path/to/ckpt sh scripts/demo.sh.
set -u
cd "$(dirname "$0")/.."
CKPT=${CKPT:-.build/release/ckpt}
REF=Fixtures/reference
SHOW=Fixtures/show
OUT=$(mktemp -d "${TMPDIR:-/tmp}/ckpt-demo.XXXXXX")
trap 'rm -rf "$OUT"' EXIT INT TERM
failed=0

if [ ! -x "$CKPT" ]; then
    echo "demo: $CKPT is not built (run: make demo)" >&2
    exit 2
fi

# Prints the command as a user would type it, then runs it; a failing step is reported and the tour goes on.
step() {
    printf '\n$ ckpt'
    for a in "$@"; do printf ' %s' "$a"; done
    printf '\n'
    "$CKPT" "$@" || { echo "(exit status $?)"; failed=$((failed + 1)); }
}

# Like step, for commands whose answer may be "no" (exit status 1 is shown, not counted; 2 is a failure).
answer_step() {
    printf '\n$ ckpt'
    for a in "$@"; do printf ' %s' "$a"; done
    printf '\n'
    "$CKPT" "$@"; status=$?
    [ "$status" -eq 0 ] || echo "(exit status $status)"
    [ "$status" -le 1 ] || failed=$((failed + 1))
}

# Like step, for formats whose reader may not be in this build: a failure is shown but not counted.
try_step() {
    printf '\n$ ckpt'
    for a in "$@"; do printf ' %s' "$a"; done
    printf '\n'
    "$CKPT" "$@" || echo "(exit status $?)"
}

# Prefer the reference models; fall back to the show fixtures.
pick() {
    for f in "$@"; do [ -e "$f" ] && { echo "$f"; return; }; done
    echo "$1"
}

LENET=$(pick $REF/lenet.pt $SHOW/tensors.pt)
TIED=$(pick $REF/tied.pt $SHOW/views.pt)
MLP=$(pick $REF/mlp.pt $SHOW/views.pt)

echo "== inspect: one row per tensor, read from metadata only"
step inspect "$LENET"
step inspect "$LENET" --tree --depth 1
step inspect "$TIED" --filter '*.weight' --stats
for f in $REF/mlp.flat.h5 $REF/keras_mlp.h5 $REF/keras_mlp.keras $REF/mlp.shards/model.safetensors.index.json; do
    [ -e "$f" ] && try_step inspect "$f"
done
step inspect "$MLP" --globals

echo
echo "== count: parameters as sum(p.numel() for p in model.parameters()) gives them"
step count "$LENET"
step count "$TIED"
[ -e $REF/seqnet.pt ] && step count $REF/seqnet.pt

echo
echo "== convert: same keys, order, dtypes and bytes in another format"
step convert "$MLP" "$OUT/mlp.safetensors"
step convert "$OUT/mlp.safetensors" "$OUT/mlp.h5"
step convert "$OUT/mlp.h5" "$OUT/mlp.npz"
step convert "$MLP" "$OUT/mlp-half.pt" --dtype float16
step inspect "$OUT/mlp-half.pt"

echo
echo "== show: values as PyTorch prints them"
if [ "$MLP" = "$REF/mlp.pt" ]; then
    step show "$MLP" 0.weight
    step show "$OUT/mlp-half.pt" 2.weight
else
    step show "$MLP" transposed
fi
step show $SHOW/tensors.pt summarized_50x40
step show $SHOW/tensors.pt arange_10
step show $SHOW/tensors.pt float16_4

M=Fixtures/models
echo; echo "## diff: across formats, and what fine-tuning or wrapping changed"
step diff "$MLP" Fixtures/reference/mlp.safetensors
answer_step diff Fixtures/reference/tied.pt Fixtures/reference/module_prefix.pt --keys-only

echo; echo "## model files: print(model) text + pasted forward"
step count $M/lenet.model
step load-into $M/lenet.model $M/lenet.pt
answer_step load-into $M/lenet.model $M/lenet_wide_fc3.pt
step load-into $M/lenet.model $M/lenet_module_prefix.pt --map '^module\.='
step verify $M/lenet.model $M/lenet.pt --input $M/lenet.input.npy --expect $M/lenet.expected.npy --backward
step load-into $M/lenet_sequential.model $M/lenet.pt --match shape --plan
step summary $M/bn_cnn.model --input-shape 2,3,8,8
# A ResNet: print(model) plus its BasicBlock and ResNet classes pasted whole (the residual the printout cannot show).
step verify $M/resnet.model $M/resnet.pt --input $M/resnet.input.npy --expect $M/resnet.expected.npy --backward
# A 2-layer transformer encoder with causal and padding masks passed by keyword.
step verify $M/encoder.model $M/encoder.pt --input $M/encoder.input.npy --expect $M/encoder.expected.npy

echo
if [ "$failed" -ne 0 ]; then
    echo "demo: $failed step(s) failed" >&2
    exit 1
fi
echo "demo: all steps ran"
