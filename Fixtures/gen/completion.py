"""print(model) of tiny transformers models whose printout cannot show everything they hold, with their checkpoints,
for `load-into --complete` and `count MODEL CHECKPOINT`: GPT-2 (lm_head tied to wte), ViT (cls_token and
position_embeddings registered on ViTEmbeddings), CLIP vision (class_embedding), T5 (T5LayerNorm() prints no size;
three weights tied to `shared`). Each NAME gives NAME.txt (print(model)), NAME.safetensors (what save_pretrained
writes: tied duplicates dropped), NAME.pt (torch.save(state_dict): ties share storage) and NAME.json
(sum(p.numel() for p in model.parameters()), state_dict keys and shapes); ambiguous.* is a model with two
embeddings of one shape and a missing tied head, which no evidence resolves."""
import json
import pathlib
import shutil
import tempfile

import torch
import torch.nn as nn
from transformers import (CLIPVisionConfig, CLIPVisionModel, GPT2Config, GPT2LMHeadModel, T5Config,
                          T5ForConditionalGeneration, ViTConfig, ViTModel)


class TwoTowers(nn.Module):
    """Two token embeddings of one shape and an output head tied to the second: a file without the head cannot say which."""

    def __init__(self):
        super().__init__()
        self.query_embed = nn.Embedding(20, 8)
        self.doc_embed = nn.Embedding(20, 8)
        self.head = nn.Linear(8, 20, bias=False)
        self.head.weight = self.doc_embed.weight


def models():
    yield "gpt2", GPT2LMHeadModel(GPT2Config(vocab_size=50, n_positions=8, n_embd=16, n_layer=1, n_head=2))
    yield "vit", ViTModel(ViTConfig(image_size=8, patch_size=4, num_channels=3, hidden_size=16, num_hidden_layers=1,
                                    num_attention_heads=2, intermediate_size=32))
    yield "clip_vision", CLIPVisionModel(CLIPVisionConfig(image_size=8, patch_size=4, hidden_size=16, intermediate_size=32,
                                                          num_hidden_layers=1, num_attention_heads=2))
    yield "t5", T5ForConditionalGeneration(T5Config(vocab_size=50, d_model=16, d_kv=8, d_ff=32, num_layers=1,
                                                    num_decoder_layers=1, num_heads=2, relative_attention_num_buckets=8))


def record(out, name, model):
    (out / f"{name}.txt").write_text(str(model) + "\n")
    torch.save(model.state_dict(), out / f"{name}.pt")
    manifest = {"parameters": sum(p.numel() for p in model.parameters()),
                "keys": [[k, list(v.shape)] for k, v in model.state_dict().items()]}
    (out / f"{name}.json").write_text(json.dumps(manifest, indent=1) + "\n")


def generate(root: pathlib.Path):
    out = root / "completion"
    out.mkdir(parents=True, exist_ok=True)
    for name, model in models():
        torch.manual_seed(0)
        record(out, name, model)
        with tempfile.TemporaryDirectory() as tmp:
            model.save_pretrained(tmp, safe_serialization=True)
            shutil.copy(pathlib.Path(tmp) / "model.safetensors", out / f"{name}.safetensors")
    torch.manual_seed(0)
    towers = TwoTowers()
    record(out, "ambiguous", towers)
    from safetensors.torch import save_file
    save_file({k: v.contiguous() for k, v in towers.state_dict().items() if k != "head.weight"}, out / "ambiguous.safetensors")
