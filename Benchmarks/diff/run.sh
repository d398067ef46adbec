#!/bin/sh
# ckpt diff vs torch.load(mmap=True) + the same statistics, on two ~1 GB checkpoints; and ckpt report of the pair
# beside ckpt diff (issue 17: at most twice diff's time), and of one file beside inspect --stats.
# Usage: sh Benchmarks/diff/run.sh        (from the package root; builds the release binary first)
#        CKPT_ONLY=1 sh Benchmarks/diff/run.sh   (ckpt's rows only)
set -eu
cd "$(dirname "$0")/../.."
DATA=Benchmarks/data
python3 Benchmarks/diff/make_data.py "$DATA"
swift build -c release --product ckpt >/dev/null
CKPT=.build/release/ckpt
A=$DATA/diff_a.pt
B=$DATA/diff_b.pt
# Warm the page cache so both sides read from memory, then time each side three times.
cat "$A" "$B" > /dev/null
measure() {  # name, command...: prints "name wall_seconds peak_rss_kb cpu_seconds" for each run
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
    measure ckpt "$CKPT" diff "$A" "$B"
    measure report "$CKPT" report "$A" "$B" -o "$DATA/report_pair.html"
    measure stats "$CKPT" inspect --stats "$A"
    measure report1 "$CKPT" report "$A" -o "$DATA/report_one.html"
    [ -n "${CKPT_ONLY:-}" ] || measure torch python3 Benchmarks/diff/diff_torch.py "$A" "$B"
} | tee "$DATA/diff_results.txt"
size_kb=$(( $(stat -c %s "$A") / 1024 ))
awk -v size="$size_kb" '
    { wall[$1] = (wall[$1] == "" || $2 < wall[$1]) ? $2 : wall[$1]; rss[$1] = ($3 > rss[$1]) ? $3 : rss[$1]
      cpu[$1] = (cpu[$1] == "" || $4 < cpu[$1]) ? $4 : cpu[$1] }
    END {
        printf "report A B: best wall %.2f s, CPU %.2f s, peak RSS %.0f MB; diff A B: %.2f s, %.2f s, %.0f MB; report/diff wall %.2fx, CPU %.2fx\n", wall["report"], cpu["report"], rss["report"] / 1024, wall["ckpt"], cpu["ckpt"], rss["ckpt"] / 1024, wall["report"] / wall["ckpt"], cpu["report"] / cpu["ckpt"]
        printf "report A: best wall %.2f s, CPU %.2f s, peak RSS %.0f MB; inspect --stats A: %.2f s, %.2f s, %.0f MB; report/inspect wall %.2fx, CPU %.2fx\n", wall["report1"], cpu["report1"], rss["report1"] / 1024, wall["stats"], cpu["stats"], rss["stats"] / 1024, wall["report1"] / wall["stats"], cpu["report1"] / cpu["stats"]
        if (wall["torch"] == "") exit
        printf "best wall: ckpt %.2f s, torch %.2f s, torch/ckpt %.2fx\n", wall["ckpt"], wall["torch"], wall["torch"] / wall["ckpt"]
        printf "best CPU (user+sys): ckpt %.2f s, torch %.2f s, torch/ckpt %.1fx\n", cpu["ckpt"], cpu["torch"], cpu["torch"] / cpu["ckpt"]
        printf "peak RSS: ckpt %.0f MB (%.1f%% of one file), torch %.0f MB (%.1f%%)\n", rss["ckpt"] / 1024, 100 * rss["ckpt"] / size, rss["torch"] / 1024, 100 * rss["torch"] / size
    }' "$DATA/diff_results.txt"
