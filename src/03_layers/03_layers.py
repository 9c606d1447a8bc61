# %% [markdown]
# # Module 03: Layers
#
# **Foundation tier** | Difficulty: 2/4 | Time: 3-4 hours |
# Prerequisites: 01 Tensor, 02 Activations
#
# A neural network is a function with knobs. The knobs are *parameters*:
# arrays of numbers that training adjusts. A *layer* is a small function
# that owns some of those parameters, and a network is layers applied one
# after another.
#
# In this module you build the pieces that let you write a multi-layer
# perceptron in three lines: a `Module` base class that finds every
# parameter in a model, the `Linear` layer ($y = xW + b$), `Sequential` to
# chain layers and activations, and `Dropout` to regularise training. You
# finish by counting, in code, how many parameters and bytes a small MNIST
# classifier needs.

# %% [markdown]
# ## Learning objectives
#
# By the end of this module you will be able to:
#
# - **Implement** a `Module` base class whose `parameters()` collects every
#   parameter of a model, recursing into sub-layers, and whose
#   `train()` / `eval()` switch the mode of the whole model.
# - **Build** `linear(x, weight, bias)` and the layer
#   `Linear(in_features, out_features, bias=True)` with the
#   initialisation PyTorch uses, and explain why initialisation matters.
# - **Compose** layers and activations with `Sequential`.
# - **Implement** inverted `dropout` and show that it preserves expected
#   values in training and is the identity in evaluation.
# - **Compute** parameter counts, memory and arithmetic cost of an MLP.
#
# ## Roadmap
#
# | Step | You implement | Key idea |
# |------|---------------|----------|
# | 1 | `Module.parameters` | find every parameter, in a stable order |
# | 2 | `linear`, `Linear.reset_parameters` | $y = xW + b$, scaled start |
# | 3 | `Sequential.forward` | the output of one layer feeds the next |
# | 4 | `dropout` | random zeros while training, rescaled survivors |
#
# As in Module 02, the maths of a layer is a function, as in
# `torch.nn.functional`, and the layer class (given) holds its parameters
# and settings and calls the function. Then a systems section
# (parameters, bytes, FLOPs) and a module test.
#
# **What you are not building yet:** gradients and parameter updates. The
# parameters here are plain `Tensor`s; the derivative of `linear` is given
# for autograd, and optimisers come later.
#
# **The pattern you enable:**
#
# ```python
# model = Sequential(Linear(784, 128), ReLU(), Dropout(0.2),
#                    Linear(128, 10))
# logits = model(images)           # (batch, 784) -> (batch, 10)
# n_params = sum(p.size for p in model.parameters())
# ```

# %% [markdown]
# ## Setup
#
# This notebook builds `tinytorch/core/layers.py`. The package file needs
# NumPy, your `Tensor` and the given input checks
# (`tinytorch/core/checks/`); the activations from Module 02 are
# imported further down, only for the tests and demos. As in Module 02,
# each function starts with given check lines that return NumPy arrays
# (`float64` stays `float64`, everything else becomes `float32`) or raise
# one line with a hint, and your code returns `from_numpy(out)`.

# %% nbgrader={"grade": false, "grade_id": "layers-imports", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| default_exp core.layers
#| export
import math

import numpy as np

from tinytorch.core import checks, gradients
from tinytorch.core.tensor import Tensor, from_numpy

# %% nbgrader={"grade": false, "grade_id": "layers-tools", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# `check(fn, *args, want=...)` runs a function and checks the Tensor it
# returns: its shape, its dtype and its values.
from tinytorch.testing import check

# %% [markdown]
# ## Step 1: The `Module` base class
#
# Every layer needs the same bookkeeping, so it lives in one base class,
# as in `torch.nn.Module`:
#
# - **Calling a layer runs its `forward`.** `layer(x)` is
#   `layer.forward(x)`; subclasses only write `forward`.
# - **`parameters()` lists every parameter of the model.** An optimiser
#   (later in the course) will loop over this list to update the weights,
#   so it must be complete, contain each parameter once, and come in the
#   same order every time.
# - **`train()` and `eval()` set the mode of the whole model.** Some layers
#   (`Dropout` below) behave differently while training; switching the
#   mode at the top must reach every layer inside.
#
# How does `parameters()` know what counts? The rule in TinyTorch is
# simple: **every `Tensor` stored as an attribute of a module is a
# parameter**, and every `Module` stored as an attribute (or inside a list
# or tuple attribute) is a sub-module whose parameters count too.
# Python's `vars(obj)` returns an object's attributes as a dictionary in
# the order they were assigned, which gives the stable order for free.
#
# One subtlety: two layers can share the same weight `Tensor` (tied
# weights). It should appear in the list once, so keep the first
# occurrence of each object (compare with `id(p)`, not with `==`).
#
# `children()`, `train()`, `eval()` and `__repr__` are written for you;
# read `children()`, because `parameters()` walks the attributes the same
# way.

