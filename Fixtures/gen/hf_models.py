"""Tiny random-init Hugging Face model folders, written by transformers' `save_pretrained`, with transformers'
outputs, for `ckpt count/summary/load-into/verify/run FOLDER` and `verify --against`.

One folder per case under `hf_models/` (config.json + weights, as transformers writes them), each with
`print.txt` (`print(model)`). `manifest.json` records, per folder: model_type, class, num_parameters(), the
state_dict keys and shapes, the weights files, and which expected outputs belong to it. Inputs and outputs
(float32) sit in `io/`: `ids.npy` (int64 [2, 8]), `mask.npy` (int64 [2, 8], the second row left-padded), and per
case `<name>.npy` (no mask) and `<name>.masked.npy` (with the mask): logits [2, 8, vocab] for the causal LMs,
`last_hidden_state` for BertModel. A bf16 folder's outputs are transformers running the same bf16 weights
upcast to float32.

Weights are random but not at init values: 2-D weights N(0, 0.2), norm weights 1 + N(0, 0.1), biases N(0, 0.1),
so that every parameter matters and bf16 rounding shows. Cases cover: GQA, RoPE default / llama3 / linear /
dynamic / yarn, ties, Mistral's sliding window, Qwen2's qkv bias (sharded), Qwen3's q/k norms and own head_dim
(pytorch_model.bin), GPT-2 (and a legacy GPT-2 file: no `transformer.` prefix, `attn.bias`/`attn.masked_bias`
buffers), BERT (and a legacy BERT file: `bert.` prefix, `LayerNorm.gamma/beta`, `position_ids`), a config in
transformers 4.x's layout (`rope_theta` + `rope_scaling`, `torch_dtype`), a folder missing one tensor, a
perturbed copy (with the KL and top-1 agreement transformers' logits give), and an unknown model_type.
"""
import json
import pathlib
import shutil

import numpy as np
import torch
import transformers
from safetensors.torch import load_file, save_file
from transformers import (AutoModelForCausalLM, BertConfig, BertModel, GPT2Config, GPT2LMHeadModel, LlamaConfig,
                          MistralConfig, Qwen2Config, Qwen3Config)

VOCAB = 100
IDS = torch.tensor([[5, 17, 42, 3, 99, 8, 23, 61], [12, 7, 7, 88, 30, 2, 54, 19]])
MASK = torch.tensor([[1, 1, 1, 1, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1, 1, 1]])
DECODER = dict(vocab_size=VOCAB, hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=4,
               num_key_value_heads=2, max_position_embeddings=32, rms_norm_eps=1e-5, pad_token_id=None)


