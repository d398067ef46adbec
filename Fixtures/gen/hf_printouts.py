"""print(model) of tiny transformers models whose layers subclass torch's without changing how they print
(BartScaledWordEmbedding and BartLearnedPositionalEmbedding are nn.Embedding, WhisperPositionalEmbedding too,
ConvNextLayerNorm is nn.LayerNorm's signature), with their state_dict keys and shapes and parameter counts, for the
catalog's matching of unknown classes by their printed arguments."""
import json
import pathlib

import torch
import transformers
from transformers import BartConfig, BartModel, ConvNextConfig, ConvNextModel, WhisperConfig, WhisperModel


def models():
    small = dict(d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2, decoder_attention_heads=2,
                 encoder_ffn_dim=64, decoder_ffn_dim=64)
    yield "bart", BartModel(BartConfig(vocab_size=100, max_position_embeddings=64, pad_token_id=1, **small)), [
        ("shared", "BartScaledWordEmbedding"), ("encoder.embed_positions", "BartLearnedPositionalEmbedding")]
    yield "whisper", WhisperModel(WhisperConfig(vocab_size=100, num_mel_bins=8, max_source_positions=32, max_target_positions=32,
                                                pad_token_id=0, bos_token_id=1, eos_token_id=2, decoder_start_token_id=1, **small)), [
        ("decoder.embed_positions", "WhisperPositionalEmbedding")]
    yield "convnext", ConvNextModel(ConvNextConfig(num_channels=3, hidden_sizes=[16, 32], depths=[1, 1], num_stages=2)), [
        ("embeddings.layernorm", "ConvNextLayerNorm")]


def generate(root: pathlib.Path):
    out = root / "hf_printouts"
    out.mkdir(parents=True, exist_ok=True)
    for name, model, subclasses in models():
        torch.manual_seed(0)
        (out / f"{name}.txt").write_text(str(model) + "\n")
        layers = {}
        for path, cls in subclasses:
            m = model.get_submodule(path)
            assert type(m).__name__ == cls, (path, type(m).__name__)
            layers[path] = {"repr": repr(m), "class": cls, "torch_class": [c.__name__ for c in type(m).__mro__ if c.__module__.startswith("torch.nn")][0],
                            "keys": [[k, list(v.shape)] for k, v in m.state_dict().items()],
                            "parameters": sum(p.numel() for p in m.parameters())}
        manifest = {
            "transformers": transformers.__version__, "torch": torch.__version__,
            "keys": [[k, list(v.shape)] for k, v in model.state_dict().items()],
            "parameters": sum(p.numel() for p in model.parameters()),
            "state_dict_numel": sum(v.numel() for v in model.state_dict().values()),
            "subclasses": layers,
        }
        (out / f"{name}.json").write_text(json.dumps(manifest, indent=1) + "\n")
