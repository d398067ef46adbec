"""The golden file format of the op tests, shared by conv_ops.py and tensor_ops.py.

A family is one safetensors file: tensors are named `<case>/<name>` (float32 or int64) and the `cases` metadata
entry is a JSON object mapping each case to its arguments (op name, keyword arguments, grad_fn name, and whatever
the test needs to rebuild the case). Tests/CkptTestSupport/GoldenFile.swift reads it.
"""
import json

import torch
from safetensors.torch import save_file


class Family:
    def __init__(self):
        self.tensors = {}
        self.cases = {}

    def add(self, case, args, **tensors):
        assert case not in self.cases
        self.cases[case] = args
        for k, v in tensors.items():
            if v is None:
                continue
            v = v.detach().contiguous()
            if v.dtype not in (torch.float32, torch.int64):
                v = v.float()
            self.tensors[f"{case}/{k}"] = v.clone()

    def save(self, path):
        save_file(self.tensors, str(path), metadata={"cases": json.dumps(self.cases, sort_keys=True)})
