"""Other correct solutions (full marks) and plausible mistakes (lose exactly their points) for chapter 4.

Most mistakes are one-line edits of a plain solution, written as `_edit(base, old, new)` so
that the line that differs is visible; `_edit` fails loudly if `old` is not in `base`.
"""


def _edit(base: str, old: str, new: str) -> str:
    assert base.count(old) == 1, f"variant edit does not apply: {old!r}"
    return base.replace(old, new)


# A plain solution of task 1, written the way a student might (not the notebook's own).
_STOPPER = '''
class EarlyStopper:
    def __init__(self, patience=0, min_delta=0.0, mode="min", baseline=None, restore_best_weights=False,
                 start_from_epoch=0):
        self.patience = patience
        self.min_delta = abs(min_delta)
        self.mode = mode
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.best = None
        self.best_epoch = 0
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None

    def better(self, value, reference):
        if reference is None:
            return True
        if self.mode == "min":
            return value < reference - self.min_delta
        return value > reference + self.min_delta

    def on_epoch_end(self, epoch, value, weights=None):
        if epoch < self.start_from_epoch:
            return False
        self.wait += 1
        if self.better(value, self.best):
            self.best = value
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = copy.deepcopy(weights)
            if self.baseline is None or self.better(value, self.baseline):
                self.wait = 0
            return False
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            return True
        return False
'''

# A plain solution of task 2.
_TRAIN = '''
def train_with_early_stopping(X_train, y_train, X_val, y_val, stopper, learning_rate=0.01, max_epochs=1000):
    n = X_train.shape[0]
    w = np.zeros(X_train.shape[1])
    history = {"loss": [], "val_loss": []}
    for epoch in range(max_epochs):
        gradient = 2 / n * X_train.T @ (X_train @ w - y_train)
        w = w - learning_rate * gradient
        history["loss"].append(float(np.mean((X_train @ w - y_train) ** 2)))
        history["val_loss"].append(float(np.mean((X_val @ w - y_val) ** 2)))
        if stopper.on_epoch_end(epoch, history["val_loss"][-1], w):
            break
    if stopper.restore_best_weights and stopper.best_weights is not None:
        return stopper.best_weights, history
    return w, history
'''

