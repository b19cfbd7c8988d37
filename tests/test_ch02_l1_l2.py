"""Chapter 2 (L1, L2 and Elastic Net): the exercise's reference solutions and the chapter's claims,
checked against independent computations (Keras, scikit-learn, SciPy, numerical optimization).

The generic tests (grading variants, nbgrader round trip, book build) cover the notebooks as a
whole; these cover what is specific to this chapter: the Keras conventions the course teaches
(no 1/2 in L2, decoupled weight decay, the scaling table of book/02_l1_l2/penalties.ipynb), and
the MAP strengths derived in book/02_l1_l2/bayesian_view.ipynb. Only the tests that need
TensorFlow import it.
"""
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from scipy import optimize, stats
from sklearn.linear_model import ElasticNet, Lasso, Ridge

from autograder.notebooks import nbgrader as nbgrader_meta, read_cells, source


def code_cells(notebook: Path) -> list[dict]:
    """The code cells of a notebook, in order."""
    return [c for c in read_cells(notebook) if c["cell_type"] == "code"]


ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "ch02_l1_l2" / "l1_l2.ipynb"


@cache
def reference() -> dict:
    """The solution cells of the exercise, executed: name -> function."""
    namespace = {"__name__": "ch02_reference", "np": np}
    for cell in code_cells(SOLUTION):
        if nbgrader_meta(cell).get("solution"):
            exec(compile(source(cell), f"<{nbgrader_meta(cell)['grade_id']}>", "exec"), namespace)
    return namespace


def random_weights(rng, n_arrays):
    shapes = [tuple(rng.integers(1, 6, size=rng.integers(1, 4))) for _ in range(n_arrays)]
    return [rng.normal(rng.uniform(-1, 1), rng.uniform(0.1, 3), size=shape) for shape in shapes]


# ---------------------------------------------------------------------------------------------
# The penalties and their gradients against Keras itself.
# ---------------------------------------------------------------------------------------------
def test_penalties_match_keras_regularizers():
    import keras

    ref = reference()
    rng = np.random.default_rng(20)
    for trial in range(25):
        arrays = random_weights(rng, int(rng.integers(1, 5)))
        if trial % 5 == 0:
            arrays[0][...] = 0.0
        l1, l2 = (float(v) for v in rng.uniform(0, 2, size=2))
        arg = arrays[0] if len(arrays) == 1 else arrays
        for ours, theirs in [(ref["l1_penalty"](arg, l1), keras.regularizers.L1(l1)),
                             (ref["l2_penalty"](arg, l2), keras.regularizers.L2(l2)),
                             (ref["elastic_net_penalty"](arg, l1, l2), keras.regularizers.L1L2(l1=l1, l2=l2))]:
            expected = sum(float(theirs(a)) for a in arrays)
            # Keras rounds the coefficient through float32 (ops.cast(self.l1, x.dtype)), hence rel=1e-6.
            assert ours == pytest.approx(expected, rel=1e-6, abs=1e-12)


def test_keras_l2_has_no_half_factor():
    """The course says Keras's L2 is l2 * sum(w**2) with gradient 2 * l2 * w; check both against Keras."""
    import keras
    import tensorflow as tf

    w = tf.Variable(np.array([[1.0, -2.0], [0.5, 0.0]]))
    with tf.GradientTape() as tape:
        value = keras.regularizers.L2(0.1)(w)
    assert float(value) == pytest.approx(0.1 * 5.25)
    np.testing.assert_allclose(tape.gradient(value, w).numpy(), 2 * 0.1 * w.numpy())


def test_gradients_match_tensorflow():
    import keras
    import tensorflow as tf

    ref = reference()
    rng = np.random.default_rng(21)
    for _ in range(10):
        w = rng.normal(size=tuple(rng.integers(1, 6, size=2)))
        w[rng.uniform(size=w.shape) < 0.3] = 0.0
        lam = float(rng.uniform(0.01, 2))
        for ours, regularizer in [(ref["l1_subgradient"](w, lam), keras.regularizers.L1(lam)),
                                  (ref["l2_gradient"](w, lam), keras.regularizers.L2(lam))]:
            variable = tf.Variable(w)
            with tf.GradientTape() as tape:
                value = regularizer(variable)
            np.testing.assert_allclose(ours, tape.gradient(value, variable).numpy(), rtol=1e-6)
    assert np.all(ref["l1_subgradient"](np.zeros(4), 3.0) == 0)


# ---------------------------------------------------------------------------------------------
# Soft thresholding, ridge and lasso against SciPy and scikit-learn.
# ---------------------------------------------------------------------------------------------
def test_soft_threshold_is_the_proximal_operator():
    ref = reference()
    rng = np.random.default_rng(22)
    for w, t in zip(rng.normal(0, 2, size=40), rng.uniform(0, 2, size=40)):
        brute = optimize.minimize_scalar(lambda x: 0.5 * (x - w) ** 2 + t * abs(x), bounds=(-10, 10),
                                         method="bounded", options={"xatol": 1e-10}).x
        assert ref["soft_threshold"](np.array([w]), t)[0] == pytest.approx(brute, abs=1e-7)


