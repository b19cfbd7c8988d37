"""regcourse.models.fit: Keras's own training, with its variables made before the first trace."""
import keras
import numpy as np
import tensorflow as tf

from regcourse.data import digits_split
from regcourse.models import baseline_mlp, fit, set_seed


def _keras_fit(model, split, epochs):
    """What `fit` promises to equal: model.fit on the same seeded pipeline."""
    train = (tf.data.Dataset.from_tensor_slices((split.x_train, split.y_train))
             .shuffle(len(split.x_train), seed=0).batch(32))
    val = tf.data.Dataset.from_tensor_slices((split.x_val, split.y_val)).batch(len(split.x_val)).cache()
    return model.fit(train, validation_data=val, epochs=epochs, verbose=0, shuffle=False)


def _count_traces(model) -> list:
    """Count the traces of the model's training step: TensorFlow runs `train_step` once per trace."""
    traces, train_step = [], model.train_step

    def counted(*args, **kwargs):
        traces.append(1)
        return train_step(*args, **kwargs)
    model.train_step = counted
    return traces


def test_fit_trains_exactly_as_keras_and_traces_the_training_step_once():
    split = digits_split(n_train=70, n_val=50)
    set_seed(3)
    ours = baseline_mlp(hidden_units=(16,))
    our_traces = _count_traces(ours)
    history = fit(ours, split, epochs=4)
    set_seed(3)
    theirs = baseline_mlp(hidden_units=(16,))
    their_traces = _count_traces(theirs)
    expected = _keras_fit(theirs, split, epochs=4)
    assert history.history == expected.history
    for mine, reference in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_array_equal(mine, reference)
    assert len(our_traces) == 1
    assert len(their_traces) == 2  # what fit saves


def test_fit_trains_a_model_that_keras_builds_on_its_first_batch():
    model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    split = digits_split(n_train=20, n_val=10)
    history = fit(model, split, epochs=1)  # no Input: nothing to make before the first batch
    assert len(history.history["loss"]) == 1
