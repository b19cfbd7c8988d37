"""Checks of the Keras models students build, with messages written for students.

They look at what a model computes and how it is compiled, not at how it is written: a
`Dense(u, activation="relu")` and a `Dense(u)` followed by a `ReLU` layer are the same
network; `"adam"` and `keras.optimizers.Adam()` the same optimizer; a loss given as a
string or as a `keras.losses` object is checked by the values it computes. Sequential,
functional and subclassed models (with nested models expanded) are all read through
`model_layers`. Keras is imported only when a check runs, so importing this module stays fast.

Checks that change weights to probe the model (random batch-normalization statistics,
weights set one at a time to measure their penalties) put every weight back as it was, and
none of them draws from Keras's random generators: a model checked and then trained trains
exactly as an unchecked one.
"""
import contextlib

import numpy as np

from .checks import check_that, failure


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _softmax(z):
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


# what a hidden layer could apply, the right one first
HIDDEN_ACTIVATIONS = {"ReLU": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "sigmoid": _sigmoid,
                      "no activation (linear)": lambda z: z}
OUTPUT_MEANING = {"softmax": "probabilities over the classes that sum to 1",
                  "sigmoid": "a probability between 0 and 1 for each output"}
OUTPUT_ACTIVATIONS = {"softmax": _softmax, "sigmoid": _sigmoid, "no activation (logits)": lambda z: z}


# ---------------------------------------------------------------------------------------
# reading a model
# ---------------------------------------------------------------------------------------

def _as_graph(model):
    """A subclassed model as the functional model of the layers its `call` uses, in the order it
    uses them (the same layer objects); a Sequential or functional model as it is. In grading,
    models are already rebuilt that way; in a student's kernel, a subclassed model lists its
    layers in the order its attributes were set, which need not be the order `call` uses them."""
    if type(model).__name__ in ("Sequential", "Functional"):
        return model
    try:
        from .channel.keras_data import as_functional

        return as_functional(model)
    except Exception:  # noqa: BLE001 - not built, or a call that needs real tensors: its own order
        return model


def model_layers(model) -> list:
    """The model's layers in the order they compute, without input layers, with nested models
    expanded (a subclassed model's in the order its `call` uses them)."""
    import keras

    layers = []
    for layer in _as_graph(model).layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        layers.extend(model_layers(layer) if isinstance(layer, keras.Model) else [layer])
    return layers


def layer_kinds(model) -> list[str]:
    """Class names of the model's layers, in order (nested models expanded)."""
    return [type(layer).__name__ for layer in model_layers(model)]


def _dense_layers(model) -> list:
    import keras

    return [layer for layer in model_layers(model) if isinstance(layer, keras.layers.Dense)]


def _ordinal(index: int, count: int, units: int) -> str:
    """'hidden Dense layer 2 (64 units)' or 'the output Dense layer (1 unit)'."""
    size = f"{units} unit{'s' * (units != 1)}"
    return f"the output Dense layer ({size})" if index == count - 1 else f"hidden Dense layer {index + 1} ({size})"


@contextlib.contextmanager
def restored_weights(model):
    """Put every weight of the model back as it was on leaving the block."""
    saved = [np.array(variable.numpy()) for variable in model.weights]
    try:
        yield
    finally:
        for variable, value in zip(model.weights, saved):
            variable.assign(value)


def _ensure_built(model, input_dim: int) -> None:
    if not model.built or not model.weights:
        model(np.zeros((1, input_dim), dtype=np.float32), training=False)


def _predict(model, x) -> np.ndarray:
    # model(x) rather than predict(): predict() may log to stderr
    return np.asarray(model(np.asarray(x, dtype=np.float32), training=False), dtype=np.float64)


# ---------------------------------------------------------------------------------------
# the network: input, layers, what it computes
# ---------------------------------------------------------------------------------------

def check_input(model, input_dim: int, what: str) -> None:
    """Assert that the model takes vectors of length input_dim (a model not built yet must accept them)."""
    try:
        shape = _as_graph(model).input_shape
    except (AttributeError, ValueError):  # a Sequential model without keras.Input, not built yet
        shape = None
    if shape is not None:
        shape = tuple(shape) if isinstance(shape, (tuple, list)) else shape
        check_that(isinstance(shape, tuple) and len(shape) == 2 and shape[-1] == input_dim,
                   f"{what}: the model's input has shape {shape}; expected vectors of length input_dim = "
                   f"{input_dim}, shape (None, {input_dim}): start the model with keras.Input(shape=(input_dim,))")
    try:
        _ensure_built(model, input_dim)
    except Exception as exc:  # noqa: BLE001 - say what went wrong in the student's terms
        raise failure(f"{what}: the model cannot be called on a batch of vectors of length {input_dim} "
                             f"({type(exc).__name__}: {str(exc)[:200]})") from None


