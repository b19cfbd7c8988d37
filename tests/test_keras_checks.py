"""The Keras model checks (regcourse.keras_checks) pass every way of writing the asked-for
network and explain the networks and optimizers that differ from it."""
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
