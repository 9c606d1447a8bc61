"""Every number and quoted message in the Module 01 prose, recomputed.

The prose lives in src/01_tensor/01_tensor.py (markdown cells, "NB") and
src/01_tensor/ABOUT.md ("ABOUT"). Each test names the sentence it checks.
"""

import math
from pathlib import Path

import numpy as np
import pytest

from tinytorch.core.tensor import Tensor

ROOT = Path(__file__).resolve().parents[2]
ABOUT = (ROOT / "src" / "01_tensor" / "ABOUT.md").read_text(encoding="utf-8")
SOURCE = (ROOT / "src" / "01_tensor" / "01_tensor.py").read_text(
    encoding="utf-8")
NB_PROSE = "\n".join(line[2:] for line in SOURCE.splitlines()
                     if line.startswith("# ") or line == "#")


def flat(text):
    """Prose with its line breaks removed, to find wrapped phrases."""
    return " ".join(text.split())


def message(make):
    with pytest.raises((TypeError, ValueError)) as info:
        make()
    return f"{type(info.value).__name__}: {info.value}"


# ----- dtypes and memory --------------------------------------------------

def test_bytes_per_element():
    # NB/ABOUT: "float64, which takes 8 bytes per number ... float32 ... 4"
    assert np.dtype(np.float32).itemsize == 4
    assert np.dtype(np.float64).itemsize == 8


def test_1000_by_1000_memory():
    # NB/ABOUT: "A 1000×1000 float32 tensor therefore needs 4,000,000 bytes
    # (4 MB) and the same tensor in float64 needs 8 MB."
    x = np.zeros((1000, 1000))
    assert Tensor(x).data.nbytes == 4_000_000
    assert Tensor(x, dtype=np.float64).data.nbytes == 8_000_000
    assert "4,000,000 bytes" in flat(NB_PROSE) and "4,000,000 bytes" in ABOUT


def test_float32_precision_figures():
    info = np.finfo(np.float32)
    # NB: "Its 24-bit significand carries about 7 significant decimal
    # digits"; ABOUT: "log10 2^24 ≈ 7.2".
    assert info.nmant + 1 == 24
    assert round(math.log10(2 ** 24), 1) == 7.2
    # ABOUT: "machine epsilon is 2^-23 ≈ 1.19 × 10^-7"
    assert info.eps == 2.0 ** -23 and round(float(info.eps), 9) == 1.19e-7
    # NB/ABOUT: "largest value is about 3.40 × 10^38"
    assert f"{float(info.max):.2e}" == "3.40e+38"


def test_exp_overflow_threshold():
    # NB: "exp(x) overflows float32 for x above about 88.7";
    # ABOUT: "above about 88.72".
    assert round(math.log(float(np.finfo(np.float32).max)), 2) == 88.72
    with np.errstate(over="ignore"):
        assert np.isfinite(Tensor([88.72]).exp().data[0])
        assert Tensor([88.73]).exp().data[0] == np.inf


def test_two_to_the_24():
    # NB Q4 / ABOUT Q5: "2^24 = 16,777,216 ... Tensor(16777216.0) + 1 is
    # still 16777216"; "float64 ... represents 16,777,217 exactly".
    assert 2 ** 24 == 16_777_216
    assert (Tensor(16777216.0) + 1).item() == 16777216.0
    assert float(np.float32(16777217)) == 16777216.0
    assert np.float64(16777217) == 16777217
    # "from 2^24 up to 2^25 consecutive float32 values are 2 apart"
    assert np.spacing(np.float32(2 ** 24)) == 2.0
    assert np.spacing(np.float32(2 ** 25 - 2)) == 2.0
    assert np.spacing(np.float32(2 ** 25)) == 4.0


def test_one_plus_tiny():
    # NB/ABOUT: "machine epsilon, the gap between 1 and the next float32,
    # is 2^-23"; "`1 + 1e-8` is stored as exactly `1`".
    assert np.spacing(np.float32(1.0)) == 2.0 ** -23
    assert (Tensor(1.0) + 1e-8).item() == 1.0
    assert (Tensor(1.0, dtype=np.float64) + 1e-8).item() != 1.0


