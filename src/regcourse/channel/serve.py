"""The kernel's side of the grading channel.

Between two cells, the grader has the kernel run

    __import__("regcourse.channel.serve", fromlist=["serve"]).serve(address, token)

which connects to the grader's socket and answers its calls of the notebook's functions
until the grader says it is done. Whatever the notebook does to this module or to its
namespace only changes the data its functions send back: the tests are not here.
"""
from __future__ import annotations

import socket
import sys

from . import frames
from .endpoint import KERNEL, Endpoint


def serve(address: str, token: str) -> None:
    """Answer the grader's calls of the functions of the caller's namespace (the notebook's)."""
    namespace = sys._getframe(1).f_globals
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(address)
        frames.send(sock, {"op": "hello", "token": token})
        serve_on(sock, namespace)


def serve_on(sock: socket.socket, namespace: dict) -> None:
    """Answer calls of the functions in namespace over a connected socket, until done."""
    Endpoint(sock, KERNEL, namespace).serve()
