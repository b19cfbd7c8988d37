"""Grading variants of ch03_dropout: other correct solutions (full marks) and plausible mistakes.

Format: see CONTRIBUTING.md. CORRECT maps a name to replaced solution cells; MISTAKES maps a
name to (replaced cells, the exact set of graded test cells that must fail, a fragment of
the message the student sees).
"""

# --- task 1 and 2: inverted dropout, forward and backward ------------------------------------

_BINOMIAL_TUPLE_CACHE = {
    "dropout_forward": '''
def dropout_forward(x, rate, training, rng):
    if rate < 0 or rate >= 1:
        raise ValueError("the dropout rate must be at least 0 and below 1")
    if training:
        keep_prob = 1.0 - rate
        mask = rng.binomial(1, keep_prob, size=x.shape)
        return x * mask / keep_prob, (mask, keep_prob)
    return x.copy(), (np.ones_like(x), 1.0)
''',
    "dropout_backward": '''
def dropout_backward(dout, cache):
    mask, keep_prob = cache
    return dout * mask / keep_prob
''',
}

_UNIFORM_FLOAT32 = {
    "dropout_forward": '''
def dropout_forward(x, rate, training, rng):
    if not (0.0 <= rate < 1.0):
        raise ValueError(f"bad rate {rate}")
    x = np.asarray(x, dtype=np.float32)
    if not training:
        return x, {"training": False}
    keep = np.float32(1 - rate)
    mask = (rng.uniform(0, 1, size=x.shape).astype(np.float32) >= np.float32(rate)).astype(np.float32)
    return mask * x / keep, {"training": True, "mask": mask, "keep": keep}
''',
    "dropout_backward": '''
def dropout_backward(dout, cache):
    if not cache["training"]:
        return dout
    return (dout * cache["mask"] / cache["keep"]).astype(np.float32)
''',
}

_WHERE_LOOP = {
    "dropout_forward": '''
def dropout_forward(x, rate, training, rng):
    if rate >= 1 or rate < 0:
        raise ValueError("rate should be in [0, 1)")
    scale = np.ones(x.shape)
    if training:
        draws = rng.random(size=x.size).reshape(x.shape)
        for index in np.ndindex(x.shape):
            scale[index] = 0.0 if draws[index] < rate else 1.0 / (1.0 - rate)
    out = np.where(scale > 0, x * scale, 0.0)
    return out, scale
''',
    "dropout_backward": '''
def dropout_backward(dout, cache):
    dx = np.zeros_like(dout, dtype=float)
    for index in np.ndindex(dout.shape):
        dx[index] = dout[index] * cache[index]
    return dx
''',
}

_CHOICE_CLASS_CACHE = {
    "dropout_forward": '''
class _DropoutCache:
    def __init__(self, mask, rate):
        self.mask, self.rate = mask, rate

def dropout_forward(x, rate, training, rng):
    if not 0 <= rate < 1:
        raise ValueError("rate must be in [0, 1)")
    if not training:
        return x, _DropoutCache(None, rate)
    mask = rng.choice([False, True], size=x.shape, p=[rate, 1 - rate])
    return np.where(mask, x / (1 - rate), 0), _DropoutCache(mask, rate)
''',
    "dropout_backward": '''
def dropout_backward(dout, cache):
    if cache.mask is None:
        return dout
    return np.where(cache.mask, dout / (1 - cache.rate), 0)
''',
}

# --- task 3: vanilla dropout -----------------------------------------------------------------

_VANILLA_BINOMIAL = {"vanilla_dropout_forward": '''
def vanilla_dropout_forward(x, rate, training, rng):
    if training:
        mask = rng.binomial(n=1, p=1 - rate, size=np.shape(x))
        return mask * x, mask
    return x * (1 - rate), None
'''}

_VANILLA_FLOAT32_NO_CACHE = {"vanilla_dropout_forward": '''
def vanilla_dropout_forward(x, rate, training, rng):
    x = np.asarray(x, dtype=np.float32)
    keep = np.float32(1.0 - rate)
    if not training:
        return keep * x, None
    return x * (rng.random(x.shape, dtype=np.float32) < keep), None
'''}

