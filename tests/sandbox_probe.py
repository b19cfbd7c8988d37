"""What the sandbox probes (test_grading_sandbox.py, test_grading_warm.py) run first: how a
write to a path and a connection to an address end, inside the sandbox."""

HELPERS = r"""
import json, os, socket, sys
def attempt(path):
    try:
        with open(path, 'ab') as f:
            f.write(b'PWNED')
        return 'written'
    except OSError as e:
        return type(e).__name__
def connect(family, address):
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(3)
            s.connect(address)
        return 'connected'
    except OSError as e:
        return type(e).__name__
"""
