"""What the browser tests share: Debian's Chromium driven by Playwright, a loopback web server.

Chromium is the system's /usr/bin/chromium (`make browser-deps` installs it), never a
browser that Playwright downloads itself: there is no network here except package
registries. It runs headless with the flags below and a fresh profile in a temporary
folder; without them it tries to reach Google's services at start-up and stalls.
Playwright adds its own plumbing flags (the DevTools pipe, no crash reporting, ...).
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NODE_MODULES = ROOT / "node_modules"
ARTIFACTS = ROOT / "test-artifacts"
INSTALL_HINT = "run `make browser-deps` (apt-get chromium, pip playwright, npm ci) from the repository root"


def require_browser() -> None:
    """Fail (not skip) when the browser stack is missing: `make test` installs it first."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: {INSTALL_HINT}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail(f"the playwright Python package is missing: {INSTALL_HINT}")


def node_module_file(relative: str) -> Path:
    """A file of an npm package from package.json, or a failure that says how to get it."""
    path = NODE_MODULES / relative
    if not path.is_file():
        pytest.fail(f"{path} is missing: {INSTALL_HINT}")
    return path


@contextlib.contextmanager
def chromium(viewport: dict | None = None):
    """A headless Chromium browser context with a fresh profile; closed (and removed) on exit."""
    require_browser()
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="regcourse-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile,  # Playwright passes it as --user-data-dir
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_FLAGS,
                viewport=viewport or {"width": 1280, "height": 900},
                timeout=60_000,
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser dropping a connection mid-response (it moved on) is no error of the site."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a folder over HTTP on 127.0.0.1 (a free port); yields the base URL, ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def artifact(name: str) -> Path:
    """Where a test keeps a file for people to look at (test-artifacts/ is git-ignored)."""
    path = ARTIFACTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
