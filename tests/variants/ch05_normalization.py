"""Grading variants of exercise 5 (batch and layer normalization); format in CONTRIBUTING.md.

CORRECT: other right solutions, each must earn full marks.
MISTAKES: name -> (replaced solution cells, the test cells that must fail, a fragment of the feedback).
"""

# ---------------------------------------------------------------- correct, written differently

_FLOAT32 = {
    "batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99, eps=1e-3):
    x = np.asarray(x, dtype=np.float32)
    gamma, beta = np.float32(gamma), np.float32(beta)
    rm, rv = np.asarray(running_mean, dtype=np.float32), np.asarray(running_var, dtype=np.float32)
    if training:
        mu = x.mean(axis=0)
        var = ((x - mu) ** 2).mean(axis=0)
        rm, rv = momentum * rm + (1 - momentum) * mu, momentum * rv + (1 - momentum) * var
    else:
        mu, var = rm, rv
    inv = np.float32(1) / np.sqrt(var + np.float32(eps))
    xn = (x - mu) * inv
    return (gamma * xn + beta).astype(np.float32), rm.astype(np.float32), rv.astype(np.float32), (xn, inv, gamma)
''',
    "batchnorm_backward": '''
def batchnorm_backward(dout, cache):
    xn, inv, gamma = cache
    dout = np.asarray(dout, dtype=np.float32)
    n = dout.shape[0]
    dxn = dout * gamma
    dx = inv / n * (n * dxn - dxn.sum(axis=0) - xn * (dxn * xn).sum(axis=0))
    return dx.astype(np.float32), (dout * xn).sum(axis=0), dout.sum(axis=0)
''',
    "layernorm_forward": '''
def layernorm_forward(x, gamma, beta, eps=1e-3):
    x = np.asarray(x, dtype=np.float32)
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    inv = 1 / np.sqrt(var + np.float32(eps))
    xn = (x - mu) * inv
    return (np.float32(gamma) * xn + np.float32(beta)).astype(np.float32), (xn, inv, np.float32(gamma))
''',
    "layernorm_backward": '''
def layernorm_backward(dout, cache):
    xn, inv, gamma = cache
    dout = np.asarray(dout, dtype=np.float32)
    d = dout.shape[1]
    dxn = dout * gamma
    dx = inv / d * (d * dxn - dxn.sum(axis=1, keepdims=True) - xn * (dxn * xn).sum(axis=1, keepdims=True))
    return dx.astype(np.float32), (dout * xn).sum(axis=0), dout.sum(axis=0)
''',
}

# The long chain-rule form (a computational graph step by step), with a dict cache.
_CHAIN_RULE = {
    "batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99, eps=1e-3):
    if training:
        mu = np.mean(x, axis=0)
        xmu = x - mu
        sq = xmu ** 2
        var = np.mean(sq, axis=0)
        new_mean = momentum * running_mean + (1.0 - momentum) * mu
        new_var = momentum * running_var + (1.0 - momentum) * var
    else:
        mu, var = running_mean, running_var
        xmu = x - mu
        new_mean, new_var = running_mean.copy(), running_var.copy()
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    out = gamma * xhat + beta
    cache = {"xhat": xhat, "gamma": gamma, "xmu": xmu, "ivar": ivar, "sqrtvar": sqrtvar, "var": var, "eps": eps}
    return out, new_mean, new_var, cache
''',
    "batchnorm_backward": '''
def batchnorm_backward(dout, cache):
    xhat, gamma, xmu, ivar, sqrtvar, var, eps = (cache[k] for k in ("xhat", "gamma", "xmu", "ivar", "sqrtvar", "var", "eps"))
    N, D = dout.shape
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * xhat, axis=0)
    dxhat = dout * gamma
    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1.0 / (sqrtvar ** 2) * divar
    dvar = 0.5 * 1.0 / np.sqrt(var + eps) * dsqrtvar
    dsq = 1.0 / N * np.ones((N, D)) * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -1 * np.sum(dxmu1 + dxmu2, axis=0)
    dx2 = 1.0 / N * np.ones((N, D)) * dmu
    return dx1 + dx2, dgamma, dbeta
''',
    "layernorm_forward": '''
def layernorm_forward(x, gamma, beta, eps=1e-3):
    # Layer norm is batch norm of the transposed input, with gamma and beta applied afterwards.
    xt = np.asarray(x, dtype=float).T
    mu = xt.mean(axis=0)
    xmu = xt - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    xhat = (xmu / sqrtvar).T
    return gamma * xhat + beta, {"xhat": xhat, "xmu": xmu, "sqrtvar": sqrtvar, "gamma": gamma}
''',
    "layernorm_backward": '''
def layernorm_backward(dout, cache):
    xhat, xmu, sqrtvar, gamma = cache["xhat"], cache["xmu"], cache["sqrtvar"], cache["gamma"]
    dbeta = dout.sum(axis=0)
    dgamma = np.einsum("nd,nd->d", dout, xhat)
    dxhat = (dout * gamma).T  # (D, N): the normalized axis first, as in batch norm
    D = dxhat.shape[0]
    dvar = np.sum(dxhat * xmu, axis=0) * -0.5 * sqrtvar ** -3
    dmu = np.sum(-dxhat / sqrtvar, axis=0) + dvar * np.mean(-2.0 * xmu, axis=0)
    dx = dxhat / sqrtvar + dvar * 2.0 * xmu / D + dmu / D
    return dx.T, dgamma, dbeta
''',
}

