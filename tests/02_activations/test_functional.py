"""The functions of Module 02 (torch.nn.functional style) and their classes.

- each function against `torch.nn.functional` (skipped without torch), with
  the tolerances of test_torch_parity.py;
- each class gives exactly (bit for bit) what its function gives;
- the functions are what `tinytorch.nn.functional` lists, their backward
  functions are registered, and every bad input is one line that starts
  with the function's name and carries a hint.
"""

import numpy as np
import pytest

import tinytorch.nn as nn
import tinytorch.nn.functional as tf
from tinytorch.core import activations, gradients
from tinytorch.core.activations import (GELU, ReLU, Sigmoid, Softmax, Tanh,
                                        gelu, relu, sigmoid, softmax, tanh)
from tinytorch.core.tensor import Tensor

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the parity tests skip; the others still run
    torch = F = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs torch")

TOL = {np.float32: dict(rtol=1e-5, atol=1e-6),
       np.float64: dict(rtol=1e-12, atol=1e-14)}
DTYPES = [np.float32, np.float64]

PAIRS = [  # (ours, torch.nn.functional's, the class)
    (relu, lambda t: F.relu(t), ReLU()),
    (sigmoid, lambda t: F.sigmoid(t), Sigmoid()),
    (tanh, lambda t: F.tanh(t), Tanh()),
    (gelu, lambda t: F.gelu(t, approximate="tanh"), GELU()),
    (softmax, lambda t: F.softmax(t, dim=-1), Softmax()),
]
THEIRS = {ours.__name__: theirs for ours, theirs, _ in PAIRS}
IDS = [p[0].__name__ for p in PAIRS]


def inputs(dtype):
    rng = np.random.default_rng(7)
    yield (rng.normal(size=(6, 9)) * 5).astype(dtype)
    yield np.array([[-1000.0, -30.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 30.0,
                     1000.0]], dtype=dtype)
    yield rng.uniform(-20, 20, size=(2, 3, 4)).astype(dtype)
    yield np.array([0.5, -2.0], dtype=dtype)


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ours, theirs, _", PAIRS, ids=IDS)
def test_function_matches_torch_functional(ours, theirs, _, dtype):
    for x in inputs(dtype):
        y = ours(Tensor(x, dtype=dtype))
        want = theirs(torch.from_numpy(x)).numpy()
        assert y.shape == want.shape
        assert y.dtype == want.dtype
        np.testing.assert_allclose(y.data, want, **TOL[dtype])


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2, -3])
def test_softmax_every_dim_matches_torch(dtype, dim):
    x = (np.random.default_rng(dim + 3).normal(size=(3, 4, 5)) * 20
         ).astype(dtype)
    y = softmax(Tensor(x, dtype=dtype), dim=dim)
    want = F.softmax(torch.from_numpy(x), dim=dim).numpy()
    assert y.dtype == want.dtype
    np.testing.assert_allclose(y.data, want, **TOL[dtype])


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize("ours", [relu, sigmoid, tanh, gelu],
                         ids=["relu", "sigmoid", "tanh", "gelu"])
def test_backward_matches_torch_autograd(ours):
    x = np.random.default_rng(1).normal(size=(4, 5)) * 3
    x += 0.1 * np.sign(x)  # away from relu's kink
    upstream = np.random.default_rng(2).uniform(0.5, 1.5, size=x.shape)
    t = torch.from_numpy(x).requires_grad_(True)
    (THEIRS[ours.__name__](t) * torch.from_numpy(upstream)).sum().backward()
    (ours_grad,) = gradients.backward_of(ours)(
        upstream, Tensor(x, dtype=np.float64))
    np.testing.assert_allclose(ours_grad, t.grad.numpy(), rtol=1e-12,
                               atol=1e-14)


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize("dim", [0, -1])
def test_softmax_backward_matches_torch_autograd(dim):
    x = np.random.default_rng(3).normal(size=(3, 4)) * 3
    upstream = np.random.default_rng(4).uniform(0.5, 1.5, size=x.shape)
    t = torch.from_numpy(x).requires_grad_(True)
    (F.softmax(t, dim=dim) * torch.from_numpy(upstream)).sum().backward()
    (ours_grad,) = gradients.backward_of(softmax)(
        upstream, Tensor(x, dtype=np.float64), dim=dim)
    np.testing.assert_allclose(ours_grad, t.grad.numpy(), rtol=1e-10,
                               atol=1e-14)


