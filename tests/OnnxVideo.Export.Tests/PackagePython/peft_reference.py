# Reference training steps of parameter-efficient tuning written directly in PyTorch, independent of the C# graph
# rewrites: bottleneck adapters (down, optional depthwise temporal conv, GELU, up, residual, scale) after the attention
# and MLP branches of a VideoMAE-style transformer or after the residual blocks of torchvision's R(2+1)D-18, and
# VPT prompt tokens (shallow / deep). Frozen weights and the package's initial trainable tensors are loaded by name;
# torch autograd + torch.optim take the steps.
#
# phase "weights": writes random weights of the model (video_vit config or r2plus1d_18) to spec["out"]; with
#   spec["onnx"], also exports the video_vit module with torch.onnx.export.
# phase "train": JSON {model, config, weights, trainable, adapters, prompts, parameter_order, decay, optimizer,
#   label_smoothing, steps: [{video, shape, labels, lr, clip}], out} → {losses, norms}, final tensors in spec["out"].
import json, os, sys
import torch
import torch.nn.functional as F
from safetensors_io import read, write
from reference_step import clip_and_step

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Reference"))
torch.set_num_threads(2)


def bottleneck(p, site, h, spec, grid):
    tokens = h.dim() == 3
    w = lambda k: p[f"{site}.{k}"]
    z = F.linear(h, w("down.weight"), w("down.bias")) if tokens else F.conv3d(h, w("down.weight"), w("down.bias"))
    if spec["temporal"]:
        d = z.shape[-1] if tokens else z.shape[1]
        if tokens:
            pre, t, hw = grid
            end = pre + t * hw
            patches = z[:, pre:end].reshape(z.shape[0], t, hw, d).permute(0, 3, 1, 2)
            conv = F.conv2d(patches, w("temporal.weight"), w("temporal.bias"), padding=(1, 0), groups=d)
            z = torch.cat([z[:, :pre], conv.permute(0, 2, 3, 1).reshape(z.shape[0], t * hw, d), z[:, end:]], 1)
        else:
            z = F.conv3d(z, w("temporal.weight"), w("temporal.bias"), padding=(1, 0, 0), groups=d)
    a = F.gelu(z)
    u = F.linear(a, w("up.weight"), w("up.bias")) if tokens else F.conv3d(a, w("up.weight"), w("up.bias"))
    return h + spec["scale"] * u


def vit_forward(model, p, spec, video):
    from video_vit_reference import sinusoid_table
    c = model.c
    emb = model.videomae.embeddings
    x = emb.patch_embeddings.projection(video.permute(0, 2, 1, 3, 4))
    grid_t, grid_hw = x.shape[2], x.shape[3] * x.shape[4]
    x = x.flatten(2).transpose(1, 2)
    if c["pooling"] == "cls":
        x = torch.cat([emb.cls_token.expand(x.shape[0], -1, -1), x], dim=1)
    x = x + sinusoid_table(x.shape[1], x.shape[2])
    grid = (x.shape[1] - grid_t * grid_hw, grid_t, grid_hw)
    adapters, prompts = spec.get("adapters"), spec.get("prompts")
    sites = set(adapters["sites"]) if adapters else set()
    layers = model.videomae.encoder.layer
    for i, layer in enumerate(layers):
        if prompts and (prompts["deep"] or i == 0):
            tokens = p[f"prompt.{i}.tokens" if prompts["deep"] else "prompt.tokens"]
            x = torch.cat([x, tokens.expand(x.shape[0], -1, -1)], 1)
        a = layer.attention.output.dense(layer.attention.attention(layer.layernorm_before(x)))
        if f"adapter.{i}.attention" in sites:
            a = bottleneck(p, f"adapter.{i}.attention", a, adapters, grid)
        x = x + a
        m = layer.output.dense(F.gelu(layer.intermediate.dense(layer.layernorm_after(x))))
        if f"adapter.{i}.mlp" in sites:
            m = bottleneck(p, f"adapter.{i}.mlp", m, adapters, grid)
        x = x + m
        if prompts and (prompts["deep"] or i == len(layers) - 1):
            x = x[:, :-prompts["tokens"]]
    features = model.fc_norm(x.mean(1)) if c["pooling"] == "mean" else model.videomae.layernorm(x)[:, 0]
    return model.classifier(features)


