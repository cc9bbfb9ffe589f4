# How far float32 PyTorch is from itself on an ill-conditioned first AdamW step: the gradients of one training step of
# a torchvision video model (BatchNorm trained, the weights of TorchvisionModelTests) in float64 and in float32 under
# three valid configurations (2 threads with oneDNN convolutions, 1 thread, the im2col convolutions). For each other
# configuration it prints the sign flips against float64 that it has and the reference has not, and the other way
# round (TorchvisionModelTests' flip counts), in all and per tensor where they differ by more than that test allows.
# Usage: /usr/bin/python3 torch_float32_spread.py r2plus1d_18 2x3x8x112x112
import sys
import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models import video

name, shape = sys.argv[1], [int(v) for v in sys.argv[2].split("x")]


def build():
    torch.manual_seed(0)
    model = getattr(video, name)(num_classes=4)
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm3d):
            c = m.num_features
            m.weight.data = torch.rand(c, generator=g) + 0.5
            m.bias.data = torch.rand(c, generator=g) * 0.2 - 0.1
            m.running_mean.data = torch.rand(c, generator=g) * 0.2 - 0.1
            m.running_var.data = torch.rand(c, generator=g) + 0.5
    return model.train()


gen = torch.Generator().manual_seed(2)
x = torch.randn(shape, generator=gen)
y = torch.randint(0, 4, (shape[0],), generator=gen)


def gradients(dtype, threads=2, onednn=True):
    torch.set_num_threads(threads)
    torch.backends.mkldnn.enabled = onednn
    model = build().to(dtype)
    F.cross_entropy(model(x.to(dtype)), y, label_smoothing=0.1).backward()
    return {n: p.grad.double() for n, p in model.named_parameters()}


def wrong(g, truth):
    # Adam's first step moves an element by about ±lr: its sign is wrong where float64's is clearly not 0.
    return (torch.sign(g) != torch.sign(truth)) & (truth.abs() > 1e-7)


truth = gradients(torch.float64)
reference = gradients(torch.float32)
for label, config in [("1 thread", dict(threads=1)), ("im2col", dict(onednn=False))]:
    other = gradients(torch.float32, **config)
    mine = theirs = 0
    apart = []
    for n in truth:
        wo, wr = wrong(other[n], truth[n]), wrong(reference[n], truth[n])
        fo, fr = int((wo & ~wr).sum()), int((wr & ~wo).sum())
        mine, theirs = mine + fo, theirs + fr
        slack = 3 * (fo + fr) ** 0.5
        if fo > 1.5 * fr + 2 + slack or fr > 1.5 * fo + 2 + slack:
            apart.append(f"{n} {fo}/{fr}")
    print(f"{label}: {mine} flips against the reference's {theirs}; tensors apart: {', '.join(apart) or 'none'}", flush=True)
