# Every torchvision video classifier, exported with torch.onnx.export in two variants, and one reference AdamW step.
#   folded:    BatchNorm fused into the convolutions (torch.nn.utils.fusion), eval-mode export with constant folding;
#              the reference trains the same fused model.
#   preserved: TrainingMode.PRESERVE without constant folding: BatchNorm stays and trains with batch statistics.
# The train phase starts from the exported ONNX initializers (matched to torch parameters by name, else by value,
# transposed where constant folding transposed a MatMul weight), so both sides start from the same numbers.
import json, sys
import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval
from torchvision.models import video
from torchvision.models.video.mvit import MViT, MSBlockConfig
from torchvision.ops import StochasticDepth
from safetensors_io import write

spec = json.load(sys.stdin)
# The arbiter of ill-conditioned steps also runs float32 PyTorch in other valid configurations (one thread; the plain
# im2col convolutions instead of oneDNN's) to measure how far float32 PyTorch is from itself.
torch.set_num_threads(spec.get("threads", 2))
torch.backends.mkldnn.enabled = spec.get("onednn", True)


def tiny_mvit(v2, classes):
    # Two blocks of torchvision's MViT at 4x32x32: the same class-token expand, tensor_split, squeeze and (v2)
    # relative position bias as mvit_v1_b / mvit_v2_s, at a size a test can afford.
    blocks = [MSBlockConfig(1, 16, 16, [3, 3, 3], [3, 3, 3], [1, 1, 1], [1, 2, 2]),
              MSBlockConfig(2, 16, 32, [3, 3, 3], [3, 3, 3], [1, 2, 2], [1, 1, 1])]
    return MViT((32, 32), 4, blocks, residual_pool=v2, residual_with_cls_embed=not v2, rel_pos_embed=v2,
                proj_after_attn=v2, num_classes=classes)


def last_conv(module):
    if isinstance(module, nn.Conv3d):
        return module
    if isinstance(module, nn.Sequential) and len(module) > 0:
        return last_conv(module[-1])
    return None


def replace_last(module, conv):
    if isinstance(module, nn.Conv3d):
        return conv
    module[-1] = replace_last(module[-1], conv)
    return module


def fuse(module):
    for child in module.children():
        fuse(child)
    if isinstance(module, nn.Sequential):
        for i in range(len(module) - 1):
            conv, bn = last_conv(module[i]), module[i + 1]
            if conv is not None and isinstance(bn, nn.BatchNorm3d):
                module[i] = replace_last(module[i], fuse_conv_bn_eval(conv, bn))
                module[i + 1] = nn.Identity()


def build():
    torch.manual_seed(spec["seed"])
    name, classes = spec["model"], spec["classes"]
    if name.startswith("tiny_mvit"):
        model = tiny_mvit(name.endswith("v2"), classes)
    else:
        kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in spec.get("kwargs", {}).items()}
        model = getattr(video, name)(num_classes=classes, **kwargs)
    if spec.get("unit_pool"):
        # s3d's fixed 2x7x7 average pool needs 16x224x224 clips; a 1x1x1 pool keeps its head's ops at a small size.
        model.avgpool = nn.AvgPool3d((1, 1, 1))
    g = torch.Generator().manual_seed(spec["seed"] + 1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm3d):
            c = m.num_features
            m.weight.data = torch.rand(c, generator=g) + 0.5
            m.bias.data = torch.rand(c, generator=g) * 0.2 - 0.1
            m.running_mean.data = torch.rand(c, generator=g) * 0.2 - 0.1
            m.running_var.data = torch.rand(c, generator=g) + 0.5
    model.eval()
    if spec["variant"] == "folded":
        fuse(model)
        assert not any(isinstance(m, nn.BatchNorm3d) for m in model.modules()), "a BatchNorm was not fused"
    return model


model = build()
shape = spec["shape"]
gen = torch.Generator().manual_seed(spec["seed"] + 2)
x = torch.randn(shape, generator=gen)
y = torch.randint(0, spec["classes"], (shape[0],), generator=gen)