def test_default_dtype_examples():
    # NB: "`Tensor([1, 2])` holds `[1. 2.]` as float32"
    x = Tensor([1, 2])
    assert x.dtype == np.float32 and x.data.tolist() == [1.0, 2.0]
    # NB: "`Tensor([1, 2], dtype=np.int64)` stays int64"
    assert Tensor([1, 2], dtype=np.int64).dtype == np.int64


def test_attribute_table():
    # NB Step 1 table for Tensor([[1, 2, 3], [4, 5, 6]]).
    x = Tensor([[1, 2, 3], [4, 5, 6]])
    assert (x.shape, x.ndim, x.size, str(x.dtype)) == ((2, 3), 2, 6,
                                                        "float32")
    # "Tensor(3.0) has shape (), ndim 0 and size 1"
    s = Tensor(3.0)
    assert (s.shape, s.ndim, s.size) == ((), 0, 1)


# ----- broadcasting -------------------------------------------------------

@pytest.mark.parametrize("left, right, result", [
    ((2, 3), (), (2, 3)),
    ((4, 3), (3,), (4, 3)),
    ((3, 1), (1, 4), (3, 4)),
    ((32, 1, 5), (4, 1), (32, 4, 5)),
    ((3, 1), (1, 2), (3, 2)),
])
def test_broadcasting_tables(left, right, result):
    # NB Step 2 table, ABOUT broadcasting table and Q2.
    assert (Tensor(np.ones(left)) + Tensor(np.ones(right))).shape == result


@pytest.mark.parametrize("left, right", [((2, 3), (2,)), ((3, 4), (3,))])
def test_broadcasting_failures(left, right):
    # NB/ABOUT: "(2, 3) with (2,): error"; ABOUT Q2: "(3, 4) + (3,) fails"
    with pytest.raises(ValueError):
        Tensor(np.ones(left)) + Tensor(np.ones(right))
    assert (Tensor(np.ones(left)) + Tensor(np.ones(right)).reshape(-1, 1)
            ).shape == left  # "reshape the vector to a column"


def test_numpy_broadcast_message_quoted():
    # NB: NumPy says "operands could not be broadcast together with shapes
    # (2,3) (2,)"
    with pytest.raises(ValueError) as info:
        np.ones((2, 3)) + np.ones(2)
    assert "operands could not be broadcast together with shapes (2,3) " \
           "(2,)" in str(info.value)
    assert "operands could not be broadcast together with shapes (2,3) " \
           "(2,)" in flat(NB_PROSE)


def test_result_dtype_sentences():
    # NB: "float32 + 0.5 stays float32; int64 + 2 stays int64 ... float32
    # plus a float64 ndarray gives float64"
    assert (Tensor([1.0]) + 0.5).dtype == np.float32
    assert (Tensor([1], dtype=np.int64) + 2).dtype == np.int64
    assert (Tensor([1.0]) + np.ones(1)).dtype == np.float64


# ----- reductions ---------------------------------------------------------

def test_reduction_table():
    # NB Step 3 table and ABOUT reductions table.
    x = Tensor([[1, 2, 3], [4, 5, 6]])
    assert x.sum().item() == 21 and x.sum().shape == ()
    assert x.sum(axis=0).data.tolist() == [5, 7, 9]
    assert x.sum(axis=1).data.tolist() == [6, 15]
    m = x.mean(axis=1, keepdims=True)
    assert m.data.tolist() == [[2], [5]] and m.shape == (2, 1)
    assert x.max(axis=0).data.tolist() == [4, 5, 6]
    # "x - x.mean(axis=1, keepdims=True) has shape (2, 3). Without keepdims
    # the mean has shape (2,), which does not broadcast against (2, 3)."
    assert (x - m).shape == (2, 3)
    assert x.mean(axis=1).shape == (2,)
    with pytest.raises(ValueError):
        x - x.mean(axis=1)


