"""Grading variants for exercise 2 (L1, L2 and Elastic Net): see CONTRIBUTING.md.

CORRECT: other correct solutions (loops, float32, other algebra, other solvers, other Keras
spellings) that must get full marks. MISTAKES: plausible wrong solutions, each with the
exact set of graded test cells that must fail and a fragment of the message the student sees.
"""

# ---------------------------------------------------------------------------------------------
# Correct solutions written differently.
# ---------------------------------------------------------------------------------------------
_COORDINATE_DESCENT_LASSO = '''
def lasso_fit(X, y, alpha, n_iters=1000):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = X.shape
    w = np.zeros(p)
    residual = y.copy()
    col_sq = (X ** 2).sum(axis=0) / n
    for _ in range(n_iters):
        for j in range(p):
            if col_sq[j] == 0:
                continue
            residual += X[:, j] * w[j]
            rho = X[:, j] @ residual / n
            w[j] = np.sign(rho) * max(abs(rho) - alpha, 0.0) / col_sq[j]
            residual -= X[:, j] * w[j]
    return w
'''

CORRECT = {
    "loops_and_isinstance_ndarray": {
        "l1_penalty": '''
def l1_penalty(weights, l1):
    if isinstance(weights, np.ndarray):
        weights = [weights]
    total = 0.0
    for array in weights:
        for value in np.ravel(array):
            total += abs(float(value))
    return l1 * total
''',
        "l2_penalty": '''
def l2_penalty(weights, l2):
    if isinstance(weights, np.ndarray):
        weights = [weights]
    return l2 * sum(float(np.vdot(a, a)) for a in weights)
''',
        # Builds on the (correct) functions of tasks 1 and 2, as the task allows.
        "elastic_net_penalty": '''
def elastic_net_penalty(weights, l1, l2):
    return l1_penalty(weights, l1) + l2_penalty(weights, l2)
''',
    },
    "concatenate_and_float32": {
        "l1_penalty": '''
def l1_penalty(weights, l1):
    arrays = list(weights) if isinstance(weights, (list, tuple)) else [weights]
    flat = np.concatenate([np.asarray(a, dtype=np.float32).ravel() for a in arrays])
    return np.float32(l1) * np.sum(np.abs(flat))
''',
        "l2_penalty": '''
def l2_penalty(weights, l2):
    arrays = list(weights) if isinstance(weights, (list, tuple)) else [weights]
    flat = np.concatenate([np.asarray(a, dtype=np.float32).ravel() for a in arrays])
    return np.float32(l2) * np.dot(flat, flat)
''',
        "elastic_net_penalty": '''
def elastic_net_penalty(weights, l1, l2):
    arrays = weights if type(weights) is list else [weights]
    return sum(l1 * np.linalg.norm(np.ravel(a), 1) + l2 * np.linalg.norm(np.ravel(a)) ** 2 for a in arrays)
''',
    },
    "where_and_clip": {
        "l1_subgradient": '''
def l1_subgradient(w, l1):
    w = np.asarray(w)
    return np.where(w > 0, l1, np.where(w < 0, -l1, 0.0))
''',
        "l2_gradient": '''
def l2_gradient(w, l2):
    return l2 * (np.asarray(w) + np.asarray(w))
''',
        "soft_threshold": '''
def soft_threshold(w, t):
    w = np.asarray(w, dtype=float)
    return w - np.clip(w, -t, t)
''',
    },
    "two_sided_max_and_loops": {
        "l1_subgradient": '''
def l1_subgradient(w, l1):
    w = np.asarray(w, dtype=float)
    out = np.zeros_like(w)
    for index, value in np.ndenumerate(w):
        if value > 0:
            out[index] = l1
        elif value < 0:
            out[index] = -l1
    return out
''',
        "soft_threshold": '''
def soft_threshold(w, t):
    w = np.asarray(w, dtype=float)
    return np.maximum(w - t, 0.0) - np.maximum(-w - t, 0.0)
''',
    },
    "inverse_matrix_and_coordinate_descent": {
        "ridge_fit": '''
def ridge_fit(X, y, alpha):
    return np.linalg.inv(X.T @ X + alpha * np.identity(X.shape[1])) @ X.T @ y
''',
        "lasso_fit": _COORDINATE_DESCENT_LASSO,
    },
    "augmented_lstsq_and_fista": {
        "ridge_fit": '''
def ridge_fit(X, y, alpha):
    p = X.shape[1]
    X_aug = np.vstack([X, np.sqrt(alpha) * np.eye(p)])
    y_aug = np.concatenate([y, np.zeros(p)])
    return np.linalg.lstsq(X_aug, y_aug, rcond=None)[0]
''',
        # Accelerated proximal gradient with the (larger, safe) Frobenius bound on the Lipschitz constant.
        "lasso_fit": '''
def lasso_fit(X, y, alpha, n_iters=1000):
    n, p = X.shape
    L = np.sum(X ** 2) / n
    w = np.zeros(p)
    v = w.copy()
    s = 1.0
    for _ in range(n_iters):
        grad = X.T @ (X @ v - y) / n
        u = v - grad / L
        w_next = np.sign(u) * np.maximum(np.abs(u) - alpha / L, 0)
        s_next = (1 + np.sqrt(1 + 4 * s * s)) / 2
        v = w_next + (s - 1) / s_next * (w_next - w)
        w, s = w_next, s_next
    return w
''',
    },
    "svd_ridge_and_float32_ista": {
        "ridge_fit": '''
def ridge_fit(X, y, alpha):
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt.T @ ((s / (s ** 2 + alpha)) * (U.T @ y))
''',
        "lasso_fit": '''
def lasso_fit(X, y, alpha, n_iters=1000):
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    n = X.shape[0]
    step = np.float32(1.0 / np.linalg.norm(X, 2) ** 2 * n)
    w = np.zeros(X.shape[1], dtype=np.float32)
    for _ in range(n_iters):
        z = w - step * X.T @ (X @ w - y) / n
        w = np.sign(z) * np.maximum(np.abs(z) - step * alpha, 0)
    return w
''',
    },
    "density_formulas_rewritten": {
        "gaussian_neg_log_prior": '''
def gaussian_neg_log_prior(w, sigma):
    w = np.asarray(w, dtype=float)
    log_density = -np.log(sigma) - 0.5 * np.log(2 * np.pi) - 0.5 * (w / sigma) ** 2
    return -log_density.sum()
''',
        "laplace_neg_log_prior": '''
def laplace_neg_log_prior(w, b):
    w = np.asarray(w, dtype=float)
    return w.size * np.log(2 * b) + np.sum(np.abs(w)) / b
''',
        "map_l2_strength": '''
def map_l2_strength(noise_var, prior_var):
    # minimize ||y - Xw||^2 / (2 s2) + ||w||^2 / (2 tau2), times 2 s2
    return 2 * noise_var * (1 / (2 * prior_var))
''',
        "map_l1_strength": '''
def map_l1_strength(noise_var, prior_scale):
    return noise_var / prior_scale * 2
''',
    },
    "keras_functional_aliases": {
        "build_regularized_classifier": '''
def build_regularized_classifier(input_dim, l1, l2):
    from keras import layers, regularizers
    inputs = keras.Input(shape=(input_dim,))
    h = layers.Dense(128, kernel_regularizer=regularizers.l1_l2(l1=l1, l2=l2))(inputs)
    h = layers.Activation("relu")(h)
    h = layers.Dense(64, activation="relu", kernel_regularizer=regularizers.l1_l2(l1=l1, l2=l2))(h)
    outputs = layers.Dense(1, activation="sigmoid")(h)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss=keras.losses.BinaryCrossentropy(),
                  metrics=["accuracy"])
    return model
''',
    },
    "copy_then_update_in_place": {
        # In-place updates of a copy are fine: the arrays given stay as they were.
        "l1_penalty": '''
def l1_penalty(weights, l1):
    arrays = weights if isinstance(weights, (list, tuple)) else [weights]
    total = 0.0
    for a in arrays:
        a = np.array(a, dtype=float)
        np.abs(a, out=a)
        total += a.sum()
    return l1 * total
''',
        "l1_subgradient": '''
def l1_subgradient(w, l1):
    out = np.array(w, dtype=float)
    np.sign(out, out=out)
    out *= l1
    return out
''',
        "l2_gradient": '''
def l2_gradient(w, l2):
    w = np.array(w, dtype=float)
    w *= 2 * l2
    return w
''',
        "soft_threshold": '''
def soft_threshold(w, t):
    w = np.array(w, dtype=float)
    small = np.abs(w) <= t
    w -= t * np.sign(w)
    w[small] = 0.0
    return w
''',
    },
    "keras_relu_and_sigmoid_layers": {
        "build_regularized_classifier": '''
def build_regularized_classifier(input_dim, l1, l2):
    model = keras.Sequential([
        keras.Input(shape=(input_dim,)),
        keras.layers.Dense(128, kernel_regularizer=keras.regularizers.L1L2(l1=l1, l2=l2)),
        keras.layers.ReLU(),
        keras.layers.Dense(64, kernel_regularizer=keras.regularizers.L1L2(l1=l1, l2=l2)),
        keras.layers.Activation("relu"),
        keras.layers.Dense(1),
        keras.layers.Activation("sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(), loss="binary_crossentropy",
                  metrics=[keras.metrics.BinaryAccuracy(name="accuracy")])
    return model
''',
    },
    "keras_subclassed_model": {
        "build_regularized_classifier": '''
class RegularizedMLP(keras.Model):
    def __init__(self, l1, l2):
        super().__init__()
        self.hidden1 = keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L1L2(l1=l1, l2=l2))
        self.hidden2 = keras.layers.Dense(64, activation="relu", kernel_regularizer=keras.regularizers.L1L2(l1=l1, l2=l2))
        self.classifier = keras.layers.Dense(1, activation="sigmoid")

    def call(self, x):
        return self.classifier(self.hidden2(self.hidden1(x)))


def build_regularized_classifier(input_dim, l1, l2):
    model = RegularizedMLP(l1, l2)
    model.build((None, input_dim))
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
    return model
''',
    },
    "keras_l1_or_l2_alone_and_nested_block": {
        # L1 or L2 alone when the other strength is 0 (the same penalty), the hidden layers in a block of their own
        "build_regularized_classifier": '''
def build_regularized_classifier(input_dim, l1, l2):
    def penalty():
        if l1 == 0:
            return keras.regularizers.L2(l2)
        if l2 == 0:
            return keras.regularizers.L1(l1)
        return keras.regularizers.L1L2(l1, l2)

    hidden = keras.Sequential([keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty()),
                               keras.layers.Dense(64, activation="relu", kernel_regularizer=penalty())])
    model = keras.Sequential([keras.Input(shape=(input_dim,)), hidden, keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
''',
    },
    "keras_callable_regularizer_and_input_shape": {
        # A plain function as the regularizer, and the seed's deprecated input_shape argument
        # (its warning goes to stdout through show_warnings_on_stdout).
        "build_regularized_classifier": '''
def build_regularized_classifier(input_dim, l1, l2):
    def penalty(kernel):
        return l1 * keras.ops.sum(keras.ops.abs(kernel)) + l2 * keras.ops.sum(keras.ops.square(kernel))

    model = keras.models.Sequential([
        keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty, input_shape=(input_dim,)),
        keras.layers.Dense(64, activation="relu", kernel_regularizer=penalty),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
''',
    },
}

