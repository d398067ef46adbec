#!/usr/bin/env python3
"""gguf-py's reader listing a GGUF as `ckpt inspect` does: every tensor's name, type, shape (ne reversed), element
count and size, then the metadata keys with their values (arrays by type and length). Usage: py_list.py FILE."""
import sys

import gguf

r = gguf.GGUFReader(sys.argv[1])
for t in r.tensors:
    print(t.name, t.tensor_type.name, list(reversed(t.shape.tolist())), int(t.n_elements), int(t.n_bytes))
for k, f in r.fields.items():
    if f.types and f.types[0] == gguf.GGUFValueType.ARRAY:
        print(k, f.types[-1].name, len(f.data))
    else:
        print(k, f.contents())
