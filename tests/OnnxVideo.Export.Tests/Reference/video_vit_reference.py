"""Reference forward pass of a VideoMAE-style video transformer for VideoVitTests, written independently of the
C# graph builder (Hugging Face transformers is not installed, so the module is spelled out here).

usage: video_vit_reference.py OUT_DIR CONFIG_JSON [CONFIG_JSON ...]

For each config (its "name" names the sub-folder), writes OUT_DIR/<name>/: weights.safetensors (random weights
under Hugging Face VideoMAE state-dict names, written by hand: 8-byte little-endian header length, JSON header,
raw little-endian bytes), the same state dict as weights.pth (torch.save, as a pytorch_model.bin), input.bin ([N, T, C, S, S] float32), logits.bin and meta.json (parameter count, shape).
"""
import json
import math
import os
import sys

import numpy as np
import torch
from safetensors_io import write
from torch import nn


def sinusoid_table(positions, width):
    table = np.array([[pos / np.power(10000, 2 * (j // 2) / width) for j in range(width)] for pos in range(positions)])
    table[:, 0::2] = np.sin(table[:, 0::2])
    table[:, 1::2] = np.cos(table[:, 1::2])
    return torch.tensor(table, dtype=torch.float32).unsqueeze(0)


class SelfAttention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(width, width, bias=False)
        self.key = nn.Linear(width, width, bias=False)
        self.value = nn.Linear(width, width, bias=False)
        self.q_bias = nn.Parameter(torch.zeros(width))
        self.v_bias = nn.Parameter(torch.zeros(width))

    def forward(self, x):
        n, l, d = x.shape
        hd = d // self.heads
        q = nn.functional.linear(x, self.query.weight, self.q_bias)
        k = nn.functional.linear(x, self.key.weight, torch.zeros_like(self.v_bias))
        v = nn.functional.linear(x, self.value.weight, self.v_bias)
        split = lambda t: t.view(n, l, self.heads, hd).transpose(1, 2)
        q, k, v = split(q), split(k), split(v)
        probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd), dim=-1)
        return (probs @ v).transpose(1, 2).reshape(n, l, d)


class Dense(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.dense = nn.Linear(n_in, n_out)


class Attention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.attention = SelfAttention(width, heads)
        self.output = Dense(width, width)


class Layer(nn.Module):
    def __init__(self, width, heads, mlp, eps):
        super().__init__()
        self.attention = Attention(width, heads)
        self.intermediate = Dense(width, mlp)
        self.output = Dense(mlp, width)
        self.layernorm_before = nn.LayerNorm(width, eps=eps)
        self.layernorm_after = nn.LayerNorm(width, eps=eps)

    def forward(self, x):
        x = x + self.attention.output.dense(self.attention.attention(self.layernorm_before(x)))
        h = nn.functional.gelu(self.intermediate.dense(self.layernorm_after(x)))
        return x + self.output.dense(h)


class PatchEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        k = (c["tubelet"], c["patch"], c["patch"])
        self.projection = nn.Conv3d(3, c["width"], kernel_size=k, stride=k)


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.patch_embeddings = PatchEmbeddings(c)
        if c["pooling"] == "cls":
            self.cls_token = nn.Parameter(torch.zeros(1, 1, c["width"]))


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c["width"], c["heads"], c["mlp"], 1e-12) for _ in range(c["depth"])])


class Backbone(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)
        if c["pooling"] == "cls":
            self.layernorm = nn.LayerNorm(c["width"], eps=1e-12)


class VideoClassifier(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.videomae = Backbone(c)
        if c["pooling"] == "mean":
            self.fc_norm = nn.LayerNorm(c["width"])
        self.classifier = nn.Linear(c["width"], c["classes"])

    def forward(self, pixel_values):
        emb = self.videomae.embeddings
        x = emb.patch_embeddings.projection(pixel_values.permute(0, 2, 1, 3, 4)).flatten(2).transpose(1, 2)
        if self.c["pooling"] == "cls":
            x = torch.cat([emb.cls_token.expand(x.shape[0], -1, -1), x], dim=1)
        x = x + sinusoid_table(x.shape[1], x.shape[2])
        for layer in self.videomae.encoder.layer:
            x = layer(x)
        if self.c["pooling"] == "mean":
            features = self.fc_norm(x.mean(1))
        else:
            features = self.videomae.layernorm(x)[:, 0]
        return self.classifier(features)


def main():
    for text in sys.argv[2:]:
        c = json.loads(text)
        make_reference(os.path.join(sys.argv[1], c["name"]), c)


def make_reference(out_dir, c):
    torch.manual_seed(c.get("seed", 0))
    model = VideoClassifier(c).eval()
    # Random everything, biases and norms included, so that no term is trivially zero or one.
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.randn_like(p) * (0.1 if name.endswith("weight") and p.dim() > 1 else 0.5) + (1.0 if "norm" in name and name.endswith("weight") else 0.0))
    n, t, s = c["batch"], c["frames"], c["size"]
    video = torch.randn(n, t, 3, s, s)
    with torch.no_grad():
        logits = model(video)
    os.makedirs(out_dir, exist_ok=True)
    write(os.path.join(out_dir, "weights.safetensors"), dict(model.state_dict()))
    torch.save(model.state_dict(), os.path.join(out_dir, "weights.pth"))
    video.numpy().astype("<f4").tofile(os.path.join(out_dir, "input.bin"))
    logits.numpy().astype("<f4").tofile(os.path.join(out_dir, "logits.bin"))
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump({"parameters": sum(p.numel() for p in model.parameters()), "logits": list(logits.shape)}, f)


if __name__ == "__main__":
    main()