# ---------------------------------------------------------------------------------------------
# Plausible mistakes: (replaced solution cells, exactly the tests that must fail, message fragment).
# ---------------------------------------------------------------------------------------------
def _regularized_classifier(activation='"relu"', optimizer='"adam"', loss='"binary_crossentropy"',
                            metrics='["accuracy"]', reg="keras.regularizers.L1L2(l1=l1, l2=l2)", second_reg="reg",
                            hidden_kwargs="", units=(128, 64), between=""):
    """Our build_regularized_classifier with one setting changed."""
    return f'''
def build_regularized_classifier(input_dim, l1, l2):
    reg = {reg}
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense({units[0]}, activation={activation}, kernel_regularizer=reg{hidden_kwargs}),
                              {between}keras.layers.Dense({units[1]}, activation={activation}, kernel_regularizer={second_reg}),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer={optimizer}, loss={loss}, metrics={metrics})
    return model
'''


MISTAKES = {
    "l2_half_factor": (
        {"l2_penalty": '''
def l2_penalty(weights, l2):
    arrays = weights if isinstance(weights, list) else [weights]
    return 0.5 * l2 * sum(np.sum(np.asarray(a) ** 2) for a in arrays)
'''},
        {"test_l2_penalty"},
        "l2_penalty([1, -2, 0, 3], l2=0.1) returned 0.7; expected 1.4",
    ),
    "l1_forgets_abs": (
        {"l1_penalty": '''
def l1_penalty(weights, l1):
    arrays = weights if isinstance(weights, list) else [weights]
    return l1 * sum(np.sum(a) for a in arrays)
'''},
        {"test_l1_penalty"},
        "l1_penalty([1, -2, 0, 3], l1=0.1) returned 0.2; expected 0.6",
    ),
    "penalty_ignores_lists": (
        {"l1_penalty": '''
def l1_penalty(weights, l1):
    return l1 * np.sum(np.abs(np.asarray(weights)))
'''},
        {"test_l1_penalty"},
        "inhomogeneous",
    ),
    "penalty_only_first_array": (
        {"l2_penalty": '''
def l2_penalty(weights, l2):
    w = weights[0] if isinstance(weights, list) else weights
    return l2 * np.sum(np.square(w))
'''},
        {"test_l2_penalty"},
        "a list of two arrays",
    ),
    "elastic_net_swapped": (
        {"elastic_net_penalty": '''
def elastic_net_penalty(weights, l1, l2):
    arrays = weights if isinstance(weights, list) else [weights]
    return sum(l2 * np.abs(a).sum() + l1 * np.square(a).sum() for a in arrays)
'''},
        {"test_elastic_net_penalty"},
        "elastic_net_penalty([1, -2, 0, 3], l1=0.1, l2=0.01)",
    ),
    "elastic_net_half_l2": (
        {"elastic_net_penalty": '''
def elastic_net_penalty(weights, l1, l2):
    arrays = weights if isinstance(weights, list) else [weights]
    return sum(l1 * np.abs(a).sum() + 0.5 * l2 * np.square(a).sum() for a in arrays)
'''},
        {"test_elastic_net_penalty"},
        "expected 0.74",
    ),
    "subgradient_divides_by_abs": (
        {"l1_subgradient": '''
def l1_subgradient(w, l1):
    return l1 * w / np.abs(w)
'''},
        {"test_l1_subgradient"},
        "non-finite value",
    ),
    "subgradient_sign_zero_positive": (
        {"l1_subgradient": '''
def l1_subgradient(w, l1):
    return np.where(np.asarray(w) >= 0, l1, -l1)
'''},
        {"test_l1_subgradient"},
        "l1_subgradient([-2, 0, 3], l1=0.5): 1 of 3 values are wrong",
    ),
    "subgradient_forgets_l1": (
        {"l1_subgradient": '''
def l1_subgradient(w, l1):
    return np.sign(w)
'''},
        {"test_l1_subgradient"},
        "l1_subgradient([-2, 0, 3], l1=0.5): 2 of 3 values are wrong",
    ),
    "l2_gradient_half": (
        {"l2_gradient": '''
def l2_gradient(w, l2):
    return l2 * np.asarray(w, dtype=float)
'''},
        {"test_l2_gradient"},
        "l2_gradient([-2, 0, 3], l2=0.5): 2 of 3 values are wrong",
    ),
    "soft_threshold_crosses_zero": (
        {"soft_threshold": '''
def soft_threshold(w, t):
    return w - t * np.sign(w)
'''},
        {"test_soft_threshold"},
        "soft_threshold([-3, -0.5, 0, 0.5, 3], t=1): 2 of 5 values are wrong",
    ),
    "hard_threshold": (
        {"soft_threshold": '''
def soft_threshold(w, t):
    return np.where(np.abs(w) > t, w, 0.0)
'''},
        {"test_soft_threshold"},
        "soft_threshold([-3, -0.5, 0, 0.5, 3], t=1)",
    ),
    "soft_threshold_positive_side_only": (
        {"soft_threshold": '''
def soft_threshold(w, t):
    return np.maximum(w - t, 0.0)
'''},
        {"test_soft_threshold"},
        "got 0, expected -2",
    ),
    "ridge_two_alpha": (
        {"ridge_fit": '''
def ridge_fit(X, y, alpha):
    return np.linalg.solve(X.T @ X + 2 * alpha * np.eye(X.shape[1]), X.T @ y)
'''},
        {"test_ridge_fit"},
        "ridge_fit(X = [[1, 0], [-1, 0], [0, 1], [0, -1]], y = [2, -2, 4, -4], alpha=2)",
    ),
    "ridge_with_intercept": (
        {"ridge_fit": '''
def ridge_fit(X, y, alpha):
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    return np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ yc)
'''},
        {"test_ridge_fit"},
        "(no intercept: do not center)",
    ),
    "ridge_alpha_added_everywhere": (
        {"ridge_fit": '''
def ridge_fit(X, y, alpha):
    return np.linalg.solve(X.T @ X + alpha, X.T @ y)
'''},
        {"test_ridge_fit"},
        "ridge_fit(X = [[1, 0], [-1, 0], [0, 1], [0, -1]], y = [2, -2, 4, -4], alpha=2)",
    ),
    "lasso_without_1_over_2n": (
        {"lasso_fit": '''
def lasso_fit(X, y, alpha, n_iters=1000):
    # minimizes ||y - Xw||^2 + alpha ||w||_1 instead
    L = 2 * np.linalg.norm(X, 2) ** 2
    w = np.zeros(X.shape[1])
    for _ in range(n_iters):
        z = w - 2 * X.T @ (X @ w - y) / L
        w = np.sign(z) * np.maximum(np.abs(z) - alpha / L, 0)
    return w
'''},
        {"test_lasso_fit"},
        "lasso_fit(X with orthogonal columns, y, alpha=0.5)",
    ),
    "lasso_1_over_n": (
        {"lasso_fit": '''
def lasso_fit(X, y, alpha, n_iters=1000):
    # minimizes (1/n) ||y - Xw||^2 + alpha ||w||_1 instead
    n = X.shape[0]
    L = 2 * np.linalg.norm(X, 2) ** 2 / n
    w = np.zeros(X.shape[1])
    for _ in range(n_iters):
        z = w - 2 * X.T @ (X @ w - y) / n / L
        w = np.sign(z) * np.maximum(np.abs(z) - alpha / L, 0)
    return w
'''},
        {"test_lasso_fit"},
        "lasso_fit(X with orthogonal columns, y, alpha=0.5)",
    ),
    "lasso_shrink_crosses_zero": (
        {"lasso_fit": '''
def lasso_fit(X, y, alpha, n_iters=1000):
    n = X.shape[0]
    step = n / np.linalg.norm(X, 2) ** 2
    w = np.zeros(X.shape[1])
    for _ in range(n_iters):
        z = w - step * X.T @ (X @ w - y) / n
        w = z - step * alpha * np.sign(z)
    return w
'''},
        {"test_lasso_fit"},
        "lasso_fit(X with orthogonal columns, y, alpha=1.5)",
    ),
    "lasso_with_intercept": (
        {"lasso_fit": '''
def lasso_fit(X, y, alpha, n_iters=1000):
    X = X - X.mean(axis=0)
    y = y - y.mean()
    n = X.shape[0]
    step = n / max(np.linalg.norm(X, 2) ** 2, 1e-12)
    w = np.zeros(X.shape[1])
    for _ in range(n_iters):
        z = w - step * X.T @ (X @ w - y) / n
        w = np.sign(z) * np.maximum(np.abs(z) - step * alpha, 0)
    return w
'''},
        {"test_lasso_fit"},
        "lasso_fit(X with orthogonal columns, y, alpha=0.5)",
    ),
    "lasso_step_one": (
        # Step 1 is right for standardized, uncorrelated columns (the public examples) and
        # diverges on columns with nonzero means (the hidden ones).
        {"lasso_fit": '''
def lasso_fit(X, y, alpha, n_iters=1000):
    n = X.shape[0]
    w = np.zeros(X.shape[1])
    with np.errstate(all="ignore"):
        for _ in range(n_iters):
            z = w - X.T @ (X @ w - y) / n
            w = np.sign(z) * np.maximum(np.abs(z) - alpha, 0)
    return w
'''},
        {"test_lasso_fit"},
        "against scikit-learn's Lasso(alpha, fit_intercept=False)",
    ),
    "gaussian_without_normalizer": (
        {"gaussian_neg_log_prior": '''
def gaussian_neg_log_prior(w, sigma):
    return np.sum(np.asarray(w) ** 2) / (2 * sigma ** 2)
'''},
        {"test_gaussian_neg_log_prior"},
        "gaussian_neg_log_prior([0], sigma=1) returned 0; expected 0.9189",
    ),
    "gaussian_normalizer_once": (
        {"gaussian_neg_log_prior": '''
def gaussian_neg_log_prior(w, sigma):
    return 0.5 * np.log(2 * np.pi * sigma ** 2) + np.sum(np.asarray(w) ** 2) / (2 * sigma ** 2)
'''},
        {"test_gaussian_neg_log_prior"},
        "gaussian_neg_log_prior([2, -2], sigma=2)",
    ),
    "gaussian_sigma_not_squared": (
        {"gaussian_neg_log_prior": '''
def gaussian_neg_log_prior(w, sigma):
    w = np.asarray(w, dtype=float)
    return np.sum(0.5 * np.log(2 * np.pi * sigma) + w ** 2 / (2 * sigma ** 2))
'''},
        {"test_gaussian_neg_log_prior"},
        "gaussian_neg_log_prior([2, -2], sigma=2)",
    ),
    "laplace_without_normalizer": (
        {"laplace_neg_log_prior": '''
def laplace_neg_log_prior(w, b):
    return np.sum(np.abs(w)) / b
'''},
        {"test_laplace_neg_log_prior"},
        "laplace_neg_log_prior([1, -3], b=1) returned 4",
    ),
    "laplace_log_b_instead_of_log_2b": (
        {"laplace_neg_log_prior": '''
def laplace_neg_log_prior(w, b):
    w = np.asarray(w, dtype=float)
    return np.sum(np.log(b) + np.abs(w) / b)
'''},
        {"test_laplace_neg_log_prior"},
        "laplace_neg_log_prior([0], b=0.5)",
    ),
    "laplace_forgets_abs": (
        {"laplace_neg_log_prior": '''
def laplace_neg_log_prior(w, b):
    w = np.asarray(w, dtype=float)
    return np.sum(np.log(2 * b) + w / b)
'''},
        {"test_laplace_neg_log_prior"},
        "laplace_neg_log_prior([1, -3], b=1)",
    ),
    "map_l2_inverted": (
        {"map_l2_strength": '''
def map_l2_strength(noise_var, prior_var):
    return prior_var / noise_var
'''},
        {"test_map_l2_strength"},
        "map_l2_strength(noise_var=1.0, prior_var=4.0)",
    ),
    "map_l2_half": (
        {"map_l2_strength": '''
def map_l2_strength(noise_var, prior_var):
    return noise_var / (2 * prior_var)
'''},
        {"test_map_l2_strength"},
        "map_l2_strength(noise_var=1, prior_var=1) returned 0.5; expected 1",
    ),
    "map_l2_standard_deviations": (
        {"map_l2_strength": '''
def map_l2_strength(noise_var, prior_var):
    return np.sqrt(noise_var) / np.sqrt(prior_var)
'''},
        {"test_map_l2_strength"},
        "map_l2_strength(noise_var=1.0, prior_var=4.0)",
    ),
    "map_l1_off_by_two": (
        {"map_l1_strength": '''
def map_l1_strength(noise_var, prior_scale):
    return noise_var / prior_scale
'''},
        {"test_map_l1_strength"},
        "returned 1; expected 2",
    ),
    "map_l1_twice": (
        # Doubles instead of halving: 2 * noise_var divided by b / 2.
        {"map_l1_strength": '''
def map_l1_strength(noise_var, prior_scale):
    return 2 * noise_var / (prior_scale / 2)
'''},
        {"test_map_l1_strength"},
        "returned 4; expected 2",
    ),
    "map_l1_standard_deviation": (
        {"map_l1_strength": '''
def map_l1_strength(noise_var, prior_scale):
    return 2 * np.sqrt(noise_var) / prior_scale
'''},
        {"test_map_l1_strength"},
        "map_l1_strength(noise_var=0.25, prior_scale=0.1)",
    ),
    "keras_output_layer_regularized": (
        {"build_regularized_classifier": '''
def build_regularized_classifier(input_dim, l1, l2):
    reg = keras.regularizers.L1L2(l1=l1, l2=l2)
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(128, activation="relu", kernel_regularizer=reg),
                              keras.layers.Dense(64, activation="relu", kernel_regularizer=reg),
                              keras.layers.Dense(1, activation="sigmoid", kernel_regularizer=reg)])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
'''},
        {"test_build_regularized_classifier"},
        "the kernel of the output Dense layer (1 unit) is regularized, with L1L2(l1=0.0001, l2=0.001); only the "
        "kernels of the two hidden layers are regularized",
    ),
    "keras_l2_only": (
        {"build_regularized_classifier": '''
def build_regularized_classifier(input_dim, l1, l2):
    reg = keras.regularizers.L2(l2)
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(128, activation="relu", kernel_regularizer=reg),
                              keras.layers.Dense(64, activation="relu", kernel_regularizer=reg),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
'''},
        {"test_build_regularized_classifier"},
        "the kernel of hidden Dense layer 1 (128 units) is penalized with L1L2(l1=0, l2=0.001); expected the "
        "kernel regularizer keras.regularizers.L1L2(l1=0.0001, l2=0.001)",
    ),
    "keras_biases_regularized": (
        {"build_regularized_classifier": '''
def build_regularized_classifier(input_dim, l1, l2):
    reg = keras.regularizers.L1L2(l1=l1, l2=l2)
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(128, activation="relu", kernel_regularizer=reg, bias_regularizer=reg),
                              keras.layers.Dense(64, activation="relu", kernel_regularizer=reg, bias_regularizer=reg),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
'''},
        {"test_build_regularized_classifier"},
        "the bias of hidden Dense layer 1 (128 units) is regularized, with L1L2(l1=0.0001, l2=0.001)",
    ),
    "keras_wrong_loss": (
        {"build_regularized_classifier": '''
def build_regularized_classifier(input_dim, l1, l2):
    reg = keras.regularizers.L1L2(l1=l1, l2=l2)
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(128, activation="relu", kernel_regularizer=reg),
                              keras.layers.Dense(64, activation="relu", kernel_regularizer=reg),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    return model
'''},
        {"test_build_regularized_classifier"},
        "the model's loss 'mse' is 0.322978; the binary cross-entropy is 0.905846",
    ),
    "keras_softmax_single_unit": (
        {"build_regularized_classifier": '''
def build_regularized_classifier(input_dim, l1, l2):
    reg = keras.regularizers.L1L2(l1=l1, l2=l2)
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(128, activation="relu", kernel_regularizer=reg),
                              keras.layers.Dense(64, activation="relu", kernel_regularizer=reg),
                              keras.layers.Dense(1, activation="softmax")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
'''},
        {"test_build_regularized_classifier"},
        "use a sigmoid output",
    ),
    "keras_sigmoid_hidden_layers": (
        {"build_regularized_classifier": _regularized_classifier(activation='"sigmoid"')},
        {"test_build_regularized_classifier"},
        "the hidden layers do not compute ReLU: the model's predictions are those of hidden layers with sigmoid",
    ),
    "keras_sgd": (
        {"build_regularized_classifier": _regularized_classifier(optimizer='"sgd"')},
        {"test_build_regularized_classifier"},
        "compiled with the SGD optimizer; expected the Adam optimizer",
    ),
    "keras_adam_learning_rate": (
        {"build_regularized_classifier": _regularized_classifier(optimizer="keras.optimizers.Adam(learning_rate=3e-4)")},
        {"test_build_regularized_classifier"},
        "the Adam optimizer's learning rate is 0.0003; expected 0.001",
    ),
    "keras_adam_epsilon": (
        {"build_regularized_classifier": _regularized_classifier(optimizer="keras.optimizers.Adam(epsilon=1e-8)")},
        {"test_build_regularized_classifier"},
        "the Adam optimizer has epsilon=1e-08; expected Keras's default 1e-07",
    ),
    "keras_from_logits_with_sigmoid": (
        {"build_regularized_classifier": _regularized_classifier(
            loss="keras.losses.BinaryCrossentropy(from_logits=True)")},
        {"test_build_regularized_classifier"},
        "with from_logits=True, though the output layer already applies the sigmoid",
    ),
    "keras_no_accuracy_metric": (
        {"build_regularized_classifier": _regularized_classifier(metrics='["AUC"]')},
        {"test_build_regularized_classifier"},
        "reports the metrics ['AUC']; expected \"accuracy\"",
    ),
    "keras_units_swapped": (
        {"build_regularized_classifier": _regularized_classifier(units=(64, 128))},
        {"test_build_regularized_classifier"},
        "the Dense layers have [64, 128, 1] units; expected [128, 64, 1]",
    ),
    "keras_l1_l2_swapped": (
        {"build_regularized_classifier": _regularized_classifier(reg="keras.regularizers.L1L2(l1=l2, l2=l1)")},
        {"test_build_regularized_classifier"},
        "is penalized with L1L2(l1=0.001, l2=0.0001); expected the kernel regularizer "
        "keras.regularizers.L1L2(l1=0.0001, l2=0.001)",
    ),
    "keras_second_layer_unregularized": (
        {"build_regularized_classifier": _regularized_classifier(second_reg="None")},
        {"test_build_regularized_classifier"},
        "the kernel of hidden Dense layer 2 (64 units) is not regularized",
    ),
    "keras_activity_regularizer": (
        {"build_regularized_classifier": _regularized_classifier(
            hidden_kwargs=", activity_regularizer=keras.regularizers.L2(l2)")},
        {"test_build_regularized_classifier"},
        "hidden Dense layer 1 (128 units) has an activity regularizer",
    ),
    "keras_max_norm_constraint": (
        {"build_regularized_classifier": _regularized_classifier(
            hidden_kwargs=", kernel_constraint=keras.constraints.MaxNorm(3.0)")},
        {"test_build_regularized_classifier"},
        "has a weight constraint (kernel_constraint",
    ),
    "keras_dropout_between": (
        {"build_regularized_classifier": _regularized_classifier(between="keras.layers.Dropout(0.5), ")},
        {"test_build_regularized_classifier"},
        "the model has ['Dropout'] layers; expected only the three Dense layers",
    ),
    "l1_penalty_abs_in_place": (
        # Right values, but it takes |w| of the caller's arrays.
        {"l1_penalty": '''
def l1_penalty(weights, l1):
    arrays = weights if isinstance(weights, list) else [weights]
    total = 0.0
    for a in arrays:
        np.abs(a, out=a)
        total += a.sum()
    return l1 * total
'''},
        {"test_l1_penalty"},
        "changed its argument weights in place",
    ),
    "l1_subgradient_in_place": (
        {"l1_subgradient": '''
def l1_subgradient(w, l1):
    np.sign(w, out=w)
    w *= l1
    return w
'''},
        {"test_l1_subgradient"},
        "l1_subgradient(array of shape (3,), 0.5) changed its argument w in place",
    ),
    "l2_gradient_in_place": (
        {"l2_gradient": '''
def l2_gradient(w, l2):
    w *= 2 * l2
    return w
'''},
        {"test_l2_gradient"},
        "l2_gradient(array of shape (1, 2), 0.25) changed its argument w in place",
    ),
    "soft_threshold_in_place": (
        {"soft_threshold": '''
def soft_threshold(w, t):
    small = np.abs(w) <= t
    w -= t * np.sign(w)
    w[small] = 0.0
    return w
'''},
        {"test_soft_threshold"},
        "soft_threshold(array of shape (5,), 1.0) changed its argument w in place",
    ),
    "lasso_residual_aliases_y": (
        # Coordinate descent whose residual is y itself, not a copy: right w, but y changes.
        {"lasso_fit": _COORDINATE_DESCENT_LASSO.replace("residual = y.copy()", "residual = y")},
        {"test_lasso_fit"},
        "changed its argument y in place",
    ),
}


