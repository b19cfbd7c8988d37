"""One side of the grading channel: requests, answers, and the values that cross.

Both sides run an `Endpoint` over one socket. A side *requests* (`call`, `getattr`) and
waits for the answer (`return` or `raise`); while it waits it answers the other side's
requests, since a student's function may call a method of an object the test gave it. The
kernel's side also *serves*: between two cells it answers requests until the grader says
`done`.

Values cross as data (`_encode`, `_decode`):

* None, bools, ints, floats (NaN and infinities too), strings, tuples, lists and dicts;
* NumPy scalars; NumPy arrays and np.random.Generator objects, which are *shared*: each
  side keeps its copy, and every message carries what changed since the last one, so that
  a function that fills an array or draws from a generator behaves as in one process. An
  array that came from the grader must not be changed by the kernel: the call that does so
  fails with a message that says so, and the grader's array stays as it was;
* the global random states of NumPy and of Python's `random` module, also kept equal;
* Keras models, callbacks and histories, by configuration (keras_data.py);
* any other object stays where it is: the other side gets a `Proxy` through which it gets
  attributes and calls it. The kernel can reach only public attributes of the grader's
  objects, and nothing by name.
"""
from __future__ import annotations

import base64
import builtins
import hashlib
import inspect
import io
import itertools
import json
import random
import sys
import traceback
import weakref

import numpy as np

from ..checks import failure
from . import frames
from .frames import ChannelClosed

KERNEL, GRADER = "kernel", "grader"
ARRAY_KINDS = "biufc"  # bool, integers, floats, complex: no objects, strings or records
GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
MAX_DEPTH = 64
MAX_TEXT = 4000
HERE = __file__.rsplit("/", 1)[0]


class KernelLost(BaseException):
    """The kernel stopped answering (time limit, closed channel, death). A BaseException, so
    that a test's `except Exception` cannot mistake it for an error of the student's code."""


class Shared:
    """A value both sides hold a copy of (an array, a generator, a model's weights). The
    grader's side holds it weakly: once its copy is gone, both sides forget it."""
    __slots__ = ("sid", "_ref", "kind", "digest", "mine", "label")

    def __init__(self, sid: str, value, kind: str, mine: bool, weak: bool, label: str = ""):
        self.sid, self.kind, self.mine, self.label = sid, kind, mine, label
        self.digest = None
        self.value = value
        if weak and kind != "generator":  # generators cannot be referenced weakly
            self._ref = weakref.ref(value)

    @property
    def value(self):
        return self._ref()

    @value.setter
    def value(self, value):
        self._ref = lambda: value


class Proxy:
    """An object of the other side: its attributes are fetched and its calls made over the channel."""

    def __init__(self, endpoint: Endpoint, oid: str, type_name: str):
        object.__setattr__(self, "_endpoint", endpoint)
        object.__setattr__(self, "_oid", oid)
        object.__setattr__(self, "_type", type_name)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        snapshot = self._endpoint.snapshot(self._oid)
        if name in snapshot:
            return snapshot[name]
        value = self._endpoint.request({"op": "getattr", "target": {"id": self._oid}, "name": name})
        if isinstance(value, Method):
            object.__setattr__(self, name, value)  # later calls of the method go straight to it
        return value

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot set {name!r} on {self._type} through the grading channel")

    def __call__(self, *args, **kwargs):
        return self._endpoint.call({"id": self._oid}, args, kwargs, what=self._type)

    def __repr__(self):
        return f"<{self._type} object>"


class Method:
    """A method of an object of the other side (of class `owner`)."""

    def __init__(self, endpoint: Endpoint, oid: str, name: str, owner: str):
        self._endpoint, self._oid, self._name, self._owner = endpoint, oid, name, owner

    def __call__(self, *args, **kwargs):
        return self._endpoint.call({"id": self._oid, "attr": self._name}, args, kwargs, what=self._name,
                                   params=self._endpoint.params.get(f"{self._owner}.{self._name}", ()))

    def __repr__(self):
        return f"<method {self._name}>"


