"""Chapter 4 checks that the generic tests do not make.

- The exercise's reference `EarlyStopper` makes the decisions of `keras.callbacks.EarlyStopping`
  on many more sequences than the hidden tests, and also when driven on after a stop.
- Driving `EarlyStopping` with a stand-in model (as the hidden tests and the book's replays do)
  gives what real training with `model.fit` gives: same stop, same best epoch, same restored weights.
- The claim of book/04_early_stopping/early_stopping_as_l2: gradient descent stopped after t steps
  is close to ridge with lambda = 1/(2 eta t), checked against scikit-learn's Ridge.
"""
import copy
import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "ch04_early_stopping" / "early_stopping.ipynb"


def solution_cell(grade_id: str) -> str:
    for cell in json.loads(SOLUTION.read_text())["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return "".join(cell["source"])
    raise KeyError(grade_id)


@pytest.fixture(scope="module")
def reference():
    """The notebook's EarlyStopper and train_with_early_stopping, as its setup cell imports them."""
    namespace = {"np": np, "copy": copy}
    for grade_id in ("EarlyStopper", "train_with_early_stopping"):
        exec(compile(solution_cell(grade_id), f"<{grade_id}>", "exec"), namespace)
    return namespace


class StandIn:
    """What EarlyStopping needs from a model."""

    def __init__(self):
        self.current, self.stop_training = None, False

    def get_weights(self):
        return copy.deepcopy(self.current)

    def set_weights(self, weights):
        self.current = weights


def keras_driver(kwargs):
    import keras

    callback = keras.callbacks.EarlyStopping(monitor="value", **{"mode": "min", **kwargs})
    model = StandIn()
    callback.set_model(model)
    callback.on_train_begin()
    return callback, model


def random_case(rng):
    """A random configuration and sequence: values on a grid of 1/16 (exact ties) or continuous noise."""
    length = int(rng.integers(1, 45))
    if rng.random() < 0.5:
        values = 2 + np.cumsum(rng.choice([-3, -2, -1, 0, 0, 0, 1, 2], size=length)) / 16
        deltas, baselines = [0.0, 1 / 16, 1 / 8, -1 / 16, 3 / 16], list(np.arange(-8, 48) / 16)
    else:
        t = np.arange(length)
        values = 0.5 + 2 * np.exp(-t / rng.uniform(2, 10)) + rng.uniform(0, 0.01) * t + rng.normal(0, 0.03, length)
        deltas, baselines = [0.0, 1e-3, 0.02, -0.02], list(np.quantile(values, [0.0, 0.1, 0.5]) + [-0.01, 0.0, 0.0])
    mode = "min" if rng.random() < 0.5 else "max"
    if mode == "max":
        values = -values
        baselines = [-b for b in baselines]
    kwargs = {"patience": int(rng.integers(0, 7)), "min_delta": float(rng.choice(deltas)), "mode": mode,
              "restore_best_weights": bool(rng.random() < 0.5)}
    if rng.random() < 0.4:
        kwargs["baseline"] = float(rng.choice(baselines))
    if rng.random() < 0.3:
        kwargs["start_from_epoch"] = int(rng.integers(0, 10))
    return kwargs, [float(v) for v in values], int(rng.choice([0, 0, 0, 1, 7]))


@pytest.mark.parametrize("seed", range(4))
def test_reference_stopper_matches_keras_even_after_a_stop(reference, seed):
    rng = np.random.default_rng(seed)
    stops = 0
    for _ in range(150):
        kwargs, values, first_epoch = random_case(rng)
        ours = reference["EarlyStopper"](**kwargs)
        callback, model = keras_driver(kwargs)
        for i, value in enumerate(values):
            epoch = first_epoch + i
            weights = [rng.normal(size=(2, 3)), rng.normal(size=3)]
            model.current, model.stop_training = weights, False
            callback.on_epoch_end(epoch, {"value": value})
            decision = ours.on_epoch_end(epoch, value, weights)
            stops += decision
            state = (decision, ours.best, ours.best_epoch, ours.wait, ours.stopped_epoch)
            expected = (model.stop_training, callback.best, callback.best_epoch, callback.wait, callback.stopped_epoch)
            assert state == expected, (kwargs, values[: i + 1], first_epoch)
            if callback.best_weights is None:
                assert ours.best_weights is None
            else:
                assert all(np.array_equal(a, b) for a, b in zip(ours.best_weights, callback.best_weights))
            weights[0][...] = np.nan  # the caller's arrays change; the kept copy must not
    assert stops > 100  # the sequences do exercise stopping


@pytest.mark.slow  # trains a Keras model
def test_stand_in_driving_matches_real_training(reference):
    """A real model.fit with EarlyStopping gives the stop, best epoch and weights that replaying its logs predicts."""
    import keras

    from regcourse.models import set_seed

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.val_losses, self.weights = [], []

        def on_epoch_end(self, epoch, logs=None):
            self.val_losses.append(logs["val_loss"])
            self.weights.append(self.model.get_weights())

    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 5)).astype("float32")
    y = (x @ rng.normal(size=5) + rng.normal(0, 1.0, 40)).astype("float32")
    for patience, min_delta in [(2, 0.0), (4, 0.01)]:
        set_seed(0)
        model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
        recorder = Recorder()  # before EarlyStopping, so that it records every epoch that runs
        stopper = keras.callbacks.EarlyStopping(patience=patience, min_delta=min_delta, restore_best_weights=True)
        model.fit(x[:20], y[:20], validation_data=(x[20:], y[20:]), epochs=150, batch_size=20, verbose=0,
                  callbacks=[recorder, stopper])
        assert len(recorder.val_losses) < 150, "the case must stop early to be a test"

        ours = reference["EarlyStopper"](patience=patience, min_delta=min_delta, restore_best_weights=True)
        decisions = [ours.on_epoch_end(e, v, w) for e, (v, w) in enumerate(zip(recorder.val_losses, recorder.weights))]
        assert decisions == [False] * (len(decisions) - 1) + [True]
        assert (ours.best_epoch, ours.stopped_epoch) == (stopper.best_epoch, stopper.stopped_epoch)
        for kept, final in zip(ours.best_weights, model.get_weights()):
            np.testing.assert_array_equal(kept, final)


