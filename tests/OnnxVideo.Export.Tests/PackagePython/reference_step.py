# The optimizer step the reference scripts share: the gradient norm (clipped as clip_grad_norm_ does when the step
# has a clip), then one step of the optimizer at the step's learning rate.
import torch


def clip_and_step(opt, params, step):
    """Returns the gradient norm of params before clipping, as the packages' train step reports it."""
    if step["clip"] > 0:
        norm = torch.nn.utils.clip_grad_norm_(params, step["clip"])
    else:
        norm = torch.norm(torch.stack([torch.norm(p.grad) for p in params]))
    for g in opt.param_groups:
        g["lr"] = step["lr"]
    opt.step()
    return float(norm)