if spec["phase"] == "export":
    folded = spec["variant"] == "folded"
    with torch.no_grad():
        torch.onnx.export(model, x, spec["onnx"], opset_version=17, input_names=["video"], output_names=["logits"],
                          dynamic_axes={"video": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=folded,
                          training=torch.onnx.TrainingMode.EVAL if folded else torch.onnx.TrainingMode.PRESERVE)
        logits = model(x)
    x.numpy().astype("<f4").tofile(spec["video"])
    json.dump({"labels": y.tolist(), "logits": logits.reshape(-1).tolist()}, sys.stdout)
    sys.exit(0)

exported = onnx.load(spec["onnx"]).graph
initial = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in exported.initializer}
# The exporter stores parameters with equal values once and names the others by Identity nodes; the package trains
# each name as its own parameter, as torch does.
for node in exported.node:
    if node.op_type == "Identity" and node.input[0] in initial:
        initial[node.output[0]] = initial[node.input[0]]
params = dict(model.named_parameters())
buffers = dict(model.named_buffers())
claimed, mapping, unmatched = set(), {}, []
for name in spec["parameter_order"]:
    t = initial.get(name)
    if t is None:
        unmatched.append(name)
        continue
    candidates = [name] if name in params and params[name].shape == t.shape else []
    candidates += [n for n, p in params.items() if n not in claimed and p.shape == t.shape and torch.allclose(p, t, rtol=1e-4, atol=1e-6)]
    transposed = [n for n, p in params.items() if n not in claimed and p.dim() == 2 and p.t().shape == t.shape and torch.allclose(p.t(), t, rtol=1e-4, atol=1e-6)]
    if candidates:
        mapping[name] = (candidates[0], False)
    elif transposed:
        mapping[name] = (transposed[0], True)
    else:
        # e.g. constant folding merged two parameters into one tensor (MViT's positional embeddings)
        unmatched.append(name)
        continue
    claimed.add(mapping[name][0])
if unmatched and not spec.get("loss_only"):
    raise SystemExit(f"no torch parameter for the package parameters {unmatched}")
with torch.no_grad():
    for name, (torch_name, how) in mapping.items():
        t = initial[name]
        params[torch_name].copy_(t.t() if how else t)
for n, p in params.items():
    p.requires_grad_(n in claimed)
model.train()
# The exported graphs are deterministic (eval-mode export): no dropout and no stochastic depth (MViT's default 0.2).
for m in model.modules():
    if isinstance(m, (nn.Dropout, StochasticDepth)):
        m.eval()
if spec.get("dtype") == "float64":
    # The arbiter for ill-conditioned steps: the same start, batch and update in double precision.
    model.double()
    x = x.double()
names = [n for n in spec["parameter_order"] if n in mapping]
ordered = [params[mapping[n][0]] for n in names]
groups = [{"params": [p], "weight_decay": spec["weight_decay"] if initial[n].dim() > 1 else 0.0} for n, p in zip(names, ordered)]
opt = torch.optim.AdamW(groups, lr=spec["lr"], eps=spec["eps"])
loss = F.cross_entropy(model(x), y, label_smoothing=spec["label_smoothing"])
opt.zero_grad()
loss.backward()
norm = torch.norm(torch.stack([torch.norm(p.grad) for p in ordered]))
grad_norms = {n: float(torch.norm(p.grad)) for n, p in zip(names, ordered)}
opt.step()
out = {}
for name, (torch_name, how) in mapping.items():
    p = params[torch_name].detach()
    out[name] = (p.t().contiguous() if how else p).float()
for name in spec.get("buffer_order", []):
    out[name] = buffers[name].detach().float()
write(spec["out"], out)
json.dump({"loss": float(loss), "norm": float(norm), "unmatched": unmatched, "grad_norms": grad_norms}, sys.stdout)
