"""Naming the misconception behind a failed check.

The course keeps a catalogue of plausible mistakes, each a misconception a reader can have
(the unbiased variance in batch normalization, vanilla instead of inverted dropout, ...;
tests/variants). For each, it has recorded what the mistaken function returns at the check
where it fails: a *fingerprint* (the values, or a sample of them for big arrays) under a
*key* that names the check (what was called and the expected value's digest, or the
message of a check that fails with a message). When a check fails, the checks ask
`explain(key, actual, message)`: if what came back matches the fingerprints of exactly one
misconception, the failure message names it, says why in a sentence or two, and where the
book explains it. Otherwise the message stays as it is.

In JupyterLab the fingerprints of the visible tests are read from this package
(diagnoses/<assignment>.json); when grading, the checker installs those of all tests (`use`).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

SAMPLE = 64  # values of an array kept in a fingerprint
TOLERANCE = dict(rtol=1e-5, atol=1e-8, equal_nan=True)  # float32 and float64 versions of a mistake match
PUBLIC = Path(__file__).with_name("diagnoses")  # <assignment>.json: the visible tests' fingerprints

_registry = None
recorder = None           # when set, called with (key, actual, message) at each failing check (autograder/diagnoses.py)


def _plain(value) -> float | str:
    """A number as JSON has it: NaN and the infinities as the strings "nan", "inf", "-inf"."""
    value = float(value)
    return value if np.isfinite(value) else str(value)


def _summary(array: np.ndarray) -> dict:
    flat = array.ravel()
    positions = np.unique(np.linspace(0, max(flat.size - 1, 0), min(flat.size, SAMPLE)).astype(int))
    with np.errstate(all="ignore"):
        return {"shape": list(array.shape), "sample": [_plain(flat[i]) for i in positions] if flat.size else [],
                "mean": _plain(flat.mean()) if flat.size else 0.0, "abs": _plain(np.abs(flat).sum())}


def _numbers(value) -> np.ndarray | None:
    if value is None:
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array


def value_key(what: str, expected) -> str:
    """The key of a check of a value: what was called, and (a digest of) the expected value."""
    array = _numbers(expected)
    if array is None:
        text = repr(expected)
    else:  # six significant digits: the same on every machine, whatever the BLAS
        summary = _summary(array)
        text = f"{summary['shape']} " + " ".join(f"{float(v):.6g}" for v in [*summary["sample"], summary["mean"], summary["abs"]])
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return f"value:{what}|{digest}"


def message_key(message: str) -> str:
    """The key of a check that fails with a message (its first line)."""
    return "message:" + (message.splitlines()[0] if message else "")


def fingerprint(actual, message: str) -> dict:
    """What identifies a failure at a check: the returned values (a sample of them for big
    arrays), or the message when what came back is not numbers."""
    array = _numbers(actual)
    return _summary(array) if array is not None else {"message": message.splitlines()[0] if message else ""}


def same(a: dict, b: dict) -> bool:
    """Whether two fingerprints are those of the same failure."""
    if "message" in a or "message" in b:
        return a.get("message") == b.get("message")
    def numbers(print_: dict) -> np.ndarray:
        return np.array([float(v) for v in [*print_["sample"], print_["mean"], print_["abs"]]])

    return a["shape"] == b["shape"] and np.allclose(numbers(a), numbers(b), **TOLERANCE)


class Registry:
    """Misconceptions and their fingerprints, from a diagnoses JSON."""

    def __init__(self, data: dict):
        self.misconceptions = data.get("misconceptions", {})
        self.checks: dict[str, list] = {}
        for entry in data.get("checks", []):
            self.checks.setdefault(entry["key"], []).append((entry["fingerprint"], entry["misconception"]))

    def diagnose(self, key: str, actual, message: str) -> str | None:
        """The one misconception whose fingerprint at this check matches, or None."""
        known = self.checks.get(key)
        if not known:
            return None
        mine = fingerprint(actual, message)
        found = {name for print_, name in known if same(print_, mine)}
        return found.pop() if len(found) == 1 else None

    def describe(self, name: str) -> str:
        about = self.misconceptions[name]
        return (f"\nThis looks like a common mistake: {about['title']}. {about['explanation']} "
                f"Read more in the book: {about['where']}")


def use(data: dict) -> None:
    """Diagnose with these fingerprints (the checker's: those of every test)."""
    global _registry
    _registry = Registry(data)


def _current() -> Registry:
    global _registry
    if _registry is None:
        data = {"misconceptions": {}, "checks": []}
        for path in sorted(PUBLIC.glob("*.json")):
            part = json.loads(path.read_text())
            data["misconceptions"].update(part["misconceptions"])
            data["checks"] += part["checks"]
        _registry = Registry(data)
    return _registry


def explain(key: str, actual, message: str) -> str:
    """What to add to the failure `message` of the check `key`, where `actual` came back: the
    misconception it matches, or nothing."""
    if recorder is not None:
        recorder(key, actual, message)
    try:
        registry = _current()
        name = registry.diagnose(key, actual, message)
        return registry.describe(name) if name else ""
    except (ValueError, KeyError, TypeError, OSError):  # a diagnosis never hides the failure itself
        return ""


def named_in(message: str) -> str:
    """The misconception a failure message names ("" if none)."""
    registry = _current()
    return next((name for name in registry.misconceptions if registry.describe(name) in message), "")
