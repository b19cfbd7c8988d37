"""Grading variants of exercise 6 (data augmentation): other correct solutions and plausible mistakes.

CORRECT: solutions written differently from ours (loops, np.pad, fancy indexing, other ways of
drawing from rng, float32 noise, an augmenter that always holds every layer); each must pass.
MISTAKES: (replaced solution cells, the exact set of graded tests that must fail, a fragment of
the message the student sees).
"""

# ---------------------------------------------------------------------------- correct solutions

_FLIP_LOOP = '''
def flip_horizontal(images):
    images = np.asarray(images)
    width = images.shape[2]
    out = np.empty_like(images)
    for j in range(width):
        out[:, :, j] = images[:, :, width - 1 - j]
    return out
'''

_FLIP_NP = '''
def flip_horizontal(images):
    return np.flip(images, axis=2)
'''

_TRANSLATE_PAD = '''
def translate(images, dx, dy):
    images = np.asarray(images)
    n, height, width = images.shape[:3]
    pad = [(0, 0), (max(dy, 0), max(-dy, 0)), (max(dx, 0), max(-dx, 0))] + [(0, 0)] * (images.ndim - 3)
    padded = np.pad(images, pad, mode="constant", constant_values=0)
    top, left = max(-dy, 0), max(-dx, 0)
    return padded[:, top:top + height, left:left + width]
'''

_TRANSLATE_INDEX = '''
def translate(images, dx, dy):
    images = np.asarray(images)
    height, width = images.shape[1:3]
    rows = np.arange(height) - dy          # output row i comes from input row i - dy
    cols = np.arange(width) - dx
    valid = ((rows >= 0) & (rows < height))[:, None] & ((cols >= 0) & (cols < width))[None, :]
    gathered = images[:, np.clip(rows, 0, height - 1)][:, :, np.clip(cols, 0, width - 1)]
    mask = valid.reshape((1, height, width) + (1,) * (images.ndim - 3))
    return np.where(mask, gathered, np.zeros((), dtype=images.dtype)).astype(images.dtype)
'''

_TRANSLATE_LOOPS = '''
def translate(images, dx, dy):
    out = np.zeros_like(images)
    height, width = images.shape[1], images.shape[2]
    for i in range(height):
        for j in range(width):
            if 0 <= i - dy < height and 0 <= j - dx < width:
                out[:, i, j] = images[:, i - dy, j - dx]
    return out
'''

_CROP_LOOP_ENDPOINT = '''
def random_crop(images, size, rng):
    h, w = size
    height, width = images.shape[1], images.shape[2]
    if h > height or w > width:
        raise ValueError("the window does not fit in the images")
    out = np.empty((len(images), h, w) + images.shape[3:], dtype=images.dtype)
    for n in range(len(images)):
        top = rng.integers(0, height - h, endpoint=True)
        left = rng.integers(0, width - w, endpoint=True)
        out[n] = images[n, top:top + h, left:left + w]
    return out
'''

_CROP_FLOAT_DRAW = '''
def random_crop(images, size, rng):
    images = np.asarray(images)
    h, w = size
    n, height, width = images.shape[:3]
    if h > height or w > width:
        raise ValueError(f"size {size} is larger than the images {(height, width)}")
    offsets = np.floor(rng.random((n, 2)) * [height - h + 1, width - w + 1]).astype(int)
    return np.array([images[k, t:t + h, l:l + w] for k, (t, l) in enumerate(offsets)])
'''

_CROP_CHOICE = '''
def random_crop(images, size, rng):
    h, w = size
    height, width = images.shape[1:3]
    n_tops, n_lefts = height - h + 1, width - w + 1
    if n_tops < 1 or n_lefts < 1:
        raise ValueError("crop larger than image")
    flat = rng.choice(n_tops * n_lefts, size=len(images))      # one of all positions, uniformly
    tops, lefts = np.divmod(flat, n_lefts)
    rows = tops[:, None] + np.arange(h)                          # (N, h)
    cols = lefts[:, None] + np.arange(w)                         # (N, w)
    index = np.arange(len(images))[:, None, None]
    return images[index, rows[:, :, None], cols[:, None, :]]
'''

_NOISE_FLOAT32 = '''
def add_gaussian_noise(images, std, rng):
    noise = rng.standard_normal(images.shape, dtype=np.float32) * np.float32(std)
    return (images + noise).astype(images.dtype)
'''

_NOISE_SCALE = '''
def add_gaussian_noise(images, std, rng):
    out = images.copy()
    out += rng.normal(scale=std, size=images.shape).astype(images.dtype)
    return out
'''