def check_only_layers(model, what: str, allowed: tuple[str, ...], hint: str) -> None:
    """Assert that every layer is of one of the `allowed` Keras classes (by class name)."""
    extra = [kind for kind in layer_kinds(model) if kind not in allowed]
    check_that(not extra, f"{what}: the model has {sorted(set(extra))} layers; {hint}")


def check_units(model, expected: list[int], what: str) -> None:
    """Assert that the model's Dense layers have `expected` units, in order."""
    units = [layer.units for layer in _dense_layers(model)]
    check_that(units == list(expected),
               f"{what}: the Dense layers have {units} units; expected {list(expected)} (the hidden layers in order, "
               "then the output layer)")


def _batchnorm_forward(layer, z):
    z = (z - layer.moving_mean.numpy()) / np.sqrt(layer.moving_variance.numpy() + layer.epsilon)
    if layer.gamma is not None:
        z = z * layer.gamma.numpy()
    if layer.beta is not None:
        z = z + layer.beta.numpy()
    return z


def dense_forward(dense_layers, x, hidden, output, batchnorm_layers=(), hidden_first=False) -> np.ndarray:
    """x through the Dense layers in order, in float64: `hidden` after each one but the last,
    `output` after the last. With `batchnorm_layers` (one per hidden layer, at inference), each
    hidden layer is Dense -> BatchNormalization -> `hidden`, or with `hidden_first`,
    Dense -> `hidden` -> BatchNormalization."""
    h = np.asarray(x, dtype=np.float64)
    for index, layer in enumerate(dense_layers):
        h = h @ np.asarray(layer.kernel.numpy(), dtype=np.float64)
        if getattr(layer, "bias", None) is not None:
            h = h + np.asarray(layer.bias.numpy(), dtype=np.float64)
        if index == len(dense_layers) - 1:
            return output(h)
        if not batchnorm_layers:
            h = hidden(h)
        elif hidden_first:
            h = _batchnorm_forward(batchnorm_layers[index], hidden(h))
        else:
            h = hidden(_batchnorm_forward(batchnorm_layers[index], h))
    return h


def check_relu_network(model, input_dim: int, what: str, output: str = "softmax", batchnorm: bool = False) -> None:
    """Assert that the model's predictions (dropout off) are those of its Dense layers with ReLU
    after each hidden layer and `output` ("softmax" or "sigmoid") after the last one; with
    `batchnorm`, each hidden layer is Dense -> BatchNormalization -> ReLU (with random moving
    statistics, gamma and beta put in for the check, and the model's weights restored after)."""
    import keras

    _ensure_built(model, input_dim)
    dense = _dense_layers(model)
    bns = [layer for layer in model_layers(model) if isinstance(layer, keras.layers.BatchNormalization)]
    if batchnorm:
        check_that(len(bns) == len(dense) - 1,
                   f"{what}: the model has {len(bns)} BatchNormalization layers; expected one per hidden layer, "
                   f"{len(dense) - 1}")
    # inputs of both signs and a large spread: about half the hidden pre-activations are negative
    x = np.random.default_rng(11).normal(0.0, 2.0, size=(64, input_dim))
    final = OUTPUT_ACTIVATIONS[output]
    rng = np.random.default_rng(12)
    with restored_weights(model):
        for layer in bns if batchnorm else ():  # statistics far from the initial ones: the order matters
            size = layer.moving_mean.shape
            layer.moving_mean.assign(rng.normal(0.0, 1.0, size))
            layer.moving_variance.assign(rng.uniform(0.3, 3.0, size))
            if layer.gamma is not None:
                layer.gamma.assign(rng.normal(1.0, 0.5, size))
            if layer.beta is not None:
                layer.beta.assign(rng.normal(0.0, 1.0, size))
        probs = _predict(model, x)

        def computes(hidden, hidden_first=False, last=final):
            expected = dense_forward(dense, x, hidden, last, bns if batchnorm else (), hidden_first)
            return probs.shape == expected.shape and np.allclose(probs, expected, rtol=1e-3, atol=1e-5)

        like = [name for name, hidden in HIDDEN_ACTIVATIONS.items() if computes(hidden)]
        relu_first = batchnorm and computes(HIDDEN_ACTIVATIONS["ReLU"], hidden_first=True)
        other_output = [name for name, last in OUTPUT_ACTIVATIONS.items()
                        if name != output and computes(HIDDEN_ACTIVATIONS["ReLU"], last=last)]
    if like and like[0] == "ReLU":
        return
    if other_output:
        raise failure(f"{what}: the output layer applies {other_output[0]}; expected {output}, which turns the "
                      f"outputs into {OUTPUT_MEANING[output]}")
    if relu_first:
        raise failure(f"{what}: the model applies the ReLU before BatchNormalization; put it after (Dense -> "
                             "BatchNormalization -> ReLU), so that BatchNormalization normalizes the pre-activations")
    pattern = "Dense -> BatchNormalization -> ReLU for each hidden layer" if batchnorm else \
        "its Dense layers with ReLU after each hidden layer"
    if like:
        raise failure(f"{what}: the hidden layers do not compute ReLU: the model's predictions are those of "
                             f"hidden layers with {like[0]}. Give every hidden layer a ReLU activation "
                             "(activation=\"relu\", or an Activation(\"relu\") or ReLU() layer)")
    raise failure(f"{what}: on 64 random inputs, the model's predictions are not those of {pattern} and "
                         f"{output} after the output layer (is another activation, or another layer that changes "
                         "the values, in the model?)")