# Explicit loops over features / examples, statistics from sums.
_LOOPS = {
    "batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99, eps=1e-3):
    N, D = x.shape
    out = np.empty((N, D))
    new_mean, new_var = np.empty(D), np.empty(D)
    cache = []
    for j in range(D):
        col = x[:, j].astype(float)
        if training:
            m = col.sum() / N
            v = ((col - m) ** 2).sum() / N
            new_mean[j] = running_mean[j] * momentum + m * (1 - momentum)
            new_var[j] = running_var[j] * momentum + v * (1 - momentum)
        else:
            m, v = running_mean[j], running_var[j]
            new_mean[j], new_var[j] = m, v
        xh = (col - m) / (v + eps) ** 0.5
        out[:, j] = gamma[j] * xh + beta[j]
        cache.append((xh, (v + eps) ** 0.5, gamma[j]))
    return out, new_mean, new_var, cache
''',
    "batchnorm_backward": '''
def batchnorm_backward(dout, cache):
    N, D = dout.shape
    dx, dgamma, dbeta = np.zeros((N, D)), np.zeros(D), np.zeros(D)
    for j, (xh, s, g) in enumerate(cache):
        d = dout[:, j]
        dbeta[j] = d.sum()
        dgamma[j] = (d * xh).sum()
        for i in range(N):
            dx[i, j] = g / (N * s) * (N * d[i] - d.sum() - xh[i] * (d * xh).sum())
    return dx, dgamma, dbeta
''',
    "layernorm_forward": '''
def layernorm_forward(x, gamma, beta, eps=1e-3):
    rows, caches = [], []
    for row in np.asarray(x, dtype=float):
        m = sum(row) / len(row)
        v = sum((row - m) ** 2) / len(row)
        xh = (row - m) / np.sqrt(v + eps)
        rows.append(gamma * xh + beta)
        caches.append((xh, np.sqrt(v + eps)))
    return np.array(rows), (caches, gamma)
''',
    "layernorm_backward": '''
def layernorm_backward(dout, cache):
    caches, gamma = cache
    dx = np.zeros_like(dout, dtype=float)
    dgamma, dbeta = np.zeros(dout.shape[1]), np.zeros(dout.shape[1])
    for i, (xh, s) in enumerate(caches):
        g = dout[i] * gamma
        dx[i] = (g - g.mean() - xh * np.mean(g * xh)) / s
        dgamma += dout[i] * xh
        dbeta += dout[i]
    return dx, dgamma, dbeta
''',
}

_KERAS_OTHER = {
    # Functional API, Dense without bias (BN's beta makes it redundant), ReLU layers, a separate softmax.
    "build_bn_classifier": '''
def build_bn_classifier(input_dim, n_classes, hidden_units, learning_rate=0.01):
    inputs = keras.Input(shape=(input_dim,))
    h = inputs
    for units in hidden_units:
        h = keras.layers.Dense(units, use_bias=False)(h)
        h = keras.layers.BatchNormalization()(h)
        h = keras.layers.ReLU()(h)
    outputs = keras.layers.Activation("softmax")(keras.layers.Dense(n_classes)(h))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model
''',
}

_KERAS_OPS = {
    "recalibrate_batchnorm": '''
def recalibrate_batchnorm(model, x):
    h = keras.ops.convert_to_tensor(x, dtype="float32")
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            mean, var = keras.ops.moments(h, axes=[0])
            gamma, beta, _, _ = layer.get_weights()
            layer.set_weights([gamma, beta, keras.ops.convert_to_numpy(mean), keras.ops.convert_to_numpy(var)])
        h = layer(h, training=False)
    return model
''',
}

# Names rebound to new arrays (x = x - mean), in-place operations only on arrays created here,
# np.asarray that returns the caller's float64 array itself, and at inference the given
# running statistics returned as they are (the same objects, unchanged).
_OWN_ARRAYS = {
    "batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99, eps=1e-3):
    x = np.asarray(x, dtype=np.float64)  # the caller's array itself when it is float64
    if training:
        mean = x.mean(axis=0)
        x = x - mean  # a new array: the caller's x is untouched
        var = np.mean(x * x, axis=0)
        new_mean = running_mean.copy()
        new_mean *= momentum
        new_mean += (1 - momentum) * mean
        new_var = np.multiply(running_var, momentum)
        np.add(new_var, (1 - momentum) * var, out=new_var)
    else:
        x = x - running_mean
        var = running_var
        new_mean, new_var = running_mean, running_var
    std = np.sqrt(var + eps)
    x /= std  # our own array by now
    out = x * gamma
    out += beta
    return out, new_mean, new_var, (x, std, gamma)
''',
    "batchnorm_backward": '''
def batchnorm_backward(dout, cache):
    x_hat, std, gamma = cache
    dx = dout * gamma
    dgamma = np.sum(dout * x_hat, axis=0)
    dx -= dx.mean(axis=0) + x_hat * (dx * x_hat).mean(axis=0)
    dx /= std
    return dx, dgamma, dout.sum(axis=0)
''',
    "layernorm_forward": '''
def layernorm_forward(x, gamma, beta, eps=1e-3):
    x = np.array(x, dtype=np.float64)  # a copy of our own: changing it in place is fine
    x -= x.mean(axis=1, keepdims=True)
    std = np.sqrt((x ** 2).mean(axis=1, keepdims=True) + eps)
    x /= std
    out = gamma * x
    out += beta
    return out, (x, std, gamma)
''',
    "layernorm_backward": '''
def layernorm_backward(dout, cache):
    x_hat, std, gamma = cache
    dx = dout * gamma
    dx -= dx.mean(axis=1, keepdims=True) + x_hat * (dx * x_hat).mean(axis=1, keepdims=True)
    dx /= std
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
''',
}

_KERAS_SUBCLASSED = {
    # A subclass of keras.Model whose call chains Keras layers; defaults written out or as objects.
    "build_bn_classifier": '''
class BNClassifier(keras.Model):
    def __init__(self, n_classes, hidden_units):
        super().__init__()
        self.blocks = [(keras.layers.Dense(units),
                        keras.layers.BatchNormalization(axis=1, momentum=0.99, epsilon=1e-3,
                                                        gamma_initializer=keras.initializers.Ones(),
                                                        moving_variance_initializer=keras.initializers.Constant(1.0)),
                        keras.layers.Activation(keras.activations.relu))
                       for units in hidden_units]
        self.out = keras.layers.Dense(n_classes)
        self.softmax = keras.layers.Softmax()

    def call(self, x, training=None):
        for dense, norm, relu in self.blocks:
            x = relu(norm(dense(x), training=training))
        return self.softmax(self.out(x))


def build_bn_classifier(input_dim, n_classes, hidden_units, learning_rate=0.01):
    model = BNClassifier(n_classes, hidden_units)
    model(np.zeros((1, input_dim), dtype="float32"))  # built by a call
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.9),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model
''',
}

_KERAS_NESTED = {
    # One Sequential block per hidden layer, inside a Sequential model.
    "build_bn_classifier": '''
def build_bn_classifier(input_dim, n_classes, hidden_units, learning_rate=0.01):
    blocks = [keras.Sequential([keras.layers.Dense(units, use_bias=False), keras.layers.BatchNormalization(),
                                keras.layers.ReLU()]) for units in hidden_units]
    model = keras.Sequential([keras.Input(shape=(input_dim,)), *blocks,
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
''',
}

