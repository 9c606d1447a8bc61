"""The functions of Module 03 (torch.nn.functional style) and their layers.

- `linear` against `torch.nn.functional.linear` (skipped without torch),
  which takes the weight as (out, in): the comparison passes the
  transpose; its backward against torch's autograd;
- `dropout` against `torch.nn.functional.dropout`'s semantics (the masks
  come from different generators, so the values they can take, not the
  masks, are compared);
- `Linear` and `Dropout` give exactly (bit for bit) what the functions
  give;
- the functions are what `tinytorch.nn.functional` lists, and every bad
  input is one line that starts with the function's name and has a hint.
"""

import numpy as np
import pytest

import tinytorch.nn.functional as tf
from tinytorch.core import gradients, layers
from tinytorch.core.layers import Dropout, Linear, dropout, linear
from tinytorch.core.tensor import Tensor

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the parity tests skip; the others still run
    torch = F = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs torch")

TOL = {np.float32: dict(rtol=1e-5, atol=1e-5),
       np.float64: dict(rtol=1e-12, atol=1e-12)}
DTYPES = [np.float32, np.float64]
SHAPES = [(3,), (5, 3), (2, 4, 3), (0, 3)]


def arrays(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape).astype(dtype)
    w = rng.normal(size=(3, 2)).astype(dtype)
    b = rng.normal(size=(2,)).astype(dtype)
    return x, w, b


# ------------------------------------------------------------- linear

@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("with_bias", [True, False])
def test_linear_matches_torch_functional(dtype, shape, with_bias):
    x, w, b = arrays(dtype, shape)
    y = linear(Tensor(x, dtype=dtype), Tensor(w, dtype=dtype),
               Tensor(b, dtype=dtype) if with_bias else None)
    want = F.linear(torch.from_numpy(x), torch.from_numpy(w.T.copy()),
                    torch.from_numpy(b) if with_bias else None).numpy()
    assert y.shape == want.shape and y.dtype == want.dtype
    np.testing.assert_allclose(y.data, want, **TOL[dtype])


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize("shape", [(3,), (5, 3), (2, 4, 3)])
def test_linear_backward_matches_torch_autograd(shape):
    x, w, b = arrays(np.float64, shape, seed=1)
    out = shape[:-1] + (2,)
    upstream = np.random.default_rng(2).uniform(0.5, 1.5, size=out)
    tx, tw, tb = (torch.from_numpy(a.copy()).requires_grad_(True)
                  for a in (x, w.T, b))
    (F.linear(tx, tw, tb) * torch.from_numpy(upstream)).sum().backward()
    dx, dw, db = gradients.backward_of(linear)(
        upstream, *(Tensor(a, dtype=np.float64) for a in (x, w, b)))
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(dw, tw.grad.numpy().T, rtol=1e-12)
    np.testing.assert_allclose(db, tb.grad.numpy(), rtol=1e-12)


def test_linear_backward_without_bias_has_no_bias_gradient():
    x, w, _ = arrays(np.float64, (4, 3))
    grads = gradients.backward_of(linear)(np.ones((4, 2)), Tensor(
        x, dtype=np.float64), Tensor(w, dtype=np.float64), None)
    assert len(grads) == 3 and grads[2] is None
    np.testing.assert_allclose(grads[1], x.T @ np.ones((4, 2)))


def test_linear_mixed_dtypes_give_float64():
    # NOTE in linear's docstring: PyTorch wants one dtype; here float32
    # and float64 inputs give float64.
    x, w, b = arrays(np.float64, (4, 3))
    y = linear(Tensor(x, dtype=np.float64), Tensor(w), Tensor(b))
    assert y.dtype == np.float64
    np.testing.assert_allclose(
        y.data, x @ w.astype(np.float32) + b.astype(np.float32),
        rtol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES + [np.int64])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("bias", [True, False])
