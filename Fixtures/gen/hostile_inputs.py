"""Minimal reproductions of what fuzzing found (issue 15), for the regression tests.

HDF5 files that crash Debian's libhdf5 1.10 are byte patches of committed fixtures, as the mutation runs made
them (offset, new byte); the rest are written by the real libraries (h5py, numpy, safetensors) and patched where
the point is damage. Tests read the outputs; see Tests/CkptFormatsTests/HDF5/HDF5IsolationTests.swift and
Tests/CkptCLITests/HostileTextTests.swift.
"""
import io
import pathlib
import struct
import zipfile
import zlib

import h5py
import numpy as np
import torch
from safetensors.torch import save_file

# Six changed bytes of hdf5/nested.h5: libhdf5 crashed ckpt's own process with it (a bad pointer, found by the
# process-level mutation run); the old forked probe did not walk what crashed.
NESTED_SIX_BYTES = [(956, 0o100), (2503, 0o40), (4850, 0o4), (21386, 0o377), (24533, 0o176), (26436, 0o2)]
# Three changed bytes of hdf5/nested.h5: libhdf5 dereferences a wild pointer reading a variable-length attribute
# (H5HG_read) on every run.
NESTED_THREE_BYTES = [(12360, 0o101), (19339, 0o157), (28781, 0o40)]
# Two changed bytes of hdf5/keras3.keras (found by `make fuzz`, target keras): a group's symbol table leads back
# into the group with a link count of one, so libhdf5's H5Ovisit enters it again and again with ever longer paths
# (a walk that makes progress forever; ckpt's 60 s watchdog used to be what ended it).
KERAS3_TWO_BYTES = [(11485, 0o210), (11486, 0o27)]


def patched(root, source, patches, target):
    data = bytearray((root / source).read_bytes())
    for offset, value in patches:
        data[offset] = value
    target.write_bytes(bytes(data))


def crc_mismatch_npz(path):
    """np.savez_compressed's file with the first member's CRC-32 changed (local header and central directory)."""
    buf = io.BytesIO()
    np.savez_compressed(buf, w=np.arange(64, dtype=np.float32), b=np.ones(4, dtype=np.float32))
    data = bytearray(buf.getvalue())
    local = data.find(b"PK\x03\x04")
    data[local + 14] ^= 1
    central = data.find(b"PK\x01\x02")
    data[central + 16] ^= 1
    path.write_bytes(bytes(data))


def corrupt_chunk_h5(path):
    """A gzip-chunked float32 dataset whose first chunk's deflate stream is damaged (zeros in its middle)."""
    with h5py.File(path, "w", track_order=True) as f:
        f.create_dataset("w", data=np.arange(4096, dtype=np.float32), chunks=(1024,), compression="gzip")
        f["plain"] = np.arange(4, dtype=np.float32)
    with h5py.File(path, "r") as f:
        offset, size = f["w"].id.get_chunk_info(0).byte_offset, f["w"].id.get_chunk_info(0).size
    data = bytearray(path.read_bytes())
    data[offset + size // 2: offset + size // 2 + 16] = bytes(16)
    path.write_bytes(bytes(data))


def control_character_zip(path):
    """An .npz whose member name holds ESC ]0;pwned BEL (a terminal retitle) and a CR."""
    buf = io.BytesIO()
    np.save(buf, np.arange(3, dtype=np.float32))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("w\x1b]0;pwned\x07\r.npy", buf.getvalue())


def generate(root):
    out = root / "hostile_inputs"
    out.mkdir(parents=True, exist_ok=True)
    patched(root, "hdf5/nested.h5", NESTED_SIX_BYTES, out / "hdf5_crash_six_bytes.h5")
    patched(root, "hdf5/nested.h5", NESTED_THREE_BYTES, out / "hdf5_crash_heap.h5")
    patched(root, "hdf5/keras3.keras", KERAS3_TWO_BYTES, out / "keras_group_cycle.keras")
    crc_mismatch_npz(out / "crc_mismatch.npz")
    corrupt_chunk_h5(out / "corrupt_chunk.h5")
    control_character_zip(out / "control_member.npz")
    # Keys holding ESC ]0;pwned BEL, a CR, a NUL and a DEL (safetensors keeps any string).
    save_file({"evil\x1b]0;pwned\x07.weight": torch.zeros(2), "cr\r.nul\x00.del\x7f": torch.ones(3)},
              str(out / "control_keys.safetensors"))
