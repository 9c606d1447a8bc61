"""Every number written in the prose of Module 03, recomputed.

Each test names the sentence it checks: `notebook` is
src/03_layers/03_layers.py (markdown, docstrings, comments) and `ABOUT` is
src/03_layers/ABOUT.md.
"""

import math

import numpy as np
import pytest

from tinytorch.core.activations import ReLU
from tinytorch.core.layers import Dropout, Linear, Sequential
from tinytorch.core.tensor import Tensor


def n_params(model):
    return sum(p.size for p in model.parameters())


def mnist_mlp():
    return Sequential(Linear(784, 128, rng=0), ReLU(), Dropout(0.2, rng=1),
                      Linear(128, 10, rng=2))


def test_mnist_mlp_size():
    # notebook systems section + ABOUT: "784 -> 128 -> 10 ... 101,770
    # parameters, 407,080 bytes in float32 (about 0.41 MB)"; ABOUT:
    # "100,480 + 1,290"; "784 inputs (a flattened 28 x 28 image)".
    model = mnist_mlp()
    assert 28 * 28 == 784
    assert n_params(model[0]) == 100_480
    assert n_params(model[3]) == 1_290
    assert n_params(model) == 101_770
    nbytes = sum(p.data.nbytes for p in model.parameters())
    assert nbytes == 407_080
    assert round(nbytes / 1e6, 2) == 0.41


def test_mnist_mlp_flops():
    # ABOUT: "One forward pass costs 203,264 FLOPs per example"; notebook
    # summary: "a Linear layer costs 2 * in * out FLOPs per example".
    assert 2 * (784 * 128 + 128 * 10) == 203_264


def test_first_layer_init_numbers():
    # ABOUT: "k = 1/sqrt(784), about 0.0357, and the weights have standard
    # deviation k/sqrt(3), about 0.0206".
    k = 1 / math.sqrt(784)
    assert round(k, 4) == 0.0357
    assert round(k / math.sqrt(3), 4) == 0.0206
    w = Linear(784, 128, rng=0).weight.data.astype(np.float64)
    assert w.std() == pytest.approx(k / math.sqrt(3), rel=0.01)


def test_uniform_variance_and_one_third():
    # notebook: "A uniform variable on (-k, k) has variance k^2/3 ... for
    # inputs with unit variance each output (before the bias) has variance
    # 1/3, whatever in_features is" (also ABOUT).
    k = 0.7
    draws = np.random.default_rng(0).uniform(-k, k, size=1_000_000)
    assert draws.var() == pytest.approx(k * k / 3, rel=0.01)
    for fan_in in (10, 784):
        layer = Linear(fan_in, 256, bias=False, rng=1)
        x = np.random.default_rng(2).normal(size=(4000, fan_in))
        var = float(layer(Tensor(x)).data.astype(np.float64).var())
        assert var == pytest.approx(1 / 3, rel=0.05)


def init_demo():
    """The notebook's 'Why initialisation matters' cell, step for step."""
    width, depth = 256, 10
    x0 = Tensor(np.random.default_rng(0).normal(size=(256, width)))
    relu = ReLU()
    h_normal, h_default = x0, x0
    normal, default = [], []
    for i in range(depth):
        big = Linear(width, width, bias=False, rng=i)
        big.weight = Tensor(np.random.default_rng(100 + i).normal(
            size=(width, width)))
        h_normal = relu(big(h_normal))
        h_default = relu(Linear(width, width, rng=i)(h_default))
        normal.append(float(h_normal.data.std()))
        default.append(float(h_default.data.std()))
    return np.array(normal), np.array(default)


def test_init_demo_growth_and_shrinking():
    # notebook: "grow by roughly a factor of sqrt(256 / 2) ~ 11 per layer
    # ... after ten layers they are around 10^10"; "shrinks by a factor of
    # about sqrt(1/6) ~ 0.4 per layer at first, until the small random
    # biases hold it at a floor of a few hundredths". ABOUT: "grow about 11
    # times per layer, to around 1e10"; Q4: "about 11 times per layer".
    normal, default = init_demo()
    assert round(math.sqrt(256 / 2)) == 11
    growth = (normal[-1] / normal[0]) ** (1 / 9)
    assert 10 <= growth <= 12.5
    assert 9.5 <= math.log10(normal[-1]) <= 10.5
    assert round(math.sqrt(1 / 6), 1) == 0.4
    first_ratios = default[1:3] / default[0:2]
    assert ((first_ratios > 0.35) & (first_ratios < 0.47)).all()
    floor = default[4:]
    assert ((floor > 0.01) & (floor < 0.05)).all()


def test_he_init_keeps_the_scale():
    # notebook + ABOUT: "He initialisation (weight variance 2/in, no
    # shrinking)".
    width = 256
    h = Tensor(np.random.default_rng(0).normal(size=(256, width)))
    relu, stds = ReLU(), []
    for i in range(10):
        layer = Linear(width, width, bias=False, rng=i)
        layer.weight = Tensor(np.random.default_rng(i).normal(
            scale=math.sqrt(2 / width), size=(width, width)))
        h = relu(layer(h))
        stds.append(float(h.data.std()))
    assert 0.5 < stds[-1] / stds[0] < 2.0


