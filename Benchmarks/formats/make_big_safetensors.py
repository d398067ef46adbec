"""Without torch: writes the same layout as make_big.py (16 float32 tensors of 4096×4096, `layers.N.weight`) as a
.safetensors file with the standard library only (values: a repeating ramp), for run.sh to convert to big.pt."""
import json
import struct
import sys

N, SIDE = 16, 4096
size = SIDE * SIDE * 4
header = {f"layers.{i}.weight": {"dtype": "F32", "shape": [SIDE, SIDE], "data_offsets": [i * size, (i + 1) * size]}
          for i in range(N)}
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
block = struct.pack(f"<{1 << 16}f", *(x / 65536 for x in range(1 << 16)))
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text)
    for _ in range(N * size // len(block)):
        f.write(block)
