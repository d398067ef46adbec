#!/usr/bin/env python3
"""transformers' side of bench_big.sh: load a model folder with from_pretrained and run one forward on CPU.

    python3 Benchmarks/hf_models/torch_big.py FOLDER --tokens 1,2,3 --out logits.npy [--dtype float32|bfloat16]
                                              [--threads N]

Prints one JSON line: {"load_s", "forward_s", "dtype", "threads", "tokens"}; the logits [1, T, vocab] are saved as
float32. float32 is the reference ckpt's arithmetic matches (the bf16 weights upcast, as from_pretrained(dtype=
torch.float32) gives them); bfloat16 runs the weights as stored, every op in bf16.
"""
import argparse
import json
import time

import numpy as np
import torch
from transformers import AutoModelForCausalLM


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    ids = torch.tensor([[int(t) for t in args.tokens.split(",")]])
    start = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(args.folder, dtype=getattr(torch, args.dtype))
    model.eval()
    loaded = time.perf_counter()
    with torch.inference_mode():
        logits = model(ids).logits
    done = time.perf_counter()
    np.save(args.out, logits.float().numpy())
    print(json.dumps({"load_s": round(loaded - start, 3), "forward_s": round(done - loaded, 3), "dtype": args.dtype,
                      "threads": torch.get_num_threads(), "tokens": ids.shape[1]}))


if __name__ == "__main__":
    main()