# %% nbgrader={"grade": false, "grade_id": "layers-module", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
class Module:
    """Base class of every layer: calling, parameters and train/eval mode.

    A subclass stores parameters as Tensor attributes and sub-layers as
    Module attributes (or in a list or tuple attribute), and defines
    `forward`. Module provides the rest:

    - `module(*args)` runs `module.forward(*args)`;
    - `parameters()` lists every parameter Tensor in attribute order,
      recursing into sub-modules; a Tensor shared by two layers appears
      once;
    - `train()` / `eval()` set `training` on the module and every
      sub-module (the mode starts as training).

    NOTE: PyTorch marks parameters explicitly with `nn.Parameter` and keeps
    other state in buffers; here every Tensor attribute is a parameter, so
    keep constants as NumPy arrays or Python numbers.

    Example:
        >>> class Scale(Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.factor = Tensor([2.0])
        ...     def forward(self, x):
        ...         return x * self.factor
        >>> layer = Scale()
        >>> layer(Tensor([1.0, 3.0])).numpy()
        array([2., 6.], dtype=float32)
        >>> [p.shape for p in layer.parameters()]
        [(1,)]
        >>> layer.eval().training
        False
    """

    training = True  # class default, so subclasses work without __init__

    def __init__(self):
        self.training = True

    def forward(self, *args, **kwargs):
        raise NotImplementedError(
            f"{type(self).__name__} has no forward(). Hint: subclasses of "
            f"Module define forward(self, x) and return the output"
        )

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def children(self) -> list:
        """Direct sub-modules, in attribute order (lists/tuples included)."""
        found = []
        for value in vars(self).values():
            items = value if isinstance(value, (list, tuple)) else [value]
            found.extend(item for item in items if isinstance(item, Module))
        return found

    def parameters(self) -> list:
        """Every parameter Tensor of this module and its sub-modules.

        Returns:
            A list of Tensors in attribute order; a sub-module's parameters
            appear where the sub-module is stored. Each Tensor object
            appears once, even if several attributes refer to it.

        TODO: walk the attributes and collect the parameter Tensors.

        APPROACH:
            1. Loop over `vars(self).values()`. Treat a list or tuple as
               its items, anything else as a single item (as `children()`
               does).
            2. A Tensor item is a parameter: append it. A Module item is a
               sub-module: extend with `item.parameters()`. Ignore the
               rest (numbers, strings, None, activations, generators).
            3. Drop repeats of the same object, keeping the first: a dict
               `{id(p): p}` filled with `setdefault` keeps insertion order.

        HINTS:
            - `isinstance(item, Tensor)` and `isinstance(item, Module)`.
            - Do not deduplicate with `p in list`: Tensor `==` compares
              values elementwise, not identity.
        """
        ### BEGIN SOLUTION
        found = []
        for value in vars(self).values():
            items = value if isinstance(value, (list, tuple)) else [value]
            for item in items:
                if isinstance(item, Tensor):
                    found.append(item)
                elif isinstance(item, Module):
                    found.extend(item.parameters())
        unique = {}
        for p in found:
            unique.setdefault(id(p), p)
        return list(unique.values())
        ### END SOLUTION

    def train(self, mode: bool = True) -> "Module":
        """Set training mode (True) or evaluation mode (False) everywhere."""
        if not isinstance(mode, (bool, np.bool_)):
            raise TypeError(
                f"train(mode) expects True or False, got "
                f"{type(mode).__name__} ({mode!r}). Hint: use model.eval() "
                f"for evaluation mode"
            )
        self.training = bool(mode)
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode for this module and every sub-module."""
        return self.train(False)

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.extra_repr()})"


Layer = Module  # the name older TinyTorch material uses

# %% nbgrader={"grade": true, "grade_id": "layers-test-module-base", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_module_base():
    """🔬 Unit Test: Module.parameters and train/eval"""
    print("🔬 Unit Test: Module base...")

    class Affine(Module):
        def __init__(self):
            super().__init__()
            self.scale = Tensor([2.0])
            self.name = "affine"       # not a parameter
            self.shift = Tensor([1.0])

        def forward(self, x):
            return x * self.scale + self.shift

    class Pair(Module):
        def __init__(self):
            super().__init__()
            self.first = Affine()
            self.gain = Tensor([[3.0]])
            self.rest = [Affine(), 42]

        def forward(self, x):
            return self.rest[0](self.first(x)) * self.gain

    a = Affine()
    assert np.array_equal(a(Tensor([1.0, 2.0])).data, [3.0, 5.0]), (
        "calling a Module should run its forward")
    params = a.parameters()
    assert isinstance(params, list) and len(params) == 2, (
        f"Affine has 2 parameters, parameters() gave {params!r}")
    assert params[0] is a.scale and params[1] is a.shift, (
        "parameters() should follow attribute order: scale, then shift")
    print("✅ finds the 2 Tensor attributes, in order, and skips the rest")

    pair = Pair()
    got = pair.parameters()
    want = [pair.first.scale, pair.first.shift, pair.gain,
            pair.rest[0].scale, pair.rest[0].shift]
    assert len(got) == 5 and all(g is w for g, w in zip(got, want)), (
        "parameters() should recurse into sub-modules and lists, in order")
    print("✅ recurses into sub-modules and lists: 5 parameters, in order")

    pair.eval()
    assert not pair.training and not pair.first.training
    assert not pair.rest[0].training, "eval() should reach modules in lists"
    pair.train()
    assert pair.training and pair.rest[0].training
    print("✅ train()/eval() reach every sub-module")
    ### BEGIN HIDDEN TESTS
    pair.rest[0].scale = pair.first.scale  # tie a weight
    tied = pair.parameters()
    assert len(tied) == 4, "a shared Tensor should be listed once"
    assert tied[0] is pair.first.scale
    assert Module().parameters() == []
    assert pair.parameters()[2] is pair.gain
    ### END HIDDEN TESTS
    print("📈 Progress: Module base ✓")


test_unit_module_base()

# %% [markdown]
# ## Step 2: `Linear`
#
# A linear (fully connected) layer maps `in_features` numbers to
# `out_features` numbers with a weight matrix and a bias vector:
#
# $$y = x W + b, \qquad W \in \mathbb{R}^{\text{in} \times \text{out}},
# \quad b \in \mathbb{R}^{\text{out}}$$
#
# For a batch, $x$ has shape `(batch, in_features)`, $xW$ has shape
# `(batch, out_features)`, and broadcasting adds $b$ to every row. Because
# `@` treats leading dimensions as batch dimensions, the same code handles
# a single example `(in_features,)` or a sequence batch
# `(batch, seq, in_features)`.
#
# **NOTE:** PyTorch stores `weight` as `(out_features, in_features)` and
# computes $x W^\top + b$. TinyTorch stores the transpose, shape
# `(in_features, out_features)`, so that the forward pass reads exactly
# like the formula. When you copy weights from PyTorch, transpose them.
#
# First the maths, as a function: `linear(x, weight, bias=None)`, like
# `torch.nn.functional.linear`. The given check has already made sure
# that the shapes fit.

# %% nbgrader={"grade": false, "grade_id": "layers-linear", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def linear(x, weight, bias=None):
    """Affine map of the last dimension: y = x @ weight + bias.

    y = x @ W + b,  W: (in_features, out_features),  b: (out_features,)

    Args:
        x: Tensor (*, in_features), any number of leading dimensions.
        weight: Tensor (in_features, out_features).
        bias: Tensor (out_features,), or None for no bias.

    Shape:
        Output: (*, out_features).

    Returns:
        A new Tensor: float64 if an input is float64, otherwise float32.

    NOTE: PyTorch's `F.linear` takes weight as (out_features, in_features)
    and computes x @ W.T + b; TinyTorch takes the transpose. PyTorch also
    wants one dtype; here float32 and float64 inputs give float64.

    Example:
        >>> w = Tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
        >>> linear(Tensor([[1.0, 2.0, 3.0]]), w, Tensor([0.5, -0.5])).numpy()
        array([[ 4.5, -1.5]], dtype=float32)

    TODO: return z @ w, plus b when there is one.

    APPROACH:
        1. out = z @ w, NumPy's matrix product.
        2. If b is not None, add it (broadcasting adds it to every row).
        3. Return from_numpy(out).

    HINTS:
        - No shape checks needed: the given line has done them.
    """
    z, w, b = checks.linear_inputs("linear", x, weight, bias)
    ### BEGIN SOLUTION
    out = z @ w
    if b is not None:
        out = out + b
    return from_numpy(out)
    ### END SOLUTION


def linear_backward(grad, x, weight, bias=None):
    """Gradients of `linear` for (x, weight, bias): grad @ W.T, then x.T @
    grad and grad's sum over every leading dimension (None: no bias)."""
    z, w, b = checks.linear_inputs("linear", x, weight, bias)
    g = np.asarray(grad)
    rows = g.reshape(-1, w.shape[1])
    d_weight = z.reshape(-1, w.shape[0]).T @ rows
    return g @ w.T, d_weight, None if b is None else rows.sum(axis=0)


