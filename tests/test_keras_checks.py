"""The Keras model checks (regcourse.keras_checks) pass every way of writing the asked-for
network and explain the networks and optimizers that differ from it."""
import re

import keras
import pytest

from regcourse.keras_checks import check_adam, check_relu_network


def _sequential(*hidden_layers, output="softmax", units=3):
    model = keras.Sequential([keras.Input(shape=(6,)), *hidden_layers, keras.layers.Dense(units, activation=output)])
    model.compile(optimizer="adam", loss="mse")
    return model


def _functional():
    inputs = keras.Input(shape=(6,))
    hidden = keras.layers.ReLU()(keras.layers.Dense(5)(inputs))
    outputs = keras.layers.Softmax()(keras.layers.Dense(3)(keras.layers.Dropout(0.5)(hidden)))
    return keras.Model(inputs, outputs)


RELU_NETWORKS = {
    "dense_relu": lambda: _sequential(keras.layers.Dense(5, activation="relu"), keras.layers.Dense(4, activation="relu")),
    "relu_layer": lambda: _sequential(keras.layers.Dense(5), keras.layers.ReLU()),
    "activation_layer_and_dropout": lambda: _sequential(keras.layers.Dense(5), keras.layers.Activation("relu"),
                                                        keras.layers.Dropout(0.3)),
    "functional": _functional,
    "sigmoid_output": lambda: _sequential(keras.layers.Dense(5, activation="relu"), output="sigmoid", units=1),
}


@pytest.mark.parametrize("name", RELU_NETWORKS)
def test_every_way_of_writing_a_relu_network_passes(name):
    check_relu_network(RELU_NETWORKS[name](), 6, name, output="sigmoid" if "sigmoid" in name else "softmax")


@pytest.mark.parametrize("activation, message", [("tanh", "hidden layers with tanh"),
                                                 ("sigmoid", "hidden layers with sigmoid"),
                                                 (None, "hidden layers with no activation")])
def test_another_hidden_activation_is_named(activation, message):
    model = _sequential(keras.layers.Dense(5, activation=activation))
    with pytest.raises(AssertionError, match=message):
        check_relu_network(model, 6, "build(...)")


@pytest.mark.parametrize("output, expected, message", [
    ("sigmoid", "softmax", "the output layer applies sigmoid; expected softmax, which turns the outputs into "
                           "probabilities over the classes that sum to 1"),
    (None, "softmax", "the output layer applies no activation \\(logits\\); expected softmax"),
    ("softmax", "sigmoid", "the output layer applies softmax; expected sigmoid")])
def test_another_output_activation_is_named(output, expected, message):
    model = _sequential(keras.layers.Dense(5, activation="relu"), output=output)
    with pytest.raises(AssertionError, match=message):
        check_relu_network(model, 6, "build(...)", output=expected)


def test_a_layer_that_changes_the_values_is_reported():
    model = _sequential(keras.layers.Dense(5, activation="relu"), keras.layers.Rescaling(2.0))
    with pytest.raises(AssertionError, match="another layer that changes the values"):
        check_relu_network(model, 6, "build(...)")


@pytest.mark.parametrize("optimizer", ["adam", keras.optimizers.Adam(learning_rate=0.001)])
def test_adam_with_its_default_learning_rate_passes(optimizer):
    model = _sequential()
    model.compile(optimizer=optimizer, loss="mse")
    check_adam(model, "build(...)", learning_rate=0.001)


@pytest.mark.parametrize("optimizer, message", [
    ("rmsprop", "compiled with the RMSprop optimizer"),
    (keras.optimizers.AdamW(), "AdamW optimizer with weight decay 0.004"),
    (keras.optimizers.Adam(weight_decay=0.01), "with weight decay 0.01"),
    (keras.optimizers.Adam(learning_rate=0.01), "learning rate is 0.01; expected 0.001"),
])
def test_other_optimizers_are_named(optimizer, message):
    model = _sequential()
    model.compile(optimizer=optimizer, loss="mse")
    with pytest.raises(AssertionError, match=message):
        check_adam(model, "build(...)", learning_rate=0.001)


# ---- the checks added for the builder tasks' stated settings ---------------------------------
# Models go through the grading channel's rebuild, as in grading: what the checks see there is a
# Sequential or functional model of Keras's own layers with fresh weights.
from regcourse.channel.keras_data import describe, rebuild  # noqa: E402
from regcourse.keras_checks import (check_accuracy_metric, check_batchnorm_defaults, check_input,  # noqa: E402
                                    check_loss, check_only_layers, check_regularization, check_units,
                                    layer_kinds)


