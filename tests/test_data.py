"""The course's data sets are deterministic, offline and shaped as documented."""
import numpy as np
import pytest
from sklearn.datasets import load_digits

from regcourse.data import digits28, digits28_split, digits_split, noisy_samples, true_function


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


def test_digits28_are_28x28_images_of_the_digits_in_their_order_and_deterministic():
    images, labels = digits28()
    assert images.shape == (1797, 28, 28) and images.dtype == np.float32
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert np.array_equal(labels, load_digits().target)
    assert 0.0 <= images.min() and images.max() <= 1.0
    again, _ = digits28()
    assert np.array_equal(images, again)
    images[0] = 0  # a fresh copy each call: changing it changes nothing for the next caller
    assert not np.array_equal(digits28()[0][0], images[0])
    other, _ = digits28(seed=1)
    assert other.shape == images.shape and not np.allclose(other, again)
    # Every class is there in almost equal numbers (as in load_digits: 174 to 183 each).
    counts = np.bincount(labels, minlength=10)
    assert counts.min() >= 174 and counts.max() <= 183


def test_digits28_look_like_ink_on_paper_near_the_centre():
    images, labels = digits28()
    ink = images > 0.5
    fraction = ink.mean(axis=(1, 2))
    assert 0.03 < fraction.min() and fraction.max() < 0.4  # strokes, not blobs or empty images
    assert np.all(images[:, [0, -1], :].max(axis=(1, 2)) < 0.5) and np.all(images[:, :, [0, -1]].max(axis=(1, 2)) < 0.5)
    rows, cols = np.mgrid[0:28, 0:28]
    mass = images.sum(axis=(1, 2))
    centre_row = (images * rows).sum(axis=(1, 2)) / mass
    centre_col = (images * cols).sum(axis=(1, 2)) / mass
    assert np.all(np.abs(centre_row - 13.5) < 6) and np.all(np.abs(centre_col - 13.5) < 6)
    # The label is in the image: the nearest class mean of 1,000 images gets most of the rest right.
    flat = images.reshape(len(images), -1)
    means = np.stack([flat[:1000][labels[:1000] == k].mean(axis=0) for k in range(10)])
    predicted = np.argmin(((flat[1000:, None, :] - means[None]) ** 2).sum(axis=2), axis=1)
    assert np.mean(predicted == labels[1000:]) > 0.5  # chance: 0.1


def test_digits28_split_is_stratified_disjoint_and_keeps_the_test_set_fixed():
    split = digits28_split(n_train=300, n_val=200, n_test=500, seed=0)
    assert split.x_train.shape == (300, 28, 28) and split.x_val.shape == (200, 28, 28)
    assert split.x_test.shape == (500, 28, 28) and split.x_train.dtype == np.float32
    for y, n in [(split.y_train, 300), (split.y_val, 200), (split.y_test, 500)]:
        assert y.dtype == np.int64 and np.all(np.bincount(y, minlength=10) == n // 10)
    # disjoint: no image is in two of the sets
    keys = [set(map(bytes, x.reshape(len(x), -1))) for x in (split.x_train, split.x_val, split.x_test)]
    assert sum(map(len, keys)) == len(set.union(*keys)) == 1000
    # the same seed gives the same split; another seed another training set, but the same test set
    same, other = digits28_split(300, 200, 500, seed=0), digits28_split(300, 200, 500, seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(split, same))
    assert np.array_equal(other.x_test, split.x_test) and np.array_equal(other.y_test, split.y_test)
    assert not np.array_equal(other.x_train, split.x_train)
    # the validation set does not depend on n_train; unbalanced sizes still split every class fairly
    assert np.array_equal(digits28_split(100, 200, 500, seed=0).x_val, split.x_val)
    odd = digits28_split(n_train=55, n_val=33, n_test=77, seed=2)
    for y in (odd.y_train, odd.y_val, odd.y_test):
        counts = np.bincount(y, minlength=10)
        assert counts.max() - counts.min() <= 1
    # the whole set: every image exactly once
    whole = digits28_split(n_train=1797 - 600, n_val=100, n_test=500, seed=3)
    assert sorted(np.concatenate([whole.y_train, whole.y_val, whole.y_test])) == sorted(load_digits().target)
    with pytest.raises(ValueError):
        digits28_split(n_train=1000, n_val=400, n_test=500)
