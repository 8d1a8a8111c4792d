"""PyTorch eager reference for workloads M1 and M2 of WORKLOADS.md (the shapes
`make bench` times in Benchmarks/bench/MetaCVR*.swift), for same-machine ratios.
The Swift bench never needs this script.

M1: MetaCVR's base model (FRN + f_b), batch 256 training (forward, log loss,
backward, Adagrad lr 0.01 initial accumulator 0.1, sparse embedding gradients)
and batch 1024 inference (no_grad, eval). M2: stage 2 with M1 frozen (forward
only), d_o(x, p) = ||W_o(x - p)||^2 + b_o per occasion and class, s_o = d+ - d-,
EPN = one linear layer over [s_b; s_1..s_4], Adagrad on W, b and EPN.

Timing: warm-up, then ROUNDS rounds of at least MIN_RUNS steps or BUDGET s;
the figure is the median step time over all runs of all rounds, as samples/s.
Peak memory: ru_maxrss of the process (getrusage), in a process per workload.

Usage: /tmp/torchenv/bin/python Scripts/reference/bench_metacvr_torch.py [--threads 1 2] [--rounds 6]
       [--json out.json]   (each (workload, threads) runs in a fresh subprocess)
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

T, B_TRAIN, B_INFER, ROWS = 50, 256, 1024, 8192


def build(torch):
    nn = torch.nn

    class FRN(nn.Module):
        def __init__(self):
            super().__init__()
            emb = lambda n, d: nn.Embedding(n, d, sparse=True)
            self.item, self.cat, self.brand = emb(1_000_000, 32), emb(10_000, 32), emb(100_000, 32)
            self.user = nn.ModuleList([emb(100_000, 8) for _ in range(6)])
            self.position, self.hour, self.weekday, self.occasion = emb(200, 8), emb(24, 8), emb(7, 8), emb(4, 8)
            self.q, self.k, self.v, self.o = (nn.Linear(96, 128), nn.Linear(96, 128), nn.Linear(96, 128),
                                              nn.Linear(128, 128))
            self.user_q, self.item_q = nn.Linear(56, 128), nn.Linear(104, 128)
            self.main = nn.Sequential(nn.Linear(424, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU())
            self.bias = nn.Sequential(nn.Linear(88, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
            self.norm = nn.LayerNorm(160)

        def forward(self, x):
            n = x["item"].shape[0]
            e_u = torch.cat([t(x["user"][:, f]) for f, t in enumerate(self.user)] + [x["user_dense"]], 1)
            e_i = torch.cat([self.item(x["item"]), self.cat(x["cat"]), self.brand(x["brand"]), x["item_dense"]], 1)
            e_c = torch.cat([self.position(x["ctx"][:, 0]), self.hour(x["ctx"][:, 1]),
                             self.weekday(x["ctx"][:, 2]), self.occasion(x["occ"])], 1)
            seq = torch.cat([self.item(x["h_item"]), self.cat(x["h_cat"]), self.brand(x["h_brand"])], 2)
            mask = x["mask"]  # [n, T] bool, True = behaviour
            heads = lambda t: t.view(n, T, 8, 16).transpose(1, 2)
            q, k, v = heads(self.q(seq)), heads(self.k(seq)), heads(self.v(seq))
            scores = (q @ k.transpose(-1, -2)) / 4.0
            scores = scores.masked_fill(~mask[:, None, None, :], float("-inf"))
            ctx = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(n, T, 128)
            ubs = self.o(ctx * mask[:, :, None])

            def pool(query):
                s = (ubs @ query[:, :, None]).squeeze(2) / (128 ** 0.5)
                s = s.masked_fill(~mask, float("-inf"))
                return (torch.softmax(s, 1)[:, None, :] @ ubs).squeeze(1)

            s_u, s_i = pool(self.user_q(e_u)), pool(self.item_q(e_i))
            h_m = self.main(torch.cat([e_u, e_i, x["pair_dense"], s_i, s_u], 1))
            h_b = self.bias(torch.cat([e_u, e_c], 1))
            return self.norm(torch.cat([h_m, h_b], 1))

    class M1(nn.Module):
        def __init__(self):
            super().__init__()
            self.frn = FRN()
            self.f_b = nn.Sequential(nn.Linear(160, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 1))

        def forward(self, x):
            f = self.frn(x)
            return f, self.f_b(f).squeeze(1)

    class M2(nn.Module):
        def __init__(self, base):
            super().__init__()
            self.base = base
            for p in base.parameters():
                p.requires_grad_(False)
            self.register_buffer("prototypes", torch.rand(4, 2, 160) * 2 - 1)
            self.w = nn.Parameter(torch.randn(4, 160, 160) * (1 / 160) ** 0.5)
            self.b = nn.Parameter(torch.zeros(4))
            self.epn = nn.Linear(5, 1)

        def forward(self, x):
            with torch.no_grad():
                self.base.eval()
                f, s_b = self.base(x)
            scores = [s_b]
            for o in range(4):
                d = [((f - self.prototypes[o, c]) @ self.w[o].T).pow(2).sum(1) + self.b[o] for c in (0, 1)]
                scores.append(d[1] - d[0])
            return self.epn(torch.stack(scores, 1)).squeeze(1)

    return M1, M2


def batches(torch, count, size, seed):
    g = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(count):
        lengths = torch.randint(10, 51, (size,), generator=g)
        mask = torch.arange(T)[None, :] < lengths[:, None]
        ids = lambda n, *shape: torch.randint(0, n, shape, generator=g)
        x = {
            "user": torch.stack([ids(100_000, size) for _ in range(6)], 1),
            "user_dense": torch.rand(size, 8, generator=g), "item_dense": torch.rand(size, 8, generator=g),
            "pair_dense": torch.rand(size, 8, generator=g),
            "item": ids(1_000_000, size), "cat": ids(10_000, size), "brand": ids(100_000, size),
            "ctx": torch.stack([ids(200, size), ids(24, size), ids(7, size)], 1), "occ": ids(4, size),
            # Padded slots read row 0 and are masked out of every attention.
            "h_item": ids(1_000_000, size, T) * mask, "h_cat": ids(10_000, size, T) * mask,
            "h_brand": ids(100_000, size, T) * mask, "mask": mask,
            "label": (torch.rand(size, generator=g) < 0.3).float(),
        }
        out.append(x)
    return out


def timed(step, rounds, budget=0.5, min_runs=5, warmup=3):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(rounds):
        spent, runs = 0.0, 0
        while runs < min_runs or spent < budget / rounds:
            start = time.perf_counter()
            step()
            elapsed = time.perf_counter() - start
            times.append(elapsed)
            spent, runs = spent + elapsed, runs + 1
    return statistics.median(times), len(times)


def run_one(workload, threads, rounds):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    M1, M2 = build(torch)
    base = M1()
    loss_fn = torch.nn.BCEWithLogitsLoss()
    if workload == "M1-infer":
        data = batches(torch, 2, B_INFER, 3)
        base.eval()
        i = [0]

        def step():
            with torch.no_grad():
                torch.sigmoid(base(data[i[0] % 2])[1])
            i[0] += 1
        size = B_INFER
    else:
        data = batches(torch, 8, B_TRAIN, 2)
        model = base if workload == "M1-train" else M2(base)
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.Adagrad(params, lr=0.01, initial_accumulator_value=0.1)
        i = [0]

        def step():
            x = data[i[0] % 8]
            opt.zero_grad(set_to_none=True)
            logit = model(x)[1] if workload == "M1-train" else model(x)
            loss_fn(logit, x["label"]).backward()
            opt.step()
            i[0] += 1
        size = B_TRAIN
    median, runs = timed(step, rounds)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"name": workload, "threads": threads, "median_s": median, "runs": runs,
            "samples_per_s": size / median, "peak_rss_mib": peak, "torch": torch.__version__}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--workloads", nargs="+", default=["M1-train", "M1-infer", "M2-train"])
    parser.add_argument("--json")
    parser.add_argument("--one", nargs=2)  # internal: WORKLOAD THREADS in this process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.rounds)))
        return
    run_all(__file__, args.workloads, args.threads, args.rounds, json_path=args.json)


def run_all(script, workloads, threads, rounds, extra=(), label="", json_path=None):
    """Runs `script --one WORKLOAD THREADS --rounds R *extra` in a fresh process per
    (workload, threads), prints one line each and writes the list to `json_path`."""
    results = []
    for workload in workloads:
        for t in threads:
            out = subprocess.run([sys.executable, script, "--one", workload, str(t), "--rounds", str(rounds), *extra],
                                 check=True, capture_output=True, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(f"{r['name']:9} threads={t}{label}  median {1e3 * r['median_s']:.2f} ms  "
                  f"samples/s {r['samples_per_s']:.0f}  peak {r['peak_rss_mib']:.0f} MiB  ({r['runs']} runs)",
                  flush=True)
            results.append(r)
    if json_path:
        with open(json_path, "w") as f:
            json.dump(results, f, indent=1)
    return results


if __name__ == "__main__":
    main()