class Name:
    """A function or class of the student's notebook, known to the grader by its name only.
    `params` names its parameters as the exercise states them (for messages)."""

    def __init__(self, endpoint_of, name: str, params: tuple[str, ...] = ()):
        self._endpoint_of, self.__name__, self.params = endpoint_of, name, tuple(params)

    def __call__(self, *args, **kwargs):
        return self._endpoint_of().call({"name": self.__name__}, args, kwargs, what=self.__name__,
                                        params=self.params)

    def __repr__(self):
        return f"<function {self.__name__}>"


# ---------------------------------------------------------------------------------------
# arrays and states as JSON
# ---------------------------------------------------------------------------------------

def npy_text(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def npy_array(text) -> np.ndarray:
    """An array from npy_text, refusing objects and records."""
    if not isinstance(text, str):
        raise ChannelClosed("an array that is not encoded as an array")
    try:
        array = np.lib.format.read_array(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except (ValueError, TypeError, OSError) as exc:
        raise ChannelClosed(f"an array that cannot be read ({exc})") from None
    if array.dtype.kind not in ARRAY_KINDS:
        raise ChannelClosed(f"an array of dtype {array.dtype}, which is not numbers")
    return array


def _digest(*parts) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str).encode())
    return h.digest()


def _plain_state(state):
    """A bit generator's state with its arrays as lists (JSON-able)."""
    if isinstance(state, dict):
        return {str(k): _plain_state(v) for k, v in state.items()}
    if isinstance(state, np.ndarray):
        return state.tolist()
    if isinstance(state, np.generic):
        return state.item()
    return state


def _numpy_global_state() -> dict:
    _, key, pos, has_gauss, cached = np.random.get_state()
    return {"key": base64.b64encode(key.tobytes()).decode("ascii"), "pos": int(pos), "has_gauss": int(has_gauss),
            "cached": float(cached)}


def _set_numpy_global_state(state: dict) -> None:
    key = np.frombuffer(base64.b64decode(state["key"], validate=True), dtype=np.uint32)
    np.random.set_state(("MT19937", key, int(state["pos"]), int(state["has_gauss"]), float(state["cached"])))


def _random_global_state() -> dict:
    version, internal, gauss = random.getstate()
    return {"version": version, "internal": list(internal), "gauss": gauss}


def _set_random_global_state(state: dict) -> None:
    gauss = state["gauss"]
    random.setstate((int(state["version"]), tuple(int(v) for v in state["internal"]),
                     None if gauss is None else float(gauss)))


GLOBAL_STATES = {"numpy": (_numpy_global_state, _set_numpy_global_state),
                 "random": (_random_global_state, _set_random_global_state)}


def _plain_attributes(obj) -> dict:
    """An object's public instance attributes whose values are numbers, strings or None (as
    JSON), where its class defines nothing of that name (no property, no method)."""
    try:
        items = vars(obj).items()
    except TypeError:
        return {}
    attributes = {}
    for name, value in items:
        if name.startswith("_") or hasattr(type(obj), name) or not (
                value is None or type(value) in (bool, int, str) or type(value) is float):
            continue
        if type(value) is float and not np.isfinite(value):
            value = {"$": "float", "value": repr(value)}
        elif type(value) is str and len(value) > 200:
            continue
        attributes[name] = value
    return attributes


def describe_call(what: str, args, kwargs) -> str:
    """what(array of shape (3,), 0.5, rate=0.1): a call, for messages."""
    def short(value) -> str:
        if isinstance(value, np.ndarray):
            return f"array of shape {value.shape}"
        if isinstance(value, (bool, int, float, str, type(None), np.generic)):
            return repr(value)[:40]
        return type(value).__name__
    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return f"{what}({', '.join(parts)})"


def _keras_data(needed: bool = False):
    """keras_data, if Keras is imported in this process or a Keras value arrived (NumPy-only
    work never imports it)."""
    if "keras" not in sys.modules and not needed:
        return None
    from . import keras_data
    return keras_data


# ---------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------

