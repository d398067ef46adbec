"""What a Python user runs to list an .h5 or .safetensors file's keys, dtypes and shapes (metadata only)."""
import sys
path = sys.argv[1]
if path.endswith(".h5"):
    import h5py
    with h5py.File(path, "r") as f:
        f.visititems(lambda k, v: print(k, v.dtype, v.shape) if isinstance(v, h5py.Dataset) else None)
else:
    from safetensors import safe_open
    with safe_open(path, framework="pt") as f:
        for k in f.keys():
            s = f.get_slice(k)
            print(k, s.get_dtype(), s.get_shape())