def check_batchnorm_defaults(model, input_dim: int, what: str) -> None:
    """Assert that every BatchNormalization layer has Keras's default settings, whatever way they
    are written: momentum 0.99, epsilon 1e-3, the last axis, a learned scale (gamma) and shift
    (beta) that start at 1 and 0, moving statistics that start at 0 and 1, no regularizers or
    constraints, no renormalization. Call it on a model that has not been trained yet."""
    import keras

    _ensure_built(model, input_dim)
    bns = [layer for layer in model_layers(model) if isinstance(layer, keras.layers.BatchNormalization)]
    for number, layer in enumerate(bns, 1):
        name = f"{what}: BatchNormalization layer {number}"
        hint = "; use Keras's defaults: keras.layers.BatchNormalization() without arguments"
        for setting, default in (("momentum", 0.99), ("epsilon", 1e-3)):
            value = float(getattr(layer, setting))
            check_that(np.isclose(value, default, rtol=1e-6, atol=0),
                       f"{name} has {setting}={value:g}; expected Keras's default {default:g}{hint}")
        rank = len(layer.moving_mean.shape) + 1  # vectors: (batch, features)
        axes = [layer.axis] if isinstance(layer.axis, int) else list(layer.axis)
        check_that([a % rank for a in axes] == [rank - 1],
                   f"{name} normalizes over axis {layer.axis}; expected Keras's default, the last axis "
                   f"(axis=-1: each feature over the batch){hint}")
        for setting, weight in (("scale", "gamma"), ("center", "beta")):
            check_that(bool(getattr(layer, setting)),
                       f"{name} has {setting}=False: it has no learned {weight}; expected Keras's default "
                       f"{setting}=True{hint}")
        check_that(not getattr(layer, "renorm", False),
                   f"{name} has renorm=True (batch renormalization); expected Keras's default renorm=False{hint}")
        for weight, start in (("gamma", 1.0), ("beta", 0.0), ("moving_mean", 0.0), ("moving_variance", 1.0)):
            values = np.asarray(getattr(layer, weight).numpy(), dtype=np.float64)
            check_that(np.allclose(values, start, rtol=0, atol=1e-7),
                       f"{name}'s {weight} starts at {np.round(values[:4], 4).tolist()}...; expected Keras's default, "
                       f"all {start:g} ({weight}_initializer){hint}")
        for attribute in ("gamma_regularizer", "beta_regularizer", "gamma_constraint", "beta_constraint"):
            check_that(getattr(layer, attribute, None) is None,
                       f"{name} has a {attribute}; expected Keras's default, none{hint}")


# ---------------------------------------------------------------------------------------
# regularization
# ---------------------------------------------------------------------------------------

def _weight_role(layer, variable) -> str:
    for role in ("kernel", "bias", "gamma", "beta"):
        if getattr(layer, role, None) is variable:
            return role
    return variable.name


