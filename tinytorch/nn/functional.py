"""`torch.nn.functional`-style functions: the maths of every layer and loss.

    import tinytorch.nn.functional as F
    h = F.relu(F.linear(x, weight, bias))
    loss = F.cross_entropy(logits, targets)

Each function comes from the package file of the module that teaches it; the
classes in `tinytorch.nn` are thin wrappers over them. Where the optional
stretch notebook of Module 04 extends a loss (class weights, `ignore_index`,
label smoothing, probability targets), its version is used once that notebook
is exported; until then the core's is, and the extra settings raise a
one-line NotImplementedError that names the stretch notebook. The losses only
that notebook builds (`l1_loss`, `huber_loss`, `nll_loss`, `kl_div`, ...) raise
an ImportError naming it until it is exported.
"""

from tinytorch._lazy import lazy_exports

_ACT = ("tinytorch.core.activations", "02_activations")
_LAYERS = ("tinytorch.core.layers", "03_layers")
_LOSSES = ("tinytorch.core.losses", "04_losses")
_STRETCH = ("tinytorch.core.losses_stretch", "04_losses",
            "the stretch notebook of Module 04_losses",
            "modules/04_losses/04_losses_stretch.ipynb")

_EXPORTS = {
    "relu": _ACT, "sigmoid": _ACT, "tanh": _ACT, "softmax": _ACT,
    "gelu": _ACT,
    "linear": _LAYERS, "dropout": _LAYERS,
    "log_softmax": _LOSSES,
    "mse_loss": _LOSSES,
    "cross_entropy": [_STRETCH, _LOSSES],
    "binary_cross_entropy": [_STRETCH, _LOSSES],
    # only in the stretch notebook
    "l1_loss": _STRETCH, "huber_loss": _STRETCH, "smooth_l1_loss": _STRETCH,
    "nll_loss": _STRETCH, "binary_cross_entropy_with_logits": _STRETCH,
    "kl_div": _STRETCH, "sigmoid_focal_loss": _STRETCH,
    "triplet_margin_loss": _STRETCH, "info_nce": _STRETCH,
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
