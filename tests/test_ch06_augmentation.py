"""Chapter 6 (data augmentation): what the generic notebook tests do not cover.

- Our reference solutions against independent references (SciPy, NumPy one-liners, Keras).
- The facts about Keras that the hidden tests rely on (a fixed RandomTranslation is an exact
  integer shift with zero fill; RandomFlip('horizontal') mirrors the width axis or does nothing).
- The statistical hidden tests are robust: correct solutions that draw their random numbers
  differently (here: from a generator derived from rng in other ways) pass them all, and the
  position check of random_crop really rejects a crop that is not a window of its image.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from autograder.notebooks import nbgrader as nbgrader_meta, read_cells, source
from autograder.runner import ROOT, run


def code_cells(notebook: Path) -> list[dict]:
    """The code cells of a notebook, in order."""
    return [c for c in read_cells(notebook) if c["cell_type"] == "code"]


NOTEBOOK = ROOT / "solutions" / "ch06_augmentation" / "augmentation.ipynb"
NUMPY_FUNCTIONS = ["flip_horizontal", "translate", "random_crop", "add_gaussian_noise", "mixup"]


def _namespace(grade_ids) -> dict:
    """Run the notebook's setup cell and the named solution cells; return the namespace."""
    namespace: dict = {"__name__": "__main__"}
    for cell in code_cells(NOTEBOOK):
        if nbgrader_meta(cell).get("grade_id") in {"setup", *grade_ids}:
            exec(compile(source(cell), str(nbgrader_meta(cell)["grade_id"]), "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def ref():
    return _namespace(NUMPY_FUNCTIONS)


def test_the_notebook_has_the_contracted_functions():
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    ids = [nbgrader_meta(c).get("grade_id") for c in cells if nbgrader_meta(c).get("solution")]
    assert ids == [*NUMPY_FUNCTIONS, "make_augmenter"]
    points = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"] for c in cells if nbgrader_meta(c).get("grade")}
    assert points == {f"test_{name}": p for name, p in zip(ids, [1, 2, 2, 2, 1, 2])}


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 6, 7, 3), (1, 1, 9, 1)])
def test_flip_horizontal_reverses_the_width_axis(ref, shape):
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    out = ref["flip_horizontal"](x)
    assert out.dtype == x.dtype and out.shape == x.shape
    for j in range(shape[2]):
        np.testing.assert_array_equal(out[:, :, j], x[:, :, shape[2] - 1 - j])


def test_translate_matches_scipy_on_random_shifts(ref):
    from scipy import ndimage

    rng = np.random.default_rng(1)
    for _ in range(40):
        shape = tuple(rng.integers(1, 9, size=3)) + ((int(rng.integers(1, 4)),) if rng.random() < 0.5 else ())
        x = rng.integers(1, 255, size=shape).astype(np.uint8)
        dx, dy = (int(v) for v in rng.integers(-10, 11, size=2))
        out = ref["translate"](x, dx, dy)
        assert out.dtype == np.uint8
        expected = ndimage.shift(x, (0, dy, dx) + (0,) * (x.ndim - 3), order=0, mode="constant", cval=0)
        np.testing.assert_array_equal(out, expected)


def test_translate_moves_content_right_and_down(ref):
    x = np.zeros((1, 5, 5))
    x[0, 1, 1] = 1.0
    out = ref["translate"](x, 2, 1)  # 2 right, 1 down
    assert out[0, 2, 3] == 1.0 and out.sum() == 1.0


def test_random_crop_positions_are_uniform_and_inside(ref):
    rng = np.random.default_rng(2)
    x = np.arange(5000 * 5 * 6).reshape(5000, 5, 6)  # every pixel different: the position is readable
    crops = ref["random_crop"](x, (3, 2), rng)
    first = crops[:, 0, 0] - np.arange(5000) * 30  # value of the top-left pixel within its image
    tops, lefts = np.divmod(first, 6)
    assert tops.min() == 0 and tops.max() == 2 and lefts.min() == 0 and lefts.max() == 4
    for n in range(0, 5000, 97):
        np.testing.assert_array_equal(crops[n], x[n, tops[n]:tops[n] + 3, lefts[n]:lefts[n] + 2])
    counts = np.bincount(tops * 5 + lefts, minlength=15)
    # chi-square test of uniformity over the 15 positions (critical value at 1e-4 with 14 df: 43.8)
    assert np.sum((counts - 5000 / 15) ** 2 / (5000 / 15)) < 43.8


def test_gaussian_noise_is_standard_normal_and_only_from_rng(ref):
    from scipy import stats

    x = np.zeros((100, 20, 20), dtype=np.float32)
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    out = ref["add_gaussian_noise"](x, 0.2, np.random.default_rng(3))
    assert np.array_equal(np.random.get_state()[1], before)
    assert out.dtype == np.float32
    assert stats.kstest(out.ravel() / 0.2, "norm").pvalue > 1e-4