CORRECT = {
    "float32": _FLOAT32,
    # float32 forward passes, float64 backward passes working from the float32 caches
    # float32 forward passes; float64 backward passes that work from the float32 caches
    "float32_forward_float64_backward": {
        "batchnorm_forward": _FLOAT32["batchnorm_forward"],
        "layernorm_forward": _FLOAT32["layernorm_forward"],
        "batchnorm_backward": '''
def batchnorm_backward(dout, cache):
    xn, inv, gamma = cache
    xn, inv = xn.astype(np.float64), inv.astype(np.float64)
    dxn = dout * gamma
    dx = inv * (dxn - dxn.mean(axis=0) - xn * (dxn * xn).mean(axis=0))
    return dx, (dout * xn).sum(axis=0), dout.sum(axis=0)
''',
        "layernorm_backward": '''
def layernorm_backward(dout, cache):
    xn, inv, gamma = cache
    dxn = dout * gamma
    dx = inv * (dxn - dxn.mean(axis=1, keepdims=True) - xn * (dxn * xn).mean(axis=1, keepdims=True))
    return dx, (dout * xn).sum(axis=0), dout.sum(axis=0)
''',
    },
    "chain_rule_dict_cache": _CHAIN_RULE,
    "loops": _LOOPS,
    "functional_no_bias_momentum_zero": _KERAS_OTHER,
    "keras_subclassed_defaults_written_out": _KERAS_SUBCLASSED,
    "keras_nested_blocks": _KERAS_NESTED,
    "keras_ops_set_weights": _KERAS_OPS,
    "own_arrays_in_place_rebound_names": _OWN_ARRAYS,
}

# ---------------------------------------------------------------- plausible mistakes

_BN_FORWARD = '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99, eps=1e-3):
    if training:
        mean, var = {STATS}
        new_running_mean = {RUN_MEAN}
        new_running_var = {RUN_VAR}
    else:
        mean, var = {INFER}
        new_running_mean, new_running_var = running_mean, running_var
    std = {STD}
    x_hat = (x - mean) / std
    return gamma * x_hat + beta, new_running_mean, new_running_var, (x_hat, std, gamma)
'''
_BN_PARTS = {"STATS": "x.mean(axis=0), x.var(axis=0)",
             "RUN_MEAN": "running_mean * momentum + mean * (1 - momentum)",
             "RUN_VAR": "running_var * momentum + var * (1 - momentum)",
             "INFER": "running_mean, running_var",
             "STD": "np.sqrt(var + eps)"}


def _bn_forward(**changes):
    code = _BN_FORWARD
    for key, value in {**_BN_PARTS, **changes}.items():
        code = code.replace("{" + key + "}", value)
    return {"batchnorm_forward": code}


_BN_BACKWARD = '''
def batchnorm_backward(dout, cache):
    x_hat, std, gamma = cache
    dx_hat = dout * gamma
    dx = {DX}
    return dx, {DGAMMA}, dout.sum(axis=0)
'''


def _bn_backward(dx="(dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0)) / std",
                 dgamma="(dout * x_hat).sum(axis=0)"):
    return {"batchnorm_backward": _BN_BACKWARD.replace("{DX}", dx).replace("{DGAMMA}", dgamma)}


_LN_FORWARD = '''
def layernorm_forward(x, gamma, beta, eps=1e-3):
    mean, var = {STATS}
    std = {STD}
    x_hat = (x - mean) / std
    return gamma * x_hat + beta, (x_hat, std, gamma)
'''


def _ln_forward(stats="x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)", std="np.sqrt(var + eps)"):
    return {"layernorm_forward": _LN_FORWARD.replace("{STATS}", stats).replace("{STD}", std)}


_LN_BACKWARD = '''
def layernorm_backward(dout, cache):
    x_hat, std, gamma = cache
    dx_hat = dout * gamma
    dx = {DX}
    return dx, {DGAMMA}, dout.sum(axis=0)
'''


def _ln_backward(dx="(dx_hat - dx_hat.mean(axis=1, keepdims=True) - x_hat * (dx_hat * x_hat).mean(axis=1, keepdims=True)) / std",
                 dgamma="(dout * x_hat).sum(axis=0)"):
    return {"layernorm_backward": _LN_BACKWARD.replace("{DX}", dx).replace("{DGAMMA}", dgamma)}


_BN_TESTS = {"test_batchnorm_forward", "test_batchnorm_backward"}
_LN_TESTS = {"test_layernorm_forward", "test_layernorm_backward"}

def _recalibrate_loop(variance="h.var(axis=0)", training="False"):
    """Our recalibrate_batchnorm with another variance or another mode for passing x on."""
    return f'''
def recalibrate_batchnorm(model, x):
    h = np.asarray(x, dtype=np.float32)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.moving_mean.assign(h.mean(axis=0))
            layer.moving_variance.assign({variance})
        h = np.asarray(layer(h, training={training}))
'''


def _bn_classifier(bn="", dense="", relu='keras.layers.Activation("relu")', units="units", extra="",
                   optimizer="keras.optimizers.Adam(learning_rate)", loss='"sparse_categorical_crossentropy"',
                   metrics='["accuracy"]'):
    """Our build_bn_classifier with one setting changed (relu="": no Activation layer)."""
    block = ", ".join(layer for layer in (f"keras.layers.Dense({units}, {dense})",
                                          f"keras.layers.BatchNormalization({bn})", relu, extra) if layer)
    return f'''
