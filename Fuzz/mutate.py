#!/usr/bin/env python3
"""Process-level mutation run: ckpt's commands on mutants of every format, of model files and of Hugging Face
folders' config.json.

Each run takes a seed from Fixtures/, changes a few bytes (or, for model files, a few tokens), and runs one
command on it through the built binary under a time cap and an address-space cap. A run is a finding when
ckpt ends by a signal, by an exit status other than 0/1/2, by the time cap; when exit 2 is not exactly one
line `ckpt: error: …`; when stdout or stderr carries a raw control character (other than newline; on stderr
also the progress bar's CR is excluded by running without a terminal); or when the output folder holds
anything but the requested output afterwards.

    python3 Fuzz/mutate.py --ckpt .build/release/ckpt --minutes 40 --workers 2 --out /tmp/ckpt-mutate

Prints a summary (runs per command and per format, findings by signature) and writes one reproducer per
finding signature under --out. Needs only the standard library; never run by tests or CI.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Fixtures")

CHECKPOINT_GLOBS = {
    "torch-zip": ["torch_files/dtypes.pt", "torch_files/minimal.pt", "torch_files/bigendian.pt", "show/views.pt",
                  "diff/base.pt", "models/lenet.pt", "optim_state/adam.pt", "torch_files/conj.pt"],
    "torch-legacy": ["torch_files/legacy.pt", "reference/dtypes.legacy.pt"],
    "hdf5": ["hdf5/dtypes.h5", "hdf5/flat_tracked.h5", "hdf5/flat_untracked.h5", "hdf5/nested.h5", "hdf5/keras2_legacy.h5",
             "hdf5/keras2_chunked.h5", "hdf5/keras3.weights.h5", "hdf5/keras3_full.h5", "hdf5/userblock.h5",
             "hdf5/keras3_bf16.weights.h5", "diff/base.h5"],
    "keras": ["hdf5/keras3.keras", "hdf5/keras3_deflated.keras"],
    "safetensors": ["flat/tensors.safetensors", "flat/single.safetensors", "diff/base.safetensors"],
    "npy": ["flat/v1_f4.npy", "flat/v2.npy", "flat/v3.npy", "flat/fortran.npy", "flat/half.npy", "flat/int64.npy", "flat/u1.npy"],
    "npz": ["flat/plain.npz", "flat/compressed.npz", "reference/dtypes.npz"],
    "gguf": ["gguf_files/types.gguf", "gguf_files/metadata.gguf", "gguf_files/v2.gguf", "gguf_files/bigendian.gguf"],
    "torchscript": ["torchscript_files/scripted.pt", "torchscript_files/traced.pt", "torchscript_files/frozen.pt"],
    "torch-export": ["torchscript_files/exported.pt2"],
    "onnx": ["onnx_files/exported.onnx", "onnx_files/types.onnx"],
}
SHARDED_DIR = "flat/sharded"
# Hugging Face model folders: config.json is mutated as text (its numbers above all), the weights kept.
HF_FOLDERS = ["hf_models/llama", "hf_models/gpt2", "hf_models/bert", "hf_models/qwen3", "hf_models/mistral", "hf_models/qwen2"]
MODELS = [("models/lenet.model", "models/lenet.pt", "models/lenet.input.npy"),
          ("models/cnn_tutorial.model", "models/cnn_tutorial.pt", "models/cnn_tutorial.input.npy"),
          ("models/attn.model", "models/attn.pt", "models/attn.input.npy"),
          ("models/bn_cnn.model", "models/bn_cnn.pt", "models/bn_cnn.input.npy"),
          ("models/encoder.model", "models/encoder.pt", "models/encoder.input.npy"),
          ("models/functional.model", "models/functional.pt", "models/functional.input.npy")]
# Values a fuzzer would try in place of a number in a model file.
NUMBERS = ["0", "-1", "1", "65536", "65537", "262145", "999999999", "9223372036854775807", "9223372036854775808",
           "18446744073709551616", "1e308", "nan", "-9223372036854775808", "4294967296", "2147483648"]
MAGIC = [b"\x00", b"\xff", b"\x7f", b"\x80", b"\xff\xff\xff\xff", b"\x00\x00\x00\x80", b"\xff\xff\xff\xff\xff\xff\xff\x7f",
         b"\x1b]0;pwned\x07", b"\r", b"\x00\x00", b"PK\x03\x04", b"GCOL", b"HEAP", b"TREE", b"OHDR"]


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 3, 6, 6, 12])):
        if not b:
            b += bytes([rng.randrange(256)])
            continue
        op = rng.randrange(6)
        at = rng.randrange(len(b))
        if op == 0:
            b[at] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[at] = rng.randrange(256)
        elif op == 2:
            m = rng.choice(MAGIC)
            b[at:at + len(m)] = m
        elif op == 3 and len(b) > 16:
            del b[at:at + rng.randrange(1, 16)]
        elif op == 4:
            b[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9)))
        else:
            n = rng.randrange(1, 5)
            b[at:at + n] = bytes([rng.choice([0, 0xFF, 0x7F, 0x80])]) * n
    if rng.random() < 0.05:
        b = b[:rng.randrange(len(b) + 1)]
    return bytes(b)


def mutate_text(text: str, rng: random.Random) -> bytes:
    for _ in range(rng.choice([1, 1, 2, 3])):
        op = rng.randrange(7)
        nums = list(re.finditer(r"\b\d+\b", text))
        lines = text.split("\n")
        if op in (0, 1) and nums:
            m = rng.choice(nums)
            text = text[:m.start()] + rng.choice(NUMBERS) + text[m.end():]
        elif op == 2 and lines:
            i = rng.randrange(len(lines))
            lines.insert(i, lines[rng.randrange(len(lines))])
            text = "\n".join(lines)
        elif op == 3 and lines:
            del lines[rng.randrange(len(lines))]
            text = "\n".join(lines)
        elif op == 4:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(["\x1b]0;pwned\x07", "\x00", "\r", "\x7f", "(", ")", ":", "=", ",", "x" * 300,
                                            "(0-999999999): 1000000000 x ", "Parameter containing: [torch.float32 of size 99999999999x9]",
                                            "\n  (z): ParameterList(\n      (0): Parameter containing: [torch.float32 of size 4294967296x4294967296]\n  )\n"]) + text[at:]
        elif op == 5:
            classes = re.findall(r"\b([A-Z][A-Za-z0-9]+)\(", text)
            if classes:
                c = rng.choice(classes)
                text = text.replace(c + "(", rng.choice(["Linear(", "LSTM(", "Embedding(", "Conv2d(", "ModuleList(", "X\x1b[31m(", "Sequential("]), 1)
        else:
            return mutate_bytes(text.encode(), rng)
    return text.encode("utf-8", "surrogateescape")


class Runner:
    def __init__(self, ckpt, seconds, memory):
        self.ckpt, self.seconds, self.memory = ckpt, seconds, memory
        self.keys = {}

    def limits(self):
        resource.setrlimit(resource.RLIMIT_AS, (self.memory, self.memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    def run(self, args, cwd):
        start = time.monotonic()
        try:
            p = subprocess.run([self.ckpt] + args, cwd=cwd, capture_output=True, timeout=self.seconds,
                               preexec_fn=self.limits, env=dict(os.environ, NO_COLOR="1"))
            return p.returncode, p.stdout, p.stderr, time.monotonic() - start
        except subprocess.TimeoutExpired as e:
            return "timeout", e.stdout or b"", e.stderr or b"", time.monotonic() - start

    def first_key(self, path):
        if path not in self.keys:
            rc, out, _, _ = self.run(["inspect", "--json", path], ROOT)
            try:
                self.keys[path] = [t["key"] for t in json.loads(out)["tensors"]][:3] if rc == 0 else []
            except Exception:
                self.keys[path] = []
        return self.keys[path]


def plan(rng, runner, formats):
    """One run: (label, format, files to write {name: bytes}, argv, expected outputs)."""
    choices = [f for f in list(CHECKPOINT_GLOBS) + ["sharded", "hf-folder"] if not formats or f in formats]
    if (not formats or "model-file" in formats) and (rng.random() < 0.3 or not choices):
        model, weights, inp = rng.choice(MODELS)
        text = open(os.path.join(FIX, model), encoding="utf-8").read()
        files = {"m.model": mutate_text(text, rng)}
        w, i = os.path.join(FIX, weights), os.path.join(FIX, inp)
        cmd = rng.choice(["summary", "count", "init", "load-into", "verify", "load-into-complete"])
        argv = {"summary": ["summary", "m.model"], "count": ["count", "m.model"],
                "init": ["init", "m.model", "-o", "out.pt"], "load-into": ["load-into", "m.model", w],
                "verify": ["verify", "m.model", w, "--input", i],
                "load-into-complete": ["load-into", "m.model", w, "--complete", "-o", "out.model"]}[cmd]
        outputs = {"init": ["out.pt"], "load-into-complete": ["out.model"]}.get(cmd, [])
        return cmd, "model-file", files, argv, outputs
    fmt = rng.choice(choices)
    if fmt == "hf-folder":
        src = os.path.join(FIX, rng.choice(HF_FOLDERS))
        files = {"hf/" + n: open(os.path.join(src, n), "rb").read() for n in sorted(os.listdir(src))}
        files["hf/config.json"] = mutate_text(files["hf/config.json"].decode(), rng)
        cmd = rng.choice(["count", "summary", "inspect", "verify", "load-into"])
        argv = {"count": ["count", "hf"], "summary": ["summary", "hf"], "inspect": ["inspect", "hf"],
                "verify": ["verify", "hf", "--tokens", "1,2,3"],
                "load-into": ["load-into", "hf"]}[cmd]
        return cmd, fmt, files, argv, []
    if fmt == "sharded":
        src = os.path.join(FIX, SHARDED_DIR)
        names = sorted(os.listdir(src))
        victim = rng.choice(names)
        files = {n: open(os.path.join(src, n), "rb").read() for n in names}
        files[victim] = mutate_bytes(files[victim], rng) if not victim.endswith(".json") or rng.random() < 0.5 \
            else mutate_text(files[victim].decode(), rng)
        index = rng.choice(["model.safetensors.index.json", "pytorch_model.bin.index.json", "mixed.index.json"])
        target, original = index, os.path.join(src, index)
    else:
        rel = rng.choice(CHECKPOINT_GLOBS[fmt])
        original = os.path.join(FIX, rel)
        target = "in" + os.path.splitext(rel)[1]
        files = {target: mutate_bytes(open(original, "rb").read(), rng)}
    cmd = rng.choice(["inspect", "inspect-stats", "count", "show", "diff", "convert", "convert", "load-into", "verify"])
    outputs = []
    if cmd == "inspect":
        argv = ["inspect", target] + rng.choice([[], ["--json"], ["--tree"], ["--globals"]])
    elif cmd == "inspect-stats":
        argv = ["inspect", "--stats", target]
    elif cmd == "count":
        argv = ["count", target]
    elif cmd == "show":
        keys = runner.first_key(original)
        argv = ["show", target, rng.choice(keys) if keys else "weight"]
    elif cmd == "diff":
        argv = ["diff", target, original] if rng.random() < 0.5 else ["diff", original, target]
    elif cmd == "convert":
        out = "out" + rng.choice([".safetensors", ".h5", ".npz", ".pt"])
        argv, outputs = ["convert", target, out], [out]
    elif cmd == "load-into":
        model, _, _ = rng.choice(MODELS)
        argv = ["load-into", os.path.join(FIX, model), target, "--no-strict"]
    else:
        model, _, inp = rng.choice(MODELS)
        argv = ["verify", os.path.join(FIX, model), target, "--input", os.path.join(FIX, inp)]
    return cmd, fmt, files, argv, outputs


CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")


def judge(rc, out, err, files, outputs, folder, is_json):
    problems = []
    if rc == "timeout":
        problems.append("timeout")
    elif rc < 0:
        problems.append(f"signal {-rc}")
    elif rc not in (0, 1, 2):
        problems.append(f"exit {rc}")
    if rc == 2:
        lines = err.decode("utf-8", "replace").rstrip("\n").split("\n")
        if len(lines) != 1 or not lines[0].startswith("ckpt: error: "):
            problems.append("exit 2 without one error line")
    if CONTROL.search(err):
        problems.append("raw control character on stderr")
    if not is_json and CONTROL.search(out.replace(b"\n", b"")):
        problems.append("raw control character on stdout")
    if b"Fatal error" in err or b"AddressSanitizer" in err:
        problems.append("fatal error text")
    given = {n.split("/")[0] for n in files} | set(outputs)
    left = sorted(set(os.listdir(folder)) - given)
    for sub in {n.split("/")[0] for n in files if "/" in n}:
        inside = {n.split("/", 1)[1] for n in files if n.startswith(sub + "/")}
        left += sorted(f"{sub}/{n}" for n in set(os.listdir(os.path.join(folder, sub))) - inside)
    if left:
        # A hidden temporary's random suffix is left out, so that one cause is one signature.
        hidden = re.compile(r"((?:^|/)\.[^/-]*)-[^/]*$")
        problems.append("left behind: " + ",".join(hidden.sub(r"\1-*", n) for n in left))
    return problems


def signature(cmd, fmt, problem, err):
    line = err.decode("utf-8", "replace").split("\n")[0]
    line = re.sub(r"\d+", "N", line)
    line = re.sub(r"'[^']*'", "'…'", line)[:160]
    return f"{cmd} | {fmt} | {problem} | {line}"


def write_files(folder, files):
    for name, data in files.items():
        os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


def one(seed, runner, out_dir, formats):
    rng = random.Random(seed)
    cmd, fmt, files, argv, outputs = plan(rng, runner, formats)
    folder = tempfile.mkdtemp(prefix="ckpt-mut-")
    try:
        write_files(folder, files)
        rc, out, err, secs = runner.run(argv, folder)
        problems = judge(rc, out, err, files, outputs, folder, "--json" in argv)
        found = []
        for p in problems:
            sig = signature(cmd, fmt, p, err)
            found.append(sig)
            case = os.path.join(out_dir, re.sub(r"[^A-Za-z0-9]+", "_", sig)[:120])
            if not os.path.exists(case):
                os.makedirs(case)
                write_files(case, files)
                with open(os.path.join(case, "README"), "w") as f:
                    f.write(f"seed {seed}\nckpt {' '.join(argv)}\n{p}\nexit {rc}, {secs:.1f} s\nstderr: {err[:2000]!r}\n")
        return cmd, fmt, found, secs
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", default=os.path.join(ROOT, ".build/release/ckpt"))
    ap.add_argument("--minutes", type=float, default=40)
    ap.add_argument("--runs", type=int, default=0, help="stop after this many runs (0: by time)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=20, help="time cap per run")
    ap.add_argument("--memory-gib", type=float, default=4, help="address-space cap per run")
    ap.add_argument("--formats", default="", help="comma-separated formats to draw from (model-file included); all by default")
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "ckpt-mutate"))
    args = ap.parse_args()
    # One reproducer per signature is kept, the first met: a folder holding an earlier run's would hide this run's
    # reproducers behind the old ones of the same signature.
    if os.path.isdir(args.out) and os.listdir(args.out):
        sys.exit(f"mutate.py: {args.out} holds an earlier run's findings: remove it or give another --out")
    os.makedirs(args.out, exist_ok=True)
    runner = Runner(os.path.abspath(args.ckpt), args.seconds, int(args.memory_gib * (1 << 30)))
    formats = [f for f in args.formats.split(",") if f]
    deadline = time.monotonic() + args.minutes * 60
    runs, by_cmd, by_fmt, findings, slowest = 0, collections.Counter(), collections.Counter(), collections.Counter(), 0.0
    slowest_fmt = collections.defaultdict(float)
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
        pending, next_seed = set(), args.seed * 1_000_000_007
        while True:
            while len(pending) < args.workers * 2 and time.monotonic() < deadline and (not args.runs or runs + len(pending) < args.runs):
                pending.add(pool.submit(one, next_seed, runner, args.out, formats))
                next_seed += 1
            if not pending:
                break
            done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for f in done:
                cmd, fmt, found, secs = f.result()
                runs += 1
                by_cmd[cmd] += 1
                by_fmt[fmt] += 1
                slowest = max(slowest, secs)
                slowest_fmt[fmt] = max(slowest_fmt[fmt], secs)
                for s in found:
                    findings[s] += 1
            if runs % 500 == 0:
                print(f"{runs} runs, {len(findings)} distinct findings, {time.monotonic() - started:.0f} s", flush=True)
    elapsed = time.monotonic() - started
    print(f"\n{runs} runs in {elapsed / 60:.1f} min, {args.workers} workers, caps {args.seconds:g} s and {args.memory_gib:g} GiB,"
          f" slowest run {slowest:.1f} s, binary {args.ckpt}")
    print("by command: " + ", ".join(f"{k} {v}" for k, v in sorted(by_cmd.items())))
    print("by format:  " + ", ".join(f"{k} {v}" for k, v in sorted(by_fmt.items())))
    print("slowest run by format: " + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(slowest_fmt.items())))
    print(f"findings: {sum(findings.values())} runs, {len(findings)} distinct")
    for sig, n in findings.most_common():
        print(f"  {n:6d}  {sig}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
