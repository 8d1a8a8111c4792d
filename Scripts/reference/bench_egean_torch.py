"""PyTorch eager reference for workload M3 of WORKLOADS.md (the shapes `make bench`
times in Benchmarks/bench/EGEANBenches.swift), for same-machine ratios. The Swift
bench never needs this script. It mirrors EGEANBenches' M3Model; run it beside the
Swift bench (docs/performance.md, M3, has the side-by-side figures).

M3-train, batch 1024, one step = forward, the summed loss, backward, optimizer:
- 24 frozen tables 100 000 x 8 (12 user, 12 item fields) + 8 dense: x = 200;
- exposure task: MLP [e_u 96; e_i 96] -> 256 -> 128 -> 1 on the real pairs and each
  user with the item of row (b + s) mod n, s random in 1..n-1; BCE (trainable MLP);
- LoRA rank 4 per task (CTR, CVR) per table: e + A[id] B, A (100 000 x 4, sparse,
  zero init), B (4 x 8);
- one EPNet Gate NU 2 sigmoid(W2 relu(W1 [tau_t; sg(x_t)])) 208 -> 200 -> 200 shared
  by the tasks (tau: task-id embedding of 8); o_t = delta * x_t;
- towers CTR, CVR, imputation 200 -> 256 -> 128 -> 64 -> 1, a PPNet Gate NU
  [tau; sg(o_t)] -> w -> w on each hidden layer; the imputation tower reads sg(o_cvr);
- MMD^2 (one Gaussian, bandwidth the detached mean pairwise squared distance) between
  o_cvr and x, weight 0.1;
- CTR BCE + CTCVR BCE(pCTR pCVR) + DR mean[e_hat + o (e - e_hat)/p] (e_hat detached) +
  imputation mean[o (e - e_hat)^2 / p] (e detached), e the per-sample CVR log loss,
  e_hat = softplus(imputation logit), p = (pCTR * q).detach() clipped to [0.05, 1],
  q from a frozen copy of the exposure MLP;
- optimizer: Adam lr 1e-3, weight_decay 1e-6 on the dense parameters (--adam default or
  fused) and SparseAdam lr 1e-3 on the LoRA A tables (lazy rows, as the Swift engine).
M3-infer: batch 1024, no_grad, pCTR, pCVR, pCTCVR.

Timing and peak memory as bench_metacvr_torch.py (whose `timed` this imports).
Usage: /tmp/torchenv/bin/python Scripts/reference/bench_egean_torch.py [--threads 1 2] [--rounds 6]
       [--adam default|fused] [--json out.json]   (each (workload, threads) in a fresh subprocess)
"""
import argparse
import copy
import json
import os
import resource
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_metacvr_torch import run_all, timed  # noqa: E402

B, FIELDS, VOCAB, DIM, RANK, TASK_DIM = 1024, 24, 100_000, 8, 4, 8
D = FIELDS * DIM + 8


