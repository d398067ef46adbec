"""DCP's own metadata read: FileSystemReader(dir).read_metadata() (pickle.load of .metadata), then one line per
key with its global shape and dtype, as `ckpt inspect` lists them."""
import sys

from torch.distributed.checkpoint import FileSystemReader
from torch.distributed.checkpoint.metadata import TensorStorageMetadata

meta = FileSystemReader(sys.argv[1]).read_metadata()
for key, item in meta.state_dict_metadata.items():
    if isinstance(item, TensorStorageMetadata):
        print(key, str(item.properties.dtype).replace('torch.', ''), list(item.size))
    else:
        print(key, 'bytes')
