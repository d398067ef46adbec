"""What ckpt's GGUF writer must produce, written by gguf-py's own writer (`gguf.GGUFWriter`, gguf 0.19).

    python3 Fixtures/generate.py gguf_written

Files (under Fixtures/gguf_written/):
  source.pt           torch.save of {'general': {'architecture': ...}, 'epoch': 3, 'lr': 0.5, 'tags': [...], 'model':
                      a state_dict of every dtype GGUF stores as is (float32, float16, bfloat16, float64, int8,
                      int16, int32, int64), ranks 0 to 4, an empty tensor, a name of 63 bytes with its prefix}.
  expected.gguf       the same, written by GGUFWriter: the non-tensor leaves as key/values (general.architecture
                      STRING, epoch INT64, lr FLOAT64, tags ARRAY of STRING), then the tensors under their dotted
                      keys: `ckpt convert source.pt out.gguf` must give these bytes exactly.
"""
import pathlib
import shutil

import numpy as np
import torch

import gguf
from gguf import GGMLQuantizationType as T


def generate(root):
    out = pathlib.Path(root) / 'gguf_written'
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    g = torch.Generator().manual_seed(3)
    sd = {
        'f32': torch.randn(3, 5, generator=g),
        'f16': torch.randn(2, 3, generator=g).half(),
        'bf16': torch.randn(4, generator=g).bfloat16(),
        'f64': torch.randn(2, 2, generator=g).double(),
        'i8': torch.randint(-128, 127, (5,), generator=g).to(torch.int8),
        'i16': torch.randint(-30000, 30000, (2, 2), generator=g).to(torch.int16),
        'i32': torch.randint(-2**31, 2**31 - 1, (3,), generator=g).to(torch.int32),
        'i64': torch.tensor([-2**62, 7, 2**40]),
        'scalar': torch.tensor(2.5),
        'four_d': torch.randn(1, 2, 3, 4, generator=g),
        'empty': torch.zeros(0, 3),
        'n' * 57: torch.ones(2),  # 'model.' + 57 = 63 bytes, ggml's longest name
    }
    torch.save({'general': {'architecture': 'ckpt-written'}, 'epoch': 3, 'lr': 0.5, 'tags': ['a', 'bc'], 'model': sd},
               str(out / 'source.pt'))

    w = gguf.GGUFWriter(str(out / 'expected.gguf'), 'ckpt-written')
    w.add_int64('epoch', 3)
    w.add_float64('lr', 0.5)
    w.add_array('tags', ['a', 'bc'])
    for name, t in sd.items():
        if t.dtype == torch.bfloat16:
            w.add_tensor('model.' + name, t.view(torch.int16).numpy().view(np.uint16), raw_dtype=T.BF16)
        else:
            w.add_tensor('model.' + name, t.numpy())
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