def resnet_forward(model, p, spec, video):
    adapters = spec.get("adapters")
    sites = set(adapters["sites"]) if adapters else set()
    x = model.stem(video)
    k = 0
    for layer in (model.layer1, model.layer2, model.layer3, model.layer4):
        for block in layer:
            x = block(x)
            if f"adapter.{k}.block" in sites:
                x = bottleneck(p, f"adapter.{k}.block", x, adapters, None)
            k += 1
    return model.fc(model.avgpool(x).flatten(1))


def r2plus1d(classes):
    from torchvision.models.video import r2plus1d_18
    return r2plus1d_18(num_classes=classes)


def build(spec):
    weights = read(spec["weights"])
    if spec["model"] == "video_vit":
        from video_vit_reference import VideoClassifier
        model, forward = VideoClassifier(spec["config"]), vit_forward
    else:
        model, forward = r2plus1d(spec["config"]["classes"]), resnet_forward
    state = model.state_dict()
    missing = [k for k in state if k not in weights and not k.endswith("num_batches_tracked")]
    if missing:
        raise SystemExit(f"weights lack {missing[:5]}")
    model.load_state_dict({k: weights[k] if k in weights else v for k, v in state.items()})
    model.eval()
    return model, forward


def train(spec):
    model, forward = build(spec)
    for q in model.parameters():
        q.requires_grad_(False)
    initial = read(spec["trainable"])
    own = dict(model.named_parameters())
    params = {}
    for n in spec["parameter_order"]:
        if n in own:
            params[n] = own[n]
            params[n].data.copy_(initial[n])
        else:
            params[n] = torch.nn.Parameter(initial[n].clone())
        params[n].requires_grad_(True)
    names = spec["parameter_order"]
    o = spec["optimizer"]
    groups = [{"params": [params[n]], "weight_decay": o["weight_decay"] if d else 0.0} for n, d in zip(names, spec["decay"])]
    opt = torch.optim.AdamW(groups, lr=1.0, betas=(o["beta1"], o["beta2"]), eps=o["eps"])
    losses, norms = [], []
    for step in spec["steps"]:
        video = torch.from_numpy(__import__("numpy").fromfile(step["video"], dtype="<f4").copy()).reshape(step["shape"])
        loss = F.cross_entropy(forward(model, params, spec, video), torch.tensor(step["labels"]), label_smoothing=spec["label_smoothing"])
        opt.zero_grad()
        loss.backward()
        norm = clip_and_step(opt, [params[n] for n in names], step)
        losses.append(float(loss))
        norms.append(norm)
    write(spec["out"], {n: params[n].detach() for n in names})
    json.dump({"losses": losses, "norms": norms}, sys.stdout)


def main():
    spec = json.load(sys.stdin)
    if spec["phase"] == "weights":
        torch.manual_seed(spec["seed"])
        if spec["model"] == "video_vit":
            from video_vit_reference import VideoClassifier
            model = VideoClassifier(spec["config"])
        else:
            model = r2plus1d(spec["config"]["classes"])
        # Non-trivial norms, biases and running statistics, so that no term is zero or one; the ResNet keeps
        # torchvision's scaled convolution init (larger weights would blow up through 18 layers).
        with torch.no_grad():
            for name, q in model.named_parameters():
                if spec["model"] == "video_vit":
                    q.copy_(torch.randn_like(q) * (0.1 if q.dim() > 1 else 0.2) + (1.0 if "norm" in name and name.endswith("weight") else 0.0))
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm3d):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.1, 0.1)
                    m.running_mean.uniform_(-0.1, 0.1)
                    m.running_var.uniform_(0.5, 1.5)
        write(spec["out"], {k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")})
        if "onnx" in spec:
            # The same module as a foreign graph, as a user would export it (LayerNormalization needs opset 17).
            n, t, size = spec["shape"]
            torch.onnx.export(model.eval(), torch.randn(n, t, 3, size, size), spec["onnx"], opset_version=17,
                              do_constant_folding=False, input_names=["video"], output_names=["logits"],
                              dynamic_axes={"video": {0: "N"}, "logits": {0: "N"}})
        json.dump({}, sys.stdout)
    else:
        train(spec)


main()
