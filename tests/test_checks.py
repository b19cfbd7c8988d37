"""The student-facing checks (regcourse.checks) pass correct answers and explain wrong ones."""
import warnings

import numpy as np
import pytest

from regcourse.checks import (check_array, check_raises, check_scalar, check_that, check_unchanged,
                              show_warnings_on_stdout)


def message(check, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as failure:
        check(*args, **kwargs)
    return str(failure.value)


def test_check_array_accepts_equal_values_in_other_dtypes_and_containers():
    check_array(np.float32([[1, 2], [3, 4]]), np.array([[1.0, 2.0], [3.0, 4.0]]), "f()", rtol=1e-6)
    check_array([[1, 2], [3, 4]], np.array([[1.0, 2.0], [3.0, 4.0]]), "f()")


def test_check_array_explains_shape_values_none_and_non_numbers():
    assert "returned shape (2,); expected shape (2, 1)" in message(check_array, np.ones(2), np.ones((2, 1)), "f(x)")
    text = message(check_array, np.array([1.0, 2.0, 5.0]), np.array([1.0, 2.5, 5.0]), "f(x)")
    assert "1 of 3 values are wrong" in text and "at index (1,): got 2, expected 2.5" in text
    assert "did you forget a `return`" in message(check_array, None, np.ones(2), "f(x)")
    assert "not an array of numbers" in message(check_array, {"a": 1}, np.ones(2), "f(x)")
    assert "non-finite value" in message(check_array, np.array([1.0, np.nan]), np.ones(2), "f(x)")


def test_check_scalar_wants_one_number():
    check_scalar(np.float32(0.5), 0.5, "g()")
    assert "expected a single number" in message(check_scalar, np.ones(3), 1.0, "g()")
    assert "returned 2; expected 3" in message(check_scalar, 2.0, 3.0, "g()")


def test_check_raises_names_what_happened_instead():
    def ok(x):
        return x

    def wrong(x):
        raise TypeError("nope")

    def right(x):
        raise ValueError("bad x")

    check_raises(ValueError, right, 1, what="right(1)")
    assert "returned normally" in message(check_raises, ValueError, ok, 1, what="ok(1)")
    assert "raised TypeError(nope); expected a ValueError" in message(check_raises, ValueError, wrong, 1, what="wrong(1)")


def test_check_raises_lets_not_implemented_through():
    def stub(x):
        raise NotImplementedError("not implemented yet")

    with pytest.raises(NotImplementedError, match="not implemented yet"):
        check_raises(ValueError, stub, 1, what="stub(1)")


def test_check_that():
    check_that(True, "never shown")
    assert message(check_that, False, "explained") == "explained"


def test_warnings_go_to_stdout(capsys, monkeypatch):
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    show_warnings_on_stdout()
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("careful", RuntimeWarning)
    captured = capsys.readouterr()
    assert "careful" in captured.out and captured.err == ""


def test_check_unchanged_names_the_argument_that_changed():
    w, weights = np.array([1.0, -2.0]), [np.ones(2), np.zeros((2, 2))]
    check_unchanged("f(w)", w=(w, w.copy()), weights=(weights, [a.copy() for a in weights]))
    check_unchanged("f(w)", w=(w, [1.0, -2.0]))  # a literal is compared as an array
    changed = [np.ones(2), np.ones((2, 2))]
    with pytest.raises(AssertionError, match=r"f\(w\) changed its argument weights in place"):
        check_unchanged("f(w)", w=(w, w.copy()), weights=(changed, [a.copy() for a in weights]))
    with pytest.raises(AssertionError, match="changed its argument w in place"):
        check_unchanged("f(w)", w=(w * 2, w))
    with pytest.raises(AssertionError, match="changed its argument weights"):
        check_unchanged("f(w)", weights=(weights[:1], weights))  # an array dropped from the list