def test_numpy_empty_reduction_behaviour_quoted():
    # NB: "NumPy returns NaN with a warning for the mean and raises a
    # cryptic error for the max"; "For a negative input NumPy returns NaN
    # with a warning".
    with pytest.warns(RuntimeWarning):
        assert np.isnan(np.mean(np.zeros(0)))
    with pytest.raises(ValueError, match="zero-size array"):
        np.max(np.zeros(0))
    with pytest.warns(RuntimeWarning):
        assert np.isnan(np.log(np.array([-1.0]))[0])


def test_keepdims_question():
    # ABOUT Q4: "(32,) and (32, 1). Only the second broadcasts";
    # "If x were square ... the first would run but subtract each row's
    # maximum from a column instead".
    x = Tensor(np.random.default_rng(0).standard_normal((32, 10)))
    assert x.max(axis=1).shape == (32,)
    assert x.max(axis=1, keepdims=True).shape == (32, 1)
    with pytest.raises(ValueError):
        x - x.max(axis=1)
    assert (x - x.max(axis=1, keepdims=True)).shape == (32, 10)
    sq = Tensor(np.arange(100.0).reshape(10, 10))
    silent = sq - sq.max(axis=1)
    right = sq - sq.max(axis=1, keepdims=True)
    assert silent.shape == right.shape == (10, 10)
    assert not np.array_equal(silent.data, right.data)
    np.testing.assert_array_equal(silent.data,
                                  sq.data - sq.data.max(axis=1)[None, :])


# ----- shapes and matmul --------------------------------------------------

def test_reshape_sentence():
    # NB: "a tensor of 12 elements reshaped to (-1, 4) becomes (3, 4)"
    assert Tensor(np.arange(12)).reshape(-1, 4).shape == (3, 4)


def test_matmul_example_and_tables():
    # NB/ABOUT: [[1, 2], [3, 4]] @ [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
    c = Tensor([[1, 2], [3, 4]]) @ Tensor([[5, 6], [7, 8]])
    assert c.data.tolist() == [[19, 22], [43, 50]]
    for left, right, out in [((4, 3), (3, 5), (4, 5)), ((3,), (3, 5), (5,)),
                             ((4, 3), (3,), (4,)),
                             ((2, 4, 3), (3, 5), (2, 4, 5))]:
        assert (Tensor(np.ones(left)) @ Tensor(np.ones(right))).shape == out
    with pytest.raises(ValueError, match="inner dimensions 3 and 4"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 5)))


def test_matmul_flop_count():
    # NB/ABOUT: "2 · 64 · 784 · 128 = 12,845,056 ... about 12.8 million";
    # "Each of the MN outputs needs K multiplications and K - 1 additions,
    # about 2MNK".
    m, k, n = 64, 784, 128
    assert 2 * m * k * n == 12_845_056
    assert round(2 * m * k * n / 1e6, 1) == 12.8
    exact = m * n * (k + (k - 1))
    assert abs(exact - 2 * m * k * n) / (2 * m * k * n) < 0.002
    assert "12{,}845{,}056" in ABOUT and "12{,}845{,}056" in SOURCE


def test_dense_layer_question():
    # ABOUT Q3: output (64, 128); weights 100,352 numbers, 401,408 bytes.
    x, w = Tensor(np.ones((64, 784))), Tensor(np.ones((784, 128)))
    assert (x @ w).shape == (64, 128)
    assert w.size == 100_352 and w.data.nbytes == 401_408


def test_numpy_matmul_message_quoted():
    # NB: NumPy would say "mismatch in its core dimension 0, with gufunc
    # signature (n?,k),(k,m?)->(n?,m?)"
    quoted = ("mismatch in its core dimension 0, with gufunc signature "
              "(n?,k),(k,m?)->(n?,m?)")
    with pytest.raises(ValueError) as info:
        np.ones((2, 3)) @ np.ones((4, 5))
    assert quoted in str(info.value)
    assert quoted in flat(NB_PROSE)


