"""Keras models, callbacks and training histories as data on the grading channel.

A model crosses as its configuration: Keras's own serialization
(`keras.saving.serialize_keras_object`), compile settings included. A model subclassed from
`keras.Model` is first expressed as a functional model of its layers, by calling its `call`
on a symbolic input; that works whenever `call` only uses Keras layers.

The grader rebuilds a model from a configuration only after checking it: every object in
it must be one of Keras's own layers (from LAYERS), initializers, regularizers, constraints,
optimizers, losses, metrics or activations; nothing of the student's (no Lambda layer, no
class or function of their notebook), and at most MAX_PARAMETERS weights. The rebuilt model
gets fresh weights from the grader's random state: what a builder returns is an architecture
and its compile settings, not trained weights.

A model the grader passes to a student's function is shared like an array: the kernel
rebuilds it with its weights, and weights the function changed (recalibrated statistics)
come back, and so does `stop_training`. Keras's own early stopping, learning-rate reduction
and NaN callbacks cross as their settings and run in the grader; any other callback stays
in the kernel: the grader gets a `RemoteCallback` that Keras calls like any other. Histories cross as their `history` dict and
`epoch` list.
"""
from __future__ import annotations

import contextlib
import inspect
import json

import keras
import numpy as np

from .endpoint import GRADER, Endpoint

MAX_PARAMETERS = 2_000_000
MAX_UNITS = 65_536
LAYERS = frozenset("""
    InputLayer Dense EinsumDense Activation ReLU LeakyReLU ELU PReLU Softmax Dropout SpatialDropout1D
    SpatialDropout2D SpatialDropout3D GaussianDropout GaussianNoise AlphaDropout ActivityRegularization
    BatchNormalization LayerNormalization GroupNormalization UnitNormalization Flatten Reshape Permute RepeatVector
    Identity Conv1D Conv2D Conv3D SeparableConv1D SeparableConv2D DepthwiseConv1D DepthwiseConv2D Conv1DTranspose
    Conv2DTranspose MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D AveragePooling3D
    GlobalAveragePooling1D GlobalAveragePooling2D GlobalMaxPooling1D GlobalMaxPooling2D ZeroPadding1D ZeroPadding2D
    Cropping1D Cropping2D UpSampling1D UpSampling2D Add Subtract Multiply Average Maximum Minimum Concatenate Dot
    Rescaling Resizing CenterCrop RandomFlip RandomTranslation RandomRotation RandomZoom RandomContrast
    RandomBrightness RandomCrop Embedding Masking
""".split())
MODELS = {"keras": {"Sequential", "Model", "DTypePolicy", "FloatDTypePolicy"},
          "keras.src.models.functional": {"Functional"}, "keras.src.models.sequential": {"Sequential"},
          "keras.layers": LAYERS}
OTHER_MODULES = ("keras.initializers", "keras.regularizers", "keras.constraints", "keras.optimizers",
                 "keras.optimizers.schedules", "keras.losses", "keras.metrics", "keras.activations")
FUNCTION_MODULES = ("keras.activations", "keras.losses", "keras.metrics")
# Keras's own callbacks that cross as their settings and run in the grader (they write no
# file and call no function); any other callback stays in the kernel (RemoteCallback).
BY_SETTINGS = ("EarlyStopping", "ReduceLROnPlateau", "TerminateOnNaN")
SIZE_KEYS = ("units", "filters", "output_dim", "input_dim", "depth_multiplier")


class RefusedValue(AssertionError):
    """The student's value cannot be rebuilt by the grader; the message says why."""


# ---------------------------------------------------------------------------------------
# encoding
# ---------------------------------------------------------------------------------------

def encode(value, endpoint: Endpoint) -> dict | None:
    """Data for a Keras model, callback or history; None for anything else."""
    if isinstance(value, keras.Model):
        sid = endpoint.shared_id(value)
        if sid is not None:
            return {"$": "model", "id": sid}
        if endpoint.role == GRADER:
            return endpoint.share(value, "model", "model", {"config": describe(value)})
        return {"$": "model", "config": describe(value)}
    if isinstance(value, keras.callbacks.History):
        return {"$": "history", "history": endpoint.encode(dict(value.history)),
                "epoch": endpoint.encode(list(getattr(value, "epoch", [])))}
    if isinstance(value, keras.callbacks.Callback) and endpoint.role != GRADER:
        if type(value) in [getattr(keras.callbacks, name) for name in BY_SETTINGS]:
            params = [p for p in inspect.signature(type(value).__init__).parameters if p not in ("self", "kwargs")]
            return {"$": "callback", "class": type(value).__name__,
                    "settings": {p: endpoint.encode(getattr(value, p)) for p in params if hasattr(value, p)}}
        return {"$": "callback", "id": endpoint.object_id(value), "type": type(value).__name__}
    return None


