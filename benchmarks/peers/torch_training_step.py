"""PyTorch eager peer of TrainingStepBenchmarks: one training step (forward + cross-entropy + backward + AdamW) with
BatchNorm as OnnxVideo packages compile it by default (training form for full tuning, frozen for head-only and LoRA;
--batchnorm frozen for full tuning on running statistics), for the same architecture, tuning, batch, clip shape and
thread count. LoRA is the packages' default (rank 8, alpha 16 on every Conv3d but the head, peft's pair of
convolutions; the head trains too). Prints one JSON object with seconds per step.

  /usr/bin/python3 benchmarks/peers/torch_training_step.py --arch r3d_18 --tune full --batch 4 --frames 8 --size 112
"""
import argparse, json, time
import torch
import torch.nn as nn
import torchvision.models.video as video_models


class Tiny3d(nn.Module):
    """The zoo's tiny3d: four Conv3d(3×3×3, no bias)+BN+ReLU stages (stride (t,2,2)), global pool, linear head."""

    def __init__(self, classes, frames):
        super().__init__()
        stages, cin, t = [], 3, frames
        for c, ts in [(16, 1), (32, 2), (64, 2), (64, 1)]:
            ts = ts if t >= 2 else 1
            stages.append(nn.Sequential(nn.Conv3d(cin, c, 3, (ts, 2, 2), 1, bias=False), nn.BatchNorm3d(c), nn.ReLU()))
            cin, t = c, (t - 1) // ts + 1
        self.stages = nn.Sequential(*stages)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return self.fc(self.stages(x).mean(dim=(2, 3, 4)))


class LoraConv3d(nn.Module):
    """peft's LoRA of a convolution: A with the base's kernel, stride and padding (kaiming-uniform), B pointwise (zero)."""

    def __init__(self, base, rank, alpha):
        super().__init__()
        self.base, self.scale = base, alpha / rank
        self.lora_A = nn.Conv3d(base.in_channels, rank, base.kernel_size, base.stride, base.padding, base.dilation, bias=False)
        self.lora_B = nn.Conv3d(rank, base.out_channels, 1, bias=False)
        nn.init.zeros_(self.lora_B.weight)

    def forward(self, x):
        return self.base(x) + self.scale * self.lora_B(self.lora_A(x))


def add_lora(model, rank=8, alpha=16.0):
    """Wraps every Conv3d in LoRA; returns the adapters' parameters."""
    convs = [(n, m) for n, m in model.named_modules() if isinstance(m, nn.Conv3d)]
    params = []
    for name, conv in convs:
        parent, _, leaf = name.rpartition(".")
        wrapped = LoraConv3d(conv, rank, alpha)
        setattr(model.get_submodule(parent) if parent else model, leaf, wrapped)
        params += [wrapped.lora_A.weight, wrapped.lora_B.weight]
    return params



def peak_rss_bytes() -> int:
    """This interpreter's peak resident size (VmHWM; ru_maxrss would carry the parent's peak across exec)."""
    with open("/proc/self/status") as status:
        line = next(l for l in status if l.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--arch", default="tiny3d")
    p.add_argument("--tune", choices=["full", "head", "lora"], default="full")
    p.add_argument("--batchnorm", choices=["auto", "train", "frozen"], default="auto")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--frames", type=int, default=8)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iters", type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    model = Tiny3d(a.classes, a.frames) if a.arch == "tiny3d" else getattr(video_models, a.arch)(num_classes=a.classes)
    # As OnnxVideo packages do by default: BatchNorm trains (batch statistics) when its parameters do, else frozen.
    model.train(a.batchnorm == "train" or (a.batchnorm == "auto" and a.tune == "full"))
    head = ("fc.",)
    params = [q for n, q in model.named_parameters() if a.tune == "full" or n.startswith(head)]
    for n, q in model.named_parameters():
        q.requires_grad_(a.tune == "full" or n.startswith(head))
    if a.tune == "lora":
        params += add_lora(model)
    decay = [q for q in params if q.dim() > 1]
    no_decay = [q for q in params if q.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 1e-2}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-3)
    x = torch.randn(a.batch, 3, a.frames, a.size, a.size)
    y = torch.arange(a.batch) % a.classes
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()

    step()
    start = time.perf_counter()
    for _ in range(a.iters):
        step()
    per = (time.perf_counter() - start) / a.iters
    print(json.dumps({"peer": "pytorch-eager", "arch": a.arch, "tune": a.tune, "batchnorm": a.batchnorm, "batch": a.batch, "frames": a.frames,
                      "size": a.size, "threads": a.threads, "seconds_per_step": per,
                      "peak_rss_bytes": peak_rss_bytes()}))


if __name__ == "__main__":
    main()