def cases():
    """(name, model, save options). Every model is built after torch.manual_seed(0) and randomised."""
    yield "llama", AutoModelForCausalLM.from_config(LlamaConfig(**DECODER, rope_parameters={"rope_type": "default", "rope_theta": 10000.0})), {}
    yield "llama3_tied", AutoModelForCausalLM.from_config(LlamaConfig(
        **DECODER, tie_word_embeddings=True, rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,
                                                              "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                                              "original_max_position_embeddings": 8})), {"layout4": True}
    yield "mistral", AutoModelForCausalLM.from_config(MistralConfig(
        **{**DECODER, "max_position_embeddings": 6}, sliding_window=3, head_dim=4,
        rope_parameters={"rope_type": "dynamic", "rope_theta": 10000.0, "factor": 2.0})), {}
    yield "qwen2", AutoModelForCausalLM.from_config(Qwen2Config(
        **DECODER, tie_word_embeddings=True,
        rope_parameters={"rope_type": "yarn", "rope_theta": 1000000.0, "factor": 4.0, "original_max_position_embeddings": 8})), {"shards": "4KB"}
    yield "qwen3", AutoModelForCausalLM.from_config(Qwen3Config(
        **DECODER, head_dim=8, rope_parameters={"rope_type": "linear", "rope_theta": 1000000.0, "factor": 2.0})), {"bin": True}
    yield "gpt2", GPT2LMHeadModel(GPT2Config(vocab_size=VOCAB, n_embd=16, n_layer=2, n_head=4, n_positions=32,
                                             activation_function="gelu_new", bos_token_id=0, eos_token_id=0)), {}
    yield "bert", BertModel(BertConfig(vocab_size=VOCAB, hidden_size=16, num_hidden_layers=2, num_attention_heads=4,
                                       intermediate_size=32, max_position_embeddings=32, hidden_act="gelu")), {}


def randomise(model):
    torch.manual_seed(1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.ndim >= 2:
                p.normal_(0, 0.2)
            elif name.endswith("weight"):
                p.copy_(1 + 0.1 * torch.randn_like(p))
            else:
                p.normal_(0, 0.1)


def run(model, mask=None):
    with torch.no_grad():
        out = model(input_ids=IDS, attention_mask=mask)
    t = out.logits if hasattr(out, "logits") else out.last_hidden_state
    return t.float().numpy()


def state_dict_rows(model):
    return [[k, list(v.shape)] for k, v in model.state_dict().items()]


def to_layout4(folder: pathlib.Path):
    """Rewrites config.json as transformers 4.x wrote it: `rope_theta` and `rope_scaling` (with `type`) at the top,
    `torch_dtype` instead of `dtype`."""
    cfg = json.loads((folder / "config.json").read_text())
    rope = dict(cfg.pop("rope_parameters"))
    cfg["rope_theta"] = rope.pop("rope_theta")
    rope_type = rope.pop("rope_type")
    cfg["rope_scaling"] = None if rope_type == "default" else {"type": rope_type, **rope}
    cfg["torch_dtype"] = cfg.pop("dtype", "float32")
    if cfg.get("head_dim") == cfg["hidden_size"] // cfg["num_attention_heads"]:
        del cfg["head_dim"]  # configs before transformers 4.45 had none
    cfg["transformers_version"] = "4.44.2"
    (folder / "config.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")


def kl_and_agreement(a, b):
    """Mean KL(A‖B) of the next-token distributions over every position, in float64, and top-1 agreement."""
    la = torch.log_softmax(torch.from_numpy(a).double(), -1)
    lb = torch.log_softmax(torch.from_numpy(b).double(), -1)
    kl = (la.exp() * (la - lb)).sum(-1)
    agree = (la.argmax(-1) == lb.argmax(-1)).double()
    return float(kl.mean()), float(agree.mean()), [float(x) for x in kl.flatten()]


def generate(root: pathlib.Path):
    out = root / "hf_models"
    if out.exists():
        shutil.rmtree(out)
    (out / "io").mkdir(parents=True)
    np.save(out / "io" / "ids.npy", IDS.numpy())
    np.save(out / "io" / "mask.npy", MASK.numpy())
    manifest = {"transformers": transformers.__version__, "torch": torch.__version__,
                "ids": IDS.tolist(), "mask": MASK.tolist(), "folders": {}}

    def record(name, model, folder, files, expected, **extra):
        manifest["folders"][name] = {
            "model_type": model.config.model_type, "class": type(model).__name__,
            "num_parameters": model.num_parameters(), "keys": state_dict_rows(model),
            "files": files, "expected": expected, **extra}

    def files_of(folder):
        return sorted(p.name for p in folder.iterdir() if p.name not in ("print.txt",))

    for name, model, options in cases():
        torch.manual_seed(0)
        randomise(model)
        model.eval()
        folder = out / name
        if options.get("shards"):
            model.save_pretrained(folder, max_shard_size=options["shards"])
        else:
            model.save_pretrained(folder)
        if options.get("bin"):
            # pytorch_model.bin as transformers 4.x wrote it (torch.save of the state_dict, ties stored once).
            sd = load_file(folder / "model.safetensors")
            (folder / "model.safetensors").unlink()
            torch.save(sd, folder / "pytorch_model.bin")
        if options.get("layout4"):
            to_layout4(folder)
        (folder / "print.txt").write_text(str(model) + "\n")
        # What transformers itself reads back from the folder is what the expected outputs come from.
        reloaded = type(model).from_pretrained(folder).eval()
        np.save(out / "io" / f"{name}.npy", run(reloaded))
        np.save(out / "io" / f"{name}.masked.npy", run(reloaded, MASK))
        assert np.allclose(run(reloaded), run(model), atol=1e-6), name
        rotary = getattr(getattr(reloaded, "model", None), "rotary_emb", None)
        record(name, model, folder, files_of(folder), name,
               config_layout="4.x" if options.get("layout4") else "5.x",
               **({"inv_freq": rotary.original_inv_freq.tolist(), "attention_scaling": rotary.attention_scaling} if rotary is not None else {}))

        if name in ("llama", "gpt2", "bert"):
            # The same weights in bfloat16; transformers runs them upcast to float32.
            bf = out / f"{name}-bf16"
            type(model).from_pretrained(folder, dtype=torch.bfloat16).save_pretrained(bf)
            (bf / "print.txt").write_text(str(model) + "\n")
            upcast = type(model).from_pretrained(bf, dtype=torch.float32).eval()
            np.save(out / "io" / f"{name}-bf16.npy", run(upcast))
            np.save(out / "io" / f"{name}-bf16.masked.npy", run(upcast, MASK))
            record(f"{name}-bf16", model, bf, files_of(bf), f"{name}-bf16")
            if name != "bert":
                kl, agree, _ = kl_and_agreement(run(reloaded), run(upcast))
                manifest["folders"][f"{name}-bf16"].update(kl_from=name, mean_kl=kl, top1_agreement=agree)

    # A perturbed copy of llama: every 2-D weight plus N(0, 0.02).
    llama = AutoModelForCausalLM.from_pretrained(out / "llama").eval()
    perturbed = AutoModelForCausalLM.from_pretrained(out / "llama").eval()
    torch.manual_seed(2)
    with torch.no_grad():
        for p in perturbed.parameters():
            if p.ndim >= 2:
                p.add_(0.02 * torch.randn_like(p))
    perturbed.save_pretrained(out / "llama-perturbed")
    (out / "llama-perturbed" / "print.txt").write_text(str(perturbed) + "\n")
    np.save(out / "io" / "llama-perturbed.npy", run(perturbed))
    np.save(out / "io" / "llama-perturbed.masked.npy", run(perturbed, MASK))
    kl, agree, per_position = kl_and_agreement(run(llama), run(perturbed))
    record("llama-perturbed", perturbed, out / "llama-perturbed", files_of(out / "llama-perturbed"), "llama-perturbed",
           kl_from="llama", mean_kl=kl, top1_agreement=agree, kl_per_position=per_position)
    assert kl > 1e-2, kl

    # llama with one tensor left out of the file.
    missing = out / "llama-missing"
    shutil.copytree(out / "llama", missing)
    sd = load_file(missing / "model.safetensors")
    del sd["model.layers.1.mlp.up_proj.weight"]
    save_file(sd, missing / "model.safetensors", metadata={"format": "pt"})
    record("llama-missing", llama, missing, files_of(missing), None, missing_key="model.layers.1.mlp.up_proj.weight")

    # GPT-2 as the original checkpoints store it: no `transformer.` prefix, attention mask buffers, no lm_head.
    legacy = out / "gpt2-legacy"
    legacy.mkdir()
    shutil.copy(out / "gpt2" / "config.json", legacy / "config.json")
    sd = {k.removeprefix("transformer."): v for k, v in load_file(out / "gpt2" / "model.safetensors").items() if k != "lm_head.weight"}
    n = 32
    for i in range(2):
        sd[f"h.{i}.attn.bias"] = torch.tril(torch.ones(n, n, dtype=torch.uint8)).view(1, 1, n, n).float()
        sd[f"h.{i}.attn.masked_bias"] = torch.tensor(-1e4)
    save_file(sd, legacy / "model.safetensors", metadata={"format": "pt"})
    gpt2 = GPT2LMHeadModel.from_pretrained(legacy).eval()
    assert np.allclose(run(gpt2), np.load(out / "io" / "gpt2.npy"), atol=1e-6)
    record("gpt2-legacy", gpt2, legacy, files_of(legacy), "gpt2")

    # BERT as a task model's checkpoint stores it: `bert.` prefix, LayerNorm gamma/beta, position_ids.
    legacy = out / "bert-legacy"
    legacy.mkdir()
    shutil.copy(out / "bert" / "config.json", legacy / "config.json")
    sd = {}
    for k, v in load_file(out / "bert" / "model.safetensors").items():
        k = k.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        sd["bert." + k] = v
    sd["bert.embeddings.position_ids"] = torch.arange(32).view(1, 32)
    torch.save(sd, legacy / "pytorch_model.bin")
    bert = BertModel.from_pretrained(legacy).eval()
    assert np.allclose(run(bert), np.load(out / "io" / "bert.npy"), atol=1e-6)
    record("bert-legacy", bert, legacy, files_of(legacy), "bert")

    # A model_type ckpt does not build.
    unknown = out / "unknown"
    unknown.mkdir()
    (unknown / "config.json").write_text(json.dumps({"model_type": "t5", "architectures": ["T5ForConditionalGeneration"],
                                                     "d_model": 16}, indent=2) + "\n")

    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