def _penalty_strengths(model, variable, rng) -> tuple[float, float, bool]:
    """(l1, l2, fits) of the penalty on `variable` alone, all other weights set to 0: fits is
    whether penalty(w) = l1 * sum|w| + l2 * sum w**2 on three random probes. Weights are not restored."""
    for other in model.trainable_weights:
        other.assign(np.zeros(other.shape, dtype=np.float32))
    probes = [rng.normal(0.0, 1.0, variable.shape) * scale for scale in (1.0, 2.0, 0.5)]
    terms, values = [], []
    for probe in probes:
        probe = probe.astype(np.float32)
        variable.assign(probe)
        terms.append([np.abs(probe.astype(np.float64)).sum(), np.square(probe.astype(np.float64)).sum()])
        values.append(float(sum(float(np.asarray(loss)) for loss in model.losses)))
    terms, values = np.array(terms), np.array(values)
    (l1, l2), *_ = np.linalg.lstsq(terms, values, rcond=None)
    scale = max(abs(values).max(), 1e-12)
    l1 = 0.0 if abs(l1 * terms[0, 0]) < 1e-4 * scale else float(l1)
    l2 = 0.0 if abs(l2 * terms[0, 1]) < 1e-4 * scale else float(l2)
    fits = np.allclose(terms @ [l1, l2], values, rtol=1e-4, atol=1e-7)
    return l1, l2, fits


def check_regularization(model, input_dim: int, what: str, kernel_penalties=None, hint: str = "") -> None:
    """Assert how the model is regularized, whatever way the regularizers are written.

    kernel_penalties: one entry per Dense layer, in order: (l1, l2) for a kernel that must carry
    exactly the penalty l1 * sum|W| + l2 * sum W**2 (keras.regularizers.L1L2(l1, l2), L1, L2, or a
    function computing it), or None for a kernel without any; None for no penalty anywhere.
    Every other weight (biases, normalization weights) must carry no penalty; no layer may have
    an activity regularizer or a weight constraint. `hint` ends the messages about weights that
    must not be penalized. Each weight's penalty is measured alone, through model.losses.
    """
    import keras

    _ensure_built(model, input_dim)
    layers = model_layers(model)
    dense = [layer for layer in layers if isinstance(layer, keras.layers.Dense)]
    penalties = list(kernel_penalties) if kernel_penalties is not None else [None] * len(dense)
    hint = hint or "this model has no regularization"
    for layer in layers:
        label = _ordinal(dense.index(layer), len(dense), layer.units) if layer in dense else \
            f"the {type(layer).__name__} layer"
        check_that(getattr(layer, "activity_regularizer", None) is None,
                   f"{what}: {label} has an activity regularizer (a penalty on its outputs); {hint}")
        for attribute in ("kernel_constraint", "bias_constraint", "gamma_constraint", "beta_constraint"):
            check_that(getattr(layer, attribute, None) is None,
                       f"{what}: {label} has a weight constraint ({attribute}, such as MaxNorm), another kind of "
                       f"regularization; {hint}")
    rng = np.random.default_rng(21)
    with restored_weights(model):
        for layer in layers:
            for variable in layer.trainable_weights:
                role = _weight_role(layer, variable)
                if layer in dense:
                    index = dense.index(layer)
                    label = f"the {role} of {_ordinal(index, len(dense), layer.units)}"
                    expected = penalties[index] if role == "kernel" and index < len(penalties) else None
                else:
                    label = f"the {role} of the {type(layer).__name__} layer"
                    expected = None
                l1, l2, fits = _penalty_strengths(model, variable, rng)
                got = f"L1L2(l1={l1:.3g}, l2={l2:.3g})" if fits else "a penalty that is not of the form " \
                    "l1 * sum(|w|) + l2 * sum(w**2)"
                if expected is None:
                    check_that(fits and l1 == 0.0 and l2 == 0.0,
                               f"{what}: {label} is regularized, with {got}; {hint}")
                    continue
                want_l1, want_l2 = expected
                if not (fits and np.isclose(l1, want_l1, rtol=1e-3, atol=1e-9)
                        and np.isclose(l2, want_l2, rtol=1e-3, atol=1e-9)):
                    now = f"is penalized with {got}" if (l1 or l2 or not fits) else "is not regularized"
                    raise failure(f"{what}: {label} {now}; expected the kernel regularizer "
                                         f"keras.regularizers.L1L2(l1={want_l1:g}, l2={want_l2:g})")


# ---------------------------------------------------------------------------------------
# compile settings
# ---------------------------------------------------------------------------------------

