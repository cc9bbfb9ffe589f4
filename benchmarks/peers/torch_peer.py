"""PyTorch eager peer for the OnnxVideo benchmarks.

Times a forward pass or a full training step (forward + cross-entropy + backward + AdamW) of a torchvision
video model on random data, with a fixed thread count, and prints one JSON object:
{"peer": "pytorch", "arch": ..., "mode": ..., "seconds_per_iter": ..., "iters": ...}

Run with Debian's interpreter: /usr/bin/python3 benchmarks/peers/torch_peer.py --arch r2plus1d_18 --mode forward
"""
import argparse
import json
import time

import torch
import torchvision.models.video as video_models


def build(arch: str, classes: int) -> torch.nn.Module:
    factory = getattr(video_models, arch, None)
    if factory is None:
        raise SystemExit(f"unknown architecture {arch}")
    return factory(num_classes=classes)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--arch", default="r2plus1d_18")
    p.add_argument("--mode", choices=["forward", "train-full", "train-head"], default="forward")
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--frames", type=int, default=8)
    p.add_argument("--size", type=int, default=112)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    model = build(a.arch, a.classes)
    x = torch.randn(a.batch, 3, a.frames, a.size, a.size)
    y = torch.randint(0, a.classes, (a.batch,))

    if a.mode == "forward":
        model.eval()

        def step() -> None:
            with torch.no_grad():
                model(x)
    else:
        model.train()
        if a.mode == "train-head":
            for name, param in model.named_parameters():
                param.requires_grad = name.startswith("fc.")
        params = [q for q in model.parameters() if q.requires_grad]
        opt = torch.optim.AdamW(params, lr=1e-3)
        loss_fn = torch.nn.CrossEntropyLoss()

        def step() -> None:
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()

    for _ in range(a.warmup):
        step()
    start = time.perf_counter()
    for _ in range(a.iters):
        step()
    elapsed = (time.perf_counter() - start) / a.iters
    print(json.dumps({"peer": "pytorch", "arch": a.arch, "mode": a.mode, "batch": a.batch, "frames": a.frames,
                      "size": a.size, "threads": a.threads, "iters": a.iters, "seconds_per_iter": elapsed}))


if __name__ == "__main__":
    main()
