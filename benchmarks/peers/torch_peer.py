"""PyTorch eager peer for the OnnxVideo benchmarks.

Times a forward pass of a torchvision video model (or tiny3d, shared with torch_training_step.py, the training-step
peer) on random data, with a fixed thread count, and prints one JSON object:
{"peer": "pytorch", "arch": ..., "mode": ..., "seconds_per_iter": ..., "iters": ...}

Run with Debian's interpreter: /usr/bin/python3 benchmarks/peers/torch_peer.py --arch r2plus1d_18 --mode forward
"""
import argparse
import json
import time

import torch
import torchvision.models.video as video_models

from torch_training_step import Tiny3d



def peak_rss_bytes() -> int:
    """This interpreter's peak resident size (VmHWM; ru_maxrss would carry the parent's peak across exec)."""
    with open("/proc/self/status") as status:
        line = next(l for l in status if l.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024

def build(arch: str, classes: int, frames: int) -> torch.nn.Module:
    if arch == "tiny3d":
        return Tiny3d(classes, frames)
    factory = getattr(video_models, arch, None)
    if factory is None:
        raise SystemExit(f"unknown architecture {arch}")
    return factory(num_classes=classes)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--arch", default="r2plus1d_18")
    p.add_argument("--mode", choices=["forward"], default="forward")
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
    model = build(a.arch, a.classes, a.frames).eval()
    x = torch.randn(a.batch, 3, a.frames, a.size, a.size)

    def step() -> None:
        with torch.no_grad():
            model(x)

    for _ in range(a.warmup):
        step()
    start = time.perf_counter()
    for _ in range(a.iters):
        step()
    elapsed = (time.perf_counter() - start) / a.iters
    print(json.dumps({"peer": "pytorch", "arch": a.arch, "mode": a.mode, "batch": a.batch, "frames": a.frames,
                      "size": a.size, "threads": a.threads, "iters": a.iters, "seconds_per_iter": elapsed,
                      "peak_rss_bytes": peak_rss_bytes()}))


if __name__ == "__main__":
    main()
