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
    "classifier_nested_blocks_and_objects": {"build_classifier": '''
def build_classifier(input_dim, n_classes, hidden_units):
    # each hidden layer a Sequential block of its own; every compile setting as an object
    blocks = [keras.Sequential([keras.layers.Dense(units), keras.layers.Activation(keras.activations.relu)])
              for units in hidden_units]
    model = keras.Sequential([keras.Input(shape=(input_dim,)), *blocks,
                              keras.layers.Dense(n_classes, activation=keras.activations.softmax)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model
'''},
    "classifier_added_and_built_without_input": {"build_classifier": '''
def build_classifier(input_dim, n_classes, hidden_units):
    # no keras.Input: a Sequential model built by add() and build()
    model = keras.Sequential()
    for units in hidden_units:
        model.add(keras.layers.Dense(units, activation="relu"))
    model.add(keras.layers.Dense(n_classes, activation="softmax"))
    model.build((None, input_dim))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''},
    "gap_with_numpy": {"generalization_gap": '''
def generalization_gap(history):
    h = history.history
    return np.subtract(h["accuracy"], h["val_accuracy"])[-1]
'''},
}

def _classifier(activation='"relu"', optimizer='"adam"', loss='"sparse_categorical_crossentropy"',
                metrics='["accuracy"]', hidden_kwargs="", input_shape="(input_dim,)", units="u",
                extra_layers=""):
    """Our build_classifier with one setting changed."""
    return f'''
def build_classifier(input_dim, n_classes, hidden_units):
    model = keras.Sequential([keras.Input(shape={input_shape})]
                             + [keras.layers.Dense({units}, activation={activation}{hidden_kwargs}) for u in hidden_units]
                             + [{extra_layers}keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer={optimizer}, loss={loss}, metrics={metrics})
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
'''}, {"test_build_classifier"}, "the output layer applies sigmoid; expected softmax"),
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
    "classifier_categorical_crossentropy": ({"build_classifier": _classifier(loss='"categorical_crossentropy"')},
                                            {"test_build_classifier"},
                                            "cannot be computed for integer labels of shape (24, 1)"),
    "classifier_mse_loss": ({"build_classifier": _classifier(loss='"mse"')}, {"test_build_classifier"},
                            "the sparse categorical cross-entropy is"),
    "classifier_from_logits_with_softmax": ({"build_classifier": _classifier(
        loss="keras.losses.SparseCategoricalCrossentropy(from_logits=True)")}, {"test_build_classifier"},
        "with from_logits=True, though the output layer already applies softmax"),
    "classifier_no_metric": ({"build_classifier": _classifier(metrics="[]")}, {"test_build_classifier"},
                             'reports the metrics []; expected "accuracy"'),
    "classifier_categorical_accuracy": ({"build_classifier": _classifier(
        metrics='[keras.metrics.CategoricalAccuracy(name="accuracy")]')}, {"test_build_classifier"},
        'the metric "accuracy" gives'),
    "classifier_adam_learning_rate": ({"build_classifier": _classifier(optimizer="keras.optimizers.Adam(0.01)")},
                                      {"test_build_classifier"}, "learning rate is 0.01; expected 0.001"),
    "classifier_adam_amsgrad": ({"build_classifier": _classifier(optimizer="keras.optimizers.Adam(amsgrad=True)")},
                                {"test_build_classifier"}, "has amsgrad=True; expected Keras's default False"),
    "classifier_hidden_units_ignored": ({"build_classifier": _classifier(units="64")}, {"test_build_classifier"},
                                        "the Dense layers have [64, 10] units; expected [32, 10]"),
    "classifier_input_dim_ignored": ({"build_classifier": _classifier(input_shape="(64,)")}, {"test_build_classifier"},
                                     "input has shape (None, 64); expected vectors of length input_dim = 12"),
    "classifier_leaky_relu": ({"build_classifier": _classifier(activation='"leaky_relu"')},
                              {"test_build_classifier"}, "not those of its Dense layers with ReLU"),
    "classifier_l2_kernels": ({"build_classifier": _classifier(
        hidden_kwargs=", kernel_regularizer=keras.regularizers.L2(1e-4)")}, {"test_build_classifier"},
        "the kernel of hidden Dense layer 1 (32 units) is regularized, with L1L2(l1=0, l2=0.0001)"),
    "classifier_activity_regularizer": ({"build_classifier": _classifier(
        hidden_kwargs=", activity_regularizer=keras.regularizers.L1(1e-4)")}, {"test_build_classifier"},
        "has an activity regularizer"),
    "classifier_max_norm": ({"build_classifier": _classifier(
        hidden_kwargs=", kernel_constraint=keras.constraints.MaxNorm(3.0)")}, {"test_build_classifier"},
        "has a weight constraint (kernel_constraint"),
    "classifier_gaussian_noise": ({"build_classifier": _classifier(extra_layers="keras.layers.GaussianNoise(0.1), ")},
                                  {"test_build_classifier"}, "the model has ['GaussianNoise'] layers"),
    "classifier_metrics_as_third_positional_argument": ({"build_classifier": '''
def build_classifier(input_dim, n_classes, hidden_units):
    model = keras.Sequential([keras.Input(shape=(input_dim,))]
                             + [keras.layers.Dense(u, activation="relu") for u in hidden_units]
                             + [keras.layers.Dense(n_classes, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
    return model
'''}, {"test_build_classifier"}, "compile's third positional argument is loss_weights, not metrics"),
    "gap_first_epoch": ({"generalization_gap": '''
def generalization_gap(history):
    return history.history["accuracy"][0] - history.history["val_accuracy"][0]
'''}, {"test_generalization_gap"}, "expected 0.15"),
    "gap_wrong_sign": ({"generalization_gap": '''
def generalization_gap(history):
    return history.history["val_accuracy"][-1] - history.history["accuracy"][-1]
'''}, {"test_generalization_gap"}, "expected 0.15"),
}

# The misconception behind a mistake: (title, what to understand, book page, heading there).
# The grader names it when a student's failure matches the mistake's (autograder/diagnoses.py).
MISCONCEPTIONS = {
    "bias_variance_unbiased_variance": (
        "the unbiased variance (dividing by M - 1)",
        "The variance term is the mean squared spread of the M fits around their average, "
        "Var[f(x)] with the average over the M fits: divide by M (np.var's default), not by M - 1.",
        "book/01_overfitting/capacity", "Bias and variance"),
    "features_without_ones_column": (
        "the constant feature left out",
        "A polynomial of degree d has d + 1 coefficients, the first one multiplying x^0 = 1: without the "
        "column of ones the fit is forced through the origin.",
        "book/01_overfitting/capacity", "Capacity: polynomials of growing degree"),
    "features_decreasing_powers": (
        "the powers in decreasing order",
        "Column j holds x^j, from 1 = x^0 up to x^d, so that coefficient w_j multiplies x^j; np.vander "
        "puts the highest power first unless you pass increasing=True.",
        "book/01_overfitting/capacity", "Capacity: polynomials of growing degree"),
    "mse_sum_instead_of_mean": (
        "the sum of squared errors instead of their mean",
        "The mean squared error divides the sum by the number of values n, so that it does not grow "
        "with the size of the data set.",
        "book/01_overfitting/capacity", "Capacity: polynomials of growing degree"),
    "mse_root_mean_squared": (
        "the root mean squared error instead of the mean squared error",
        "The MSE is the mean of the squared errors, without a square root: the RMSE is its square root, "
        "in the units of y.",
        "book/01_overfitting/capacity", "Capacity: polynomials of growing degree"),
    "classifier_sigmoid_output": (
        "a sigmoid output for classes that exclude each other",
        "Each digit belongs to exactly one class: softmax turns the outputs into probabilities that sum "
        "to 1, while sigmoids score each class on its own.",
        "book/01_overfitting/keras_baseline", "The baseline"),
    "gap_first_epoch": (
        "the gap read at the first epoch",
        "The generalization gap is measured at the end of training, from the last entries of the "
        "history: the first epoch's values say how training started, not where it ended.",
        "book/01_overfitting/keras_baseline", "The baseline"),
    "gap_wrong_sign": (
        "validation minus training accuracy",
        "The gap is training accuracy minus validation accuracy: positive when the model does better on "
        "the data it was trained on, which is what overfitting looks like.",
        "book/01_overfitting/keras_baseline", "The baseline"),
}
