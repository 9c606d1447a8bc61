"""TinyTorch: a PyTorch-like library you build on NumPy, one module at a time.

`from tinytorch import Tensor` works once Module 01 is exported; other names
are re-exported the same way. Nothing here is imported until it is used.
"""

from tinytorch._lazy import lazy_exports

__version__ = "0.1.0"

_LOSSES = ("tinytorch.core.losses", "04_losses")
_STRETCH = ("tinytorch.core.losses_stretch", "04_losses",
            "the stretch notebook of Module 04_losses",
            "modules/04_losses/04_losses_stretch.ipynb")

_EXPORTS = {
    "Tensor": ("tinytorch.core.tensor", "01_tensor"),
    "ReLU": ("tinytorch.core.activations", "02_activations"),
    "Sigmoid": ("tinytorch.core.activations", "02_activations"),
    "Tanh": ("tinytorch.core.activations", "02_activations"),
    "Softmax": ("tinytorch.core.activations", "02_activations"),
    "GELU": ("tinytorch.core.activations", "02_activations"),
    "Linear": ("tinytorch.core.layers", "03_layers"),
    "Sequential": ("tinytorch.core.layers", "03_layers"),
    "Dropout": ("tinytorch.core.layers", "03_layers"),
    "MSELoss": ("tinytorch.core.losses", "04_losses"),
    # the stretch notebook's versions (with weights etc.) once exported
    "CrossEntropyLoss": [_STRETCH, _LOSSES],
    "BinaryCrossEntropyLoss": [_STRETCH, _LOSSES],
    "BCELoss": [_STRETCH, _LOSSES],
    # only in the stretch notebook
    "L1Loss": _STRETCH, "HuberLoss": _STRETCH, "SmoothL1Loss": _STRETCH,
    "NLLLoss": _STRETCH, "BCEWithLogitsLoss": _STRETCH,
    "KLDivLoss": _STRETCH, "FocalLoss": _STRETCH,
    "TripletMarginLoss": _STRETCH, "InfoNCELoss": _STRETCH,
    "log_softmax": ("tinytorch.core.losses", "04_losses"),
    "from_numpy": ("tinytorch.core.tensor", "01_tensor"),
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