ADAM_DEFAULTS = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False, "clipnorm": None,
                 "clipvalue": None, "global_clipnorm": None, "use_ema": False, "gradient_accumulation_steps": None,
                 "loss_scale_factor": None}


def _same(value, default) -> bool:
    if default is None or isinstance(default, bool):
        return value == default
    return isinstance(value, (int, float)) and np.isclose(float(value), default, rtol=1e-6, atol=0)


def check_compiled(model, what: str) -> None:
    """Assert that the model is compiled with an optimizer and a loss, and without loss weights
    (compile's third positional argument is loss_weights, not metrics: a common slip)."""
    check_that(getattr(model, "compiled", False) and getattr(model, "optimizer", None) is not None
               and getattr(model, "loss", None) is not None,
               f"{what}: the model is not compiled (call model.compile(optimizer=..., loss=..., metrics=[...]))")
    weights = (model.get_compile_config() or {}).get("loss_weights")
    flat = weights if isinstance(weights, (list, tuple)) else list(weights.values()) if isinstance(weights, dict) \
        else [weights]
    check_that(weights is None or all(isinstance(w, (int, float)) and w == 1 for w in flat),
               f"{what}: the model is compiled with loss_weights={weights!r}; compile's third positional argument is "
               "loss_weights, not metrics: write model.compile(optimizer=..., loss=..., metrics=[\"accuracy\"])")


def check_adam(model, what: str, learning_rate: float | None = None) -> None:
    """Assert that the model is compiled with Adam, without weight decay, with the given constant
    learning rate (if any) and Keras's defaults for every other setting (beta_1, beta_2, epsilon,
    amsgrad, no gradient clipping, no EMA of the weights, no gradient accumulation)."""
    import keras

    check_that(getattr(model, "optimizer", None) is not None, f"{what}: the model is not compiled (call model.compile)")
    optimizer = getattr(model.optimizer, "inner_optimizer", model.optimizer)  # a mixed-precision wrapper
    decay = getattr(optimizer, "weight_decay", None)
    check_that(isinstance(optimizer, keras.optimizers.Adam) and not decay,
               f"{what}: the model is compiled with the {type(optimizer).__name__} optimizer"
               + (f" with weight decay {decay:g} (a regularization)" if decay else "")
               + "; expected the Adam optimizer: model.compile(optimizer=\"adam\", ...) or keras.optimizers.Adam()")
    if learning_rate is not None:
        schedule = getattr(optimizer, "_learning_rate", None)
        check_that(not isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule),
                   f"{what}: the Adam optimizer's learning rate is a schedule ({type(schedule).__name__}); expected "
                   f"the constant learning rate {learning_rate:g}")
        rate = float(np.asarray(optimizer.learning_rate))
        check_that(np.isclose(rate, learning_rate, rtol=1e-6),
                   f"{what}: the Adam optimizer's learning rate is {rate:g}; expected {learning_rate:g}")
    config = optimizer.get_config()
    for setting, default in ADAM_DEFAULTS.items():
        if setting in config:
            check_that(_same(config[setting], default),
                       f"{what}: the Adam optimizer has {setting}={config[setting]!r}; expected Keras's default "
                       f"{default!r} (give Adam no other argument than the learning rate)")


def _loss_name(loss) -> str:
    if isinstance(loss, str):
        return repr(loss)
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__
    return f"{type(loss).__name__}({name!r})" if not callable(loss) or hasattr(loss, "get_config") else repr(name)


def _log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _loss_cases(kind: str, n_outputs: int, n: int = 24):
    """(y_true, y_pred, expected, {what a wrong value looks like: its value})."""
    rng = np.random.default_rng(31)
    if kind == "sparse_categorical_crossentropy":
        y_pred = rng.dirichlet(np.ones(n_outputs), size=n)
        y_true = rng.integers(0, n_outputs, size=(n, 1))
        picked = np.log(y_pred[np.arange(n), y_true[:, 0]])
        logits = _log_softmax(y_pred)[np.arange(n), y_true[:, 0]]
        expected = -picked.mean()
        wrong = {"with from_logits=True, though the output layer already applies softmax: use from_logits=False "
                 "(the default)": -logits.mean()}
    else:
        y_pred = rng.uniform(0.05, 0.95, size=(n, 1))
        y_true = (rng.uniform(size=(n, 1)) < 0.5).astype(np.float64)
        per_example = -(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))
        expected = per_example.mean()
        s = _sigmoid(y_pred)
        wrong = {"with from_logits=True, though the output layer already applies the sigmoid: use from_logits=False "
                 "(the default)": -(y_true * np.log(s) + (1 - y_true) * np.log(1 - s)).mean()}
    wrong["summed over the batch instead of averaged: use Keras's default reduction, \"sum_over_batch_size\""] = \
        expected * n
    return y_true, y_pred.astype(np.float32), expected, wrong