# ---------------------------------------------------------------------------------------------
# Tasks 14 and 15: one step of AdamW, and of Adam with an L2 penalty.
# ---------------------------------------------------------------------------------------------
def _adamw(body: str) -> dict:
    return {"adamw_update": "def adamw_update(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, "
                            "epsilon=1e-7, weight_decay=0.004):\n" + body}


def _adam_l2(body: str) -> dict:
    return {"adam_l2_update": "def adam_l2_update(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, "
                              "epsilon=1e-7, l2=0.002):\n" + body}


# Our AdamW step with one line changed (the mistakes below).
_ADAMW = '''
    decayed = w - {decay}
    new_m = {m}
    new_v = {v}
    scale = {scale}
    return decayed - learning_rate * scale * {step}, new_m, new_v
'''


def _adamw_with(decay="learning_rate * weight_decay * w", m="beta_1 * m + (1 - beta_1) * grad",
                v="beta_2 * v + (1 - beta_2) * grad**2", scale="np.sqrt(1 - beta_2**t) / (1 - beta_1**t)",
                step="new_m / (np.sqrt(new_v) + epsilon)", returns=None) -> dict:
    body = _ADAMW.format(decay=decay, m=m, v=v, scale=scale, step=step)
    if returns:
        body = body.replace("new_m, new_v\n", returns + "\n")
    return _adamw(body)


