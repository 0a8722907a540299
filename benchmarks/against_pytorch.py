"""Check initreg against PyTorch where the book says they take the same steps (a review
tool, not a test: PyTorch is not a dependency of the book).

    .venv/bin/pip install torch==2.13.0   # the CPU build on this machine's disk
    .venv/bin/python benchmarks/against_pytorch.py

* ``initreg.adam_update(lam=λ)`` against ``torch.optim.Adam(weight_decay=2λ)`` and
  ``adam_update(decay=d)`` against ``torch.optim.AdamW(weight_decay=d)``, 20 steps in float64;
* ``init_weights(..., "orthogonal")`` against ``torch.nn.init.orthogonal_``: both orthonormal,
  with R's diagonal signs folded into Q.
"""

from __future__ import annotations

import sys

import numpy as np

import initreg


def main() -> int:
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: .venv/bin/pip install torch==2.13.0")
        return 1
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(0)
    worst_all = 0.0
    for lam, decay in ((0.0, 0.0), (0.03, 0.0), (0.0, 0.2)):
        w0 = rng.normal(size=(5, 4))
        grads = [rng.normal(size=(5, 4)) for _ in range(20)]
        p = torch.nn.Parameter(torch.tensor(w0.copy()))
        opt = (torch.optim.AdamW([p], lr=0.01, weight_decay=decay) if decay
               else torch.optim.Adam([p], lr=0.01, weight_decay=2 * lam))
        w, m, v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
        worst = 0.0
        for t, g in enumerate(grads, 1):
            p.grad = torch.tensor(g.copy())
            opt.step()
            w, m, v = initreg.adam_update(w, g, m, v, t, alpha=0.01, lam=lam, decay=decay)
            worst = max(worst, float(np.abs(w - p.detach().numpy()).max()))
        kind = f"AdamW(weight_decay={decay})" if decay else f"Adam(weight_decay={2 * lam:g})"
        print(f"{kind:28s} largest difference over 20 steps: {worst:.1e}")
        worst_all = max(worst_all, worst)
    for n_in, n_out in ((7, 3), (3, 7)):
        t = torch.empty(n_out, n_in)
        torch.nn.init.orthogonal_(t)
        q = t.numpy()
        G = q @ q.T if n_out <= n_in else q.T @ q
        ours = initreg.init_weights(n_in, n_out, "orthogonal", rng=rng)
        H = ours @ ours.T if n_out <= n_in else ours.T @ ours
        print(f"orthogonal {n_out}×{n_in}: PyTorch off by {np.abs(G - np.eye(min(n_in, n_out))).max():.1e} "
              f"from orthonormal, initreg by {np.abs(H - np.eye(min(n_in, n_out))).max():.1e}")
    return 0 if worst_all < 1e-14 else 1


if __name__ == "__main__":
    sys.exit(main())