def build(torch):
    nn, F = torch.nn, torch.nn.functional

    def mlp(widths):
        layers = []
        for a, b in zip(widths[:-1], widths[1:]):
            layers += [nn.Linear(a, b), nn.ReLU()]
        return nn.Sequential(*layers[:-1])

    class Gate(nn.Module):
        def __init__(self, n_in, hidden, out):
            super().__init__()
            self.l1, self.l2 = nn.Linear(n_in, hidden), nn.Linear(hidden, out)

        def forward(self, prior, x):
            return 2 * torch.sigmoid(self.l2(F.relu(self.l1(torch.cat([prior, x.detach()], 1)))))

    class Tower(nn.Module):
        def __init__(self):
            super().__init__()
            widths = [D, 256, 128, 64]
            self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(widths, widths[1:])])
            self.gates = nn.ModuleList([Gate(TASK_DIM + D, w, w) for w in widths[1:]])
            self.out = nn.Linear(64, 1)

        def forward(self, x, prior):
            h = x
            for layer, gate in zip(self.layers, self.gates):
                h = F.relu(layer(h)) * gate(prior, x)
            return self.out(h).squeeze(1)

    class M3(nn.Module):
        def __init__(self):
            super().__init__()
            self.tables = nn.ModuleList([nn.Embedding(VOCAB, DIM) for _ in range(FIELDS)])
            for t in self.tables:
                t.weight.requires_grad_(False)
            self.lora_a = nn.ModuleList([nn.Embedding(VOCAB, RANK, sparse=True) for _ in range(2 * FIELDS)])
            for a in self.lora_a:
                nn.init.zeros_(a.weight)
            self.lora_b = nn.Parameter(torch.randn(2 * FIELDS, RANK, DIM))
            self.exposure = mlp([2 * 12 * DIM, 256, 128, 1])
            self.exposure_frozen = copy.deepcopy(self.exposure).requires_grad_(False)
            self.tau = nn.Parameter(torch.rand(3, TASK_DIM) - 0.5)
            self.epnet = Gate(TASK_DIM + D, D, D)
            self.towers = nn.ModuleList([Tower() for _ in range(3)])

        def prior(self, t, n):
            return self.tau[t].expand(n, TASK_DIM)

        def inputs(self, ids, dense, tasks=(0, 1)):
            n = ids.shape[0]
            e = [t(ids[:, f]) for f, t in enumerate(self.tables)]
            x = torch.cat(e + [dense], 1)
            out = {}
            for t in tasks:
                delta = [self.lora_a[t * FIELDS + f](ids[:, f]) @ self.lora_b[t * FIELDS + f] for f in range(FIELDS)]
                x_t = x + torch.cat(delta + [torch.zeros_like(dense)], 1)
                out[t] = x_t * self.epnet(self.prior(t, n), x_t)
            return x, e, out

        def forward(self, x, e_cat, o):
            n = x.shape[0]
            z_ctr = self.towers[0](o[0], self.prior(0, n))
            z_cvr = self.towers[1](o[1], self.prior(1, n))
            z_imp = self.towers[2](o[1].detach(), self.prior(2, n))
            return z_ctr, z_cvr, z_imp

    def mmd(a, b):
        z = torch.cat([a, b], 0)
        m, n = z.shape[0], a.shape[0]
        sq = (z * z).sum(1)
        d = sq[:, None] + sq[None, :] - 2 * z @ z.T
        sigma = (d.sum() / (m * m - m)).detach()
        k = torch.exp(-d / sigma)
        return k[:n, :n].mean() + k[n:, n:].mean() - 2 * k[:n, n:].mean()

    def loss(model, batch):
        ids, dense, o, r = batch["ids"], batch["dense"], batch["click"], batch["conv"]
        n = ids.shape[0]
        x, e, tasks = model.inputs(ids, dense)
        user, item = torch.cat(e[:12], 1), torch.cat(e[12:], 1)
        s = int(torch.randint(1, n, (1,)))
        logits = model.exposure(torch.cat([torch.cat([user, user]), torch.cat([item, item.roll(-s, 0)])], 1)).squeeze(1)
        labels = torch.cat([torch.ones(n), torch.zeros(n)])
        l_exp = F.binary_cross_entropy_with_logits(logits, labels)
        z_ctr, z_cvr, z_imp = model(x, e, tasks)
        l_ctr = F.binary_cross_entropy_with_logits(z_ctr, o)
        p_ctcvr = (torch.sigmoid(z_ctr) * torch.sigmoid(z_cvr)).clamp(1e-7, 1 - 1e-7)
        l_ctcvr = F.binary_cross_entropy(p_ctcvr, o * r)
        err = F.binary_cross_entropy_with_logits(z_cvr, o * r, reduction="none")
        e_hat = F.softplus(z_imp)
        with torch.no_grad():
            q = torch.sigmoid(model.exposure_frozen(torch.cat([user, item], 1)).squeeze(1))
            p = (torch.sigmoid(z_ctr) * q).clamp(0.05, 1)
        l_dr = (e_hat.detach() + o * (err - e_hat.detach()) / p).mean()
        l_imp = (o * (err.detach() - e_hat) ** 2 / p).mean()
        return l_exp + l_ctr + l_ctcvr + l_dr + l_imp + 0.1 * mmd(tasks[1], x)

    return M3, loss


def batches(torch, count, seed):
    g = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(count):
        click = (torch.rand(B, generator=g) < 0.3).float()
        out.append({"ids": torch.randint(0, VOCAB, (B, FIELDS), generator=g), "dense": torch.rand(B, 8, generator=g) * 2 - 1,
                    "click": click, "conv": click * (torch.rand(B, generator=g) < 0.3).float()})
    return out


def run_one(workload, threads, rounds, adam):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    M3, loss = build(torch)
    model = M3()
    i = [0]
    if workload == "M3-infer":
        data = batches(torch, 2, 3)
        model.eval()

        def step():
            with torch.no_grad():
                x, e, tasks = model.inputs(data[i[0] % 2]["ids"], data[i[0] % 2]["dense"])
                z_ctr, z_cvr, _ = model(x, e, tasks)
                p, q = torch.sigmoid(z_ctr), torch.sigmoid(z_cvr)
                _ = (p, q, p * q)
            i[0] += 1
    else:
        data = batches(torch, 6, 2)
        sparse = [a.weight for a in model.lora_a]
        dense = [p for p in model.parameters() if p.requires_grad and all(p is not s for s in sparse)]
        optimizers = [torch.optim.Adam(dense, lr=1e-3, weight_decay=1e-6, fused=(adam == "fused")),
                      torch.optim.SparseAdam(sparse, lr=1e-3)]

        def step():
            for opt in optimizers:
                opt.zero_grad(set_to_none=True)
            loss(model, data[i[0] % 6]).backward()
            for opt in optimizers:
                opt.step()
            i[0] += 1
    median, runs = timed(step, rounds)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"name": workload, "threads": threads, "adam": adam, "median_s": median, "runs": runs,
            "samples_per_s": B / median, "peak_rss_mib": peak, "torch": torch.__version__}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--adam", choices=["default", "fused"], default="default")
    parser.add_argument("--workloads", nargs="+", default=["M3-train", "M3-infer"])
    parser.add_argument("--json")
    parser.add_argument("--one", nargs=2)  # internal: WORKLOAD THREADS in this process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.rounds, args.adam)))
        return
    run_all(__file__, args.workloads, args.threads, args.rounds, extra=("--adam", args.adam),
            label=f" adam={args.adam}", json_path=args.json)

if __name__ == "__main__":
    main()
