"""The grading channel: how the grader asks a student's kernel for data, and nothing else.

When a submission is graded, its tests never run in the student's kernel: they run in a
trusted process of the grader (autograder/checker.py). Where a test calls one of the
student's functions, the call travels over this channel as data: the name and the
arguments go to the kernel, which calls the function and sends back what it returned
(NumPy arrays, numbers, strings, tuples, lists, dicts, and a few Keras objects described by
their configuration). Neither side ever executes code that the other side sent.

Modules:
    frames       length-prefixed JSON messages over a socket, with size and time limits
    endpoint     one side of the channel: encoding values, calls, shared arrays and generators
    keras_data   Keras models, callbacks and histories as data (validated on the trusted side)
    serve        the kernel's side: `serve(address, token)`, run by the grader between two cells

Nothing here is secret: it holds no tests and no answers.
"""