CORRECT = {
    "stopper_plain": {"EarlyStopper": _STOPPER},
    # One direction only: in mode "max" compare the negated values (and keep `best` as given).
    "stopper_sign_flip_numpy": {"EarlyStopper": '''
import operator


class EarlyStopper:
    def __init__(self, patience=0, min_delta=0.0, mode="min", baseline=None, restore_best_weights=False,
                 start_from_epoch=0):
        assert mode in ("min", "max")
        self.sign = 1.0 if mode == "min" else -1.0
        self.delta = np.abs(min_delta)
        self.patience, self.baseline, self.start_from_epoch = patience, baseline, start_from_epoch
        self.restore_best_weights = restore_best_weights
        self.best, self.best_epoch, self.wait, self.stopped_epoch, self.best_weights = None, 0, 0, 0, None

    def _beats(self, value, reference):
        return reference is None or operator.lt(self.sign * value + self.delta, self.sign * reference)

    def on_epoch_end(self, epoch, value, weights=None):
        stop = False
        if epoch >= self.start_from_epoch:
            self.wait = self.wait + 1
            if self._beats(value, self.best):
                self.best, self.best_epoch = value, epoch
                if self.restore_best_weights:
                    if isinstance(weights, (list, tuple)):
                        self.best_weights = [np.array(w, copy=True) for w in weights]
                    else:
                        self.best_weights = None if weights is None else np.array(weights, copy=True)
                self.wait = 0 if self.baseline is None or self._beats(value, self.baseline) else self.wait
            elif self.wait >= self.patience and epoch > 0:
                self.stopped_epoch, stop = epoch, True
        return np.bool_(stop)
'''},
    # Comparisons in float32, as TensorFlow does them inside Keras; best kept as a float32.
    "stopper_float32": {"EarlyStopper": _edit(_edit(
        _STOPPER,
        "            return value < reference - self.min_delta\n        return value > reference + self.min_delta",
        "            return np.float32(value) + np.float32(self.min_delta) < np.float32(reference)\n"
        "        return np.float32(value) - np.float32(self.min_delta) > np.float32(reference)"),
        "            self.best = value\n", "            self.best = np.float32(value)\n")},
    "train_float32_loop": {"train_with_early_stopping": '''
def train_with_early_stopping(X_train, y_train, X_val, y_val, stopper, learning_rate=0.01, max_epochs=1000):
    X_train, y_train = np.float32(X_train), np.float32(y_train)
    X_val, y_val = np.float32(X_val), np.float32(y_val)
    n, p = X_train.shape
    w = np.zeros(p, dtype=np.float32)
    history = {"loss": [], "val_loss": []}
    epoch = 0
    while epoch < max_epochs:
        gradient = np.zeros(p, dtype=np.float32)
        for i in range(n):
            gradient += 2 * (X_train[i] @ w - y_train[i]) * X_train[i]
        w -= learning_rate * gradient / n          # in place: the stopper keeps its own copy
        train_residual, val_residual = X_train @ w - y_train, X_val @ w - y_val
        history["loss"].append(float(train_residual @ train_residual / n))
        history["val_loss"].append(float(val_residual @ val_residual / len(y_val)))
        stop = stopper.on_epoch_end(epoch, history["val_loss"][-1], w)
        epoch += 1
        if stop:
            break
    kept = stopper.best_weights if stopper.restore_best_weights and stopper.best_weights is not None else w
    return np.array(kept), history
'''},
    "train_plain": {"train_with_early_stopping": _TRAIN},
    "callbacks_default_monitor": {"make_callbacks": '''
def make_callbacks(patience, min_delta=0.0):
    return [keras.callbacks.EarlyStopping(patience=patience, min_delta=min_delta, restore_best_weights=True, mode="min")]
'''},
    # A callback of one's own around task 1's class, restoring in on_train_end as Keras does.
    "callbacks_own_class": {"make_callbacks": '''
class StopWithMyStopper(keras.callbacks.Callback):
    def __init__(self, patience, min_delta):
        super().__init__()
        self.patience, self.min_delta = patience, min_delta

    def on_train_begin(self, logs=None):
        self.stopper = EarlyStopper(patience=self.patience, min_delta=self.min_delta, restore_best_weights=True)

    def on_epoch_end(self, epoch, logs=None):
        if self.stopper.on_epoch_end(epoch, logs["val_loss"], self.model.get_weights()):
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        self.model.set_weights(self.stopper.best_weights)


def make_callbacks(patience, min_delta=0.0):
    return [StopWithMyStopper(patience, min_delta)]
'''},
}