def _graded(model):
    return rebuild(describe(model))


def _mlp(hidden=(5, 4), n_classes=3, input_dim=6, loss="sparse_categorical_crossentropy", metrics=("accuracy",),
         optimizer="adam", output="softmax", **dense_kwargs):
    model = keras.Sequential([keras.Input(shape=(input_dim,))]
                             + [keras.layers.Dense(u, activation="relu", **dense_kwargs) for u in hidden]
                             + [keras.layers.Dense(n_classes, activation=output)])
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return _graded(model)


def _bn_mlp(hidden=(5, 4), input_dim=6, relu_first=False, **bn_kwargs):
    layers = [keras.Input(shape=(input_dim,))]
    for units in hidden:
        if relu_first:
            layers += [keras.layers.Dense(units, activation="relu"), keras.layers.BatchNormalization(**bn_kwargs)]
        else:
            layers += [keras.layers.Dense(units), keras.layers.BatchNormalization(**bn_kwargs), keras.layers.ReLU()]
    model = keras.Sequential(layers + [keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return _graded(model)


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.block = [keras.layers.Dense(5), keras.layers.BatchNormalization(), keras.layers.Activation("relu")]
        self.out = keras.layers.Dense(3)
        self.softmax = keras.layers.Softmax()

    def call(self, x):
        for layer in self.block:
            x = layer(x)
        return self.softmax(self.out(x))


def _nested_bn():
    block = keras.Sequential([keras.layers.Dense(5, use_bias=False),
                              keras.layers.BatchNormalization(momentum=0.99, epsilon=1e-3, axis=1,
                                                              gamma_initializer=keras.initializers.Constant(1.0)),
                              keras.layers.Activation(keras.activations.relu)])
    model = keras.Sequential([keras.Input(shape=(6,)), block, keras.layers.Dense(3), keras.layers.Activation("softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


def _subclassed_bn():
    model = _Subclassed()
    model(keras.ops.zeros((1, 6)))  # built by a call
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("make", [lambda: _bn_mlp(hidden=(5,)), lambda: _graded(_nested_bn()),
                                  lambda: _graded(_subclassed_bn())], ids=["sequential", "nested", "subclassed"])
def test_every_way_of_writing_a_batchnorm_network_passes(make):
    model = make()
    check_input(model, 6, "build(...)")
    check_relu_network(model, 6, "build(...)", batchnorm=True)
    check_batchnorm_defaults(model, 6, "build(...)")
    check_regularization(model, 6, "build(...)")
    check_units(model, [5, 3], "build(...)")
    check_loss(model, "build(...)", "sparse_categorical_crossentropy")
    check_accuracy_metric(model, "build(...)")
    assert layer_kinds(model)[:2] == ["Dense", "BatchNormalization"]


def test_the_probes_leave_the_weights_as_they_were():
    model = _bn_mlp()
    before = [v.numpy().copy() for v in model.weights]
    check_relu_network(model, 6, "build(...)", batchnorm=True)
    check_regularization(model, 6, "build(...)")
    for old, new in zip(before, model.weights):
        assert (old == new.numpy()).all(), new.path


def test_relu_before_batchnorm_is_named():
    with pytest.raises(AssertionError, match="applies the ReLU before BatchNormalization"):
        check_relu_network(_bn_mlp(relu_first=True), 6, "build(...)", batchnorm=True)


@pytest.mark.parametrize("kwargs, message", [
    ({"momentum": 0.9}, "momentum=0.9; expected Keras's default 0.99"),
    ({"epsilon": 1e-5}, "epsilon=1e-05; expected Keras's default 0.001"),
    ({"scale": False}, "scale=False: it has no learned gamma"),
    ({"center": False}, "center=False: it has no learned beta"),
    ({"renorm": True}, "renorm=True"),
    ({"moving_variance_initializer": "zeros"}, "moving_variance starts at [0.0"),
    ({"gamma_initializer": "random_normal"}, "gamma starts at"),
    ({"beta_regularizer": keras.regularizers.L2(0.1)}, "has a beta_regularizer"),
])
def test_batchnorm_settings_other_than_keras_defaults_are_named(kwargs, message):
    with pytest.raises(AssertionError, match=message.replace("[", r"\[")):
        check_batchnorm_defaults(_bn_mlp(**kwargs), 6, "build(...)")


def test_a_model_for_other_inputs_is_named():
    with pytest.raises(AssertionError, match=r"input has shape \(None, 7\); expected vectors of length input_dim = 6"):
        check_input(_mlp(input_dim=7), 6, "build(...)")


def test_a_model_without_input_accepts_the_vectors():
    model = keras.Sequential([keras.layers.Dense(4, activation="relu"), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model = _graded(model)
    check_input(model, 6, "build(...)")
    check_relu_network(model, 6, "build(...)")


def test_other_units_and_layers_are_named():
    with pytest.raises(AssertionError, match=r"Dense layers have \[5, 4, 3\] units; expected \[4, 5, 3\]"):
        check_units(_mlp(), [4, 5, 3], "build(...)")
    model = _graded(keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(4), keras.layers.GaussianNoise(0.1),
                                      keras.layers.Dense(3)]))
    with pytest.raises(AssertionError, match=r"has \['GaussianNoise'\] layers; only Dense"):
        check_only_layers(model, "build(...)", ("Dense", "Activation"), "only Dense")


L1L2 = keras.regularizers.L1L2(l1=0.003, l2=0.05)
HIDDEN_ONLY = [(0.003, 0.05), (0.003, 0.05), None]


def _regularized(kernel=L1L2, bias=None, output=None, second=L1L2, **kwargs):
    model = keras.Sequential([keras.Input(shape=(10,)),
                              keras.layers.Dense(8, activation="relu", kernel_regularizer=kernel, bias_regularizer=bias,
                                                 **kwargs),
                              keras.layers.Dense(4, activation="relu", kernel_regularizer=second),
                              keras.layers.Dense(1, activation="sigmoid", kernel_regularizer=output)])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return _graded(model)


def _penalty(kernel):
    return 0.003 * keras.ops.sum(keras.ops.abs(kernel)) + 0.05 * keras.ops.sum(keras.ops.square(kernel))


@pytest.mark.parametrize("kernel", [L1L2, keras.regularizers.l1_l2(l1=0.003, l2=0.05), _penalty],
                         ids=["L1L2", "l1_l2", "function"])
def test_every_way_of_writing_the_kernel_penalty_passes(kernel):
    check_regularization(_regularized(kernel=kernel, second=kernel), 10, "build(...)", HIDDEN_ONLY)


@pytest.mark.parametrize("kwargs, message", [
    ({"kernel": keras.regularizers.L2(0.05)}, r"kernel of hidden Dense layer 1 \(8 units\) is penalized with "
                                              r"L1L2\(l1=0, l2=0.05\); expected the kernel regularizer"),
    ({"kernel": keras.regularizers.L1L2(l1=0.05, l2=0.003)}, r"penalized with L1L2\(l1=0.05, l2=0.003\)"),
    ({"second": None}, r"kernel of hidden Dense layer 2 \(4 units\) is not regularized"),
    ({"bias": keras.regularizers.L2(0.01)}, r"the bias of hidden Dense layer 1 \(8 units\) is regularized, with "
                                            r"L1L2\(l1=0, l2=0.01\); the biases"),
    ({"output": L1L2}, r"the kernel of the output Dense layer \(1 unit\) is regularized"),
    ({"activity_regularizer": keras.regularizers.L2(0.01)}, "has an activity regularizer"),
    ({"kernel_constraint": keras.constraints.MaxNorm(2.0)}, r"weight constraint \(kernel_constraint"),
])
def test_other_penalties_are_named(kwargs, message):
    with pytest.raises(AssertionError, match=message):
        check_regularization(_regularized(**kwargs), 10, "build(...)", HIDDEN_ONLY, hint="the biases are not")


def test_any_penalty_on_an_unregularized_model_is_named():
    with pytest.raises(AssertionError, match=r"the kernel of hidden Dense layer 1 \(5 units\) is regularized, with "
                                             r"L1L2\(l1=0, l2=0.001\); this model has no regularization"):
        check_regularization(_mlp(kernel_regularizer=keras.regularizers.L2(1e-3)), 6, "build(...)")
    check_regularization(_mlp(), 6, "build(...)")


@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", keras.losses.SparseCategoricalCrossentropy(),
                                  "crossentropy"])
def test_every_way_of_writing_the_loss_passes(loss):
    check_loss(_mlp(loss=loss), "build(...)", "sparse_categorical_crossentropy")


@pytest.mark.parametrize("loss, message", [
    ("categorical_crossentropy", "cannot be computed for integer labels"),
    ("mse", "the sparse categorical cross-entropy is"),
    (keras.losses.SparseCategoricalCrossentropy(from_logits=True), "with from_logits=True"),
    (keras.losses.SparseCategoricalCrossentropy(reduction="sum"), "summed over the batch"),
])
def test_other_losses_are_named(loss, message):
    with pytest.raises(AssertionError, match=message):
        check_loss(_mlp(loss=loss), "build(...)", "sparse_categorical_crossentropy")


@pytest.mark.parametrize("loss, message", [
    ("binary_crossentropy", None),
    (keras.losses.BinaryCrossentropy(), None),
    ("mse", "the binary cross-entropy is"),
    (keras.losses.BinaryCrossentropy(from_logits=True), "with from_logits=True"),
])
def test_binary_cross_entropy(loss, message):
    model = _mlp(n_classes=1, output="sigmoid", loss=loss)
    if message is None:
        check_loss(model, "build(...)", "binary_crossentropy")
        check_accuracy_metric(model, "build(...)", "binary")
    else:
        with pytest.raises(AssertionError, match=message):
            check_loss(model, "build(...)", "binary_crossentropy")


@pytest.mark.parametrize("metrics, message", [
    (["accuracy"], None),
    ([keras.metrics.SparseCategoricalAccuracy(name="accuracy")], None),
    (["accuracy", "mae"], None),
    ([], r"reports the metrics \[\]; expected \"accuracy\""),
    (["acc"], r"reports the metrics \['acc'\]"),
    ([keras.metrics.SparseCategoricalAccuracy()], r"\['sparse_categorical_accuracy'\]"),
    ([keras.metrics.CategoricalAccuracy(name="accuracy")], "the metric \"accuracy\" gives"),
])
def test_the_accuracy_metric(metrics, message):
    model = _mlp(metrics=metrics)
    if message is None:
        check_accuracy_metric(model, "build(...)")
    else:
        with pytest.raises(AssertionError, match=message):
            check_accuracy_metric(model, "build(...)")


@pytest.mark.parametrize("optimizer, message", [
    (keras.optimizers.Adam(beta_1=0.5), "has beta_1=0.5; expected Keras's default 0.9"),
    (keras.optimizers.Adam(amsgrad=True), "has amsgrad=True"),
    (keras.optimizers.Adam(clipnorm=1.0), "has clipnorm=1.0"),
    (keras.optimizers.Adam(learning_rate=keras.optimizers.schedules.ExponentialDecay(1e-3, 10, 0.9)),
     "learning rate is a schedule"),
])
def test_adam_settings_other_than_keras_defaults_are_named(optimizer, message):
    with pytest.raises(AssertionError, match=message):
        check_adam(_mlp(optimizer=optimizer), "build(...)", learning_rate=0.001)


def test_a_model_that_is_not_compiled_is_named():
    model = _graded(keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(3, activation="softmax")]))
    for check in (lambda: check_loss(model, "build(...)", "sparse_categorical_crossentropy"),
                  lambda: check_accuracy_metric(model, "build(...)"), lambda: check_adam(model, "build(...)")):
        with pytest.raises(AssertionError, match="not compiled"):
            check()


class _DeclaredOutOfOrder(keras.Model):
    """Layers set as attributes in another order than `call` uses them."""

    def __init__(self):
        super().__init__()
        self.out = keras.layers.Dense(3, activation="softmax")
        self.drop = keras.layers.Dropout(0.5)
        self.hidden = keras.layers.Dense(5, activation="relu")

    def call(self, x, training=None):
        return self.out(self.drop(self.hidden(x), training=training))


def test_a_subclassed_model_is_read_in_the_order_call_uses_its_layers():
    # in a student's kernel, where the model is not rebuilt
    model = _DeclaredOutOfOrder()
    model(keras.ops.zeros((1, 6)))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert layer_kinds(model) == ["Dense", "Dropout", "Dense"]
    check_input(model, 6, "build(...)")
    check_units(model, [5, 3], "build(...)")
    check_relu_network(model, 6, "build(...)")
    check_regularization(model, 6, "build(...)")
    with pytest.raises(AssertionError, match=r"input has shape \(None, 6\); expected vectors of length input_dim = 7"):
        check_input(model, 7, "build(...)")


@pytest.mark.parametrize("loss_weights, message", [(["accuracy"], "loss_weights=['accuracy']; compile's third "
                                                                  "positional argument is loss_weights, not metrics"),
                                                   (2.0, "loss_weights=2.0")])
def test_loss_weights_are_named(loss_weights, message):
    model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", loss_weights, metrics=["accuracy"])
    with pytest.raises(AssertionError, match=re.escape(message)):
        check_loss(_graded(model), "build(...)", "sparse_categorical_crossentropy")
