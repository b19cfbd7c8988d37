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
    # Task 1.
    "stop_when_wait_exceeds_patience": (
        "stopping when wait exceeds the patience instead of when it reaches it",
        "Keras stops at an epoch without improvement as soon as wait >= patience, and wait counts that epoch too: "
        "with patience=2, training stops at the second epoch in a row that does not improve, not the third.",
        "book/04_early_stopping/early_stopping", "Keras's rules, exactly"),
    "reset_wait_even_below_baseline": (
        "wait reset by every improvement, even below the baseline",
        "With a baseline, an improving epoch resets wait only if it also beats the baseline; until then wait keeps "
        "counting, one per epoch, and once it has reached patience the first epoch that fails to improve stops training.",
        "book/04_early_stopping/early_stopping", "`baseline`: a value to beat first"),
    "tie_at_min_delta_counts": (
        "a change of exactly min_delta counted as an improvement",
        "A value improves only if it beats the best by more than min_delta, strictly: current + abs(min_delta) < best "
        "in mode \"min\". A change of exactly min_delta is not an improvement and does not reset wait.",
        "book/04_early_stopping/early_stopping", "`min_delta`: what counts as an improvement"),
    "min_delta_with_wrong_sign_in_max_mode": (
        "min_delta applied in the wrong direction in mode \"max\"",
        "min_delta makes an improvement harder in both modes: in mode \"max\" a value improves when "
        "current - abs(min_delta) > best. Adding min_delta to the value instead lets values slightly below the best "
        "count as improvements.",
        "book/04_early_stopping/early_stopping", "`min_delta`: what counts as an improvement"),
    "negative_min_delta_taken_as_is": (
        "a negative min_delta used with its sign",
        "Keras uses abs(min_delta), in the direction of the mode: min_delta=-0.1 means the same as 0.1. Used with its "
        "sign, a negative min_delta lets values slightly worse than the best count as improvements.",
        "book/04_early_stopping/early_stopping", "`min_delta`: what counts as an improvement"),
    "stops_at_epoch_0": (
        "the baseline taken as the starting best value",
        "best starts as None, so the first monitored value always improves and becomes best; the baseline only decides "
        "whether an improving epoch resets wait. Starting best at the baseline, values below it never improve.",
        "book/04_early_stopping/early_stopping", "Keras's rules, exactly"),
    "stop_checked_before_improvement": (
        "the stop decided before checking for an improvement",
        "Keras first checks whether the epoch's value improves, and an improving epoch never stops training; only an "
        "epoch without improvement stops it, as soon as wait >= patience (wait counting that epoch).",
        "book/04_early_stopping/early_stopping", "Keras's rules, exactly"),
    "warm_up_not_skipped": (
        "the warm-up epochs monitored",
        "Epochs with epoch < start_from_epoch are ignored completely: they change neither best, best_epoch nor wait, "
        "so they can neither stop training nor be the best epoch.",
        "book/04_early_stopping/early_stopping", "`start_from_epoch`: a warm-up"),
    "warm_up_one_epoch_too_long": (
        "the warm-up one epoch too long",
        "Only epochs with epoch < start_from_epoch are ignored: epoch start_from_epoch itself is the first one "
        "monitored (with the default 0, epoch 0 is, and its value always improves).",
        "book/04_early_stopping/early_stopping", "`start_from_epoch`: a warm-up"),
    "best_weights_not_copied": (
        "the best weights kept by reference instead of copied",
        "When the value improves, keep a copy of the weights (copy.deepcopy): a training loop that updates its arrays "
        "in place would otherwise change the kept weights too, and the best weights would be the last ones.",
        "book/04_early_stopping/early_stopping", "`restore_best_weights`: keep the best, not the last"),
    "wait_only_grows_without_improvement": (
        "wait counting only the epochs without improvement",
        "wait grows by 1 at every monitored epoch and only an improvement that also beats the baseline resets it: "
        "below the baseline, improving epochs count too, so wait reaches patience after patience epochs.",
        "book/04_early_stopping/early_stopping", "`baseline`: a value to beat first"),
    "stops_while_improving_below_baseline": (
        "an improving epoch allowed to stop training below the baseline",
        "An epoch that improves on best never stops training, even when it does not beat the baseline (it then just "
        "does not reset wait): while the monitored value keeps improving, training goes on.",
        "book/04_early_stopping/early_stopping", "`baseline`: a value to beat first"),
    "baseline_without_min_delta": (
        "the baseline compared without min_delta",
        "Beating the baseline follows the same rule as beating best, with the same abs(min_delta): "
        "current + abs(min_delta) < baseline in mode \"min\", current - abs(min_delta) > baseline in mode \"max\".",
        "book/04_early_stopping/early_stopping", "Keras's rules, exactly"),
    # Task 2.
    "train_returns_last_weights": (
        "the last weights kept instead of the best",
        "When the stopper restores, the weights to keep are stopper.best_weights, those of the best epoch: the last "
        "weights are patience epochs past it, where the validation loss is already worse.",
        "book/04_early_stopping/early_stopping", "`restore_best_weights`: keep the best, not the last"),
    "train_restores_only_after_a_stop": (
        "the best weights restored only when training stopped early",
        "Keras restores the best weights at the end of training whether or not it stopped early: when the epoch budget "
        "runs out first, the best epoch can still lie before the last one.",
        "book/04_early_stopping/early_stopping", "`restore_best_weights`: keep the best, not the last"),
    "train_records_losses_before_the_step": (
        "the losses of the weights before the epoch's step",
        "An epoch's losses are those of the weights after its gradient step, the weights passed to on_epoch_end with "
        "the validation loss: otherwise the best value and the best weights belong to different epochs.",
        "book/04_early_stopping/early_stopping", "Keras's rules, exactly"),
    "train_gradient_without_factor_2": (
        "the gradient of the mean squared error without its factor 2",
        "The gradient of L(w) = (1/n)||Xw - y||^2 is (2/n) X^T (Xw - y): the square brings down a factor 2. Without it "
        "every step is half as long, and t steps match the penalty λ = 1/(ηt) instead of 1/(2ηt).",
        "book/04_early_stopping/early_stopping_as_l2", "A linear model that can overfit"),
    "train_monitors_training_loss": (
        "the training loss monitored instead of the validation loss",
        "Early stopping watches a loss on held-out data: the training loss keeps going down while the model overfits, "
        "so it cannot tell when to stop. Pass the validation loss to on_epoch_end.",
        "book/04_early_stopping/early_stopping", "When does overfitting start?"),
    "train_one_epoch_too_many": (
        "one more epoch trained after the stopper said stop",
        "When on_epoch_end returns True after epoch e, training ends there, as Keras's model.stop_training ends fit "
        "before the next epoch: epoch e is the last one, and the history has e + 1 entries.",
        "book/04_early_stopping/early_stopping", "Keras's rules, exactly"),
    # Task 3.
    "callbacks_monitor_training_loss": (
        "the callbacks set to monitor the training loss",
        "Early stopping watches a loss on held-out data, monitor=\"val_loss\": the training loss keeps going down "
        "while the network overfits, so training on it runs the whole epoch budget.",
        "book/04_early_stopping/early_stopping", "When does overfitting start?"),
    "callbacks_without_restore": (
        "the weights of the last epoch kept instead of the best",
        "By default EarlyStopping leaves the model with the weights of its last epoch, patience epochs past the best "
        "one; restore_best_weights=True puts the best epoch's weights back when training ends.",
        "book/04_early_stopping/early_stopping", "`restore_best_weights`: keep the best, not the last"),
    "callbacks_restore_lowest_loss_ignoring_min_delta": (
        "the lowest validation loss taken as the best epoch despite min_delta",
        "With min_delta, the best epoch is the last one that improved on the best by more than min_delta, and that is "
        "the one EarlyStopping(restore_best_weights=True) restores: a later, slightly lower loss is no improvement.",
        "book/04_early_stopping/early_stopping", "`min_delta`: what counts as an improvement"),
}
