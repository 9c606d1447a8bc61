"""tinytorch.core.layers against torch.nn (skipped without torch).

Weights are copied from PyTorch into TinyTorch; PyTorch stores
Linear.weight as (out, in), TinyTorch as (in, out), so copies transpose.
"""

import math

import numpy as np
import pytest

from tinytorch.core.activations import ReLU
from tinytorch.core.layers import Dropout, Linear, Sequential
from tinytorch.core.tensor import Tensor

torch = pytest.importorskip("torch")
nn = torch.nn

pytestmark = pytest.mark.torch

TOL = {np.float32: dict(rtol=1e-5, atol=1e-5),
       np.float64: dict(rtol=1e-12, atol=1e-12)}
TORCH_DTYPE = {np.float32: torch.float32, np.float64: torch.float64}


def copy_linear(src, bias=True):
    layer = Linear(src.in_features, src.out_features, bias=bias, rng=0)
    dtype = src.weight.detach().numpy().dtype
    layer.weight = Tensor(src.weight.detach().numpy().T.copy(), dtype=dtype)
    if bias:
        layer.bias = Tensor(src.bias.detach().numpy().copy(), dtype=dtype)
    return layer


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(5,), (8, 5), (2, 3, 5)])
def test_linear_with_copied_weights(dtype, bias, shape):
    torch.manual_seed(0)
    ref = nn.Linear(5, 4, bias=bias).to(TORCH_DTYPE[dtype])
    ours = copy_linear(ref, bias=bias)
    x = np.random.default_rng(1).normal(size=shape).astype(dtype)
    expected = ref(torch.from_numpy(x)).detach().numpy()
    y = ours(Tensor(x, dtype=dtype))
    assert y.shape == expected.shape
    assert y.dtype == expected.dtype
    np.testing.assert_allclose(y.data, expected, **TOL[dtype])


def test_mlp_with_copied_weights():
    torch.manual_seed(1)
    ref = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2),
                        nn.Linear(128, 10)).eval()
    ours = Sequential(copy_linear(ref[0]), ReLU(), Dropout(0.2, rng=0),
                      copy_linear(ref[3])).eval()
    x = np.random.default_rng(2).normal(size=(32, 784)).astype(np.float32)
    expected = ref(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours(Tensor(x)).data, expected,
                               **TOL[np.float32])
    n_ours = sum(p.size for p in ours.parameters())
    n_torch = sum(p.numel() for p in ref.parameters())
    assert n_ours == n_torch == 101_770


def test_same_init_distribution_as_torch():
    # Both draw weight and bias from U(-k, k), k = 1 / sqrt(in_features).
    torch.manual_seed(3)
    ref = nn.Linear(500, 400)
    ours = Linear(500, 400, rng=3)
    k = 1.0 / math.sqrt(500)
    assert tuple(ref.weight.shape)[::-1] == ours.weight.shape
    assert tuple(ref.bias.shape) == ours.bias.shape
    for theirs, mine in ((ref.weight, ours.weight), (ref.bias, ours.bias)):
        t = theirs.detach().numpy().astype(np.float64)
        m = mine.data.astype(np.float64)
        assert np.abs(t).max() <= k and np.abs(m).max() <= k
    t = ref.weight.detach().numpy().astype(np.float64)
    m = ours.weight.data.astype(np.float64)
    assert m.std() == pytest.approx(t.std(), rel=0.01)
    assert m.std() == pytest.approx(k / math.sqrt(3), rel=0.01)


def test_dropout_semantics_match_torch():
    x = np.full(10_000, 3.0, dtype=np.float32)
    torch.manual_seed(0)
    theirs = nn.Dropout(0.25)(torch.from_numpy(x)).numpy()
    ours = Dropout(0.25, rng=0)(Tensor(x)).data
    # Same value set: 0, or x / (1 - p), in float32.
    assert set(np.unique(theirs).tolist()) == set(np.unique(ours).tolist())
    # Same eval behaviour: identity.
    np.testing.assert_array_equal(
        nn.Dropout(0.25).eval()(torch.from_numpy(x)).numpy(), x)
    np.testing.assert_array_equal(Dropout(0.25).eval()(Tensor(x)).data, x)


def test_dropout_p_one_differs_from_torch():
    # The NOTE in Dropout's docstring: PyTorch allows p = 1; we refuse it.
    out = nn.Dropout(1.0)(torch.ones(4)).numpy()
    np.testing.assert_array_equal(out, np.zeros(4))
    with pytest.raises(ValueError, match="p=1"):
        Dropout(1.0)


def test_weight_orientation_note():
    # The NOTE in Linear's docstring: torch stores (out, in).
    assert tuple(nn.Linear(3, 2).weight.shape) == (2, 3)
    assert Linear(3, 2, rng=0).weight.shape == (3, 2)