gradients.register(linear, linear_backward)

# %% nbgrader={"grade": true, "grade_id": "layers-test-linear-forward", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_linear_forward():
    """🔬 Unit Test: linear"""
    print("🔬 Unit Test: linear...")
    w = Tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
    b = Tensor([0.5, -0.5])
    check(linear, Tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), w, b,
          want=[[4.5, -1.5], [0.5, -0.5]])
    print("✅ [[1, 2, 3], [0, 0, 0]] @ W + b = [[4.5, -1.5], [0.5, -0.5]]")

    x = np.random.default_rng(1).normal(size=(8, 3))
    ref = x @ w.data.astype(np.float64) + b.data
    check(linear, Tensor(x), w, b, want=ref, atol=1e-5)
    print("✅ a batch of 8 matches NumPy's x @ W + b (float32)")

    check(linear, Tensor([1.0, 2.0, 3.0]), w, b, want=[4.5, -1.5])
    check(linear, Tensor([1.0, 2.0, 3.0]), w, want=[4.0, -1.0])
    print("✅ a single example (3,) gives (2,); bias=None adds nothing")

    try:
        linear(Tensor(np.ones((4, 5))), w, b)
    except ValueError as err:
        message = str(err)
        assert "3" in message and "(4, 5)" in message, message
        print(f"✅ wrong shape raises: {message[:60]}...")
    else:
        raise AssertionError("a (4, 5) input should raise ValueError")
    ### BEGIN HIDDEN TESTS
    check(linear, Tensor(x, dtype=np.float64), w, b,
          want=x @ w.data.astype(np.float64) + b.data, atol=1e-12)
    check(linear, Tensor(np.ones((2, 4, 3))), w, b,
          want=np.tile([2.5, -0.5], (2, 4, 1)))
    assert np.array_equal(w.data, [[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
    ### END HIDDEN TESTS
    print("📈 Progress: linear ✓")


test_unit_linear_forward()

# %% [markdown]
# ### Initialisation
#
# Weights cannot all start at the same value (zero, say): every output
# unit would compute the same thing and receive the same update, forever.
# They cannot start too large either: each output sums `in_features`
# products, so with unit-variance weights its size grows like
# $\sqrt{\text{in\_features}}$, layer after
# layer.
#
# TinyTorch uses PyTorch's default for `nn.Linear`: every weight and bias
# entry is drawn independently from the uniform distribution
# $U(-k, k)$ with $k = 1/\sqrt{\text{in\_features}}$. A uniform variable
# on $(-k, k)$ has variance $k^2/3$, so each weight has variance
# $1 / (3 \cdot \text{in\_features})$, and for inputs with mean 0 and
# variance 1 each output (before the bias) has variance $1/3$, whatever
# `in_features` is. The layer accepts `rng` (a seed or a NumPy
# `Generator`) so you can reproduce its initial weights exactly.
#
# The class `Linear` below is given except for the method that draws the
# values, `reset_parameters`, PyTorch's name for it: `__init__` checks the
# sizes, makes zero Tensors of the right shapes and calls it, and
# `forward` calls your `linear`.

# %% nbgrader={"grade": false, "grade_id": "layers-linear-init", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
class Linear(Module):
    """Fully connected layer: `Linear(in, out)(x)` is
    `linear(x, weight, bias)`.

    Initialisation (PyTorch's default for nn.Linear): every entry of W and
    b is drawn independently from U(-k, k) with k = 1 / sqrt(in_features),
    so each weight has variance 1 / (3 * in_features).

    Args:
        in_features: size of the last dimension of the input.
        out_features: size of the last dimension of the output.
        bias: add a learnable bias (default True); if False, `bias` is None.
        rng: None, a non-negative int seed or a np.random.Generator used
            to draw the initial values (pass a seed to reproduce them).

    Shape:
        Input: (*, in_features), any number of leading dimensions.
        Output: (*, out_features).

    Attributes:
        weight: float32 Tensor of shape (in_features, out_features).
        bias: float32 Tensor of shape (out_features,), or None.

    NOTE: PyTorch stores weight as (out_features, in_features) and computes
    x @ W.T + b; TinyTorch stores the transpose so forward is x @ W + b.

    Example:
        >>> layer = Linear(3, 2, rng=0)
        >>> layer.weight.shape, layer.bias.shape
        ((3, 2), (2,))
        >>> layer(Tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])).shape
        (2, 2)
        >>> bool(np.all(np.abs(layer.weight.numpy()) <= 1 / np.sqrt(3)))
        True
        >>> Linear(3, 2, bias=False).bias is None
        True
    """

    def __init__(self, in_features: int, out_features: int,
                 bias: bool = True, rng=None):
        super().__init__()
        self.in_features = checks.size("Linear", "in_features", in_features)
        self.out_features = checks.size("Linear", "out_features",
                                        out_features)
        bias = checks.flag("Linear", "bias", bias, hint="the bias values "
                           "are created for you; bias= only switches them "
                           "on or off")
        self.weight = Tensor(np.zeros((self.in_features, self.out_features)))
        self.bias = Tensor(np.zeros(self.out_features)) if bias else None
        self.reset_parameters(rng)

    def reset_parameters(self, rng=None):
        """Draw new weight (and bias) values from U(-k, k).

        k = 1 / sqrt(in_features), as PyTorch's nn.Linear; the weight is
        drawn first, then the bias.

        Args:
            rng: None, a non-negative int seed or a np.random.Generator.

        TODO: replace `self.weight` and `self.bias` (unless it is None)
        with Tensors of the same shapes drawn from U(-k, k).

        APPROACH:
            1. k = 1 / sqrt(self.in_features)
            2. self.weight = Tensor(generator.uniform(-k, k, size=...)),
               with the shape of the current weight.
            3. If self.bias is not None, draw it the same way.

        HINTS:
            - Draw the weight first, then the bias: tests with a fixed
              seed rely on that order.
            - `Tensor(...)` turns the float64 draws into float32.
        """
        generator = checks.generator("Linear", rng)
        ### BEGIN SOLUTION
        k = 1.0 / math.sqrt(self.in_features)
        self.weight = Tensor(generator.uniform(-k, k, size=self.weight.shape))
        if self.bias is not None:
            self.bias = Tensor(generator.uniform(-k, k, size=self.bias.shape))
        ### END SOLUTION

    def forward(self, x):
        return linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, "
                f"out_features={self.out_features}, "
                f"bias={self.bias is not None}")

# %% nbgrader={"grade": true, "grade_id": "layers-test-linear-init", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_linear_init():
    """🔬 Unit Test: Linear initialisation"""
    print("🔬 Unit Test: Linear initialisation...")
    layer = Linear(400, 300, rng=0)
    w, b = layer.weight, layer.bias
    assert isinstance(w, Tensor) and w.shape == (400, 300), (
        f"weight should be a (400, 300) Tensor, got {w!r}")
    assert isinstance(b, Tensor) and b.shape == (300,), (
        f"bias should be a (300,) Tensor, got {b!r}")
    assert w.dtype == np.float32 and b.dtype == np.float32
    print("✅ weight (400, 300) and bias (300,), both float32")

    k = 1.0 / math.sqrt(400)
    assert np.abs(w.data).max() <= k and np.abs(b.data).max() <= k, (
        f"every entry should lie in [-{k}, {k}]")
    std = float(w.data.std())
    assert abs(std - k / math.sqrt(3)) < 0.01 * k, (
        f"U(-k, k) has std k/sqrt(3) = {k / math.sqrt(3):.5f}, got {std:.5f}")
    assert abs(float(w.data.mean())) < 0.01 * k, "weights should centre on 0"
    print(f"✅ entries in [-{k:.2f}, {k:.2f}], std {std:.5f} "
          f"(U(-k, k) predicts {k / math.sqrt(3):.5f})")

    same = Linear(400, 300, rng=0)
    assert np.array_equal(same.weight.data, w.data), (
        "the same seed should give the same weights")
    assert Linear(4, 3, bias=False).bias is None
    print("✅ reproducible with rng=0; bias=False gives bias None")
    ### BEGIN HIDDEN TESTS
    g = np.random.default_rng(5)
    kk = 1.0 / math.sqrt(3)
    expected_w = g.uniform(-kk, kk, size=(3, 2)).astype(np.float32)
    expected_b = g.uniform(-kk, kk, size=(2,)).astype(np.float32)
    tiny = Linear(3, 2, rng=np.random.default_rng(5))
    assert np.array_equal(tiny.weight.data, expected_w)
    assert np.array_equal(tiny.bias.data, expected_b)
    assert Linear(1, 1, rng=0).weight.shape == (1, 1)
    ### END HIDDEN TESTS
    print("📈 Progress: Linear initialisation ✓")


test_unit_linear_init()

# %% [markdown]
# The demos and tests from here on also use your activations from
# Module 02, imported from the package (they are not part of
# `layers.py`).

# %% nbgrader={"grade": false, "grade_id": "layers-imports-activations", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
from tinytorch.core.activations import ReLU, Softmax

# %% [markdown]
# ### Why initialisation matters, measured
#
# The cell below pushes a batch of 256 random inputs through ten layers
# of width 256 with ReLU in between, once with weights drawn from a
# standard normal distribution and once with your `Linear` initialisation,
# and prints the standard deviation of the activations after each layer.

# %% nbgrader={"grade": false, "grade_id": "layers-demo-init", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
width, depth = 256, 10
x0 = Tensor(np.random.default_rng(0).normal(size=(256, width)))
relu = ReLU()
h_normal, h_default = x0, x0
print(f"{'layer':>5} | {'std, N(0, 1) weights':>21} | std, Linear's U(-k, k)")
stds_normal, stds_default = [], []
for i in range(depth):
    big = Linear(width, width, bias=False, rng=i)
    big.weight = Tensor(np.random.default_rng(100 + i).normal(
        size=(width, width)))
    h_normal = relu(big(h_normal))
    h_default = relu(Linear(width, width, rng=i)(h_default))
    stds_normal.append(float(h_normal.data.std()))
    stds_default.append(float(h_default.data.std()))
    print(f"{i + 1:>5} | {stds_normal[-1]:21.3e} | {stds_default[-1]:.3e}")
assert stds_normal[-1] > 1e6 * stds_normal[0]  # explodes
assert stds_default[-1] < stds_default[0]       # shrinks instead

# %% [markdown]
# With standard normal weights the activations grow by roughly a factor of
# $\sqrt{256 / 2} \approx 11$ per layer (the 2 because ReLU zeroes about
# half the units); after ten layers they are around $10^{10}$, and a
# deeper network would overflow. PyTorch's default errs the other way:
# with weight variance $1/(3 \cdot \text{in})$ and ReLU, the scale shrinks
# by a factor of about $\sqrt{1/6} \approx 0.4$ per layer at first, until
# the small random biases hold it at a floor of a few hundredths. Deep
# ReLU networks therefore usually switch to He initialisation (weight
# variance $2/\text{in}$, no shrinking). Two layers, as in this course's
# MLPs, are shallow enough for either.

# %% [markdown]
# ## Step 3: `Sequential`
#
# Most models are a chain: the output of each layer is the input of the
# next. `Sequential` stores the layers in a list and runs them in order:
#
# $$\text{Sequential}(f_1, f_2, f_3)(x) = f_3(f_2(f_1(x)))$$
#
# Any callable that takes and returns one `Tensor` can be a step: your
# layers from this module and your activations from Module 02. Because
# the layers sit in a list attribute, `Module.parameters()` and `train()`
# already see the ones that are Modules; activations are plain callables
# with no parameters and are skipped.
#
# Indexing (`model[0]`), `len(model)` and iteration are provided, and the
# `repr` lists the layers the way PyTorch prints a model.

# %% nbgrader={"grade": false, "grade_id": "layers-sequential", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
class Sequential(Module):
    """A chain of layers: the output of each one is the input of the next.

    Sequential(f1, f2, f3)(x) = f3(f2(f1(x)))

    Args:
        *layers: callables taking and returning one Tensor, such as
            Linear, Dropout or the activations of Module 02.

    Shape:
        Input: whatever the first layer accepts. Output: whatever the last
        layer returns. With no layers, the input is returned unchanged.

    Example:
        >>> from tinytorch.core.activations import ReLU
        >>> model = Sequential(Linear(4, 8, rng=0), ReLU(),
        ...                    Linear(8, 2, rng=1))
        >>> model(Tensor(np.ones((5, 4)))).shape
        (5, 2)
        >>> [p.shape for p in model.parameters()]
        [(4, 8), (8,), (8, 2), (2,)]
        >>> model[1]
        ReLU()
    """

    def __init__(self, *layers):
        super().__init__()
        for index, layer in enumerate(layers):
            if isinstance(layer, type):
                raise TypeError(
                    f"Sequential: layer {index} is the class "
                    f"{layer.__name__}, not a layer object. Hint: call it, "
                    f"e.g. {layer.__name__}(...) with parentheses"
                )
            if not callable(layer):
                hint = ("pass the layers as separate arguments: "
                        "Sequential(a, b), not Sequential([a, b])"
                        if isinstance(layer, (list, tuple)) else
                        "every step must be a layer or an activation")
                raise TypeError(
                    f"Sequential: layer {index} is not callable (got "
                    f"{type(layer).__name__}). Hint: {hint}"
                )
        self.layers = list(layers)

    def forward(self, x):
        """Run every layer in order, feeding each output to the next.

        Args:
            x: the input of the first layer.

        Returns:
            The output of the last layer (`x` itself if there are none).

        TODO: apply `self.layers` one after another.

        APPROACH:
            1. For each layer in `self.layers`: x = layer(x).
            2. Return x.

        HINTS:
            - Call the layer (`layer(x)`), not `layer.forward(x)`:
              activations from Module 02 and Modules both support it.
        """
        ### BEGIN SOLUTION
        for layer in self.layers:
            x = layer(x)
        return x
        ### END SOLUTION

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        return self.layers[index]

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self) -> str:
        if not self.layers:
            return "Sequential()"
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return "Sequential(\n" + "\n".join(lines) + "\n)"

# %% nbgrader={"grade": true, "grade_id": "layers-test-sequential", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_sequential():
    """🔬 Unit Test: Sequential"""
    print("🔬 Unit Test: Sequential...")

    class AddOne(Module):
        def forward(self, x):
            return x + 1.0

    class Double(Module):
        def forward(self, x):
            return x * 2.0

    add, double, relu = AddOne(), Double(), ReLU()
    model = Sequential(add, relu, double)
    x = Tensor([[-3.0, 0.5], [1.0, -1.0]])
    y = model(x)
    assert isinstance(y, Tensor) and y.shape == (2, 2), (
        f"a (2, 2) input should give a (2, 2) output, got {y!r}")
    expected = [[0.0, 3.0], [4.0, 0.0]]
    assert np.array_equal(y.data, expected), (
        f"double(relu(add_one(x))) should be {expected}, got {y.data}")
    print("✅ Sequential(add_one, relu, double)(x) = "
          "double(relu(add_one(x)))")

    one = Tensor([1.0])
    assert Sequential(double, add)(one).data[0] == 3.0, (
        "layers must run in the order given: (1 * 2) + 1 = 3")
    assert Sequential(add, double)(one).data[0] == 4.0
    print("✅ runs the layers in the order given")

    assert Sequential()(x) is x, "an empty Sequential is the identity"
    assert len(model) == 3 and model[1] is relu
    print("✅ empty Sequential returns its input; len and indexing work")
    ### BEGIN HIDDEN TESTS
    nested = Sequential(Sequential(add, relu), double)
    assert np.array_equal(nested(x).data, y.data)
    single = Sequential(add)
    assert np.array_equal(single(x).data, x.data + 1.0)
    nested.eval()
    assert not add.training and not double.training
    nested.train()
    ### END HIDDEN TESTS
    print("📈 Progress: Sequential ✓")


test_unit_sequential()

# %% [markdown]
# ## Step 4: `Dropout`
#
# A large network can memorise its training set: individual units learn to
# rely on specific other units being present. Dropout breaks those
# co-adaptations. During training it sets each element of its input to
# zero with probability $p$, a fresh random choice on every call, so no
# unit can count on any other.
#
# Zeroing shrinks the signal: if half the units are dropped, the next
# layer sees about half the total input. *Inverted* dropout fixes this
# during training, by scaling the surviving elements up by $1/(1-p)$:
#
# $$y = \frac{m \odot x}{1 - p}, \qquad m_i \sim \text{Bernoulli}(1 - p)$$
#
# Then the expected value of each output equals its input:
# $\mathbb{E}[y_i] = (1-p) \cdot \frac{x_i}{1-p} + p \cdot 0 = x_i$.
# At evaluation time the layer does nothing at all: `Dropout` in eval
# mode returns its input unchanged, and no rescaling is needed anywhere.
# This is what PyTorch's `nn.Dropout` does.
#
# You write `dropout(x, p, training, rng)`, PyTorch's
# `F.dropout(x, p, training)` plus the generator the mask comes from. The
# given `Dropout` layer keeps `p` and one generator, and passes
# `training=self.training`, so `eval()` switches it off. The probability
# must satisfy $0 \le p < 1$: at $p = 1$ every element would be dropped
# and the scale $1/(1-p)$ would divide by zero, so the check rejects it
# with an explanation.

# %% nbgrader={"grade": false, "grade_id": "layers-dropout", "locked": false, "points": 0, "schema_version": 3, "solution": true, "task": false}
#| export
def dropout(x, p=0.5, training=True, rng=None):
    """Inverted dropout: random zeros in training, identity otherwise.

    training: y = x * m / (1 - p), where each m_i is 1 with probability
    1 - p and 0 with probability p. Survivors are scaled by 1 / (1 - p),
    so E[y] = x elementwise. training=False, or p = 0: y = x.

    Args:
        x: Tensor of real numbers.
        p: probability of zeroing each element, 0 <= p < 1 (default 0.5).
        training: drop and rescale (True, the default) or return x.
        rng: None, a non-negative int seed or a np.random.Generator for
            the mask; a Generator moves on, so each call draws a new mask.

    Shape:
        Input: any shape. Output: the same shape.

    NOTE: PyTorch also accepts p = 1 (the output is all zeros); here p must
    be below 1 because the rescale 1 / (1 - p) would divide by zero.
    PyTorch draws masks from a global generator; here from `rng`.

    Example:
        >>> y = dropout(Tensor(np.ones(10)), p=0.5, rng=0)
        >>> sorted(set(y.numpy().tolist()))  # each entry is 0 or 1/(1-p)
        [0.0, 2.0]
        >>> dropout(Tensor([1.0, 2.0]), training=False).numpy()
        array([1., 2.], dtype=float32)

    TODO: implement inverted dropout.

    APPROACH:
        1. If not `training`, or `p == 0`, return `from_numpy(z)`.
        2. keep = generator.random(z.shape) >= p: True with probability
           1 - p.
        3. out = np.where(keep, z / (1 - p), 0.0); return
           `from_numpy(out)`.

    HINTS:
        - Use `generator`, not `np.random`, so seeds reproduce masks.
        - Divide by (1 - p) in training, never when not training.
    """
    z = checks.floats("dropout", "x", x)
    p = checks.dropout_p("dropout", p)
    training = checks.flag("dropout", "training", training,
                           hint="a layer passes training=self.training")
    generator = checks.generator("dropout", rng)
    ### BEGIN SOLUTION
    if not training or p == 0.0:
        return from_numpy(z)
    keep = generator.random(z.shape) >= p
    out = np.where(keep, z * (1.0 / (1.0 - p)), 0.0)
    return from_numpy(out)
    ### END SOLUTION

# %% nbgrader={"grade": false, "grade_id": "layers-dropout-class", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
#| export
class Dropout(Module):
    """`Dropout(p=0.5, rng=None)(x)`: see `dropout`; the identity after
    `.eval()`.

    The layer keeps p and one generator made from `rng`, so every call
    draws a new mask and a seed reproduces the whole sequence of masks.
    """

    def __init__(self, p: float = 0.5, rng=None):
        super().__init__()
        self.p = checks.dropout_p("Dropout", p)
        self._rng = checks.generator("Dropout", rng)

    def forward(self, x):
        return dropout(x, self.p, training=self.training, rng=self._rng)

    def extra_repr(self) -> str:
        return f"p={self.p}"

# %% nbgrader={"grade": true, "grade_id": "layers-test-dropout", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_dropout():
    """🔬 Unit Test: dropout"""
    print("🔬 Unit Test: dropout...")
    n = 100_000
    x = Tensor(np.full(n, 3.0))
    y = dropout(x, p=0.25, rng=0)
    assert isinstance(y, Tensor) and y.shape == (n,) and y.dtype == np.float32
    values = set(np.unique(y.data).tolist())
    assert values == {0.0, 4.0}, (
        f"with p=0.25 every output should be 0 or 3 / 0.75 = 4, got {values}")
    print("✅ every output is 0 or x / (1 - p) = 4")

    dropped = float((y.data == 0).mean())
    # The dropped fraction has std sqrt(p (1 - p) / n) = 0.0014 here.
    assert abs(dropped - 0.25) < 0.01, f"dropped {dropped:.3f}, expected 0.25"
    mean = float(y.data.mean())
    assert abs(mean - 3.0) < 0.05, f"mean {mean:.3f} should stay near 3"
    print(f"✅ dropped {dropped:.3f} of the elements (p = 0.25); "
          f"mean {mean:.3f} (input 3.0)")

    drop = Dropout(p=0.25, rng=0)
    first, again = drop(x), drop(x)
    assert np.array_equal(first.data, y.data), (
        "the same seed should give the same mask")
    assert not np.array_equal(again.data, y.data), "masks should be fresh"
    print("✅ Dropout: a new mask on every call; the same seed reproduces it")

    drop.eval()
    assert np.array_equal(drop(x).data, x.data), "eval mode must be identity"
    assert np.array_equal(dropout(x, 0.5, training=False).data, x.data)
    assert np.array_equal(dropout(x, 0.0, rng=0).data, x.data)
    print("✅ eval mode, training=False and p = 0 return the input unchanged")

    for bad in (1.0, 1.5, -0.1):
        try:
            Dropout(bad)
        except ValueError:
            pass
        else:
            raise AssertionError(f"Dropout({bad}) should raise ValueError")
    print("✅ p outside [0, 1) raises ValueError")
    ### BEGIN HIDDEN TESTS
    m = Tensor(np.arange(12.0).reshape(3, 4))
    out = dropout(m, 0.5, rng=3)
    assert out.shape == (3, 4)
    kept = out.data != 0
    assert np.allclose(out.data[kept], 2.0 * m.data[kept])
    assert np.array_equal(m.data, np.arange(12.0).reshape(3, 4))
    x64 = Tensor(np.ones(10), dtype=np.float64)
    assert dropout(x64, 0.5, rng=1).dtype == np.float64
    ### END HIDDEN TESTS
    print("📈 Progress: dropout ✓")


test_unit_dropout()

# %% [markdown]
# ## Systems analysis: parameters, memory and compute
#
# How big is a model, and what does a forward pass cost? Everything below
# is computed from a real model built with your layers: the classic MNIST
# multi-layer perceptron, 784 inputs (a flattened 28 × 28 image), one
# hidden layer of 128 units and 10 class scores.
#
# A `Linear(in, out)` layer holds $\text{in} \cdot \text{out}$ weights and
# $\text{out}$ biases. For 784 → 128 → 10 that is 101,770 parameters,
# 407,080 bytes in `float32` (about 0.41 MB). The cell checks the
# arithmetic against the real parameters.

# %% nbgrader={"grade": false, "grade_id": "layers-systems-params", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
mlp = Sequential(Linear(784, 128, rng=0), ReLU(), Dropout(0.2, rng=1),
                 Linear(128, 10, rng=2))
print(mlp)
print()
print(f"{'parameter':>22} | {'shape':>10} | {'count':>7} | bytes (float32)")
total_count, total_bytes = 0, 0
for index, layer in enumerate(mlp):
    for name, value in vars(layer).items():
        if isinstance(value, Tensor):
            label = f"({index}) {type(layer).__name__}.{name}"
            total_count += value.size
            total_bytes += value.data.nbytes
            print(f"{label:>22} | {str(value.shape):>10} | "
                  f"{value.size:>7,} | {value.data.nbytes:,}")
print(f"{'total':>22} | {'':>10} | {total_count:>7,} | {total_bytes:,} "
      f"({total_bytes / 1e6:.2f} MB)")
assert total_count == sum(p.size for p in mlp.parameters())
assert total_bytes == 4 * total_count  # float32: 4 bytes per number

# %% [markdown]
# ### How the count scales
#
# The weight matrices dominate: doubling the hidden width roughly doubles
# the count here, and in a deep network of constant width $h$ each layer
# holds about $h^2$ parameters. The next cell builds the MLP for
# several hidden widths and prints the count and the `float32` size.

# %% nbgrader={"grade": false, "grade_id": "layers-systems-scaling", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
print(f"{'hidden':>6} | {'parameters':>10} | float32 size")
for hidden in (32, 128, 512, 2048):
    model = Sequential(Linear(784, hidden, rng=0), ReLU(),
                       Linear(hidden, 10, rng=1))
    count = sum(p.size for p in model.parameters())
    assert count == 784 * hidden + hidden + hidden * 10 + 10
    print(f"{hidden:>6} | {count:>10,} | {4 * count / 1e6:.2f} MB")

# %% [markdown]
# ### What a forward pass costs
#
# A `Linear(in, out)` layer performs $\text{in} \cdot \text{out}$
# multiply-adds per example, which is $2 \cdot \text{in} \cdot \text{out}$
# floating-point operations (FLOPs). The activations it produces, one
# `(batch, out)` array per layer, must be stored too; during training they
# are kept for the backward pass, so for large batches they can cost more
# memory than the weights. The cell rebuilds the same MLP, computes both
# for a batch of 256 and times one forward pass in evaluation mode.

# %% nbgrader={"grade": false, "grade_id": "layers-systems-compute", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
import time

mlp = Sequential(Linear(784, 128, rng=0), ReLU(), Dropout(0.2, rng=1),
                 Linear(128, 10, rng=2))
weight_bytes = sum(p.data.nbytes for p in mlp.parameters())
batch = 256
images = Tensor(np.random.default_rng(3).normal(size=(batch, 784)))
linears = [layer for layer in mlp if isinstance(layer, Linear)]
flops = sum(2 * batch * lin.in_features * lin.out_features
            for lin in linears)

out, act_bytes = images, 0  # training mode: every layer makes an array
for layer in mlp:
    out = layer(out)
    act_bytes += out.data.nbytes
mlp.eval()
times = []
for _ in range(5):
    start = time.perf_counter()
    mlp(images)
    times.append(time.perf_counter() - start)
mlp.train()

print(f"batch {batch}: {flops:,} FLOPs in the two Linear layers "
      f"({flops // batch:,} per example)")
print(f"activations produced: {act_bytes:,} bytes; "
      f"weights: {weight_bytes:,} bytes")
print(f"best of 5 forward passes: {min(times) * 1e3:.2f} ms, "
      f"about {flops / min(times) / 1e9:.1f} GFLOP/s on this machine")
assert out.shape == (batch, 10)
assert 0.9 < act_bytes / weight_bytes < 1.1  # "about as much memory"

# %% [markdown]
# Compare the two sizes: at a batch of 256 the activations already take
# about as much memory as the weights, and they grow linearly with the
# batch while the weights stay fixed. The GFLOP/s figure depends on your
# machine and on the matrix-multiply library behind NumPy; GPUs run the
# same multiplies orders of magnitude faster, which is what makes large
# models trainable.

# %% [markdown]
# ## Module test
#
# The last test builds the MNIST MLP from your layers, checks its output
# and parameter count, and checks that `eval()` makes the model
# deterministic and equal to a plain NumPy forward pass. It carries no
# points: a bug in one layer already cost its step's points, and should
# not cost them twice.

# %% nbgrader={"grade": false, "grade_id": "layers-test-module", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
def test_module():
    """🔬 Module Test: Layers"""
    print("🔬 Module Test: Layers...")
    model = Sequential(Linear(784, 128, rng=0), ReLU(),
                       Dropout(0.2, rng=1), Linear(128, 10, rng=2))
    x = Tensor(np.random.default_rng(4).normal(size=(32, 784)))

    logits = model(x)
    assert isinstance(logits, Tensor) and logits.shape == (32, 10)
    assert logits.dtype == np.float32
    print("✅ (32, 784) images -> (32, 10) logits, float32")

    params = model.parameters()
    assert [p.shape for p in params] == [(784, 128), (128,), (128, 10),
                                         (10,)]
    count = sum(p.size for p in params)
    assert count == 101_770, (
        f"784->128->10 has 101,770 parameters, got {count}")
    print(f"✅ {count:,} parameters in 4 Tensors")

    model.eval()
    assert not model[2].training, "eval() should reach the Dropout layer"
    a, b = model(x), model(x)
    assert np.array_equal(a.data, b.data), "eval mode must be deterministic"
    w1, b1 = model[0].weight.data, model[0].bias.data
    w2, b2 = model[3].weight.data, model[3].bias.data
    ref = np.maximum(x.data @ w1 + b1, 0) @ w2 + b2
    assert np.allclose(a.data, ref, atol=1e-4), "eval forward != NumPy"
    print("✅ eval(): deterministic and equal to NumPy's forward pass")

    model.train()
    assert model[2].training
    assert not np.array_equal(model(x).data, model(x).data), (
        "in training mode dropout should change the output between calls")
    print("✅ train(): dropout makes repeated calls differ")

    probs = Softmax(dim=-1)(model.eval()(x))
    assert np.allclose(probs.data.sum(axis=-1), 1.0, atol=1e-5)
    print("✅ Softmax turns the logits into 32 probability rows")

    try:
        model(Tensor(np.ones((32, 28, 28))))
    except ValueError as err:
        assert "784" in str(err)
        print("✅ unflattened (32, 28, 28) images give a clear ValueError")
    else:
        raise AssertionError("a (32, 28, 28) input should raise ValueError")
    print("📈 Progress: Module 03 Layers ✓")


test_module()

# %% [markdown]
# ## Summary
#
# You built the skeleton of every feed-forward network:
#
# | Piece | What it does | PyTorch name |
# |-------|--------------|--------------|
# | `Module` | calling, `parameters()`, `train()` / `eval()` | `nn.Module` |
# | `linear`, `Linear` | $y = xW + b$, $U(-k, k)$ initialisation | `F.linear`, `nn.Linear` |
# | `Sequential` | chains layers and activations | `nn.Sequential` |
# | `dropout`, `Dropout` | inverted dropout; identity in eval mode | `F.dropout`, `nn.Dropout` |
#
# The systems lesson: parameters are cheap to count and their memory is
# fixed (4 bytes each in `float32`), while activations grow with the
# batch; and a `Linear` layer costs $2 \cdot \text{in} \cdot \text{out}$
# FLOPs per example.
#
# ## What's next
#
# Your MLP produces ten scores per image, but nothing yet says whether
# they are any good. **Module 04: Losses** measures that with
# `MSELoss`, `CrossEntropyLoss` and `BinaryCrossEntropyLoss`, the single
# number that training will later minimise.
#
# Export your work and run the package tests:
#
# ```bash
# tito export --module 03_layers
# tito test --module 03_layers
# ```
