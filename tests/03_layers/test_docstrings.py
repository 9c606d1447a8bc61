"""The Example sections of tinytorch.core.layers run as doctests."""

import doctest

import tinytorch.core.layers as layers


def test_docstring_examples_pass():
    result = doctest.testmod(layers, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4, "expected Examples for the four classes"
    assert result.failed == 0
