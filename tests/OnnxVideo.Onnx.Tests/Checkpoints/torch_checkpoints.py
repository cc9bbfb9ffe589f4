"""Checkpoints for OnnxVideo's PyTorch-checkpoint reader tests, written by Debian's PyTorch.

usage: torch_checkpoints.py OUT_DIR

Writes
  zip.pth, legacy.pth   one state dict in torch.save's zip and legacy formats (and zip-p4.pth, legacy-p4.pth with
                        pickle protocol 4): float32, float16, bfloat16, float64 and
                        int64 tensors, a transposed (non-contiguous) view, a slice sharing a storage at an offset, a
                        0-d scalar; and a 'module.'-prefixed copy in wrapped.pth inside {'epoch': 3, 'state_dict': ...}
  NAME.f32              each tensor's values in row-major order as float32, and shapes.json with every shape
  hostile-*.pth         pickles that would run code (os.system, builtins.eval, subprocess.Popen), in the zip layout
                        torch uses and as a bare legacy-style pickle; each would create OUT_DIR/canary
  control-canary        created by unpickling the os.system payload with Python's own pickle, showing the payloads work
"""
import collections
import json
import os
import pickle
import subprocess
import sys
import zipfile

import torch


class Payload:
    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def state_dict():
    torch.manual_seed(3)
    big = torch.randn(12)
    sd = collections.OrderedDict()
    sd["conv.weight"] = torch.randn(4, 3, 1, 2, 2)
    sd["half"] = torch.randn(2, 5).half()
    sd["bf16"] = torch.randn(3, 3).bfloat16()
    sd["double"] = torch.randn(7).double()
    sd["count"] = torch.tensor(41, dtype=torch.int64)
    sd["transposed"] = torch.randn(3, 4).t()
    sd["big"] = big
    sd["slice"] = big[5:9]
    sd["scalar"] = torch.tensor(2.5)
    return sd


def write_zip(path, pickled):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", pickled)
        z.writestr("archive/version", "3\n")


def main():
    out = sys.argv[1]
    sd = state_dict()
    assert not sd["transposed"].is_contiguous()
    torch.save(sd, os.path.join(out, "zip.pth"))
    torch.save(sd, os.path.join(out, "legacy.pth"), _use_new_zipfile_serialization=False)
    torch.save(sd, os.path.join(out, "zip-p4.pth"), pickle_protocol=4)
    torch.save(sd, os.path.join(out, "legacy-p4.pth"), _use_new_zipfile_serialization=False, pickle_protocol=4)
    wrapped = collections.OrderedDict(("module." + k, v) for k, v in sd.items())
    torch.save({"epoch": 3, "state_dict": wrapped}, os.path.join(out, "wrapped.pth"))
    shapes = {}
    for name, tensor in sd.items():
        tensor.double().contiguous().reshape(-1).float().numpy().tofile(os.path.join(out, name + ".f32"))
        shapes[name] = list(tensor.shape)
    with open(os.path.join(out, "shapes.json"), "w") as f:
        json.dump(shapes, f)

    canary = os.path.join(out, "canary")
    payloads = {
        "system": (os.system, ("touch " + canary,)),
        "eval": (eval, ("open(%r, 'w')" % canary,)),
        "popen": (subprocess.Popen, (["touch", canary],)),
    }
    for name, (func, args) in payloads.items():
        for protocol in (2, 4):
            write_zip(os.path.join(out, f"hostile-{name}-p{protocol}.pth"), pickle.dumps(Payload(func, args), protocol=protocol))
    # A legacy-layout file whose first pickle is the payload (where the magic number belongs).
    with open(os.path.join(out, "hostile-system-legacy.pth"), "wb") as f:
        f.write(pickle.dumps(Payload(*payloads["system"]), protocol=2))
    # The payload hidden as a state-dict value, after a real tensor.
    hidden = collections.OrderedDict(weight=torch.ones(2), evil=Payload(*payloads["system"]))
    torch.save(hidden, os.path.join(out, "hostile-hidden.pth"))

    control = os.path.join(out, "control-canary")
    pickle.loads(pickle.dumps(Payload(os.system, ("touch " + control,)), protocol=2))


if __name__ == "__main__":
    main()
