#!/usr/bin/env python3
"""Fills Fuzz/corpus/<target>/ with seeds from Fixtures/ (only files that are missing: the corpora grow as the
fuzzer finds new inputs and are kept between runs). Standard library only.

    python3 Fuzz/seeds.py            # every target
    python3 Fuzz/seeds.py hdf5 npz   # some
"""
import ast
import glob
import hashlib
import os
import struct
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Fixtures")
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")

FILES = {
    "torch-zip": ["torch_files/*.pt", "diff/*.pt", "show/*.pt", "models/lenet.pt", "models/attn.pt", "optim_state/adam.pt",
                  "reference/dtypes.pt", "flat/torch_small.pt"],
    "torch-legacy": ["torch_files/legacy.pt", "reference/*.legacy.pt"],
    "hdf5": ["hdf5/*.h5", "diff/*.h5", "reference/*.h5"],
    "keras": ["hdf5/*.keras"],
    "safetensors": ["flat/*.safetensors", "diff/*.safetensors", "reference/*.safetensors"],
    "npy": ["flat/*.npy", "models/lenet.input.npy"],
    "npz": ["flat/*.npz", "reference/*.npz", "flat/sharded/extra.npz"],
    "sharded": ["flat/sharded/*.index.json"],
    "gguf": ["gguf_files/*.gguf"],
    "torchscript": ["torchscript_files/scripted.pt", "torchscript_files/traced.pt", "torchscript_files/frozen.pt",
                    "torchscript_files/hostile/*.pt"],
    "torch-export": ["torchscript_files/*.pt2", "torchscript_files/hostile/*.pt2"],
    "dcp": ["dcp_files/single/.metadata", "dcp_files/sharded/.metadata"],
    "onnx": ["onnx_files/*.onnx", "onnx_files/hostile/*.onnx"],
    "model-printout": ["models/*.model", "model_reprs/*.txt", "hf_printouts/*.txt", "reference/*.txt"],
}
DIFF_PAIRS = [("diff/base.pt", "diff/finetuned.pt"), ("diff/base.h5", "diff/base.safetensors"),
              ("diff/nan_a.pt", "diff/nan_b.safetensors"), ("diff/base.pt", "diff/reshaped_cast.pt"),
              ("flat/plain.npz", "flat/compressed.npz"), ("flat/v1_f4.npy", "flat/v2.npy"),
              ("gguf_files/types.gguf", "gguf_files/v2.gguf"), ("torch_files/legacy.pt", "torch_files/dtypes.pt"),
              ("hdf5/keras3.keras", "hdf5/keras3.weights.h5")]


def put(target, data, name):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "seed-" + name.replace("/", "_") + "-" + hashlib.sha1(data).hexdigest()[:8])
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)


def read(rel):
    with open(os.path.join(FIX, rel), "rb") as f:
        return f.read()


def npy_shape(rel):
    data = read(rel)
    n = struct.unpack_from("<H", data, 8)[0] if data[6] == 1 else struct.unpack_from("<I", data, 8)[0]
    start = 10 if data[6] == 1 else 12
    return ast.literal_eval(data[start:start + n].decode("latin1"))["shape"]


def seed(target):
    if target in FILES:
        for pattern in FILES[target]:
            for path in sorted(glob.glob(os.path.join(FIX, pattern))):
                if os.path.isfile(path) and os.path.getsize(path) <= 1 << 20:
                    put(target, read(os.path.relpath(path, FIX)), os.path.relpath(path, FIX))
    elif target == "pickle":
        for pattern in FILES["torch-zip"] + FILES["torchscript"]:
            for path in sorted(glob.glob(os.path.join(FIX, pattern))):
                try:
                    with zipfile.ZipFile(path) as z:
                        for n in z.namelist():
                            if n.endswith(".pkl"):
                                put(target, z.read(n), os.path.relpath(path, FIX) + "-" + os.path.basename(n))
                except (zipfile.BadZipFile, OSError):
                    pass
        put(target, read("torch_files/legacy.pt"), "legacy")
    elif target == "model-forward":
        for model in sorted(glob.glob(os.path.join(FIX, "models/*.model"))):
            base = os.path.relpath(model, FIX)[:-len(".model")]
            shape = npy_shape(base + ".input.npy") if os.path.exists(os.path.join(FIX, base + ".input.npy")) else (2, 4)
            head = ("#shape " + ",".join(str(d) for d in shape) + "\n").encode()
            put(target, head + read(os.path.relpath(model, FIX)), os.path.relpath(model, FIX))
    elif target == "diff":
        for a, b in DIFF_PAIRS:
            x, y = read(a), read(b)
            put(target, struct.pack("<I", len(x)) + x + y, a + "+" + b)
    else:
        raise SystemExit(f"no seeds for target {target}")


TARGETS = list(FILES) + ["pickle", "model-forward", "diff"]

if __name__ == "__main__":
    for t in sys.argv[1:] or TARGETS:
        seed(t)
        print(f"{t}: {len(os.listdir(os.path.join(CORPUS, t)))} inputs")