LOSS_NAMES = {"sparse_categorical_crossentropy": "sparse categorical cross-entropy",
              "binary_crossentropy": "binary cross-entropy"}


def _n_outputs(model) -> int:
    try:
        return int(model.outputs[0].shape[-1])
    except (AttributeError, IndexError, TypeError, ValueError):  # a model not built yet
        return int(_dense_layers(model)[-1].units)


def check_loss(model, what: str, loss: str) -> None:
    """Assert that the compiled loss computes `loss` ("sparse_categorical_crossentropy" on integer
    labels and probabilities, or "binary_crossentropy" on 0/1 labels and probabilities), averaged
    over the batch, whatever way it is given (a string, a keras.losses object)."""
    check_compiled(model, what)
    name = LOSS_NAMES[loss]
    y_true, y_pred, expected, wrong = _loss_cases(loss, _n_outputs(model))
    labels = "integer labels" if loss.startswith("sparse") else "0/1 labels"
    try:
        total = float(np.asarray(model.compute_loss(y=y_true, y_pred=y_pred)))
        value = total - float(sum(float(np.asarray(term)) for term in model.losses))  # without regularization
    except Exception as exc:  # noqa: BLE001 - a loss that cannot take these labels is the wrong loss
        raise failure(f"{what}: the model's loss {_loss_name(model.loss)} cannot be computed for {labels} of "
                             f"shape {y_true.shape} and predicted probabilities of shape {y_pred.shape} "
                             f"({type(exc).__name__}: {str(exc)[:150]}); expected the {name}") from None
    if np.isclose(value, expected, rtol=1e-4, atol=1e-6):
        return
    for hint, wrong_value in wrong.items():
        if np.isclose(value, wrong_value, rtol=1e-4, atol=1e-6):
            raise failure(f"{what}: the model's loss {_loss_name(model.loss)} is the {name}, but {hint}")
    raise failure(f"{what}: on {len(y_true)} {labels} and predicted probabilities, the model's loss "
                         f"{_loss_name(model.loss)} is {value:.6g}; the {name} is {expected:.6g}. Compile with "
                         f"loss=\"{loss}\" (or keras.losses.{''.join(p.title() for p in loss.split('_'))}())")


def check_accuracy_metric(model, what: str, kind: str = "sparse_categorical") -> None:
    """Assert that the model reports a metric named "accuracy" that computes the accuracy of its
    predictions (`kind` "sparse_categorical": argmax against integer labels; "binary": the
    probability thresholded at 0.5 against 0/1 labels)."""
    check_compiled(model, what)
    loss = "sparse_categorical_crossentropy" if kind == "sparse_categorical" else "binary_crossentropy"
    y_true, y_pred, _, _ = _loss_cases(loss, _n_outputs(model))
    if kind == "sparse_categorical":
        expected = float(np.mean(np.argmax(y_pred, axis=1) == y_true[:, 0]))
    else:
        expected = float(np.mean((y_pred > 0.5) == (y_true > 0.5)))
    try:
        results = model.compute_metrics(None, y_true, y_pred, None)
        results = {name: float(np.asarray(value)) for name, value in results.items()}
    except Exception as exc:  # noqa: BLE001 - a metric that cannot take these labels is the wrong metric
        raise failure(f"{what}: the model's metrics cannot be computed for labels of shape {y_true.shape} "
                             f"and predictions of shape {y_pred.shape} ({type(exc).__name__}: {str(exc)[:150]}); "
                             "expected the \"accuracy\" metric") from None
    finally:
        model.reset_metrics()
    names = sorted(name for name in results if name != "loss")
    check_that("accuracy" in results, f"{what}: the model reports the metrics {names}; expected \"accuracy\": compile "
               "with metrics=[\"accuracy\"]")
    check_that(np.isclose(results["accuracy"], expected, rtol=1e-5, atol=1e-6),
               f"{what}: the metric \"accuracy\" gives {results['accuracy']:.4g} on {len(y_true)} predictions whose "
               f"accuracy is {expected:.4g}; compile with metrics=[\"accuracy\"]")
