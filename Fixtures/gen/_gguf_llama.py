"""The tiny llama of the GGUF fixtures (see gguf_files.py): a transformers LlamaForCausalLM saved as safetensors,
and its GGUF conversions made as llama.cpp's convert_hf_to_gguf.py makes them."""
import numpy as np
import torch
from safetensors.torch import save_file

import gguf
from gguf import GGMLQuantizationType as T
from gguf.quants import dequantize, quantize


def ckpt_dtype(t):
    return {T.F32: 'float32', T.F16: 'float16'}.get(t, t.name.lower())


LLAMA = dict(vocab_size=80, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
             num_key_value_heads=2, max_position_embeddings=64, rms_norm_eps=1e-5, rope_theta=10000.0,
             attention_bias=True, tie_word_embeddings=False)
# The quantized copy's types per GGUF tensor kind (llama-quantize mixes types the same way).
QUANT = {'token_embd': T.Q8_0, 'attn_q': T.Q4_0, 'attn_k': T.Q4_0, 'attn_v': T.Q5_0, 'attn_output': T.Q4_1,
         'ffn_gate': T.Q8_0, 'ffn_up': T.Q5_1, 'ffn_down': T.Q8_0, 'output': T.F16}


def permute(w, n_head, n_head_kv):
    """llama.cpp convert_hf_to_gguf.py LlamaModel.permute, as a formula: HF's rotate-half row pairs (i, i + d/2)
    of each head become adjacent rows (2i, 2i + 1)."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def llama_files(out):
    import transformers
    from transformers.modeling_gguf_pytorch_utils import LlamaTensorProcessor
    folder = out / 'llama'
    folder.mkdir()
    torch.manual_seed(7)
    config = transformers.LlamaConfig(**LLAMA)
    model = transformers.LlamaForCausalLM(config).eval()
    with torch.no_grad():  # biases start at zero: give them values so that their permutation shows
        for name, p in model.named_parameters():
            if name.endswith('bias') or 'norm' in name:
                p.copy_(torch.randn_like(p) * 0.1 + (1.0 if 'norm' in name else 0.0))
    sd = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(sd, str(folder / 'model.safetensors'), metadata={'format': 'pt'})
    config.save_pretrained(str(folder))

    n_head, n_kv = LLAMA['num_attention_heads'], LLAMA['num_key_value_heads']
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, LLAMA['num_hidden_layers'])
    converted = []  # (gguf name, hf name, float32 array in GGUF row order)
    for hf_name, t in sd.items():
        data = t.float().numpy()
        if hf_name.endswith(('q_proj.weight', 'q_proj.bias')):
            data = permute(data, n_head, n_head)
        if hf_name.endswith(('k_proj.weight', 'k_proj.bias')):
            data = permute(data, n_head, n_kv)
        gguf_name = names.get_name(hf_name, try_suffixes=('.weight', '.bias'))
        assert gguf_name is not None, hf_name
        # transformers' own GGUF loader must undo it: the generator's permutation is llama.cpp's.
        proc = LlamaTensorProcessor(config={'num_attention_heads': n_head, 'num_key_value_heads': n_kv})
        back = proc.process(data, gguf_name).weights
        assert np.array_equal(back, t.float().numpy()), hf_name
        converted.append((gguf_name, hf_name, data))

    records, seen_by_variant = {}, {}
    for variant in ['f32', 'quant']:
        path = folder / f'model.{variant}.gguf'
        w = gguf.GGUFWriter(str(path), 'llama')
        w.add_name('ckpt tiny llama')
        w.add_block_count(LLAMA['num_hidden_layers'])
        w.add_context_length(LLAMA['max_position_embeddings'])
        w.add_embedding_length(LLAMA['hidden_size'])
        w.add_feed_forward_length(LLAMA['intermediate_size'])
        w.add_head_count(n_head)
        w.add_head_count_kv(n_kv)
        w.add_rope_freq_base(LLAMA['rope_theta'])
        w.add_layer_norm_rms_eps(LLAMA['rms_norm_eps'])
        w.add_rope_dimension_count(LLAMA['hidden_size'] // n_head)
        w.add_vocab_size(LLAMA['vocab_size'])
        w.add_file_type(gguf.LlamaFileType.ALL_F32 if variant == 'f32' else gguf.LlamaFileType.MOSTLY_Q8_0)
        w.add_tokenizer_model('llama')
        w.add_token_list([f'<t{i}>' for i in range(LLAMA['vocab_size'])])
        w.add_token_scores([float(-i) for i in range(LLAMA['vocab_size'])])
        w.add_token_types([1] * LLAMA['vocab_size'])
        mapping, expect = {}, {}
        seen_by_variant[variant] = seen_sd = {}
        for gguf_name, hf_name, data in converted:
            qtype = T.F32
            if variant == 'quant' and data.ndim == 2:
                kind = gguf_name.split('.')[-2]
                qtype = QUANT[kind]
            if qtype == T.F32:
                stored = data
                w.add_tensor(gguf_name, data.astype(np.float32))
            elif qtype == T.F16:
                stored = data.astype(np.float16).astype(np.float32)
                w.add_tensor(gguf_name, data.astype(np.float16))
            else:
                raw = quantize(data, qtype)
                stored = dequantize(raw, qtype)
                w.add_tensor(gguf_name, raw, raw_dtype=qtype)
            mapping[gguf_name] = hf_name
            # What ckpt must see after mapping the name and undoing the permutation.
            proc = LlamaTensorProcessor(config={'num_attention_heads': n_head, 'num_key_value_heads': n_kv})
            seen = proc.process(stored, gguf_name).weights
            seen_sd[hf_name] = torch.from_numpy(np.ascontiguousarray(seen, dtype=np.float32))
            hf = sd[hf_name].float().numpy()
            diff = np.abs(seen.astype(np.float64) - hf.astype(np.float64))
            expect[hf_name] = {'dtype': ckpt_dtype(qtype), 'max_abs_diff': float(diff.max()),
                               'mismatched': int((diff > 0).sum())}
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
        records[f'llama/model.{variant}.gguf'] = {'hf_names': mapping, 'diff_against_safetensors': expect}
    records['llama/model.quant.gguf']['verify_against'] = verify_against(model, seen_by_variant['quant'])
    return records


AGAINST_TOKENS = [1, 5, 7, 9, 11, 3, 2, 64, 0, 79]


def verify_against(model, quantized_sd):
    """What `ckpt verify llama --tokens ... --against model.quant.gguf` must report, computed by transformers: the
    folder's model and the same model loaded with the GGUF's weights as transformers' GGUF loader gives them
    (gguf.quants dequantized, Q/K rows un-permuted by its LlamaTensorProcessor), logits of the same tokens, then
    per position max |a - b|, KL(A||B) of the next-token distributions (float64 from the float32 logits) and
    whether the top-1 tokens agree; `min_top2_gap` says how far each reference is from a tie."""
    import copy
    other = copy.deepcopy(model)
    missing, unexpected = other.load_state_dict(quantized_sd, strict=True)
    assert not missing and not unexpected
    ids = torch.tensor([AGAINST_TOKENS])
    with torch.no_grad():
        a, b = model(ids).logits[0].double(), other(ids).logits[0].double()
    la, lb = a.log_softmax(-1), b.log_softmax(-1)
    kl = (la.exp() * (la - lb)).sum(-1)
    agree = a.argmax(-1) == b.argmax(-1)
    gaps = [float(min(x.sort(descending=True).values[0] - x.sort(descending=True).values[1] for x in (ra, rb)))
            for ra, rb in zip(a, b)]
    return {'tokens': AGAINST_TOKENS, 'mean_kl': float(kl.mean()), 'top1_agreement': float(agree.double().mean()),
            'max_abs_diff': float((a - b).abs().max()), 'min_top2_gap': min(gaps),
            'positions': [{'max_abs_diff': float((ra - rb).abs().max()), 'kl': float(k), 'top1_agree': bool(g)}
                          for ra, rb, k, g in zip(a, b, kl, agree)]}


def f32_writer(path, arch, config):
    """A GGUFWriter of an all-F32 file with the hyper-parameters every architecture here records."""
    w = gguf.GGUFWriter(str(path), arch)
    w.add_block_count(config.num_hidden_layers)
    w.add_embedding_length(config.hidden_size)
    w.add_head_count(config.num_attention_heads)
    w.add_head_count_kv(config.num_key_value_heads)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    return w


def qwen3_files(out):
    """A tiny Qwen3ForCausalLM (q_norm/k_norm, no biases) as safetensors and as an F32 GGUF converted as llama.cpp's
    Qwen3Model does: names from gguf-py's tensor map, rows in Hugging Face order (NEOX RoPE: no permutation;
    transformers' GGUF loader has no Qwen tensor processor either)."""
    import transformers
    folder = out / 'qwen3'
    folder.mkdir()
    torch.manual_seed(11)
    config = transformers.Qwen3Config(vocab_size=40, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                                      num_attention_heads=2, num_key_value_heads=1, head_dim=8,
                                      max_position_embeddings=64, tie_word_embeddings=False)
    model = transformers.Qwen3ForCausalLM(config).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if 'norm' in name:
                p.copy_(torch.randn_like(p) * 0.1 + 1.0)
    sd = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(sd, str(folder / 'model.safetensors'), metadata={'format': 'pt'})
    config.save_pretrained(str(folder))
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.QWEN3, config.num_hidden_layers)
    w = f32_writer(folder / 'model.f32.gguf', 'qwen3', config)
    mapping = {}
    for hf_name, t in sd.items():
        gguf_name = names.get_name(hf_name, try_suffixes=('.weight', '.bias'))
        assert gguf_name is not None, hf_name
        w.add_tensor(gguf_name, t.float().numpy())
        mapping[gguf_name] = hf_name
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return {'qwen3/model.f32.gguf': {'hf_names': mapping}}


