"""The course's data sets are deterministic, offline and shaped as documented."""
import numpy as np
from sklearn.datasets import load_digits

from regcourse.data import digits_split, noisy_samples, true_function


def test_noisy_samples_are_seeded_and_centred_on_the_true_function():
    x, y = noisy_samples(20000, noise_std=0.3, seed=5)
    x2, y2 = noisy_samples(20000, noise_std=0.3, seed=5)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert x.min() >= 0 and x.max() <= 1
    residual = y - true_function(x)
    assert abs(residual.mean()) < 0.01 and abs(residual.std() - 0.3) < 0.01


def test_digits_split_is_disjoint_scaled_and_keeps_validation_fixed():
    small, large = digits_split(100, 500, seed=3), digits_split(400, 500, seed=3)
    assert small.x_train.shape == (100, 64) and small.x_val.shape == (500, 64)
    assert small.x_train.dtype == np.float32 and 0 <= small.x_train.min() and small.x_train.max() <= 1
    assert np.array_equal(small.x_val, large.x_val) and np.array_equal(small.y_val, large.y_val)
    # Splitting the whole set: training and validation together are every digit exactly once.
    whole = digits_split(1797 - 600, 600, seed=3)
    pixels = np.concatenate([whole.x_train, whole.x_val]) * 16
    labels = np.concatenate([whole.y_train, whole.y_val])
    digits = load_digits()
    assert sorted(map(tuple, np.column_stack([pixels, labels]).round())) == \
        sorted(map(tuple, np.column_stack([digits.data, digits.target]).astype(float)))
    assert digits_split(10, 10, seed=0, flat=False).x_train.shape == (10, 8, 8)