# ------------------------------------------- classes are thin wrappers

@pytest.mark.parametrize("dtype", DTYPES + [np.int64, np.float16])
@pytest.mark.parametrize("fn, _, act", PAIRS, ids=IDS)
def test_class_gives_exactly_the_function(fn, _, act, dtype):
    for x in inputs(np.float64):
        t = Tensor(np.round(x) if dtype is np.int64 else x, dtype=dtype)
        y, z = act(t), fn(t)
        assert y.dtype == z.dtype and y.shape == z.shape
        assert y.data.tobytes() == z.data.tobytes(), repr(act)
        assert act.forward(t).data.tobytes() == z.data.tobytes()


@pytest.mark.parametrize("dim", [0, 1, -1, np.int64(-2)])
def test_softmax_class_passes_its_dim(dim):
    x = Tensor(np.random.default_rng(0).normal(size=(3, 4)) * 4)
    assert Softmax(dim=dim)(x).data.tobytes() == \
        softmax(x, dim=dim).data.tobytes()
    assert Softmax(dim=dim).dim == int(dim)


def test_softmax_dim_is_checked_when_the_class_is_built():
    with pytest.raises(TypeError, match=r"^Softmax: dim must be an int, got "
                       r"float 1\.5\. Hint: use dim=-1"):
        Softmax(dim=1.5)


def test_class_errors_name_the_function():
    # the class adds nothing: its errors are the function's
    with pytest.raises(TypeError, match=r"^relu: x must be a Tensor"):
        ReLU()([1.0])
    with pytest.raises(ValueError, match=r"^softmax: dim 3 is out of range"):
        Softmax(dim=3)(Tensor([[1.0]]))


# --------------------------------------------- namespace and registry

NAMES = ["relu", "sigmoid", "tanh", "softmax", "gelu"]


@pytest.mark.parametrize("name", NAMES)
def test_functional_namespace_lists_the_function(name):
    assert getattr(tf, name) is getattr(activations, name)
    assert name in tf.__all__ and name in dir(tf)


@pytest.mark.parametrize("name", NAMES)
def test_backward_is_registered(name):
    fn = getattr(activations, name)
    assert gradients.backward_of(fn) is getattr(activations,
                                                f"{name}_backward")


def test_nn_namespace_keeps_the_classes():
    assert nn.ReLU is ReLU and nn.Softmax is Softmax and nn.GELU is GELU


# ------------------------------------------------------ bad inputs

BAD = [
    ("list", lambda f: f([1.0, 2.0]), TypeError,
     r"x must be a Tensor, got list\. Hint: wrap the values first, "
     r"e\.g\. Tensor\(values\)\.$"),
    ("ndarray", lambda f: f(np.ones(2)), TypeError,
     r"x must be a Tensor, got ndarray\. Hint: wrap"),
    ("None", lambda f: f(None), TypeError, r"x must be a Tensor, got "
     r"NoneType"),
    ("bool Tensor", lambda f: f(Tensor([True, False], dtype=np.bool_)),
     TypeError, r"x must hold real numbers .* got dtype bool\. Hint: "),
]


@pytest.mark.parametrize("fn", [relu, sigmoid, tanh, softmax, gelu],
                         ids=NAMES)
@pytest.mark.parametrize("what, call, kind, pattern", BAD,
                         ids=[b[0] for b in BAD])
def test_bad_input_is_one_line_with_a_hint(fn, what, call, kind, pattern):
    with pytest.raises(kind, match=rf"^{fn.__name__}: {pattern}") as info:
        call(fn)
    assert "\n" not in str(info.value) and "Hint: " in str(info.value)


