"""Small, offline data sets: a noisy 1-D regression problem, the scikit-learn digits and the same digits drawn at 28x28."""
import functools
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


class TestSplit(NamedTuple):
    """A training / validation / test split of a classification data set."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


DIGITS28_SIZE = 28


def _soft_step(x, threshold):
    return 1.0 / (1.0 + np.exp(-14.0 * (x - threshold)))


@functools.lru_cache(maxsize=2)
def _render_digits28(seed: int) -> tuple[np.ndarray, np.ndarray]:
    from scipy import ndimage
    from sklearn.datasets import load_digits

    digits = load_digits()
    n, size, canvas = len(digits.images), DIGITS28_SIZE, DIGITS28_SIZE + 8  # drawn larger, then cropped
    rng = np.random.default_rng(seed)
    angle = rng.uniform(-0.2, 0.2, n)              # radians, about +-11 degrees
    scale = rng.uniform(0.8, 1.0, n) * 18 / 32     # the 8x8 box (32 pixels of `big`) becomes 14-18 pixels
    shear = rng.uniform(-0.25, 0.25, n)            # slant
    shift = rng.uniform(-2, 2, (n, 2))             # pixels, from the centre
    threshold = rng.uniform(0.4, 0.6, n)           # stroke thickness
    # a smooth random displacement field per image makes the strokes wobble like a pen's
    wobble = ndimage.gaussian_filter(rng.normal(size=(n, 2, canvas, canvas)), (0, 0, 4, 4)) * 8

    # 8x8 -> 40x40: a cubic spline through the pixels (a zero border keeps the edges smooth)
    # (the spline is separable: `upsample` is what ndimage.zoom(..., 4, order=3) does to each axis)
    upsample = ndimage.zoom(np.eye(10), (4, 1), order=3)                                     # (40, 10)
    big = np.einsum("ij,kjl,ml->kim", upsample, np.pad(digits.images / 16.0, ((0, 0), (1, 1), (1, 1))), upsample)
    c, s = np.cos(angle), np.sin(angle)
    rotation = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)                   # (n, 2, 2)
    slant = np.stack([np.stack([np.ones(n), shear], -1), np.stack([np.zeros(n), np.ones(n)], -1)], -2)
    to_canvas = rotation @ slant * scale[:, None, None]
    rows, cols = np.mgrid[0:canvas, 0:canvas].astype(np.float64)
    where = np.stack([rows - (canvas - 1) / 2, cols - (canvas - 1) / 2])[None] + wobble - shift[:, :, None, None]
    source = np.einsum("kij,kjrc->kirc", np.linalg.inv(to_canvas), where) + (big.shape[1] - 1) / 2
    index = np.broadcast_to(np.arange(n, dtype=np.float64)[:, None, None], (n, canvas, canvas))
    ink = ndimage.map_coordinates(big, [index, source[:, 0], source[:, 1]], order=1, cval=0.0)
    # strokes with sharp edges, anti-aliased, on a background of exactly 0
    t = threshold[:, None, None]
    ink = ndimage.gaussian_filter((_soft_step(ink, t) - _soft_step(0.0, t)) / (1 - _soft_step(0.0, t)), (0, 0.5, 0.5))
    ink = np.clip(ink, 0.0, 1.0)

    # the 28x28 window centred on the canvas, moved (if need be) so that no stroke is cut
    images = np.empty((n, size, size), dtype=np.float32)
    for k in range(n):
        start = []
        for profile in (ink[k].max(axis=1), ink[k].max(axis=0)):
            inked = np.flatnonzero(profile > 0.05)
            first = min(max((canvas - size) // 2, inked[-1] + 2 - size), inked[0] - 1)
            start.append(int(np.clip(first, 0, canvas - size)))
        images[k] = ink[k, start[0] : start[0] + size, start[1] : start[1] + size]
    images.setflags(write=False)
    labels = digits.target.astype(np.int64)
    labels.setflags(write=False)
    return images, labels


def digits28(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Handwritten digits at 28x28 pixels: scikit-learn's 1,797 digits, each drawn again larger.

    Each 8x8 digit is interpolated with a cubic spline and drawn into a 28x28 image with a
    random rotation (up to about 11 degrees), size (its 8x8 box becomes 14 to 18 pixels
    wide), slant, position (up to 2 pixels off centre in each direction) and a smooth
    random wobble of the strokes; a soft threshold at a random level then turns it into
    strokes of varying thickness with anti-aliased edges. The result looks like MNIST:
    background 0, ink near 1, the digit near the centre. Nothing is downloaded: rendering
    all 1,797 takes about half a second, and is cached per `seed` (the seed of the random
    distortions; the same seed gives the same images).

    Returns `(images, labels)`: float32 images of shape (1797, 28, 28) with values in
    [0, 1], and int64 labels 0-9 (174 to 183 of each), in the order of
    `sklearn.datasets.load_digits`. The arrays are fresh copies, yours to change.
    """
    images, labels = _render_digits28(seed)
    return images.copy(), labels.copy()


def _stratified_order(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random order of the indices in which every prefix has (almost) equally many of each class."""
    order = rng.permutation(len(labels))
    rank = np.empty(len(labels), dtype=np.int64)
    for label in np.unique(labels):
        members = order[labels[order] == label]
        rank[members] = np.arange(len(members))
    return order[np.argsort(rank[order], kind="stable")]


def digits28_split(n_train: int = 300, n_val: int = 300, n_test: int = 500, seed: int = 0,
                   render_seed: int = 0) -> TestSplit:
    """Training, validation and test sets of `digits28` (images of shape (28, 28)), disjoint.

    The test set is the same for every `seed`: n_test images set aside once (they depend
    only on n_test and render_seed), so that results on different splits are measured on
    the same untouched test set. `seed` draws the training and validation images from the
    rest, and for a given seed the validation images do not depend on n_train. Every set is
    stratified: each class has n/10 images, give or take one.
    """
    images, labels = digits28(render_seed)
    if n_test + n_val + n_train > len(images):
        raise ValueError(f"n_train + n_val + n_test must be at most {len(images)}, got {n_train + n_val + n_test}")
    test_order = _stratified_order(labels, np.random.default_rng(12345))
    test, rest = test_order[:n_test], test_order[n_test:]
    order = rest[_stratified_order(labels[rest], np.random.default_rng(seed))]
    val, train = order[:n_val], order[n_val : n_val + n_train]
    if len(train) < n_train:
        raise ValueError("not enough images left for n_train")
    return TestSplit(images[train], labels[train], images[val], labels[val], images[test], labels[test])
