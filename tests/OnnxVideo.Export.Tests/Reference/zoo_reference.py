"""Reference outputs from PyTorch for OnnxVideo's model-zoo tests.

usage: zoo_reference.py OUT_DIR FRAMES SIZE CLASSES SEED ARCH [ARCH ...] [--pth=ARCH,...] [--legacy-pth=ARCH,...]

For each architecture: builds the PyTorch model (torchvision's video ResNets, or the tiny3d layout written out
here), randomises every BatchNorm's affine parameters and running statistics so they matter (and widens the head), evaluates a random
batch of 2 clips in eval mode, and writes
  ARCH.safetensors      the state dict (written by hand: torch 1.13 has no safetensors package)
  ARCH.input.f32        the input batch, raw little-endian float32, [2, 3, T, S, S]
  ARCH.logits.f32       the logits [2, CLASSES]
  ARCH.features.f32     the pooled penultimate features [2, F]
  ARCH.json             parameter count and multiply-accumulates per clip, counted with forward hooks
  ARCH.pth              for the --pth architectures: torch.save(model.state_dict()) (zip format)
  ARCH.legacy.pth       for the --legacy-pth architectures: the same in the legacy (non-zip) format
"""
import json
import os
import sys

import torch
from safetensors_io import write
import torch.nn as nn
import torchvision.models.video as video


def tiny3d(classes):
    stages = []
    in_channels = 3
    for channels, temporal_stride in [(16, 1), (32, 2), (64, 2), (64, 1)]:
        stages.append(nn.Sequential(
            nn.Conv3d(in_channels, channels, 3, stride=(temporal_stride, 2, 2), padding=1, bias=False),
            nn.BatchNorm3d(channels),
            nn.ReLU()))
        in_channels = channels
    model = nn.Module()
    model.stages = nn.Sequential(*stages)
    model.avgpool = nn.AdaptiveAvgPool3d(1)
    model.fc = nn.Linear(in_channels, classes)
    model.forward = lambda x: model.fc(model.avgpool(model.stages(x)).flatten(1))
    return model


def main():
    out_dir, frames, size, classes, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(2)
    options = dict(a[2:].split("=", 1) for a in sys.argv[6:] if a.startswith("--"))
    pth = options.get("pth", "").split(",")
    legacy_pth = options.get("legacy-pth", "").split(",")
    for arch in [a for a in sys.argv[6:] if not a.startswith("--")]:
        torch.manual_seed(seed)
        model = tiny3d(classes) if arch == "tiny3d" else getattr(video, arch)(num_classes=classes)
        with torch.no_grad():
            for module in model.modules():
                if isinstance(module, nn.BatchNorm3d):
                    module.weight.uniform_(0.5, 1.5)
                    module.bias.uniform_(-0.2, 0.2)
                    module.running_mean.uniform_(-0.2, 0.2)
                    module.running_var.uniform_(0.5, 2.0)
            # A wider head than the 0.01 default makes logits of order 1, so the 1e-4 comparison is a strict one.
            model.fc.weight.normal_(0, 0.1)
            model.fc.bias.uniform_(-0.1, 0.1)
        model.eval()

        macs = [0]

        def count(module, inputs, output):
            if isinstance(module, nn.Conv3d):
                kernel = module.kernel_size[0] * module.kernel_size[1] * module.kernel_size[2]
                macs[0] += output[0].numel() * module.in_channels // module.groups * kernel
            elif isinstance(module, nn.Linear):
                macs[0] += module.in_features * module.out_features

        features = {}
        for module in model.modules():
            if isinstance(module, (nn.Conv3d, nn.Linear)):
                module.register_forward_hook(count)
        model.avgpool.register_forward_hook(lambda m, i, o: features.__setitem__("value", o.flatten(1)))

        x = torch.randn(2, 3, frames, size, size)
        with torch.no_grad():
            logits = model(x)
        prefix = os.path.join(out_dir, arch)
        write(prefix + ".safetensors", model.state_dict())
        if arch in pth:
            torch.save(model.state_dict(), prefix + ".pth")
        if arch in legacy_pth:
            torch.save(model.state_dict(), prefix + ".legacy.pth", _use_new_zipfile_serialization=False)
        x.numpy().tofile(prefix + ".input.f32")
        logits.numpy().tofile(prefix + ".logits.f32")
        features["value"].numpy().tofile(prefix + ".features.f32")
        with open(prefix + ".json", "w") as f:
            json.dump({
                "parameters": sum(p.numel() for p in model.parameters()),
                "macs_per_clip": macs[0],
                "features": features["value"].shape[1],
            }, f)


if __name__ == "__main__":
    main()