_MIXUP_DIFF = '''
def mixup(x1, y1, x2, y2, lam):
    return x2 + lam * (x1 - x2), y2 + lam * (y1 - y2)
'''

_MIXUP_NP = '''
def mixup(x1, y1, x2, y2, lam):
    x = np.add(np.multiply(x1, lam), np.multiply(x2, 1.0 - lam))
    y = np.add(np.multiply(y1, lam, dtype=np.float64), np.multiply(y2, 1.0 - lam, dtype=np.float64))
    return (x.astype(np.asarray(x1).dtype), y)
'''

_AUGMENTER_ALL_LAYERS = '''
def make_augmenter(flip=False, max_shift=0.0, max_rotation=0.0, max_zoom=0.0, seed=None):
    def seed_of(k):
        return None if seed is None else seed + k
    model = keras.Sequential()
    model.add(keras.layers.RandomFlip("horizontal", seed=seed_of(0)) if flip else keras.layers.Identity())
    model.add(keras.layers.RandomTranslation(height_factor=(-max_shift, max_shift), width_factor=(-max_shift, max_shift),
                                             fill_mode="constant", fill_value=0.0, seed=seed_of(1)))
    model.add(keras.layers.RandomRotation(factor=(-max_rotation, max_rotation), fill_mode="constant", seed=seed_of(2)))
    model.add(keras.layers.RandomZoom(height_factor=max_zoom, fill_mode="constant", seed=seed_of(3)))
    return model
'''

_AUGMENTER_GLOBAL_SEED = '''
def make_augmenter(flip=False, max_shift=0.0, max_rotation=0.0, max_zoom=0.0, seed=None):
    if seed is not None:
        keras.utils.set_random_seed(seed)   # unseeded layers then draw their seeds from it
    layers = [keras.layers.Identity()]
    if flip:
        layers.append(keras.layers.RandomFlip(mode="horizontal"))
    if max_shift > 0:
        layers.append(keras.layers.RandomTranslation(max_shift, max_shift, fill_mode="constant", interpolation="nearest"))
    if max_rotation > 0:
        layers.append(keras.layers.RandomRotation(max_rotation, fill_mode="constant"))
    if max_zoom > 0:
        layers.append(keras.layers.RandomZoom(max_zoom, max_zoom, fill_mode="constant"))
    return keras.Sequential(layers)
'''

_AUGMENTER_NEAREST_REVERSED = '''
def make_augmenter(flip=False, max_shift=0.0, max_rotation=0.0, max_zoom=0.0, seed=None):
    fill = dict(fill_mode="constant", interpolation="nearest", seed=seed)
    layers = []
    if max_zoom:
        layers.append(keras.layers.RandomZoom((-max_zoom, max_zoom), (-max_zoom, max_zoom), **fill))
    if max_rotation:
        layers.append(keras.layers.RandomRotation((-max_rotation, max_rotation), **fill))
    if max_shift:
        layers.append(keras.layers.RandomTranslation((-max_shift, max_shift), (-max_shift, max_shift), **fill))
    if flip:
        layers.append(keras.layers.RandomFlip(mode="horizontal", seed=seed))
    return keras.Sequential(layers if layers else [keras.layers.Identity()])
'''


def _augmenter(translation="max_shift, max_shift", rotation="max_rotation", zoom="max_zoom",
               options='fill_mode="constant", seed=seed', flip_options='"horizontal", seed=seed', flip_when="flip"):
    """Our make_augmenter with other factors, options of the random layers, or flip condition."""
    return f'''
def make_augmenter(flip=False, max_shift=0.0, max_rotation=0.0, max_zoom=0.0, seed=None):
    layers = [keras.layers.Identity()]
    if {flip_when}:
        layers.append(keras.layers.RandomFlip({flip_options}))
    if max_shift:
        layers.append(keras.layers.RandomTranslation({translation}, {options}))
    if max_rotation:
        layers.append(keras.layers.RandomRotation({rotation}, {options}))
    if max_zoom:
        layers.append(keras.layers.RandomZoom({zoom}, {options}))
    return keras.Sequential(layers)
'''


