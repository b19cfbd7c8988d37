"""Checks of the Keras models students build, with messages written for students.

They look at what a model computes and how it is compiled, not at how it is written: a
`Dense(u, activation="relu")` and a `Dense(u)` followed by a `ReLU` layer are the same
network. Keras is imported only when a check runs, so importing this module stays fast.
"""
import numpy as np

from .checks import check_that


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _softmax(z):
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


# what a hidden layer could apply, the right one first
HIDDEN_ACTIVATIONS = {"ReLU": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "sigmoid": _sigmoid,
                      "no activation (linear)": lambda z: z}
OUTPUT_ACTIVATIONS = {"softmax": _softmax, "sigmoid": _sigmoid}


def dense_forward(dense_layers, x, hidden, output) -> np.ndarray:
    """x through the Dense layers in order, in float64: `hidden` after each one but the last,
    `output` after the last."""
    h = np.asarray(x, dtype=np.float64)
    for index, layer in enumerate(dense_layers):
        h = h @ np.asarray(layer.kernel.numpy(), dtype=np.float64)
        if getattr(layer, "bias", None) is not None:
            h = h + np.asarray(layer.bias.numpy(), dtype=np.float64)
        h = hidden(h) if index < len(dense_layers) - 1 else output(h)
    return h


def check_relu_network(model, input_dim: int, what: str, output: str = "softmax") -> None:
    """Assert that the model's predictions (dropout off) are those of its Dense layers with ReLU
    after each hidden layer and `output` ("softmax" or "sigmoid") after the last one."""
    import keras

    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    # inputs of both signs and a large spread: about half the hidden pre-activations are negative
    x = np.random.default_rng(11).normal(0.0, 2.0, size=(64, input_dim))
    probs = np.asarray(model(x.astype(np.float32), training=False), dtype=np.float64)  # predict() may log to stderr
    final = OUTPUT_ACTIVATIONS[output]

    def computes(hidden):
        expected = dense_forward(dense, x, hidden, final)
        return probs.shape == expected.shape and np.allclose(probs, expected, rtol=1e-3, atol=1e-5)

    like = [name for name, hidden in HIDDEN_ACTIVATIONS.items() if computes(hidden)]
    if like and like[0] == "ReLU":
        return
    if like:
        raise AssertionError(f"{what}: the hidden layers do not compute ReLU: the model's predictions are those of "
                             f"hidden layers with {like[0]}. Give every hidden Dense layer activation=\"relu\"")
    raise AssertionError(f"{what}: on 64 random inputs, the model's predictions are not those of its Dense layers with "
                         f"ReLU after each hidden layer and {output} after the output layer (is another activation, or "
                         "another layer that changes the values, in the model?)")


def check_adam(model, what: str, learning_rate: float | None = None) -> None:
    """Assert that the model is compiled with Adam, without weight decay, and with the given
    learning rate (if any)."""
    import keras

    optimizer = getattr(model.optimizer, "inner_optimizer", model.optimizer)  # a mixed-precision wrapper
    decay = getattr(optimizer, "weight_decay", None)
    check_that(isinstance(optimizer, keras.optimizers.Adam) and not decay,
               f"{what}: the model is compiled with the {type(optimizer).__name__} optimizer"
               + (f" with weight decay {decay:g} (a regularization)" if decay else "")
               + "; expected the Adam optimizer: model.compile(optimizer=\"adam\", ...) or keras.optimizers.Adam()")
    if learning_rate is not None:
        rate = float(np.asarray(optimizer.learning_rate))
        check_that(np.isclose(rate, learning_rate, rtol=1e-6),
                   f"{what}: the Adam optimizer's learning rate is {rate:g}; expected {learning_rate:g}")
