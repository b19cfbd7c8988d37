"""Chapter 5 (batch and layer normalization): the code the chapter teaches, checked independently.

- the exercise's reference solution against Keras's own layers and TensorFlow's gradients;
- the corrected NumPy class of book/05_normalization/seed_batchnorm_fixed.ipynb against Keras,
  and the flaws of the lesson's class that the page demonstrates;
- the NumPy layer normalization of book/05_normalization/layer_norm.ipynb against Keras;
- the exercise's visible test helpers (numerical gradient, tolerances, mistake hints).
The generic tests (grading variants, autograde round trip, book build) cover the rest.
"""
import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "ch05_normalization" / "normalization.ipynb"
BOOK = ROOT / "book" / "05_normalization"


def _cells(notebook: Path) -> list[dict]:
    return [c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _cell_defining(notebook: Path, definition: str) -> str:
    """The source of the one code cell of `notebook` that contains `definition`."""
    found = [_source(c) for c in _cells(notebook) if definition in _source(c)]
    assert len(found) == 1, f"expected one cell with {definition!r} in {notebook.name}, found {len(found)}"
    return found[0]


@pytest.fixture(scope="module")
def solution():
    """Namespace with the exercise's setup, helpers and reference solutions (no test cells, no Keras tasks)."""
    namespace = {"__name__": "ch05_solution"}
    wanted = {"setup", "helpers", "test_helpers", "batchnorm_forward", "batchnorm_backward",
              "layernorm_forward", "layernorm_backward"}
    for cell in _cells(SOLUTION):
        if cell["metadata"].get("nbgrader", {}).get("grade_id") in wanted:
            exec(compile(_source(cell), str(SOLUTION), "exec"), namespace)
    return namespace


def _keras_bn(gamma, beta, mean, var, momentum=0.99, eps=1e-3):
    import keras

    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=eps, dtype="float64")
    layer.build((None, len(gamma)))
    layer.set_weights([gamma, beta, mean, var])
    return layer


def _keras_ln(gamma, beta, eps=1e-3):
    import keras

    layer = keras.layers.LayerNormalization(epsilon=eps, dtype="float64")
    layer.build((None, len(gamma)))
    layer.set_weights([gamma, beta])
    return layer


def _tf_grads(layer, x, dout, **kwargs):
    """TensorFlow's gradients of sum(layer(x) * dout) with respect to x, gamma, beta."""
    import tensorflow as tf

    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = layer(x, **kwargs)
    return [g.numpy() for g in tape.gradient(out, [x, layer.gamma, layer.beta], output_gradients=tf.constant(dout))]


def _random_case(rng, n, d):
    x = rng.normal(rng.uniform(-5, 5, d), np.geomspace(0.01, 20, d), size=(n, d))
    return x, rng.normal(1, 0.5, d), rng.normal(size=d), rng.normal(size=d), rng.uniform(0.1, 5, d)


SHAPES = [(1, 3), (2, 1), (7, 5), (32, 16), (3, 40)]


# ---------------------------------------------------------------- the exercise's reference solution

@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("momentum, eps", [(0.99, 1e-3), (0.9, 1e-5), (0.0, 0.1)])
def test_reference_batchnorm_forward_equals_keras(solution, shape, momentum, eps):
    rng = np.random.default_rng([*shape, int(momentum * 100)])
    x, gamma, beta, mean, var = _random_case(rng, *shape)
    x[:, 0] = 1.5  # a constant feature
    for training in (True, False):
        layer = _keras_bn(gamma, beta, mean, var, momentum, eps)
        expected = np.asarray(layer(x, training=training))
        out, new_mean, new_var, _ = solution["batchnorm_forward"](x, gamma, beta, mean, var, training, momentum, eps)
        np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(new_mean, layer.moving_mean.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(new_var, layer.moving_variance.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_reference_batchnorm_backward_equals_tensorflow(solution, shape):
    rng = np.random.default_rng(sum(shape))
    x, gamma, beta, mean, var = _random_case(rng, *shape)
    dout = rng.normal(size=shape)
    _, _, _, cache = solution["batchnorm_forward"](x, gamma, beta, mean, var, True)
    ours = solution["batchnorm_backward"](dout, cache)
    theirs = _tf_grads(_keras_bn(gamma, beta, mean, var), x, dout, training=True)
    for a, b in zip(ours, theirs):
        assert solution["relative_error"](a, b) < 1e-10


@pytest.mark.parametrize("shape", SHAPES)
def test_reference_layernorm_equals_keras(solution, shape):
    rng = np.random.default_rng(100 + sum(shape))
    x, gamma, beta, _, _ = _random_case(rng, *shape)
    x[0] = 2.0  # a constant example
    dout = rng.normal(size=shape)
    layer = _keras_ln(gamma, beta)
    out, cache = solution["layernorm_forward"](x, gamma, beta)
    np.testing.assert_allclose(out, np.asarray(layer(x)), rtol=1e-10, atol=1e-10)
    for a, b in zip(solution["layernorm_backward"](dout, cache), _tf_grads(layer, x, dout)):
        assert solution["relative_error"](a, b) < 1e-10


def test_keras_defaults_are_the_documented_ones():
    """The exercise and the book state Keras's defaults; fail loudly if a Keras upgrade changes them."""
    import keras

    bn, ln = keras.layers.BatchNormalization(), keras.layers.LayerNormalization()
    bn.build((None, 3))
    assert (bn.momentum, bn.epsilon, ln.epsilon) == (0.99, 1e-3, 1e-3)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), np.zeros(3))
    np.testing.assert_array_equal(bn.moving_variance.numpy(), np.ones(3))


