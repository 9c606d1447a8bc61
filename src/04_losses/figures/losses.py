"""Draw the figure of Module 04's losses for its guide (ABOUT.md).

    python src/04_losses/figures/losses.py OUT.png

`tito book` runs every `src/NN_name/figures/*.py` this way when it stages the
book, with the package on the path, and the guide shows the PNG. Every curve
is computed by the package's own functions, so the figure shows what the code
does.
"""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from tinytorch.core.losses import (binary_cross_entropy,  # noqa: E402
                                   cross_entropy, mse_loss)
from tinytorch.core.tensor import Tensor  # noqa: E402


def curves():
    """(x, y) arrays of each panel, computed with reduction='none'."""
    error = np.linspace(-3, 3, 121)
    mse = mse_loss(Tensor(error), Tensor(np.zeros_like(error)),
                   reduction="none").data
    p = np.linspace(0.0, 1.0, 201)
    # a 2-class row with logits (0, log(p / (1 - p))) gives p to class 1
    with np.errstate(divide="ignore"):
        margin = np.log(p) - np.log1p(-p)
    inner = slice(1, -1)  # p = 0 and 1 need infinite logits
    logits = np.stack([np.zeros_like(margin[inner]), margin[inner]], axis=1)
    ce = cross_entropy(Tensor(logits, dtype=np.float64),
                       Tensor(np.ones(len(logits))), reduction="none").data
    bce1 = binary_cross_entropy(Tensor(p), Tensor(np.ones_like(p)),
                                reduction="none").data
    bce0 = binary_cross_entropy(Tensor(p), Tensor(np.zeros_like(p)),
                                reduction="none").data
    return {"mse": (error, mse), "ce": (p[inner], ce),
            "bce1": (p, bce1), "bce0": (p, bce0)}


def draw(path: str) -> None:
    c = curves()
    fig, ax = plt.subplots(1, 3, figsize=(10, 3.0))
    ax[0].plot(*c["mse"])
    ax[0].set(title="MSE", xlabel="prediction - target", ylabel="loss")
    ax[1].plot(*c["ce"])
    ax[1].set(title="cross-entropy", xlabel="probability of the right class",
              ylim=(0, 6))
    ax[2].plot(*c["bce1"], label="label 1")
    ax[2].plot(*c["bce0"], label="label 0")
    ax[2].set(title="binary cross-entropy", xlabel="predicted probability p",
              ylim=(0, 17))
    ax[2].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    draw(sys.argv[1] if len(sys.argv) > 1 else "losses.png")