def describe(model) -> dict:
    """The model's configuration with its compile settings, as plain JSON."""
    if type(model).__name__ not in ("Sequential", "Functional"):
        model_as_layers = as_functional(model)
    else:
        model_as_layers = model
    with _keras_regularizers(model_as_layers):
        config = keras.saving.serialize_keras_object(model_as_layers)
    config["compile_config"] = model.get_compile_config() if model.compiled else None
    return json.loads(json.dumps(config, default=_json_default))


REGULARIZED = {"kernel_regularizer": "kernel", "bias_regularizer": "bias", "activity_regularizer": None}


@contextlib.contextmanager
def _keras_regularizers(model):
    """While the model is serialized, a regularizer written as a plain function is replaced by
    the keras.regularizers.L1L2 that computes the same penalty (found by evaluating the function
    on random weights); a function that computes another penalty cannot cross."""
    replaced = []
    try:
        for layer in _all_layers(model):
            for attribute, weight in REGULARIZED.items():
                function = getattr(layer, attribute, None)
                if function is None or isinstance(function, keras.regularizers.Regularizer):
                    continue
                variable = getattr(layer, weight, None) if weight else None
                shape = tuple(variable.shape) if variable is not None else (8, 5)
                replaced.append((layer, attribute, function))
                setattr(layer, attribute, _as_l1l2(function, shape, f"{layer.name}'s {attribute}"))
        yield
    finally:
        for layer, attribute, function in replaced:
            setattr(layer, attribute, function)


def _all_layers(model):
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _all_layers(layer)


def _as_l1l2(function, shape: tuple, what: str):
    probes = [np.random.default_rng(seed).normal(size=shape) for seed in range(4)]  # float64: exact enough
    terms = np.array([[np.abs(p).sum(), np.square(p).sum()] for p in probes])
    values = np.array([float(keras.ops.convert_to_numpy(function(keras.ops.convert_to_tensor(p)))) for p in probes])
    strengths, *_ = np.linalg.lstsq(terms, values, rcond=None)
    strengths[np.abs(strengths) < 1e-9 * max(np.abs(strengths).max(), 1e-30)] = 0.0
    l1, l2 = (float(v) for v in strengths)
    if l1 < 0 or l2 < 0 or not np.allclose(terms @ strengths, values, rtol=1e-5, atol=1e-12):
        raise ValueError(f"{what} is a function of yours that does not compute l1 * sum(|w|) + l2 * sum(w**2): the "
                         "grader rebuilds models from Keras's own regularizers only (keras.regularizers.L1, L2, L1L2)")
    return keras.regularizers.L1L2(l1=l1, l2=l2)


def _json_default(value):
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    if isinstance(value, (tuple, set)):
        return list(value)
    raise TypeError(f"{type(value).__name__} in the model's configuration")


def as_functional(model):
    """A subclassed model as a functional model of the layers its `call` uses."""
    shape = (model.get_build_config() or {}).get("input_shape") if model.built else None
    if shape is None:
        raise ValueError(f"the grader cannot see the input shape of your {type(model).__name__} model: build it "
                         "(start it with keras.Input, or call it once on an input) before returning it")
    inputs = keras.Input(shape=tuple(shape)[1:])  # any batch size, whatever batch built it
    try:
        outputs = model.call(inputs)
    except Exception as exc:  # noqa: BLE001 - say why the model cannot be described
        raise ValueError(f"the grader rebuilds your model from Keras layers, and your {type(model).__name__}.call "
                         f"does not work on a symbolic Keras input ({type(exc).__name__}: {exc}); use only Keras "
                         "layers in call(), or build the model with keras.Sequential or the functional API") from None
    return keras.Model(inputs, outputs)


# ---------------------------------------------------------------------------------------
# decoding
# ---------------------------------------------------------------------------------------

def decode(data: dict, endpoint: Endpoint):
    tag = data["$"]
    if tag == "model":
        return _decode_model(data, endpoint)
    if tag == "history":
        history = keras.callbacks.History()
        history.history = endpoint.decode(data.get("history"))
        history.epoch = endpoint.decode(data.get("epoch"))
        if not isinstance(history.history, dict) or not isinstance(history.epoch, list):
            raise RefusedValue("a training history that is not one")
        return history
    return _decode_callback(data, endpoint)


def _decode_model(data: dict, endpoint: Endpoint):
    if "config" not in data:
        return endpoint.shared_value(data.get("id"))
    if endpoint.role != GRADER:  # the grader's own model, with its weights, shared from now on
        model = keras.saving.deserialize_keras_object(data["config"], safe_mode=True)
        return endpoint.adopt(model, "model", str(data["id"]), data.get("state"))
    return rebuild(data["config"])


