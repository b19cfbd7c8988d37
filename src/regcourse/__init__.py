"""Helpers shared by the notebooks of *Regularization for Deep Learning*.

- `regcourse.data`: the small data sets the course uses (all offline).
- `regcourse.checks`: checks with messages a student understands, used by the exercises' tests.
- `regcourse.keras_checks`: the same for the Keras models students build (what they compute,
  how they are compiled); it uses only the model it is given.
- `regcourse.plotting`: the course's figure helpers.
- `regcourse.models`: the Keras baseline that the chapters regularize (imports TensorFlow).

Nothing here imports TensorFlow except `regcourse.models`, so NumPy-only notebooks stay fast.
"""