CORRECT = {
    "loops": {"flip_horizontal": _FLIP_LOOP, "translate": _TRANSLATE_LOOPS, "random_crop": _CROP_LOOP_ENDPOINT,
              "add_gaussian_noise": _NOISE_FLOAT32, "mixup": _MIXUP_DIFF, "make_augmenter": _AUGMENTER_ALL_LAYERS},
    "numpy_tricks": {"flip_horizontal": _FLIP_NP, "translate": _TRANSLATE_PAD, "random_crop": _CROP_FLOAT_DRAW,
                     "add_gaussian_noise": _NOISE_SCALE, "mixup": _MIXUP_NP, "make_augmenter": _AUGMENTER_GLOBAL_SEED},
    "fancy_indexing": {"translate": _TRANSLATE_INDEX, "random_crop": _CROP_CHOICE,
                       "make_augmenter": _AUGMENTER_NEAREST_REVERSED},
}

# ---------------------------------------------------------------------------- plausible mistakes

MISTAKES = {
    # flip_horizontal
    "flip_height_axis": (
        {"flip_horizontal": "def flip_horizontal(images):\n    return images[:, ::-1]\n"},
        {"test_flip_horizontal"}, "flip_horizontal(one 3x4 image 0..11): 12 of 12 values are wrong"),
    "flip_fliplr": (
        {"flip_horizontal": "def flip_horizontal(images):\n    return np.fliplr(images)\n"},
        {"test_flip_horizontal"}, "flip_horizontal(one 3x4 image 0..11)"),
    "flip_last_axis": (
        {"flip_horizontal": "def flip_horizontal(images):\n    return images[..., ::-1]\n"},
        {"test_flip_horizontal"}, "flip_horizontal(one 2x2 image with 3 channels)"),
    "flip_axis_1_for_color": (
        {"flip_horizontal": "def flip_horizontal(images):\n"
                            "    return np.flip(images, axis=1 if images.ndim == 4 else 2)\n"},
        {"test_flip_horizontal"}, "flip_horizontal(one 2x2 image with 3 channels)"),
    # translate
    "translate_roll": (
        {"translate": "def translate(images, dx, dy):\n    return np.roll(images, (dy, dx), axis=(1, 2))\n"},
        {"test_translate"}, "translate(one 3x4 image 1..12, dx=1, dy=0)"),
    "translate_sign_swapped": (
        {"translate": "def translate(images, dx, dy):\n"
                      "    out = np.zeros_like(images)\n"
                      "    h, w = images.shape[1:3]\n"
                      "    for i in range(h):\n"
                      "        for j in range(w):\n"
                      "            if 0 <= i + dy < h and 0 <= j + dx < w:\n"
                      "                out[:, i, j] = images[:, i + dy, j + dx]\n"
                      "    return out\n"},
        {"test_translate"}, "translate(one 3x4 image 1..12, dx=1, dy=0)"),
    "translate_dx_dy_swapped": (
        {"translate": "def translate(images, dx, dy):\n"
                      "    out = np.zeros_like(images)\n"
                      "    h, w = images.shape[1:3]\n"
                      "    for i in range(h):\n"
                      "        for j in range(w):\n"
                      "            if 0 <= i - dx < h and 0 <= j - dy < w:\n"
                      "                out[:, i, j] = images[:, i - dx, j - dy]\n"
                      "    return out\n"},
        {"test_translate"}, "translate(one 3x4 image 1..12, dx=1, dy=0)"),
    "translate_empty_slice_when_zero": (
        {"translate": "def translate(images, dx, dy):\n"
                      "    out = np.zeros_like(images)\n"
                      "    h, w = images.shape[1:3]\n"
                      "    src_rows = slice(0, -dy) if dy > 0 else slice(-dy, None)\n"
                      "    dst_rows = slice(dy, None) if dy > 0 else slice(0, dy)\n"
                      "    src_cols = slice(0, -dx) if dx > 0 else slice(-dx, None)\n"
                      "    dst_cols = slice(dx, None) if dx > 0 else slice(0, dx)\n"
                      "    out[:, dst_rows, dst_cols] = images[:, src_rows, src_cols]\n"
                      "    return out\n"},
        {"test_translate"}, "could not broadcast"),
    "translate_float_output": (
        {"translate": "def translate(images, dx, dy):\n"
                      "    out = np.zeros(images.shape)\n"
                      "    h, w = images.shape[1:3]\n"
                      "    for i in range(h):\n"
                      "        for j in range(w):\n"
                      "            if 0 <= i - dy < h and 0 <= j - dx < w:\n"
                      "                out[:, i, j] = images[:, i - dy, j - dx]\n"
                      "    return out\n"},
        {"test_translate"}, "returned dtype float64; expected int64"),
    "translate_no_check_for_large_shifts": (
        {"translate": "def translate(images, dx, dy):\n"
                      "    out = np.zeros_like(images)\n"
                      "    h, w = images.shape[1:3]\n"
                      "    out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \\\n"
                      "        images[:, max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]\n"
                      "    return out\n"},
        {"test_translate"}, "could not broadcast"),
    "translate_last_two_axes": (
        {"translate": "def translate(images, dx, dy):\n"
                      "    out = np.zeros_like(images)\n"
                      "    h, w = images.shape[-2:]\n"
                      "    if abs(dx) >= w or abs(dy) >= h:\n"
                      "        return out\n"
                      "    out[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \\\n"
                      "        images[..., max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]\n"
                      "    return out\n"},
        {"test_translate"}, "translate(images of shape (3, 5, 6, 3)"),
    # random_crop
    "crop_offset_never_last": (
        {"random_crop": "def random_crop(images, size, rng):\n"
                        "    h, w = size\n"
                        "    H, W = images.shape[1:3]\n"
                        "    if h > H or w > W:\n"
                        "        raise ValueError('too large')\n"
                        "    out = []\n"
                        "    for image in images:\n"
                        "        top, left = int(rng.random() * (H - h)), int(rng.random() * (W - w))\n"
                        "        out.append(image[top:top + h, left:left + w])\n"
                        "    return np.array(out)\n"},
        {"test_random_crop"}, "from 0 to H - h"),
    "crop_offset_integers_exclusive": (
        {"random_crop": "def random_crop(images, size, rng):\n"
                        "    h, w = size\n"
                        "    tops = rng.integers(0, images.shape[1] - h, size=len(images))\n"
                        "    lefts = rng.integers(0, images.shape[2] - w, size=len(images))\n"
                        "    return np.stack([x[t:t + h, l:l + w] for x, t, l in zip(images, tops, lefts)])\n"},
        {"test_random_crop"}, "a window as large as the image fits exactly once"),
    "crop_can_leave_the_image": (
        {"random_crop": "def random_crop(images, size, rng):\n"
                        "    h, w = size\n"
                        "    H, W = images.shape[1:3]\n"
                        "    if h > H or w > W:\n"
                        "        raise ValueError('too large')\n"
                        "    out = np.zeros((len(images), h, w) + images.shape[3:], images.dtype)\n"
                        "    for n in range(len(images)):\n"
                        "        top, left = rng.integers(0, H - h + 2), rng.integers(0, W - w + 2)\n"
                        "        window = images[n, top:top + h, left:left + w]\n"
                        "        out[n, :window.shape[0], :window.shape[1]] = window\n"
                        "    return out\n"},
        {"test_random_crop"}, "that lies inside image"),
    "crop_same_window_for_all_images": (
        {"random_crop": "def random_crop(images, size, rng):\n"
                        "    h, w = size\n"
                        "    H, W = images.shape[1:3]\n"
                        "    if h > H or w > W:\n"
                        "        raise ValueError('too large')\n"
                        "    top, left = rng.integers(0, H - h + 1), rng.integers(0, W - w + 1)\n"
                        "    return images[:, top:top + h, left:left + w].copy()\n"},
        {"test_random_crop"}, "every image was cropped at the same position"),
    "crop_global_np_random": (
        {"random_crop": "def random_crop(images, size, rng):\n"
                        "    h, w = size\n"
                        "    H, W = images.shape[1:3]\n"
                        "    if h > H or w > W:\n"
                        "        raise ValueError('too large')\n"
                        "    tops = np.random.randint(0, H - h + 1, size=len(images))\n"
                        "    lefts = np.random.randint(0, W - w + 1, size=len(images))\n"
                        "    return np.stack([x[t:t + h, l:l + w] for x, t, l in zip(images, tops, lefts)])\n"},
        {"test_random_crop"}, "same seed, same crops"),
    "crop_seeded_inside": (
        {"random_crop": "def random_crop(images, size, rng):\n"
                        "    rng = np.random.default_rng(0)\n"
                        "    h, w = size\n"
                        "    H, W = images.shape[1:3]\n"
                        "    if h > H or w > W:\n"
                        "        raise ValueError('too large')\n"
                        "    tops = rng.integers(0, H - h + 1, size=len(images))\n"
                        "    lefts = rng.integers(0, W - w + 1, size=len(images))\n"
                        "    return np.stack([x[t:t + h, l:l + w] for x, t, l in zip(images, tops, lefts)])\n"},
        {"test_random_crop"}, "for the seeds 42 and 43"),
    "crop_size_read_as_width_height": (
        {"random_crop": "def random_crop(images, size, rng):\n"
                        "    w, h = size\n"
                        "    H, W = images.shape[1:3]\n"
                        "    if h > H or w > W:\n"
                        "        raise ValueError('too large')\n"
                        "    tops = rng.integers(0, H - h + 1, size=len(images))\n"
                        "    lefts = rng.integers(0, W - w + 1, size=len(images))\n"
                        "    return np.stack([x[t:t + h, l:l + w] for x, t, l in zip(images, tops, lefts)])\n"},
        {"test_random_crop"}, "expected shape (2, 2, 3)"),
    "crop_clipped_instead_of_error": (
        {"random_crop": "def random_crop(images, size, rng):\n"
                        "    h, w = min(size[0], images.shape[1]), min(size[1], images.shape[2])\n"
                        "    tops = rng.integers(0, images.shape[1] - h + 1, size=len(images))\n"
                        "    lefts = rng.integers(0, images.shape[2] - w + 1, size=len(images))\n"
                        "    return np.stack([x[t:t + h, l:l + w] for x, t, l in zip(images, tops, lefts)])\n"},
        {"test_random_crop"}, "expected it to raise a ValueError"),
    # add_gaussian_noise
    "noise_global_np_random": (
        {"add_gaussian_noise": "def add_gaussian_noise(images, std, rng):\n"
                               "    return (images + np.random.normal(0, std, images.shape)).astype(images.dtype)\n"},
        {"test_add_gaussian_noise"}, "same seed, same noise"),
    "noise_changes_dtype": (
        {"add_gaussian_noise": "def add_gaussian_noise(images, std, rng):\n"
                               "    return images + rng.normal(0, std, images.shape)\n"},
        {"test_add_gaussian_noise"}, "returned dtype float64; expected float32"),
    "noise_in_place": (
        {"add_gaussian_noise": "def add_gaussian_noise(images, std, rng):\n"
                               "    images += rng.normal(0, std, images.shape).astype(images.dtype)\n"
                               "    return images\n"},
        {"test_add_gaussian_noise"}, "changed its argument images in place"),
    "noise_std_squared": (
        {"add_gaussian_noise": "def add_gaussian_noise(images, std, rng):\n"
                               "    return (images + rng.normal(0, std ** 2, images.shape)).astype(images.dtype)\n"},
        {"test_add_gaussian_noise"}, "the standard deviation of the noise"),
    "noise_uniform": (
        {"add_gaussian_noise": "def add_gaussian_noise(images, std, rng):\n"
                               "    return (images + rng.uniform(-std, std, images.shape)).astype(images.dtype)\n"},
        {"test_add_gaussian_noise"}, "the standard deviation of the noise"),
    "noise_same_for_every_image": (
        {"add_gaussian_noise": "def add_gaussian_noise(images, std, rng):\n"
                               "    return (images + rng.normal(0, std, images.shape[1:])).astype(images.dtype)\n"},
        {"test_add_gaussian_noise"}, "the first two images got the same noise"),
    "noise_one_value_per_image": (
        {"add_gaussian_noise": "def add_gaussian_noise(images, std, rng):\n"
                               "    shape = (len(images),) + (1,) * (images.ndim - 1)\n"
                               "    return (images + rng.normal(0, std, shape)).astype(images.dtype)\n"},
        {"test_add_gaussian_noise"}, "all pixels of an image got the same noise"),
    "noise_seeded_inside": (
        {"add_gaussian_noise": "def add_gaussian_noise(images, std, rng):\n"
                               "    rng = np.random.default_rng(1)\n"
                               "    return (images + rng.normal(0, std, images.shape)).astype(images.dtype)\n"},
        {"test_add_gaussian_noise"}, "for the seeds 42 and 43"),
    # mixup
    "mixup_lam_on_the_wrong_side": (
        {"mixup": "def mixup(x1, y1, x2, y2, lam):\n"
                  "    return (1 - lam) * x1 + lam * x2, (1 - lam) * y1 + lam * y2\n"},
        {"test_mixup"}, "x_mixed of mixup(ones, [1, 0, 0], zeros, [0, 0, 1], lam=0.25)"),
    "mixup_labels_not_mixed": (
        {"mixup": "def mixup(x1, y1, x2, y2, lam):\n"
                  "    return lam * x1 + (1 - lam) * x2, y1 if lam >= 0.5 else y2\n"},
        {"test_mixup"}, "y_mixed of mixup(ones, [1, 0, 0], zeros, [0, 0, 1], lam=0.25)"),
    "mixup_labels_added": (
        {"mixup": "def mixup(x1, y1, x2, y2, lam):\n"
                  "    return lam * x1 + (1 - lam) * x2, y1 + y2\n"},
        {"test_mixup"}, "y_mixed of mixup"),
    "mixup_float64_images": (
        {"mixup": "def mixup(x1, y1, x2, y2, lam):\n"
                  "    x1, x2 = np.asarray(x1, dtype=float), np.asarray(x2, dtype=float)\n"
                  "    return lam * x1 + (1 - lam) * x2, lam * y1 + (1 - lam) * y2\n"},
        {"test_mixup"}, "returned dtype float64; expected float32"),
    # make_augmenter
    "augmenter_reflect_fill": (
        {"make_augmenter": _augmenter(options="seed=seed")},
        {"test_make_augmenter"}, "use fill_mode='constant'"),
    "augmenter_flips_vertically_too": (
        {"make_augmenter": _augmenter(flip_options="seed=seed")},
        {"test_make_augmenter"}, "neither the original nor its left-right mirror image"),
    "augmenter_always_flips": (
        {"make_augmenter": _augmenter(flip_when="True")},
        {"test_make_augmenter"}, "(no transformation asked for) called with training=True"),
    "augmenter_active_at_inference": (
        {"make_augmenter": "def make_augmenter(flip=False, max_shift=0.0, max_rotation=0.0, max_zoom=0.0, seed=None):\n"
                           "    gen = keras.random.SeedGenerator(seed)\n"
                           "    def augment(x):\n"
                           "        if flip:\n"
                           "            x = keras.ops.flip(x, axis=2)\n"
                           "        return x + 0.0 * keras.random.uniform(keras.ops.shape(x), seed=gen)\n"
                           "    return keras.Sequential([keras.layers.Lambda(augment),\n"
                           "                             keras.layers.RandomTranslation(max_shift, max_shift, fill_mode='constant', seed=seed),\n"
                           "                             keras.layers.RandomRotation(max_rotation, fill_mode='constant', seed=seed),\n"
                           "                             keras.layers.RandomZoom(max_zoom, fill_mode='constant', seed=seed)])\n"},
        {"test_make_augmenter"}, "the model uses 'Lambda'"),
    "augmenter_ignores_seed": (
        {"make_augmenter": _augmenter(options='fill_mode="constant"', flip_options='"horizontal"')},
        {"test_make_augmenter"}, "pass the seed to every random layer"),
    "augmenter_returns_a_list": (
        {"make_augmenter": "def make_augmenter(flip=False, max_shift=0.0, max_rotation=0.0, max_zoom=0.0, seed=None):\n"
                           "    return [keras.layers.RandomFlip('horizontal', seed=seed),\n"
                           "            keras.layers.RandomTranslation(max_shift, max_shift, fill_mode='constant', seed=seed)]\n"},
        {"test_make_augmenter"}, "expected a keras.Sequential"),
    "augmenter_shifts_only_horizontally": (
        {"make_augmenter": _augmenter(translation="0.0, max_shift")}, {"test_make_augmenter"}, "moved a square up and down"),
    "augmenter_shifts_one_way": (
        {"make_augmenter": _augmenter(translation="(0.0, max_shift), (0.0, max_shift)")}, {"test_make_augmenter"},
        "in either direction"),
    "augmenter_only_zooms_in": (
        {"make_augmenter": _augmenter(zoom="(-max_zoom, 0.0)")}, {"test_make_augmenter"}, "both bigger"),
    "augmenter_rotates_one_way": (
        {"make_augmenter": _augmenter(rotation="(0.0, max_rotation)")}, {"test_make_augmenter"}, "either way"),
    "augmenter_half_the_rotation": (
        {"make_augmenter": _augmenter(rotation="max_rotation / 2")}, {"test_make_augmenter"}, "up to 36 degrees"),
    "augmenter_rotation_in_radians": (
        {"make_augmenter": _augmenter(rotation="max_rotation * 2 * np.pi")}, {"test_make_augmenter"}, "up to 36 degrees"),
}