def test_ridge_matches_scikit_learn():
    ref = reference()
    rng = np.random.default_rng(23)
    for n, p in [(30, 5), (5, 12), (100, 40)]:
        X, y = rng.normal(1.0, 1.0, size=(n, p)), rng.normal(2.0, 1.0, size=n)
        for alpha in [1e-3, 0.7, 50.0]:
            np.testing.assert_allclose(ref["ridge_fit"](X, y, alpha),
                                       Ridge(alpha=alpha, fit_intercept=False, solver="svd").fit(X, y).coef_,
                                       rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_lasso_matches_scikit_learn_with_the_default_iterations(seed):
    """The contract: agreement with Lasso(alpha, fit_intercept=False) to 1e-4 on well-conditioned data."""
    ref = reference()
    rng = np.random.default_rng(100 + seed)
    n, p = int(rng.integers(60, 300)), int(rng.integers(2, 25))
    X = rng.normal(rng.uniform(-0.5, 0.5), 1.0, size=(n, p)) * rng.uniform(0.6, 1.5, size=p)
    y = X @ np.where(rng.uniform(size=p) < 0.5, 0.0, rng.normal(0, 2, size=p)) + rng.normal(0, 0.5, size=n)
    alpha = float(rng.uniform(0.005, 0.8))
    expected = Lasso(alpha=alpha, fit_intercept=False, tol=1e-12, max_iter=1_000_000).fit(X, y).coef_
    got = ref["lasso_fit"](X, y, alpha)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    assert np.all(got[expected == 0] == 0), "proximal gradient should give exact zeros where the lasso has them"


# ---------------------------------------------------------------------------------------------
# Priors and MAP strengths: the derivation checked numerically, without using it.
# ---------------------------------------------------------------------------------------------
def test_neg_log_priors_match_scipy():
    ref = reference()
    rng = np.random.default_rng(24)
    for _ in range(10):
        w = rng.normal(0, 2, size=tuple(rng.integers(1, 5, size=2)))
        scale = float(rng.uniform(0.05, 5))
        assert ref["gaussian_neg_log_prior"](w, scale) == pytest.approx(-stats.norm(0, scale).logpdf(w).sum(), rel=1e-12)
        assert ref["laplace_neg_log_prior"](w, scale) == pytest.approx(-stats.laplace(0, scale).logpdf(w).sum(), rel=1e-12)


def _data(seed, n=40, p=4, noise_var=0.5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = X @ np.array([1.5, 0.0, -0.7, 0.05])[:p] + rng.normal(0, np.sqrt(noise_var), size=n)
    return X, y


def _neg_log_posterior(w, X, y, noise_var, prior):
    return -stats.norm(0, np.sqrt(noise_var)).logpdf(y - X @ w).sum() - prior.logpdf(w).sum()


@pytest.mark.parametrize("noise_var, prior_var", [(0.5, 0.3), (2.0, 0.05), (0.1, 10.0)])
def test_map_l2_strength_gives_the_posterior_mode(noise_var, prior_var):
    """Minimize -log p(y|X,w) - log p(w) with SciPy's densities and BFGS; ridge with the derived alpha must land there."""
    ref = reference()
    X, y = _data(1, noise_var=noise_var)
    prior = stats.norm(0, np.sqrt(prior_var))
    mode = optimize.minimize(_neg_log_posterior, np.zeros(4), args=(X, y, noise_var, prior), method="BFGS",
                             options={"gtol": 1e-10}).x
    alpha = ref["map_l2_strength"](noise_var, prior_var)
    assert alpha == pytest.approx(noise_var / prior_var)
    np.testing.assert_allclose(ref["ridge_fit"](X, y, alpha), mode, atol=1e-6)
    for wrong in (alpha / 2, 2 * alpha):  # the check can tell a factor 2
        assert np.abs(ref["ridge_fit"](X, y, wrong) - mode).max() > 1e-5


def _is_coordinatewise_minimum(f, w, eps=1e-6):
    """f is convex with a separable nonsmooth part, so a coordinatewise minimum is the global one."""
    value = f(w)
    return all(f(w + s * eps * e) >= value - 1e-12 for e in np.eye(len(w)) for s in (-1, 1))


@pytest.mark.parametrize("noise_var, b", [(0.5, 0.1), (2.0, 0.5), (0.2, 0.02)])
def test_map_l1_strength_gives_the_posterior_mode(noise_var, b):
    """The lasso at the derived strength minimizes SciPy's negative log posterior; half or twice the strength does not."""
    ref = reference()
    X, y = _data(2, noise_var=noise_var)
    n = len(y)
    prior = stats.laplace(0, b)

    def f(w):
        return _neg_log_posterior(w, X, y, noise_var, prior)

    def lasso(alpha):  # alpha of ||y - Xw||^2 + alpha ||w||_1, converted to scikit-learn's 1/(2n) scaling
        return Lasso(alpha=alpha / (2 * n), fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X, y).coef_

    alpha = ref["map_l1_strength"](noise_var, b)
    assert alpha == pytest.approx(2 * noise_var / b)
    assert _is_coordinatewise_minimum(f, lasso(alpha))
    for wrong in (alpha / 2, 2 * alpha):
        assert not _is_coordinatewise_minimum(f, lasso(wrong))


# ---------------------------------------------------------------------------------------------
# The conversions between Keras and scikit-learn in book/02_l1_l2/penalties.ipynb.
# ---------------------------------------------------------------------------------------------
def _keras_objective_gradient(X, y, w, regularizer):
    """Gradient of Keras's mean squared error + penalty, for a linear model without bias, at w."""
    import keras
    import tensorflow as tf

    layer = keras.layers.Dense(1, use_bias=False, dtype="float64")
    layer.build((None, X.shape[1]))
    layer.kernel.assign(w[:, None])
    kernel = layer.kernel.value
    mse = keras.losses.MeanSquaredError(dtype="float64")
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(kernel)
        data = mse(y[:, None], layer(X))
        total = data + regularizer(kernel)
    return tape.gradient(total, kernel).numpy()[:, 0], tape.gradient(data, kernel).numpy()[:, 0]


def test_keras_l2_equals_ridge_with_alpha_n_l2():
    import keras

    X, y = _data(3, n=50)
    l2 = 0.05
    w = Ridge(alpha=len(y) * l2, fit_intercept=False).fit(X, y).coef_
    grad, _ = _keras_objective_gradient(X, y, w, keras.regularizers.L2(l2))
    np.testing.assert_allclose(grad, 0.0, atol=1e-7)  # Keras rounds l2 through float32


def test_keras_l1_equals_lasso_with_alpha_half_l1():
    import keras

    X, y = _data(4, n=50)
    l1 = 0.4
    w = Lasso(alpha=l1 / 2, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X, y).coef_
    assert np.any(w == 0) and np.any(w != 0)
    grad, data_grad = _keras_objective_gradient(X, y, w, keras.regularizers.L1(l1))
    nonzero = w != 0
    np.testing.assert_allclose(grad[nonzero], 0.0, atol=1e-8)        # stationary where w != 0
    assert np.all(np.abs(data_grad[~nonzero]) <= l1 + 1e-8)           # 0 is in the subdifferential where w == 0


def test_keras_l1l2_equals_elastic_net_conversion():
    import keras

    X, y = _data(5, n=50)
    l1, l2 = 0.2, 0.1
    alpha, ratio = l1 / 2 + l2, (l1 / 2) / (l1 / 2 + l2)
    w = ElasticNet(alpha=alpha, l1_ratio=ratio, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X, y).coef_
    grad, data_grad = _keras_objective_gradient(X, y, w, keras.regularizers.L1L2(l1=l1, l2=l2))
    nonzero = w != 0
    np.testing.assert_allclose(grad[nonzero], 0.0, atol=1e-8)
    assert np.all(np.abs(data_grad[~nonzero]) <= l1 + 1e-8)


# ---------------------------------------------------------------------------------------------
# Weight decay vs L2 (book/02_l1_l2/weight_decay.ipynb): identical for SGD, not for Adam.
# ---------------------------------------------------------------------------------------------
def _train(optimizer, regularizer, steps=8):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(6,)),
                              keras.layers.Dense(8, activation="relu", kernel_regularizer=regularizer),
                              keras.layers.Dense(3, activation="softmax", kernel_regularizer=regularizer)])
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 6)).astype("float32"), rng.integers(0, 3, size=32)
    for _ in range(steps):
        model.train_on_batch(x, y)
    return np.concatenate([v.ravel() for v in model.get_weights()])


