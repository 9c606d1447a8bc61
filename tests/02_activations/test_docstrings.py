"""The Example sections of tinytorch.core.activations run as doctests."""

import doctest

import tinytorch.core.activations as activations


def test_docstring_examples_pass():
    result = doctest.testmod(activations, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5, "expected an Example in every activation"
    assert result.failed == 0
