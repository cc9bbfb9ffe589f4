# Reference training steps for an exported graph: the graph (dumped to JSON by the test) is evaluated op by op with
# torch functions, the loss is torch's cross-entropy, gradients come from torch autograd and updates from torch.optim.
# Dropout nodes listed in "dropout_sites" run in training form with the package's documented seeded mask, computed here
# from its definition (p = 2^31 - 1; h = ((i + 1) s + salt) mod p; twice h = (h^5 mod p) a + b mod p; keep h >= ceil(r p)).
import json, math, sys
import torch
import torch.nn.functional as F
from safetensors_io import read, write
from reference_step import clip_and_step

torch.set_num_threads(2)


def conv(x, w, b, a):
    nd = w.dim() - 2
    pads = a.get("pads", [0] * (2 * nd))
    begin, end = pads[:nd], pads[nd:]
    if begin != end:
        x = F.pad(x, [p for i in reversed(range(nd)) for p in (begin[i], end[i])])
        begin = [0] * nd
    fn = [None, F.conv1d, F.conv2d, F.conv3d][nd]
    return fn(x, w, b, a.get("strides", [1] * nd), begin, a.get("dilations", [1] * nd), a.get("group", 1))


PRIME = 2147483647
ROUNDS = [(1103515245, 12345), (69069, 907633385)]


def seeded_keep(shape, seed, salt, ratio):
    h = (torch.arange(1, math.prod(shape) + 1, dtype=torch.int64) * seed + salt) % PRIME
    for a, b in ROUNDS:
        h2 = h * h % PRIME
        h5 = (h2 * h2 % PRIME) * h % PRIME
        h = (h5 * a + b) % PRIME
    return (h >= math.ceil(ratio * PRIME)).reshape(shape)


class DropoutSites:
    def __init__(self, sites):
        self.sites = {s["output"]: s for s in sites}
        self.seed = None
        self.dropped = {}

    def apply(self, output, x):
        site = self.sites.get(output)
        if site is None or self.seed is None:
            return x
        ratio = float(torch.tensor(site["ratio"], dtype=torch.float32))
        keep = seeded_keep(list(x.shape), self.seed, site["salt"], ratio)
        self.dropped[output] = self.dropped.get(output, 0) + int((~keep).sum())
        return x * keep.to(x.dtype) / (1 - ratio)


def reshape(x, shape):
    shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape.tolist())]
    return x.reshape(shape)


def axes_of(a, inputs, index):
    if "axes" in a:
        return a["axes"]
    return inputs[index].tolist() if len(inputs) > index and inputs[index] is not None else None


def slice_(x, starts, ends, axes=None, steps=None):
    axes = axes.tolist() if axes is not None else list(range(len(starts)))
    steps = steps.tolist() if steps is not None else [1] * len(axes)
    index = [slice(None)] * x.dim()
    for s, e, ax, st in zip(starts.tolist(), ends.tolist(), axes, steps):
        n = x.shape[ax]
        s = max(min(s + n if s < 0 else s, n), 0)
        e = max(min(e + n if e < 0 else e, n), 0)
        if st != 1:
            raise SystemExit("slice with step != 1 not supported by the reference")
        index[ax] = slice(s, e)
    return x[tuple(index)]


def gather(x, idx, axis):
    if idx.dim() == 0:
        return x.select(axis, int(idx) % x.shape[axis])
    flat = idx.reshape(-1) % x.shape[axis]
    out = x.index_select(axis, flat)
    return out.reshape(list(x.shape[:axis]) + list(idx.shape) + list(x.shape[axis + 1:]))


