"""Small, offline data sets: a noisy 1-D regression problem and the scikit-learn digits."""
from typing import NamedTuple

import numpy as np


def true_function(x: np.ndarray) -> np.ndarray:
    """The smooth function behind the synthetic regression data: sin(2*pi*x)."""
    return np.sin(2 * np.pi * x)


def noisy_samples(n: int, noise_std: float = 0.3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points x ~ Uniform(0, 1) and y = true_function(x) + Gaussian noise of std noise_std."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, size=n)
    return x, true_function(x) + rng.normal(0.0, noise_std, size=n)


class Split(NamedTuple):
    """A training / validation split of a classification data set."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def digits_split(n_train: int = 150, n_val: int = 600, seed: int = 0, flat: bool = True) -> Split:
    """The 8x8 handwritten digits of scikit-learn, pixels scaled to [0, 1] as float32.

    A random but seeded choice of n_val validation and n_train training images (disjoint).
    For a given seed the validation images do not depend on n_train, so models trained
    on more or fewer digits are compared on the same validation set.
    flat=True gives vectors of 64 pixels, flat=False images of shape (8, 8).
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)
    if flat:
        x = x.reshape(len(x), -1)
    y = digits.target.astype(np.int64)
    if n_train + n_val > len(x):
        raise ValueError(f"n_train + n_val must be at most {len(x)}, got {n_train + n_val}")
    order = np.random.default_rng(seed).permutation(len(x))
    val, train = order[:n_val], order[n_val : n_val + n_train]
    return Split(x[train], y[train], x[val], y[val])