def test_linear_layer_gives_exactly_the_function(dtype, shape, bias):
    layer = Linear(3, 2, bias=bias, rng=4)
    x = Tensor(np.round(arrays(np.float64, shape)[0] * 3), dtype=dtype)
    y, z = layer(x), linear(x, layer.weight, layer.bias)
    assert y.dtype == z.dtype and y.shape == z.shape
    assert y.data.tobytes() == z.data.tobytes()


def test_reset_parameters_redraws_from_a_seed():
    layer = Linear(5, 4, rng=9)
    before = layer.weight.data.copy(), layer.bias.data.copy()
    layer.reset_parameters(rng=9)
    np.testing.assert_array_equal(layer.weight.data, before[0])
    np.testing.assert_array_equal(layer.bias.data, before[1])
    layer.reset_parameters(rng=10)
    assert not np.array_equal(layer.weight.data, before[0])
    assert layer.weight.shape == (5, 4) and layer.bias.shape == (4,)


# ------------------------------------------------------------ dropout

@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", [0.0, 0.25, 0.5])
def test_dropout_semantics_match_torch_functional(dtype, p):
    x = np.full((50, 40), 3.0, dtype=dtype)
    torch.manual_seed(0)
    theirs = F.dropout(torch.from_numpy(x), p=p, training=True).numpy()
    ours = dropout(Tensor(x, dtype=dtype), p=p, rng=0)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    assert set(np.unique(ours.data).tolist()) == \
        set(np.unique(theirs).tolist())
    np.testing.assert_array_equal(
        dropout(Tensor(x, dtype=dtype), p=p, training=False).data,
        F.dropout(torch.from_numpy(x), p=p, training=False).numpy())


def test_dropout_seeds_and_generators():
    x = Tensor(np.ones(1000))
    a, b = dropout(x, 0.5, rng=3), dropout(x, 0.5, rng=3)
    np.testing.assert_array_equal(a.data, b.data)  # a seed: the same mask
    g = np.random.default_rng(3)
    first, second = dropout(x, 0.5, rng=g), dropout(x, 0.5, rng=g)
    np.testing.assert_array_equal(first.data, a.data)
    assert not np.array_equal(first.data, second.data)  # g moved on


def test_dropout_not_training_returns_the_values_without_a_copy():
    x = Tensor([[1.0, -2.0], [3.0, 4.0]])
    for y in (dropout(x, 0.5, training=False), dropout(x, 0.0, rng=0)):
        np.testing.assert_array_equal(y.data, x.data)
        assert y.dtype == np.float32
        assert np.shares_memory(y.data, x.data)  # as PyTorch returns x
    y = dropout(Tensor([1, 2], dtype=np.int64), 0.5, training=False)
    assert y.dtype == np.float32  # the one rule: ints become float32


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", [0.0, 0.2, 0.9])
def test_dropout_layer_gives_exactly_the_function(dtype, p):
    x = Tensor(np.random.default_rng(0).normal(size=(6, 7)), dtype=dtype)
    layer = Dropout(p, rng=np.random.default_rng(11))
    g = np.random.default_rng(11)
    for _ in range(3):  # the same sequence of masks
        y, z = layer(x), dropout(x, p, rng=g)
        assert y.dtype == z.dtype
        assert y.data.tobytes() == z.data.tobytes()
    layer.eval()
    assert layer(x).data.tobytes() == dropout(
        x, p, training=False).data.tobytes()


# ----------------------------------------------- namespace and registry

@pytest.mark.parametrize("name", ["linear", "dropout"])
def test_functional_namespace_lists_the_function(name):
    assert getattr(tf, name) is getattr(layers, name)
    assert name in tf.__all__ and name in dir(tf)


def test_linear_backward_is_registered_and_dropout_is_not():
    assert gradients.backward_of(linear) is layers.linear_backward
    # dropout's mask is random state that autograd will have to keep; it
    # has no backward here
    with pytest.raises(LookupError, match="no backward is registered for "
                       "dropout"):
        gradients.backward_of(dropout)


# ------------------------------------------------------- bad inputs

W, B = Tensor(np.ones((3, 2))), Tensor(np.zeros(2))
X = Tensor(np.ones((4, 3)))