def run_node(op, i, a, training_statistics):
    if op == "Conv": return conv(i[0], i[1], i[2] if len(i) > 2 else None, a)
    if op == "BatchNormalization":
        # Running statistics listed as buffers train like torch's model.train(); ONNX momentum is 1 - torch's.
        training = any(i[3] is s for s in training_statistics)
        return F.batch_norm(i[0], i[3], i[4], i[1], i[2], training, 1.0 - a.get("momentum", 0.9), a.get("epsilon", 1e-5))
    if op == "Relu": return F.relu(i[0])
    if op == "GlobalAveragePool": return i[0].mean(dim=tuple(range(2, i[0].dim())), keepdim=True)
    if op == "Flatten":
        ax = a.get("axis", 1)
        return i[0].reshape(int(math.prod(i[0].shape[:ax])), -1)
    if op == "Gemm":
        x = i[0].t() if a.get("transA", 0) else i[0]
        w = i[1].t() if a.get("transB", 0) else i[1]
        y = a.get("alpha", 1.0) * (x @ w)
        return y + a.get("beta", 1.0) * i[2] if len(i) > 2 and i[2] is not None else y
    if op == "MatMul": return torch.matmul(i[0], i[1])
    if op == "Add": return i[0] + i[1]
    if op == "Sub": return i[0] - i[1]
    if op == "Mul": return i[0] * i[1]
    if op == "Div": return i[0] / i[1]
    if op == "Pow": return torch.pow(i[0], i[1])
    if op == "Sqrt": return torch.sqrt(i[0])
    if op == "Exp": return torch.exp(i[0])
    if op == "Log": return torch.log(i[0])
    if op == "Erf": return torch.erf(i[0])
    if op == "Tanh": return torch.tanh(i[0])
    if op == "Sigmoid": return torch.sigmoid(i[0])
    if op == "Neg": return -i[0]
    if op == "Reshape": return reshape(i[0], i[1])
    if op == "Transpose": return i[0].permute(a["perm"]) if "perm" in a else i[0].permute(*reversed(range(i[0].dim())))
    if op == "Softmax": return torch.softmax(i[0], a.get("axis", -1))
    if op == "LogSoftmax": return torch.log_softmax(i[0], a.get("axis", -1))
    if op == "LayerNormalization":
        ax = a.get("axis", -1) % i[0].dim()
        return F.layer_norm(i[0], i[0].shape[ax:], i[1], i[2] if len(i) > 2 else None, a.get("epsilon", 1e-5))
    if op in ("ReduceMean", "ReduceSum"):
        axes = axes_of(a, i, 1)
        keep = bool(a.get("keepdims", 1))
        fn = torch.mean if op == "ReduceMean" else torch.sum
        return fn(i[0], dim=tuple(axes), keepdim=keep) if axes else fn(i[0])
    if op == "Concat": return torch.cat(i, dim=a["axis"])
    if op == "Expand": return i[0].expand(torch.broadcast_shapes(i[0].shape, tuple(i[1].tolist())))
    if op == "Gather": return gather(i[0], i[1], a.get("axis", 0) % i[0].dim())
    if op == "Shape": return torch.tensor(list(i[0].shape)[a.get("start", 0):a.get("end", i[0].dim())], dtype=torch.int64)
    if op == "Unsqueeze":
        x = i[0]
        for ax in sorted(ax % (x.dim() + len(axes_of(a, i, 1))) for ax in axes_of(a, i, 1)):
            x = x.unsqueeze(ax)
        return x
    if op == "Squeeze":
        axes = axes_of(a, i, 1)
        return i[0].squeeze() if axes is None else i[0].squeeze(tuple(ax % i[0].dim() for ax in axes))
    if op == "Slice": return slice_(*i[:5]) if len(i) >= 3 else None
    if op in ("Identity", "Dropout"): return i[0]
    if op == "Cast": return i[0].to({1: torch.float32, 7: torch.int64, 9: torch.bool, 11: torch.float64}[a["to"]])
    if op == "Constant": return a["value"]
    if op == "ConstantOfShape":
        value = a.get("value", torch.zeros(1))
        return torch.full(tuple(i[0].tolist()), float(value.reshape(-1)[0]), dtype=value.dtype)
    raise SystemExit(f"op {op} not supported by the reference interpreter")


def forward(graph, values, logits_name, training_statistics, dropout):
    needed, nodes = {logits_name}, []
    for n in reversed(graph["nodes"]):
        if any(o in needed for o in n["outputs"]):
            nodes.append(n)
            needed.update(x for x in n["inputs"] if x)
    env = dict(values)
    for n in reversed(nodes):
        out = run_node(n["op"], [env[x] if x else None for x in n["inputs"]], n["attributes"], training_statistics)
        env[n["outputs"][0]] = dropout.apply(n["outputs"][0], out) if n["op"] == "Dropout" else out
    return env[logits_name]


