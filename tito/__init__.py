"""tito: the TinyTorch course command line (export, test, notebook, check, status)."""

__version__ = "0.1.0"