BAD = [
    ("linear", lambda: linear([[1.0, 2.0, 3.0]], W, B), TypeError,
     r"x must be a Tensor, got list\. Hint: wrap the values first, "
     r"e\.g\. Tensor\(values\)\.$"),
    ("linear", lambda: linear(X, np.ones((3, 2)), B), TypeError,
     r"weight must be a Tensor, got ndarray"),
    ("linear", lambda: linear(X, W, [0.0, 0.0]), TypeError,
     r"bias must be a Tensor, got list"),
    ("linear", lambda: linear(X, Tensor(np.ones(3)), B), ValueError,
     r"weight must have shape \(in_features, out_features\), got shape "
     r"\(3,\)"),
    ("linear", lambda: linear(Tensor(np.ones((4, 5))), W, B), ValueError,
     r"x must have last dimension 3 \(weight has shape \(3, 2\)\), got "
     r"shape \(4, 5\)\. Hint: the last dimension holds"),
    ("linear", lambda: linear(Tensor(1.0), W, B), ValueError,
     r"x must have last dimension 3 .*, got shape \(\)"),
    ("linear", lambda: linear(X, W, Tensor(np.zeros(3))), ValueError,
     r"bias must have shape \(2,\), one value per output feature of "
     r"weight \(3, 2\), got shape \(3,\)"),
    ("linear", lambda: linear(X, W, Tensor([True, False],
                                           dtype=np.bool_)), TypeError,
     r"bias must hold real numbers"),
    ("dropout", lambda: dropout([1.0, 2.0]), TypeError,
     r"x must be a Tensor, got list"),
    ("dropout", lambda: dropout(X, p=1.0), ValueError,
     r"p=1 would drop every element"),
    ("dropout", lambda: dropout(X, p=-0.5), ValueError,
     r"p must be in \[0, 1\), got -0\.5"),
    ("dropout", lambda: dropout(X, p="0.5"), TypeError,
     r"p must be a number in \[0, 1\), got str"),
    ("dropout", lambda: dropout(X, training="yes"), TypeError,
     r"training must be True or False, got str \('yes'\)"),
    ("dropout", lambda: dropout(X, rng=-1), ValueError,
     r"a seed must be a non-negative int, got -1"),
    ("dropout", lambda: dropout(X, rng=1.5), TypeError,
     r"rng must be None, a non-negative int seed or a "
     r"np\.random\.Generator, got float"),
    ("Linear", lambda: Linear(0, 2), ValueError,
     r"in_features must be a positive int, got 0"),
    ("Linear", lambda: Linear(2, "3"), TypeError,
     r"out_features must be a positive int, got str \('3'\)"),
    ("Linear", lambda: Linear(2, 3, bias="yes"), TypeError,
     r"bias must be True or False, got str \('yes'\)\. Hint: the bias "
     r"values are created for you"),
    ("Dropout", lambda: Dropout(1.0), ValueError, r"p=1 would drop"),
]


@pytest.mark.parametrize("name, call, kind, pattern", BAD,
                         ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_is_one_line_with_a_hint(name, call, kind, pattern):
    with pytest.raises(kind, match=rf"^{name}: {pattern}") as info:
        call()
    assert "\n" not in str(info.value) and "Hint: " in str(info.value)


def test_transposed_pytorch_weight_gets_its_own_hint():
    w_torch = Tensor(np.ones((2, 3)))  # PyTorch's (out, in) for 3 -> 2
    with pytest.raises(ValueError, match=r"weight looks transposed: .* "
                       r"copy PyTorch weights with \.T"):
        linear(X, w_torch)


def test_check_names_a_missing_bias():
    from tinytorch.core import checks
    from tinytorch.core.tensor import from_numpy
    from tinytorch.testing import check

    def linear(x, weight, bias=None):  # a learner's: forgot the bias
        z, w, b = checks.linear_inputs("linear", x, weight, bias)
        return from_numpy(z @ w)

    with pytest.raises(AssertionError, match="the bias is missing"):
        check(linear, X, W, Tensor([0.5, -0.5]), want=[[3.5, 2.5]] * 4)