CORRECT.update({
    # Entry by entry, in float32, with ** 0.5 and math.sqrt.
    "adam_loops_float32": {
        **_adamw('''
    import math
    w32, g32 = np.asarray(w, np.float32), np.asarray(grad, np.float32)
    new_w, new_m, new_v = np.empty_like(w32), np.array(m, np.float32), np.array(v, np.float32)
    corr = math.sqrt(1.0 - beta_2 ** t) / (1.0 - beta_1 ** t)
    for i in np.ndindex(w32.shape):
        new_m[i] = beta_1 * new_m[i] + (1.0 - beta_1) * g32[i]
        new_v[i] = beta_2 * new_v[i] + (1.0 - beta_2) * g32[i] * g32[i]
        shrunk = w32[i] * (1.0 - learning_rate * weight_decay)
        new_w[i] = shrunk - learning_rate * corr * new_m[i] / (new_v[i] ** 0.5 + epsilon)
    return new_w, new_m, new_v
'''),
        **_adam_l2('''
    g = np.asarray(grad, np.float32) + np.float32(2 * l2) * np.asarray(w, np.float32)
    mm = np.float32(beta_1) * np.asarray(m, np.float32) + np.float32(1 - beta_1) * g
    vv = np.float32(beta_2) * np.asarray(v, np.float32) + np.float32(1 - beta_2) * g ** 2
    lr_t = np.float32(learning_rate * (1 - beta_2 ** t) ** 0.5 / (1 - beta_1 ** t))
    return np.asarray(w, np.float32) - lr_t * mm / (vv ** 0.5 + np.float32(epsilon)), mm, vv
'''),
    },
    # Copies first, then in-place arithmetic on the copies (never on the caller's arrays).
    "adam_in_place_on_copies": {
        **_adamw('''
    w, m, v = np.array(w, dtype=float), np.array(m, dtype=float), np.array(v, dtype=float)
    w *= 1 - learning_rate * weight_decay
    m *= beta_1
    m += (1 - beta_1) * grad
    v *= beta_2
    v += (1 - beta_2) * np.square(grad)
    w -= learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (np.sqrt(v) + epsilon)
    return w, m, v
'''),
        **_adam_l2('''
    g = grad + 2 * l2 * w
    new_m, new_v, new_w = m.copy(), v.copy(), w.copy()
    new_m += (1 - beta_1) * (g - new_m)           # Keras's own way of writing the averages
    new_v += (1 - beta_2) * (g * g - new_v)
    alpha = learning_rate * np.sqrt(1 - np.power(beta_2, t)) / (1 - np.power(beta_1, t))
    new_w -= alpha * new_m / (np.sqrt(new_v) + epsilon)
    return new_w, new_m, new_v
'''),
    },
    # The bias-corrected averages of the paper, with Keras's epsilon rescaled to match.
    "adam_hats_and_reuse": {
        **_adamw('''
    m_new = beta_1 * m + (1 - beta_1) * grad
    v_new = beta_2 * v + (1 - beta_2) * grad ** 2
    m_hat = m_new / (1 - beta_1 ** t)
    v_hat = v_new / (1 - beta_2 ** t)
    eps_hat = epsilon / np.sqrt(1 - beta_2 ** t)
    return w * (1 - learning_rate * weight_decay) - learning_rate * m_hat / (np.sqrt(v_hat) + eps_hat), m_new, v_new
'''),
        # Task 15 through task 14: Adam on the penalized gradient, without weight decay.
        **_adam_l2('''
    return adamw_update(w, grad + 2 * l2 * w, m, v, t, learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                        epsilon=epsilon, weight_decay=0.0)
'''),
    },
})