@pytest.mark.slow  # trains Keras models
def test_sgd_weight_decay_equals_l2_with_twice_the_strength():
    import keras

    lam = 0.05
    with_l2 = _train(keras.optimizers.SGD(0.1), keras.regularizers.L2(lam))
    with_decay = _train(keras.optimizers.SGD(0.1, weight_decay=2 * lam), None)
    np.testing.assert_allclose(with_l2, with_decay, atol=1e-6)
    wrong = _train(keras.optimizers.SGD(0.1, weight_decay=lam), None)   # without the factor 2
    assert np.abs(with_l2 - wrong).max() > 1e-4


@pytest.mark.slow  # trains Keras models
def test_adam_weight_decay_differs_from_l2():
    import keras

    lam = 0.05
    with_l2 = _train(keras.optimizers.Adam(0.01), keras.regularizers.L2(lam))
    with_decay = _train(keras.optimizers.Adam(0.01, weight_decay=2 * lam), None)
    assert np.abs(with_l2 - with_decay).max() > 1e-3


# ---------------------------------------------------------------------------------------------
# The Keras task's reference model.
# ---------------------------------------------------------------------------------------------
def test_reference_model_penalty_is_elastic_net_of_hidden_kernels():
    import keras

    ref = reference()
    ref["keras"] = keras
    for l1, l2 in [(1e-3, 1e-2), (0.0, 0.1), (0.05, 0.0)]:
        model = ref["build_regularized_classifier"](20, l1, l2)
        kernels = [layer.kernel.numpy() for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        assert [k.shape[1] for k in kernels] == [128, 64, 1]
        assert float(sum(model.losses)) == pytest.approx(ref["elastic_net_penalty"](kernels[:2], l1, l2), rel=1e-5)


# ---------------------------------------------------------------------------------------------
# Tasks 14 and 15: one step of AdamW and of Adam with an L2 penalty, against Keras training.
# ---------------------------------------------------------------------------------------------
def test_reference_adamw_update_follows_keras_adamw_for_many_steps():
    """Keras's AdamW trains a float64 variable on random gradients; the reference, chained from the
    same start, stays on the same trajectory (t counts steps from 1, as optimizer.iterations after the step)."""
    import keras

    adamw_update = reference()["adamw_update"]
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=(4, 3))
    settings = dict(learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-4, weight_decay=0.3)
    variable = keras.Variable(w0.copy(), dtype="float64")
    optimizer = keras.optimizers.AdamW(**settings)
    w, m, v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    for t in range(1, 31):
        grad = rng.normal(size=w0.shape) * 10.0 ** rng.uniform(-4, 1, size=w0.shape)
        optimizer.apply_gradients([(grad, variable)])
        w, m, v = adamw_update(w, grad, m, v, t, **settings)
        assert int(optimizer.iterations.numpy()) == t
        np.testing.assert_allclose(w - w0, variable.numpy() - w0, rtol=1e-4, atol=1e-9)


