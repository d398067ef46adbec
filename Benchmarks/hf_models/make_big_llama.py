#!/usr/bin/env python3
"""Writes a LLaMA-shaped model folder of just over 2^31 parameters with random bfloat16 weights, sharded as
`save_pretrained` shards (model-0000N-of-0000M.safetensors + model.safetensors.index.json), for bench_big.sh.

    python3 Benchmarks/hf_models/make_big_llama.py [OUT_DIR] [--layers N]

OUT_DIR defaults to Benchmarks/data/big_llama (git-ignored). The shape is a 2.2B LLaMA: hidden 2560, 20 heads of
128 with 4 key/value heads (GQA), SwiGLU 6912, 29 layers, vocab 32000, untied head: 2,159,562,240 parameters
(1.0056 × 2^31 = 2,147,483,648), 4.32 GB in bfloat16. Weights are N(0, 0.02) and norms N(1, 0.1), drawn tensor by tensor
(seed 0) so that memory stays near one shard; no model object is built. `--layers` scales the model down for a
machine that cannot hold it (the parameter count is printed).
"""
import argparse
import json
import pathlib

import torch
from safetensors.torch import save_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
HIDDEN, HEADS, KV_HEADS, HEAD_DIM, FFN, VOCAB = 2560, 20, 4, 128, 6912, 32000
SHARD_BYTES = 1_500_000_000


def tensors(layers):
    """(key, shape, kind) in save_pretrained's order."""
    yield "model.embed_tokens.weight", (VOCAB, HIDDEN), "w"
    for i in range(layers):
        p = f"model.layers.{i}."
        yield p + "self_attn.q_proj.weight", (HEADS * HEAD_DIM, HIDDEN), "w"
        yield p + "self_attn.k_proj.weight", (KV_HEADS * HEAD_DIM, HIDDEN), "w"
        yield p + "self_attn.v_proj.weight", (KV_HEADS * HEAD_DIM, HIDDEN), "w"
        yield p + "self_attn.o_proj.weight", (HIDDEN, HEADS * HEAD_DIM), "w"
        yield p + "mlp.gate_proj.weight", (FFN, HIDDEN), "w"
        yield p + "mlp.up_proj.weight", (FFN, HIDDEN), "w"
        yield p + "mlp.down_proj.weight", (HIDDEN, FFN), "w"
        yield p + "input_layernorm.weight", (HIDDEN,), "norm"
        yield p + "post_attention_layernorm.weight", (HIDDEN,), "norm"
    yield "model.norm.weight", (HIDDEN,), "norm"
    yield "lm_head.weight", (VOCAB, HIDDEN), "w"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default=str(ROOT / "Benchmarks" / "data" / "big_llama"))
    parser.add_argument("--layers", type=int, default=29)
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    config = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": HIDDEN,
        "intermediate_size": FFN, "num_hidden_layers": args.layers, "num_attention_heads": HEADS,
        "num_key_value_heads": KV_HEADS, "head_dim": HEAD_DIM, "vocab_size": VOCAB, "max_position_embeddings": 4096,
        "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "hidden_act": "silu", "tie_word_embeddings": False,
        "attention_bias": False, "mlp_bias": False, "initializer_range": 0.02, "torch_dtype": "bfloat16",
        "bos_token_id": 1, "eos_token_id": 2, "use_cache": True,
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")

    gen = torch.Generator().manual_seed(0)
    specs = list(tensors(args.layers))
    total = sum(torch.Size(s).numel() for _, s, _ in specs)
    shards, current, size = [], {}, 0
    for key, shape, kind in specs:
        nbytes = torch.Size(shape).numel() * 2
        if current and size + nbytes > SHARD_BYTES:
            shards.append(current)
            current, size = {}, 0
        current[key] = (shape, kind)
        size += nbytes
    shards.append(current)
    weight_map = {}
    for n, shard in enumerate(shards, 1):
        name = f"model-{n:05d}-of-{len(shards):05d}.safetensors"
        data = {}
        for key, (shape, kind) in shard.items():
            t = torch.randn(shape, generator=gen)
            t = t.mul_(0.1).add_(1) if kind == "norm" else t.mul_(0.02)
            data[key] = t.to(torch.bfloat16)
            weight_map[key] = name
        save_file(data, str(out / name), metadata={"format": "pt"})
        print(f"wrote {name}: {len(data)} tensors", flush=True)
        del data
    index = {"metadata": {"total_size": total * 2}, "weight_map": weight_map}
    (out / "model.safetensors.index.json").write_text(json.dumps(index, indent=2) + "\n")
    print(f"{out}: {total:,} parameters ({total / 2**31:.4f} x 2^31), {total * 2 / 1e9:.2f} GB bfloat16, "
          f"{len(shards)} shards")


if __name__ == "__main__":
    main()
