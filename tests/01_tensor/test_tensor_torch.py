"""Module 01 Tensor: parity with PyTorch (skipped when torch is missing).

Both libraries compute in float32 here, so results agree to float32
rounding: `rtol=1e-6, atol=1e-6` unless a test says otherwise.
"""

import numpy as np
import pytest

from tinytorch.core.tensor import Tensor

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.torch

RTOL = 1e-6
ATOL = 1e-6


def data(*shape, seed=0, low=-2.0, high=2.0):
    rng = np.random.default_rng(seed)
    return rng.uniform(low, high, shape).astype(np.float32)


def same(ours, theirs, rtol=RTOL, atol=ATOL):
    """Shape, then dtype, then values."""
    theirs = theirs.detach().numpy()
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours.data, theirs, rtol=rtol, atol=atol)


@pytest.mark.parametrize("left, right", [((2, 3), (2, 3)), ((4, 3), (3,)),
                                         ((3, 1), (1, 4)),
                                         ((2, 1, 3), (4, 1))])
def test_broadcasting_arithmetic(left, right):
    a, b = data(*left, seed=1), data(*right, seed=2, low=0.5, high=2.0)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    x, y = Tensor(a), Tensor(b)
    same(x + y, ta + tb)
    same(x - y, ta - tb)
    same(x * y, ta * tb)
    same(x / y, ta / tb)
    same(y ** 1.5, tb ** 1.5)
    same(-x, -ta)


def test_reflected_scalars():
    a = data(5, seed=3, low=0.5, high=2.0)
    x, t = Tensor(a), torch.from_numpy(a)
    same(2.0 - x, 2.0 - t)
    same(3 / x, 3 / t)
    same(2 ** x, 2 ** t)
    same(x * 0.5, t * 0.5)


def test_default_dtype_of_python_floats_matches():
    # torch.tensor of Python floats is float32, as is our default.
    same(Tensor([[1.5, 2.0], [3.0, 4.0]]),
         torch.tensor([[1.5, 2.0], [3.0, 4.0]]))


def test_exp_and_log():
    a = data(3, 4, seed=4)
    same(Tensor(a).exp(), torch.from_numpy(a).exp(), rtol=1e-6, atol=0)
    pos = data(3, 4, seed=5, low=0.01, high=5.0)
    same(Tensor(pos).log(), torch.from_numpy(pos).log())
    same(Tensor([0.0]).log(), torch.tensor([0.0]).log())  # -inf in both


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(axis, keepdims):
    a = data(2, 3, 4, seed=6)
    x, t = Tensor(a), torch.from_numpy(a)
    if axis is None:
        t_sum = t.sum()
        t_mean = t.mean()
        t_max = t.amax()
        if keepdims:
            t_sum = t_sum.reshape(1, 1, 1)
            t_mean = t_mean.reshape(1, 1, 1)
            t_max = t_max.reshape(1, 1, 1)
    else:
        t_sum = t.sum(dim=axis, keepdim=keepdims)
        t_mean = t.mean(dim=axis, keepdim=keepdims)
        t_max = t.amax(dim=axis, keepdim=keepdims)
    same(x.sum(axis=axis, keepdims=keepdims), t_sum, rtol=1e-5)
    same(x.mean(axis=axis, keepdims=keepdims), t_mean, rtol=1e-5)
    same(x.max(axis=axis, keepdims=keepdims), t_max)


@pytest.mark.parametrize("left, right", [((2, 3), (3, 4)), ((3,), (3, 2)),
                                         ((4, 3), (3,)), ((5, 2, 3), (3, 4)),
                                         ((64, 784), (784, 128))])
def test_matmul(left, right):
    a, b = data(*left, seed=7), data(*right, seed=8)
    same(Tensor(a) @ Tensor(b), torch.from_numpy(a) @ torch.from_numpy(b),
         rtol=1e-4, atol=1e-4)


def test_shape_operations():
    a = data(2, 3, 4, seed=9)
    x, t = Tensor(a), torch.from_numpy(a)
    same(x.reshape(6, -1), t.reshape(6, -1))
    same(x.reshape(-1), t.reshape(-1))
    # NumPy-style transpose(*axes) is torch's permute(*dims).
    same(x.transpose(0, 2, 1), t.permute(0, 2, 1))
    same(x.transpose(), t.permute(2, 1, 0))
    same(x.reshape(6, 4).T, t.reshape(6, 4).T)


def test_indexing():
    a = data(4, 5, seed=10)
    x, t = Tensor(a), torch.from_numpy(a)
    same(x[1], t[1])
    same(x[:, 2], t[:, 2])
    same(x[1:3, ::2], t[1:3, ::2])
    same(x[Tensor([3, 0])], t[torch.tensor([3, 0])])
    same(x[Tensor([0, 1]), Tensor([4, 2])],
         t[torch.tensor([0, 1]), torch.tensor([4, 2])])
    same(x[-1, -1], t[-1, -1])


def test_out_of_range_index_is_an_index_error_in_both():
    with pytest.raises(IndexError):
        torch.zeros(3)[5]
    with pytest.raises(IndexError):
        Tensor(np.zeros(3))[5]


def test_item():
    assert Tensor([[2.5]]).item() == torch.tensor([[2.5]]).item()