def gemma3_files(out):
    """A tiny Gemma3ForCausalLM (tied head, q/k norms, four norms per layer) as safetensors, its weights rounded to
    bfloat16 as Google's are and saved as float32, and its F32 GGUF converted as llama.cpp's Gemma3Model does:
    names from gguf-py's tensor map, no Q/K permutation (NEOX RoPE), every `*norm.weight` stored + 1 (`norm_shift`,
    added in float32 after the bf16 → f32 cast), the tied `lm_head` left out. `expected_norm_diff` records, per
    norm, max |(stored - 1) - hf| computed in float32 (0 when the subtraction gives the weight back)."""
    import transformers
    folder = out / 'gemma3'
    folder.mkdir()
    torch.manual_seed(5)
    config = transformers.Gemma3TextConfig(vocab_size=48, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                                           num_attention_heads=2, num_key_value_heads=1, head_dim=8,
                                           max_position_embeddings=64, sliding_window=16)
    model = transformers.Gemma3ForCausalLM(config).eval()
    with torch.no_grad():  # Gemma's norms start at 0 (they scale by 1 + weight): give them values around 0
        for name, p in model.named_parameters():
            if 'norm' in name:
                p.copy_(torch.randn_like(p) * 0.3)
    sd = {k: v.to(torch.bfloat16).float().contiguous() for k, v in model.state_dict().items() if k != 'lm_head.weight'}
    save_file(sd, str(folder / 'model.safetensors'), metadata={'format': 'pt'})
    config.save_pretrained(str(folder))
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.GEMMA3, config.num_hidden_layers)
    w = f32_writer(folder / 'model.f32.gguf', 'gemma3', config)
    mapping, norm_diff = {}, {}
    for hf_name, t in sd.items():
        gguf_name = names.get_name(hf_name, try_suffixes=('.weight', '.bias'))
        assert gguf_name is not None, hf_name
        data = t.float()
        if hf_name.endswith('norm.weight'):
            data = data + 1.0
            norm_diff[hf_name] = float(((data - 1.0) - t).abs().max())
        w.add_tensor(gguf_name, data.numpy())
        mapping[gguf_name] = hf_name
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return {'gemma3/model.f32.gguf': {'hf_names': mapping, 'expected_norm_diff': norm_diff}}
