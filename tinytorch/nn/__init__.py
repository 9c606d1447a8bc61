"""`torch.nn`-style names: layers, activations and losses in one place.

    from tinytorch.nn import Linear, ReLU, CrossEntropyLoss
    import tinytorch.nn.functional as F

Each name is loaded from its module's package file on first use; a module that
is not exported yet raises an ImportError naming the `tito export` to run.
Loss classes that the optional stretch notebook of Module 04 extends come from
its package file once it is exported (see `tinytorch.nn.functional`); the
losses only that notebook builds (`L1Loss`, `HuberLoss`, `NLLLoss`, ...) raise
an ImportError naming it until then.
"""

from tinytorch._lazy import lazy_exports

_ACT = ("tinytorch.core.activations", "02_activations")
_LAYERS = ("tinytorch.core.layers", "03_layers")
_LOSSES = ("tinytorch.core.losses", "04_losses")
_STRETCH = ("tinytorch.core.losses_stretch", "04_losses",
            "the stretch notebook of Module 04_losses",
            "modules/04_losses/04_losses_stretch.ipynb")

_EXPORTS = {
    "ReLU": _ACT, "Sigmoid": _ACT, "Tanh": _ACT, "Softmax": _ACT,
    "GELU": _ACT,
    "Module": _LAYERS, "Linear": _LAYERS, "Sequential": _LAYERS,
    "Dropout": _LAYERS,
    "MSELoss": _LOSSES,
    "CrossEntropyLoss": [_STRETCH, _LOSSES],
    "BinaryCrossEntropyLoss": [_STRETCH, _LOSSES],
    "BCELoss": [_STRETCH, _LOSSES],
    # only in the stretch notebook
    "L1Loss": _STRETCH, "HuberLoss": _STRETCH, "SmoothL1Loss": _STRETCH,
    "NLLLoss": _STRETCH, "BCEWithLogitsLoss": _STRETCH,
    "KLDivLoss": _STRETCH, "FocalLoss": _STRETCH,
    "TripletMarginLoss": _STRETCH, "InfoNCELoss": _STRETCH,
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
