"""Module 01 Tensor: the Example sections of the exported docstrings run.

The same check as `pytest --doctest-modules tinytorch/core/tensor.py`,
here so that `tito test --module 01_tensor` runs it too.
"""

import doctest

import tinytorch.core.tensor as tensor_module


def test_docstring_examples_pass():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = [t for t in finder.find(tensor_module) if t.examples]
    assert len(tests) >= 20, f"expected the documented examples, got {tests}"
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed"
    assert result.attempted >= 30
