"""Golden fixtures for layer norm, masked multi-head attention and batch norm.

Writes Tests/CVRAutogradTests/Golden/{layer_norm,masked_attention,batch_norm}.json.
Inputs are drawn in float32 (so the Swift tests read them exactly) and every
computation runs in float64. Gradients are those of sum(output * W) for a fixed
random W that is stored in the fixture. Run: /tmp/torchenv/bin/python <this file>.
"""
import json
import math
import pathlib

import torch

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "CVRAutogradTests" / "Golden"


def draw(generator, *shape, low=-1.0, high=1.0):
    """Uniform float32 values, returned as a float64 leaf that requires grad."""
    x = torch.rand(*shape, generator=generator, dtype=torch.float32) * (high - low) + low
    return x.double().requires_grad_(True)


def entry(t):
    t = t.detach().double()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def write(name, tensors):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    lines = [f"  {json.dumps(k)}: {json.dumps(entry(v))}" for k, v in tensors.items()]
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print("wrote", path)


def layer_norm(g):
    x = draw(g, 3, 17, low=-2.0, high=4.0)
    gain = draw(g, 17, low=0.5, high=1.5)
    bias = draw(g, 17)
    y = torch.nn.functional.layer_norm(x, (17,), gain, bias, eps=1e-5)
    w = draw(g, 3, 17).detach()
    (y * w).sum().backward()
    write("layer_norm.json", {"x": x, "gain": gain, "bias": bias, "w": w, "y": y,
                              "dx": x.grad, "dgain": gain.grad, "dbias": bias.grad})


def masked_attention(g):
    B, Tq, Tk, H, dk, dv = 2, 3, 5, 2, 3, 4
    q = draw(g, B, Tq, H * dk)
    k = draw(g, B, Tk, H * dk)
    v = draw(g, B, Tk, H * dv)
    mask = torch.ones(B, Tk, dtype=torch.float64)
    mask[1, Tk - 2:] = 0
    qh = q.view(B, Tq, H, dk).transpose(1, 2)
    kh = k.view(B, Tk, H, dk).transpose(1, 2)
    vh = v.view(B, Tk, H, dv).transpose(1, 2)
    scores = qh @ kh.transpose(-1, -2) / math.sqrt(dk) + (1 - mask)[:, None, None, :] * -1e9
    p = torch.softmax(scores, dim=-1)
    out = (p @ vh).transpose(1, 2).reshape(B, Tq, H * dv)
    w = draw(g, B, Tq, H * dv).detach()
    (out * w).sum().backward()
    write("masked_attention.json", {
        "query": q, "key": k, "value": v, "mask": mask, "heads": torch.tensor(float(H)), "w": w,
        "out": out, "probabilities": p, "dquery": q.grad, "dkey": k.grad, "dvalue": v.grad})


def batch_norm(g):
    x = draw(g, 5, 3, low=-1.0, high=3.0)
    gain = draw(g, 3, low=0.5, high=1.5)
    bias = draw(g, 3)
    running_mean = draw(g, 3).detach().clone()
    running_var = draw(g, 3, low=0.5, high=2.0).detach().clone()
    mean_before, var_before = running_mean.clone(), running_var.clone()
    y = torch.nn.functional.batch_norm(x, running_mean, running_var, gain, bias,
                                       training=True, momentum=0.1, eps=1e-5)
    w = draw(g, 5, 3).detach()
    (y * w).sum().backward()
    write("batch_norm.json", {
        "x": x, "gain": gain, "bias": bias, "running_mean": mean_before, "running_var": var_before,
        "w": w, "y": y, "dx": x.grad, "dgain": gain.grad, "dbias": bias.grad,
        "running_mean_after": running_mean, "running_var_after": running_var})


if __name__ == "__main__":
    generator = torch.Generator().manual_seed(20240611)
    layer_norm(generator)
    masked_attention(generator)
    batch_norm(generator)
