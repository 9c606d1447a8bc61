"""Module, Linear, Sequential and Dropout: values, shapes, modes, errors.

References: hand-computed constants, float64 NumPy, and NumPy generators
seeded exactly as the layers are.
"""

import math

import numpy as np
import pytest

from tinytorch.core.activations import ReLU
from tinytorch.core.layers import Dropout, Layer, Linear, Module, Sequential
from tinytorch.core.tensor import Tensor

F32 = dict(rtol=1e-5, atol=1e-6)   # float32 results vs float64 references
F64 = dict(rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ Module

class Affine(Module):
    def __init__(self):
        super().__init__()
        self.scale = Tensor([2.0])
        self.label = "not a parameter"
        self.shift = Tensor([1.0])
        self.constant = np.ones(3)  # NumPy arrays are not parameters

    def forward(self, x):
        return x * self.scale + self.shift


class Tree(Module):
    def __init__(self):
        super().__init__()
        self.left = Affine()
        self.gain = Tensor([[3.0]])
        self.items = [Affine(), 7, ReLU()]
        self.pair = (Affine(), None)
        self.nothing = None

    def forward(self, x):
        return x


def test_call_runs_forward():
    a = Affine()
    np.testing.assert_array_equal(a(Tensor([1.0, 2.0])).data, [3.0, 5.0])


def test_call_dispatches_to_subclass_forward_at_call_time():
    a = Affine()
    a.forward = lambda x: x * 10.0   # an instance attribute wins
    np.testing.assert_array_equal(a(Tensor([1.0])).data, [10.0])


def test_parameters_in_attribute_order_and_recursive():
    t = Tree()
    got = t.parameters()
    want = [t.left.scale, t.left.shift, t.gain,
            t.items[0].scale, t.items[0].shift,
            t.pair[0].scale, t.pair[0].shift]
    assert len(got) == len(want)
    assert all(g is w for g, w in zip(got, want))
    again = t.parameters()   # the same order on every call
    assert all(a is b for a, b in zip(got, again))


def test_parameters_listed_once_when_shared():
    t = Tree()
    t.items[0].scale = t.left.scale          # tied weight
    t.alias = t.gain                          # same tensor, second name
    got = t.parameters()
    assert len(got) == 6
    assert len({id(p) for p in got}) == 6
    assert got[0] is t.left.scale


def test_parameters_of_empty_module_and_plain_subclass():
    assert Module().parameters() == []

    class NoInit(Module):          # never calls super().__init__()
        def forward(self, x):
            return x

    m = NoInit()
    assert m.training is True
    assert m.parameters() == []
    m.eval()
    assert m.training is False


def test_children():
    t = Tree()
    kids = t.children()
    assert kids == [t.left, t.items[0], t.pair[0]]


def test_train_eval_recursive_and_chainable():
    t = Tree()
    assert t.training and t.left.training
    assert t.eval() is t
    for m in (t, t.left, t.items[0], t.pair[0]):
        assert m.training is False
    assert t.train() is t
    for m in (t, t.left, t.items[0], t.pair[0]):
        assert m.training is True
    t.train(False)
    assert not t.pair[0].training


@pytest.mark.parametrize("mode", [1, "yes", None])
def test_train_rejects_non_bool(mode):
    with pytest.raises(TypeError, match=r"train\(mode\) expects True or"):
        Module().train(mode)


def test_base_forward_is_abstract():
    with pytest.raises(NotImplementedError, match="Module has no forward"):
        Module()(Tensor([1.0]))


def test_layer_alias_and_repr():
    assert Layer is Module
    assert repr(Module()) == "Module()"
    assert repr(Linear(3, 2, rng=0)) == (
        "Linear(in_features=3, out_features=2, bias=True)")
    assert repr(Linear(3, 2, bias=False)) == (
        "Linear(in_features=3, out_features=2, bias=False)")
    assert repr(Dropout(0.25)) == "Dropout(p=0.25)"


# ------------------------------------------------------------------ Linear

def test_linear_shapes_dtypes_and_attributes():
    layer = Linear(5, 3, rng=0)
    assert layer.in_features == 5 and layer.out_features == 3
    assert layer.weight.shape == (5, 3) and layer.bias.shape == (3,)
    assert layer.weight.dtype == np.float32 and layer.bias.dtype == np.float32
    params = layer.parameters()
    assert len(params) == 2
    assert params[0] is layer.weight and params[1] is layer.bias


def test_linear_without_bias():
    layer = Linear(5, 3, bias=False, rng=0)
    assert layer.bias is None
    params = layer.parameters()
    assert len(params) == 1 and params[0] is layer.weight
    x = np.random.default_rng(1).normal(size=(4, 5))
    np.testing.assert_allclose(layer(Tensor(x, dtype=np.float64)).data,
                               x @ layer.weight.data.astype(np.float64),
                               **F64)


def test_linear_hand_computed_forward():
    layer = Linear(3, 2, rng=0)
    layer.weight = Tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
    layer.bias = Tensor([0.5, -0.5])
    y = layer(Tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
    # Row 1: [1 + 3, 2 - 3] + [0.5, -0.5]; row 2: the bias alone.
    np.testing.assert_array_equal(y.data, [[4.5, -1.5], [0.5, -0.5]])


@pytest.mark.parametrize("shape", [(7,), (4, 7), (2, 3, 7), (2, 1, 3, 7),
                                   (0, 7)])
def test_linear_leading_dimensions(shape):
    layer = Linear(7, 4, rng=3)
    x = np.random.default_rng(0).normal(size=shape)
    y = layer(Tensor(x))
    assert y.shape == shape[:-1] + (4,)
    ref = (x.astype(np.float32).astype(np.float64)
           @ layer.weight.data.astype(np.float64) + layer.bias.data)
    np.testing.assert_allclose(y.data, ref, **F32)


def test_linear_float64_input_gives_float64():
    layer = Linear(3, 2, rng=0)
    x = np.random.default_rng(5).normal(size=(6, 3))
    y = layer(Tensor(x, dtype=np.float64))
    assert y.dtype == np.float64
    ref = x @ layer.weight.data.astype(np.float64) + layer.bias.data
    np.testing.assert_allclose(y.data, ref, **F64)


def test_linear_accepts_integer_input_and_refuses_a_list():
    # The one rule of checks.floats (as in PyTorch): a list is a TypeError;
    # before the functional rewrite it went through Tensor(...).
    layer = Linear(2, 2, rng=0)
    y_int = layer(Tensor([[1, 2]], dtype=np.int64))
    y_ref = layer(Tensor([[1.0, 2.0]]))
    assert y_int.dtype == np.float32
    np.testing.assert_array_equal(y_int.data, y_ref.data)
    with pytest.raises(TypeError, match=r"^linear: x must be a Tensor, got "
                       r"list\. Hint: wrap the values first, e\.g\. "
                       r"Tensor\(values\)\.$"):
        layer([[1.0, 2.0]])


def test_linear_does_not_modify_input_or_weights():
    layer = Linear(3, 2, rng=0)
    w_before = layer.weight.data.copy()
    x = Tensor([[1.0, 2.0, 3.0]])
    layer(x)
    np.testing.assert_array_equal(x.data, [[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(layer.weight.data, w_before)


# ----------------------------------------------------------- initialisation

def test_linear_init_draws_weight_then_bias_from_uniform():
    k = 1.0 / math.sqrt(3)
    g = np.random.default_rng(11)
    w = g.uniform(-k, k, size=(3, 2)).astype(np.float32)
    b = g.uniform(-k, k, size=(2,)).astype(np.float32)
    layer = Linear(3, 2, rng=11)
    np.testing.assert_array_equal(layer.weight.data, w)
    np.testing.assert_array_equal(layer.bias.data, b)


def test_linear_init_statistics():
    # U(-k, k): bounded by k, mean 0, std k / sqrt(3). With 240,000 draws
    # the sample std is within 0.5 % of that (its own std is ~0.13 %).
    layer = Linear(600, 400, rng=0)
    k = 1.0 / math.sqrt(600)
    w = layer.weight.data.astype(np.float64)
    assert np.abs(w).max() <= k
    assert np.abs(layer.bias.data).max() <= k
    assert abs(w.mean()) < 5 * (k / math.sqrt(3)) / math.sqrt(w.size)
    assert w.std() == pytest.approx(k / math.sqrt(3), rel=0.005)
    # The extremes are reached: the distribution is not narrower.
    assert np.abs(w).max() > 0.99 * k


def test_linear_init_output_variance_is_one_third():
    # Var(x @ W) = in * Var(x) * k^2 / 3 = Var(x) / 3 for any in_features.
    for fan_in in (16, 256, 1024):
        layer = Linear(fan_in, 512, bias=False, rng=fan_in)
        x = np.random.default_rng(1).normal(size=(2000, fan_in))
        var = float((layer(Tensor(x)).data.astype(np.float64)).var())
        assert var == pytest.approx(1 / 3, rel=0.05), fan_in


def test_linear_rng_forms():
    a = Linear(4, 3, rng=7)
    b = Linear(4, 3, rng=np.random.default_rng(7))
    c = Linear(4, 3, rng=np.int64(7))
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.weight.data, c.weight.data)
    d, e = Linear(4, 3), Linear(4, 3)  # unseeded: different draws
    assert not np.array_equal(d.weight.data, e.weight.data)
    shared = np.random.default_rng(0)
    f, g = Linear(4, 3, rng=shared), Linear(4, 3, rng=shared)
    assert not np.array_equal(f.weight.data, g.weight.data)


# ----------------------------------------------------------- Linear errors

@pytest.mark.parametrize("shape", [(4, 5), (5,), (2, 3, 4)])
def test_linear_wrong_last_dimension(shape):
    layer = Linear(3, 2, rng=0)
    with pytest.raises(ValueError) as info:
        layer(Tensor(np.ones(shape)))
    message = str(info.value)
    assert "last dimension 3" in message
    assert f"got shape {shape}" in message
    assert "Hint:" in message and "\n" not in message


def test_linear_scalar_input():
    with pytest.raises(ValueError, match=r"got shape \(\)"):
        Linear(3, 2, rng=0)(Tensor(1.0))


def test_linear_unflattened_images_message():
    with pytest.raises(ValueError, match=r"reshape\(batch_size, -1\)"):
        Linear(784, 10, rng=0)(Tensor(np.zeros((2, 28, 28))))


@pytest.mark.parametrize("bad", [2.5, "3", None, True, [3]])
def test_linear_size_type_errors(bad):
    with pytest.raises(TypeError, match="in_features must be a positive int"):
        Linear(bad, 2)
    with pytest.raises(TypeError, match="out_features must be a positive"):
        Linear(2, bad)


@pytest.mark.parametrize("bad", [0, -1])
def test_linear_size_value_errors(bad):
    with pytest.raises(ValueError, match="in_features must be a positive"):
        Linear(bad, 2)


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_linear_bias_must_be_bool(bad):
    with pytest.raises(TypeError, match="bias must be True or False"):
        Linear(2, 2, bias=bad)


@pytest.mark.parametrize("bad", [1.5, "seed", True, np.random.seed])
def test_bad_rng(bad):
    with pytest.raises(TypeError, match="rng must be None"):
        Linear(2, 2, rng=bad)
    with pytest.raises(TypeError, match="rng must be None"):
        Dropout(0.5, rng=bad)


def test_negative_seed():
    with pytest.raises(ValueError, match="Linear: a seed must be a non-neg"):
        Linear(2, 2, rng=-1)
    with pytest.raises(ValueError, match="Dropout: a seed must be a non-neg"):
        Dropout(0.5, rng=np.int64(-3))


@pytest.mark.parametrize("bad", ["text", None, np.array([1j]), [1.0],
                                 np.ones(1)])
def test_bad_input_type(bad):
    # The classes call the functions, whose names start the messages.
    with pytest.raises(TypeError, match=r"^linear: x must be a Tensor"):
        Linear(1, 1, rng=0)(bad)
    with pytest.raises(TypeError, match=r"^dropout: x must be a Tensor"):
        Dropout(0.5)(bad)


def test_transposed_pytorch_weights_are_caught_or_wrong():
    # ABOUT: an (out, in) matrix in a non-square layer raises a shape error.
    layer = Linear(3, 2, rng=0)
    layer.weight = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError):
        layer(Tensor(np.ones((4, 3))))


# -------------------------------------------------------------- Sequential

class AddOne(Module):
    def forward(self, x):
        return x + 1.0


class Double(Module):
    def forward(self, x):
        return x * 2.0


def test_sequential_order_and_values():
    x = Tensor([[-3.0, 0.5], [1.0, -1.0]])
    y = Sequential(AddOne(), ReLU(), Double())(x)
    np.testing.assert_array_equal(y.data, [[0.0, 3.0], [4.0, 0.0]])
    one = Tensor([1.0])
    assert Sequential(Double(), AddOne())(one).data[0] == 3.0
    assert Sequential(AddOne(), Double())(one).data[0] == 4.0


def test_sequential_mlp_matches_numpy():
    l1, l2 = Linear(6, 5, rng=0), Linear(5, 3, rng=1)
    model = Sequential(l1, ReLU(), l2)
    x = np.random.default_rng(2).normal(size=(4, 6))
    w1, b1 = l1.weight.data.astype(np.float64), l1.bias.data
    w2, b2 = l2.weight.data.astype(np.float64), l2.bias.data
    ref = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    np.testing.assert_allclose(model(Tensor(x, dtype=np.float64)).data, ref,
                               **F64)
    params = model.parameters()
    assert [p.shape for p in params] == [(6, 5), (5,), (5, 3), (3,)]
    assert params[0] is l1.weight and params[3] is l2.bias


def test_sequential_empty_is_identity():
    x = Tensor([1.0, 2.0])
    assert Sequential()(x) is x
    assert len(Sequential()) == 0
    assert repr(Sequential()) == "Sequential()"


def test_sequential_container_protocol():
    a, r, b = Linear(2, 2, rng=0), ReLU(), Linear(2, 1, rng=1)
    model = Sequential(a, r, b)
    assert len(model) == 3
    assert model[0] is a and model[-1] is b
    assert list(model) == [a, r, b]
    head = model[:2]
    assert isinstance(head, Sequential) and list(head) == [a, r]
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=2, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=2, out_features=1, bias=True)\n"
        ")")


def test_sequential_nested_parameters_and_modes():
    inner = Sequential(Linear(3, 3, rng=0), Dropout(0.5, rng=0))
    outer = Sequential(inner, ReLU(), Linear(3, 1, rng=1))
    assert len(outer.parameters()) == 4
    outer.eval()
    assert not inner.training and not inner[1].training
    outer.train()
    assert inner[1].training


def test_sequential_accepts_plain_callables():
    model = Sequential(lambda t: t * 3.0, ReLU())
    np.testing.assert_array_equal(model(Tensor([-1.0, 2.0])).data,
                                  [0.0, 6.0])


def test_sequential_rejects_list():
    with pytest.raises(TypeError, match=r"layer 0 is not callable \(got "
                       r"list\).*Sequential\(a, b\)"):
        Sequential([Linear(2, 2), ReLU()])


def test_sequential_rejects_class():
    with pytest.raises(TypeError, match=r"layer 1 is the class ReLU.*"
                       r"ReLU\(\.\.\.\)"):
        Sequential(Linear(2, 2), ReLU)


def test_sequential_rejects_non_callable():
    with pytest.raises(TypeError, match=r"layer 1 is not callable \(got "
                       r"int\)") as info:
        Sequential(ReLU(), 3)
    assert "\n" not in str(info.value)


# ----------------------------------------------------------------- Dropout

@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_dropout_statistics(p):
    n = 200_000
    x = Tensor(np.full(n, 2.0))
    y = Dropout(p, rng=123)(x).data.astype(np.float64)
    kept_value = 2.0 / (1.0 - p)
    kept = y[y != 0]
    np.testing.assert_allclose(kept, kept_value, rtol=1e-6)  # float32 scale
    # Dropped fraction: Binomial(n, p) / n, std sqrt(p (1 - p) / n).
    frac = float((y == 0).mean())
    assert abs(frac - p) < 5 * math.sqrt(p * (1 - p) / n)
    # Each output has mean 2 and variance 4 p / (1 - p); the sample mean of
    # n of them is within 5 standard errors of 2.
    se = math.sqrt(4.0 * p / (1.0 - p) / n)
    assert abs(y.mean() - 2.0) < 5 * se
    assert y.var() == pytest.approx(4.0 * p / (1.0 - p), rel=0.03)


def test_dropout_preserves_expectation_per_element():
    # Averaging many independent masks recovers the input elementwise.
    x = Tensor(np.linspace(-3.0, 3.0, 13))
    drop = Dropout(0.3, rng=0)
    mean = np.mean([drop(x).data for _ in range(20_000)], axis=0)
    np.testing.assert_allclose(mean, x.data, atol=0.05)


def test_dropout_mask_matches_generator():
    p, shape = 0.4, (3, 5)
    keep = np.random.default_rng(9).random(shape) >= p
    x = np.arange(15.0).reshape(shape) + 1.0
    y = Dropout(p, rng=9)(Tensor(x))
    np.testing.assert_allclose(y.data, np.where(keep, x / (1 - p), 0.0),
                               **F32)


def test_dropout_fresh_masks_and_reproducible_seeds():
    x = Tensor(np.ones(1000))
    drop = Dropout(0.5, rng=1)
    first, second = drop(x).data, drop(x).data
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(Dropout(0.5, rng=1)(x).data, first)


def test_dropout_eval_and_p_zero_are_identity():
    x = Tensor(np.random.default_rng(0).normal(size=(4, 6)))
    drop = Dropout(0.7, rng=0).eval()
    assert drop.training is False
    y = drop(x)
    np.testing.assert_array_equal(y.data, x.data)
    np.testing.assert_array_equal(Dropout(0.0, rng=0)(x).data, x.data)
    drop.train()
    assert not np.array_equal(drop(x).data, x.data)


def test_dropout_shapes_dtypes_and_purity():
    x64 = Tensor(np.ones((2, 3, 4)), dtype=np.float64)
    y = Dropout(0.5, rng=0)(x64)
    assert y.shape == (2, 3, 4) and y.dtype == np.float64
    np.testing.assert_array_equal(x64.data, np.ones((2, 3, 4)))
    y32 = Dropout(0.5, rng=0)(Tensor(np.ones(5)))
    assert y32.dtype == np.float32
    assert Dropout(0.5, rng=0)(Tensor(1.0)).shape == ()
    assert Dropout(0.5, rng=0).parameters() == []


@pytest.mark.parametrize("p", [0, 0.0, 0.5, np.float32(0.25), 0.999])
def test_dropout_valid_p(p):
    assert Dropout(p).p == float(p)


def test_dropout_p_one_explains():
    with pytest.raises(ValueError, match=r"p=1 would drop every element.*"
                       r"divide by zero") as info:
        Dropout(1.0)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("p", [-0.1, 1.5, 2, float("nan"), float("inf")])
def test_dropout_p_out_of_range(p):
    with pytest.raises(ValueError, match=r"Dropout: p must be in \[0, 1\)"):
        Dropout(p)


@pytest.mark.parametrize("p", ["0.5", None, True, [0.5]])
def test_dropout_p_type(p):
    with pytest.raises(TypeError, match="Dropout: p must be a number"):
        Dropout(p)
