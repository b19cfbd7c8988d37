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
}