def rebuild(config) -> keras.Model:
    """A model from a configuration the kernel sent, after checking it."""
    check_config(config)
    config = dict(config)
    if isinstance(config.get("compile_config"), dict):  # same results, none of XLA's compile time
        config["compile_config"] = {**config["compile_config"], "jit_compile": False}
    try:
        model = keras.saving.deserialize_keras_object(config, safe_mode=True)
    except Exception as exc:  # noqa: BLE001 - a configuration Keras itself refuses
        raise RefusedValue(f"the grader could not rebuild the model from its configuration "
                           f"({type(exc).__name__}: {str(exc)[:300]})") from None
    if not isinstance(model, keras.Model):
        raise RefusedValue("what was returned as a model is not a Keras model")
    if model.built and model.count_params() > MAX_PARAMETERS:  # an unbuilt model has no weights yet
        raise RefusedValue(f"the model has {model.count_params():,} weights; the grader accepts at most "
                           f"{MAX_PARAMETERS:,} (the exercises need far fewer)")
    return model


def check_config(config, where: str = "the model") -> None:
    """Raise RefusedValue unless every object in the configuration is one of Keras's own."""
    if isinstance(config, list):
        for item in config:
            check_config(item, where)
        return
    if not isinstance(config, dict):
        return
    if "class_name" in config:
        _check_object(config)
        where = str(config.get("class_name"))
    for key, value in config.items():
        if key in SIZE_KEYS and isinstance(value, int) and value > MAX_UNITS:
            raise RefusedValue(f"{where} has {key}={value}; the grader accepts at most {MAX_UNITS}")
        check_config(value, where)


def _check_object(config: dict) -> None:
    module, name, registered = config.get("module"), config.get("class_name"), config.get("registered_name")
    if name == "__keras_tensor__" and module is None:  # an edge of a functional model's graph
        return
    if name == "function":  # Keras's own activations, losses and metrics, saved by name
        what = config.get("config")
        allowed = module in ("builtins", *FUNCTION_MODULES) and isinstance(what, str) and not what.startswith("_") \
            and any(callable(getattr(_public_module(m), what, None)) for m in FUNCTION_MODULES)
    elif module in MODELS:
        allowed, what = name in MODELS[module] and registered in (None, name), name
    elif module in OTHER_MODULES:
        candidate = getattr(_public_module(module), str(name), None)
        allowed = isinstance(candidate, type) and not str(name).startswith("_") and registered in (None, name)
        what = name
    else:
        allowed, what = False, name
    if not allowed:
        raise RefusedValue(
            f"the model uses {str(what)[:80]!r} (from {str(module)[:80]!r}), which is not one of Keras's own layers, "
            "activations, losses or optimizers: the grader rebuilds your model from its configuration and can use "
            "only those (no Lambda layers, no classes or functions of your own)")


def _public_module(name: str):
    module = keras
    for part in name.split(".")[1:]:
        module = getattr(module, part)
    return module


class RemoteCallback(keras.callbacks.Callback):
    """A callback of the student's, which stays in their kernel: Keras calls it here and each
    call goes there with its logs; the model it watches is shared with the kernel (its weights
    and `stop_training`), so the callback can stop training and set weights as in one process."""

    def __init__(self, remote):
        super().__init__()
        self._remote = remote

    def set_model(self, model):
        super().set_model(model)
        self._remote.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        self._remote.set_params(params)

    def on_train_begin(self, logs=None):
        self._remote.on_train_begin(logs)

    def on_train_end(self, logs=None):
        self._remote.on_train_end(logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._remote.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._remote.on_epoch_end(epoch, logs)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._remote, name)

    def __repr__(self):
        return f"<{self._remote._type} callback in the student's kernel>"


def _decode_callback(data: dict, endpoint: Endpoint):
    if "settings" not in data:
        return RemoteCallback(endpoint.proxy(str(data.get("id")), str(data.get("type", "Callback"))))
    name = data.get("class")
    if name not in BY_SETTINGS:
        raise RefusedValue(f"a callback of class {str(name)[:60]!r} described by its settings")
    cls = getattr(keras.callbacks, name)
    params = set(inspect.signature(cls.__init__).parameters) - {"self", "kwargs"}
    settings = {str(k): endpoint.decode(v) for k, v in dict(data["settings"]).items()}
    if not set(settings) <= params or not all(v is None or isinstance(v, (bool, int, float, str))
                                              for v in settings.values()):
        raise RefusedValue(f"a {name} callback with settings the grader does not understand")
    return cls(**settings)
