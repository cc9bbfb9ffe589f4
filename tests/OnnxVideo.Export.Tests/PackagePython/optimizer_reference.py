# Reference for the in-graph optimizers: torch.optim.AdamW / SGD and clip_grad_norm_ applied to given gradients.
# stdin: a list of cases; stdout: one result per case.
import json, sys
import torch
from reference_step import clip_and_step


def run(spec):
    params = [torch.tensor(p["value"], dtype=torch.float32).reshape(p["shape"]).requires_grad_() for p in spec["params"]]
    groups = [{"params": [p], "weight_decay": spec["weight_decay"] if q["decay"] else 0.0}
              for p, q in zip(params, spec["params"])]
    if spec["kind"] == "adamw":
        opt = torch.optim.AdamW(groups, lr=1.0, betas=(spec["beta1"], spec["beta2"]), eps=spec["eps"])
    else:
        opt = torch.optim.SGD(groups, lr=1.0, momentum=spec["momentum"], nesterov=spec["nesterov"])
    norms = []
    for step in spec["steps"]:
        for p, g in zip(params, step["grads"]):
            p.grad = torch.tensor(g, dtype=torch.float32).reshape(p.shape)
        norms.append(clip_and_step(opt, params, step))
    state = [{k: v.reshape(-1).tolist() for k, v in opt.state[p].items() if k != "step" and v is not None} for p in params]
    return {"params": [p.detach().reshape(-1).tolist() for p in params], "norms": norms, "state": state}


json.dump([run(case) for case in json.load(sys.stdin)], sys.stdout)
