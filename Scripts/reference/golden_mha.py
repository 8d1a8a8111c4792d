"""Golden values for the MultiHeadAttention layer (CVRLayers), from PyTorch.

Writes Tests/CVRLayersTests/Golden/mha_{plain,authors}.json: parameters (by the
Swift layer's names), inputs, key mask, the output, and the gradients of
L = sum(output * probe) with respect to the inputs and every parameter.
Computed in float64 so the fixture is exact to well below Float32 tolerance.

Run: python Scripts/reference/golden_mha.py   (needs torch; the tests do not)
"""
import json
import math
import pathlib

import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "CVRLayersTests" / "Golden"
torch.manual_seed(20261122)
B, TQ, TK, QDIM, KDIM, HEADS, UNITS = 2, 3, 5, 6, 4, 2, 4
EPS = 1e-5


def param(shape, scale=0.5, center=0.0):
    return (center + scale * torch.randn(*shape, dtype=torch.float64)).requires_grad_()


def build(case):
    p = {}
    authors = case == "authors"
    value = QDIM if authors else UNITS
    p["mha.q.weight"], p["mha.q.bias"] = param((UNITS, QDIM)), param((UNITS,))
    p["mha.k.weight"], p["mha.k.bias"] = param((UNITS, KDIM)), param((UNITS,))
    p["mha.v.weight"], p["mha.v.bias"] = param((value, KDIM)), param((value,))
    if authors:
        d = UNITS // HEADS
        for n in ("q_norm", "k_norm"):
            p[f"mha.{n}.gain"], p[f"mha.{n}.bias"] = param((d,), 0.2, 1.0), param((d,), 0.2)
        for n in ("residual_norm", "ffn_norm"):
            p[f"mha.{n}.gain"], p[f"mha.{n}.bias"] = param((QDIM,), 0.2, 1.0), param((QDIM,), 0.2)
        p["mha.ffn.0.weight"], p["mha.ffn.0.bias"] = param((4 * QDIM, QDIM)), param((4 * QDIM,))
        p["mha.ffn.1.weight"], p["mha.ffn.1.bias"] = param((QDIM, 4 * QDIM)), param((QDIM,))
    else:
        p["mha.o.weight"], p["mha.o.bias"] = param((5, UNITS)), param((5,))
    return p


def forward(case, p, xq, xk, mask):
    authors = case == "authors"
    act = torch.relu if authors else (lambda t: t)
    q = act(xq @ p["mha.q.weight"].T + p["mha.q.bias"])
    k = act(xk @ p["mha.k.weight"].T + p["mha.k.bias"])
    v = act(xk @ p["mha.v.weight"].T + p["mha.v.bias"])
    d = UNITS // HEADS
    dv = v.shape[-1] // HEADS
    if authors:
        q = F.layer_norm(q.view(B, TQ, HEADS, d), (d,), p["mha.q_norm.gain"], p["mha.q_norm.bias"], EPS).view(B, TQ, UNITS)
        k = F.layer_norm(k.view(B, TK, HEADS, d), (d,), p["mha.k_norm.gain"], p["mha.k_norm.bias"], EPS).view(B, TK, UNITS)
    qh = q.view(B, TQ, HEADS, d).transpose(1, 2)
    kh = k.view(B, TK, HEADS, d).transpose(1, 2)
    vh = v.view(B, TK, HEADS, dv).transpose(1, 2)
    s = qh @ kh.transpose(-1, -2) / math.sqrt(d)
    s = s.masked_fill(mask[:, None, None, :] == 0, float("-inf"))
    o = (torch.softmax(s, dim=-1) @ vh).transpose(1, 2).reshape(B, TQ, HEADS * dv)
    if authors:
        o = F.layer_norm(o + xq, (QDIM,), p["mha.residual_norm.gain"], p["mha.residual_norm.bias"], EPS)
        f = torch.relu(o @ p["mha.ffn.0.weight"].T + p["mha.ffn.0.bias"]) @ p["mha.ffn.1.weight"].T + p["mha.ffn.1.bias"]
        o = F.layer_norm(o + f, (QDIM,), p["mha.ffn_norm.gain"], p["mha.ffn_norm.bias"], EPS)
    else:
        o = o @ p["mha.o.weight"].T + p["mha.o.bias"]
    return o


def flat(t):
    return [float(x) for x in t.detach().reshape(-1)]


for case in ("plain", "authors"):
    p = build(case)
    xq = torch.randn(B, TQ, QDIM, dtype=torch.float64, requires_grad=True)
    xk = torch.randn(B, TK, KDIM, dtype=torch.float64, requires_grad=True)
    mask = torch.ones(B, TK, dtype=torch.float64)
    mask[0, 4] = 0
    mask[1, 3:] = 0
    out = forward(case, p, xq, xk, mask)
    probe = torch.randn(out.shape, dtype=torch.float64)
    (out * probe).sum().backward()
    fixture = {
        "case": case, "batch": B, "queryLen": TQ, "keyLen": TK, "queryDim": QDIM, "keyDim": KDIM,
        "heads": HEADS, "units": UNITS, "outputShape": list(out.shape),
        "query": flat(xq), "keys": flat(xk), "keyMask": flat(mask), "output": flat(out), "probe": flat(probe),
        "gradQuery": flat(xq.grad), "gradKeys": flat(xk.grad),
        "parameters": {n: {"shape": list(t.shape), "value": flat(t), "grad": flat(t.grad)} for n, t in p.items()},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"mha_{case}.json").write_text(json.dumps(fixture, indent=1))
    print(f"wrote mha_{case}.json: output {list(out.shape)}, {len(p)} parameters")
