"""transformers running the committed bf16 model folders in bfloat16 (every op in bf16, as `from_pretrained(dtype=
torch.bfloat16)` runs on CPU), for `--compute bfloat16`; beside them the float32 run of the same weights upcast.

Writes hf_bf16_compute/<folder>.bf16.npy and <folder>.float32.npy (logits [2, 8, vocab] for the manifest's ids, no
mask) and manifest.json with the distance between the two runs (max |a-b| / max |b|, mean KL in nats, top-1
agreement), which is what rounding every activation to bf16 costs; ckpt's bf16 compute (products rounded, the rest
float32) is checked to be within a measured tolerance of the bf16 run.
"""
import json
import pathlib
import shutil

import numpy as np
import torch
from transformers import AutoModelForCausalLM

FOLDERS = ["llama-bf16"]


def generate(root: pathlib.Path):
    out = root / "hf_bf16_compute"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    ids = torch.from_numpy(np.load(root / "hf_models" / "io" / "ids.npy"))
    manifest = {"ids": ids.tolist(), "folders": {}}
    for name in FOLDERS:
        folder = root / "hf_models" / name
        runs = {}
        for dtype in (torch.bfloat16, torch.float32):
            model = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype).eval()
            with torch.no_grad():
                runs[dtype] = model(input_ids=ids).logits.float().numpy()
        bf, f32 = runs[torch.bfloat16], runs[torch.float32]
        np.save(out / f"{name}.bf16.npy", bf)
        np.save(out / f"{name}.float32.npy", f32)
        la = torch.log_softmax(torch.from_numpy(bf).double(), -1)
        lb = torch.log_softmax(torch.from_numpy(f32).double(), -1)
        manifest["folders"][name] = {
            "bf16_vs_float32_rel": float(np.abs(bf - f32).max() / np.abs(f32).max()),
            "bf16_vs_float32_mean_kl": float((la.exp() * (la - lb)).sum(-1).mean()),
            "bf16_vs_float32_top1": float((la.argmax(-1) == lb.argmax(-1)).double().mean()),
        }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