def _error_data(exc: BaseException, with_traceback: bool) -> dict:
    data = {"type": type(exc).__name__, "mro": [c.__name__ for c in type(exc).__mro__],
            "message": str(exc)[:MAX_TEXT]}
    if with_traceback:  # the student's own frames, for their feedback
        data["traceback"] = student_traceback(exc)
    return data


def student_traceback(exc: BaseException) -> str:
    """The frames of the exception outside this package, a notebook cell named as IPython does
    ("Cell In[3], line 5")."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    cells = getattr(getattr(shell, "compile", None), "_filename_map", {})
    lines = []
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith(HERE):
            continue
        where = f"Cell In[{cells[frame.filename]}]" if frame.filename in cells else f'File "{frame.filename}"'
        lines.append(f"{where}, line {frame.lineno}, in {frame.name}\n" + (f"    {frame.line}\n" if frame.line else ""))
    return "".join(lines[-10:])[-MAX_TEXT:]


def _identifier(text: str) -> str:
    name = "".join(c for c in str(text)[:80] if c.isalnum() or c == "_")
    return name if name and not name[0].isdigit() else "Error"


def exception_from(error) -> Exception:
    """An exception like the one the other side raised: the first built-in exception class in
    its class hierarchy, under the class's own name (ValueError stays ValueError)."""
    if not isinstance(error, dict):
        raise ChannelClosed("an error that is not described as one")
    names = [n for n in error.get("mro", []) if isinstance(n, str)]
    base = Exception
    for name in names:
        candidate = getattr(builtins, name, None)
        if isinstance(candidate, type) and issubclass(candidate, Exception):
            base = candidate
            break
    name = _identifier(error.get("type", "Error"))
    cls = base if name == base.__name__ else type(name, (base,), {"__module__": "student"})
    exc = cls(str(error.get("message", ""))[:MAX_TEXT])
    exc.remote_traceback = str(error.get("traceback", ""))[:MAX_TEXT]
    return exc


# ---------------------------------------------------------------------------------------
# the endpoint
# ---------------------------------------------------------------------------------------