def test_mixup_matches_the_definition(ref):
    rng = np.random.default_rng(4)
    x1, x2 = rng.normal(size=(2, 7, 4, 4)).astype(np.float32)
    y1, y2 = np.eye(5)[rng.integers(5, size=(2, 7))]
    xm, ym = ref["mixup"](x1, y1, x2, y2, 0.3)
    assert xm.dtype == np.float32
    np.testing.assert_allclose(xm, 0.3 * x1.astype(float) + 0.7 * x2, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(ym, 0.3 * y1 + 0.7 * y2)
    np.testing.assert_allclose(ym.sum(axis=1), 1.0)


def test_keras_facts_the_hidden_tests_rely_on():
    import keras
    from scipy import ndimage

    rng = np.random.default_rng(5)
    x = rng.uniform(0.5, 1, size=(4, 6, 8, 2)).astype(np.float32)
    for dx, dy in [(0, 0), (2, 1), (-3, 2), (1, -4), (-7, -5)]:
        layer = keras.layers.RandomTranslation((dy / 6, dy / 6), (dx / 8, dx / 8), fill_mode="constant",
                                               fill_value=0.0, interpolation="nearest")
        expected = ndimage.shift(x, (0, dy, dx, 0), order=0, mode="constant", cval=0)
        np.testing.assert_array_equal(np.asarray(layer(x, training=True)), expected)
    flipped = np.asarray(keras.layers.RandomFlip("horizontal", seed=0)(x, training=True))
    for n in range(len(x)):
        assert np.array_equal(flipped[n], x[n]) or np.array_equal(flipped[n], x[n, :, ::-1])
    np.testing.assert_array_equal(np.asarray(keras.ops.flip(x, axis=2)), x[:, :, ::-1])
    # An empty Sequential cannot be called (the exercise's hint says so).
    with pytest.raises(ValueError):
        keras.Sequential([])(x)


# Correct solutions that draw from rng differently: a generator derived from rng (so the same seed
# still gives the same result and the global state is untouched), with a different offset each time.
_DERIVED_CROP = '''
def random_crop(images, size, rng):
    rng = np.random.default_rng(int(rng.integers(2**62)) + {offset})
    h, w = size
    H, W = images.shape[1:3]
    if h > H or w > W:
        raise ValueError("window larger than the images")
    tops = rng.integers(0, H - h + 1, size=len(images))
    lefts = rng.integers(0, W - w + 1, size=len(images))
    return np.stack([x[t:t + h, l:l + w] for x, t, l in zip(images, tops, lefts)])
'''

_DERIVED_NOISE = '''
def add_gaussian_noise(images, std, rng):
    rng = np.random.default_rng(int(rng.integers(2**62)) + {offset})
    return (images + std * rng.standard_normal(images.shape)).astype(images.dtype)
'''


@pytest.mark.parametrize("offset", range(12))
def test_statistical_hidden_tests_pass_other_correct_draws(offset):
    results = run(NOTEBOOK, replace={"random_crop": _DERIVED_CROP.format(offset=offset),
                                     "add_gaussian_noise": _DERIVED_NOISE.format(offset=offset)},
                  only_tests={"test_random_crop", "test_add_gaussian_noise"})
    assert all(r.passed for r in results.values()), {k: r.error for k, r in results.items()}


def test_crop_position_check_rejects_a_shifted_window():
    namespace = _namespace([])
    cell = next(c for c in code_cells(NOTEBOOK) if nbgrader_meta(c).get("grade_id") == "test_random_crop")
    helper = source(cell).split("\n\n\n")[0]  # the cell starts with the definition of _crop_positions
    exec(helper, namespace)
    x = np.random.default_rng(6).normal(size=(3, 5, 5))
    good = x[:, 1:4, 0:3]
    assert namespace["_crop_positions"](x, good, (3, 3), "good") == [(1, 0)] * 3
    bad = good.copy()
    bad[2] = np.roll(x[2], 1, axis=1)[1:4, 0:3]  # wraps a column around: not a window of the image
    with pytest.raises(AssertionError, match="crop 2 is not a 3x3 window"):
        namespace["_crop_positions"](x, bad, (3, 3), "bad")


def test_augmenter_tests_pass_with_other_seeds_per_layer():
    code = '''
def make_augmenter(flip=False, max_shift=0.0, max_rotation=0.0, max_zoom=0.0, seed=None):
    s = (lambda k: None if seed is None else 1000 * seed + 17 * k + 3)
    layers = [keras.layers.Identity()]
    if flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=s(1)))
    if max_zoom:
        layers.append(keras.layers.RandomZoom(max_zoom, fill_mode="constant", seed=s(2)))
    if max_rotation:
        layers.append(keras.layers.RandomRotation(max_rotation, fill_mode="constant", seed=s(3)))
    if max_shift:
        layers.append(keras.layers.RandomTranslation(max_shift, max_shift, fill_mode="constant", seed=s(4)))
    return keras.Sequential(layers)
'''
    results = run(NOTEBOOK, replace={"make_augmenter": code}, only_tests={"test_make_augmenter"})
    assert results["test_make_augmenter"].passed, results["test_make_augmenter"].error
