# An independent PyTorch implementation of the video_caption model (video_vit encoder, or tiny3d's last feature map as
# tokens, + transformer decoder), written from the architecture's description, not from the ONNX graph: it loads the
# package's initial weights, takes the given AdamW steps with teacher forcing and PyTorch's
# CrossEntropyLoss(ignore_index=PAD, label_smoothing), and writes the final weights (and BatchNorm running statistics,
# updated as model.train() does). JSON in on stdin, JSON out on stdout.
import json, math, sys
import torch
import torch.nn.functional as F
from safetensors_io import read, write
from reference_step import clip_and_step

torch.use_deterministic_algorithms(True)


def sinusoid(positions, width):
    table = torch.zeros(positions, width, dtype=torch.float64)
    for pos in range(positions):
        for j in range(width):
            angle = pos / math.pow(10000, 2.0 * (j // 2) / width)
            table[pos, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    return table.float().unsqueeze(0)


def heads(x, h):
    n, l, d = x.shape
    return x.reshape(n, l, h, d // h).transpose(1, 2)


def attention(q, k, v, h, mask=None):
    q, k, v = heads(q, h), heads(k, h), heads(v, h)
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    context = torch.softmax(scores, dim=-1) @ v
    n, _, l, _ = context.shape
    return context.transpose(1, 2).reshape(n, l, -1)


# Bottleneck adapters (x + branch + scale·up(GELU(down(branch))) on a residual branch) and VPT prompt tokens (appended
# to the encoder's tokens, dropped after the block) are used where the weights have them.
def adapt(p, site, branch, c):
    if site + ".down.weight" not in p:
        return branch
    z = F.gelu(F.linear(branch, p[site + ".down.weight"], p[site + ".down.bias"]))
    return branch + c["adapterScale"] * F.linear(z, p[site + ".up.weight"], p[site + ".up.bias"])


def prompts(p, i, depth):
    """The prompt tokens joined before encoder block i, and whether they are dropped after it."""
    if f"prompt.{i}.tokens" in p:
        return p[f"prompt.{i}.tokens"], True
    shallow = p.get("prompt.tokens")
    return (shallow if i == 0 else None), shallow is not None and i == depth - 1


def encode(p, c, video):
    e = c["encoder"]
    x = F.conv3d(video.permute(0, 2, 1, 3, 4), p["videomae.embeddings.patch_embeddings.projection.weight"],
                 p["videomae.embeddings.patch_embeddings.projection.bias"], stride=(e["tubelet"], e["patch"], e["patch"]))
    x = x.flatten(2).transpose(1, 2)
    x = x + p["videomae.embeddings.position_embeddings"]
    d, eps = x.shape[-1], e["layerNormEpsilon"]
    count = 0
    for i in range(e["depth"]):
        joined, dropped = prompts(p, i, e["depth"])
        if joined is not None:
            count = joined.shape[1]
            x = torch.cat([x, joined.expand(x.shape[0], -1, -1)], 1)
        a = f"videomae.encoder.layer.{i}."
        h = F.layer_norm(x, (d,), p[a + "layernorm_before.weight"], p[a + "layernorm_before.bias"], eps)
        s = a + "attention.attention."
        q = F.linear(h, p[s + "query.weight"], p[s + "q_bias"])
        k = F.linear(h, p[s + "key.weight"])
        v = F.linear(h, p[s + "value.weight"], p[s + "v_bias"])
        o = a + "attention.output.dense."
        x = x + adapt(p, f"adapter.{i}.attention", F.linear(attention(q, k, v, e["heads"]), p[o + "weight"], p[o + "bias"]), c)
        h = F.layer_norm(x, (d,), p[a + "layernorm_after.weight"], p[a + "layernorm_after.bias"], eps)
        h = F.gelu(F.linear(h, p[a + "intermediate.dense.weight"], p[a + "intermediate.dense.bias"]))
        x = x + adapt(p, f"adapter.{i}.mlp", F.linear(h, p[a + "output.dense.weight"], p[a + "output.dense.bias"]), c)
        if dropped:
            x = x[:, :-count]
    return F.layer_norm(x, (d,), p["decoder.memory_norm.weight"], p["decoder.memory_norm.bias"], c["layerNormEpsilon"])


TINY3D_STAGES = [(16, 1), (32, 2), (64, 2), (64, 1)]


def encode_tiny3d(p, c, video):
    # tiny3d up to before global pooling: Conv3d 3x3x3 (no bias) + BatchNorm in training mode + ReLU per stage.
    x = video
    for i, (_, temporal_stride) in enumerate(TINY3D_STAGES):
        t = temporal_stride if x.shape[2] >= 2 else 1
        x = F.conv3d(x, p[f"stages.{i}.0.weight"], stride=(t, 2, 2), padding=1)
        b = f"stages.{i}.1."
        x = F.relu(F.batch_norm(x, p[b + "running_mean"], p[b + "running_var"], p[b + "weight"], p[b + "bias"],
                                training=True, momentum=0.1, eps=1e-5))
    tokens = x.flatten(2).transpose(1, 2)
    x = F.linear(tokens, p["decoder.memory_proj.weight"], p["decoder.memory_proj.bias"]) + p["decoder.memory_positions.weight"]
    return F.layer_norm(x, (x.shape[-1],), p["decoder.memory_norm.weight"], p["decoder.memory_norm.bias"], c["layerNormEpsilon"])


def decode(p, c, memory, tokens):
    n, l = tokens.shape
    d, eps, h = memory.shape[-1], c["layerNormEpsilon"], c["heads"]
    x = F.embedding(tokens, p["decoder.embed_tokens.weight"]) + p["decoder.embed_positions.weight"][:l]
    future = torch.triu(torch.ones(l, l, dtype=torch.bool), diagonal=1)

    def lin(x, name):
        return F.linear(x, p[name + ".weight"], p.get(name + ".bias"))

    def norm(x, name):
        return F.layer_norm(x, (d,), p[name + ".weight"], p[name + ".bias"], eps)

    for i in range(c["layers"]):
        a = f"decoder.layers.{i}."
        y = norm(x, a + "self_attn_layer_norm")
        s = a + "self_attn."
        b = f"adapter.decoder.{i}."
        x = x + adapt(p, b + "self_attention", lin(attention(lin(y, s + "q_proj"), lin(y, s + "k_proj"), lin(y, s + "v_proj"), h, future), s + "out_proj"), c)
        y = norm(x, a + "encoder_attn_layer_norm")
        s = a + "encoder_attn."
        x = x + adapt(p, b + "cross_attention", lin(attention(lin(y, s + "q_proj"), lin(memory, s + "k_proj"), lin(memory, s + "v_proj"), h), s + "out_proj"), c)
        y = norm(x, a + "final_layer_norm")
        x = x + adapt(p, b + "mlp", lin(F.gelu(lin(y, a + "fc1")), a + "fc2"), c)
    x = norm(x, "decoder.layer_norm")
    weight = p["decoder.embed_tokens.weight"] if c["tieEmbeddings"] else p["lm_head.weight"]
    return F.linear(x, weight, p["lm_head.bias"])


def main():
    spec = json.load(sys.stdin)
    config = spec["config"]
    config["adapterScale"] = spec["adapter_scale"]
    stored = read(spec["weights"])
    names = spec["parameter_order"]
    params = {k: stored[k].clone().requires_grad_() for k in names}
    buffers = {k: stored[k].clone() for k in spec.get("buffers", [])}
    params.update(buffers)
    cnn = config.get("cnnEncoder")
    if cnn is None:
        e = config["encoder"]
        tokens_per_clip = (spec["shape"][1] // e["tubelet"]) * (spec["shape"][3] // e["patch"]) ** 2
        table = sinusoid(tokens_per_clip, e["width"])
        # The package stores VideoMAE's fixed sinusoid table as a tensor of the model; it must be the table itself.
        assert torch.allclose(stored["videomae.embeddings.position_embeddings"], table, atol=1e-6)
        encoder = encode
    else:
        assert cnn["architecture"] == "tiny3d"
        encoder = encode_tiny3d
    opt_spec = spec["optimizer"]
    groups = [{"params": [params[n]], "weight_decay": opt_spec["weight_decay"] if d else 0.0} for n, d in zip(names, spec["decay"])]
    opt = torch.optim.AdamW(groups, lr=1.0, betas=(opt_spec["beta1"], opt_spec["beta2"]), eps=opt_spec["eps"])
    losses, norms, first_logits = [], [], None
    for step in spec["steps"]:
        video = torch.tensor(step["video"], dtype=torch.float32).reshape(spec["shape"])
        tokens = torch.tensor(step["tokens"], dtype=torch.int64)
        targets = torch.tensor(step["targets"], dtype=torch.int64)
        logits = decode(params, config, encoder(params, config, video), tokens)
        if first_logits is None:
            first_logits = logits.detach().flatten().tolist()
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=spec["pad"],
                               label_smoothing=spec["label_smoothing"])
        opt.zero_grad()
        loss.backward()
        norm = clip_and_step(opt, [params[n] for n in names], step)
        losses.append(float(loss))
        norms.append(norm)
    write(spec["out"], {n: params[n].detach() for n in list(names) + list(buffers)})
    json.dump({"losses": losses, "norms": norms, "logits": first_logits}, sys.stdout)


if __name__ == "__main__":
    main()