def decode_attributes(graph):
    for n in graph["nodes"]:
        for k, v in list(n["attributes"].items()):
            if isinstance(v, dict) and "tensor" in v:
                dtype = torch.int64 if v["dtype"] == "I64" else torch.float32
                n["attributes"][k] = torch.tensor(v["tensor"], dtype=dtype).reshape(v["dims"])


def mix_batch(video, labels, mix, classes, smoothing):
    """timm's Mixup (mode "batch") with given parameters: the batch against its flip, CutMix boxes over all frames
    (the last two dimensions), lambda corrected by the box area; mixup_target with label smoothing."""
    lam = mix["lam"]
    if mix["cutmix"]:
        top, bottom, left, right = mix["box"]
        video = video.clone()
        video[..., top:bottom, left:right] = video.flip(0)[..., top:bottom, left:right]
        lam = 1.0 - (bottom - top) * (right - left) / float(video.shape[-2] * video.shape[-1])
    elif lam < 1.0:
        video = video.mul(lam).add_(video.flip(0).mul(1.0 - lam))
    off = smoothing / classes
    on = 1.0 - smoothing + off
    def one_hot(y):
        return torch.full((y.size(0), classes), off).scatter_(1, y.view(-1, 1), on)
    return video, one_hot(labels) * lam + one_hot(labels.flip(0)) * (1.0 - lam)


def main():
    spec = json.load(sys.stdin)
    graph = json.load(open(spec["graph"]))
    decode_attributes(graph)
    constants = read(spec["initializers"])
    names = spec["parameter_order"]
    stored = read(spec["trainable"])
    params = {k: stored[k].clone().requires_grad_() for k in names}
    buffers = {k: stored[k].clone() for k in spec["buffers"]}
    opt_spec = spec["optimizer"]
    groups = [{"params": [params[n]], "weight_decay": opt_spec["weight_decay"] if d else 0.0}
              for n, d in zip(names, spec["decay"])]
    if opt_spec["kind"] == "adamw":
        opt = torch.optim.AdamW(groups, lr=1.0, betas=(opt_spec["beta1"], opt_spec["beta2"]), eps=opt_spec["eps"])
    else:
        opt = torch.optim.SGD(groups, lr=1.0, momentum=opt_spec["momentum"], nesterov=opt_spec["nesterov"])
    losses, norms = [], []
    ema_decay = spec.get("ema")
    # timm's ModelEmaV2 over the state dict (parameters and running statistics), starting at the initial weights.
    ema = {k: v.detach().clone() for k, v in {**params, **buffers}.items()} if ema_decay else {}
    dropout = DropoutSites(spec.get("dropout_sites") or [])
    for step in spec["steps"]:
        dropout.seed = step.get("dropout_seed")
        video = torch.frombuffer(bytearray(open(step["video"], "rb").read()), dtype=torch.float32).reshape(step["shape"])
        labels = torch.tensor(step["labels"], dtype=torch.int64)
        env = dict(constants)
        env.update(params)
        env.update(buffers)
        env[spec["video_name"]] = video
        if "mix" in step:
            video, targets = mix_batch(video, labels, step["mix"], spec["classes"], spec["label_smoothing"])
            env[spec["video_name"]] = video
        logits = forward(graph, env, spec["logits"], list(buffers.values()), dropout)
        if "mix" in step:
            # timm's SoftTargetCrossEntropy.
            loss = torch.sum(-targets * F.log_softmax(logits, dim=-1), dim=-1).mean()
        else:
            loss = F.cross_entropy(logits, labels, label_smoothing=spec["label_smoothing"])
        opt.zero_grad()
        loss.backward()
        norm = clip_and_step(opt, [params[n] for n in names], step)
        with torch.no_grad():
            for k, v in {**params, **buffers}.items():
                if k in ema:
                    ema[k].copy_(ema[k] * ema_decay + (1.0 - ema_decay) * v)
        losses.append(float(loss))
        norms.append(float(norm))
    write(spec["out"], {**{n: params[n].detach() for n in names}, **buffers, **{"ema/" + k: v for k, v in ema.items()}})
    json.dump({"losses": losses, "norms": norms, "dropped": dropout.dropped}, sys.stdout)


if __name__ == "__main__":
    main()
