#!/bin/sh
# ckpt report on a Hugging Face-shaped pair (make_data.py: llama-style, 16 layers, ~1.01 GiB float32 safetensors
# each, layers 8-15 and the final norm fine-tuned) beside ckpt diff and inspect --stats on the same files: issue 17
# asks that a report of a ~1 GB pair take at most twice diff's time, with memory near the largest tensor.
# Usage: sh Benchmarks/report/run.sh      (from the package root; builds the release binary first)
set -eu
cd "$(dirname "$0")/../.."
DATA=Benchmarks/data
python3 Benchmarks/report/make_data.py "$DATA"
swift build -c release --product ckpt >/dev/null
CKPT=.build/release/ckpt
A=$DATA/llama_base.safetensors
B=$DATA/llama_tuned.safetensors
cat "$A" "$B" > /dev/null
measure() {  # name, command...: prints "name wall_seconds peak_rss_kb cpu_seconds" for each of three runs
    name=$1; shift
    for i in 1 2 3; do
        /usr/bin/time -v "$@" > /dev/null 2> "$DATA/time.$name.txt" || true
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$DATA/time.$name.txt" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DATA/time.$name.txt")
        cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$DATA/time.$name.txt")
        echo "$name $wall $rss $cpu"
    done
}
{
    measure diff "$CKPT" diff "$A" "$B"
    measure report "$CKPT" report "$A" "$B" -o "$DATA/llama_pair.html"
    measure stats "$CKPT" inspect --stats "$A"
    measure report1 "$CKPT" report "$A" -o "$DATA/llama_one.html"
} | tee "$DATA/report_results.txt"
largest_mb=$(( 32000 * 1024 * 4 / 1048576 ))
awk -v largest="$largest_mb" '
    { wall[$1] = (wall[$1] == "" || $2 < wall[$1]) ? $2 : wall[$1]; rss[$1] = ($3 > rss[$1]) ? $3 : rss[$1]
      cpu[$1] = (cpu[$1] == "" || $4 < cpu[$1]) ? $4 : cpu[$1] }
    END {
        printf "report A B: best wall %.2f s, CPU %.2f s, peak RSS %.0f MB; diff A B: %.2f s, %.2f s, %.0f MB; report/diff wall %.2fx, CPU %.2fx\n", wall["report"], cpu["report"], rss["report"] / 1024, wall["diff"], cpu["diff"], rss["diff"] / 1024, wall["report"] / wall["diff"], cpu["report"] / cpu["diff"]
        printf "report A: best wall %.2f s, CPU %.2f s, peak RSS %.0f MB; inspect --stats A: %.2f s, %.2f s, %.0f MB; report/inspect wall %.2fx, CPU %.2fx\n", wall["report1"], cpu["report1"], rss["report1"] / 1024, wall["stats"], cpu["stats"], rss["stats"] / 1024, wall["report1"] / wall["stats"], cpu["report1"] / cpu["stats"]
        printf "largest tensor %d MB (embed_tokens / lm_head, float32)\n", largest
    }' "$DATA/report_results.txt"
