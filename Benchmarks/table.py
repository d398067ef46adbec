"""Folds the timings Benchmarks/run.sh records into one Markdown table of ckpt/reference ratios.

Usage: table.py RECORDS
RECORDS holds one tab-separated line per side, benchmark and round:
    benchmark  reference  side(ckpt|ref)  min_ms  median_ms  target  note
(an in-process benchmark gives the fastest and median call of its round, a whole-process one the same time
twice). For each benchmark the table shows the fastest time over all rounds and the median of the rounds'
medians of both sides, their ratio ckpt/reference (below 1: ckpt is faster), how many samples (rounds, or more
for commands of a few milliseconds), and whether the
median ratio meets the target (e.g. `<= 0.9`) when one is set. Standard library only.
"""
import statistics
import sys


def fmt(ms):
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms"


def main(path):
    rows = {}
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 5:
            continue
        name, ref, side, lo, med = parts[:5]
        target = parts[5] if len(parts) > 5 else ""
        note = parts[6] if len(parts) > 6 else ""
        r = rows.setdefault(name, {"ref": ref, "target": target, "note": note, "ckpt": ([], []), "ref_side": ([], [])})
        side_data = r["ckpt"] if side == "ckpt" else r["ref_side"]
        side_data[0].append(float(lo))
        side_data[1].append(float(med))
        if note:
            r["note"] = note
    print("| benchmark | reference | ckpt min / median | reference min / median | ratio min, median | samples | target |")
    print("|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        c, f = r["ckpt"], r["ref_side"]
        if not c[0] or not f[0]:
            continue
        cmin, cmed = min(c[0]), statistics.median(c[1])
        fmin, fmed = min(f[0]), statistics.median(f[1])
        ratio_min, ratio_med = cmin / fmin, cmed / fmed
        target = r["target"]
        verdict = ""
        if target:
            op, bound = target.split()
            ok = ratio_med <= float(bound) if op == "<=" else ratio_med >= float(bound)
            verdict = f"{'met' if ok else 'MISSED'} ({target})"
        note = f" — {r['note']}" if r["note"] else ""
        print(f"| {name}{note} | {r['ref']} | {fmt(cmin)} / {fmt(cmed)} | {fmt(fmin)} / {fmt(fmed)} "
              f"| **{ratio_min:.2f}, {ratio_med:.2f}** | {min(len(c[1]), len(f[1]))} | {verdict} |")


main(sys.argv[1])