MISTAKES = {
    # Task 1.
    "stop_when_wait_exceeds_patience": (
        {"EarlyStopper": _edit(_STOPPER, "self.wait >= self.patience", "self.wait > self.patience")},
        {"test_EarlyStopper"}, "expected [False, False, False, True]"),
    "reset_wait_even_below_baseline": (
        {"EarlyStopper": _edit(_STOPPER, "if self.baseline is None or self.better(value, self.baseline):",
                               "if True:")},
        {"test_EarlyStopper"}, "EarlyStopper(patience=2, mode='max', baseline=0.9)"),
    "tie_at_min_delta_counts": (
        {"EarlyStopper": _edit(_STOPPER, "return value < reference - self.min_delta",
                               "return value <= reference - self.min_delta")},
        {"test_EarlyStopper"}, "only exactly min_delta better"),
    "min_delta_with_wrong_sign_in_max_mode": (
        {"EarlyStopper": _edit(_STOPPER, "return value > reference + self.min_delta",
                               "return value + self.min_delta > reference")},
        {"test_EarlyStopper"}, "keras.callbacks.EarlyStopping"),
    "negative_min_delta_taken_as_is": (
        {"EarlyStopper": _edit(_STOPPER, "self.min_delta = abs(min_delta)", "self.min_delta = min_delta")},
        {"test_EarlyStopper"}, "min_delta=-"),
    # best starts at the baseline (no "first value always improves") and nothing guards epoch 0.
    "stops_at_epoch_0": (
        {"EarlyStopper": _edit(_edit(_edit(
            _STOPPER,
            "        self.best = None\n", "        self.best = baseline\n"),
            "if self.baseline is None or self.better(value, self.baseline):", "if True:"),
            "if self.wait >= self.patience and epoch > 0:", "if self.wait >= self.patience:")},
        {"test_EarlyStopper"}, "expected [False, False, False, True]"),
    "stop_checked_before_improvement": (
        {"EarlyStopper": _edit(_edit(
            _STOPPER,
            "        self.wait += 1\n",
            "        self.wait += 1\n"
            "        if self.wait > self.patience:\n"
            "            self.stopped_epoch = epoch\n"
            "            return True\n"),
            "if self.wait >= self.patience and epoch > 0:", "if False:")},
        {"test_EarlyStopper"}, "decisions"),
    "warm_up_not_skipped": (
        {"EarlyStopper": _edit(_STOPPER, "        if epoch < self.start_from_epoch:\n            return False\n", "")},
        {"test_EarlyStopper"}, "EarlyStopper(start_from_epoch=3)"),
    "warm_up_one_epoch_too_long": (
        {"EarlyStopper": _edit(_STOPPER, "if epoch < self.start_from_epoch:", "if epoch <= self.start_from_epoch:")},
        {"test_EarlyStopper"}, "the first value always improves"),
    "best_weights_not_copied": (
        {"EarlyStopper": _edit(_STOPPER, "self.best_weights = copy.deepcopy(weights)", "self.best_weights = weights")},
        {"test_EarlyStopper"}, "keep a copy"),
    "best_weights_kept_without_restore": (
        {"EarlyStopper": _edit(_STOPPER, "            if self.restore_best_weights:\n                self.best_weights",
                               "            if True:\n                self.best_weights")},
        {"test_EarlyStopper"}, "keep weights only when restore_best_weights is true"),
    "wait_only_grows_without_improvement": (
        {"EarlyStopper": _edit(_edit(
            _STOPPER, "        self.wait += 1\n        if self.better", "        if self.better"),
            "        if self.wait >= self.patience and epoch > 0:",
            "        self.wait += 1\n        if self.wait >= self.patience and epoch > 0:")},
        {"test_EarlyStopper"}, "EarlyStopper(patience=2, mode='max', baseline=0.9)"),
    "stops_while_improving_below_baseline": (
        {"EarlyStopper": _edit(_STOPPER, "                self.wait = 0\n            return False\n",
                               "                self.wait = 0\n                return False\n")},
        {"test_EarlyStopper"}, "EarlyStopper(patience=2, mode='max', baseline=0.9)"),
    "baseline_without_min_delta": (
        {"EarlyStopper": _edit(_STOPPER, "if self.baseline is None or self.better(value, self.baseline):",
                               "if self.baseline is None or (value < self.baseline if self.mode == 'min' "
                               "else value > self.baseline):")},
        {"test_EarlyStopper"}, "keras.callbacks.EarlyStopping has wait"),
    "baseline_zero_treated_as_none": (
        {"EarlyStopper": _edit(_STOPPER, "if self.baseline is None or", "if not self.baseline or")},
        {"test_EarlyStopper"}, "baseline=0.0"),
    "own_epoch_counter": (
        {"EarlyStopper": _edit(_edit(
            _STOPPER, "        self.best_weights = None\n", "        self.best_weights = None\n        self.epochs_seen = 0\n"),
            "    def on_epoch_end(self, epoch, value, weights=None):\n",
            "    def on_epoch_end(self, epoch, value, weights=None):\n"
            "        epoch = self.epochs_seen\n        self.epochs_seen += 1\n")},
        {"test_EarlyStopper"}, "at epochs 4…"),
    "returns_none_instead_of_false": (
        {"EarlyStopper": _edit(_STOPPER, "            return True\n        return False\n", "            return True\n")},
        {"test_EarlyStopper"}, "it must return True or False"),
    # Task 2.
    "train_returns_last_weights": (
        {"train_with_early_stopping": _edit(
            _TRAIN, "    if stopper.restore_best_weights and stopper.best_weights is not None:\n"
                    "        return stopper.best_weights, history\n", "")},
        {"test_train_with_early_stopping"}, "the weights kept"),
    "train_restores_only_after_a_stop": (
        {"train_with_early_stopping": _edit(_edit(
            _TRAIN, "            break\n", "            return stopper.best_weights if stopper.restore_best_weights else w, history\n"),
            "    if stopper.restore_best_weights and stopper.best_weights is not None:\n"
            "        return stopper.best_weights, history\n", "")},
        {"test_train_with_early_stopping"}, "even when training did not stop early"),
    "train_records_losses_before_the_step": (
        {"train_with_early_stopping": _edit(_edit(
            _TRAIN, "        w = w - learning_rate * gradient\n", ""),
            "        if stopper.on_epoch_end(epoch, history[\"val_loss\"][-1], w):",
            "        w = w - learning_rate * gradient\n"
            "        if stopper.on_epoch_end(epoch, history[\"val_loss\"][-1], w):")},
        {"test_train_with_early_stopping"}, "history['loss'][0]"),
    "train_gradient_without_factor_2": (
        {"train_with_early_stopping": _edit(_TRAIN, "gradient = 2 / n * X_train.T", "gradient = 1 / n * X_train.T")},
        {"test_train_with_early_stopping"}, "the weights passed to on_epoch_end at epoch 0"),
    "train_monitors_training_loss": (
        {"train_with_early_stopping": _edit(_TRAIN, 'stopper.on_epoch_end(epoch, history["val_loss"][-1], w)',
                                            'stopper.on_epoch_end(epoch, history["loss"][-1], w)')},
        {"test_train_with_early_stopping"}, "should be history['val_loss']"),
    "train_one_epoch_too_many": (
        {"train_with_early_stopping": _edit(_edit(
            _TRAIN, "    for epoch in range(max_epochs):\n", "    stop = False\n    for epoch in range(max_epochs):\n"),
            "        if stopper.on_epoch_end(epoch, history[\"val_loss\"][-1], w):\n            break\n",
            "        if stop:\n            break\n"
            "        stop = stopper.on_epoch_end(epoch, history[\"val_loss\"][-1], w)\n")},
        {"test_train_with_early_stopping"}, "expected 5 of each"),
    # Task 3.
    "callbacks_monitor_training_loss": (
        {"make_callbacks": '''
def make_callbacks(patience, min_delta=0.0):
    return [keras.callbacks.EarlyStopping(monitor="loss", patience=patience, min_delta=min_delta,
                                          restore_best_weights=True)]
'''}, {"test_make_callbacks"}, "which quantity do your callbacks monitor?"),
    "callbacks_without_restore": (
        {"make_callbacks": '''
def make_callbacks(patience, min_delta=0.0):
    return [keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, min_delta=min_delta)]
'''}, {"test_make_callbacks"}, "restore its weights"),
    "callbacks_ignore_min_delta": (
        {"make_callbacks": '''
def make_callbacks(patience, min_delta=0.0):
    return [keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)]
'''}, {"test_make_callbacks"}, "improvements must be larger than min_delta"),
    "callbacks_return_a_single_callback": (
        {"make_callbacks": '''
def make_callbacks(patience, min_delta=0.0):
    return keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, min_delta=min_delta,
                                         restore_best_weights=True)
'''}, {"test_make_callbacks"}, "expected a list of keras.callbacks objects"),
    "callbacks_restore_lowest_loss_ignoring_min_delta": (
        {"make_callbacks": '''
class KeepLowest(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.lowest, self.weights = float("inf"), None

    def on_epoch_end(self, epoch, logs=None):
        if logs["val_loss"] < self.lowest:
            self.lowest, self.weights = logs["val_loss"], self.model.get_weights()

    def on_train_end(self, logs=None):
        self.model.set_weights(self.weights)


def make_callbacks(patience, min_delta=0.0):
    return [keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, min_delta=min_delta), KeepLowest()]
'''}, {"test_make_callbacks"}, "expected that of the best epoch"),
}

# The misconception behind a mistake: (title, what to understand, book page, heading there).
# The grader names it when a student's failure matches the mistake's (autograder/diagnoses.py).
MISCONCEPTIONS = {
}