class Endpoint:
    """One side of a channel. `role` is KERNEL or GRADER; the kernel's side answers calls of
    the names in `namespace`; the grader's side gives up at `deadline` (time.monotonic())."""

    def __init__(self, sock, role: str, namespace: dict | None = None, deadline: float | None = None):
        self.sock, self.role, self.namespace, self.deadline = sock, role, namespace, deadline
        self._ids = itertools.count(1)
        self._shared: dict[str, Shared] = {}
        self._shared_by_object: dict[int, str] = {}
        self._objects: dict[str, object] = {}  # this side's objects the other side has proxies of
        self._object_ids: dict[int, str] = {}
        self._proxies: dict[str, Proxy] = {}
        self._global_states: dict[str, dict | None] = {name: None for name in GLOBAL_STATES}
        self._changed: list[str] = []  # grader's arrays the kernel changed (reported or refused)
        self._snapshots: dict[str, dict] = {}  # the other side's objects' data attributes, as of its last answer
        self.params: dict[str, tuple[str, ...]] = {}  # parameter names of the other side's functions, for messages

    # -- requests -----------------------------------------------------------------------
    def call(self, target: dict, args, kwargs, what: str = "the function", params: tuple[str, ...] = ()):
        """Call the other side's function or method with these arguments; return its result.
        On the grader's side, a call that changed an array the grader gave raises AssertionError."""
        self._changed.clear()
        labels = [params[i] if i < len(params) else f"number {i + 1}" for i in range(len(args))]
        message = {"op": "call", "target": target, "args": [self._encode(a, label) for a, label in zip(args, labels)],
                   "kwargs": {str(k): self._encode(v, str(k)) for k, v in kwargs.items()}}
        try:
            result = self.request(message)
        finally:
            changed = list(dict.fromkeys(self._shared[sid].label for sid in self._changed if sid in self._shared))
            self._changed.clear()
        if changed:
            name = changed[0]
            raise failure(
                f"{describe_call(what, args, kwargs)} changed its argument{'s' * (len(changed) > 1)} "
                f"{' and '.join(changed)} in place; do not modify the arrays you are given: compute new ones "
                f"({name}_new = {name} * ..., not {name} *= ...)")
        return result

    def request(self, message: dict):
        """Send a request; answer the other side's requests until its answer comes; return it."""
        self._snapshots = {}  # whatever the request does may change the objects
        self._send(message, with_globals=message["op"] == "call")
        while True:
            reply = self._receive()
            op = reply.get("op")
            if op == "return":
                self._snapshots = {str(k): v for k, v in dict(reply.get("attributes") or {}).items()}
                return self._decoded_result(reply.get("value"))
            if op == "raise":
                raise exception_from(reply.get("error"))
            if op in ("call", "getattr"):
                self._send(self._answer(reply), with_globals=op == "call")
            else:
                raise self._lost(f"the kernel sent {str(op)[:40]!r} where an answer was expected")

    def snapshot(self, oid: str) -> dict:
        """The data attributes of the other side's object `oid` as they were when the last
        answer came, if it sent them (nothing ran there since): reading one costs no request."""
        attributes = self._snapshots.get(oid)
        if not isinstance(attributes, dict):
            return {}
        try:
            return {str(name): self._decode(value) for name, value in attributes.items()}
        except (ChannelClosed, ValueError, TypeError):
            return {}

    def _decoded_result(self, data):
        """The value of an answer; a value the grader refuses (keras_data.RefusedValue) fails the
        call with its reason, anything malformed means the kernel is lost."""
        try:
            return self._decode(data)
        except AssertionError:
            raise
        except (ChannelClosed, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise self._lost(exc) from None

    def serve(self) -> None:
        """The kernel's loop: answer requests until the grader says done or goes away."""
        while True:
            try:
                message = self._receive()
            except ChannelClosed:
                return
            if message.get("op") == "done":
                return
            try:
                self._send(self._answer(message), with_globals=message.get("op") == "call")
            except ChannelClosed:
                return

    def done(self) -> None:
        """Tell the kernel to stop serving (if it still listens)."""
        try:
            frames.send(self.sock, {"op": "done"}, self.deadline)
        except (ChannelClosed, TimeoutError, OSError):
            pass

    # -- answering ----------------------------------------------------------------------
    def _answer(self, message: dict) -> dict:
        try:
            target = self._target(message.get("target"))
            if message.get("op") == "getattr":
                name = self._attribute_name(message.get("name"))
                value = getattr(target, name)
                if inspect.ismethod(value) and value.__self__ is target:
                    return {"op": "return", "value": {"$": "method", "id": self.object_id(target), "name": name,
                                                      "type": type(target).__name__}}
                return {"op": "return", "value": self._encode(value)}
            if message.get("op") != "call":
                raise ValueError(f"unknown request {str(message.get('op'))[:40]!r}")
            args = [self._decode(a) for a in message.get("args", [])]
            kwargs = {str(k): self._decode(v) for k, v in dict(message.get("kwargs", {})).items()}
            result = target(*args, **kwargs)
            reply = {"op": "return", "value": self._encode(result)}
            if self.role == KERNEL:  # what the grader will likely read next, sent along
                owner = self._objects.get(str(message["target"].get("id")))
                objects = [o for o in (owner, result) if o is not None and self._object_ids.get(id(o))]
                reply["attributes"] = {self._object_ids[id(o)]: _plain_attributes(o) for o in objects}
            return reply
        except (KernelLost, KeyboardInterrupt):
            raise
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - the other side gets it, as data
            return {"op": "raise", "error": _error_data(exc, with_traceback=self.role == KERNEL)}

    def _target(self, target):
        if not isinstance(target, dict):
            raise ValueError("a request without a target")
        if "name" in target:
            if self.role != KERNEL or self.namespace is None:
                raise PermissionError("nothing is called by name on this side")
            name = str(target["name"])
            if name not in self.namespace:
                raise NameError(f"name '{name}' is not defined")
            return self.namespace[name]
        obj = self._objects.get(str(target.get("id")))
        if obj is None:
            raise ValueError("a request for an object this side does not have")
        if "attr" in target:
            obj = getattr(obj, self._attribute_name(target["attr"]))
        return obj

    def _attribute_name(self, name) -> str:
        name = str(name)
        if self.role == GRADER and name.startswith("_"):
            raise AttributeError(f"{name!r} is not available through the grading channel")
        return name

    # -- sending and receiving ----------------------------------------------------------
    def _send(self, message: dict, with_globals: bool) -> None:
        message["sync"] = self._outgoing_sync(with_globals)
        try:
            frames.send(self.sock, message, self.deadline)
        except (ChannelClosed, TimeoutError, OSError) as exc:
            raise self._lost(exc) from None

    def _receive(self) -> dict:
        try:
            message = frames.recv(self.sock, self.deadline)
            self._incoming_sync(message.get("sync") or {})
        except TimeoutError:
            raise self._lost("the time limit was reached") from None
        except (ChannelClosed, OSError, ValueError, TypeError, KeyError) as exc:
            raise self._lost(exc) from None
        return message

    def _lost(self, why) -> BaseException:
        if self.role == KERNEL:
            return ChannelClosed(str(why))
        return KernelLost(f"the kernel did not answer the grader: {why}")

    # -- keeping shared values equal ----------------------------------------------------
    def _state_digest(self, item: Shared):
        """Something equal for equal states (small arrays: their bytes, else a hash)."""
        value = item.value
        if item.kind == "array":
            data = value.tobytes()
            return value.dtype.str, value.shape, data if len(data) <= 4096 else _digest(data)
        if item.kind == "generator":
            return _digest(_plain_state(value.bit_generator.state))
        weights = (np.asarray(w).tobytes() for w in value.get_weights())
        return _digest(*weights, bool(getattr(value, "stop_training", False)))

    def _state(self, item: Shared):
        if item.kind == "array":
            return npy_text(item.value)
        if item.kind == "generator":
            return _plain_state(item.value.bit_generator.state)
        return {"weights": [npy_text(w) for w in item.value.get_weights()],
                "stop_training": bool(getattr(item.value, "stop_training", False))}

    def _set_state(self, item: Shared, state) -> None:
        if item.kind == "array":
            new = npy_array(state)
            old = item.value
            if old.shape == new.shape and old.dtype == new.dtype and old.flags.writeable:
                np.copyto(old, new)
            else:  # resized or read-only: the new array takes its place
                self._shared_by_object.pop(id(old), None)
                item.value = new
                self._shared_by_object[id(new)] = item.sid
        elif item.kind == "generator":
            item.value.bit_generator.state = state
        else:
            item.value.set_weights([npy_array(w) for w in state["weights"]])
            item.value.stop_training = bool(state["stop_training"])

    def _outgoing_sync(self, with_globals: bool) -> dict:
        """What changed since the last message: shared values (the kernel only reports the
        grader's arrays it changed), values the grader no longer holds, the global random
        states (with calls and their answers only: nothing else draws random numbers)."""
        sync: dict = {}
        for sid, item in list(self._shared.items()):
            value = item.value
            if value is None:  # the grader's copy is gone: neither side needs it any more
                del self._shared[sid]
                sync.setdefault("released", []).append(sid)
                continue
            del value
            digest = self._state_digest(item)
            if digest == item.digest:
                continue
            item.digest = digest
            if self.role == KERNEL and not item.mine and item.kind == "array":
                sync.setdefault("changed", []).append(sid)  # the grader's array: reported, never sent
            else:
                sync.setdefault("shared", {})[sid] = self._state(item)
        if with_globals:
            for name, (get, _) in GLOBAL_STATES.items():
                state = get()
                if state != self._global_states[name]:
                    self._global_states[name] = state
                    sync.setdefault("globals", {})[name] = state
        return sync

    def _incoming_sync(self, sync: dict) -> None:
        for sid in sync.get("released", []):
            item = self._shared.pop(str(sid), None)
            if item is not None and self._shared_by_object.get(id(item.value)) == item.sid:
                del self._shared_by_object[id(item.value)]
        for sid in sync.get("changed", []):
            item = self._shared.get(str(sid))
            if self.role == GRADER and item is not None and item.mine:
                self._changed.append(str(sid))
                item.digest = None  # send ours again: the kernel's copy goes back to what it was
        for sid, state in dict(sync.get("shared", {})).items():
            item = self._shared.get(str(sid))
            if item is None:
                continue  # released by the grader meanwhile
            if self.role == GRADER and item.mine and item.kind == "array":
                self._changed.append(str(sid))
                item.digest = None
                continue
            self._set_state(item, state)
            item.digest = self._state_digest(item)
        for name, state in dict(sync.get("globals", {})).items():
            if name in GLOBAL_STATES:
                GLOBAL_STATES[name][1](state)
                self._global_states[name] = GLOBAL_STATES[name][0]()

    # -- values ---------------------------------------------------------------------------
    def _new_id(self) -> str:
        return f"{self.role[0]}{next(self._ids)}"

    def share(self, value, kind: str, label: str, extra: dict | None = None) -> dict:
        """Data for a value this side shares with the other (its state is sent once, then its changes)."""
        sid = self.shared_id(value)
        if sid is not None:
            return {"$": kind, "id": sid}
        sid = self._new_id()
        item = Shared(sid, value, kind, mine=True, weak=self.role == GRADER, label=label)
        self._shared[sid], self._shared_by_object[id(value)] = item, sid
        item.digest = self._state_digest(item)
        return {"$": kind, "id": sid, "state": self._state(item), **(extra or {})}

    def adopt(self, value, kind: str, sid: str, state=None):
        """Register a value that arrived from the other side as shared (keras_data uses it)."""
        item = Shared(sid, value, kind, mine=False, weak=self.role == GRADER)
        self._shared[sid], self._shared_by_object[id(value)] = item, sid
        if state is not None:
            self._set_state(item, state)
        item.digest = self._state_digest(item)
        return value

    def shared_id(self, value) -> str | None:
        """The id under which this value is shared, if it is."""
        item = self._shared.get(self._shared_by_object.get(id(value), ""))
        return item.sid if item is not None and item.value is value else None

    def shared_value(self, sid) -> object:
        item = self._shared.get(str(sid))
        if item is None:
            raise ChannelClosed("a reference to an unknown shared value")
        return item.value

    def proxy(self, oid: str, type_name: str) -> Proxy:
        """The one proxy of the other side's object `oid`."""
        if oid not in self._proxies:
            self._proxies[oid] = Proxy(self, oid, _identifier(type_name))
        return self._proxies[oid]

    def object_id(self, obj) -> str:
        oid = self._object_ids.get(id(obj))
        if oid is None or self._objects.get(oid) is not obj:
            oid = self._new_id()
            self._objects[oid], self._object_ids[id(obj)] = obj, oid
        return oid

    def _encode(self, value, label: str = "an array", depth: int = 0):
        if depth > MAX_DEPTH:
            raise ValueError("a value nested too deeply to send")
        if value is None:
            return None
        if isinstance(value, np.generic):
            if value.dtype.kind not in ARRAY_KINDS:
                return self._reference(value)
            return {"$": "scalar", "array": npy_text(np.asarray(value))}
        if isinstance(value, bool):
            return bool(value)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value) if np.isfinite(value) else {"$": "float", "value": repr(float(value))}
        if isinstance(value, str):
            return str(value)
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in ARRAY_KINDS:
                return self._reference(value)
            return self.share(value, "array", label)
        if isinstance(value, np.random.Generator):
            return self.share(value, "generator", label, {"bit_generator": type(value.bit_generator).__name__})
        if isinstance(value, (Proxy, Method, RemoteTuple)) and value._endpoint is self:
            return {"$": "peer", "id": value._oid, **({"attr": value._name} if isinstance(value, Method) else {})}
        if isinstance(value, Name):
            return {"$": "name", "name": value.__name__}
        if isinstance(value, (tuple, list)):
            items = [self._encode(v, label, depth + 1) for v in value]
            if type(value) is list:
                return items
            data = {"$": "tuple", "items": items}
            if type(value) is not tuple:
                data["ref"] = self.object_id(value)  # a namedtuple: the other side can pass it back as it was
            return data
        if isinstance(value, dict):
            return {"$": "dict", "items": [[self._encode(k, label, depth + 1), self._encode(v, label, depth + 1)]
                                           for k, v in value.items()]}
        keras_data = _keras_data()
        if keras_data is not None:
            data = keras_data.encode(value, self)
            if data is not None:
                return data
        if self._array_like(value):
            try:
                array = np.asarray(value)
            except Exception:  # noqa: BLE001 - not convertible: it stays an object
                array = None
            if array is not None and array.dtype.kind in ARRAY_KINDS:
                return self._encode(array, label, depth)
        return self._reference(value)

    def _array_like(self, value) -> bool:
        """A tensor (TensorFlow, Keras) crosses as an array; on the kernel's side, so does any
        object with __array__ (converting runs the student's code in the student's process)."""
        if isinstance(value, type) or not hasattr(value, "__array__"):
            return False
        module = type(value).__module__ or ""
        return self.role == KERNEL or module.split(".")[0] in ("tensorflow", "keras", "numpy")

    def _reference(self, value) -> dict:
        return {"$": "ref", "id": self.object_id(value), "type": type(value).__name__}

    def _decode(self, data, depth: int = 0):
        if depth > MAX_DEPTH:
            raise ChannelClosed("a value nested too deeply")
        if data is None or isinstance(data, (bool, int, float, str)):
            return data
        if isinstance(data, list):
            return [self._decode(v, depth + 1) for v in data]
        if not isinstance(data, dict):
            raise ChannelClosed("a value that is not data")
        tag = data.get("$")
        if tag == "float":
            if data.get("value") not in ("nan", "inf", "-inf"):
                raise ChannelClosed("a float that is not a float")
            return float(data["value"])
        if tag == "scalar":
            array = npy_array(data.get("array"))
            if array.ndim != 0:
                raise ChannelClosed("a scalar that is not one")
            return array[()]
        if tag == "tuple":
            items = tuple(self._decode(v, depth + 1) for v in data.get("items", []))
            return RemoteTuple(items, self, str(data["ref"])) if "ref" in data else items
        if tag == "dict":
            return {self._decode(k, depth + 1): self._decode(v, depth + 1) for k, v in data.get("items", [])}
        if tag in ("array", "generator"):
            return self._decode_shared(data, tag)
        if tag == "ref":
            return self.proxy(str(data.get("id")), str(data.get("type", "object")))
        if tag == "method":
            return Method(self, str(data.get("id")), str(data.get("name")), _identifier(data.get("type", "")))
        if tag == "peer":
            obj = self._objects.get(str(data.get("id")))
            if obj is None:
                raise ChannelClosed("a reference to an object this side does not have")
            return getattr(obj, self._attribute_name(data["attr"])) if "attr" in data else obj
        if tag == "name":
            return self._target({"name": data.get("name")})
        if tag not in ("model", "callback", "history"):
            raise ChannelClosed(f"a value of an unknown kind ({str(tag)[:20]!r})")
        return _keras_data(needed=True).decode(data, self)

    encode = _encode  # for keras_data: values inside a Keras object
    decode = _decode

    def _decode_shared(self, data: dict, kind: str):
        sid = str(data.get("id"))
        if sid in self._shared:
            return self._shared[sid].value
        if "state" not in data:
            raise ChannelClosed("a reference to an unknown shared value")
        if kind == "array":
            value = npy_array(data["state"])
            return self.adopt(value, kind, sid)
        name = data.get("bit_generator")
        if name not in GENERATORS:
            raise ChannelClosed(f"a generator of an unknown kind ({str(name)[:20]!r})")
        return self.adopt(np.random.Generator(getattr(np.random, name)()), kind, sid, data["state"])


class RemoteTuple(tuple):
    """A tuple the other side holds as another kind of tuple (a namedtuple): sent back, it
    arrives as the original object."""

    def __new__(cls, items, endpoint: Endpoint, oid: str):
        self = super().__new__(cls, items)
        self._endpoint, self._oid = endpoint, oid
        return self