def test_dropout_std_comment():
    # notebook Dropout test comment: "The dropped fraction has std
    # sqrt(p (1 - p) / n) = 0.0014 here" (p = 0.25, n = 100,000).
    assert round(math.sqrt(0.25 * 0.75 / 100_000), 4) == 0.0014


def test_dropout_half_doubles():
    # ABOUT: "With p = 0.5, surviving values are doubled"; Q3: "0 ... or
    # 6.0 (3.0 / (1 - 0.5)), so the expected value is 3.0".
    y = Dropout(0.5, rng=0)(Tensor(np.full(1000, 3.0))).data
    assert set(np.unique(y).tolist()) == {0.0, 6.0}
    assert 0.5 * 6.0 + 0.5 * 0.0 == 3.0


def test_activation_memory_batch_256():
    # notebook: "at a batch of 256 the activations already take about as
    # much memory as the weights".
    model = mnist_mlp()
    out, act_bytes = Tensor(np.zeros((256, 784))), 0
    for layer in model:
        out = layer(out)
        act_bytes += out.data.nbytes
    weight_bytes = sum(p.data.nbytes for p in model.parameters())
    assert act_bytes == 256 * (128 + 128 + 128 + 10) * 4
    assert 0.9 < act_bytes / weight_bytes < 1.1


def test_about_q1_three_layer_mlp():
    # ABOUT Q1: "200,960; 65,792; 2,570. Total 269,322 parameters,
    # 1,077,288 bytes (about 1.08 MB)".
    model = Sequential(Linear(784, 256, rng=0), ReLU(),
                       Linear(256, 256, rng=1), ReLU(),
                       Linear(256, 10, rng=2))
    assert [n_params(model[i]) for i in (0, 2, 4)] == [200_960, 65_792,
                                                       2_570]
    assert n_params(model) == 269_322
    nbytes = sum(p.data.nbytes for p in model.parameters())
    assert nbytes == 1_077_288 and round(nbytes / 1e6, 2) == 1.08


def test_about_q2_activation_memory_batch_1024():
    # ABOUT Q2: "1,613,824 bytes, about 1.61 MB: roughly four times the
    # 407,080 bytes of parameters".
    model = mnist_mlp()
    out, act_bytes = Tensor(np.zeros((1024, 784))), 0
    for layer in model:
        out = layer(out)
        act_bytes += out.data.nbytes
    assert act_bytes == 1_613_824
    assert round(act_bytes / 1e6, 2) == 1.61
    assert round(act_bytes / 407_080) == 4


def test_about_transformer_projection():
    # ABOUT: "Linear(768, 3072), already holds 2,362,368 parameters (about
    # 9.45 MB)".
    layer = Linear(768, 3072, rng=0)
    assert n_params(layer) == 2_362_368
    assert round(sum(p.data.nbytes for p in layer.parameters()) / 1e6,
                 2) == 9.45


def test_about_unflattened_error_message():
    # ABOUT Common errors: "raises ValueError: linear: x must have last
    # dimension 784 (weight has shape (784, 128)), got shape (32, 28, 28)".
    with pytest.raises(ValueError) as info:
        Linear(784, 128, rng=0)(Tensor(np.zeros((32, 28, 28))))
    message = str(info.value)
    assert message.startswith(
        "linear: x must have last dimension 784 (weight has shape "
        "(784, 128)), got shape (32, 28, 28). Hint: ")
    assert "x.reshape(batch_size, -1)" in message


def test_about_transposed_weights_hint():
    # ABOUT Common errors: "in a non-square layer it raises a shape error
    # whose hint says the weight looks transposed".
    layer = Linear(3, 2, rng=0)
    layer.weight = Tensor(np.ones((2, 3)))   # PyTorch's (out, in)
    with pytest.raises(ValueError, match="weight looks transposed"):
        layer(Tensor(np.ones((4, 3))))


def test_about_square_layer_transposed_is_silently_wrong():
    # ABOUT Common errors: "A (out_features, in_features) matrix in a square
    # layer gives silently wrong outputs".
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3, 3))
    layer = Linear(3, 3, bias=False, rng=0)
    layer.weight = Tensor(w.T, dtype=np.float64)     # forgot the transpose
    x = rng.normal(size=(2, 3))
    wrong = layer(Tensor(x, dtype=np.float64)).data
    assert wrong.shape == (2, 3)
    assert not np.allclose(wrong, x @ w)


def test_doubling_width_roughly_doubles_count():
    # notebook "How the count scales": "doubling the hidden width roughly
    # doubles the count here".
    def mlp(hidden):
        return Sequential(Linear(784, hidden, rng=0), ReLU(),
                          Linear(hidden, 10, rng=1))

    for hidden in (32, 128, 512):
        ratio = n_params(mlp(2 * hidden)) / n_params(mlp(hidden))
        assert 1.95 < ratio < 2.0
