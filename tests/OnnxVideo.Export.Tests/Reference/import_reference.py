"""Makes the foreign ONNX classifiers and PyTorch reference outputs for ImportTests.

usage: import_reference.py OUT_DIR

For each case, OUT_DIR/<case>/ gets model.onnx (torch.onnx.export, opset 17), input.bin (float32, the clip batch
to evaluate), features.bin (the input of the classification head) and logits.bin, plus shapes in meta.json.
"""
import json
import os
import sys

import torch
from torch import nn
from torchvision.models.video import mc3_18, r3d_18


def randomise_batchnorm(model, generator):
    # torchvision initialises BatchNorm to the identity; random statistics make folding (or not) matter.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm3d):
            c = m.num_features
            m.weight.data = torch.rand(c, generator=generator) + 0.5
            m.bias.data = torch.rand(c, generator=generator) * 0.2 - 0.1
            m.running_mean.data = torch.rand(c, generator=generator) * 0.2 - 0.1
            m.running_var.data = torch.rand(c, generator=generator) + 0.5


class TinyMatMulHead(nn.Module):
    """A small classifier whose head exports as MatMul + Add + Squeeze and whose flatten uses a literal batch."""

    def __init__(self, classes):
        super().__init__()
        self.conv = nn.Conv3d(3, 8, kernel_size=3, padding=1)
        self.pool = nn.AdaptiveAvgPool3d(1)
        self.fc = nn.Linear(8, classes)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv(x)))
        x = x.view(x.size(0), -1).unsqueeze(1)
        return self.fc(x).squeeze(1)


def write(path, tensor):
    tensor.detach().contiguous().numpy().astype("<f4").tofile(path)


def make_case(out_dir, name, model, export_input, eval_input, dynamic, training_mode, fold):
    case = os.path.join(out_dir, name)
    os.makedirs(case, exist_ok=True)
    model.eval()
    captured = {}
    model.fc.register_forward_hook(lambda mod, inp, out: captured.__setitem__("features", inp[0]))
    with torch.no_grad():
        torch.onnx.export(
            model, export_input, os.path.join(case, "model.onnx"), opset_version=17,
            input_names=["clip"], output_names=["logits"],
            dynamic_axes={"clip": {0: "batch"}, "logits": {0: "batch"}} if dynamic else None,
            training=training_mode, do_constant_folding=fold)
        logits = model(eval_input)
    features = captured["features"].reshape(eval_input.shape[0], -1)
    write(os.path.join(case, "input.bin"), eval_input)
    write(os.path.join(case, "features.bin"), features)
    write(os.path.join(case, "logits.bin"), logits)
    with open(os.path.join(case, "meta.json"), "w") as f:
        json.dump({"input": list(eval_input.shape), "features": list(features.shape), "logits": list(logits.shape)}, f)


def main():
    out_dir = sys.argv[1]
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    clip = torch.randn(3, 3, 4, 32, 32, generator=g)

    r3d = r3d_18(num_classes=10)
    randomise_batchnorm(r3d, g)
    # Eval-mode export folds BatchNorm into the convolutions.
    make_case(out_dir, "r3d_18_folded", r3d, clip[:2], clip, True, torch.onnx.TrainingMode.EVAL, True)

    mc3 = mc3_18(num_classes=6)
    randomise_batchnorm(mc3, g)
    # PRESERVE without constant folding keeps the BatchNormalization nodes.
    make_case(out_dir, "mc3_18_batchnorm", mc3, clip[:2], clip, True, torch.onnx.TrainingMode.PRESERVE, False)

    # Exported with a fixed batch of 2, evaluated with 3.
    make_case(out_dir, "tiny_fixed_batch", TinyMatMulHead(5), clip[:2], clip, False, torch.onnx.TrainingMode.EVAL, True)


if __name__ == "__main__":
    main()