# The misconception behind a mistake: (title, what to understand, book page, heading there).
# The grader names it when a student's failure matches the mistake's (autograder/diagnoses.py).
_PAGE, _CNN = "book/06_augmentation/augmentation", "book/06_augmentation/cnn"
_LABEL, _TASK = "Label-preserving transformations", "Which transformations preserve the label depends on the task"
_INSIDE, _BEYOND = "Augmentation layers belong inside the model", "Beyond geometry: noise and mixup"
_LAYOUT, _CROPS = "Batch normalization in a CNN: statistics per channel", "Crops and flips"

MISCONCEPTIONS = {
    # flip_horizontal (flip_fliplr gives the same result as flip_height_axis, and is named as it)
    "flip_height_axis": (
        "a vertical flip instead of a horizontal one",
        "A horizontal flip reverses the columns, axis 2 of a batch (N, H, W) or (N, H, W, C). Reversing axis 1, the "
        "rows (which np.fliplr does to a batch), turns the images upside down, a flip that changes what most images show.",
        _PAGE, _TASK),
    "flip_last_axis": (
        "the channels reversed instead of the columns",
        "In a batch of color images (N, H, W, C) the last axis holds the channels: reversing it swaps the colors and "
        "leaves the image as it was. The width is axis 2 in both layouts, so reverse axis 2.",
        _CNN, _LAYOUT),
    "flip_axis_1_for_color": (
        "the rows of color images flipped",
        "The channel axis comes last, (N, H, W, C), so the width is axis 2 for color images just as for grayscale "
        "ones: flipping axis 1 turns a color image upside down instead of mirroring it left to right.",
        _CNN, _LAYOUT),
    # translate
    "translate_roll": (
        "pixels wrapped around instead of filled with 0",
        "np.roll brings the pixels that leave one side of the image back in on the other, which no moved camera "
        "would see. A translation loses them, and fills the pixels that come in from outside the image with 0, "
        "the empty background of the digits.",
        _PAGE, _LABEL),
    "translate_last_two_axes": (
        "the last two axes taken for the height and the width",
        "Color images are (N, H, W, C), with the channels last: the height and the width are axes 1 and 2 in both "
        "layouts, so shift along those, not along the last two axes (the width and the channels).",
        _CNN, _LAYOUT),
    # random_crop
    "crop_offset_never_last": (
        "crop positions that never reach the last row or column",
        "A window of height h fits at H - h + 1 rows, its top from 0 to H - h included (and likewise for the "
        "columns); int(rng.random() * (H - h)) never gives H - h, so the windows along the bottom and right edges "
        "are never cut. Draw rng.integers(0, H - h + 1).",
        _CNN, _CROPS),
    "crop_offset_integers_exclusive": (
        "one window position too few (H - h instead of H - h + 1)",
        "The top row of a window of height h can be 0, 1, ..., H - h: H - h + 1 positions, exactly one when h = H. "
        "rng.integers excludes its upper bound, so draw rng.integers(0, H - h + 1); rng.integers(0, H - h) misses "
        "the last position and fails when h = H.",
        _CNN, _CROPS),
    "crop_can_leave_the_image": (
        "crops that reach past the image border",
        "A random crop cuts a window that lies entirely inside the image, its top from 0 to H - h and its left from "
        "0 to W - w; a window that runs past the border holds pixels that are not in the image. To move the content "
        "further, pad the image first, as the book does, and cut windows inside the padded image.",
        _CNN, _CROPS),
    "crop_same_window_for_all_images": (
        "one crop position for the whole batch",
        "Augmentation draws a new random transformation for every image of a batch: one position for all images "
        "moves them all the same way and gives the network less variety. Draw a top and a left for each image.",
        _PAGE, _LABEL),
    "crop_seeded_inside": (
        "the crops drawn from a generator seeded inside the function",
        "Seeding inside gives the same crops at every call, so every epoch would see the same variants: a fixed data "
        "set that the network can memorize again. Draw from the rng you are given, which moves on to new numbers at "
        "every call.",
        _PAGE, _INSIDE),
    # add_gaussian_noise
    "noise_in_place": (
        "noise added to the images themselves",
        "The noisy input x + ε is a new array: the clean images must stay as they are, so that every epoch adds fresh "
        "noise to them. Adding the noise in place (images += ...) changes the training set, and the noise of every "
        "epoch piles up in it.",
        _PAGE, _BEYOND),
    "noise_std_squared": (
        "the variance as the scale of rng.normal",
        "std is the standard deviation σ_ε of the noise ε ~ N(0, σ_ε² I), and the scale of rng.normal is a standard "
        "deviation too: pass std as it is. Squaring it gives noise of standard deviation σ_ε², much weaker when "
        "σ_ε < 1.",
        _PAGE, _BEYOND),
    "noise_uniform": (
        "uniform noise instead of Gaussian noise",
        "Noise injection adds Gaussian noise ε ~ N(0, σ_ε² I), with the standard deviation σ_ε = std: "
        "rng.normal(0, std, ...). Uniform noise on [-std, std] has another shape, and a standard deviation of only "
        "std / √3.",
        _PAGE, _BEYOND),
    "noise_same_for_every_image": (
        "the same noise for every image",
        "Every input gets its own random perturbation ε, independent of the other images': draw noise of shape "
        "images.shape, not one pattern of shape images.shape[1:] that every image of the batch shares.",
        _PAGE, _BEYOND),
    "noise_one_value_per_image": (
        "one noise value per image",
        "ε ~ N(0, σ_ε² I) has an independent value at every pixel (and channel) of every image: draw noise of shape "
        "images.shape. One value per image only makes the whole image brighter or darker.",
        _PAGE, _BEYOND),
    "noise_seeded_inside": (
        "the noise drawn from a generator seeded inside the function",
        "Seeding inside gives the same noise at every call, so every epoch would see the same noisy images: a fixed "
        "data set that the network can memorize again. Draw from the rng you are given, which moves on to new "
        "numbers at every call.",
        _PAGE, _INSIDE),
    # mixup
    "mixup_lam_on_the_wrong_side": (
        "the mixing weight on the wrong example",
        "Mixup gives the weight ρ (lam) to the first example and 1 - ρ to the second, x = ρ x1 + (1 - ρ) x2, "
        "so that lam = 1 gives back (x1, y1); the labels are mixed with the same weights.",
        _PAGE, _BEYOND),
    "mixup_labels_not_mixed": (
        "the images mixed but not the labels",
        "Mixup mixes the one-hot labels with the weights of the images, y = ρ y1 + (1 - ρ) y2: the soft label says "
        "how much of each class the mixed image is. The label of one of the two images alone is wrong for the "
        "mixture.",
        _PAGE, _BEYOND),
    "mixup_labels_added": (
        "the labels added instead of mixed",
        "The mixed label is a weighted average of the one-hot labels with the weights of the images, "
        "y = ρ y1 + (1 - ρ) y2: it sums to 1 and says how much of each class the mixture is. y1 + y2 ignores "
        "the weight and sums to 2.",
        _PAGE, _BEYOND),
    # make_augmenter
    "augmenter_reflect_fill": (
        "the mirroring fill, Keras's default, kept for digits",
        "The random translation, rotation and zoom layers fill the pixels that come in from outside by mirroring the "
        "image (fill_mode=\"reflect\"), which suits photos; images on an empty background, like the digits, are "
        "filled with 0: fill_mode=\"constant\".",
        _PAGE, _LABEL),
    "augmenter_flips_vertically_too": (
        "vertical flips as well as horizontal ones",
        "RandomFlip() flips both ways by default (\"horizontal_and_vertical\"), and an image upside down is not a "
        "plausible version of most images (trees do not grow downwards): ask for RandomFlip(\"horizontal\").",
        _PAGE, _TASK),
    "augmenter_shifts_only_horizontally": (
        "a translation along one axis only",
        "RandomTranslation(height_factor, width_factor) shifts by up to height_factor of the height vertically and "
        "width_factor of the width horizontally: a height factor of 0 never moves the images up or down. Give "
        "max_shift to both.",
        _PAGE, _LABEL),
    "augmenter_shifts_one_way": (
        "shifts in one direction only",
        "A single factor f means a shift by up to f either way, from -f to +f; the range (0, f) only ever moves the "
        "images one way. Pass max_shift (or (-max_shift, max_shift)) for the height and for the width.",
        _PAGE, _LABEL),
    "augmenter_only_zooms_in": (
        "a zoom that only zooms in",
        "RandomZoom(f) zooms in or out by up to f, from -f to +f (a negative factor zooms in); the range (-f, 0) "
        "only ever makes the images bigger. Pass max_zoom as it is.",
        _PAGE, _LABEL),
    "augmenter_rotates_one_way": (
        "rotations in one direction only",
        "A rotation factor f means up to ±f of a full turn, from -f to +f; the range (0, f) only ever turns the "
        "images one way. Pass max_rotation as it is.",
        _PAGE, _LABEL),
    "augmenter_half_the_rotation": (
        "half the rotation range",
        "RandomRotation(f) rotates by up to f of a full turn in each direction: a factor of 0.1 already means "
        "±36°, not a range of 36° to share between the two directions. Pass max_rotation as it is.",
        _PAGE, _LABEL),
    "augmenter_rotation_in_radians": (
        "the rotation factor in radians",
        "Keras's rotation factor is a fraction of a full turn, not an angle: 0.05 means up to ±18°. Multiplied by "
        "2π, 0.1 becomes 0.63 of a turn, up to ±226°; pass max_rotation as it is.",
        _PAGE, _LABEL),
}
