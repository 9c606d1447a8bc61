"""`torch.nn`-style names: layers, activations and losses in one place.

    from tinytorch.nn import Linear, ReLU, CrossEntropyLoss
    import tinytorch.nn.functional as F

Each name is loaded from its module's package file on first use; a module that
is not exported yet raises an ImportError naming the `tito export` to run.
Loss classes that the optional stretch notebook of Module 04 extends come from
its package file once it is exported (see `tinytorch.nn.functional`).
"""

from tinytorch._lazy import lazy_exports

_ACT = ("tinytorch.core.activations", "02_activations")
_LAYERS = ("tinytorch.core.layers", "03_layers")
_LOSSES = ("tinytorch.core.losses", "04_losses")
_STRETCH = ("tinytorch.core.losses_stretch", "04_losses")

_EXPORTS = {
    "ReLU": _ACT, "Sigmoid": _ACT, "Tanh": _ACT, "Softmax": _ACT,
    "GELU": _ACT,
    "Module": _LAYERS, "Linear": _LAYERS, "Sequential": _LAYERS,
    "Dropout": _LAYERS,
    "MSELoss": _LOSSES,
    "CrossEntropyLoss": [_STRETCH, _LOSSES],
    "BinaryCrossEntropyLoss": [_STRETCH, _LOSSES],
    "BCELoss": [_STRETCH, _LOSSES],
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
