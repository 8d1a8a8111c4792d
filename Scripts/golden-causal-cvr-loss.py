"""Golden values for Tests/CVRModelsTests/CausalCVRLossGoldenTests.swift: the EGEAN
family's shared CVR losses (IPS; DR with the imputed error itself or an imputed
label, each with its DR-JL imputation loss) on a four-row fixture, written out
term by term in plain Python floats, independently of the Swift code.

Formulas (docs/baselines.md): e = CE(r, sigmoid(z_cvr)), p = clip(sigmoid(z_ctr), 0.05, 1),
IPS = mean(o e / p); DR = mean(h + o (e - h) / p); IMP = mean(o (e - h)^2 / p), with
h = softplus(z_imp) ("direct") or h = CE(sigmoid(z_imp), sigmoid(z_cvr)) ("label").

Usage: python3 Scripts/golden-causal-cvr-loss.py   (prints the values the test pastes)
"""
import math

z_ctr = [-3.5, 0.4, -0.2, 1.1]     # row 0's pCTR ~ 0.029 is clipped to 0.05
z_cvr = [0.3, -1.2, 0.8, -0.5]
z_imp = [-0.7, 0.9, 0.1, -1.6]
click = [1, 1, 0, 1]
conversion = [1, 0, 0, 1]


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def ce(y, p):
    return -(y * math.log(p) + (1 - y) * math.log(1 - p))


n = len(z_ctr)
p = [min(max(sigmoid(z), 0.05), 1) for z in z_ctr]
r = [c * v for c, v in zip(click, conversion)]
e = [ce(r[i], sigmoid(z_cvr[i])) for i in range(n)]
ips = sum(click[i] * e[i] / p[i] for i in range(n)) / n
out = {"ips": ips}
for name, h in [("direct", [math.log1p(math.exp(z)) for z in z_imp]),
                ("label", [ce(sigmoid(z_imp[i]), sigmoid(z_cvr[i])) for i in range(n)])]:
    out[name + "_dr"] = sum(h[i] + click[i] * (e[i] - h[i]) / p[i] for i in range(n)) / n
    out[name + "_imp"] = sum(click[i] * (e[i] - h[i]) ** 2 / p[i] for i in range(n)) / n
for key, value in out.items():
    print(f"{key} = {value:.9f}")
