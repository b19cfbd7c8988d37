"""Chapter 3 (dropout): the reference solutions against Keras and independent computations,
the statistical tolerances of the exercise's tests, and the facts the book notebooks rely on.

TensorFlow is imported only inside the tests that need it.
"""
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "ch03_dropout" / "dropout.ipynb"
NUMPY_CELLS = ["setup", "test_helpers", "dropout_forward", "dropout_backward", "vanilla_dropout_forward"]


def _cells(notebook: Path) -> dict[str, str]:
    """grade_id -> source of the notebook's code cells that have one."""
    cells = json.loads(notebook.read_text())["cells"]
    return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
            for c in cells if c["cell_type"] == "code" and "nbgrader" in c["metadata"]}


@pytest.fixture(scope="module")
def ref():
    """The reference solution's NumPy functions and the exercise's test helpers, in one namespace."""
    cells = _cells(SOLUTION)
    namespace = {"__name__": "ch03_reference"}
    for grade_id in NUMPY_CELLS:
        exec(compile(cells[grade_id], f"<{grade_id}>", "exec"), namespace)
    return namespace


# --- the reference implementation against independent computations ---------------------------

@pytest.mark.parametrize("rate", [0.0, 0.1, 0.5, 0.9])
def test_forward_is_mask_times_x_over_keep(ref, rate):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 200))
    out, _ = ref["dropout_forward"](x, rate, True, np.random.default_rng(1))
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / (1 - rate), rtol=1e-12)
    n = x.size
    assert abs(1 - kept.mean() - rate) <= 6 * np.sqrt(rate * (1 - rate) / n) + 1 / n
    np.testing.assert_array_equal(ref["dropout_forward"](x, rate, False, np.random.default_rng(1))[0], x)


@pytest.mark.parametrize("rate", [1.0, 1.01, -1e-9, 7])
def test_forward_rejects_rates_outside_0_1(ref, rate):
    for training in (True, False):
        with pytest.raises(ValueError, match="rate"):
            ref["dropout_forward"](np.ones(3), rate, training, np.random.default_rng(0))


def test_backward_matches_tensorflow_autodiff_for_the_same_mask(ref):
    import tensorflow as tf

    rng = np.random.default_rng(2)
    for rate in (0.2, 0.6):
        x, dout = rng.normal(size=(7, 9)), rng.normal(size=(7, 9))
        out, cache = ref["dropout_forward"](x, rate, True, np.random.default_rng(3))
        mask = tf.constant((out != 0).astype("float64"))
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            loss = tf.reduce_sum(tf.constant(dout) * xt * mask / (1 - rate))
        np.testing.assert_allclose(ref["dropout_backward"](dout, cache), tape.gradient(loss, xt).numpy(), rtol=1e-12)


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.8])
def test_forward_matches_keras_dropout(ref, rate):
    import keras

    x = np.random.default_rng(4).uniform(0.5, 2.0, size=(400, 100)).astype("float32")
    layer = keras.layers.Dropout(rate, seed=5)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    np.testing.assert_array_equal(ref["dropout_forward"](x, rate, False, np.random.default_rng(6))[0], x)
    theirs = np.asarray(layer(x, training=True))
    ours = ref["dropout_forward"](x, rate, True, np.random.default_rng(6))[0]
    for out in (theirs, ours):
        kept = out != 0
        np.testing.assert_allclose(out[kept] / x[kept], 1 / (1 - rate), rtol=1e-5)
        assert abs(1 - kept.mean() - rate) <= 6 * np.sqrt(rate * (1 - rate) / x.size)


def test_vanilla_and_inverted_differ_by_the_keep_probability(ref):
    x = np.random.default_rng(7).normal(size=(50, 60))
    for rate in (0.25, 0.5):
        vanilla, _ = ref["vanilla_dropout_forward"](x, rate, True, np.random.default_rng(8))
        inverted, _ = ref["dropout_forward"](x, rate, True, np.random.default_rng(8))
        np.testing.assert_allclose(vanilla, inverted * (1 - rate), rtol=1e-12)   # same draws, same mask
        np.testing.assert_allclose(ref["vanilla_dropout_forward"](x, rate, False, None)[0], (1 - rate) * x)


def test_mc_dropout_reference_statistics():
    """On a model that is a single Dropout layer, MC mean -> x and std -> |x| sqrt(rate / (1 - rate))."""
    import keras

    namespace = {"__name__": "ch03_reference"}
    exec(_cells(SOLUTION)["setup"], namespace)
    exec(_cells(SOLUTION)["mc_dropout_predict"], namespace)
    keras.utils.set_random_seed(0)
    rate, n_samples = 0.3, 300
    x = np.random.default_rng(9).uniform(0.5, 2.0, size=(4, 50)).astype("float32")
    model = keras.Sequential([keras.Input(shape=(50,)), keras.layers.Dropout(rate)])
    mean, std = namespace["mc_dropout_predict"](model, x, n_samples)
    sd_of_one = x * np.sqrt(rate / (1 - rate))
    # 6 standard errors: the mean's is sd / sqrt(n); the sample std's relative one is
    # sqrt((kurtosis - 1) / (4 n)), with kurtosis (1 - 3 p q) / (p q) for a scaled Bernoulli(q).
    assert np.all(np.abs(mean - x) <= 6 * sd_of_one / np.sqrt(n_samples))
    kurtosis = (1 - 3 * rate * (1 - rate)) / (rate * (1 - rate))
    assert np.all(np.abs(std / sd_of_one - 1) <= 6 * np.sqrt((kurtosis - 1) / (4 * n_samples)))


