"""The grading channel (regcourse.channel): what crosses between the checker and a student's
kernel, and what it refuses. The kernel's side runs in a thread here, with a namespace of
"student" functions; the attack tests (test_grading_attacks.py) run it in real kernels."""
import base64
import io
import socket
import threading
import time

import numpy as np
import pytest

from regcourse.channel import frames
from regcourse.channel.endpoint import GRADER, KERNEL, Endpoint, KernelLost, Name, npy_array

STUDENT = '''
import numpy as np

class Mine(ValueError):
    pass

def echo(*args, **kwargs):
    return args if not kwargs else (args, kwargs)

def double_in_place(x):
    x *= 2
    return x

def fill_own(n):
    global kept
    kept = np.zeros(n)
    return kept

def change_kept():
    kept[:] = 7.0

def draw(rng, n):
    return rng.normal(size=n)

def draw_global(n):
    return np.random.random(n)

def fail(kind):
    if kind == "mine":
        raise Mine("a message of mine")
    if kind == "exit":
        raise SystemExit(3)
    raise TypeError("unsupported operand")

def object_array():
    return np.array([object(), 1], dtype=object)

class Counter:
    def __init__(self):
        self.count = 0
    def add(self, k):
        self.count += k
        return self.count

class Pair:
    def __init__(self):
        self.left, self.right = Counter(), Counter()
    def both(self, k):
        self.left.add(k)
        return self.right.add(k)
    @property
    def total(self):
        return self.left.count + self.right.count

def call_back(obj):
    return obj.value(3)

def call_private(obj):
    return obj._secret()

def slow():
    import time
    time.sleep(30)
'''


class Trusted:
    """An object of the grader's that a student's function may call."""

    def value(self, k):
        return k * 10

    def _secret(self):
        return "the grader's secret"


@pytest.fixture
def channel():
    """(name -> grader-side proxy of the student's function, the student's namespace)."""
    namespace = {}
    exec(STUDENT, namespace)
    ours, theirs = socket.socketpair()
    kernel = threading.Thread(target=Endpoint(theirs, KERNEL, namespace).serve, daemon=True)
    kernel.start()
    grader = Endpoint(ours, GRADER, deadline=time.monotonic() + 20)
    yield (lambda name: Name(lambda: grader, name, ("x",) if name == "double_in_place" else ())), namespace
    grader.done()
    kernel.join(5)


def test_plain_data_crosses_as_it_is(channel):
    call, _ = channel
    values = [None, True, 3, -2 ** 70, 1.5, float("nan"), float("-inf"), "text", (1, (2,)), [1, [2, 3]],
              {"a": 1, 2: [3], (4, 5): None}, np.float32(0.5), np.int8(-3), np.bool_(True)]
    back = call("echo")(*values)
    assert len(back) == len(values)
    for got, sent in zip(back, values):
        if isinstance(sent, float) and np.isnan(sent):
            assert np.isnan(got)
        else:
            assert got == sent and type(got) is type(sent)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "uint8", "bool", "complex128"])
def test_arrays_keep_shape_dtype_and_values(channel, dtype):
    call, _ = channel
    x = (np.random.default_rng(0).normal(size=(3, 4, 2)) * 10).astype(dtype)
    (got,) = call("echo")(x)
    assert got.dtype == x.dtype and got.shape == x.shape and np.array_equal(got, x)


def test_a_grader_array_changed_in_place_fails_the_call_and_stays_as_it_was(channel):
    call, _ = channel
    x = np.arange(4.0)
    with pytest.raises(AssertionError, match=r"double_in_place\(array of shape \(4,\)\) changed its argument x in place"):
        call("double_in_place")(x)
    assert np.array_equal(x, np.arange(4.0))


def test_the_students_own_arrays_are_shared_both_ways(channel):
    call, namespace = channel
    mine = call("fill_own")(3)
    call("change_kept")()
    assert np.array_equal(mine, [7.0, 7.0, 7.0])  # the kernel changed its array: ours follows
    mine[0] = 1.0
    call("echo")()
    assert namespace["kept"][0] == 1.0  # and the other way


def test_a_generator_is_shared_and_advances(channel):
    call, _ = channel
    rng, reference = np.random.default_rng(5), np.random.default_rng(5)
    first, second = call("draw")(rng, 3), call("draw")(rng, 3)
    assert np.array_equal(first, reference.normal(size=3)) and np.array_equal(second, reference.normal(size=3))
    assert rng.normal() == reference.normal()  # the grader's generator advanced with the kernel's draws


def test_exceptions_arrive_as_the_built_in_class_they_derive_from(channel):
    call, _ = channel
    with pytest.raises(ValueError, match="a message of mine") as caught:
        call("fail")("mine")
    assert type(caught.value).__name__ == "Mine"
    with pytest.raises(TypeError, match="unsupported operand"):
        call("fail")("type")
    with pytest.raises(Exception) as caught:  # never a SystemExit in the grader
        call("fail")("exit")
    assert not isinstance(caught.value, SystemExit) and type(caught.value).__name__ == "SystemExit"


def test_an_unknown_name_is_a_name_error(channel):
    call, _ = channel
    with pytest.raises(NameError, match="'missing' is not defined"):
        call("missing")()


