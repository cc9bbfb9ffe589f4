# A torchvision video ResNet (reduced depth, one block per stage, unless "layers" says e.g. [2, 2, 2, 2], which with
# blocks "2plus1d" is torchvision's r2plus1d_18 and with "3d" its r3d_18), exported with torch.onnx.export, and three reference training steps of
# the same module with torch autograd + torch.optim. The export is in eval form; training runs in train() form, as
# fully fine-tuned packages do (BatchNorm with batch statistics, running statistics updated).
# With "lora", training wraps the listed Conv3d modules in peft-style LoRA (a Conv3d in->r with the module's kernel,
# stride, padding and dilation, then a pointwise Conv3d r->out, scaled), starting from the package's initial A and B;
# only the adapters and the head train and BatchNorm stays in eval() form, as LoRA packages compile it.
import json, sys
import torch
import torch.nn.functional as F
from torchvision.models.video.resnet import VideoResNet, BasicBlock, Conv3DSimple, Conv3DNoTemporal, Conv2Plus1D, BasicStem, R2Plus1dStem
from safetensors_io import read, write
from reference_step import clip_and_step


class LoraConv3d(torch.nn.Module):
    def __init__(self, base, a, b, scale):
        super().__init__()
        self.base, self.scale = base, scale
        self.lora_A = torch.nn.Conv3d(base.in_channels, a.shape[0], base.kernel_size, base.stride, base.padding, base.dilation, bias=False)
        self.lora_B = torch.nn.Conv3d(a.shape[0], base.out_channels, 1, bias=False)
        with torch.no_grad():
            self.lora_A.weight.copy_(a)
            self.lora_B.weight.copy_(b)

    def forward(self, x):
        return self.base(x) + self.scale * self.lora_B(self.lora_A(x))


def add_lora(model, lora):
    initial = read(lora["initial"])
    modules = dict(model.named_modules())
    params = {}
    for weight in lora["weights"]:
        path = weight[:-len(".weight")]
        parent, _, leaf = path.rpartition(".")
        wrapped = LoraConv3d(modules[path], initial[weight + ".lora_A"], initial[weight + ".lora_B"], lora["scale"])
        setattr(modules[parent] if parent else model, leaf, wrapped)
        params[weight + ".lora_A"] = wrapped.lora_A.weight
        params[weight + ".lora_B"] = wrapped.lora_B.weight
    return params

spec = json.load(sys.stdin)
torch.set_num_threads(2)
torch.manual_seed(spec["seed"])
layers = spec.get("layers", [1, 1, 1, 1])
if spec.get("blocks") == "2plus1d":
    model = VideoResNet(BasicBlock, [Conv2Plus1D] * 4, layers, R2Plus1dStem, num_classes=spec["classes"])
else:
    model = VideoResNet(BasicBlock, [Conv3DSimple] * 4, layers, BasicStem, num_classes=spec["classes"]) if spec.get("blocks") == "r3d" else \
        VideoResNet(BasicBlock, [Conv3DSimple, Conv3DNoTemporal, Conv3DNoTemporal, Conv3DNoTemporal], layers, BasicStem, num_classes=spec["classes"])
# Non-trivial running statistics, so that their update is really tested.
for m in model.modules():
    if isinstance(m, torch.nn.BatchNorm3d):
        m.running_mean.uniform_(-0.1, 0.1)
        m.running_var.uniform_(0.5, 1.5)
model.eval()
shape = spec["shape"]
batches = [(torch.randn(shape), torch.randint(0, spec["classes"], (shape[0],))) for _ in range(spec["step_count"])]
if spec["phase"] == "export":
    torch.onnx.export(model, batches[0][0], spec["onnx"], training=torch.onnx.TrainingMode.PRESERVE,
                      do_constant_folding=False, opset_version=17, input_names=["video"], output_names=["logits"],
                      dynamic_axes={"video": {0: "N"}, "logits": {0: "N"}})
    for k, (x, y) in enumerate(batches):
        x.numpy().tofile(spec["videos"][k])
    json.dump({"labels": [y.tolist() for _, y in batches], "parameters": [n for n, _ in model.named_parameters()],
               "statistics": [n for n, _ in model.named_buffers() if n.endswith(("running_mean", "running_var"))]}, sys.stdout)
    sys.exit(0)

params = dict(model.named_parameters())
if spec.get("lora"):
    params.update(add_lora(model, spec["lora"]))
else:
    model.train()
names = [n for n in spec["parameter_order"]]
for n, p in params.items():
    p.requires_grad_(n in names)
groups = [{"params": [params[n]], "weight_decay": spec["weight_decay"] if params[n].dim() > 1 else 0.0} for n in names]
if spec["optimizer"] == "adamw":
    opt = torch.optim.AdamW(groups, lr=1.0, eps=spec["eps"])
else:
    opt = torch.optim.SGD(groups, lr=1.0, momentum=0.9, nesterov=True)
losses, norms = [], []
for (x, y), step in zip(batches, spec["steps"]):
    loss = F.cross_entropy(model(x), y, label_smoothing=spec["label_smoothing"])
    opt.zero_grad()
    loss.backward()
    norms.append(clip_and_step(opt, [params[n] for n in names], step))
    losses.append(float(loss))
statistics = {n: b for n, b in model.named_buffers() if n.endswith(("running_mean", "running_var"))}
write(spec["out"], {**{n: params[n].detach() for n in names}, **statistics})
json.dump({"losses": losses, "norms": norms}, sys.stdout)
