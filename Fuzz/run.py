#!/usr/bin/env python3
"""Runs ckpt's libFuzzer targets one after another and prints, per target, executions, coverage and findings.

    python3 Fuzz/run.py --seconds 60                 # every target for 60 s (what `make fuzz` does)
    python3 Fuzz/run.py --runs 1000000 hdf5 npz      # until 1,000,000 executions each (the recorded campaign)

Each target runs on its corpus Fuzz/corpus/<target>/ (seeded by Fuzz/seeds.py, grown by the fuzzer) with its
dictionary Fuzz/dict/<target>.dict, under AddressSanitizer with LeakSanitizer, a 1 s timeout per input and a
2 GiB limit on any one allocation and on the resident set (Fuzz/lsan.supp lists the leaks that are not ckpt's). A finding (crash, sanitizer report, leak, timeout,
out-of-memory) stops that target and is saved under Fuzz/findings/<target>/; the log of each run is
Fuzz/logs/<target>.log. Exit status 1 when any target had a finding.
"""
import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = ["torch-zip", "torch-legacy", "pickle", "hdf5", "keras", "safetensors", "npy", "npz", "sharded", "gguf",
           "torchscript", "torch-export", "dcp", "onnx", "model-printout", "model-forward", "diff"]


def run(binary, target, seconds, runs, timeout, jobs_flags):
    corpus = os.path.join(HERE, "corpus", target)
    findings = os.path.join(HERE, "findings", target)
    logs = os.path.join(HERE, "logs")
    for d in (corpus, findings, logs):
        os.makedirs(d, exist_ok=True)
    before = set(os.listdir(findings))
    args = [binary, corpus, f"-dict={os.path.join(HERE, 'dict', target + '.dict')}", f"-timeout={timeout}",
            "-rss_limit_mb=2048", "-malloc_limit_mb=2048", "-max_len=65536", "-print_final_stats=1",
            "-close_fd_mask=1", f"-artifact_prefix={findings}/", "-detect_leaks=1"] + jobs_flags
    if runs:
        args.append(f"-runs={runs}")
    if seconds:
        args.append(f"-max_total_time={seconds}")
    env = dict(os.environ, CKPT_FUZZ_TARGET=target, OPENBLAS_NUM_THREADS="1",
               ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=0:handle_abort=1:symbolize=1",
               LSAN_OPTIONS="suppressions=" + os.path.join(HERE, "lsan.supp"))
    log_path = os.path.join(logs, target + ".log")
    start = time.monotonic()
    with open(log_path, "w") as log:
        code = subprocess.call(args, stdout=log, stderr=subprocess.STDOUT, env=env)
    elapsed = time.monotonic() - start
    text = open(log_path, errors="replace").read()
    stat = dict(re.findall(r"^stat::(\w+):\s+(\S+)", text, re.M))
    covs = re.findall(r"cov: (\d+) ft: (\d+)", text)
    new = sorted(set(os.listdir(findings)) - before)
    problem = ""
    for pattern in (r"==\d+==ERROR: (\w+Sanitizer: [^\n]*)", r"(ERROR: libFuzzer: [^\n]*)", r"(Fatal error: [^\n]*)",
                    r"(SUMMARY: [^\n]*)"):
        m = re.search(pattern, text)
        if m:
            problem = m.group(1).strip()
            break
    return {
        "target": target, "code": code, "seconds": elapsed,
        "execs": int(stat.get("number_of_executed_units", 0)),
        "per_sec": int(stat.get("average_exec_per_sec", 0)),
        "cov": int(covs[-1][0]) if covs else 0, "ft": int(covs[-1][1]) if covs else 0,
        "corpus": len(os.listdir(corpus)), "slowest": float(stat.get("slowest_unit_time_sec", 0)),
        "rss": int(stat.get("peak_rss_mb", 0)), "findings": new, "problem": problem,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("targets", nargs="*", default=TARGETS)
    ap.add_argument("--binary", default=os.path.join(HERE, ".build", "release", "ckpt-fuzz"))
    ap.add_argument("--seconds", type=int, default=0, help="time per target")
    ap.add_argument("--runs", type=int, default=0, help="executions per target")
    ap.add_argument("--timeout", type=int, default=1,
                    help="seconds of wall time per input before it counts as a finding (libFuzzer's timer is wall "
                         "time: on a loaded machine a fast input can wait longer than 1 s for a core)")
    args = ap.parse_args()
    if not args.seconds and not args.runs:
        args.seconds = 60
    rows, bad = [], False
    print(f"{'target':15} {'execs':>11} {'exec/s':>7} {'cov':>6} {'ft':>7} {'corpus':>6} {'slowest':>8} {'rss MB':>6}  findings",
          flush=True)
    for t in args.targets:
        r = run(args.binary, t, args.seconds, args.runs, args.timeout, [])
        rows.append(r)
        found = ", ".join(r["findings"]) or ("none" if r["code"] == 0 else f"exit {r['code']}")
        if r["findings"] or r["code"] != 0:
            bad = True
            found += f" ({r['problem']})" if r["problem"] else ""
        print(f"{t:15} {r['execs']:>11,} {r['per_sec']:>7,} {r['cov']:>6} {r['ft']:>7} {r['corpus']:>6} {r['slowest']:>7.3f}s"
              f" {r['rss']:>6}  {found}", flush=True)
    total = sum(r["execs"] for r in rows)
    print(f"total: {total:,} executions over {len(rows)} targets in {sum(r['seconds'] for r in rows) / 60:.1f} min;"
          f" {'findings above' if bad else 'no findings'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
