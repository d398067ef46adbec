"""torch.distributed.checkpoint.format_utils.dcp_to_torch_save(dir, out): DCP's own conversion to one .pt."""
import sys
import warnings

from torch.distributed.checkpoint.format_utils import dcp_to_torch_save

warnings.filterwarnings('ignore')
dcp_to_torch_save(sys.argv[1], sys.argv[2])