# ---------------------------------------------------------------- the exercise's visible helpers

def test_numerical_gradient_and_relative_error(solution):
    numerical_gradient, relative_error = solution["numerical_gradient"], solution["relative_error"]
    a = np.array([[0.3, -1.2], [2.0, 0.5]])
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(np.sin(v) * v), a),
                               np.cos(a) * a + np.sin(a), rtol=1e-8)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.ones(3), -np.ones(3)) == pytest.approx(1.0)


def test_check_gradient_tolerance_depends_on_precision(solution):
    check_gradient = solution["check_gradient"]
    expected = np.linspace(-1, 1, 12).reshape(3, 4)
    check_gradient(expected * (1 + 1e-7), expected, "float64 within 1e-6")
    check_gradient((expected * (1 + 2e-5)).astype(np.float32), expected, "float32 within 1e-4")
    with pytest.raises(AssertionError, match="relative error"):
        check_gradient(expected * (1 + 2e-5), expected, "float64 off by 2e-5")
    with pytest.raises(AssertionError, match="relative error"):
        check_gradient((expected * 1.001).astype(np.float32), expected, "float32 off by 1e-3")
    with pytest.raises(AssertionError, match="shape"):
        check_gradient(expected.T, expected, "transposed")


@pytest.mark.parametrize("mistake, fragment", [
    ("unbiased", "unbiased variance"), ("eps_outside", "outside the square root"),
    ("no_eps", "left out eps"), ("wrong_axis", "normalized over axis 1"),
])
def test_hints_recognize_mistakes(solution, mistake, fragment):
    rng = np.random.default_rng(5)
    x, gamma, beta = rng.normal(0, 1, (6, 4)), rng.normal(1, 0.5, 4), rng.normal(size=4)
    mean, var = x.mean(axis=0), x.var(axis=0)
    wrong = {"unbiased": (x - mean) / np.sqrt(x.var(axis=0, ddof=1) + 1e-3),
             "eps_outside": (x - mean) / (np.sqrt(var) + 1e-3),
             "no_eps": (x - mean) / np.sqrt(var),
             "wrong_axis": (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + 1e-3)}[mistake]
    hint = solution["_bn_hint"](gamma * wrong + beta, x, gamma, beta, np.zeros(4), np.ones(4), True, 1e-3)
    assert fragment in hint
    correct = gamma * (x - mean) / np.sqrt(var + 1e-3) + beta
    assert solution["_bn_hint"](correct * 1.5, x, gamma, beta, np.zeros(4), np.ones(4), True, 1e-3) == ""


# ---------------------------------------------------------------- the book's NumPy code

@pytest.fixture(scope="module")
def seed_page():
    namespace = {"__name__": "ch05_seed_page", "np": np}
    notebook = BOOK / "seed_batchnorm_fixed.ipynb"
    for definition in ("class BatchNormalization:", "class FixedBatchNormalization:"):
        exec(compile(_cell_defining(notebook, definition), str(notebook), "exec"), namespace)
    return namespace