# --- the exercise's statistical checks never flake for correct solutions ----------------------

def _mask_drawers(rate):
    """Correct ways of drawing a keep mask (True = kept) of a shape from a Generator."""
    keep = 1 - rate
    return {
        "random < keep": lambda rng, shape: rng.random(shape) < keep,
        "random >= rate": lambda rng, shape: rng.random(shape) >= rate,
        "binomial": lambda rng, shape: rng.binomial(1, keep, shape).astype(bool),
        "uniform float32": lambda rng, shape: rng.random(shape, dtype=np.float32) >= np.float32(rate),
        "permuted threshold": lambda rng, shape: rng.uniform(-1, 0, shape) + keep > 0,
    }


def test_fraction_and_average_checks_pass_for_many_correct_mask_draws(ref):
    """300 seeds x 5 ways of drawing the mask x the rates the tests use: every check passes.

    The tolerance is 6 standard deviations; this test makes sure the ones the exercise uses
    are computed correctly (a wrong variance would make some of these fail).
    """
    x_avg = np.array([0.5, -1.0, 2.0, 3.5, -0.75])
    for rate in (0.1, 0.25, 0.3, 0.6, 0.9):
        for name, draw in _mask_drawers(rate).items():
            def forward(x, r, training, rng, draw=draw):
                return x * draw(rng, x.shape) / (1 - r), None

            for seed in range(300 if rate in (0.3, 0.25) else 40):
                rng = np.random.default_rng(seed)
                out, _ = forward(np.ones((200, 50)), rate, True, rng)
                ref["_check_fraction"](out, rate, f"{name}, rate {rate}, seed {seed}")
            for seed in range(40):
                out = forward(np.tile(x_avg, (4000, 1)), rate, True, np.random.default_rng(seed))[0]
                tol = 6 * np.abs(x_avg) * np.sqrt(rate / (1 - rate) / 4000)
                assert np.all(np.abs(out.mean(axis=0) - x_avg) <= tol), (name, rate, seed)


def test_fraction_check_catches_keep_probability_equal_to_rate(ref):
    for rate in (0.1, 0.3, 0.6):
        out = np.ones((200, 50)) * (np.random.default_rng(0).random((200, 50)) < rate)
        with pytest.raises(AssertionError, match="dropped"):
            ref["_check_fraction"](out, rate, "keep probability = rate")


# --- facts the book notebooks state ------------------------------------------------------------

def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("seed", range(5))
def test_weight_scaling_is_the_geometric_mean_for_one_dropout_layer_before_a_softmax(seed):
    rng = np.random.default_rng(seed)
    m, k, rate = 9, 5, rng.uniform(0.1, 0.8)
    h, W, b = rng.uniform(0, 2, m), rng.normal(size=(m, k)), rng.normal(size=k)
    masks = np.array(list(itertools.product([0, 1], repeat=m)))
    p_mask = np.prod(np.where(masks == 1, 1 - rate, rate), axis=1)
    assert np.isclose(p_mask.sum(), 1)
    log_probs = np.log(_softmax((masks * h / (1 - rate)) @ W + b))
    geometric = np.exp(p_mask @ log_probs)
    np.testing.assert_allclose(geometric / geometric.sum(), _softmax(h @ W + b), rtol=1e-10)


def test_input_dropout_in_linear_regression_is_a_scaled_l2_penalty():
    """E over masks of ||y - (R*X/q) w||^2 = ||y - Xw||^2 + (p/q) sum_j (sum_i X_ij^2) w_j^2, exactly."""
    rng = np.random.default_rng(0)
    n, p, rate = 3, 3, 0.4
    X, w, y = rng.normal(size=(n, p)), rng.normal(size=p), rng.normal(size=n)
    expected = 0.0
    for bits in itertools.product([0, 1], repeat=n * p):                # all 512 masks
        R = np.array(bits).reshape(n, p)
        prob = np.prod(np.where(R == 1, 1 - rate, rate))
        expected += prob * np.sum((y - (R * X / (1 - rate)) @ w) ** 2)
    formula = np.sum((y - X @ w) ** 2) + rate / (1 - rate) * np.sum(np.sum(X**2, axis=0) * w**2)
    assert np.isclose(expected, formula, rtol=1e-12)


def test_seed_numpy_dropout_class_is_inverted_dropout():
    """The source text's class, as printed in book/03_dropout/dropout.ipynb."""
    cells = json.loads((ROOT / "book" / "03_dropout" / "dropout.ipynb").read_text())["cells"]
    code = next("".join(c["source"]) for c in cells
                if c["cell_type"] == "code" and "".join(c["source"]).startswith("class Dropout:"))
    namespace = {"np": np}
    exec(code, namespace)
    np.random.seed(0)
    layer = namespace["Dropout"](0.25)
    x = np.random.default_rng(1).uniform(0.5, 1.5, size=(200, 100))
    out = layer.forward(x, is_train=True)
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / 0.75)
    assert abs(1 - kept.mean() - 0.25) < 0.02
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), kept / 0.75)
    np.testing.assert_array_equal(layer.forward(x, is_train=False), x)


def test_keras_dropout_rate_bounds_as_the_book_states():
    import keras

    np.testing.assert_array_equal(np.asarray(keras.layers.Dropout(1.0)(np.ones((2, 3)), training=True)), 0)
    with pytest.raises(ValueError):
        keras.layers.Dropout(1.5)
