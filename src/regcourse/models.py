"""The Keras baseline that overfits the small digits training set, and helpers to train it (imports TensorFlow)."""
import keras
import numpy as np
import tensorflow as tf

from regcourse.data import Split


def set_seed(seed: int = 0) -> None:
    """Seed Python, NumPy and TensorFlow, and make TensorFlow's ops deterministic."""
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def baseline_mlp(input_dim: int = 64, n_classes: int = 10, hidden_units: tuple[int, ...] = (256, 256),
                 learning_rate: float = 1e-3) -> keras.Model:
    """A compiled, unregularized MLP: far more capacity than 150 digits need (chapter 1)."""
    model = keras.Sequential(
        [keras.Input(shape=(input_dim,))]
        + [keras.layers.Dense(units, activation="relu") for units in hidden_units]
        + [keras.layers.Dense(n_classes, activation="softmax")]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def fit(model: keras.Model, split: Split, epochs: int, batch_size: int = 32, callbacks=(), seed: int = 0,
        verbose: int = 0, validate_every: int = 1) -> keras.callbacks.History:
    """`model.fit` on a split, with validation after every `validate_every` epochs.

    Same result as `model.fit(x_train, y_train, validation_data=(x_val, y_val), ...)`
    with a seeded shuffle, but about twice as fast on small data: the validation set is
    a single cached batch instead of a fresh NumPy pipeline every epoch.
    """
    _build_training_state(model, split)
    train = (tf.data.Dataset.from_tensor_slices((split.x_train, split.y_train))
             .shuffle(len(split.x_train), seed=seed).batch(batch_size))
    val = tf.data.Dataset.from_tensor_slices((split.x_val, split.y_val)).batch(len(split.x_val)).cache()
    return model.fit(train, validation_data=val, epochs=epochs, callbacks=list(callbacks), verbose=verbose,
                     validation_freq=validate_every,
                     shuffle=False)  # the dataset reshuffles itself every epoch


def _build_training_state(model: keras.Model, split: Split) -> None:
    """Create a built, compiled model's optimizer, loss and metric variables before `fit`.

    Keras creates them the first time `fit` traces its training step, and a step that
    creates variables is traced twice by TensorFlow; made beforehand (Keras's own symbolic
    build, which it runs first when a model is distributed), the step is traced once: about
    0.17 s less per model on the course's networks, the same training. A model Keras cannot
    build this way is left to `fit`, which reports what is wrong with it.
    """
    if model.built and model.compiled:
        try:
            model._symbolic_build(data_batch=(split.x_train[:1], split.y_train[:1]))  # noqa: SLF001
        except Exception:  # noqa: BLE001 - fit says what is wrong
            pass


def restart(model: keras.Model, seed: int = 0) -> keras.Model:
    """Put a compiled model back to the start of training, without compiling it again.

    The model gets the initial weights that the same architecture built after
    `set_seed(seed)` would get (a clone's, drawn with its initializers; batch norm's
    moving statistics and the random layers' seed states included), and its optimizer a
    fresh state: step 0, zero moments, the same learning rate. Training it again then
    reuses the training step that `fit` compiled on the first run; on the course's small
    networks that compilation costs more than the training itself. Returns the model.
    """
    set_seed(seed)
    fresh = keras.models.clone_model(model)
    if len(fresh.variables) != len(model.variables):
        raise ValueError("restart needs a built model")
    for variable, value in zip(model.variables, fresh.variables):
        variable.assign(value)
    for variable in model.optimizer.variables:
        if variable.name != "learning_rate":
            variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
    return model


def batches(x, y, batch_size: int = 32, seed: int = 0) -> tf.data.Dataset:
    """Shuffled mini-batches of (x, y) for `model.fit`: one epoch, reshuffled (seeded) every epoch."""
    return tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(batch_size)
