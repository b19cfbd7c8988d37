"""Checks for the exercises' tests, with messages written for students.

Each check raises AssertionError with a message that says what was called, what came
back and what was expected: the shape, the first mismatching values, the failing case.
"""
from collections.abc import Callable

import numpy as np

from . import diagnosis

MAX_MISMATCHES_SHOWN = 3


def _value_failure(message: str, what: str, expected, actual) -> AssertionError:
    """A failed check of a value, with the misconception it looks like (if any: diagnosis.py)."""
    return AssertionError(message + diagnosis.explain(diagnosis.value_key(what, expected), actual, message))


def failure(message: str) -> AssertionError:
    """A failed check, with the misconception its message is known for (if any)."""
    return AssertionError(message + diagnosis.explain(diagnosis.message_key(message), None, message))


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:200]


def check_array(actual, expected, what: str, rtol: float = 1e-7, atol: float = 1e-10) -> None:
    """Assert that `actual` is an array (or array-like) equal to `expected` within tolerance.

    `what` names the call being checked, e.g. "polynomial_features(x, 3) with x of shape (5,)".
    """
    expected = np.asarray(expected)
    if actual is None:
        raise _value_failure(f"{what} returned None: did you forget a `return` statement?", what, expected, actual)
    try:
        got = np.asarray(actual, dtype=float if expected.dtype.kind == "f" else None)
    except (TypeError, ValueError):
        raise _value_failure(f"{what} returned {_describe(actual)}, which is not an array of numbers", what,
                             expected, actual) from None
    if got.shape != expected.shape:
        raise _value_failure(f"{what} returned shape {got.shape}; expected shape {expected.shape}", what, expected, got)
    if got.dtype.kind not in "biuf":
        raise _value_failure(f"{what} returned values of dtype {got.dtype}; expected numbers", what, expected, None)
    if expected.dtype.kind == "f" and not np.all(np.isfinite(got)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(got))[0])
        raise _value_failure(f"{what} returned a non-finite value ({got[bad]}) at index {bad}", what, expected, got)
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    if not np.all(close):
        wrong = np.argwhere(~close)
        shown = "; ".join(
            f"at index {tuple(int(i) for i in idx)}: got {got[tuple(idx)]:.6g}, expected {expected[tuple(idx)]:.6g}"
            for idx in wrong[:MAX_MISMATCHES_SHOWN]
        )
        raise _value_failure(f"{what}: {len(wrong)} of {expected.size} values are wrong "
                             f"(tolerance rtol={rtol:g}, atol={atol:g}). First: {shown}", what, expected, got)


def check_scalar(actual, expected: float, what: str, rtol: float = 1e-7, atol: float = 1e-10) -> None:
    """Assert that `actual` is a single number close to `expected`."""
    if actual is None:
        raise _value_failure(f"{what} returned None: did you forget a `return` statement?", what, expected, actual)
    if np.ndim(actual) != 0:
        raise _value_failure(f"{what} returned {_describe(np.asarray(actual))}; expected a single number", what,
                             expected, actual)
    try:
        value = float(actual)
    except (TypeError, ValueError):
        raise _value_failure(f"{what} returned {_describe(actual)}; expected a number", what, expected, None) from None
    if not np.isclose(value, expected, rtol=rtol, atol=atol):
        raise _value_failure(f"{what} returned {value:.8g}; expected {expected:.8g}", what, expected, value)


def check_raises(exception: type[Exception], func: Callable, *args, what: str, **kwargs) -> None:
    """Assert that func(*args, **kwargs) raises `exception` (e.g. ValueError for bad input)."""
    try:
        func(*args, **kwargs)
    except exception:
        return
    except NotImplementedError:
        raise
    except Exception as exc:  # a different error than the one asked for
        raise failure(f"{what} raised {type(exc).__name__}({exc}); expected a {exception.__name__}") from None
    raise failure(f"{what} returned normally; expected it to raise a {exception.__name__}")


def check_that(condition: bool, message: str) -> None:
    """Assert a condition, with a message in the student's terms when it does not hold."""
    if not condition:
        raise failure(message)


def check_unchanged(what: str, **arguments) -> None:
    """Assert that a call did not modify its array arguments in place. Each keyword is an
    argument's name = (what was given to the call, a copy made before it); the first may be a
    list of arrays, compared one by one.

    check_unchanged("l2_gradient(w, 0.5)", w=(given, original))
    """
    for name, (given, before) in arguments.items():
        pairs = list(zip(given, before)) if isinstance(given, (list, tuple)) else [(given, before)]
        same = (not isinstance(given, (list, tuple)) or len(given) == len(before)) and all(
            np.shape(after) == np.shape(earlier) and np.array_equal(after, earlier) for after, earlier in pairs)
        if not same:
            raise failure(f"{what} changed its argument {name} in place; do not modify the arrays you are "
                           f"given: compute new ones ({name}_new = {name} * ..., not {name} *= ...)")


def show_warnings_on_stdout() -> None:
    """Print Python warnings to standard output instead of standard error.

    nbgrader fails a test cell that writes anything to standard error, so without this a
    harmless warning (a deprecation, a float overflow in an experiment) would cost points.
    """
    import sys
    import warnings

    def show(message, category, filename, lineno, file=None, line=None):
        print(warnings.formatwarning(message, category, filename, lineno, line), end="", file=sys.stdout)

    warnings.showwarning = show