SOFTMAX_BAD = [
    (lambda: softmax(Tensor(2.0)), ValueError,
     r"expected a Tensor with at least 1 dimension, got a 0-d"),
    (lambda: softmax(Tensor([[1.0, 2.0]]), dim=2), ValueError,
     r"dim 2 is out of range for a 2-D Tensor \(valid: -2\.\.1\)"),
    (lambda: softmax(Tensor([[1.0]]), dim="0"), TypeError,
     r"dim must be an int, got str"),
    (lambda: softmax(Tensor(np.zeros((2, 0)))), ValueError,
     r"x has size 0 along dim 1"),
    (lambda: softmax(Tensor([1.0, np.nan])), ValueError,
     r"x must be finite \(or -inf\), got nan at x\[1\]"),
    (lambda: softmax(Tensor([1.0, np.inf])), ValueError,
     r"x must be finite \(or -inf\), got inf at x\[1\]"),
    (lambda: softmax(Tensor([[0.0, 1.0], [-np.inf, -np.inf]])), ValueError,
     r"every entry of x\[1, :\] is -inf"),
]


@pytest.mark.parametrize("call, kind, pattern", SOFTMAX_BAD)
def test_softmax_takes_the_scores_log_softmax_takes(call, kind, pattern):
    # softmax validates with checks.logits, like Module 04's log_softmax;
    # PyTorch returns NaN for the last three.
    with pytest.raises(kind, match=rf"^softmax: {pattern}") as info:
        call()
    assert "\n" not in str(info.value) and "Hint: " in str(info.value)


# ------------------------------------- feedback names common mistakes

def _learner(name, body):
    """A learner's wrong `name(x, ...)`: body(z, *settings) on float data."""
    def fn(x, *args, **kwargs):
        from tinytorch.core import checks
        from tinytorch.core.tensor import from_numpy
        z = checks.floats(name, "x", x)
        with np.errstate(all="ignore"):
            return from_numpy(np.asarray(body(z, *args, **kwargs),
                                         dtype=z.dtype))
    fn.__name__ = name
    return fn


def _sm(z, dim=-1, keep=True):
    e = np.exp(z - z.max(axis=dim, keepdims=keep))
    return e / e.sum(axis=dim, keepdims=keep)


X = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0], [0.2, 0.4, -0.6]])
MISTAKES = [  # (name, wrong body, settings, words the message must have)
    ("relu", lambda z: np.minimum(z, 0), {}, "np.minimum"),
    ("relu", lambda z: np.abs(z), {}, "that is |x|"),
    ("sigmoid", lambda z: 1 / (1 + np.exp(z)), {}, "sigmoid(-x)"),
    ("sigmoid", lambda z: np.exp(z) / (1 + np.exp(z)), {"big": True},
     "exponentiate only -|z|"),
    ("tanh", lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
     {"big": True}, "use np.tanh"),
    ("softmax", lambda z, dim=-1: np.exp(z) / np.exp(z).sum(
        axis=dim, keepdims=True), {"big": True}, "subtract the maximum"),
    ("softmax", lambda z, dim=-1: np.log(_sm(z, dim)), {}, "log-softmax"),
    ("softmax", lambda z, dim=-1: _sm(z, 0), {}, "wrong dimension"),
    ("softmax", lambda z, dim=-1: _sm(z, 1, keep=False), {},
     "keepdims=True"),
    ("gelu", lambda z: z * (1 + np.tanh(np.sqrt(2 / np.pi) * (
        z + 0.044715 * z ** 3))), {}, "starts with 0.5 * z"),
    ("gelu", lambda z: 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * z)), {},
     "cubic term is missing"),
]


@pytest.mark.parametrize("name, body, how, says", MISTAKES,
                         ids=[f"{m[0]}-{m[3]}" for m in MISTAKES])
def test_check_names_the_mistake(name, body, how, says):
    from tinytorch.testing import check

    right = getattr(activations, name)
    x = Tensor(X * (400.0 if how.get("big") else 1.0))
    with pytest.raises(AssertionError) as info:
        check(_learner(name, body), x, want=right(x).data)
    message = str(info.value)
    assert message.startswith(f"{name}: returned "), message
    assert says in message and "\n" not in message, message


def test_check_names_the_exact_erf_gelu():
    from tinytorch.testing import check
    import math

    erf = np.vectorize(math.erf)
    wrong = _learner("gelu", lambda z: 0.5 * z * (1 + erf(z / math.sqrt(2))))
    x = Tensor(np.linspace(-3, 3, 13), dtype=np.float64)
    with pytest.raises(AssertionError, match="exact erf GELU"):
        check(wrong, x, want=gelu(x).data)