def build_bn_classifier(input_dim, n_classes, hidden_units, learning_rate=0.01):
    layers = [keras.Input(shape=(input_dim,))]
    for units in hidden_units:
        layers += [{block}]
    model = keras.Sequential(layers + [keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer={optimizer}, loss={loss}, metrics={metrics})
    return model
'''


MISTAKES = {
    # batchnorm_forward
    "bn_unbiased_variance": (_bn_forward(STATS="x.mean(axis=0), x.var(axis=0, ddof=1)"), _BN_TESTS, "unbiased variance"),
    "bn_eps_outside_sqrt": (_bn_forward(STD="np.sqrt(var) + eps"), _BN_TESTS, "outside the square root"),
    "bn_no_eps": (_bn_forward(STD="np.sqrt(var)"), _BN_TESTS, "left out eps"),
    "bn_momentum_reversed": (_bn_forward(RUN_MEAN="running_mean * (1 - momentum) + mean * momentum",
                                         RUN_VAR="running_var * (1 - momentum) + var * momentum"),
                             {"test_batchnorm_forward"}, "momentum is applied the wrong way round"),
    "bn_batch_stats_at_inference": (_bn_forward(INFER="x.mean(axis=0), x.var(axis=0)"),
                                    {"test_batchnorm_forward"}, "you used the batch statistics at inference"),
    "bn_returns_batch_stats": (_bn_forward(RUN_MEAN="mean", RUN_VAR="var"), {"test_batchnorm_forward"},
                               "you returned the batch statistics"),
    "bn_running_var_unbiased": (_bn_forward(RUN_VAR="running_var * momentum + x.var(axis=0, ddof=1) * (1 - momentum)"),
                                {"test_batchnorm_forward"}, "unbiased batch variance"),
    "bn_normalizes_rows": (_bn_forward(STATS="x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)"),
                           _BN_TESTS, "batchnorm_forward"),
    "bn_no_gamma_beta": ({"batchnorm_forward": _bn_forward()["batchnorm_forward"].replace(
        "return gamma * x_hat + beta,", "return x_hat,")}, _BN_TESTS, "did not scale by gamma"),
    # batchnorm_backward
    "bn_backward_ignores_statistics": (_bn_backward(dx="dx_hat / std"), {"test_batchnorm_backward"},
                                       "relative error"),
    "bn_backward_ignores_variance": (_bn_backward(dx="(dx_hat - dx_hat.mean(axis=0)) / std"), {"test_batchnorm_backward"},
                                     "relative error"),
    "bn_dgamma_wrong_axis": (_bn_backward(dgamma="(dout * x_hat).sum(axis=1)"), {"test_batchnorm_backward"},
                             "dgamma of batchnorm_backward"),
    "bn_dgamma_not_summed": (_bn_backward(dgamma="dout * x_hat"), {"test_batchnorm_backward"}, "has shape"),
    "bn_backward_forgets_gamma": (_bn_backward(dx="(dout - dout.mean(axis=0) - x_hat * (dout * x_hat).mean(axis=0)) / std"),
                                  {"test_batchnorm_backward"}, "dx of batchnorm_backward"),
    # layernorm_forward
    "ln_normalizes_batch_axis": (_ln_forward(stats="x.mean(axis=0), x.var(axis=0)"), _LN_TESTS, "normalized over axis 0"),
    "ln_unbiased_variance": (_ln_forward(stats="x.mean(axis=1, keepdims=True), x.var(axis=1, ddof=1, keepdims=True)"),
                             _LN_TESTS, "unbiased variance"),
    "ln_eps_outside_sqrt": (_ln_forward(std="np.sqrt(var) + eps"), _LN_TESTS, "outside the square root"),
    "ln_no_eps": (_ln_forward(std="np.sqrt(var)"), _LN_TESTS, "left out eps"),
    # layernorm_backward
    "ln_backward_gamma_outside": (_ln_backward(
        dx="gamma * (dout - dout.mean(axis=1, keepdims=True) - x_hat * (dout * x_hat).mean(axis=1, keepdims=True)) / std"),
        {"test_layernorm_backward"}, "dx of layernorm_backward"),
    "ln_backward_ignores_statistics": (_ln_backward(dx="dx_hat / std"), {"test_layernorm_backward"}, "relative error"),
    "ln_backward_batch_axis": (_ln_backward(
        dx="(dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0)) / std"),
        {"test_layernorm_backward"}, "dx of layernorm_backward"),
    "ln_dgamma_wrong_axis": (_ln_backward(dgamma="(dout * x_hat).sum(axis=1)"), {"test_layernorm_backward"},
                             "dgamma of layernorm_backward"),
    # build_bn_classifier
    "keras_activation_before_bn": ({"build_bn_classifier": _bn_classifier(dense='activation="relu"', relu="")},
        {"test_build_bn_classifier"}, "expected Dense -> BatchNormalization -> Activation"),
    "keras_relu_in_dense_and_after_bn": ({"build_bn_classifier": _bn_classifier(dense='activation="relu"')},
        {"test_build_bn_classifier"}, "leave it linear"),
    "keras_default_learning_rate": ({"build_bn_classifier": _bn_classifier(optimizer='"adam"')},
        {"test_build_bn_classifier"}, "learning rate"),
    "keras_bn_momentum": ({"build_bn_classifier": _bn_classifier(bn="momentum=0.9")}, {"test_build_bn_classifier"},
                          "BatchNormalization layer 1 has momentum=0.9; expected Keras's default 0.99"),
    "keras_bn_epsilon_of_pytorch": ({"build_bn_classifier": _bn_classifier(bn="epsilon=1e-5")},
                                    {"test_build_bn_classifier"},
                                    "BatchNormalization layer 1 has epsilon=1e-05; expected Keras's default 0.001"),
    "keras_bn_without_scale": ({"build_bn_classifier": _bn_classifier(bn="scale=False")}, {"test_build_bn_classifier"},
                               "has scale=False: it has no learned gamma"),
    "keras_bn_moving_variance_starts_at_zero": ({"build_bn_classifier": _bn_classifier(
        bn='moving_variance_initializer="zeros"')}, {"test_build_bn_classifier"},
        "BatchNormalization layer 1's moving_variance starts at [0.0, 0.0, 0.0, 0.0]...; expected Keras's default, all 1"),
    "keras_bn_gamma_regularizer": ({"build_bn_classifier": _bn_classifier(
        bn="gamma_regularizer=keras.regularizers.L2(1e-4)")}, {"test_build_bn_classifier"},
        "BatchNormalization layer 1 has a gamma_regularizer"),
    "keras_leaky_relu_layer": ({"build_bn_classifier": _bn_classifier(relu="keras.layers.ReLU(negative_slope=0.1)")},
                               {"test_build_bn_classifier"},
                               "not those of Dense -> BatchNormalization -> ReLU for each hidden layer"),
    "keras_hidden_units_ignored": ({"build_bn_classifier": _bn_classifier(units="64")}, {"test_build_bn_classifier"},
                                   "hidden Dense layer 1 has 64 units; expected 32"),
    "keras_kernel_regularizer": ({"build_bn_classifier": _bn_classifier(
        dense="kernel_regularizer=keras.regularizers.L2(1e-4)")}, {"test_build_bn_classifier"},
        "the kernel of hidden Dense layer 1 (32 units) is regularized, with L1L2(l1=0, l2=0.0001)"),
    "keras_dropout_after_relu": ({"build_bn_classifier": _bn_classifier(extra="keras.layers.Dropout(0.2)")},
                                 {"test_build_bn_classifier"}, "expected Dense -> BatchNormalization -> Activation"),
    "keras_sgd": ({"build_bn_classifier": _bn_classifier(optimizer="keras.optimizers.SGD(learning_rate)")},
                  {"test_build_bn_classifier"}, "compiled with the SGD optimizer; expected the Adam optimizer"),
    "keras_adam_beta_2": ({"build_bn_classifier": _bn_classifier(
        optimizer="keras.optimizers.Adam(learning_rate, beta_2=0.99)")}, {"test_build_bn_classifier"},
        "the Adam optimizer has beta_2=0.99; expected Keras's default 0.999"),
    "keras_categorical_crossentropy": ({"build_bn_classifier": _bn_classifier(loss='"categorical_crossentropy"')},
                                       {"test_build_bn_classifier"},
                                       "cannot be computed for integer labels of shape (24, 1)"),
    "keras_no_metric": ({"build_bn_classifier": _bn_classifier(metrics="[]")}, {"test_build_bn_classifier"},
                        'reports the metrics []; expected "accuracy"'),
    # recalibrate_batchnorm
    "recalibrate_not_sequential": ({"recalibrate_batchnorm": '''
def recalibrate_batchnorm(model, x):
    # All inputs computed first, with the old statistics of the earlier layers.
    h, inputs = np.asarray(x, dtype=np.float32), {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            inputs[layer.name] = h
        h = np.asarray(layer(h, training=False))
    for layer in model.layers:
        if layer.name in inputs:
            layer.moving_mean.assign(inputs[layer.name].mean(axis=0))
            layer.moving_variance.assign(inputs[layer.name].var(axis=0))
'''}, {"test_recalibrate_batchnorm"}, "are the layers after the first recalibrated"),
    "recalibrate_one_training_call": ({"recalibrate_batchnorm": '''
def recalibrate_batchnorm(model, x):
    model(x, training=True)  # with momentum 0.99 this moves the statistics by 1% only
'''}, {"test_recalibrate_batchnorm"}, "moving_mean of the first BatchNormalization layer"),
    "recalibrate_unbiased_variance": ({"recalibrate_batchnorm": _recalibrate_loop(variance="h.var(axis=0, ddof=1)")},
                                      {"test_recalibrate_batchnorm"}, "biased variance of its inputs"),
    "recalibrate_momentum_zero_training_pass": ({"recalibrate_batchnorm": '''
def recalibrate_batchnorm(model, x):
    # right without dropout; with it, the statistics are those of inputs with dropout on
    bns = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    old = [layer.momentum for layer in bns]
    for layer in bns:
        layer.momentum = 0.0
    model(x, training=True)
    for layer, momentum in zip(bns, old):
        layer.momentum = momentum
'''}, {"test_recalibrate_batchnorm"}, "with dropout off"),
    "recalibrate_passes_on_in_training_mode": ({"recalibrate_batchnorm": _recalibrate_loop(training="True")},
                                               {"test_recalibrate_batchnorm"}, "with dropout off"),
    "recalibrate_training_mode_inputs_fit": ({"recalibrate_batchnorm": '''
def recalibrate_batchnorm(model, x):
    # Trains the whole model again instead: changes the weights.
    model.fit(x, np.zeros(len(x), dtype=int), epochs=1, verbose=0)
'''}, {"test_recalibrate_batchnorm"}, "must not change"),
    # the arrays given changed in place (task 1 and task 3 say not to): the results are right
    "bn_running_stats_in_place": ({"batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99, eps=1e-3):
    if training:
        mu, var = x.mean(axis=0), x.var(axis=0)
        running_mean *= momentum
        running_mean += mu * (1 - momentum)
        running_var *= momentum
        running_var += var * (1 - momentum)
    else:
        mu, var = running_mean, running_var
    new_mean, new_var = running_mean, running_var
    std = np.sqrt(var + eps)
    x_hat = (x - mu) / std
    return gamma * x_hat + beta, new_mean, new_var, (x_hat, std, gamma)
'''}, {"test_batchnorm_forward"}, "changed its arguments running_mean and running_var in place"),
    # the backward test still passes: the cache holds the right x_hat
    "bn_normalizes_x_in_place": ({"batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99, eps=1e-3):
    if training:
        mu, var = x.mean(axis=0), x.var(axis=0)
        new_mean = running_mean * momentum + mu * (1 - momentum)
        new_var = running_var * momentum + var * (1 - momentum)
    else:
        mu, var = running_mean, running_var
        new_mean, new_var = running_mean, running_var
    inv = 1 / np.sqrt(var + eps)
    x -= mu
    x *= inv
    return gamma * x + beta, new_mean, new_var, (x, 1 / inv, gamma)
'''}, {"test_batchnorm_forward"}, "changed its argument x in place"),
    "ln_normalizes_x_in_place": ({"layernorm_forward": '''
def layernorm_forward(x, gamma, beta, eps=1e-3):
    mu, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    x -= mu
    x /= std
    return gamma * x + beta, (x, std, gamma)
'''}, {"test_layernorm_forward"}, "changed its argument x in place"),
    # the same mistakes in float32, where the tolerance is looser
    "bn_float32_eps_outside_sqrt": ({"batchnorm_forward": _FLOAT32["batchnorm_forward"].replace(
        "np.sqrt(var + np.float32(eps))", "(np.sqrt(var) + np.float32(eps))")}, _BN_TESTS, "outside the square root"),
    "bn_float32_unbiased_variance": ({"batchnorm_forward": _FLOAT32["batchnorm_forward"].replace(
        "var = ((x - mu) ** 2).mean(axis=0)", "var = ((x - mu) ** 2).sum(axis=0) / (len(x) - 1)")},
        _BN_TESTS, "unbiased variance"),
    "ln_float32_backward_gamma_outside": ({"layernorm_backward": _FLOAT32["layernorm_backward"].replace(
        "dxn = dout * gamma", "dxn = dout").replace("dx = inv / d", "dx = gamma * inv / d"),
        "layernorm_forward": _FLOAT32["layernorm_forward"]}, {"test_layernorm_backward"}, "dx of layernorm_backward"),
}


# ---------------------------------------------------------------------------------------------
# Task 7: the variance shift of dropout before batch normalization.
# ---------------------------------------------------------------------------------------------
def _shift(body: str) -> dict:
    return {"dropout_variance_shift": "def dropout_variance_shift(h, rate, eps=1e-3):\n" + body}


# Our solution with one expression changed (the mistakes below).
def _shift_with(var_train="np.mean(h * h, axis=0) / keep - h.mean(axis=0) ** 2", var_inference="h.var(axis=0)",
                std="np.sqrt(var_inference / (var_train + eps))") -> dict:
    return _shift(f'''
    h = np.asarray(h, dtype=np.float64)
    keep = 1.0 - rate
    var_inference = {var_inference}
    var_train = {var_train}
    std_inference = {std}
    return var_train, var_inference, std_inference
''')


CORRECT.update({
    # The chapter's equation, in float32.
    "shift_book_equation_float32": _shift('''
    h = np.asarray(h, dtype=np.float32)
    var = h.var(axis=0)
    var_train = var + np.float32(rate / (1 - rate)) * (h ** 2).mean(axis=0)
    return var_train, var, np.sqrt(var) / np.sqrt(var_train + np.float32(eps))
'''),
    # Straight from the distribution, unit by unit with Python sums: h_i / q with probability q / N, 0 otherwise.
    "shift_mixture_loops": _shift('''
    n, d = np.shape(h)
    q = 1 - rate
    var_train, var_inference, std_inference = [], [], []
    for j in range(d):
        column = [float(h[i][j]) for i in range(n)]
        mean = sum(column) / n
        second = sum(q / n * (x / q) ** 2 for x in column)
        var_train.append(second - mean ** 2)
        var_inference.append(sum((x - mean) ** 2 for x in column) / n)
        x_hat = [(x - mean) / (var_train[-1] + eps) ** 0.5 for x in column]
        std_inference.append((sum(v * v for v in x_hat) / n - (sum(x_hat) / n) ** 2) ** 0.5)
    return np.array(var_train), np.array(var_inference), np.array(std_inference)
'''),
    # Expectations over the mask written out: E[h~^2] = q * E[(h / q)^2]; np.std of the normalized values.
    "shift_expectations_and_std": _shift('''
    q = 1.0 - rate
    mean_square = q * np.mean((h / q) ** 2, axis=0)
    var_train = mean_square - np.mean(h, axis=0) ** 2
    normalized = (h - h.mean(axis=0, keepdims=True)) / np.sqrt(var_train + eps)
    return var_train, np.var(h, axis=0), np.std(normalized, axis=0)
'''),
})

MISTAKES.update({
    "shift_without_inverted_scaling": (_shift_with(var_train="np.mean((keep * h) * h, axis=0) - (keep * h.mean(axis=0)) ** 2"),
                                       {"test_dropout_variance_shift"}, "you left out the scaling by 1 / (1 - rate)"),
    "shift_rate_and_keep_exchanged": (_shift_with(var_train="h.var(axis=0) + keep / rate * np.mean(h * h, axis=0)"),
                                      {"test_dropout_variance_shift"}, "you exchanged rate and keep probability"),
    "shift_mean_zero_shortcut": (_shift_with(var_train="h.var(axis=0) / keep"), {"test_dropout_variance_shift"},
                                 "holds only for units of mean 0"),
    "shift_unbiased_variances": (_shift_with(var_inference="h.var(axis=0, ddof=1)",
                                             var_train="(np.mean(h * h, axis=0) / keep - h.mean(axis=0) ** 2) * len(h) / (len(h) - 1)"),
                                 {"test_dropout_variance_shift"}, "unbiased variance (ddof=1)"),
    "shift_std_inverted": (_shift_with(std="np.sqrt(var_train / (var_inference + eps))"), {"test_dropout_variance_shift"},
                           "std_inference is inverted"),
    "shift_std_without_sqrt": (_shift_with(std="var_inference / (var_train + eps)"), {"test_dropout_variance_shift"},
                               "take the square root"),
    "shift_eps_outside_sqrt": (_shift_with(std="np.sqrt(var_inference) / (np.sqrt(var_train) + eps)"),
                               {"test_dropout_variance_shift"}, "epsilon goes inside the square root"),
    "shift_without_eps": (_shift_with(std="np.sqrt(var_inference / var_train)"), {"test_dropout_variance_shift"},
                          "you left out eps"),
    "shift_recalibrated_statistics": (_shift_with(std="np.sqrt(var_inference / (var_inference + eps))"),
                                      {"test_dropout_variance_shift"}, "not the inference-mode variance"),
    "shift_centers_h_in_place": (_shift('''
    h -= h.mean(axis=0)
    keep = 1.0 - rate
    var_inference = np.mean(h ** 2, axis=0)
    var_train = var_inference + rate / keep * np.mean(h ** 2, axis=0)
    return var_train, var_inference, np.sqrt(var_inference / (var_train + eps))
'''), {"test_dropout_variance_shift"}, "changed its argument h in place"),
})

# The misconception behind a mistake: (title, what to understand, book page, heading there).
# The grader names it when a student's failure matches the mistake's (autograder/diagnoses.py).
_BN = "book/05_normalization/batch_norm"
_FIXED = "book/05_normalization/seed_batchnorm_fixed"
_LN = "book/05_normalization/layer_norm"
_SHIFT = "book/05_normalization/dropout_and_bn"
_FLAW_3 = "Flaw 3: there is no backward pass"
_FIXES = "Two fixes, and what they are worth"
_HOW_LARGE = "How large the shift is"

MISCONCEPTIONS = {
    # batchnorm_forward
    "bn_unbiased_variance": (
        "the unbiased variance in batch statistics",
        "Batch normalization divides by the batch size N, not N - 1: sigma_B^2 is the biased variance "
        "of the batch, np.var's default (ddof=0), and that is what Keras computes.",
        _BN, "The algorithm"),
    "bn_eps_outside_sqrt": (
        "epsilon added outside the square root in batch normalization",
        "Epsilon is added to the variance before the square root, sqrt(var + eps), not to the standard "
        "deviation: that is how Keras computes it, and a feature that is constant over the batch is "
        "then mapped to 0 instead of a division by zero.",
        _BN, "The algorithm"),
    "bn_no_eps": (
        "epsilon left out in batch normalization",
        "Batch normalization divides by sqrt(var + eps): the small eps maps a feature that is constant "
        "over the batch (variance 0) to 0 instead of dividing by zero, and limits how much a nearly "
        "constant feature is amplified.",
        _BN, "The algorithm"),
    "bn_momentum_reversed": (
        "the momentum of the running averages the wrong way round",
        "In Keras the momentum m is the weight of the old value: running = m * running + (1 - m) * batch, "
        "so with m = 0.99 each training step moves the average 1% of the way to the batch statistics. "
        "PyTorch's momentum is the weight of the new batch instead.",
        _BN, "Training and inference: two modes"),
    "bn_batch_stats_at_inference": (
        "batch statistics at inference",
        "At inference (training=False) batch normalization normalizes with the running averages "
        "running_mean and running_var, a fixed affine map: with the batch's own statistics an example's "
        "prediction would depend on the other examples in its batch.",
        _BN, "What goes wrong with batch statistics at test time"),
    "bn_returns_batch_stats": (
        "the batch statistics as the new running statistics",
        "Training moves the running averages only part of the way to the batch statistics, "
        "running * momentum + batch * (1 - momentum): they average over roughly the last "
        "1 / (1 - momentum) batches, so that inference does not depend on the last batch alone.",
        _BN, "Training and inference: two modes"),
    "bn_running_var_unbiased": (
        "the unbiased batch variance in the running variance",
        "Keras updates the running variance with the same biased batch variance sigma_B^2 (divide by N) "
        "that it normalizes with, not with the unbiased one (N - 1), which is PyTorch's choice there.",
        _BN, "Training and inference: two modes"),
    "bn_normalizes_rows": (
        "the statistics of each example instead of each feature (layer normalization)",
        "Batch normalization computes one mean and one variance per feature, over the N examples of the "
        "batch (axis 0, each column); statistics per example over its features (axis 1, each row) are "
        "those of layer normalization.",
        _LN, "Which axis each one normalizes"),
    "bn_no_gamma_beta": (
        "gamma and beta left out",
        "After normalizing, batch normalization scales and shifts each feature, out = gamma * x_hat + beta: "
        "the learned gamma and beta give back the freedom that forcing mean 0 and variance 1 takes away.",
        _BN, r"Why the learnable $\gamma$ and $\beta$"),
    # batchnorm_backward
    "bn_backward_ignores_statistics": (
        "the backward pass of a fixed scaling in batch normalization",
        "In training mode the batch mean and variance are functions of x too: every x_i moves the "
        "statistics of its column, so dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps) "
        "with g = gamma * dout, not just g / sqrt(var + eps).",
        _FIXED, _FLAW_3),
    "bn_backward_ignores_variance": (
        "the gradient through the batch variance left out",
        "The chain rule goes through x_hat, then through the batch variance, then through the batch mean: "
        "the variance's path gives the term - x_hat * mean(g * x_hat) of dx (g = gamma * dout), which "
        "removes the stretch of each column that the normalization makes irrelevant.",
        _FIXED, _FLAW_3),
    "bn_dgamma_wrong_axis": (
        "dgamma summed over the features in batch normalization",
        "gamma_j scales feature j of every example, so its gradient adds up the contributions of all "
        "examples: dgamma is the sum of dout * x_hat over the batch (axis 0), one value per feature.",
        _FIXED, _FLAW_3),
    "bn_dgamma_not_summed": (
        "dgamma left per example",
        "gamma has one value per feature, shared by all examples of the batch: its gradient is the sum of "
        "dout * x_hat over the examples (axis 0), of shape (D,) like gamma itself.",
        _FIXED, _FLAW_3),
    "bn_backward_forgets_gamma": (
        "gamma left out of dx",
        "The output is gamma * x_hat + beta, so the gradient that reaches x_hat is g = gamma * dout, and "
        "the backward pass through the normalization works from g, not from dout.",
        _FIXED, _FLAW_3),
    # layernorm_forward
    "ln_normalizes_batch_axis": (
        "the statistics of each feature instead of each example (batch normalization)",
        "Layer normalization computes one mean and one variance per example, over its D features (axis 1, "
        "each row), so that an example's output does not depend on the rest of the batch; statistics of "
        "each feature over the batch are those of batch normalization.",
        _LN, "Which axis each one normalizes"),
    "ln_unbiased_variance": (
        "the unbiased variance in layer normalization",
        "Layer normalization divides by the number of features D, not D - 1: sigma_i^2 is the biased "
        "variance of example i's features, np.var's default (ddof=0), and that is what Keras computes.",
        _LN, "Per-example statistics"),
    "ln_eps_outside_sqrt": (
        "epsilon added outside the square root in layer normalization",
        "Epsilon is added to each example's variance before the square root, sqrt(var + eps), as in batch "
        "normalization and in Keras: an example whose features are all equal is then mapped to beta "
        "instead of a division by zero.",
        _LN, "Per-example statistics"),
    "ln_no_eps": (
        "epsilon left out in layer normalization",
        "Layer normalization divides by sqrt(var + eps), with eps inside the square root as in batch "
        "normalization: an example whose features are all equal (variance 0) is then mapped to beta "
        "instead of a division by zero.",
        _LN, "Per-example statistics"),
    # layernorm_backward
    "ln_backward_gamma_outside": (
        "gamma taken out of layer normalization's backward pass",
        "The backward pass works from g = gamma * dout, the gradient with respect to x_hat. In batch "
        "normalization gamma is constant along the normalized axis and could be moved out of the mean "
        "terms; in layer normalization gamma_j changes along that axis, so it cannot.",
        _FIXED, _FLAW_3),
    "ln_backward_ignores_statistics": (
        "the backward pass of a fixed scaling in layer normalization",
        "Each example's mean and variance are functions of its features: every x_ij moves the statistics "
        "of its row, so dx subtracts the row means of g and of g * x_hat (g = gamma * dout) before "
        "dividing by sqrt(var + eps), as in batch normalization along the other axis.",
        _FIXED, _FLAW_3),
    "ln_backward_batch_axis": (
        "batch normalization's backward pass for layer normalization",
        "Layer normalization's statistics are over each example's features, so its backward pass takes "
        "the means of g and of g * x_hat over axis 1 (each row, keepdims=True), not over the batch as "
        "batch normalization's does.",
        _LN, "Which axis each one normalizes"),
    "ln_dgamma_wrong_axis": (
        "dgamma summed over the features in layer normalization",
        "gamma_j scales feature j of every example, in layer normalization as in batch normalization, so "
        "dgamma sums dout * x_hat over the examples (axis 0), one value per feature, although the "
        "statistics are taken over the features.",
        _LN, "Per-example statistics"),
    # build_bn_classifier
    "keras_activation_before_bn": (
        "batch normalization after the activation",
        "The chapter puts batch normalization between a layer's linear part and its nonlinearity, so that "
        "it normalizes the pre-activations: a Dense layer without activation, then BatchNormalization(), "
        "then Activation(\"relu\").",
        _BN, "Batch normalization in Keras"),
    "keras_relu_in_dense_and_after_bn": (
        "a ReLU in the Dense layer before batch normalization",
        "The Dense layer before BatchNormalization stays linear, so that batch normalization acts on the "
        "pre-activations; the ReLU comes once, after it, as a layer of its own.",
        _BN, "Batch normalization in Keras"),
    "keras_bn_momentum": (
        "the momentum of the lesson's NumPy class",
        "Keras's BatchNormalization uses the momentum m = 0.99 by default, a running average over roughly "
        "the last 100 training steps; 0.9 is the lesson's NumPy class's, a faster and noisier average. "
        "The task asks for Keras's defaults.",
        _BN, "Training and inference: two modes"),
    "keras_bn_epsilon_of_pytorch": (
        "the epsilon of PyTorch",
        "Keras's default epsilon is 1e-3; 1e-5 is PyTorch's default, and the lesson's NumPy class's. The "
        "task asks for BatchNormalization() with Keras's defaults.",
        _BN, "Training and inference: two modes"),
    "keras_bn_without_scale": (
        "batch normalization without its learned gamma",
        "With scale=False the layer has no gamma, and every normalized feature keeps variance 1: the learned "
        "gamma and beta give back the freedom that the normalization takes away, and Keras learns both by "
        "default.",
        _BN, r"Why the learnable $\gamma$ and $\beta$"),
    "keras_bn_moving_variance_starts_at_zero": (
        "the running variance started at zero",
        "Keras starts the moving variance at 1. Started at 0 it is far too small early in training, and "
        "inference divides by its square root: the outputs are inflated by 1 / sqrt(1 - m^t) after t steps, "
        "by 1 / sqrt(eps) before the first.",
        _FIXED, "Flaw 2: the running variance starts at zero"),
    # recalibrate_batchnorm
    "recalibrate_not_sequential": (
        "every layer recalibrated from the old network's inputs",
        "Each BatchNormalization layer's input depends on the statistics of the BN layers before it: "
        "recalibrate the layers in order, each from the inputs it receives once the layers before it "
        "have their new statistics.",
        _SHIFT, _FIXES),
    "recalibrate_one_training_call": (
        "a training-mode call to set the moving statistics",
        "A call with training=True moves the moving statistics only (1 - momentum) of the way to the "
        "batch's, 1% with Keras's 0.99. Recalibration sets them to the mean and variance of each layer's "
        "inputs, with assign.",
        _BN, "Batch normalization in Keras"),
    "recalibrate_unbiased_variance": (
        "the unbiased variance in the recalibrated statistics",
        "Batch normalization's variance is the biased one, dividing by the number of examples (np.var's "
        "default): the recalibrated moving variance is the biased variance of each layer's inputs.",
        _SHIFT, _FIXES),
    "recalibrate_momentum_zero_training_pass": (
        "statistics gathered in training mode, with dropout on",
        "Recalibration takes each layer's statistics from its inputs in inference mode, with dropout off, "
        "as they are at inference; in training mode dropout inflates their variance (the variance shift), "
        "and the moving variance would be wrong again.",
        _SHIFT, _FIXES),
    "recalibrate_training_mode_inputs_fit": (
        "training the model again to recalibrate it",
        "Recalibration changes only the moving statistics, from one pass of the data through the network in "
        "inference mode: no training. fit changes the weights, gamma and beta, and moves the statistics "
        "only 1% per step.",
        _SHIFT, _FIXES),
    # dropout_variance_shift
    "shift_without_inverted_scaling": (
        "vanilla instead of inverted dropout",
        "Keras's dropout is inverted: in training it passes on r * h / q with q = 1 - rate, which keeps "
        "each unit's mean; without the 1 / q the mean changes too. The training-mode variance is "
        "Var[h] + rate / q * E[h^2].",
        _SHIFT, _HOW_LARGE),
    "shift_rate_and_keep_exchanged": (
        "dropout rate and keep probability exchanged",
        "Keras's rate is the probability p_drop of dropping a unit, and q = 1 - rate that of keeping it: "
        "the training-mode variance grows by p_drop / q * E[h^2], little for a small rate.",
        _SHIFT, _HOW_LARGE),
    "shift_mean_zero_shortcut": (
        "the variance shift of a unit of mean zero",
        "Var[h] / q holds only for units of mean 0. In general the mean stays while E[h~^2] = E[h^2] / q, "
        "so Var_train = Var[h] + p_drop / q * E[h^2]: a nonzero mean, as after a ReLU, makes the shift "
        "larger.",
        _SHIFT, _HOW_LARGE),
    "shift_unbiased_variances": (
        "the unbiased variance",
        "Batch normalization's variances are the biased ones, dividing by the number of values (np.var's "
        "default): Var_inference is the biased variance of h over the N examples, and Var_train gives each "
        "example the probability 1 / N.",
        _BN, "The algorithm"),
    "shift_std_inverted": (
        "the spread at inference inverted",
        "At inference the BN layer divides by sqrt(Var_train + eps), learned behind dropout in training, "
        "while its input has the smaller variance Var_inference: the standard deviation of its output is "
        "sqrt(Var_inference / (Var_train + eps)), below 1.",
        _SHIFT, _HOW_LARGE),
    "shift_std_without_sqrt": (
        "a ratio of variances instead of a standard deviation",
        "The BN layer's normalized output has the variance Var_inference / (Var_train + eps) at inference; "
        "std_inference is its standard deviation, the square root of that.",
        _SHIFT, _HOW_LARGE),
    "shift_eps_outside_sqrt": (
        "epsilon added outside the square root in the variance-shift ratio",
        "The BN layer divides by sqrt(sigma_run^2 + eps), with epsilon inside the square root, so "
        "std_inference = sqrt(Var_inference / (Var_train + eps)).",
        _SHIFT, _HOW_LARGE),
    "shift_without_eps": (
        "epsilon left out in the variance-shift ratio",
        "At inference the BN layer divides by sqrt(sigma_run^2 + eps), epsilon included, so "
        "std_inference = sqrt(Var_inference / (Var_train + eps)).",
        _SHIFT, _HOW_LARGE),
    "shift_recalibrated_statistics": (
        "the inference-mode variance as the moving variance",
        "Behind a dropout layer the BN layer learns its moving variance in training mode, so "
        "sigma_run^2 = Var_train, not Var_inference: that mismatch is the variance shift. Only a "
        "recalibration (task 6) would make it Var_inference.",
        _SHIFT, _HOW_LARGE),
}