def test_fixed_class_equals_keras_over_several_steps(seed_page):
    rng = np.random.default_rng(7)
    d = 5
    ours = seed_page["FixedBatchNormalization"](d)
    ours.gamma, ours.beta = rng.normal(1, 0.5, d), rng.normal(size=d)
    keras_layer = _keras_bn(ours.gamma, ours.beta, np.zeros(d), np.ones(d))
    for step in range(4):
        x = rng.normal(3.0, 2.0, size=(16, d))
        np.testing.assert_allclose(ours.forward(x, training=True), np.asarray(keras_layer(x, training=True)),
                                   rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(ours.running_mean, keras_layer.moving_mean.numpy(), rtol=1e-12)
        np.testing.assert_allclose(ours.running_var, keras_layer.moving_variance.numpy(), rtol=1e-12)
    x = rng.normal(3.0, 2.0, size=(7, d))
    np.testing.assert_allclose(ours.forward(x, training=False), np.asarray(keras_layer(x, training=False)),
                               rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("training", [True, False])
def test_fixed_class_backward_equals_tensorflow(seed_page, training):
    rng = np.random.default_rng(8)
    x, dout = rng.normal(-1.0, 3.0, size=(9, 4)), rng.normal(size=(9, 4))
    bn = seed_page["FixedBatchNormalization"](4)
    bn.gamma, bn.beta = rng.normal(1, 0.5, 4), rng.normal(size=4)
    bn.running_mean, bn.running_var = rng.normal(size=4), rng.uniform(0.5, 2, 4)
    layer = _keras_bn(bn.gamma, bn.beta, bn.running_mean, bn.running_var)
    bn.forward(x, training=training)
    dx = bn.backward(dout)
    for a, b in zip((dx, bn.dgamma, bn.dbeta), _tf_grads(layer, x, dout, training=training)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_the_lessons_class_has_the_flaws_the_page_shows(seed_page):
    seed_class = seed_page["BatchNormalization"]
    x = np.random.default_rng(9).normal(2.0, 3.0, size=(20, 3))
    bn = seed_class()
    bn.forward(x, training=True)
    np.testing.assert_allclose(bn.running_var, 0.1 * x.var(axis=0))  # started at zero, momentum 0.9
    bn.gamma, bn.beta = np.full(3, 2.0), np.full(3, 1.0)
    out = bn.forward(x, training=True)
    np.testing.assert_allclose(out.std(axis=0), 1.0, rtol=1e-4)  # the "learned" gamma was reset
    np.testing.assert_array_equal(bn.gamma, np.ones(3))
    assert not hasattr(bn, "backward")
    with pytest.raises(TypeError):
        seed_class().forward(x, training=False)


def test_layer_norm_page_equals_keras():
    namespace = {"np": np}
    notebook = BOOK / "layer_norm.ipynb"
    source = _cell_defining(notebook, "def layer_norm(")
    exec(compile(source.split("\nx = ")[0], str(notebook), "exec"), namespace)  # the definitions only
    rng = np.random.default_rng(10)
    x, gamma, beta = rng.normal(2.0, 3.0, size=(6, 5)), rng.normal(1, 0.5, 5), rng.normal(size=5)
    np.testing.assert_allclose(namespace["layer_norm"](x, gamma, beta), np.asarray(_keras_ln(gamma, beta)(x)),
                               rtol=1e-10, atol=1e-10)
    bn = _keras_bn(gamma, beta, np.zeros(5), np.ones(5))
    np.testing.assert_allclose(namespace["batch_norm"](x, gamma, beta), np.asarray(bn(x, training=True)),
                               rtol=1e-10, atol=1e-10)


# ---------------------------------------------------------------------------------------------
# Task 7: the variance shift of dropout before batch normalization.
# ---------------------------------------------------------------------------------------------
def _dropout_variance_shift():
    namespace = {"np": np}
    exec(compile(_cell_defining(SOLUTION, "def dropout_variance_shift("), str(SOLUTION), "exec"), namespace)
    return namespace["dropout_variance_shift"]


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.8])
def test_reference_variance_shift_equals_the_chapters_equation_and_sampling(rate):
    """Var_train = Var[h] + rate / q * E[h^2] (book/05_normalization/dropout_and_bn.ipynb), and the variance of
    many masked copies of h; the BN output's standard deviation at inference is sqrt(Var_inference / (Var_train + eps))."""
    shift = _dropout_variance_shift()
    rng = np.random.default_rng(int(10 * rate))
    h = np.maximum(rng.normal(0.3, 1.0, size=(100, 5)) * rng.uniform(0.5, 3, size=5), 0)
    var_train, var_inference, std_inference = shift(h, rate, eps=1e-3)
    q = 1 - rate
    np.testing.assert_allclose(var_inference, h.var(axis=0), rtol=1e-12)
    np.testing.assert_allclose(var_train, h.var(axis=0) + rate / q * np.mean(h**2, axis=0), rtol=1e-10)
    masks = rng.random((20_000,) + h.shape) < q
    sampled = (masks * h / q).reshape(-1, h.shape[1]).var(axis=0)
    np.testing.assert_allclose(var_train, sampled, rtol=0.02)
    np.testing.assert_allclose(std_inference, np.sqrt(var_inference / (var_train + 1e-3)), rtol=1e-12)


def test_variance_shift_of_a_mean_zero_unit_is_one_over_q():
    """The chapter's rule of thumb: for a unit of mean 0, training variance = inference variance / q."""
    shift = _dropout_variance_shift()
    h = np.random.default_rng(3).normal(size=(1000, 3))
    h -= h.mean(axis=0)
    var_train, var_inference, _ = shift(h, 0.5)
    np.testing.assert_allclose(var_train / var_inference, 2.0, rtol=1e-10)