# --- task 4: Monte Carlo dropout -------------------------------------------------------------

_MC_TILE = {"mc_dropout_predict": '''
def mc_dropout_predict(model, x, n_samples):
    big = np.tile(x, (n_samples, 1))                        # n_samples copies, one pass
    preds = np.asarray(model(big, training=True)).reshape(n_samples, len(x), -1)
    return preds.mean(axis=0), preds.std(axis=0)
'''}

_MC_REPEAT_DDOF1 = {"mc_dropout_predict": '''
def mc_dropout_predict(model, x, n_samples):
    big = np.repeat(np.asarray(x, dtype=np.float64), n_samples, axis=0)
    preds = np.array(model(big, training=True)).reshape(len(x), n_samples, -1)
    return preds.mean(axis=1), preds.std(axis=1, ddof=1)
'''}

_MC_KERAS_OPS = {"mc_dropout_predict": '''
def mc_dropout_predict(model, x, n_samples):
    preds = keras.ops.stack([model(x, training=True) for _ in range(n_samples)], axis=0)
    mean = keras.ops.mean(preds, axis=0)
    std = keras.ops.sqrt(keras.ops.mean(keras.ops.square(preds - mean), axis=0))
    return keras.ops.convert_to_numpy(mean), keras.ops.convert_to_numpy(std)
'''}

_MC_RUNNING = {"mc_dropout_predict": '''
def mc_dropout_predict(model, x, n_samples):
    total, total_sq = 0.0, 0.0
    for _ in range(n_samples):
        y = model.__call__(x, training=True).numpy().astype(np.float64)
        total, total_sq = total + y, total_sq + y**2
    mean = total / n_samples
    return mean, np.sqrt(np.maximum(total_sq / n_samples - mean**2, 0.0))
'''}

# --- task 5: the Keras model -----------------------------------------------------------------

_KERAS_SEPARATE_ACTIVATION = {"build_dropout_classifier": '''
def build_dropout_classifier(input_dim, n_classes, hidden_units, rate):
    model = keras.Sequential()
    model.add(keras.Input(shape=(input_dim,)))
    for units in hidden_units:
        model.add(keras.layers.Dense(units))
        model.add(keras.layers.Activation("relu"))
        model.add(keras.layers.Dropout(rate))
    model.add(keras.layers.Dense(n_classes))
    model.add(keras.layers.Softmax())
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=["accuracy"])
    return model
'''}

