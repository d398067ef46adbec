#!/usr/bin/env python3
"""Writes a multi-GB llama-shaped GGUF with gguf-py's GGUFWriter, for timing `ckpt inspect` beside gguf-py.

    python3 Benchmarks/gguf/make_big.py OUT.gguf [LAYERS]

A Llama 3.2-style 2.2B model in Q8_0 (28 layers of hidden 2048, FFN 8192, 32 heads / 8 KV heads, vocab 128256,
untied head) with F32 norms: 255 tensors, about 2.35 GB. The blocks are random bytes with small finite scales
(values do not matter for inspect; nothing is quantized, so writing takes seconds). The metadata carries a
tokenizer of 128,256 strings, scores and types and 280,147 merges, as real llama GGUFs do, so that reading the
header costs what it costs on a real file.
"""
import sys

import numpy as np

import gguf
from gguf import GGMLQuantizationType as T

HIDDEN, FFN, HEADS, KV_HEADS, VOCAB = 2048, 8192, 32, 8, 128256


def q8_0(rng, rows, cols):
    blocks = rows * cols // 32
    raw = np.frombuffer(rng.bytes(blocks * 34), dtype=np.uint8).reshape(blocks, 34).copy()
    raw[:, 0:2] = rng.uniform(0.001, 0.02, size=blocks).astype(np.float16).view(np.uint8).reshape(blocks, 2)
    return raw.reshape(rows, cols // 32 * 34)


def main(argv):
    out = argv[1]
    layers = int(argv[2]) if len(argv) > 2 else 28
    rng = np.random.default_rng(0)
    w = gguf.GGUFWriter(out, 'llama')
    w.add_name('ckpt benchmark llama')
    w.add_block_count(layers)
    w.add_context_length(131072)
    w.add_embedding_length(HIDDEN)
    w.add_feed_forward_length(FFN)
    w.add_head_count(HEADS)
    w.add_head_count_kv(KV_HEADS)
    w.add_rope_freq_base(500000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
    w.add_tokenizer_model('gpt2')
    w.add_token_list([f'tok{i}' for i in range(VOCAB)])
    w.add_token_scores([0.0] * VOCAB)
    w.add_token_types([1] * VOCAB)
    w.add_token_merges([f'a{i} b{i}' for i in range(280147)])
    head_dim = HIDDEN // HEADS
    w.add_tensor('token_embd.weight', q8_0(rng, VOCAB, HIDDEN), raw_dtype=T.Q8_0)
    for i in range(layers):
        w.add_tensor(f'blk.{i}.attn_norm.weight', np.ones(HIDDEN, dtype=np.float32))
        w.add_tensor(f'blk.{i}.attn_q.weight', q8_0(rng, HIDDEN, HIDDEN), raw_dtype=T.Q8_0)
        w.add_tensor(f'blk.{i}.attn_k.weight', q8_0(rng, KV_HEADS * head_dim, HIDDEN), raw_dtype=T.Q8_0)
        w.add_tensor(f'blk.{i}.attn_v.weight', q8_0(rng, KV_HEADS * head_dim, HIDDEN), raw_dtype=T.Q8_0)
        w.add_tensor(f'blk.{i}.attn_output.weight', q8_0(rng, HIDDEN, HIDDEN), raw_dtype=T.Q8_0)
        w.add_tensor(f'blk.{i}.ffn_norm.weight', np.ones(HIDDEN, dtype=np.float32))
        w.add_tensor(f'blk.{i}.ffn_gate.weight', q8_0(rng, FFN, HIDDEN), raw_dtype=T.Q8_0)
        w.add_tensor(f'blk.{i}.ffn_up.weight', q8_0(rng, FFN, HIDDEN), raw_dtype=T.Q8_0)
        w.add_tensor(f'blk.{i}.ffn_down.weight', q8_0(rng, HIDDEN, FFN), raw_dtype=T.Q8_0)
    w.add_tensor('output_norm.weight', np.ones(HIDDEN, dtype=np.float32))
    w.add_tensor('output.weight', q8_0(rng, VOCAB, HIDDEN), raw_dtype=T.Q8_0)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == '__main__':
    main(sys.argv)
