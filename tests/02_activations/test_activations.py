"""Exact values, dtypes, shapes and bad inputs for tinytorch.core.activations.

References are hand-computed constants (from the formulas in float64, digits
quoted below) and float64 loops over the `math` module.
"""

import math
import warnings

import numpy as np
import pytest

from tinytorch.core.activations import GELU, ReLU, Sigmoid, Softmax, Tanh
from tinytorch.core.tensor import Tensor

# Named tolerances: float32 results against float64 references, and float64
# results against float64 references.
F32 = dict(rtol=1e-6, atol=1e-7)
F64 = dict(rtol=1e-12, atol=1e-15)
# GELU's tanh form computes 1 + tanh(u) with tanh(u) close to -1 for
# negative x, so in float32 its absolute error there is a few float32 ulps
# of |x| (about 1e-7 near x = -5); PyTorch's float32 kernel shares this.
GELU_F32 = dict(rtol=1e-6, atol=1e-6)

ALL = [ReLU, Sigmoid, Tanh, Softmax, GELU]
ELEMENTWISE = [ReLU, Sigmoid, Tanh, GELU]


def sigmoid_ref(v):
    # Two-branch float64 reference, exact to rounding for every v.
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    return math.exp(v) / (1.0 + math.exp(v))


def gelu_tanh_ref(v):
    c = math.sqrt(2.0 / math.pi)
    return 0.5 * v * (1.0 + math.tanh(c * (v + 0.044715 * v ** 3)))


def softmax_ref(row):
    m = max(row)
    exps = [math.exp(v - m) for v in row]
    total = math.fsum(exps)
    return [e / total for e in exps]