_KERAS_FUNCTIONAL_DROPOUT_BEFORE_RELU = {"build_dropout_classifier": '''
def build_dropout_classifier(input_dim, n_classes, hidden_units, rate):
    inputs = keras.Input(shape=(input_dim,))
    h = inputs
    for units in hidden_units:
        h = keras.layers.Dense(units)(h)
        h = keras.layers.Dropout(rate)(h)      # before the ReLU: the same function, since relu(m z / q) = m relu(z) / q
        h = keras.layers.ReLU()(h)
    outputs = keras.layers.Dense(n_classes, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''}

_KERAS_SUBCLASSED = {"build_dropout_classifier": '''
class DropoutMLP(keras.Model):
    def __init__(self, n_classes, hidden_units, rate):
        super().__init__()
        self.hidden = [keras.layers.Dense(units) for units in hidden_units]
        self.relu = keras.layers.ReLU()
        self.drops = [keras.layers.Dropout(rate, noise_shape=(None, units)) for units in hidden_units]
        self.out = keras.layers.Dense(n_classes, activation=keras.activations.softmax)

    def call(self, x, training=None):
        for dense, drop in zip(self.hidden, self.drops):
            x = drop(self.relu(dense(x)), training=training)
        return self.out(x)


def build_dropout_classifier(input_dim, n_classes, hidden_units, rate):
    model = DropoutMLP(n_classes, hidden_units, rate)
    model(np.zeros((1, input_dim), dtype="float32"))  # built by a call
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model
'''}

CORRECT = {
    "binomial_tuple_cache": _BINOMIAL_TUPLE_CACHE,
    "uniform_float32_dict_cache": _UNIFORM_FLOAT32,
    "where_loop": _WHERE_LOOP,
    "choice_class_cache": _CHOICE_CLASS_CACHE,
    "vanilla_binomial": _VANILLA_BINOMIAL,
    "vanilla_float32_no_cache": _VANILLA_FLOAT32_NO_CACHE,
    "mc_tile": _MC_TILE,
    "mc_repeat_ddof1": _MC_REPEAT_DDOF1,
    "mc_keras_ops": _MC_KERAS_OPS,
    "mc_running_sums": _MC_RUNNING,
    "keras_separate_activation": _KERAS_SEPARATE_ACTIVATION,
    "keras_functional_dropout_before_relu": _KERAS_FUNCTIONAL_DROPOUT_BEFORE_RELU,
    "keras_subclassed_shared_relu_layer": _KERAS_SUBCLASSED,
}


def _forward(body):
    return {"dropout_forward": "def dropout_forward(x, rate, training, rng):\n" + body}


_VALIDATE = '''    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
'''

def _classifier(hidden='keras.layers.Dense(units, activation="relu")', optimizer='"adam"',
                loss='"sparse_categorical_crossentropy"', metrics='["accuracy"]', dropout="keras.layers.Dropout(rate)",
                inputs="keras.Input(shape=(input_dim,))", units="hidden_units"):
    """Our build_dropout_classifier with one setting changed (dropout="": no Dropout layers)."""
    block = ", ".join(layer for layer in (hidden, dropout) if layer)
    return f'''
def build_dropout_classifier(input_dim, n_classes, hidden_units, rate):
    layers = [{inputs}]
    for units in {units}:
        layers += [{block}]
    model = keras.Sequential(layers + [keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer={optimizer}, loss={loss}, metrics={metrics})
    return model
'''


MISTAKES = {
    # Task 1. Each of these keeps the reference dropout_backward, which multiplies by the cache.
    "vanilla_instead_of_inverted": (_forward(_VALIDATE + '''
    if not training:
        return x, None
    mask = (rng.random(x.shape) >= rate).astype(float)
    return x * mask, mask
'''), {"test_dropout_forward"}, "nor x / (1 - rate) = x / 0.7 (kept)"),
    "scale_by_rate": (_forward(_VALIDATE + '''
    if not training:
        return x, None
    scale = (rng.random(x.shape) >= rate) / rate
    return x * scale, scale
'''), {"test_dropout_forward"}, "nor x / (1 - rate) = x / 0.7 (kept)"),
    "keep_probability_is_rate": (_forward(_VALIDATE + '''
    if not training:
        return x, None
    scale = (rng.random(x.shape) < rate) / (1 - rate)
    return x * scale, scale
'''), {"test_dropout_forward"}, "expected about rate = 0.3"),
    "drops_at_inference": (_forward(_VALIDATE + '''
    scale = (rng.random(x.shape) >= rate) / (1 - rate)
    return x * scale, scale
'''), {"test_dropout_forward", "test_dropout_backward"}, "at inference"),
    "global_numpy_random": (_forward(_VALIDATE + '''
    if not training:
        return x, None
    scale = (np.random.random(x.shape) >= rate) / (1 - rate)
    return x * scale, scale
'''), {"test_dropout_forward"}, "not from np.random.* functions"),
    "fixed_seed_inside": (_forward(_VALIDATE + '''
    if not training:
        return x, None
    scale = (np.random.default_rng(0).random(x.shape) >= rate) / (1 - rate)
    return x * scale, scale
'''), {"test_dropout_forward"}, "generators with different seeds gave the same output"),
    "no_rate_check": (_forward('''
    if not training:
        return x, None
    scale = (rng.random(x.shape) >= rate) / (1 - rate)
    return x * scale, scale
'''), {"test_dropout_forward"}, "expected it to raise a ValueError"),
    "rate_checked_only_in_training": (_forward('''
    if not training:
        return x, None
    if not 0 <= rate < 1:
        raise ValueError("bad rate")
    scale = (rng.random(x.shape) >= rate) / (1 - rate)
    return x * scale, scale
'''), {"test_dropout_forward"}, "training=False, rng) returned normally; expected it to raise a ValueError"),
    "modifies_x_in_place": (_forward(_VALIDATE + '''
    if not training:
        return x, None
    scale = (rng.random(x.shape) >= rate) / (1 - rate)
    x *= scale
    return x, scale
'''), {"test_dropout_forward"}, "changed its argument x in place"),
    # Task 2.
    "backward_without_scale": ({"dropout_backward": '''
def dropout_backward(dout, cache):
    if cache is None:
        return dout
    return dout * (cache != 0)
'''}, {"test_dropout_backward"}, "against the numerical gradient of dropout_forward with the same mask"),
    "backward_ignores_mask": ({"dropout_backward": '''
def dropout_backward(dout, cache):
    if cache is None:
        return dout
    return dout * cache.max()
'''}, {"test_dropout_backward"}, "against the numerical gradient of dropout_forward with the same mask"),
    "backward_fails_at_inference": ({"dropout_backward": '''
def dropout_backward(dout, cache):
    return dout * cache
'''}, {"test_dropout_backward"}, "NoneType"),
    # Task 3.
    "vanilla_scaled_by_rate_at_test": ({"vanilla_dropout_forward": '''
def vanilla_dropout_forward(x, rate, training, rng):
    if not training:
        return rate * x, None
    mask = rng.random(x.shape) >= rate
    return x * mask, mask
'''}, {"test_vanilla_dropout_forward"}, "(at inference: (1 - rate) * x)"),
    "vanilla_not_scaled_at_test": ({"vanilla_dropout_forward": '''
def vanilla_dropout_forward(x, rate, training, rng):
    if not training:
        return x, None
    mask = rng.random(x.shape) >= rate
    return x * mask, mask
'''}, {"test_vanilla_dropout_forward"}, "(at inference: (1 - rate) * x)"),
    "vanilla_scaled_in_training": ({"vanilla_dropout_forward": '''
def vanilla_dropout_forward(x, rate, training, rng):
    keep = 1 - rate
    if not training:
        return keep * x, None
    mask = rng.random(x.shape) < keep
    return x * mask / keep, mask
'''}, {"test_vanilla_dropout_forward"}, "nor x (no scaling in training) (kept)"),
    "vanilla_global_numpy_random": ({"vanilla_dropout_forward": '''
def vanilla_dropout_forward(x, rate, training, rng):
    if not training:
        return (1 - rate) * x, None
    mask = np.random.binomial(1, 1 - rate, size=x.shape)
    return x * mask, mask
'''}, {"test_vanilla_dropout_forward"}, "not from np.random.* functions"),
    # Task 4.
    "mc_uses_predict": ({"mc_dropout_predict": '''
def mc_dropout_predict(model, x, n_samples):
    preds = np.stack([model.predict(x, verbose=0) for _ in range(n_samples)])
    return preds.mean(axis=0), preds.std(axis=0)
'''}, {"test_mc_dropout_predict"}, "dropout was off"),
    "mc_training_false": ({"mc_dropout_predict": '''
def mc_dropout_predict(model, x, n_samples):
    preds = np.stack([np.asarray(model(x, training=False)) for _ in range(n_samples)])
    return preds.mean(axis=0), preds.std(axis=0)
'''}, {"test_mc_dropout_predict"}, "call model(x, training=True)"),
    "mc_returns_variance": ({"mc_dropout_predict": '''
def mc_dropout_predict(model, x, n_samples):
    preds = np.stack([np.asarray(model(x, training=True)) for _ in range(n_samples)])
    return preds.mean(axis=0), preds.var(axis=0)
'''}, {"test_mc_dropout_predict"}, "not the variance"),
    "mc_wrong_axis": ({"mc_dropout_predict": '''
def mc_dropout_predict(model, x, n_samples):
    preds = np.stack([np.asarray(model(x, training=True)) for _ in range(n_samples)], axis=1)
    return preds.mean(axis=0), preds.std(axis=0)
'''}, {"test_mc_dropout_predict"}, "expected shape (5, 3)"),
    "mc_one_pass_short": ({"mc_dropout_predict": '''
def mc_dropout_predict(model, x, n_samples):
    preds = np.stack([np.asarray(model(x, training=True)) for _ in range(n_samples - 1)])
    return preds.mean(axis=0), preds.std(axis=0)
'''}, {"test_mc_dropout_predict"}, "fewer than the n_samples = 2 passes"),
    # Task 5.
    "keras_no_dropout": ({"build_dropout_classifier": _classifier(dropout="")},
        {"test_build_dropout_classifier"}, "a Dropout(rate) after each hidden layer"),
    "keras_dropout_on_inputs": ({"build_dropout_classifier": _classifier(
        inputs="keras.Input(shape=(input_dim,)), keras.layers.Dropout(rate)")},
        {"test_build_dropout_classifier"}, "none on the inputs or after the output layer"),
    "keras_rate_hard_coded": ({"build_dropout_classifier": _classifier(dropout="keras.layers.Dropout(0.5)")},
        {"test_build_dropout_classifier"}, "expected ['Dense(8)', 'Dropout(0.3)'"),
    "keras_keep_probability_as_rate": ({"build_dropout_classifier": _classifier(
        dropout="keras.layers.Dropout(1 - rate)")},
        {"test_build_dropout_classifier"}, "Dropout(0.7)"),
    "keras_also_l2": ({"build_dropout_classifier": _classifier(
        hidden='keras.layers.Dense(units, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-3))')},
        {"test_build_dropout_classifier"},
        "the kernel of hidden Dense layer 1 (32 units) is regularized, with L1L2(l1=0, l2=0.001); use dropout only"),
    "keras_activity_regularizer": ({"build_dropout_classifier": _classifier(
        hidden='keras.layers.Dense(units, activation="relu", activity_regularizer=keras.regularizers.L2(1e-3))')},
        {"test_build_dropout_classifier"}, "hidden Dense layer 1 (32 units) has an activity regularizer"),
    "keras_max_norm_constraint": ({"build_dropout_classifier": _classifier(
        hidden='keras.layers.Dense(units, activation="relu", kernel_constraint=keras.constraints.MaxNorm(2.0))')},
        {"test_build_dropout_classifier"}, "a weight constraint"),
    "keras_tanh_hidden_layers": ({"build_dropout_classifier": _classifier(
        hidden='keras.layers.Dense(units, activation="tanh")')}, {"test_build_dropout_classifier"},
        "hidden layers with tanh"),
    "keras_adam_learning_rate_changed": ({"build_dropout_classifier": _classifier(
        optimizer="keras.optimizers.Adam(learning_rate=0.01)")}, {"test_build_dropout_classifier"},
        "learning rate is 0.01; expected 0.001"),
    "keras_rmsprop": ({"build_dropout_classifier": _classifier(optimizer='"rmsprop"')},
                      {"test_build_dropout_classifier"}, "compiled with the RMSprop optimizer"),
    "keras_adam_with_weight_decay": ({"build_dropout_classifier": _classifier(
        optimizer="keras.optimizers.Adam(weight_decay=1e-3)")}, {"test_build_dropout_classifier"},
        "with weight decay 0.001"),
    "keras_adamw": ({"build_dropout_classifier": _classifier(optimizer="keras.optimizers.AdamW()")},
                    {"test_build_dropout_classifier"}, "AdamW optimizer with weight decay"),
    "keras_categorical_crossentropy": ({"build_dropout_classifier": _classifier(loss='"categorical_crossentropy"')},
                                       {"test_build_dropout_classifier"},
                                       "cannot be computed for integer labels of shape (24, 1)"),
    "keras_from_logits_with_softmax": ({"build_dropout_classifier": _classifier(
        loss="keras.losses.SparseCategoricalCrossentropy(from_logits=True)")}, {"test_build_dropout_classifier"},
        "with from_logits=True, though the output layer already applies softmax"),
    "keras_no_metric": ({"build_dropout_classifier": _classifier(metrics="None")}, {"test_build_dropout_classifier"},
                        'reports the metrics []; expected "accuracy"'),
    "keras_adam_clipnorm": ({"build_dropout_classifier": _classifier(optimizer="keras.optimizers.Adam(clipnorm=1.0)")},
                            {"test_build_dropout_classifier"}, "the Adam optimizer has clipnorm=1.0"),
    "keras_same_mask_for_the_batch": ({"build_dropout_classifier": _classifier(
        dropout="keras.layers.Dropout(rate, noise_shape=(1, units))")}, {"test_build_dropout_classifier"},
        "Dropout layer 1 has noise_shape=(1, 32), so it does not drop each unit of each example independently"),
    "keras_gaussian_dropout": ({"build_dropout_classifier": _classifier(dropout="keras.layers.GaussianDropout(rate)")},
                               {"test_build_dropout_classifier"}, "the model has ['GaussianDropout'] layers"),
    "keras_units_reversed": ({"build_dropout_classifier": _classifier(units="reversed(hidden_units)")},
        {"test_build_dropout_classifier"}, "expected ['Dense(8)', 'Dropout(0.3)', 'Dense(16)'"),
}

# The misconception behind a mistake: (title, what to understand, book page, heading there).
# The grader names it when a student's failure matches the mistake's (autograder/diagnoses.py).
_DROPOUT, _KERAS = "book/03_dropout/dropout", "book/03_dropout/dropout_keras"


def _global_rng(which):
    """The misconception of drawing `which` mask from np.random.* (tasks 1 and 3: texts differ, so each is named)."""
    return (f"the {which} mask drawn from NumPy's global generator instead of rng",
            "np.random.* functions draw from one global state that the whole program shares, so the same seed "
            "does not give the same mask. Draw every random number from the generator rng you are given "
            "(rng.random, rng.binomial, ...), the way a Keras layer takes a seed.",
            _DROPOUT, "A NumPy dropout layer")


MISCONCEPTIONS = {
    # Task 1: inverted dropout, forward.
    "vanilla_instead_of_inverted": (
        "inverted dropout without its scaling: kept units not divided by q = 1 - rate",
        "Inverted dropout divides the kept units by the keep probability q = 1 - rate during training, so that "
        "E[r x / q] = x, the output at inference; without it the next layer sees inputs q times smaller in "
        "training than at test time.",
        _DROPOUT, "Vanilla and inverted dropout"),
    "scale_by_rate": (
        "kept units divided by the rate instead of the keep probability",
        "A unit is kept with probability q = 1 - rate, so inverted dropout divides the kept units by q to keep "
        "the expectation: at rate 0.3 by 0.7 (x / 0.7), not by the rate 0.3.",
        _DROPOUT, "Vanilla and inverted dropout"),
    "keep_probability_is_rate": (
        "the rate taken for the probability of keeping a unit",
        "The rate p_drop is the probability of dropping a unit; it is kept with probability q = 1 - rate. Keep "
        "a value when a uniform draw is below 1 - rate (or at least rate), so that about a fraction rate of the "
        "values become 0.",
        _DROPOUT, "Thinned networks"),
    "drops_at_inference": (
        "dropout applied at inference",
        "Dropout is on only in training: at test time every unit is used, and inverted dropout returns x "
        "unchanged (so its gradient is dout). Draw and apply a mask only when training is True.",
        _DROPOUT, "Vanilla and inverted dropout"),
    "global_numpy_random": _global_rng("dropout"),
    "fixed_seed_inside": (
        "a generator with a fixed seed created inside the function: the same mask at every call",
        "Dropout draws a fresh mask at every training step, so that each step trains another thinned network; "
        "a generator created with a fixed seed inside the function drops the same units every time. Draw from "
        "the rng argument.",
        _DROPOUT, "Thinned networks"),
    # Task 2: backward.
    "backward_without_scale": (
        "the gradient of the kept units not scaled by 1/q",
        "In training the output is r * x / q, linear in x, so its gradient is dout * r / q: the kept units pass "
        "dout scaled by the same 1/q = 1/(1 - rate) as in the forward pass, the dropped ones pass 0.",
        _DROPOUT, "A NumPy dropout layer"),
    "backward_ignores_mask": (
        "the gradient passed to the dropped units too",
        "A dropped unit's output is 0 whatever its input, so its gradient is 0: multiply dout by the mask of "
        "the forward pass (kept in the cache), r / q, so that the gradient flows only through the kept units.",
        _DROPOUT, "A NumPy dropout layer"),
    # Task 3: vanilla dropout.
    "vanilla_scaled_by_rate_at_test": (
        "vanilla dropout scaled by the rate at test time",
        "Vanilla dropout multiplies by the keep probability q = 1 - rate at test time, not by the rate: in "
        "training a unit passes x with probability q, so its expected output is q x.",
        _DROPOUT, "Vanilla and inverted dropout"),
    "vanilla_not_scaled_at_test": (
        "vanilla dropout without its test-time factor q = 1 - rate",
        "Vanilla dropout does not scale in training, so a unit's expected output there is q x; at test time it "
        "multiplies by q = 1 - rate, else the next layer sees inputs 1/q times larger than those its weights "
        "were fitted to.",
        _DROPOUT, "Vanilla and inverted dropout"),
    "vanilla_scaled_in_training": (
        "vanilla dropout that also divides by q in training",
        "Vanilla dropout passes the kept units unchanged in training (r * x) and multiplies by q = 1 - rate at "
        "test time; dividing by q in training is inverted dropout's rule, which then needs no test-time factor.",
        _DROPOUT, "Vanilla and inverted dropout"),
    "vanilla_global_numpy_random": _global_rng("vanilla dropout"),
    # Task 4: Monte Carlo dropout (model.predict, mc_uses_predict, fails with the same result: named as this one).
    "mc_training_false": (
        "the Monte Carlo passes run with dropout off",
        "model(x), model(x, training=False) and model.predict(x) run at inference, with dropout off, so every "
        "pass gives the same prediction; call model(x, training=True) so that each pass uses another thinned "
        "network.",
        _KERAS, "Monte Carlo dropout: how sure is the network?"),
    "mc_returns_variance": (
        "the variance of the passes instead of their standard deviation",
        "sigma_MC is the square root of the mean squared deviation of the T predictions from their mean "
        "(np.std over the passes); the variance is its square, in squared units, and much smaller than the "
        "spread for probabilities.",
        _KERAS, "Monte Carlo dropout: how sure is the network?"),
    "mc_wrong_axis": (
        "the mean and standard deviation taken over the wrong axis",
        "Stack the T passes' predictions along a new first axis, shape (T, n, n_outputs), and average over that "
        "axis (axis=0): one mean and one spread per input and output, over the passes, not over the inputs.",
        _KERAS, "Monte Carlo dropout: how sure is the network?"),
    # Task 5: the Keras model.
    "keras_dropout_on_inputs": (
        "dropout before every Dense layer, on the inputs too",
        "Dropout goes after each hidden layer, on its activations; on the inputs it is optional, at a low rate "
        "if at all (0.2 in the dropout paper), and this exercise asks for none there.",
        _KERAS, "Where to put dropout"),
    "keras_keep_probability_as_rate": (
        "the keep probability passed as Keras's dropout rate",
        "keras.layers.Dropout(rate) drops each value with probability rate and keeps it with probability "
        "q = 1 - rate: pass the dropout rate itself, Dropout(rate), not Dropout(1 - rate).",
        _DROPOUT, "The same layer in Keras"),
    "keras_same_mask_for_the_batch": (
        "one dropout mask shared by the whole batch",
        "Dropout draws a fresh mask for every example and every step, not one per batch: keep Keras's default "
        "noise_shape=None, since noise_shape=(1, units) drops the same units of every example in the batch.",
        _DROPOUT, "Thinned networks"),
}
