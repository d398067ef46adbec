"""Makes the diff section's data under Benchmarks/data/ (git-ignored), each file only when absent:

- two ~1 GB torch.save checkpoints, diff_a.pt and diff_b.pt: 16 float32 tensors of 64 MB each; the second is the
  first with every tensor perturbed (1e-4 noise on one element in 16, one tensor left identical);
- a Hugging Face-shaped pair for the report rows, llama_base.safetensors and llama_tuned.safetensors: a llama-style
  state_dict of ~1.1 GB float32 (16 layers, hidden 1024, MLP 2816, vocab 32000, untied lm_head) written by
  safetensors in transformers' key names, and a "fine-tuned" copy in which layers 8-15's attention and MLP weights
  and the final norm moved (a low-rank update plus noise, as a LoRA merge and a few steps of training would) while
  the embedding, layers 0-7 and lm_head stay bit-identical.
"""
import pathlib
import sys

import torch
from safetensors.torch import save_file

TENSORS = 16
NUMEL = 16 * 1024 * 1024  # 64 MB of float32
LAYERS, HIDDEN, MLP, VOCAB = 16, 1024, 2816, 32000


def flat_pair(g: torch.Generator) -> tuple:
    a, b = {}, {}
    for i in range(TENSORS):
        key = f'layers.{i}.weight'
        t = torch.randn(4096, NUMEL // 4096, generator=g)
        a[key] = t
        if i == 5:
            b[key] = t
            continue
        p = t.clone()
        flat = p.view(-1)
        flat[::16] += 1e-4 * torch.randn(flat[::16].shape, generator=g)
        b[key] = p
    return a, b


def llama_state_dict(g: torch.Generator) -> dict:
    sd = {'model.embed_tokens.weight': torch.randn(VOCAB, HIDDEN, generator=g) * 0.02}
    for i in range(LAYERS):
        p = f'model.layers.{i}.'
        for name in ('q_proj', 'k_proj', 'v_proj', 'o_proj'):
            sd[p + f'self_attn.{name}.weight'] = torch.randn(HIDDEN, HIDDEN, generator=g) * HIDDEN ** -0.5
        sd[p + 'mlp.gate_proj.weight'] = torch.randn(MLP, HIDDEN, generator=g) * HIDDEN ** -0.5
        sd[p + 'mlp.up_proj.weight'] = torch.randn(MLP, HIDDEN, generator=g) * HIDDEN ** -0.5
        sd[p + 'mlp.down_proj.weight'] = torch.randn(HIDDEN, MLP, generator=g) * MLP ** -0.5
        sd[p + 'input_layernorm.weight'] = 1 + 0.05 * torch.randn(HIDDEN, generator=g)
        sd[p + 'post_attention_layernorm.weight'] = 1 + 0.05 * torch.randn(HIDDEN, generator=g)
    sd['model.norm.weight'] = 1 + 0.05 * torch.randn(HIDDEN, generator=g)
    sd['lm_head.weight'] = torch.randn(VOCAB, HIDDEN, generator=g) * 0.02
    return sd


def fine_tuned(sd: dict, g: torch.Generator) -> dict:
    out = dict(sd)
    for key, t in sd.items():
        layer = int(key.split('.')[2]) if key.startswith('model.layers.') else -1
        if key == 'model.norm.weight' or (layer >= LAYERS // 2 and t.dim() == 2):
            rows, cols = t.shape if t.dim() == 2 else (t.shape[0], 1)
            update = (torch.randn(rows, 8, generator=g) @ torch.randn(8, cols, generator=g)).reshape(t.shape) * 1e-3
            out[key] = t + update + 1e-4 * torch.randn(t.shape, generator=g)
    return out


def llama_pair(g: torch.Generator) -> tuple:
    a = llama_state_dict(g)
    return a, fine_tuned(a, g)


def write_pair(a_path: pathlib.Path, b_path: pathlib.Path, make, save):
    """Writes make(generator seeded 0)'s two state_dicts with save(sd, path), unless both files exist."""
    if a_path.exists() and b_path.exists():
        print(f'{a_path} and {b_path} exist')
        return
    a, b = make(torch.Generator().manual_seed(0))
    save(a, a_path)
    save(b, b_path)
    print(f'wrote {a_path} ({a_path.stat().st_size / 2**30:.2f} GiB) and {b_path}')


def main(out: pathlib.Path):
    out.mkdir(parents=True, exist_ok=True)
    write_pair(out / 'diff_a.pt', out / 'diff_b.pt', flat_pair, torch.save)
    write_pair(out / 'llama_base.safetensors', out / 'llama_tuned.safetensors', llama_pair,
               lambda sd, path: save_file(sd, str(path), metadata={'format': 'pt'}))


if __name__ == '__main__':
    main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[1] / 'data')
