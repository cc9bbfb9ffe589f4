"""LwF distillation reference: CE with soft targets + weight*T^2*KL(softmax(teacher/T) || softmax(student_old/T)),
for a linear classifier logits = x W^T + b, with PyTorch's kl_div (reduction="batchmean") and autograd in float64.
JSON on stdin: n, classes, old_classes, temperature, weight, x, w, b, targets, teacher. JSON on stdout: loss, kd, w_grad, b_grad."""
import json
import sys

import torch
import torch.nn.functional as F

d = json.load(sys.stdin)
n, classes, k, t = d["n"], d["classes"], d["old_classes"], d["temperature"]
x = torch.tensor(d["x"], dtype=torch.float64).reshape(n, -1)
w = torch.tensor(d["w"], dtype=torch.float64).reshape(classes, -1).requires_grad_()
b = torch.tensor(d["b"], dtype=torch.float64).requires_grad_()
targets = torch.tensor(d["targets"], dtype=torch.float64).reshape(n, classes)
teacher = torch.tensor(d["teacher"], dtype=torch.float64).reshape(n, k)
logits = x @ w.T + b
ce = -(targets * F.log_softmax(logits, dim=1)).sum(dim=1).mean()
kd = F.kl_div(F.log_softmax(logits[:, :k] / t, dim=1), F.softmax(teacher / t, dim=1), reduction="batchmean") * t * t * d["weight"]
loss = ce + kd
loss.backward()
print(json.dumps({"loss": loss.item(), "kd": kd.item(), "w_grad": w.grad.flatten().tolist(), "b_grad": b.grad.tolist()}))
