"""Length-prefixed JSON messages over a stream socket, with a size limit and a deadline."""
from __future__ import annotations

import json
import socket
import struct
import time

HEADER = struct.Struct("!I")
MAX_BYTES = 256 * 1024 * 1024


class ChannelClosed(ConnectionError):
    """The other side closed the channel, or sent something that is not a message."""


def _set_deadline(sock: socket.socket, deadline: float | None) -> None:
    if deadline is None:
        sock.settimeout(None)
        return
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("the time limit was reached")
    sock.settimeout(remaining)


def send(sock: socket.socket, message: dict, deadline: float | None = None) -> None:
    """Send one message (a JSON-able dict without NaN or infinity)."""
    data = json.dumps(message, allow_nan=False, separators=(",", ":")).encode()
    if len(data) > MAX_BYTES:
        raise ValueError(f"a message of {len(data)} bytes is larger than the channel's limit of {MAX_BYTES}")
    _set_deadline(sock, deadline)
    try:
        sock.sendall(HEADER.pack(len(data)) + data)
    except (BrokenPipeError, ConnectionResetError) as exc:
        raise ChannelClosed("the other side closed the channel") from exc


def recv(sock: socket.socket, deadline: float | None = None) -> dict:
    """Receive one message; raise ChannelClosed if what arrives is not one."""
    (size,) = HEADER.unpack(_read(sock, HEADER.size, deadline))
    if size > MAX_BYTES:
        raise ChannelClosed(f"a message of {size} bytes is larger than the channel's limit of {MAX_BYTES}")
    try:
        message = json.loads(_read(sock, size, deadline))
    except (ValueError, RecursionError) as exc:
        raise ChannelClosed(f"what arrived is not a message ({type(exc).__name__})") from None
    if not isinstance(message, dict):
        raise ChannelClosed("what arrived is not a message")
    return message


def _read(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    while left:
        _set_deadline(sock, deadline)
        try:
            chunk = sock.recv(min(left, 1 << 20))
        except ConnectionResetError as exc:
            raise ChannelClosed("the other side closed the channel") from exc
        if not chunk:
            raise ChannelClosed("the other side closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