MISTAKES.update({
    "adamw_no_bias_correction": (_adamw_with(scale="1.0"), {"test_adamw_update"}, "there is no bias correction"),
    "adamw_bias_correction_t_minus_1": (_adamw_with(scale="np.sqrt(1 - beta_2**(t - 1)) / (1 - beta_1**(t - 1))"),
                                        {"test_adamw_update"}, "the bias correction uses t - 1"),
    "adamw_bias_correction_t_plus_1": (_adamw_with(scale="np.sqrt(1 - beta_2**(t + 1)) / (1 - beta_1**(t + 1))"),
                                       {"test_adamw_update"}, "the bias correction uses t + 1"),
    "adamw_epsilon_inside_sqrt": (_adamw_with(step="new_m / np.sqrt(new_v + epsilon)"), {"test_adamw_update"},
                                  "epsilon is inside the square root"),
    "adamw_epsilon_of_algorithm_1": (_adamw('''
    new_m = beta_1 * m + (1 - beta_1) * grad
    new_v = beta_2 * v + (1 - beta_2) * grad**2
    m_hat, v_hat = new_m / (1 - beta_1**t), new_v / (1 - beta_2**t)
    return w - learning_rate * weight_decay * w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), new_m, new_v
'''), {"test_adamw_update"}, "added to the bias-corrected sqrt(v / (1 - beta_2**t))"),
    "adamw_decay_after_step": (_adamw('''
    new_m = beta_1 * m + (1 - beta_1) * grad
    new_v = beta_2 * v + (1 - beta_2) * grad**2
    stepped = w - learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * new_m / (np.sqrt(new_v) + epsilon)
    return stepped - learning_rate * weight_decay * stepped, new_m, new_v
'''), {"test_adamw_update"}, "the weight decay comes after Adam's step"),
    "adamw_decay_without_learning_rate": (_adamw_with(decay="weight_decay * w"), {"test_adamw_update"},
                                          "not multiplied by the learning rate"),
    "adamw_no_decay": (_adamw_with(decay="0.0"), {"test_adamw_update"}, "there is no weight decay"),
    "adamw_decay_in_the_gradient": (_adamw_with(decay="0.0", m="beta_1 * m + (1 - beta_1) * (grad + weight_decay * w)",
                                                v="beta_2 * v + (1 - beta_2) * (grad + weight_decay * w)**2"),
                                    {"test_adamw_update"}, "that is an L2 penalty (task 15)"),
    "adamw_betas_swapped": (_adamw_with(m="beta_2 * m + (1 - beta_2) * grad", v="beta_1 * v + (1 - beta_1) * grad**2"),
                            {"test_adamw_update"}, "beta_1 and beta_2 are swapped"),
    "adamw_returns_old_moments": (_adamw_with(returns="m, v"), {"test_adamw_update"},
                                  "you returned the m and v you were given"),
    "adamw_step_with_old_moments": (_adamw_with(step="m / (np.sqrt(v) + epsilon)"), {"test_adamw_update"},
                                    "the step uses the running averages from before this step"),
    "adamw_updates_moments_in_place": (_adamw('''
    m *= beta_1
    m += (1 - beta_1) * grad
    v *= beta_2
    v += (1 - beta_2) * grad**2
    new_w = w - learning_rate * weight_decay * w
    return new_w - learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (np.sqrt(v) + epsilon), m, v
'''), {"test_adamw_update"}, "changed its arguments m and v in place"),
    "adam_l2_is_decoupled_decay": (_adam_l2('''
    new_m = beta_1 * m + (1 - beta_1) * grad
    new_v = beta_2 * v + (1 - beta_2) * grad**2
    new_w = w - learning_rate * 2 * l2 * w
    return new_w - learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * new_m / (np.sqrt(new_v) + epsilon), new_m, new_v
'''), {"test_adam_l2_update"}, "must see the gradient of the whole loss: grad + 2 * l2 * w"),
    "adam_l2_without_factor_2": (_adam_l2('''
    g = grad + l2 * w
    new_m = beta_1 * m + (1 - beta_1) * g
    new_v = beta_2 * v + (1 - beta_2) * g**2
    return w - learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * new_m / (np.sqrt(new_v) + epsilon), new_m, new_v
'''), {"test_adam_l2_update"}, "the gradient of l2 * sum(w**2) is 2 * l2 * w"),
    "adam_l2_no_bias_correction": (_adam_l2('''
    g = grad + 2 * l2 * w
    new_m = beta_1 * m + (1 - beta_1) * g
    new_v = beta_2 * v + (1 - beta_2) * g**2
    return w - learning_rate * new_m / (np.sqrt(new_v) + epsilon), new_m, new_v
'''), {"test_adam_l2_update"}, "there is no bias correction"),
    "adam_l2_penalty_only_in_m": (_adam_l2('''
    g = grad + 2 * l2 * w
    new_m = beta_1 * m + (1 - beta_1) * g
    new_v = beta_2 * v + (1 - beta_2) * grad**2
    return w - learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * new_m / (np.sqrt(new_v) + epsilon), new_m, new_v
'''), {"test_adam_l2_update"}, "new_v of adam_l2_update"),
})