def test_image_batch_question():
    # NB question 1 and ABOUT Q1.
    elements = 32 * 3 * 224 * 224
    assert elements == 4_816_896
    batch = Tensor(np.zeros((32, 3, 224, 224), dtype=np.float32))
    assert batch.size == elements and batch.data.nbytes == 19_267_584
    assert elements * 8 == 38_535_168
    assert round(19_267_584 / 1e6, 1) == 19.3
    assert round(38_535_168 / 1e6, 1) == 38.5


# ----- the common errors quoted in ABOUT.md -------------------------------

QUOTED_ERRORS = [
    (lambda: Tensor([[1, 2, 3], [4, 5, 6]]) + Tensor([1, 2]),
     "ValueError: Tensor +: shapes (2, 3) and (2,) cannot be broadcast "
     "(matching from the right, sizes must be equal or 1). Hint: reshape "
     "one operand, e.g. x.reshape(-1, 1) for a column."),
    (lambda: Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3))),
     "ValueError: Tensor @: cannot multiply shapes (2, 3) and (2, 3): the "
     "inner dimensions 3 and 2 differ. Hint: (M, K) @ (K, N) needs the same "
     "K; transpose an operand (x.T) if it is the wrong way round."),
    (lambda: Tensor(np.ones((32, 10))) - Tensor(np.ones((32, 10))).max(
        axis=1),
     "ValueError: Tensor -: shapes (32, 10) and (32,) cannot be broadcast "
     "(matching from the right, sizes must be equal or 1). Hint: reshape "
     "one operand, e.g. x.reshape(-1, 1) for a column."),
    (lambda: Tensor([[1, 2], [3]]),
     "ValueError: Tensor: expected a rectangular nested list (every row the "
     "same length), got a ragged one. Hint: pad the short rows, or make one "
     "Tensor per row."),
    (lambda: Tensor([1, None]),
     "TypeError: Tensor: expected real numbers (bool, int or float), got "
     "list data of NumPy dtype object. Hint: every element must be a "
     "number; look for None, text or nested objects."),
    (lambda: Tensor([[1, 2, 3], [4, 5, 6]]).item(),
     "ValueError: item(): expected a tensor with exactly one element, got "
     "shape (2, 3) (6 elements). Hint: pick one element first (x[0]) or "
     "reduce the tensor (x.sum())."),
    (lambda: Tensor([1.0, -0.5]).log(),
     "ValueError: log: expected values >= 0, got -0.5. Hint: log is "
     "undefined for negative numbers; clip or shift the input first (log(0) "
     "is -inf)."),
    (lambda: Tensor([0.0]) / Tensor([0.0]),
     "ValueError: Tensor /: the result would contain NaN from an invalid "
     "operation such as 0/0, inf - inf, 0 * inf or a negative number to a "
     "fractional power. Hint: look for zeros, infinities or negative values "
     "in the inputs."),
    (lambda: Tensor([1, 2, 3, 4, 5, 6]).reshape(4, 2),
     "ValueError: reshape: cannot reshape 6 elements (shape (6,)) into "
     "shape (4, 2) (8 elements). Hint: the element count must stay the "
     "same; use -1 to infer one dimension."),
    (lambda: Tensor([[1, 2, 3], [4, 5, 6]]).sum(axis=2),
     "ValueError: sum: axis 2 is out of range for a tensor of shape (2, 3) "
     "(valid axes: -2 to 1). Hint: axis=-1 always means the last "
     "dimension; axis=None reduces everything."),
    (lambda: Tensor(np.zeros((2, 3, 4))).transpose(0, 1),
     "ValueError: transpose: expected an order of all 3 dimensions (each "
     "once), got (0, 1). Hint: e.g. x.transpose(2, 1, 0) for shape "
     "(2, 3, 4); to swap two axes of a 3-D tensor use "
     "x.transpose(0, 2, 1)."),
]


@pytest.mark.parametrize("make, quoted", QUOTED_ERRORS)
def test_quoted_error_messages_are_real(make, quoted):
    assert message(make) == quoted
    assert quoted in ABOUT, f"ABOUT.md does not quote: {quoted}"