def test_reference_adam_l2_update_follows_a_regularized_keras_layer():
    """A Dense layer with kernel_regularizer=L2(l2), trained by Adam on a mean squared error: the reference,
    given only the gradient of the data loss, takes the same steps."""
    import keras
    import tensorflow as tf

    adam_l2_update = reference()["adam_l2_update"]
    keras.utils.set_random_seed(0)
    l2, lr = 0.05, 0.01
    layer = keras.layers.Dense(2, use_bias=False, kernel_regularizer=keras.regularizers.L2(l2))
    model = keras.Sequential([keras.Input(shape=(3,)), layer])
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="mse")
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(16, 3)).astype("float32"), rng.normal(size=(16, 2)).astype("float32")
    m, v = np.zeros((3, 2)), np.zeros((3, 2))
    for t in range(1, 21):
        w = layer.kernel.numpy().astype(np.float64)   # Keras's weights (float32) before this step
        kernel = tf.Variable(w)
        with tf.GradientTape() as tape:
            data_loss = tf.reduce_mean(tf.reduce_mean((x @ kernel - y) ** 2, axis=-1))
        grad = tape.gradient(data_loss, kernel).numpy()
        new_w, m, v = adam_l2_update(w, grad, m, v, t, learning_rate=lr, l2=l2)
        model.train_on_batch(x, y)
        np.testing.assert_allclose(layer.kernel.numpy() - w, new_w - w, rtol=1e-3, atol=1e-6)


def test_reference_updates_differ_as_task_15_says():
    """Idle weight: the L2 penalty moves it by about the learning rate, 250 times AdamW's decay; busy weight: the
    penalty changes its step by almost nothing, while AdamW's decay is the same for both. Under SGD the two agree."""
    ref = reference()
    w, g, zeros = np.array([1.0, 1.0]), np.array([0.0, 5.0]), np.zeros(2)
    with_l2 = ref["adam_l2_update"](w, g, zeros, zeros, 1)[0] - ref["adam_l2_update"](w, g, zeros, zeros, 1, l2=0.0)[0]
    with_decay = ref["adamw_update"](w, g, zeros, zeros, 1)[0] - ref["adamw_update"](w, g, zeros, zeros, 1, weight_decay=0.0)[0]
    np.testing.assert_allclose(with_decay, -0.001 * 0.004 * w, rtol=1e-9)
    assert with_l2[0] == pytest.approx(-0.001, rel=1e-3) and with_l2[0] / with_decay[0] == pytest.approx(250, rel=1e-3)
    assert abs(with_l2[1]) < 1e-9
