"""`torch.nn`-style names: layers, activations and losses in one place.

    from tinytorch.nn import Linear, ReLU, CrossEntropyLoss

Each name is loaded from its module's package file on first use; a module that
is not exported yet raises an ImportError naming the `tito export` to run.
"""

from tinytorch._lazy import lazy_exports

_ACT = ("tinytorch.core.activations", "02_activations")
_LAYERS = ("tinytorch.core.layers", "03_layers")
_LOSSES = ("tinytorch.core.losses", "04_losses")
_STRETCH = ("tinytorch.core.losses_stretch", "04_losses_stretch")

_EXPORTS = {
    "ReLU": _ACT, "Sigmoid": _ACT, "Tanh": _ACT, "Softmax": _ACT,
    "GELU": _ACT,
    "Module": _LAYERS, "Linear": _LAYERS, "Sequential": _LAYERS,
    "Dropout": _LAYERS,
    "MSELoss": _LOSSES, "CrossEntropyLoss": _LOSSES,
    "BinaryCrossEntropyLoss": _LOSSES, "log_softmax": _LOSSES,
    "BCELoss": _LOSSES,
    # the optional stretch notebook of Module 04
    "NLLLoss": _STRETCH, "BCEWithLogitsLoss": _STRETCH,
    "L1Loss": _STRETCH, "HuberLoss": _STRETCH, "SmoothL1Loss": _STRETCH,
    "KLDivLoss": _STRETCH, "FocalLoss": _STRETCH,
    "TripletMarginLoss": _STRETCH, "InfoNCELoss": _STRETCH,
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