def test_quoted_index_error_is_real():
    text = ("IndexError: Tensor index: index 5 is out of bounds for axis 0 "
            "with size 2 (tensor shape (2, 3)). Hint: an axis of size n "
            "takes indices -n to n-1; index with ints, slices or integer "
            "Tensors.")
    with pytest.raises(IndexError) as info:
        Tensor([[1, 2, 3], [4, 5, 6]])[5]
    assert f"IndexError: {info.value}" == text
    assert isinstance(info.value, ValueError)
    assert text in ABOUT


def test_quoted_fixes_work():
    # ABOUT: "x + Tensor([1, 2]).reshape(-1, 1) has shape (2, 3)"
    x = Tensor([[1, 2, 3], [4, 5, 6]])
    assert (x + Tensor([1, 2]).reshape(-1, 1)).shape == (2, 3)
    # ABOUT: "x @ w.T multiplies (2, 3) @ (3, 2) into (2, 2)"
    w = Tensor(np.ones((2, 3)))
    assert (Tensor(np.ones((2, 3))) @ w.T).shape == (2, 2)
    # ABOUT: "On a 2-D tensor x.transpose(0, 1) is therefore valid and
    # changes nothing"
    assert x.transpose(0, 1).data.tolist() == x.data.tolist()


# ----- statements about PyTorch -------------------------------------------

@pytest.mark.torch
def test_pytorch_statements():
    torch = pytest.importorskip("torch")
    # NB/ABOUT: "torch.tensor([1, 2]) gives int64 ... keeps a float64 NumPy
    # array as float64"; ABOUT: "float32 for Python floats"
    assert torch.tensor([1, 2]).dtype == torch.int64
    assert torch.tensor(np.ones(2)).dtype == torch.float64
    assert torch.tensor([1.5]).dtype == torch.float32
    # ABOUT: "0 / 0 ... nan" in PyTorch
    assert torch.isnan(torch.tensor([0.0]) / torch.tensor([0.0])).item()
    # NB/ABOUT: PyTorch's transpose(0, 1) swaps two dimensions
    t = torch.zeros(2, 3, 4)
    assert t.transpose(0, 1).shape == (3, 2, 4)
    assert t.permute(0, 2, 1).shape == (2, 4, 3)
    # ABOUT: "x.max(dim=1) returns values and indices"
    values, indices = torch.tensor([[1.0, 3.0], [4.0, 2.0]]).max(dim=1)
    assert values.tolist() == [3.0, 4.0] and indices.tolist() == [1, 0]
    # ABOUT: log(0) is -inf in PyTorch too
    assert torch.tensor([0.0]).log().item() == float("-inf")


@pytest.mark.torch
def test_code_comparison_programs_agree():
    torch = pytest.importorskip("torch")
    # ABOUT "Code comparison": the two programs compute the same p.
    x = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    W = Tensor(np.full((3, 2), 0.5))
    b = Tensor([0.1, -0.1])
    h = x @ W + b
    h = h - h.max(axis=1, keepdims=True)
    p = h.exp() / h.exp().sum(axis=1, keepdims=True)

    tx = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    tW = torch.full((3, 2), 0.5)
    tb = torch.tensor([0.1, -0.1])
    th = tx @ tW + tb
    th = th - th.amax(dim=1, keepdim=True)
    tp = th.exp() / th.exp().sum(dim=1, keepdim=True)

    assert p.shape == tuple(tp.shape) == (2, 2)
    np.testing.assert_allclose(p.data, tp.numpy(), rtol=1e-6, atol=1e-7)


def test_systems_cells_measure_what_the_prose_says():
    # NB: "sums the same 100,000 numbers both ways" and "A 1000×1000
    # float32 tensor"; the measuring cells must use those sizes.
    assert "100,000 numbers" in flat(NB_PROSE)
    assert "n = 100_000" in SOURCE
    assert "1000×1000 float32 tensor" in flat(NB_PROSE)
    assert "standard_normal((1000, 1000))" in SOURCE
