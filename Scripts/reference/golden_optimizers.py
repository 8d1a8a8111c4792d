"""Golden fixtures for the optimizers (SGD, Adagrad, Adam, AdamW, sparse Adagrad, SparseAdam).

Writes Tests/CVROptimTests/Golden/optimizers.json. Initial values and gradients
are drawn in float32 (so the Swift tests read them exactly); the optimizers run
in float64. Every case records the parameter after every step.
Dense cases: a [3, 5] parameter, 4 steps, some gradient entries exactly zero.
Sparse cases: a [7, 4] table, 4 steps; each step's ids contain DUPLICATES, whose
rows torch coalesces (sums) before the update.
Run: /tmp/torchenv/bin/python <this file>.
"""
import json
import pathlib

import torch

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "CVROptimTests" / "Golden"
STEPS = 4


def draw(generator, *shape):
    return (torch.rand(*shape, generator=generator, dtype=torch.float32) * 2 - 1).double()


def numeric(options):
    """Options as numbers only (booleans as 0/1), so the Swift side decodes [String: Double]."""
    return {k: float(v) for k, v in options.items()}


def flat(t):
    return t.detach().double().reshape(-1).tolist()


DENSE = [
    ("sgd_momentum", torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
    ("sgd_nesterov_decay", torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.05)),
    ("sgd_plain", torch.optim.SGD, dict(lr=0.1)),
    ("adagrad_iav01", torch.optim.Adagrad, dict(lr=0.1, initial_accumulator_value=0.1, lr_decay=0)),
    ("adagrad_iav0", torch.optim.Adagrad, dict(lr=0.1, initial_accumulator_value=0.0, lr_decay=0)),
    ("adagrad_lr_decay", torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.02)),
    ("adam", torch.optim.Adam, dict(lr=0.05)),
    ("adam_l2", torch.optim.Adam, dict(lr=0.05, weight_decay=0.1)),
    ("adam_eps", torch.optim.Adam, dict(lr=0.05, eps=1e-3)),
    ("adamw", torch.optim.AdamW, dict(lr=0.05, weight_decay=0.1)),
]

STATE_KEYS = {"momentum_buffer": "momentum", "sum": "sum", "exp_avg": "m", "exp_avg_sq": "v"}


def dense_case(name, cls, options, g):
    initial = draw(g, 3, 5)
    grads = [draw(g, 3, 5) for _ in range(STEPS)]
    for k in range(STEPS):
        grads[k][k % 3, (2 * k) % 5] = 0.0  # exact zeros exercise Adam's moments on zero gradients
    p = torch.nn.Parameter(initial.clone())
    opt = cls([p], **options)
    after = []
    for grad in grads:
        p.grad = grad.clone()
        opt.step()
        after.append(flat(p))
    state = {STATE_KEYS[k]: flat(v) for k, v in opt.state[p].items() if k in STATE_KEYS}
    return {"name": name, "kind": cls.__name__, "options": numeric(options), "shape": [3, 5],
            "initial": flat(initial), "gradients": [flat(x) for x in grads], "after": after, "state": state}


SPARSE = [
    ("sparse_adagrad_iav01", torch.optim.Adagrad, dict(lr=0.1, initial_accumulator_value=0.1)),
    ("sparse_adagrad_iav0", torch.optim.Adagrad, dict(lr=0.1)),
    ("sparse_adam", torch.optim.SparseAdam, dict(lr=0.05)),
    ("sparse_adam_eps", torch.optim.SparseAdam, dict(lr=0.05, eps=1e-3)),
]

IDS = [[1, 3, 1, 5], [0, 3, 3, 3, 6], [5, 1, 5], [2, 6, 2, 4, 1]]


def sparse_case(name, cls, options, g):
    rows, width = 7, 4
    initial = draw(g, rows, width)
    values = [draw(g, len(ids), width) for ids in IDS]
    p = torch.nn.Parameter(initial.clone())
    opt = cls([p], **options)
    after = []
    for ids, vals in zip(IDS, values):
        p.grad = torch.sparse_coo_tensor(torch.tensor([ids]), vals.clone(), (rows, width), check_invariants=True)
        opt.step()
        after.append(flat(p))
    state = {STATE_KEYS[k]: flat(v.to_dense() if v.is_sparse else v)
             for k, v in opt.state[p].items() if k in STATE_KEYS}
    return {"name": name, "kind": cls.__name__, "options": numeric(options), "shape": [rows, width],
            "initial": flat(initial), "ids": IDS, "gradients": [flat(v) for v in values],
            "after": after, "state": state}


def main():
    torch.set_default_dtype(torch.float64)
    g = torch.Generator().manual_seed(7)
    cases = [dense_case(n, c, o, g) for n, c, o in DENSE] + [sparse_case(n, c, o, g) for n, c, o in SPARSE]
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "optimizers.json"
    path.write_text("{\"cases\": [\n" + ",\n".join(json.dumps(c) for c in cases) + "\n]}\n")
    print("wrote", path, len(cases), "cases")


if __name__ == "__main__":
    main()