def test_objects_that_are_not_data_stay_where_they_are(channel):
    call, _ = channel
    assert repr(call("object_array")()) == "<ndarray object>"
    counter = call("Counter")()
    assert (counter.add(2), counter.add(3), counter.count) == (2, 5, 5)
    assert call("call_back")(Trusted()) == 30  # the grader's object, called by the student's code


def test_attributes_sent_with_an_answer_are_read_until_the_next_request(channel):
    call, _ = channel
    pair = call("Pair")()
    left = pair.left  # a proxy of the kernel's object
    assert left.count == 0
    assert pair.both(2) == 2  # changes left in the kernel: its attributes are asked for again
    assert (left.count, pair.total) == (2, 4)  # `total` is a property: never taken from a snapshot


def test_the_kernel_reaches_no_private_attribute_of_the_graders_objects(channel):
    call, _ = channel
    with pytest.raises(AttributeError, match="not available through the grading channel"):
        call("call_private")(Trusted())


def test_a_kernel_that_does_not_answer_is_lost_at_the_deadline():
    namespace = {}
    exec(STUDENT, namespace)
    ours, theirs = socket.socketpair()
    threading.Thread(target=Endpoint(theirs, KERNEL, namespace).serve, daemon=True).start()
    grader = Endpoint(ours, GRADER, deadline=time.monotonic() + 1)
    with pytest.raises(KernelLost, match="time limit"):  # slow() would return (None) after 30 s
        Name(lambda: grader, "slow")()


@pytest.mark.parametrize("reply", [
    b"\x00\x00\x00\x05hello",                                                  # not JSON
    b"\x00\x00\x00\x02[]",                                                     # not a message
    b'\x00\x00\x00\x1d{"op":"return","value":{"$":1}}',                        # not a value
    b'\x00\x00\x00\x38{"op":"return","value":{"$":"array","id":"k1","state":"AA"}}',  # not an array
    b"\x7f\xff\xff\xff",                                                      # larger than the limit
])
def test_whatever_a_kernel_sends_that_is_not_data_means_it_is_lost(reply):
    ours, theirs = socket.socketpair()
    grader = Endpoint(ours, GRADER, deadline=time.monotonic() + 5)

    def kernel():
        frames.recv(theirs)
        theirs.sendall(reply)
        theirs.shutdown(socket.SHUT_WR)

    threading.Thread(target=kernel, daemon=True).start()
    with pytest.raises(KernelLost):
        Name(lambda: grader, "anything")()


@pytest.mark.parametrize("array", [np.array(["text"]), np.array([{"a": 1}], dtype=object),
                                   np.zeros(2, dtype=[("a", "f8")])])
def test_arrays_of_strings_objects_or_records_are_refused(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=True)
    with pytest.raises(frames.ChannelClosed):
        npy_array(base64.b64encode(buffer.getvalue()).decode())


# ---- Keras models as data ---------------------------------------------------------------

def _classifier(**dense):
    import keras
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="relu", **dense),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_a_model_is_rebuilt_with_its_layers_and_compile_settings():
    from regcourse.channel import keras_data
    model = _classifier(kernel_regularizer=lambda w: 0.01 * __import__("keras").ops.sum(w ** 2))
    rebuilt = keras_data.rebuild(keras_data.describe(model))
    assert [type(layer).__name__ for layer in rebuilt.layers] == ["Dense", "Dense"]
    assert rebuilt.layers[0].kernel_regularizer.get_config() == {"l1": 0.0, "l2": pytest.approx(0.01)}
    assert type(rebuilt.optimizer).__name__ == "Adam" and rebuilt.loss == "sparse_categorical_crossentropy"


def test_a_subclassed_model_is_rebuilt_from_the_layers_its_call_uses():
    import keras
    from regcourse.channel import keras_data

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden, self.out = keras.layers.Dense(5, activation="relu"), keras.layers.Dense(2)

        def call(self, x):
            return self.out(self.hidden(x))

    net = Net()
    net(np.zeros((1, 3)))
    rebuilt = keras_data.rebuild(keras_data.describe(net))
    assert [layer.units for layer in rebuilt.layers if hasattr(layer, "units")] == [5, 2]
    assert rebuilt.input_shape == (None, 3)


@pytest.mark.parametrize("change, reason", [
    (lambda c: c["config"]["layers"].append({"module": "keras.layers", "class_name": "Lambda", "config": {},
                                             "registered_name": None}), "'Lambda'"),
    (lambda c: c["compile_config"].update(loss={"module": "builtins", "class_name": "function", "config": "eval",
                                                "registered_name": "function"}), "'eval'"),
    (lambda c: c["config"]["layers"][1].update(module="__main__", class_name="MyDense", registered_name="MyDense"),
     "'MyDense'"),
    (lambda c: c["config"]["layers"][1]["config"].update(units=10 ** 6), "units=1000000"),
])
def test_a_configuration_with_anything_but_kerass_own_objects_is_refused(change, reason):
    from regcourse.channel import keras_data
    config = keras_data.describe(_classifier())
    change(config)
    with pytest.raises(keras_data.RefusedValue, match=reason):
        keras_data.rebuild(config)


def test_a_regularizer_function_of_another_form_cannot_cross():
    from regcourse.channel import keras_data
    with pytest.raises(ValueError, match="does not compute l1"):
        keras_data.describe(_classifier(kernel_regularizer=lambda w: __import__("keras").ops.max(w)))
