"""`torch.nn.functional`-style functions: the maths of every layer and loss.

    import tinytorch.nn.functional as F
    h = F.relu(F.linear(x, weight, bias))
    loss = F.cross_entropy(logits, targets)

Each function comes from the package file of the module that teaches it; the
classes in `tinytorch.nn` are thin wrappers over them. Where the optional
stretch notebook of Module 04 extends a loss (class weights, `ignore_index`,
label smoothing, probability targets), its version is used once that notebook
is exported; until then the core's is, and the extra settings raise a
one-line NotImplementedError that names the stretch notebook.
"""

from tinytorch._lazy import lazy_exports

_ACT = ("tinytorch.core.activations", "02_activations")
_LAYERS = ("tinytorch.core.layers", "03_layers")
_LOSSES = ("tinytorch.core.losses", "04_losses")
_STRETCH = ("tinytorch.core.losses_stretch", "04_losses")

_EXPORTS = {
    "relu": _ACT, "sigmoid": _ACT, "tanh": _ACT, "softmax": _ACT,
    "gelu": _ACT,
    "linear": _LAYERS, "dropout": _LAYERS,
    "log_softmax": _LOSSES,
    "mse_loss": _LOSSES,
    "cross_entropy": [_STRETCH, _LOSSES],
    "binary_cross_entropy": [_STRETCH, _LOSSES],
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