class CountingStopper:
    """Never stops; remembers the weights it saw (to check train_with_early_stopping's bookkeeping)."""

    def __init__(self, restore_best_weights, best_at):
        self.restore_best_weights, self.best_at, self.seen, self.best_weights = restore_best_weights, best_at, [], None

    def on_epoch_end(self, epoch, value, weights=None):
        self.seen.append(np.array(weights, copy=True))
        if epoch == self.best_at and self.restore_best_weights:
            self.best_weights = np.array(weights, copy=True)
        return False


def test_reference_training_loop_is_gradient_descent_on_the_mse(reference):
    """Against scipy's least squares: many steps of train_with_early_stopping converge to the solution."""
    from scipy.linalg import lstsq

    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(30, 4)), rng.normal(size=30)
    eta = 0.4 / np.linalg.eigvalsh(2 * X.T @ X / 30).max()
    stopper = CountingStopper(restore_best_weights=False, best_at=0)
    w, history = reference["train_with_early_stopping"](X, y, X[:5], y[:5], stopper, learning_rate=eta, max_epochs=3000)
    np.testing.assert_allclose(w, lstsq(X, y)[0], rtol=1e-8)
    assert len(history["loss"]) == len(history["val_loss"]) == len(stopper.seen) == 3000
    np.testing.assert_allclose(history["loss"][-1], np.mean((X @ lstsq(X, y)[0] - y) ** 2), rtol=1e-10)
    # With a stopper that restores, the weights kept are the ones it kept, though training never stopped.
    stopper = CountingStopper(restore_best_weights=True, best_at=7)
    w, _ = reference["train_with_early_stopping"](X, y, X[:5], y[:5], stopper, learning_rate=eta, max_epochs=20)
    np.testing.assert_array_equal(w, stopper.seen[7])


@pytest.mark.parametrize("seed", range(6))
def test_early_stopping_is_close_to_ridge_with_lambda_one_over_two_eta_t(seed):
    from sklearn.linear_model import Ridge

    rng = np.random.default_rng(seed)
    n, p = 40, 10
    X = rng.normal(size=(n, p)) * np.logspace(0, -2, p)
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    eta = 0.5 / (2 * np.linalg.eigvalsh(X.T @ X / n).max())

    def ridge(lam):  # scikit-learn minimizes ||y - Xw||^2 + alpha ||w||^2, i.e. n times MSE + lam ||w||^2
        return Ridge(alpha=n * lam, fit_intercept=False).fit(X, y).coef_

    w = np.zeros(p)
    for t in range(1, 1001):
        w = w - eta * 2 / n * X.T @ (X @ w - y)
        if t in (10, 100, 1000):
            lam = 1 / (2 * eta * t)
            gap = {factor: np.linalg.norm(w - ridge(lam * factor)) / np.linalg.norm(w) for factor in (0.1, 1, 10)}
            assert gap[1] < 0.25, (t, gap)
            assert gap[1] < min(gap[0.1], gap[10]), (t, gap)
