"""Other correct solutions (full marks) and plausible mistakes (lose exactly their points) for chapter 1."""

CORRECT = {
    "features_by_loop": {"polynomial_features": '''
def polynomial_features(x, degree):
    if np.ndim(x) != 1:
        raise ValueError("x must be 1-D")
    if degree < 0:
        raise ValueError("degree must be >= 0")
    columns = [np.ones(len(x))]
    for _ in range(degree):
        columns.append(columns[-1] * x)
    return np.stack(columns, axis=1)
'''},
    "features_vander_float32": {"polynomial_features": '''
def polynomial_features(x, degree):
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 1 or degree < 0:
        raise ValueError(f"need a 1-D x and a degree >= 0, got shape {x.shape} and {degree}")
    return np.vander(x, degree + 1, increasing=True)
'''},
    "least_squares_pinv": {"fit_least_squares": '''
def fit_least_squares(X, y):
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError("shapes do not match")
    return np.linalg.pinv(X) @ y
'''},
    "least_squares_svd": {"fit_least_squares": '''
def fit_least_squares(X, y):
    if np.ndim(X) != 2 or np.ndim(y) != 1 or len(X) != len(y):
        raise ValueError("X must be (n, p) and y (n,)")
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    keep = s > s.max() * max(X.shape) * np.finfo(float).eps
    return Vt[keep].T @ ((U[:, keep].T @ y) / s[keep])
'''},
    "mse_by_sum": {"mse": '''
def mse(y_true, y_pred):
    if np.shape(y_true) != np.shape(y_pred):
        raise ValueError("shapes differ")
    diff = np.asarray(y_true, dtype=np.float32) - np.asarray(y_pred, dtype=np.float32)
    return np.sum(diff * diff) / diff.size
'''},
    "bias_variance_loops_list": {"bias_variance": '''
def bias_variance(preds, f_true):
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != len(f_true):
        raise ValueError("preds must be (n_models, n_points) matching f_true")
    n_models, n_points = preds.shape
    bias_squared, variance = 0.0, 0.0
    for j in range(n_points):
        mean = sum(preds[m, j] for m in range(n_models)) / n_models
        bias_squared += (mean - f_true[j]) ** 2 / n_points
        variance += sum((preds[m, j] - mean) ** 2 for m in range(n_models)) / n_models / n_points
    return [bias_squared, variance]
'''},
    "classifier_functional_api": {"build_classifier": '''
def build_classifier(input_dim, n_classes, hidden_units):
    inputs = keras.Input(shape=(input_dim,))
    h = inputs
    for units in hidden_units:
        h = keras.layers.Dense(units)(h)
        h = keras.layers.Activation("relu")(h)
    outputs = keras.layers.Dense(n_classes, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model
'''},
    "classifier_separate_relu_and_softmax_layers": {"build_classifier": '''
def build_classifier(input_dim, n_classes, hidden_units):
    model = keras.Sequential(name="mlp")
    model.add(keras.Input(shape=(input_dim,)))
    for units in hidden_units:
        model.add(keras.layers.Dense(units))
        model.add(keras.layers.ReLU())
    model.add(keras.layers.Dense(n_classes))
    model.add(keras.layers.Softmax())
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''},
    "classifier_subclassed_model": {"build_classifier": '''
class MLPClassifier(keras.Model):
    def __init__(self, n_classes, hidden_units):
        super().__init__()
        self.hidden = [keras.layers.Dense(units, activation=keras.activations.relu) for units in hidden_units]
        self.classifier = keras.layers.Dense(n_classes, activation="softmax")

    def call(self, x):
        for layer in self.hidden:
            x = layer(x)
        return self.classifier(x)


def build_classifier(input_dim, n_classes, hidden_units):
    model = MLPClassifier(n_classes, hidden_units)
    model.build((None, input_dim))
    model.compile(optimizer="Adam", loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model
'''},
    "gap_with_numpy": {"generalization_gap": '''
def generalization_gap(history):
    h = history.history
    return np.subtract(h["accuracy"], h["val_accuracy"])[-1]
'''},
}

def _classifier(activation='"relu"', optimizer='"adam"'):
    """Our build_classifier with another hidden activation or optimizer."""
    return f'''
def build_classifier(input_dim, n_classes, hidden_units):
    model = keras.Sequential([keras.Input(shape=(input_dim,))]
                             + [keras.layers.Dense(u, activation={activation}) for u in hidden_units]
                             + [keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer={optimizer}, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''


MISTAKES = {
    "bias_variance_unbiased_variance": ({"bias_variance": '''
def bias_variance(preds, f_true):
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != len(f_true):
        raise ValueError("bad shapes")
    return np.mean((preds.mean(axis=0) - f_true) ** 2), np.mean(preds.var(axis=0, ddof=1))
'''}, {"test_bias_variance"}, "variance of bias_variance"),
    "features_without_ones_column": ({"polynomial_features": '''
def polynomial_features(x, degree):
    if np.ndim(x) != 1 or degree < 0:
        raise ValueError("bad input")
    return np.asarray(x)[:, None] ** np.arange(1, degree + 1)
'''}, {"test_polynomial_features"}, "expected shape (2, 3)"),
    "features_decreasing_powers": ({"polynomial_features": '''
def polynomial_features(x, degree):
    if np.ndim(x) != 1 or degree < 0:
        raise ValueError("bad input")
    return np.vander(x, degree + 1)
'''}, {"test_polynomial_features"}, "values are wrong"),
    "features_without_input_check": ({"polynomial_features": '''
def polynomial_features(x, degree):
    return np.asarray(x)[..., None] ** np.arange(degree + 1)
'''}, {"test_polynomial_features"}, "expected it to raise a ValueError"),
    "least_squares_normal_equations": ({"fit_least_squares": '''
def fit_least_squares(X, y):
    if np.ndim(X) != 2 or np.ndim(y) != 1 or len(X) != len(y):
        raise ValueError("bad shapes")
    return np.linalg.solve(X.T @ X, X.T @ y)
'''}, {"test_fit_least_squares"}, "Singular matrix"),
    "mse_sum_instead_of_mean": ({"mse": '''
def mse(y_true, y_pred):
    if np.shape(y_true) != np.shape(y_pred):
        raise ValueError("shapes differ")
    return np.sum((np.asarray(y_true) - y_pred) ** 2)
'''}, {"test_mse"}, "expected 4.3333333"),
    "mse_root_mean_squared": ({"mse": '''
def mse(y_true, y_pred):
    if np.shape(y_true) != np.shape(y_pred):
        raise ValueError("shapes differ")
    return np.sqrt(np.mean((np.asarray(y_true) - y_pred) ** 2))
'''}, {"test_mse"}, "expected 4.3333333"),
    "mse_broadcasting_shapes": ({"mse": '''
def mse(y_true, y_pred):
    return np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2)
'''}, {"test_mse"}, "expected it to raise a ValueError"),
    "classifier_sigmoid_output": ({"build_classifier": '''
def build_classifier(input_dim, n_classes, hidden_units):
    model = keras.Sequential([keras.Input(shape=(input_dim,))]
                             + [keras.layers.Dense(u, activation="relu") for u in hidden_units]
                             + [keras.layers.Dense(n_classes, activation="sigmoid")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''}, {"test_build_classifier"}, "use softmax"),
    "classifier_with_dropout": ({"build_classifier": '''
def build_classifier(input_dim, n_classes, hidden_units):
    layers = [keras.Input(shape=(input_dim,))]
    for units in hidden_units:
        layers += [keras.layers.Dense(units, activation="relu"), keras.layers.Dropout(0.5)]
    model = keras.Sequential(layers + [keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''}, {"test_build_classifier"}, "Dropout"),
    "classifier_not_compiled": ({"build_classifier": '''
def build_classifier(input_dim, n_classes, hidden_units):
    return keras.Sequential([keras.Input(shape=(input_dim,))]
                            + [keras.layers.Dense(u, activation="relu") for u in hidden_units]
                            + [keras.layers.Dense(n_classes, activation="softmax")])
'''}, {"test_build_classifier"}, "not compiled"),
    "classifier_tanh_hidden_layers": ({"build_classifier": _classifier(activation='"tanh"')}, {"test_build_classifier"},
                                      "the model's predictions are those of hidden layers with tanh"),
    "classifier_no_hidden_activation": ({"build_classifier": _classifier(activation="None")}, {"test_build_classifier"},
                                        "hidden layers with no activation (linear)"),
    "classifier_rmsprop": ({"build_classifier": _classifier(optimizer='"rmsprop"')}, {"test_build_classifier"},
                           "compiled with the RMSprop optimizer; expected the Adam optimizer"),
    "classifier_adamw": ({"build_classifier": _classifier(optimizer="keras.optimizers.AdamW()")}, {"test_build_classifier"},
                         "AdamW optimizer with weight decay 0.004"),
    "gap_first_epoch": ({"generalization_gap": '''
def generalization_gap(history):
    return history.history["accuracy"][0] - history.history["val_accuracy"][0]
'''}, {"test_generalization_gap"}, "expected 0.15"),
    "gap_wrong_sign": ({"generalization_gap": '''
def generalization_gap(history):
    return history.history["val_accuracy"][-1] - history.history["accuracy"][-1]
'''}, {"test_generalization_gap"}, "expected 0.15"),
}
