"""print(model) text of a module holding every layer ckpt's engine implements, and of toy GPT-2, LLaMA and EfficientNet
models (with their state_dict keys and shapes and parameter counts), for the model-file parser and catalog tests."""
import pathlib

import torch
import torch.nn as nn

import _hf_layers as hf
from _toy_models import EfficientNet, GPT2LMHeadModel, LlamaForCausalLM, _printout


class AllLayers(nn.Module):
    def __init__(self):
        super().__init__()
        self.param = nn.Parameter(torch.zeros(3, 4))
        self.layers = nn.ModuleDict({
            "identity": nn.Identity(), "linear": nn.Linear(4, 8), "linear_nb": nn.Linear(4, 8, bias=False),
            "bilinear": nn.Bilinear(3, 4, 5), "flatten": nn.Flatten(), "unflatten": nn.Unflatten(1, (2, 5)),
            "conv1d": nn.Conv1d(16, 33, 3, stride=2), "conv2d": nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1)),
            "conv3d": nn.Conv3d(16, 33, (3, 5, 2), stride=(2, 1, 1), padding=(4, 2, 0)), "conv_g": nn.Conv2d(4, 8, 3, groups=2, bias=False, padding="same"),
            "convt": nn.ConvTranspose2d(4, 8, 3, stride=2, padding=1, output_padding=1),
            "maxpool1d": nn.MaxPool1d(3), "maxpool2d": nn.MaxPool2d((3, 2), stride=(2, 1)), "maxpool_idx": nn.MaxPool2d(2, stride=2, return_indices=True),
            "maxpool3d": nn.MaxPool3d(2, ceil_mode=True), "unpool": nn.MaxUnpool2d(2, stride=2),
            "avgpool1d": nn.AvgPool1d(3), "avgpool2d": nn.AvgPool2d((3, 2), stride=(2, 1)), "avgpool3d": nn.AvgPool3d(2, count_include_pad=False),
            "adaptive": nn.AdaptiveAvgPool2d((5, 7)), "adaptive1": nn.AdaptiveAvgPool2d(1),
            "zeropad": nn.ZeroPad2d(3), "constpad": nn.ConstantPad2d((1, 2, 3, 4), 3.5), "reflpad": nn.ReflectionPad2d(2), "replpad": nn.ReplicationPad2d(3),
            "relu": nn.ReLU(), "relu_ip": nn.ReLU(inplace=True), "leaky": nn.LeakyReLU(0.1), "elu": nn.ELU(), "gelu": nn.GELU(), "gelu_tanh": nn.GELU(approximate="tanh"),
            "sigmoid": nn.Sigmoid(), "tanh": nn.Tanh(), "softplus": nn.Softplus(), "softmax": nn.Softmax(dim=1), "logsoftmax": nn.LogSoftmax(dim=-1),
            "bn1d": nn.BatchNorm1d(100), "bn2d": nn.BatchNorm2d(100, affine=False), "bn_nt": nn.BatchNorm2d(10, momentum=None, track_running_stats=False),
            "ln": nn.LayerNorm(10), "ln2": nn.LayerNorm([4, 5], eps=1e-6, elementwise_affine=False), "gn": nn.GroupNorm(2, 4),
            "dropout": nn.Dropout(p=0.2), "embedding": nn.Embedding(10, 3), "embedding_pad": nn.Embedding(10, 3, padding_idx=0),
            "rnn": nn.RNN(10, 20, 2), "lstm": nn.LSTM(10, 20, num_layers=2, batch_first=True), "gru": nn.GRU(10, 20, 2, bidirectional=True, dropout=0.1),
            "rnncell": nn.RNNCell(10, 20), "lstmcell": nn.LSTMCell(10, 20), "grucell": nn.GRUCell(10, 20, bias=False),
            "cos": nn.CosineSimilarity(dim=1, eps=1e-6), "pixel": nn.PixelShuffle(3), "up": nn.Upsample(scale_factor=2, mode="bilinear"),
            "up_bilinear": nn.UpsamplingBilinear2d(scale_factor=2), "up_nearest": nn.Upsample(size=(4, 4)),
            "mha": nn.MultiheadAttention(8, 2), "encoder": nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16),
            "l1": nn.L1Loss(), "mse": nn.MSELoss(), "ce": nn.CrossEntropyLoss(), "nll": nn.NLLLoss(), "kl": nn.KLDivLoss(reduction="batchmean"),
            "bce": nn.BCELoss(), "bcel": nn.BCEWithLogitsLoss(),
            "silu": nn.SiLU(), "silu_ip": nn.SiLU(inplace=True), "mish": nn.Mish(), "hardswish": nn.Hardswish(),
            "hardsigmoid": nn.Hardsigmoid(), "relu6": nn.ReLU6(), "relu6_ip": nn.ReLU6(inplace=True), "hardtanh": nn.Hardtanh(),
            "hardtanh_ints": nn.Hardtanh(-2, 3, inplace=True), "selu": nn.SELU(), "celu": nn.CELU(), "celu_int": nn.CELU(2),
            "logsigmoid": nn.LogSigmoid(), "softsign": nn.Softsign(), "tanhshrink": nn.Tanhshrink(), "softmin": nn.Softmin(),
            "softmin1": nn.Softmin(dim=1), "softmax2d": nn.Softmax2d(), "threshold": nn.Threshold(0.1, 20),
            "threshold_f": nn.Threshold(1, 2.0, True), "hardshrink": nn.Hardshrink(), "hardshrink1": nn.Hardshrink(1),
            "softshrink": nn.Softshrink(), "prelu": nn.PReLU(), "prelu64": nn.PReLU(64), "glu": nn.GLU(), "glu1": nn.GLU(dim=1),
            "dropout1d": nn.Dropout1d(), "dropout2d": nn.Dropout2d(p=0.2), "dropout3d": nn.Dropout3d(0.1, inplace=True),
            "alphadropout": nn.AlphaDropout(), "featurealphadropout": nn.FeatureAlphaDropout(p=1),
            "adaptiveavg1d": nn.AdaptiveAvgPool1d(3), "adaptiveavg3d": nn.AdaptiveAvgPool3d((2, None, 3)),
            "adaptiveavg3d_int": nn.AdaptiveAvgPool3d(1), "adaptiveavg2d_none": nn.AdaptiveAvgPool2d((None, 7)),
            "adaptivemax1d": nn.AdaptiveMaxPool1d(3), "adaptivemax2d": nn.AdaptiveMaxPool2d((2, 3), return_indices=True),
            "adaptivemax3d": nn.AdaptiveMaxPool3d(2),
            "instancenorm1d": nn.InstanceNorm1d(4), "instancenorm2d": nn.InstanceNorm2d(64, affine=True),
            "instancenorm2d_nb": nn.InstanceNorm2d(8, affine=True, bias=False),
            "instancenorm3d": nn.InstanceNorm3d(3, eps=1e-3, momentum=None, track_running_stats=True),
            "rmsnorm": nn.RMSNorm(4), "rmsnorm2": nn.RMSNorm([4, 5], eps=1e-6, elementwise_affine=False), "rmsnorm_int": nn.RMSNorm(7, eps=1e-5),
            "lrn": nn.LocalResponseNorm(2), "lrn_k": nn.LocalResponseNorm(3, alpha=1e-3, beta=0.5, k=2),
            "pixelunshuffle": nn.PixelUnshuffle(2), "channelshuffle": nn.ChannelShuffle(4),
            "hf_conv1d": hf.Conv1D(2304, 768), "hf_llama_rmsnorm": hf.LlamaRMSNorm(4096), "hf_gemma_rmsnorm": hf.GemmaRMSNorm(256),
            "stochastic_depth": hf.StochasticDepth(0.2, "row"),
            **{"hf_" + cls.__name__: cls() for cls in hf.ACTIVATIONS},
            "pairwise": nn.PairwiseDistance(), "pairwise_p3": nn.PairwiseDistance(p=3.0, keepdim=True),
        })
        self.seq = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
        self.empty = nn.Sequential()
        self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(4)])
        self.plist = nn.ParameterList([nn.Parameter(torch.zeros(3, 4)), nn.Parameter(torch.zeros(2, dtype=torch.float16))])
        self.plist1 = nn.ParameterList([nn.Parameter(torch.zeros(5))])
        self.pdict = nn.ParameterDict({"a": nn.Parameter(torch.zeros(2, 2))})


def generate(root: pathlib.Path):
    out = root / "model_reprs"
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(5)
    _printout(out, "all_layers", AllLayers())
    _printout(out, "gpt2_toy", GPT2LMHeadModel())
    _printout(out, "llama_toy", LlamaForCausalLM())
    _printout(out, "efficientnet_toy", EfficientNet())