def no_warnings(fn, *args):
    """Call fn(*args) with every warning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args)


# ---------------------------------------------------------------- constants

def test_hand_computed_constants():
    # Values from the formulas, evaluated in float64 and rounded to 16 digits.
    assert Sigmoid()(Tensor([1.0])).data[0] == pytest.approx(
        0.7310585786300049, rel=1e-6)
    assert Sigmoid()(Tensor([-1.0])).data[0] == pytest.approx(
        0.2689414213699951, rel=1e-6)
    assert Tanh()(Tensor([1.0])).data[0] == pytest.approx(
        0.7615941559557649, rel=1e-6)
    assert GELU()(Tensor([1.0])).data[0] == pytest.approx(
        0.8411919906082768, rel=1e-6)
    assert GELU()(Tensor([-1.0])).data[0] == pytest.approx(
        -0.15880800939172324, rel=1e-6)
    got = Softmax()(Tensor([1.0, 2.0, 3.0])).data
    np.testing.assert_allclose(
        got, [0.09003057317038046, 0.24472847105479767, 0.6652409557748219],
        **F32)


def test_exact_special_values():
    assert Sigmoid()(Tensor([0.0])).data[0] == 0.5
    assert Tanh()(Tensor([0.0])).data[0] == 0.0
    assert GELU()(Tensor([0.0])).data[0] == 0.0
    np.testing.assert_array_equal(
        ReLU()(Tensor([-3.0, -0.0, 0.0, 2.5])).data, [0.0, 0.0, 0.0, 2.5])
    np.testing.assert_array_equal(
        Softmax()(Tensor([[7.0, 7.0, 7.0, 7.0]])).data, [[0.25] * 4])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_elementwise_against_float64_loops(dtype):
    xt = Tensor(np.linspace(-20.0, 20.0, 161), dtype=dtype)
    # References use the dtype-rounded inputs, evaluated in float64.
    xs = [float(v) for v in xt.data]
    tol = F32 if dtype is np.float32 else F64
    cases = [
        (ReLU(), [max(v, 0.0) for v in xs]),
        (Sigmoid(), [sigmoid_ref(v) for v in xs]),
        (Tanh(), [math.tanh(v) for v in xs]),
        (GELU(), [gelu_tanh_ref(v) for v in xs]),
    ]
    for act, ref in cases:
        y = act(xt)
        assert y.shape == (161,)
        assert y.dtype == dtype, repr(act)
        loose = isinstance(act, GELU) and dtype is np.float32
        np.testing.assert_allclose(y.data, ref, **(GELU_F32 if loose else tol),
                                   err_msg=repr(act))


@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2, -3])
def test_softmax_every_dim_against_loop(dim):
    x = np.random.default_rng(3).normal(size=(3, 4, 5)) * 20.0
    y = Softmax(dim=dim)(Tensor(x, dtype=np.float64))
    moved = np.moveaxis(x, dim, -1)
    ref = np.array([softmax_ref(list(row))
                    for row in moved.reshape(-1, moved.shape[-1])])
    ref = np.moveaxis(ref.reshape(moved.shape), -1, dim)
    assert y.shape == x.shape and y.dtype == np.float64
    np.testing.assert_allclose(y.data, ref, **F64)


def test_softmax_default_dim_is_last():
    x = Tensor([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_array_equal(Softmax()(x).data, Softmax(dim=1)(x).data)
    assert Softmax().dim == -1
    assert repr(Softmax()) == "Softmax(dim=-1)"
    assert repr(Softmax(dim=0)) == "Softmax(dim=0)"


def test_softmax_masked_logits():
    # -inf is how attention masks out positions: it must get probability 0.
    y = no_warnings(Softmax(), Tensor([[0.0, -np.inf, 0.0]]))
    np.testing.assert_array_equal(y.data, [[0.5, 0.0, 0.5]])


# ---------------------------------------------------------------- stability

@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_sigmoid_extremes_without_warnings(dtype):
    x = Tensor([-1000.0, 1000.0], dtype=dtype)
    y = no_warnings(Sigmoid(), x)
    # the one rule of checks.floats: float64 stays, all else is float32
    assert y.dtype == (np.float64 if dtype is np.float64 else np.float32)
    np.testing.assert_array_equal(y.data, [0.0, 1.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_at_minus_100_is_exp_minus_100(dtype):
    # e^-100 = 3.7e-44 is a (subnormal) float32, not 0: the stable branch
    # t / (1 + t) keeps it, while 1 / (1 + e^100) would overflow on the way.
    y = no_warnings(Sigmoid(), Tensor([-100.0, 100.0], dtype=dtype)).data
    tiny = np.exp(dtype(-100.0))
    assert tiny > 0
    np.testing.assert_allclose(y, [tiny, 1.0], rtol=1e-6 if dtype is
                               np.float64 else 0.1, atol=0)


def test_sigmoid_infinities_and_huge_float64():
    x = Tensor([-np.inf, -1e308, 1e308, np.inf], dtype=np.float64)
    y = no_warnings(Sigmoid(), x)
    np.testing.assert_array_equal(y.data, [0.0, 0.0, 1.0, 1.0])


def test_sigmoid_keeps_tiny_values_for_negative_inputs():
    # The stable negative branch keeps relative accuracy far into the tail,
    # where 1 - sigmoid(-x) would round to 0.
    y = Sigmoid()(Tensor([-30.0, -700.0], dtype=np.float64)).data
    assert y[0] == pytest.approx(math.exp(-30.0) / (1 + math.exp(-30.0)),
                                 rel=1e-14)
    assert y[1] == pytest.approx(math.exp(-700.0), rel=1e-14)


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_all_finite_at_plus_minus_1000(cls, dtype):
    y = no_warnings(cls(), Tensor([[-1000.0, 0.0, 1000.0]], dtype=dtype))
    assert np.isfinite(y.data).all()


def test_large_value_limits():
    x = Tensor([-1000.0, 1000.0])
    np.testing.assert_array_equal(Tanh()(x).data, [-1.0, 1.0])
    np.testing.assert_allclose(GELU()(x).data, [0.0, 1000.0], atol=0)
    np.testing.assert_array_equal(ReLU()(x).data, [0.0, 1000.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_shift_with_huge_logits(dtype):
    small = Softmax()(Tensor([1.0, 2.0, 3.0], dtype=dtype)).data
    big = no_warnings(Softmax(), Tensor([1000.0, 1001.0, 1002.0],
                                        dtype=dtype)).data
    neg = no_warnings(Softmax(), Tensor([-1002.0, -1001.0, -1000.0],
                                        dtype=dtype)).data
    np.testing.assert_allclose(big, small, rtol=1e-5)
    np.testing.assert_allclose(neg, small, rtol=1e-5)


# ---------------------------------------------------- dtypes, shapes, purity

@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(cls, dtype):
    y = cls()(Tensor([[0.5, -1.5], [2.0, 3.0]], dtype=dtype))
    assert isinstance(y, Tensor)
    assert y.dtype == dtype
    assert isinstance(y.data, np.ndarray)


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8,
                                   np.float16])
def test_integer_and_half_become_float32(cls, dtype):
    y = cls()(Tensor([[1, 0], [0, 1]], dtype=dtype))
    assert y.dtype == np.float32
    ref = cls()(Tensor([[1.0, 0.0], [0.0, 1.0]]))
    np.testing.assert_array_equal(y.data, ref.data)


@pytest.mark.parametrize("cls", ALL)
def test_bool_is_refused(cls):
    # checks.floats takes integer and float dtypes only (as PyTorch's relu
    # refuses bool); before the functional rewrite bool became float32.
    name = cls.__name__.lower()
    with pytest.raises(TypeError, match=rf"^{name}: x must hold real "
                       r"numbers .* got dtype bool\. Hint: "):
        cls()(Tensor([[True, False]], dtype=np.bool_))


@pytest.mark.parametrize("cls", ELEMENTWISE)
@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3), (2, 1, 4)])
def test_elementwise_shapes(cls, shape):
    x = Tensor(np.arange(int(np.prod(shape)), dtype=np.float64)
               .reshape(shape) - 2.0)
    y = cls()(x)
    assert y.shape == shape
    assert y.data.shape == shape


@pytest.mark.parametrize("shape", [(1,), (4,), (2, 3), (2, 3, 4), (0, 3)])
def test_softmax_shapes(shape):
    x = Tensor(np.ones(shape))
    assert Softmax()(x).shape == shape


@pytest.mark.parametrize("cls", ALL)
def test_input_is_not_modified(cls):
    data = np.array([[-2.0, 0.5, 3.0], [1.0, -1.0, 0.0]], dtype=np.float32)
    x = Tensor(data.copy())
    before = x.data.copy()
    cls()(x)
    np.testing.assert_array_equal(x.data, before)


@pytest.mark.parametrize("cls", ALL)
def test_call_and_forward_agree(cls):
    x = Tensor([[0.3, -2.0, 4.0]])
    act = cls()
    np.testing.assert_array_equal(act(x).data, act.forward(x).data)


@pytest.mark.parametrize("cls", ALL)
def test_call_looks_up_forward_at_call_time(cls):
    class Doubled(cls):
        def forward(self, x):
            return super().forward(x) * 2.0

    x = Tensor([[0.3, -2.0, 4.0]])
    np.testing.assert_allclose(Doubled()(x).data, 2.0 * cls()(x).data)


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("bad, kind", [([[-1.0, 2.0]], "list"),
                                       (np.array([[-1.0, 2.0]]), "ndarray"),
                                       (2.0, "float")])
def test_array_likes_are_refused(cls, bad, kind):
    # One rule for every module (PyTorch's: F.relu([1, 2]) is a
    # TypeError); before the functional rewrite these went through Tensor().
    name = cls.__name__.lower()
    with pytest.raises(TypeError, match=rf"^{name}: x must be a Tensor, got "
                       rf"{kind}\. Hint: wrap the values first, e\.g\. "
                       r"Tensor\(values\)\.$"):
        cls()(bad)


@pytest.mark.parametrize("cls", ALL)
def test_repr(cls):
    assert repr(cls()).startswith(cls.__name__ + "(")


# ---------------------------------------------------------------- bad input

BAD_INPUTS = ["not a tensor", None, {"a": 1}, np.array([1 + 2j]), 3 + 1j,
              [[1.0, 2.0], [3.0]]]


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("bad", BAD_INPUTS,
                         ids=["str", "None", "dict", "complex-array",
                              "complex", "ragged"])
def test_bad_input_is_one_line_type_error(cls, bad):
    name = cls.__name__.lower()  # the class calls the function of that name
    with pytest.raises(TypeError, match=rf"^{name}: x must ") as info:
        cls()(bad)
    message = str(info.value)
    assert "\n" not in message
    assert "Hint:" in message


@pytest.mark.parametrize("dim", [1.5, "1", None, True, [0]])
def test_softmax_dim_must_be_int(dim):
    with pytest.raises(TypeError, match="Softmax: dim must be an int"):
        Softmax(dim=dim)


def test_softmax_accepts_numpy_integer_dim():
    y = Softmax(dim=np.int64(0))(Tensor([[1.0], [1.0]]))
    np.testing.assert_array_equal(y.data, [[0.5], [0.5]])


@pytest.mark.parametrize("dim", [2, -3, 10])
def test_softmax_dim_out_of_range(dim):
    with pytest.raises(ValueError, match=r"^softmax: dim .* is out of range "
                       r".* \(valid: -2\.\.1\)") as info:
        Softmax(dim=dim)(Tensor([[1.0, 2.0]]))
    assert "\n" not in str(info.value)


def test_softmax_rejects_0d_input():
    with pytest.raises(ValueError, match="at least 1 dimension"):
        Softmax()(Tensor(3.0))


def test_softmax_rejects_empty_dimension():
    with pytest.raises(ValueError,
                       match=r"has size 0 along dim 1 \(shape \(2, 0\)\)"):
        Softmax(dim=1)(Tensor(np.zeros((2, 0))))