# The misconception behind a mistake: (title, what to understand, book page, heading there).
# The grader names it when a student's failure matches the mistake's (autograder/diagnoses.py).
MISCONCEPTIONS = {
    # Tasks 1 to 3: the penalties as Keras computes them.
    "l2_half_factor": (
        "the L2 penalty with a factor 1/2",
        "Keras's L2(l2) adds l2 * sum(w**2), with no factor 1/2: the (λ/2)‖w‖² of many textbooks is another "
        "convention, whose λ is twice Keras's. The tests compare with Keras.",
        "book/02_l1_l2/penalties", "One penalty, three conventions"),
    "l1_forgets_abs": (
        "the L1 penalty without absolute values",
        "The L1 penalty is λ1 times the sum of |w_j|: every weight adds its size, whatever its sign. Summed with "
        "their signs, negative weights cancel positive ones, and large weights could cost nothing.",
        "book/02_l1_l2/penalties", "L1 and L2 penalties"),
    "penalty_only_first_array": (
        "the penalty of the first array only",
        "When weights is a list (the kernels of several layers), the penalty sums over every entry of every array: "
        "Keras puts one term per regularized layer in model.losses and adds all of them to the loss.",
        "book/02_l1_l2/keras_regularizers", "What `model.losses` holds"),
    "elastic_net_swapped": (
        "the L1 and L2 strengths swapped",
        "In the Elastic Net λ1‖w‖₁ + λ2‖w‖₂², l1 multiplies the sum of |w| (the lasso part, which makes exact "
        "zeros) and l2 the sum of w² (the ridge part, which groups correlated features), as in Keras's L1L2(l1, l2).",
        "book/02_l1_l2/penalties", "Correlated features and the Elastic Net"),
    "elastic_net_half_l2": (
        "the Elastic Net's L2 term with a factor 1/2",
        "Keras's L1L2(l1, l2) adds l1 * sum(|w|) + l2 * sum(w**2): its L2 term has no factor 1/2, exactly like "
        "L2(l2) on its own.",
        "book/02_l1_l2/penalties", "One penalty, three conventions"),
    # Tasks 4 to 6: slopes and soft thresholding.
    "subgradient_divides_by_abs": (
        "the sign computed as w / |w|",
        "At w = 0, w / |w| is 0/0, not a number, while the L1 penalty has subgradients there: every slope in "
        "[-λ1, λ1]. Training (and TensorFlow) uses 0, which is what l1 * np.sign(w) gives.",
        "book/02_l1_l2/penalties", "The two penalties and their slopes"),
    "subgradient_sign_zero_positive": (
        "the slope +λ1 taken at w = 0",
        "At w = 0 the absolute value has a kink: its subdifferential is the whole interval [-λ1, λ1], and the "
        "subgradient TensorFlow uses (the one asked for) is 0, the middle of it, not the slope on the positive side.",
        "book/02_l1_l2/penalties", "The two penalties and their slopes"),
    "subgradient_forgets_l1": (
        "the slope of |w| instead of λ1|w|",
        "The penalty is λ1 times |w|, so its slope is λ1 sign(w): a pull of constant size λ1, not 1. The strength "
        "scales the subgradient as it scales the penalty.",
        "book/02_l1_l2/penalties", "The two penalties and their slopes"),
    "l2_gradient_half": (
        "the L2 gradient without its factor of 2",
        "The derivative of λ2 w² is 2λ2 w: Keras's L2 has no 1/2 to cancel the 2 that comes down from the square, "
        "so its gradient is 2 * l2 * w, not l2 * w.",
        "book/02_l1_l2/penalties", "The two penalties and their slopes"),
    "soft_threshold_crosses_zero": (
        "shrinking by t without stopping at zero",
        "Soft thresholding moves each entry toward zero by t and stops there: entries with |w| <= t become exactly 0. "
        "w - t * sign(w) pushes small entries across zero, like a subgradient step, and makes no zeros.",
        "book/02_l1_l2/penalties", "One weight, solved exactly"),
    "hard_threshold": (
        "hard thresholding instead of soft thresholding",
        "The L1 solution sets entries with |w| <= t to 0 and also moves every other entry toward zero by t: "
        "S_t(w) = sign(w) max(|w| - t, 0). Keeping the large entries unchanged does not minimize the L1 problem.",
        "book/02_l1_l2/penalties", "One weight, solved exactly"),
    "soft_threshold_positive_side_only": (
        "soft thresholding of positive entries only",
        "max(w - t, 0) is right for w >= 0 only: S_t(w) = sign(w) max(|w| - t, 0) is symmetric, so a negative entry "
        "moves up toward zero by t (-3 becomes -2 for t = 1) instead of becoming 0.",
        "book/02_l1_l2/penalties", "One weight, solved exactly"),
    # Tasks 7 and 8: ridge and lasso.
    "ridge_two_alpha": (
        "twice α on the diagonal of the ridge system",
        "The gradient of ‖y - Xw‖² + α‖w‖² is 2Xᵀ(Xw - y) + 2αw: the 2 is in both terms and cancels, leaving "
        "(XᵀX + αI)w = Xᵀy.",
        "book/02_l1_l2/penalties", "Correlated features and the Elastic Net"),
    "ridge_alpha_added_everywhere": (
        "α added to every entry of XᵀX",
        "The penalty's gradient adds α w_j to equation j only, so ridge solves (XᵀX + αI)w = Xᵀy, with α on the "
        "diagonal (whose smallest eigenvalue is then at least α). X.T @ X + alpha adds α to every entry.",
        "book/02_l1_l2/penalties", "Correlated features and the Elastic Net"),
    "lasso_without_1_over_2n": (
        "the lasso objective without its 1/(2n)",
        "The task's (scikit-learn's) lasso minimizes (1/(2n))‖y - Xw‖² + α‖w‖₁. Without the 1/(2n) the data term is "
        "2n times larger, so the same alpha regularizes far less: the scaling of the loss decides what a strength means.",
        "book/02_l1_l2/penalties", "One penalty, three conventions"),
    "lasso_1_over_n": (
        "the lasso objective with 1/n instead of 1/(2n)",
        "The data term of scikit-learn's lasso is (1/(2n))‖y - Xw‖², half the mean squared error: with the mean "
        "squared error itself, alpha regularizes half as much (Keras's L1(l1) on an MSE loss is Lasso(alpha=l1/2)).",
        "book/02_l1_l2/penalties", "One penalty, three conventions"),
    "lasso_shrink_crosses_zero": (
        "a lasso step that shrinks past zero",
        "After the gradient step on the data term, the L1 part is applied by soft thresholding, which stops at zero. "
        "Subtracting step * alpha * sign(w) makes small weights jump across zero, as subgradient descent does, and "
        "never gives exact zeros.",
        "book/02_l1_l2/penalties", "Why gradient descent does not find those zeros"),
    # Tasks 9 to 12: priors and the strengths they imply.
    "gaussian_without_normalizer": (
        "the Gaussian prior without its normalizing constant",
        "-log p(w_j) = w_j²/(2τ²) + (1/2)log(2πτ²). The constant does not move the MAP estimate, but it is part of "
        "the negative log density, and it matters when you compare models or learn τ.",
        "book/02_l1_l2/bayesian_view", "MAP estimation"),
    "gaussian_normalizer_once": (
        "the normalizing constant counted once for all the weights",
        "Each weight has its own density, so the negative log prior of p weights holds p copies of (1/2)log(2πτ²): "
        "(p/2)log(2πτ²) in all.",
        "book/02_l1_l2/bayesian_view", "MAP estimation"),
    "gaussian_sigma_not_squared": (
        "log(2πτ) in the Gaussian's normalizing constant",
        "The Gaussian density's constant is 1/sqrt(2πτ²), so its negative log is (1/2)log(2πτ²), with the variance "
        "τ² = sigma**2, not the standard deviation sigma.",
        "book/02_l1_l2/bayesian_view", "MAP estimation"),
    "laplace_without_normalizer": (
        "the Laplace prior without its normalizing constant",
        "-log p(w_j) = |w_j|/b + log(2b) for each weight. The constant log(2b) does not move the MAP estimate, but "
        "it is part of the negative log density.",
        "book/02_l1_l2/bayesian_view", "MAP estimation"),
    "laplace_log_b_instead_of_log_2b": (
        "log b instead of log(2b) in the Laplace prior",
        "The Laplace density is (1/(2b)) exp(-|w|/b): the 2 makes it integrate to 1 over both sides of zero, so its "
        "negative log has log(2b) for each weight.",
        "book/02_l1_l2/bayesian_view", "MAP estimation"),
    "laplace_forgets_abs": (
        "the Laplace prior without the absolute value",
        "The Laplace density depends on |w_j|, symmetric around 0: -log p(w_j) = |w_j|/b + log(2b). Without the "
        "absolute value negative weights would be more probable than zero, and the penalty would not be L1.",
        "book/02_l1_l2/bayesian_view", "MAP estimation"),
    "map_l2_inverted": (
        "the ridge strength τ²/σ_ε² instead of σ_ε²/τ²",
        "α = σ_ε²/τ²: noisy data (large σ_ε²) and a narrow prior (small τ²) both mean strong regularization, and a "
        "wide prior a weak one, so the prior's variance goes in the denominator.",
        "book/02_l1_l2/bayesian_view", "How the prior's scale sets $\\lambda$"),
    "map_l2_half": (
        "the ridge strength σ_ε²/(2τ²)",
        "Multiplying the negative log posterior by 2σ_ε² turns ‖y - Xw‖²/(2σ_ε²) into ‖y - Xw‖² and ‖w‖²/(2τ²) into "
        "(σ_ε²/τ²)‖w‖²: both halves go, and α = σ_ε²/τ².",
        "book/02_l1_l2/bayesian_view", "MAP estimation"),
    "map_l2_standard_deviations": (
        "a ratio of standard deviations for the ridge strength",
        "α = σ_ε²/τ² is a ratio of variances, and noise_var and prior_var already are σ_ε² and τ²: no square root. "
        "Both come from the squares in the Gaussian densities.",
        "book/02_l1_l2/bayesian_view", "MAP estimation"),
    "map_l1_off_by_two": (
        "the lasso strength σ_ε²/b",
        "Multiplying the negative log posterior by 2σ_ε² to leave ‖y - Xw‖² also multiplies the Laplace term "
        "‖w‖₁/b, which has no 1/2 to cancel the 2: α = 2σ_ε²/b.",
        "book/02_l1_l2/bayesian_view", "MAP estimation"),
    "map_l1_twice": (
        "the lasso strength 4σ_ε²/b",
        "Multiplying the negative log posterior by 2σ_ε² turns the Laplace term ‖w‖₁/b into (2σ_ε²/b)‖w‖₁: a single "
        "factor 2, so α = 2σ_ε²/b. Twice that strength gives another lasso solution, not the MAP estimate.",
        "book/02_l1_l2/bayesian_view", "Checking the derivation numerically"),
    "map_l1_standard_deviation": (
        "the noise's standard deviation in the lasso strength",
        "α = 2σ_ε²/b uses the noise variance σ_ε² (noise_var), which comes from the 1/(2σ_ε²) of the Gaussian "
        "likelihood; only the Laplace prior's scale b enters as a scale.",
        "book/02_l1_l2/bayesian_view", "MAP estimation"),
    # Task 13: the Keras model.
    "keras_biases_regularized": (
        "the biases regularized too",
        "The penalty belongs on the kernels, which set how strongly each unit responds to its inputs; a bias only "
        "shifts a unit's output. Like most models, the tutorial's regularizes the kernels only: kernel_regularizer, "
        "no bias_regularizer.",
        "book/02_l1_l2/keras_regularizers", "L1 and L2 in Keras"),
    "keras_l1_l2_swapped": (
        "l1 and l2 swapped in Keras's L1L2",
        "L1L2(l1=l1, l2=l2) adds l1 * sum(|W|) + l2 * sum(W**2): the L1 strength multiplies the absolute values, "
        "the L2 strength the squares. Swapped, it is another Elastic Net, with the balance between sparsity and "
        "shrinkage reversed.",
        "book/02_l1_l2/keras_regularizers", "L1 and L2 in Keras"),
    # Tasks 14 and 15: AdamW, and Adam with an L2 penalty.
    "adamw_no_bias_correction": (
        "the AdamW step without Adam's bias correction",
        "m and v start at 0, so after t steps they are too small by the factors 1 - beta_1**t and 1 - beta_2**t; "
        "Adam divides these out, multiplying its step by sqrt(1 - beta_2**t) / (1 - beta_1**t).",
        "book/05_normalization/seed_batchnorm_fixed", "Flaw 2: the running variance starts at zero"),
    "adam_l2_no_bias_correction": (
        "the Adam step without its bias correction",
        "m and v start at 0, so after t steps they are too small by the factors 1 - beta_1**t and 1 - beta_2**t; "
        "Adam divides these out, multiplying its step by sqrt(1 - beta_2**t) / (1 - beta_1**t), with or without a "
        "penalty in the gradient.",
        "book/05_normalization/seed_batchnorm_fixed", "Flaw 2: the running variance starts at zero"),
    "adamw_decay_after_step": (
        "the weight decay applied after Adam's step",
        "Weight decay shrinks the weights from before the step, w_{t+1} = (1 - ηδ) w_t - η (Adam's step): Keras first "
        "does w - learning_rate * weight_decay * w, then takes Adam's step, which is not decayed.",
        "book/02_l1_l2/weight_decay", "Weight decay is not always L2"),
    "adamw_decay_without_learning_rate": (
        "the weight decay not multiplied by the learning rate",
        "Keras shrinks each weight by the fraction ηδ = learning_rate * weight_decay per step, not by weight_decay "
        "alone: with the defaults η = 0.001 and δ = 0.004, by 4e-6 of the weight.",
        "book/02_l1_l2/weight_decay", "Adam with L2 or with decoupled weight decay"),
    "adamw_no_decay": (
        "the weight decay of AdamW left out",
        "AdamW is Adam with decoupled weight decay: before Adam's step every weight shrinks by the same fraction, "
        "w - learning_rate * weight_decay * w, whatever its gradient.",
        "book/02_l1_l2/weight_decay", "Weight decay is not always L2"),
    "adamw_decay_in_the_gradient": (
        "the weight decay added to the gradient, which makes it an L2 penalty",
        "Added to the gradient, weight_decay * w goes through Adam's running averages and its division by sqrt(v): "
        "that is an L2 penalty. AdamW's decay is decoupled, applied to the weights directly: "
        "w - learning_rate * weight_decay * w.",
        "book/02_l1_l2/weight_decay", "Weight decay is not always L2"),
    "adam_l2_is_decoupled_decay": (
        "an L2 penalty applied as decoupled weight decay",
        "With an L2 penalty, 2 * l2 * w is part of the loss's gradient: it goes through Adam's running averages and "
        "is divided by sqrt(v). Shrinking the weights outside of Adam is AdamW's decoupled decay, another algorithm.",
        "book/02_l1_l2/weight_decay", "Adam with L2 or with decoupled weight decay"),
    "adam_l2_without_factor_2": (
        "the L2 penalty's gradient without its factor of 2, in Adam",
        "The gradient of l2 * sum(w**2) is 2 * l2 * w (Keras's L2 has no 1/2), and that is what joins grad before "
        "Adam's running averages; it is also why SGD with L2(λ) equals weight decay δ = 2λ.",
        "book/02_l1_l2/weight_decay", "Weight decay is not always L2"),
    "adam_l2_penalty_only_in_m": (
        "the penalty's gradient left out of v",
        "With an L2 penalty Adam sees one gradient, grad + 2 * l2 * w, and both running averages use it: m averages "
        "it and v its square. That is why the penalty's pull is divided by its own size where the data gradient is 0.",
        "book/02_l1_l2/weight_decay", "Weight decay is not always L2"),
}
