"""TinyTorch: a PyTorch-like library you build on NumPy, one module at a time.

`from tinytorch import Tensor` works once Module 01 is exported; other names
are re-exported the same way. Nothing here is imported until it is used.
"""

from tinytorch._lazy import lazy_exports

__version__ = "0.1.0"

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
    "CrossEntropyLoss": ("tinytorch.core.losses", "04_losses"),
    "BinaryCrossEntropyLoss": ("tinytorch.core.losses", "04_losses"),
    "log_softmax": ("tinytorch.core.losses", "04_losses"),
    "BCELoss": ("tinytorch.core.losses", "04_losses"),
    "NLLLoss": ("tinytorch.core.losses_stretch", "04_losses_stretch"),
    "BCEWithLogitsLoss": ("tinytorch.core.losses_stretch", "04_losses_stretch"),
    "L1Loss": ("tinytorch.core.losses_stretch", "04_losses_stretch"),
    "HuberLoss": ("tinytorch.core.losses_stretch", "04_losses_stretch"),
    "SmoothL1Loss": ("tinytorch.core.losses_stretch", "04_losses_stretch"),
    "KLDivLoss": ("tinytorch.core.losses_stretch", "04_losses_stretch"),
    "FocalLoss": ("tinytorch.core.losses_stretch", "04_losses_stretch"),
    "TripletMarginLoss": ("tinytorch.core.losses_stretch", "04_losses_stretch"),
    "InfoNCELoss": ("tinytorch.core.losses_stretch", "04_losses_stretch"),
    "class_weights": ("tinytorch.core.losses_stretch", "04_losses_stretch"),
    "expected_calibration_error": ("tinytorch.core.losses_stretch", "04_losses_stretch"),
    "fit_temperature": ("tinytorch.core.losses_stretch", "04_losses_stretch"),
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
